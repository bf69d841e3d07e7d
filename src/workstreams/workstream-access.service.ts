import { ForbiddenException, Injectable, NotFoundException } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { isUuid } from '../common/ids';
import { Action, SubjectName, asSubject } from '../tenancy/ability';
import { Actor } from '../tenancy/actor';

/** What the rules need to know of a workstream to decide about it and its records. */
export interface WorkstreamRef {
  id: string;
  partnershipId: string | null;
  ownerCouncilId: string | null;
  leadCouncilIds: string[];
  administeringCouncilId: string | null;
  phase: string;
  version: number;
}

/**
 * The one door to a workstream for the services of its records: 404 when the caller's
 * council may not see it (whether or not it exists), 403 when it may see but not change.
 */
@Injectable()
export class WorkstreamAccess {
  constructor(private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>) {}

  async visible(actor: Actor, id: string, lock = false): Promise<WorkstreamRef> {
    const rows = isUuid(id)
      ? await this.txHost.tx.query<WorkstreamRef[]>(
          `SELECT w.id, w.partnership_id AS "partnershipId", w.owner_council_id AS "ownerCouncilId",
                  w.lead_council_ids AS "leadCouncilIds", w.phase, w.version,
                  (SELECT m.council_id FROM partnership_members m
                    WHERE m.partnership_id = w.partnership_id AND m.role = 'administering'
                      AND m.left_on IS NULL) AS "administeringCouncilId"
             FROM workstreams w WHERE w.id = $1${lock ? ' FOR NO KEY UPDATE OF w' : ''}`,
          [id],
        )
      : [];
    const workstream = rows[0];
    if (!workstream || !actor.ability.can('read', asSubject('Workstream', workstream))) {
      throw new NotFoundException('No workstream with that id');
    }
    return workstream;
  }

  /** A workstream whose records the caller may change: its lead authorities (or owner). */
  async editable(
    actor: Actor,
    id: string,
    action: Action = 'update',
    subject: SubjectName = 'WorkstreamChild',
  ): Promise<WorkstreamRef> {
    const workstream = await this.visible(actor, id);
    if (!actor.ability.can(action, asSubject(subject, workstream))) {
      throw new ForbiddenException(
        workstream.partnershipId
          ? "Only the lead authorities' officers and admins change this workstream"
          : "Only the owner council's officers and admins change this workstream",
      );
    }
    return workstream;
  }
}
