import { RuleBuilder } from '../tenancy/ability';
import { AbilityInput } from '../tenancy/ability.factory';

/**
 * docs/access-rules.md, The visibility table: only an agreement's parties see it (a record carries
 * `partyCouncilIds`); the initiating council's officers and admins write its draft terms,
 * submit them, amend them and link workstreams; each party's council admins decide and sign
 * for that party only (`AgreementParty`, checked with the party's `councilId`), start and
 * record its reviews and terminate it; officers and admins of any party attach documents.
 * Platform admins may do everything, on behalf of a party they name. The same rules in the
 * database: migrations/1764020000000-agreements.ts.
 */
export function agreementRules({ can }: RuleBuilder, actor: AbilityInput): void {
  if (actor.role === 'platform_admin' || !actor.councilId) return;
  const council = actor.councilId;
  can('read', 'Agreement', { partyCouncilIds: council });
  can('read', 'Agreement', { initiatingCouncilId: council });
  if (actor.role !== 'officer' && actor.role !== 'council_admin') return;
  can(['create', 'update'], 'Agreement', { initiatingCouncilId: council });
  can('create', 'AgreementDocument', { partyCouncilIds: council });
  if (actor.role !== 'council_admin') return;
  can(['approve', 'sign'], 'AgreementParty', { councilId: council });
  can(['review', 'terminate'], 'Agreement', { partyCouncilIds: council });
}
