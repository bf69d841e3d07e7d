import { randomUUID } from 'node:crypto';
import {
  ConflictException,
  ForbiddenException,
  Injectable,
  NotFoundException,
} from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { isUuid } from '../common/ids';
import { definedOnly } from '../common/sql';
import { Page, PageQueryDto, decodeCursor, pageOf } from '../common/pagination';
import { StaleVersionProblem, ValidationProblem } from '../common/problem';
import { asSubject } from '../tenancy/ability';
import { Actor } from '../tenancy/actor';
import {
  LOCKED_COLUMNS,
  LockedAgreement,
  REVIEW_COLUMNS,
  SUMMARY_COLUMNS,
  SUMMARY_FROM,
  VERSION_COLUMNS,
} from './agreement.queries';
import {
  AgreementDto,
  AgreementQueryDto,
  AgreementSummaryDto,
  AgreementVersionDto,
  ApproveDto,
  CreateAgreementDto,
  DeclineDto,
  LinkWorkstreamsDto,
  PartyTermsDto,
  ReviewDto,
  SignDto,
  StartReviewDto,
  TerminateDto,
  UpdateAgreementDto,
} from './dto/agreement.dto';
import { actingCouncil } from '../tenancy/acting-council';

type Tx = TransactionHost<TransactionalAdapterTypeOrm>['tx'];
type Terms = Partial<
  Pick<
    CreateAgreementDto,
    'title' | 'summary' | 'purposes' | 'legalBasis' | 'reviewDate' | 'endDate'
  >
> & { changeNote?: string };

const NOT_FOUND = 'No agreement with that id';

/**
 * Co-operation agreements (README, Co-operation agreements). Every write first locks the
 * agreement's row, so two parties acting at the same moment are served one after the other,
 * and each decides on what the other committed: the agreement moves to `approved` or `active`
 * exactly once. The database checks every move again (migrations/1764020000000-agreements.ts).
 */
@Injectable()
export class AgreementsService {
  constructor(private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>) {}

  private get tx(): Tx {
    return this.txHost.tx;
  }

  /** Agreements the caller's council is a party to, by reference (ties by id). */
  async list(actor: Actor, query: AgreementQueryDto): Promise<Page<AgreementSummaryDto>> {
    if (!actor.ability.can('read', 'Agreement')) return { data: [], nextCursor: null };
    const params: unknown[] = [];
    const where: string[] = [];
    const add = (value: unknown, condition: (n: string) => string) => {
      params.push(value);
      where.push(condition(`$${params.length}`));
    };
    // Platform admins see every agreement; anyone else only those their council is a party to
    // (the same rule as agreements.policy.ts, served by agreement_parties_council).
    if (actor.role !== 'platform_admin') {
      add(
        actor.councilId,
        (n) => `a.id IN (SELECT agreement_id FROM agreement_parties WHERE council_id = ${n})`,
      );
    }
    if (query.status) add(query.status, (n) => `a.status = ${n}`);
    if (query.partyCouncilId) {
      add(
        query.partyCouncilId,
        (n) =>
          `EXISTS (SELECT 1 FROM agreement_parties q WHERE q.agreement_id = a.id AND q.council_id = ${n})`,
      );
    }
    if (query.partnershipId) add(query.partnershipId, (n) => `a.partnership_id = ${n}`);
    if (query.reviewDueBefore) {
      add(
        query.reviewDueBefore,
        (n) => `a.next_review_on < ${n}::date AND a.status IN ('active', 'under_review')`,
      );
    }
    const after = decodeCursor(query.cursor, ['text', 'uuid']);
    if (after) {
      params.push(after[0], after[1]);
      where.push(`(a.reference, a.id) > ($${params.length - 1}, $${params.length}::uuid)`);
    }
    params.push(query.limit + 1);
    const rows = await this.tx.query<AgreementSummaryDto[]>(
      `SELECT ${SUMMARY_COLUMNS} FROM ${SUMMARY_FROM}
        WHERE ${where.length ? where.join(' AND ') : 'TRUE'}
        ORDER BY a.reference, a.id LIMIT $${params.length}`,
      params,
    );
    return pageOf(rows, query.limit, (row) => [row.reference, row.id]);
  }

  /** An agreement the caller's council is not a party to is 404, whether or not it exists. */
  async summary(actor: Actor, id: string): Promise<AgreementSummaryDto> {
    const rows = isUuid(id)
      ? await this.tx.query<AgreementSummaryDto[]>(
          `SELECT ${SUMMARY_COLUMNS} FROM ${SUMMARY_FROM} WHERE a.id = $1`,
          [id],
        )
      : [];
    const agreement = rows[0];
    if (!agreement || !actor.ability.can('read', this.subject(agreement))) {
      throw new NotFoundException(NOT_FOUND);
    }
    return agreement;
  }

  async get(actor: Actor, id: string): Promise<AgreementDto> {
    const agreement = await this.summary(actor, id);
    const versions = await this.versionRows(id, [
      agreement.currentVersion ?? agreement.latestVersion,
      agreement.latestVersion,
    ]);
    const current = versions.find(
      (v) => v.number === (agreement.currentVersion ?? agreement.latestVersion),
    )!;
    const pending =
      agreement.currentVersion !== null && agreement.latestVersion > agreement.currentVersion
        ? (versions.find((v) => v.number === agreement.latestVersion) ?? null)
        : null;
    // The join keeps only the workstreams the caller may see (the workstreams policy).
    const workstreams = await this.tx.query<{ id: string; title: string }[]>(
      `SELECT w.id, w.title FROM agreement_workstreams l JOIN workstreams w ON w.id = l.workstream_id
        WHERE l.agreement_id = $1 ORDER BY w.title, w.id`,
      [id],
    );
    const reviews = await this.tx.query<AgreementDto['reviews']>(
      `SELECT ${REVIEW_COLUMNS} FROM agreement_reviews r WHERE r.agreement_id = $1 ORDER BY r.created_at, r.id`,
      [id],
    );
    return { ...agreement, current, pending: pending ?? null, workstreams, reviews };
  }

  async versions(
    actor: Actor,
    id: string,
    query: PageQueryDto,
  ): Promise<Page<AgreementVersionDto>> {
    await this.summary(actor, id);
    const after = decodeCursor(query.cursor, ['integer']);
    const rows = await this.tx.query<AgreementVersionDto[]>(
      `SELECT ${VERSION_COLUMNS} FROM agreement_versions v
        WHERE v.agreement_id = $1 AND v.number > $2 ORDER BY v.number LIMIT $3`,
      [id, after ? after[0] : 0, query.limit + 1],
    );
    return pageOf(rows, query.limit, (row) => [row.number]);
  }

  async version(actor: Actor, id: string, number: number): Promise<AgreementVersionDto> {
    await this.summary(actor, id);
    const [version] = await this.versionRows(id, [number]);
    if (!version) throw new NotFoundException(`The agreement has no version ${number}`);
    return version;
  }

  private versionRows(id: string, numbers: number[]): Promise<AgreementVersionDto[]> {
    return this.tx.query<AgreementVersionDto[]>(
      `SELECT ${VERSION_COLUMNS} FROM agreement_versions v WHERE v.agreement_id = $1 AND v.number = ANY ($2::int[])`,
      [id, numbers],
    );
  }

  /**
   * A draft of version 1. Officers and admins start one for their own council; platform
   * admins name the initiating council. The initiating council is always a party.
   */
  async create(actor: Actor, dto: CreateAgreementDto): Promise<AgreementDto> {
    const initiating = actingCouncil(actor, dto.initiatingCouncilId, 'initiatingCouncilId');
    if (!actor.ability.can('create', asSubject('Agreement', { initiatingCouncilId: initiating }))) {
      throw new ForbiddenException('Only officers and admins start an agreement');
    }
    await this.assertParties(dto.parties, initiating);
    if (dto.partnershipId) await this.assertPartnership(dto.partnershipId);
    this.assertDates(dto);
    const id = randomUUID();
    // No RETURNING: an INSERT … RETURNING is checked against the read policy before the
    // parties exist.
    await this.tx.query(
      `INSERT INTO agreements (id, reference, initiating_council_id, partnership_id) VALUES ($1, $2, $3, $4)`,
      [id, dto.reference, initiating, dto.partnershipId ?? null],
    );
    await this.tx.query(
      `INSERT INTO agreement_parties (agreement_id, council_id) SELECT $1, unnest($2::uuid[])`,
      [id, dto.parties.map((p) => p.councilId)],
    );
    await this.insertVersion(id, 1, dto);
    await this.writeContributions(id, 1, dto.parties);
    if (dto.workstreamIds?.length) await this.writeLinks(id, dto.workstreamIds);
    return this.get(actor, id);
  }

  /**
   * Changes the terms. A draft is edited in place (parties too); an agreement in approval is
   * frozen (409); an approved or active one is amended: version n+1 goes to every party for
   * decision, while the version in force stays in force until every party has signed the new one.
   */
  async update(actor: Actor, id: string, dto: UpdateAgreementDto): Promise<AgreementDto> {
    const locked = await this.lockAs(
      actor,
      id,
      'update',
      'Only the initiating council changes the terms',
    );
    this.assertFresh(locked, dto.version);
    if (dto.partnershipId) await this.assertPartnership(dto.partnershipId);
    const partiesChange =
      dto.parties !== undefined &&
      [...dto.parties.map((p) => p.councilId)].sort().join() !==
        [...locked.partyCouncilIds].sort().join();
    const terms = termsOf(dto);
    if (locked.status === 'draft') {
      if (dto.parties) await this.assertParties(dto.parties, locked.initiatingCouncilId);
      await this.tx.query(
        `UPDATE agreements SET reference = coalesce($2, reference), partnership_id = coalesce($3, partnership_id)
          WHERE id = $1`,
        [id, dto.reference ?? null, dto.partnershipId ?? null],
      );
      await this.editDraftVersion(id, locked.latestVersion, terms);
      if (dto.parties) {
        await this.tx.query(`DELETE FROM agreement_contributions WHERE agreement_id = $1`, [id]);
        if (partiesChange) {
          await this.tx.query(
            `DELETE FROM agreement_parties WHERE agreement_id = $1 AND NOT council_id = ANY ($2::uuid[])`,
            [id, dto.parties.map((p) => p.councilId)],
          );
          await this.tx.query(
            `INSERT INTO agreement_parties (agreement_id, council_id) SELECT $1, unnest($2::uuid[])
             ON CONFLICT DO NOTHING`,
            [id, dto.parties.map((p) => p.councilId)],
          );
        }
        await this.writeContributions(id, locked.latestVersion, dto.parties);
      }
      await this.bump(id);
      return this.get(actor, id);
    }
    if (locked.status === 'ended')
      throw new ConflictException('An ended agreement does not change');
    if (dto.reference !== undefined || dto.partnershipId !== undefined) {
      throw new ConflictException(
        "An agreement's reference and partnership change only while it is a draft",
      );
    }
    if (partiesChange) {
      throw new ConflictException('The parties change only while the agreement is a draft');
    }
    const pending = locked.latestVersion !== locked.currentVersion;
    if (locked.status === 'in_approval' || (pending && locked.latestStatus === 'in_approval')) {
      throw new ConflictException(
        `Version ${locked.latestVersion} is in approval: its terms are frozen until every party has decided`,
      );
    }
    if (pending && locked.latestStatus === 'draft') {
      // A declined amendment, back with the initiating council: edit it, then submit it.
      await this.editDraftVersion(id, locked.latestVersion, terms);
      if (dto.parties) await this.replaceContributions(id, locked.latestVersion, dto.parties);
      await this.bump(id);
      return this.get(actor, id);
    }
    if (pending && locked.latestStatus === 'approved' && locked.currentVersion !== null) {
      throw new ConflictException(
        `Version ${locked.latestVersion} is approved and awaits signatures; it is signed or superseded first`,
      );
    }
    await this.amend(locked, terms, dto.parties);
    return this.get(actor, id);
  }

  private async amend(
    locked: LockedAgreement,
    terms: Terms,
    parties?: PartyTermsDto[],
  ): Promise<void> {
    const id = locked.id;
    const from = locked.latestVersion;
    const next = from + 1;
    const [base] = await this.tx.query<Required<Terms>[]>(
      `SELECT title, summary, purposes, legal_basis AS "legalBasis", to_char(review_date, 'YYYY-MM-DD') AS "reviewDate",
              to_char(end_date, 'YYYY-MM-DD') AS "endDate" FROM agreement_versions WHERE agreement_id = $1 AND number = $2`,
      [id, from],
    );
    const merged = { ...base, ...definedOnly(terms), changeNote: terms.changeNote };
    this.assertDates(merged);
    await this.insertVersion(id, next, merged);
    await this.tx.query(
      `INSERT INTO agreement_contributions (agreement_id, version_number, council_id, amount_pence, description)
       SELECT agreement_id, $3, council_id, amount_pence, description FROM agreement_contributions
        WHERE agreement_id = $1 AND version_number = $2`,
      [id, from, next],
    );
    if (parties) await this.replaceContributions(id, next, parties);
    await this.tx.query(
      `UPDATE agreement_versions SET status = 'in_approval' WHERE agreement_id = $1 AND number = $2`,
      [id, next],
    );
    if (locked.status === 'approved') {
      // Approved but never signed: the new terms replace the old before anything is in force.
      await this.tx.query(
        `UPDATE agreement_versions SET status = 'superseded' WHERE agreement_id = $1 AND number = $2`,
        [id, from],
      );
      await this.tx.query(
        `UPDATE agreements SET latest_version = $2, status = 'in_approval', version = version + 1 WHERE id = $1`,
        [id, next],
      );
    } else {
      await this.tx.query(
        `UPDATE agreements SET latest_version = $2, version = version + 1 WHERE id = $1`,
        [id, next],
      );
    }
  }

  /** The initiating council puts its draft (version 1, or a declined amendment) to the parties. */
  async submit(actor: Actor, id: string, expected: number): Promise<AgreementDto> {
    const locked = await this.lockAs(
      actor,
      id,
      'update',
      'Only the initiating council submits the terms',
    );
    this.assertFresh(locked, expected);
    if (locked.latestStatus !== 'draft') {
      throw new ConflictException(
        `Version ${locked.latestVersion} is ${locked.latestStatus.replace('_', ' ')}, not a draft`,
      );
    }
    if (locked.partyCouncilIds.length < 2) {
      throw new ConflictException('An agreement needs two or more parties');
    }
    await this.tx.query(
      `UPDATE agreement_versions SET status = 'in_approval' WHERE agreement_id = $1 AND number = $2`,
      [id, locked.latestVersion],
    );
    await this.tx.query(
      `UPDATE agreements SET status = CASE WHEN current_version IS NULL THEN 'in_approval' ELSE status END,
              version = version + 1 WHERE id = $1`,
      [id],
    );
    return this.get(actor, id);
  }

  /** One party's decision on the version in approval; the last approval approves it. */
  async decide(
    actor: Actor,
    id: string,
    dto: ApproveDto | DeclineDto,
    decision: 'approved' | 'declined',
  ): Promise<AgreementDto> {
    const { locked, councilId } = await this.lockForParty(actor, id, dto.councilId, 'approve');
    if (locked.latestVersion !== dto.versionNumber || locked.latestStatus !== 'in_approval') {
      throw new ConflictException(
        locked.latestStatus === 'in_approval'
          ? `Version ${dto.versionNumber} is not the one in approval (version ${locked.latestVersion} is)`
          : `No version of this agreement is in approval (version ${locked.latestVersion} is ${locked.latestStatus.replace('_', ' ')})`,
      );
    }
    const [already] = await this.tx.query<{ decision: string }[]>(
      `SELECT decision FROM agreement_decisions
        WHERE agreement_id = $1 AND version_number = $2 AND round = $3 AND council_id = $4`,
      [id, locked.latestVersion, locked.latestRound, councilId],
    );
    if (already) {
      throw new ConflictException(
        `That party has already ${already.decision} version ${dto.versionNumber}`,
      );
    }
    await this.tx.query(
      `INSERT INTO agreement_decisions (agreement_id, version_number, round, council_id, decision,
                                        decision_body, decision_maker, decided_on, reference, reason)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
      [
        id,
        locked.latestVersion,
        locked.latestRound,
        councilId,
        decision,
        dto.decisionBody,
        dto.decisionMaker ?? null,
        dto.decidedOn,
        dto.reference ?? null,
        dto.reason ?? null,
      ],
    );
    const nothingInForce = locked.currentVersion === null;
    if (decision === 'declined') {
      await this.moveLatest(locked, 'draft', nothingInForce ? 'draft' : null);
    } else {
      const [{ waiting }] = await this.tx.query<{ waiting: number }[]>(
        `SELECT count(*)::int AS waiting FROM agreement_parties p
          WHERE p.agreement_id = $1 AND NOT EXISTS (
            SELECT 1 FROM agreement_decisions d WHERE d.agreement_id = p.agreement_id AND d.council_id = p.council_id
               AND d.version_number = $2 AND d.round = $3 AND d.decision = 'approved')`,
        [id, locked.latestVersion, locked.latestRound],
      );
      if (waiting === 0)
        await this.moveLatest(locked, 'approved', nothingInForce ? 'approved' : null);
      else await this.bump(id);
    }
    return this.get(actor, id);
  }

  /** One party's signature on the approved version; the last one brings it into force. */
  async sign(actor: Actor, id: string, dto: SignDto): Promise<AgreementDto> {
    const { locked, councilId } = await this.lockForParty(actor, id, dto.councilId, 'sign');
    if (locked.latestVersion !== dto.versionNumber || locked.latestStatus !== 'approved') {
      throw new ConflictException(
        locked.latestVersion === dto.versionNumber && locked.latestStatus === 'in_approval'
          ? `Version ${dto.versionNumber} is signed only once every party has approved it`
          : `Version ${dto.versionNumber} is not awaiting signatures`,
      );
    }
    const [already] = await this.tx.query<unknown[]>(
      `SELECT 1 FROM agreement_signatures WHERE agreement_id = $1 AND version_number = $2 AND council_id = $3`,
      [id, dto.versionNumber, councilId],
    );
    if (already)
      throw new ConflictException(`That party has already signed version ${dto.versionNumber}`);
    await this.tx.query(
      `INSERT INTO agreement_signatures (agreement_id, version_number, council_id, signatory_name, signatory_role, signed_on)
       VALUES ($1, $2, $3, $4, $5, $6)`,
      [id, dto.versionNumber, councilId, dto.signatoryName, dto.signatoryRole, dto.signedOn],
    );
    const [{ waiting, lastSigned }] = await this.tx.query<
      { waiting: number; lastSigned: string }[]
    >(
      `SELECT (SELECT count(*)::int FROM agreement_parties p WHERE p.agreement_id = $1 AND NOT EXISTS (
                 SELECT 1 FROM agreement_signatures s WHERE s.agreement_id = p.agreement_id
                    AND s.council_id = p.council_id AND s.version_number = $2)) AS waiting,
              (SELECT to_char(max(signed_on), 'YYYY-MM-DD') FROM agreement_signatures
                WHERE agreement_id = $1 AND version_number = $2) AS "lastSigned"`,
      [id, dto.versionNumber],
    );
    if (waiting > 0) {
      await this.bump(id);
      return this.get(actor, id);
    }
    // In force from the last signature; the version it replaces is superseded.
    if (locked.currentVersion !== null) {
      await this.tx.query(
        `UPDATE agreement_versions SET status = 'superseded' WHERE agreement_id = $1 AND number = $2`,
        [id, locked.currentVersion],
      );
    }
    await this.tx.query(
      `UPDATE agreement_versions SET status = 'in_force', in_force_from = $3 WHERE agreement_id = $1 AND number = $2`,
      [id, dto.versionNumber, lastSigned],
    );
    await this.tx.query(
      `UPDATE agreements a SET current_version = v.number,
              status = CASE WHEN a.status = 'approved' THEN 'active' ELSE a.status END,
              start_date = coalesce(a.start_date, $3::date),
              next_review_on = CASE WHEN a.status = 'approved' OR v.review_date > a.next_review_on
                                    THEN v.review_date ELSE a.next_review_on END,
              end_date = v.end_date, version = a.version + 1
         FROM agreement_versions v WHERE a.id = $1 AND v.agreement_id = a.id AND v.number = $2`,
      [id, dto.versionNumber, lastSigned],
    );
    return this.get(actor, id);
  }

  /** A party's council admin opens the review by hand (the job queue does it on the review date). */
  async startReview(actor: Actor, id: string, dto: StartReviewDto): Promise<AgreementDto> {
    const locked = await this.lockAs(
      actor,
      id,
      'review',
      "Only a party's council admins start a review",
    );
    this.assertFresh(locked, dto.version);
    if (locked.status !== 'active') {
      throw new ConflictException(
        `Only an active agreement goes under review (this one is ${locked.status.replace('_', ' ')})`,
      );
    }
    await this.tx.query(
      `UPDATE agreements SET status = 'under_review', version = version + 1 WHERE id = $1`,
      [id],
    );
    return this.get(actor, id);
  }

  /** The review's outcome: the agreement is active again, with its next review date. */
  async recordReview(actor: Actor, id: string, dto: ReviewDto): Promise<AgreementDto> {
    const { locked, councilId } = await this.lockForParty(actor, id, dto.councilId, 'review', true);
    this.assertFresh(locked, dto.version);
    if (locked.status !== 'under_review') {
      throw new ConflictException('A review is recorded while the agreement is under review');
    }
    if (dto.nextReviewOn && dto.nextReviewOn <= dto.reviewedOn) {
      throw new ValidationProblem([
        { field: 'nextReviewOn', message: 'nextReviewOn must be after reviewedOn' },
      ]);
    }
    await this.tx.query(
      `INSERT INTO agreement_reviews (agreement_id, council_id, reviewed_on, outcome, next_review_on)
       VALUES ($1, $2, $3, $4, $5)`,
      [id, councilId, dto.reviewedOn, dto.outcome, dto.nextReviewOn ?? null],
    );
    await this.tx.query(
      `UPDATE agreements SET status = 'active', next_review_on = $2, version = version + 1 WHERE id = $1`,
      [id, dto.nextReviewOn ?? null],
    );
    return this.get(actor, id);
  }

  /** Any party ends the agreement, with a date and a reason. */
  async terminate(actor: Actor, id: string, dto: TerminateDto): Promise<AgreementDto> {
    const { locked, councilId } = await this.lockForParty(
      actor,
      id,
      dto.councilId,
      'terminate',
      true,
    );
    this.assertFresh(locked, dto.version);
    if (locked.status !== 'active' && locked.status !== 'under_review') {
      throw new ConflictException(
        `Only an agreement in force is terminated (this one is ${locked.status.replace('_', ' ')})`,
      );
    }
    await this.tx.query(
      `UPDATE agreements SET status = 'ended', ended_on = $2, end_kind = 'terminated', end_reason = $3,
              ended_by_council_id = $4, version = version + 1 WHERE id = $1`,
      [id, dto.terminatedOn, dto.reason, councilId],
    );
    return this.get(actor, id);
  }

  /** Replaces the workstreams pursued under the agreement (each one the caller may see). */
  async linkWorkstreams(actor: Actor, id: string, dto: LinkWorkstreamsDto): Promise<AgreementDto> {
    const locked = await this.lockAs(
      actor,
      id,
      'update',
      'Only the initiating council links workstreams',
    );
    this.assertFresh(locked, dto.version);
    if (locked.status === 'ended')
      throw new ConflictException('An ended agreement does not change');
    // Links the caller cannot see stay as they are: nobody unlinks what they may not see.
    await this.tx.query(
      `DELETE FROM agreement_workstreams l WHERE l.agreement_id = $1 AND NOT l.workstream_id = ANY ($2::uuid[])
          AND EXISTS (SELECT 1 FROM workstreams w WHERE w.id = l.workstream_id)`,
      [id, dto.workstreamIds],
    );
    await this.writeLinks(id, dto.workstreamIds);
    await this.bump(id);
    return this.get(actor, id);
  }

  // Locking and checks

  /** Reads the agreement (404 when not visible), checks `action` (403), then locks its row. */
  private async lockAs(
    actor: Actor,
    id: string,
    action: 'update' | 'review' | 'terminate',
    refusal: string,
  ): Promise<LockedAgreement> {
    const visible = await this.summary(actor, id);
    if (!actor.ability.can(action, this.subject(visible))) throw new ForbiddenException(refusal);
    return this.lock(id);
  }

  private async lock(id: string): Promise<LockedAgreement> {
    await this.tx.query(`SELECT 1 FROM agreements WHERE id = $1 FOR UPDATE`, [id]);
    const [locked] = await this.tx.query<LockedAgreement[]>(
      `SELECT ${LOCKED_COLUMNS} FROM agreements a WHERE a.id = $1`,
      [id],
    );
    if (!locked) throw new NotFoundException(NOT_FOUND);
    locked.partyCouncilIds ??= [];
    return locked;
  }

  /**
   * The party a council admin acts for is their own council; a platform admin names it and
   * the record says so. Another council's admin gets 403, an officer 403.
   */
  private async lockForParty(
    actor: Actor,
    id: string,
    named: string | undefined,
    action: 'approve' | 'sign' | 'review' | 'terminate',
    platformMayOmit = false,
  ): Promise<{ locked: LockedAgreement; councilId: string | null }> {
    const visible = await this.summary(actor, id);
    const councilId = actor.role === 'platform_admin' ? (named ?? null) : actor.councilId;
    if (actor.role === 'platform_admin' && !councilId && !platformMayOmit) {
      throw new ValidationProblem([
        { field: 'councilId', message: 'councilId is required: name the party you act for' },
      ]);
    }
    const parties = visible.parties.map((p) => p.id);
    if (councilId && !parties.includes(councilId)) {
      if (actor.role === 'platform_admin') {
        throw new ValidationProblem([
          { field: 'councilId', message: 'councilId is not a party to this agreement' },
        ]);
      }
      throw new ForbiddenException('Your council is not a party to this agreement');
    }
    if (named && named !== councilId) {
      throw new ForbiddenException('A party acts for itself only');
    }
    const allowed =
      action === 'approve' || action === 'sign'
        ? actor.ability.can(action, asSubject('AgreementParty', { councilId, agreementId: id }))
        : actor.ability.can(action, this.subject(visible));
    if (!allowed) {
      throw new ForbiddenException(
        `Only a council admin of the party ${action === 'approve' ? 'records its decision' : action === 'sign' ? 'records its signature' : `may ${action}`}`,
      );
    }
    return { locked: await this.lock(id), councilId };
  }

  private subject(agreement: AgreementSummaryDto) {
    return asSubject('Agreement', {
      id: agreement.id,
      initiatingCouncilId: agreement.initiatingCouncil.id,
      partyCouncilIds: agreement.parties.map((p) => p.id),
    });
  }

  private assertFresh(locked: LockedAgreement, expected: number): void {
    if (locked.version !== expected) throw new StaleVersionProblem('agreement');
  }

  private async assertParties(parties: PartyTermsDto[], initiating: string): Promise<void> {
    const ids = parties.map((p) => p.councilId);
    const duplicate = ids.findIndex((councilId, i) => ids.indexOf(councilId) !== i);
    if (duplicate >= 0) {
      throw new ValidationProblem([
        { field: `parties[${duplicate}].councilId`, message: 'each council is a party once' },
      ]);
    }
    if (!ids.includes(initiating)) {
      throw new ValidationProblem([
        { field: 'parties', message: 'parties must include the initiating council' },
      ]);
    }
    const known = await this.tx.query<{ id: string }[]>(
      `SELECT id FROM councils WHERE id = ANY ($1::uuid[])`,
      [ids],
    );
    const missing = ids.findIndex((councilId) => !known.some((c) => c.id === councilId));
    if (missing >= 0) {
      throw new ValidationProblem([
        { field: `parties[${missing}].councilId`, message: 'councilId is not a council' },
      ]);
    }
  }

  private async assertPartnership(partnershipId: string): Promise<void> {
    const rows = await this.tx.query<unknown[]>(`SELECT 1 FROM partnerships WHERE id = $1`, [
      partnershipId,
    ]);
    if (!rows.length) {
      throw new ValidationProblem([
        { field: 'partnershipId', message: 'partnershipId is not a partnership of your council' },
      ]);
    }
  }

  private assertDates(terms: { reviewDate?: string | null; endDate?: string | null }): void {
    if (terms.reviewDate && terms.endDate && terms.endDate <= terms.reviewDate) {
      throw new ValidationProblem([
        { field: 'endDate', message: 'endDate must be after reviewDate' },
      ]);
    }
  }

  // Writes

  private async insertVersion(id: string, number: number, terms: Terms): Promise<void> {
    await this.tx.query(
      `INSERT INTO agreement_versions (agreement_id, number, title, summary, purposes, legal_basis,
                                       review_date, end_date, change_note)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
      [
        id,
        number,
        terms.title,
        terms.summary ?? null,
        terms.purposes,
        terms.legalBasis,
        terms.reviewDate ?? null,
        terms.endDate ?? null,
        terms.changeNote ?? null,
      ],
    );
  }

  private async editDraftVersion(id: string, number: number, terms: Terms): Promise<void> {
    const [current] = await this.tx.query<{ reviewDate: string | null; endDate: string | null }[]>(
      `SELECT to_char(review_date, 'YYYY-MM-DD') AS "reviewDate", to_char(end_date, 'YYYY-MM-DD') AS "endDate"
         FROM agreement_versions WHERE agreement_id = $1 AND number = $2`,
      [id, number],
    );
    this.assertDates({ ...current, ...definedOnly(terms) });
    await this.tx.query(
      `UPDATE agreement_versions SET title = coalesce($3, title), summary = coalesce($4, summary),
              purposes = coalesce($5, purposes), legal_basis = coalesce($6, legal_basis),
              review_date = coalesce($7, review_date), end_date = coalesce($8, end_date),
              change_note = coalesce($9, change_note)
        WHERE agreement_id = $1 AND number = $2`,
      [
        id,
        number,
        terms.title ?? null,
        terms.summary ?? null,
        terms.purposes ?? null,
        terms.legalBasis ?? null,
        terms.reviewDate ?? null,
        terms.endDate ?? null,
        terms.changeNote ?? null,
      ],
    );
  }

  private async writeContributions(
    id: string,
    number: number,
    parties: PartyTermsDto[],
  ): Promise<void> {
    await this.tx.query(
      `INSERT INTO agreement_contributions (agreement_id, version_number, council_id, amount_pence, description)
       SELECT $1, $2, c.council_id, c.amount, c.description
         FROM unnest($3::uuid[], $4::bigint[], $5::text[]) AS c (council_id, amount, description)`,
      [
        id,
        number,
        parties.map((p) => p.councilId),
        parties.map((p) => p.contributionPence ?? null),
        parties.map((p) => p.contributionDescription ?? null),
      ],
    );
  }

  private async replaceContributions(
    id: string,
    number: number,
    parties: PartyTermsDto[],
  ): Promise<void> {
    await this.tx.query(
      `DELETE FROM agreement_contributions WHERE agreement_id = $1 AND version_number = $2`,
      [id, number],
    );
    await this.writeContributions(id, number, parties);
  }

  private async writeLinks(id: string, workstreamIds: string[]): Promise<void> {
    const visible = await this.tx.query<{ id: string }[]>(
      `SELECT id FROM workstreams WHERE id = ANY ($1::uuid[])`,
      [workstreamIds],
    );
    const missing = workstreamIds.findIndex((w) => !visible.some((v) => v.id === w));
    if (missing >= 0) {
      throw new ValidationProblem([
        {
          field: `workstreamIds[${missing}]`,
          message: 'workstreamIds must name workstreams you can see',
        },
      ]);
    }
    await this.tx.query(
      `INSERT INTO agreement_workstreams (agreement_id, workstream_id) SELECT $1, unnest($2::uuid[])
       ON CONFLICT DO NOTHING`,
      [id, workstreamIds],
    );
  }

  /** Moves the latest version (and, before anything is in force, the agreement) on. */
  private async moveLatest(
    locked: LockedAgreement,
    to: string,
    agreementTo: string | null,
  ): Promise<void> {
    await this.tx.query(
      `UPDATE agreement_versions SET status = $3 WHERE agreement_id = $1 AND number = $2`,
      [locked.id, locked.latestVersion, to],
    );
    await this.tx.query(
      `UPDATE agreements SET status = coalesce($2, status), version = version + 1 WHERE id = $1`,
      [locked.id, agreementTo],
    );
  }

  private async bump(id: string): Promise<void> {
    await this.tx.query(`UPDATE agreements SET version = version + 1 WHERE id = $1`, [id]);
  }
}

function termsOf(dto: UpdateAgreementDto): Terms {
  const { title, summary, purposes, legalBasis, reviewDate, endDate, changeNote } = dto;
  return { title, summary, purposes, legalBasis, reviewDate, endDate, changeNote };
}
