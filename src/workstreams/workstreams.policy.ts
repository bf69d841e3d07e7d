import { RuleBuilder } from '../tenancy/ability';
import { AbilityInput } from '../tenancy/ability.factory';

/**
 * docs/access-rules.md, The visibility table: a shared workstream and its records are read by its partnership's
 * member councils, a private one by its owner council. Officers and admins of the lead
 * authorities (or of the owner council) change the workstream and its records
 * (`WorkstreamChild`, checked against the parent workstream); each council changes only its
 * own participation, business-case decisions and savings lines. Viewers read. The same rules
 * in the database: migrations/1763890000000-workstreams.ts.
 */
export function workstreamRules({ can }: RuleBuilder, actor: AbilityInput): void {
  if (actor.role === 'platform_admin' || !actor.councilId) return;
  const council = actor.councilId;
  const shared = { partnershipId: { $in: actor.partnershipIds } };
  can('read', 'ServiceArea');
  for (const subject of ['Workstream', 'WorkstreamChild'] as const) {
    can('read', subject, shared);
    can('read', subject, { ownerCouncilId: council });
  }
  if (actor.role !== 'officer' && actor.role !== 'council_admin') return;
  // The administering council records the partnership's workstreams, whoever leads them.
  can('create', 'Workstream', { ...shared, administeringCouncilId: council });
  for (const action of ['update', 'create'] as const) {
    can(action, ['Workstream', 'WorkstreamChild'], { ownerCouncilId: council });
    can(action, ['Workstream', 'WorkstreamChild'], { ...shared, leadCouncilIds: council });
  }
  can(['create', 'update'], ['Participant', 'BusinessCaseDecision', 'SavingsLine'], {
    councilId: council,
  });
}
