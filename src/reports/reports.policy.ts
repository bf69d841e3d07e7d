import { RuleBuilder } from '../tenancy/ability';
import { AbilityInput } from '../tenancy/ability.factory';

/**
 * docs/access-rules.md, The visibility table: a report is read by its owner council, and when shared
 * (`visibility: partnership`) by the partnership's current members; the owner council's
 * officers and admins write drafts and submit them; its admins approve or return them. Report
 * schedules are the owner council's. The same rules in the database:
 * migrations/1764030000000-reports.ts.
 */
export function reportRules({ can }: RuleBuilder, actor: AbilityInput): void {
  if (actor.role === 'platform_admin' || !actor.councilId) return;
  const council = actor.councilId;
  can('read', 'Report', { ownerCouncilId: council });
  can('read', 'Report', {
    visibility: 'partnership',
    partnershipId: { $in: actor.partnershipIds },
  });
  can('read', 'ReportSchedule', { ownerCouncilId: council });
  if (actor.role !== 'officer' && actor.role !== 'council_admin') return;
  can(['create', 'update'], ['Report', 'ReportSchedule'], { ownerCouncilId: council });
  if (actor.role === 'council_admin') can('approve', 'Report', { ownerCouncilId: council });
}
