import { Injectable } from '@nestjs/common';
import { AppAbility, RuleBuilder, buildAbility } from './ability';
import { Role } from './actor';
import { partnershipRules } from '../partnerships/partnerships.policy';
import { workstreamRules } from '../workstreams/workstreams.policy';
import { agreementRules } from '../agreements/agreements.policy';
import { reportRules } from '../reports/reports.policy';

export interface AbilityInput {
  userId: string;
  councilId: string | null;
  role: Role;
  /** Partnerships the council is a current member of. */
  partnershipIds: string[];
}

/** What a partner council may read of another council's user. */
export const PARTNER_USER_FIELDS = ['id', 'councilId', 'name', 'jobTitle'];

/**
 * The rules of the visibility table of docs/access-rules.md for councils, users and audit events. Row-level
 * security in migrations/1763860000000-identity.ts states the same rules for the database.
 */
function identityRules({ can, cannot }: RuleBuilder, actor: AbilityInput): void {
  if (actor.role === 'platform_admin') {
    can('manage', 'all');
    return;
  }
  can('read', 'Council');
  can('read', 'CouncilProfile', { councilId: actor.councilId });
  can('read', 'User', { councilId: actor.councilId });
  // Field-level: of another council's user, partners read only what names a lead officer of
  // a workstream in a partnership they share (the record carries `leadOfficerIn`).
  can('read', 'User', PARTNER_USER_FIELDS, { leadOfficerIn: { $in: actor.partnershipIds } });
  if (actor.role === 'council_admin') {
    can('update', 'CouncilProfile', { councilId: actor.councilId });
    can(['create', 'update'], 'User', { councilId: actor.councilId });
    cannot(['create', 'update'], 'User', { role: 'platform_admin' });
    can('read', 'AuditEvent', { councilId: actor.councilId });
  }
}

@Injectable()
export class AbilityFactory {
  forActor(actor: AbilityInput): AppAbility {
    return buildAbility((builder) => {
      identityRules(builder, actor);
      partnershipRules(builder, actor);
      workstreamRules(builder, actor);
      agreementRules(builder, actor);
      reportRules(builder, actor);
    });
  }
}
