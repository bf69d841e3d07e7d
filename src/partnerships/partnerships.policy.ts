import { RuleBuilder } from '../tenancy/ability';
import { AbilityInput } from '../tenancy/ability.factory';

/**
 * docs/access-rules.md, The visibility table: member councils see a partnership and its members; its
 * administering council's admins change it and its membership. Any council admin may start a
 * partnership (their council becomes its administering council). The same rules in the
 * database: migrations/1763880000000-partnerships.ts.
 */
export function partnershipRules({ can }: RuleBuilder, actor: AbilityInput): void {
  if (actor.role === 'platform_admin' || !actor.councilId) return;
  can('read', 'Partnership', { id: { $in: actor.partnershipIds } });
  can('read', 'PartnershipMember', { partnershipId: { $in: actor.partnershipIds } });
  if (actor.role === 'council_admin') {
    can('create', 'Partnership');
    can('update', 'Partnership', { administeringCouncilId: actor.councilId });
    can(['create', 'update'], 'PartnershipMember', { administeringCouncilId: actor.councilId });
  }
}
