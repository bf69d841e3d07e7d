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
import { decodeCursor, pageOf } from '../common/pagination';
import { StaleVersionProblem, ValidationProblem } from '../common/problem';
import { assignments, definedOnly, isoDate, isoTimestamp } from '../common/sql';
import { asSubject } from '../tenancy/ability';
import { Actor } from '../tenancy/actor';
import {
  ApproveReportDto,
  CreateReportDto,
  ImplicationsDto,
  ReportDto,
  ReportPageDto,
  ReportQueryDto,
  ReportSectionDto,
  ReportSummaryDto,
  ReturnReportDto,
  UpdateReportDto,
  UpdateSectionDto,
} from './dto/report.dto';
import { ComposedSection, ReportComposer } from './report-composer';
import { ComposedReport, ReportSection, WorkstreamContent } from './report-model';
import { actingCouncil } from '../tenancy/acting-council';

type Tx = TransactionHost<TransactionalAdapterTypeOrm>['tx'];
type Row = Omit<ReportDto, 'sections'> & {
  partnershipName: string | null;
  snapshot: ComposedReport | null;
};

const date = isoDate;
const COLUMNS = `r.id, r.owner_council_id AS "ownerCouncilId", c.name AS "councilName",
  r.partnership_id AS "partnershipId", p.name AS "partnershipName", r.title, r.type, r.meeting,
  ${date('r.meeting_date', 'meetingDate')}, r.reference, r.forward_plan_reference AS "forwardPlanReference",
  r.key_decision AS "keyDecision", r.public_item AS "publicItem", r.report_by AS "reportBy",
  r.signed_by AS "signedBy", r.contact_name AS "contactName", r.contact_job_title AS "contactJobTitle",
  r.contact_telephone AS "contactTelephone", r.contact_email AS "contactEmail", r.wards,
  ${date('r.period_from', 'periodFrom')}, ${date('r.period_to', 'periodTo')}, r.visibility, r.status,
  r.returned_reason AS "returnedReason",
  CASE WHEN r.submitted_at IS NULL THEN NULL ELSE to_char(r.submitted_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') END AS "submittedAt",
  r.accountable_officer AS "accountableOfficer", ${date('r.accountable_officer_on', 'accountableOfficerOn')},
  r.accountable_director AS "accountableDirector", ${date('r.accountable_director_on', 'accountableDirectorOn')},
  CASE WHEN r.approved_at IS NULL THEN NULL ELSE to_char(r.approved_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') END AS "approvedAt",
  r.snapshot, r.version, ${isoTimestamp('r.created_at', 'createdAt')}, ${isoTimestamp('r.updated_at', 'updatedAt')}`;
const FROM = `reports r JOIN councils c ON c.id = r.owner_council_id LEFT JOIN partnerships p ON p.id = r.partnership_id`;
const SECTION_COLUMNS = `id, position, kind, key, heading, content, internal, workstream_id AS "workstreamId",
  agreement_id AS "agreementId", version`;

/** Header fields a draft's `PATCH` may change, by column. */
const HEADER: Record<string, string> = {
  title: 'title',
  meeting: 'meeting',
  meetingDate: 'meeting_date',
  reference: 'reference',
  forwardPlanReference: 'forward_plan_reference',
  keyDecision: 'key_decision',
  publicItem: 'public_item',
  reportBy: 'report_by',
  signedBy: 'signed_by',
  contactName: 'contact_name',
  contactJobTitle: 'contact_job_title',
  contactTelephone: 'contact_telephone',
  contactEmail: 'contact_email',
  wards: 'wards',
  periodFrom: 'period_from',
  periodTo: 'period_to',
  visibility: 'visibility',
};

const IMPLICATIONS: [keyof ImplicationsDto, string][] = [
  ['legal', 'Legal'],
  ['financial', 'Finance'],
  ['humanResources', 'Human resources'],
  ['equality', 'Equality and diversity'],
  ['section151', "Section 151 officer's comments"],
  ['monitoringOfficer', "Monitoring officer's comments"],
];

const paragraphs = (text: string) =>
  text
    .split(/\n\s*\n/)
    .map((p) => p.trim())
    .filter(Boolean);

/**
 * Progress reports (README, Reports): composed from live data as at the period's end, edited
 * by the owner council's officers, frozen on submission, approved by its admins.
 */
@Injectable()
export class ReportsService {
  constructor(
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
    private readonly composer: ReportComposer,
  ) {}

  private get tx(): Tx {
    return this.txHost.tx;
  }

  /** Reports of the caller's council, and those shared with its partnerships; latest period first. */
  async list(actor: Actor, query: ReportQueryDto): Promise<ReportPageDto> {
    const params: unknown[] = [];
    const where: string[] = [];
    if (actor.role !== 'platform_admin') {
      params.push(actor.councilId, actor.partnershipIds);
      where.push(
        `(r.owner_council_id = $1 OR (r.visibility = 'partnership' AND r.partnership_id = ANY ($2::uuid[])))`,
      );
    }
    if (query.status) {
      params.push(query.status);
      where.push(`r.status = $${params.length}`);
    }
    if (query.partnershipId) {
      params.push(query.partnershipId);
      where.push(`r.partnership_id = $${params.length}`);
    }
    const after = decodeCursor(query.cursor, ['date', 'uuid']);
    if (after) {
      params.push(after[0], after[1]);
      where.push(`(r.period_to, r.id) < ($${params.length - 1}::date, $${params.length}::uuid)`);
    }
    params.push(query.limit + 1);
    const rows = await this.tx.query<ReportSummaryDto[]>(
      `SELECT r.id, r.owner_council_id AS "ownerCouncilId", c.name AS "councilName",
              r.partnership_id AS "partnershipId", r.title, r.type, ${date('r.period_to', 'periodTo')},
              r.visibility, r.status, r.version
         FROM ${FROM} WHERE ${where.length ? where.join(' AND ') : 'TRUE'}
        ORDER BY r.period_to DESC, r.id DESC LIMIT $${params.length}`,
      params,
    );
    return pageOf(rows, query.limit, (row) => [row.periodTo, row.id]);
  }

  /** A report the caller may not read is 404, whether or not it exists. */
  async row(actor: Actor, id: string): Promise<Row> {
    const [row] = isUuid(id)
      ? await this.tx.query<Row[]>(`SELECT ${COLUMNS} FROM ${FROM} WHERE r.id = $1`, [id])
      : [];
    if (!row || !actor.ability.can('read', subject(row))) {
      throw new NotFoundException('No report with that id');
    }
    return row;
  }

  async get(actor: Actor, id: string): Promise<ReportDto> {
    const row = await this.row(actor, id);
    return this.present(row);
  }

  private async present(row: Row): Promise<ReportDto> {
    const { snapshot: _snapshot, partnershipName: _name, ...report } = row;
    return { ...report, sections: await this.sections(row.id) };
  }

  private sections(reportId: string): Promise<ReportSectionDto[]> {
    return this.tx.query<ReportSectionDto[]>(
      `SELECT ${SECTION_COLUMNS} FROM report_sections WHERE report_id = $1 ORDER BY position, id`,
      [reportId],
    );
  }

  async create(actor: Actor, dto: CreateReportDto): Promise<ReportDto> {
    const owner = actingCouncil(actor, dto.ownerCouncilId, 'ownerCouncilId');
    if (!actor.ability.can('create', asSubject('Report', { ownerCouncilId: owner }))) {
      throw new ForbiddenException("Only the council's officers and admins write reports");
    }
    const visibility = dto.visibility ?? 'private';
    if (dto.partnershipId)
      await this.assertVisible('partnerships', dto.partnershipId, 'partnershipId');
    if (visibility === 'partnership' && !dto.partnershipId) {
      throw new ValidationProblem([
        {
          field: 'partnershipId',
          message: 'partnershipId is required for a report shared with a partnership',
        },
      ]);
    }
    if (dto.periodFrom && dto.periodFrom > dto.periodTo) {
      throw new ValidationProblem([
        { field: 'periodFrom', message: 'periodFrom must not be after periodTo' },
      ]);
    }
    const workstreamIds =
      dto.workstreamIds ?? (await this.defaultWorkstreams(owner, dto.partnershipId));
    await this.assertItems(workstreamIds, dto.agreementIds ?? [], visibility, dto.partnershipId);
    const id = randomUUID();
    const header: Record<string, unknown> = {
      ...dto,
      visibility,
    };
    const fields = Object.entries(HEADER).filter(([field]) => header[field] !== undefined);
    await this.tx.query(
      `INSERT INTO reports (id, owner_council_id, partnership_id, type, ${fields.map(([, c]) => c).join(', ')})
       VALUES ($1, $2, $3, $4, ${fields.map((_, i) => `$${i + 5}`).join(', ')})`,
      [id, owner, dto.partnershipId ?? null, dto.type, ...fields.map(([field]) => header[field])],
    );
    const composed = await this.compose(workstreamIds, dto.agreementIds ?? [], dto.periodTo);
    const sections = [...textSections(dto, 'before'), ...composed, ...textSections(dto, 'after')];
    await this.insertSections(id, sections, 0);
    if (dto.scheduleId) await this.fulfil(dto.scheduleId, id, owner);
    return this.get(actor, id);
  }

  async update(actor: Actor, id: string, dto: UpdateReportDto): Promise<ReportDto> {
    const row = await this.writable(actor, id, dto.version);
    const next = { ...row, ...definedOnly(dto) };
    if (next.periodFrom && next.periodFrom > next.periodTo) {
      throw new ValidationProblem([
        { field: 'periodFrom', message: 'periodFrom must not be after periodTo' },
      ]);
    }
    if (dto.visibility === 'partnership' && !row.partnershipId) {
      throw new ValidationProblem([
        { field: 'visibility', message: 'only a report of a partnership can be shared with it' },
      ]);
    }
    if (dto.visibility === 'partnership') {
      const items = await this.tx.query<
        { workstreamId: string | null; agreementId: string | null }[]
      >(
        `SELECT workstream_id AS "workstreamId", agreement_id AS "agreementId" FROM report_sections WHERE report_id = $1`,
        [id],
      );
      await this.assertItems(
        items.flatMap((i) => (i.workstreamId ? [i.workstreamId] : [])),
        items.flatMap((i) => (i.agreementId ? [i.agreementId] : [])),
        'partnership',
        row.partnershipId ?? undefined,
      );
    }
    const params: unknown[] = [id, dto.version];
    const sets = assignments(dto, HEADER, params);
    await this.tx.query(
      `UPDATE reports SET ${[...sets, 'version = version + 1'].join(', ')} WHERE id = $1 AND version = $2`,
      params,
    );
    return this.get(actor, id);
  }

  async updateSection(
    actor: Actor,
    id: string,
    sectionId: string,
    dto: UpdateSectionDto,
  ): Promise<ReportDto> {
    const row = await this.locked(actor, id, (r) => this.assertWriter(actor, r));
    if (row.status !== 'draft') throw frozen(row.status);
    const [section] = isUuid(sectionId)
      ? await this.tx.query<ReportSectionDto[]>(
          `SELECT ${SECTION_COLUMNS} FROM report_sections WHERE id = $1 AND report_id = $2`,
          [sectionId, id],
        )
      : [];
    if (!section) throw new NotFoundException('No section with that id in this report');
    if (section.version !== dto.version) throw new StaleVersionProblem('section');
    const content = editedContent(section, dto);
    await this.tx.query(
      `UPDATE report_sections SET heading = coalesce($2, heading), internal = coalesce($3, internal),
              content = $4, version = version + 1 WHERE id = $1`,
      [sectionId, dto.heading ?? null, dto.internal ?? null, JSON.stringify(content)],
    );
    await this.bump(id);
    return this.get(actor, id);
  }

  /**
   * Fills the composed sections again from live data as at the period's end, in place (the
   * officer's edits to them are replaced; text sections stay as written).
   */
  async recompose(actor: Actor, id: string, version: number): Promise<ReportDto> {
    const row = await this.writable(actor, id, version);
    const existing = await this.sections(id);
    const workstreamIds = existing.flatMap((s) => (s.workstreamId ? [s.workstreamId] : []));
    const agreementIds = existing.flatMap((s) => (s.agreementId ? [s.agreementId] : []));
    const fresh = await this.compose(workstreamIds, agreementIds, row.periodTo);
    for (const section of fresh) {
      const match = existing.find(
        (s) =>
          s.kind === section.kind &&
          (s.workstreamId ?? null) === (section.workstreamId ?? null) &&
          (s.agreementId ?? null) === (section.agreementId ?? null),
      );
      if (match) {
        await this.tx.query(
          `UPDATE report_sections SET content = $2, version = version + 1 WHERE id = $1`,
          [match.id, JSON.stringify(section.content)],
        );
      }
    }
    await this.bump(id);
    return this.get(actor, id);
  }

  /** Freezes the paper: every section, as it reads now, into the report's snapshot. */
  async submit(actor: Actor, id: string, version: number): Promise<ReportDto> {
    const row = await this.writable(actor, id, version);
    const snapshot = await this.composedOf(row);
    await this.tx.query(
      `UPDATE reports SET status = 'submitted', snapshot = $2, version = version + 1 WHERE id = $1`,
      [id, JSON.stringify(snapshot)],
    );
    return this.get(actor, id);
  }

  async returnToDraft(actor: Actor, id: string, dto: ReturnReportDto): Promise<ReportDto> {
    const row = await this.approvable(actor, id, dto.version);
    await this.tx.query(
      `UPDATE reports SET status = 'draft', returned_reason = $2, version = version + 1 WHERE id = $1`,
      [row.id, dto.reason],
    );
    return this.get(actor, id);
  }

  async approve(actor: Actor, id: string, dto: ApproveReportDto): Promise<ReportDto> {
    const row = await this.approvable(actor, id, dto.version);
    await this.tx.query(
      `UPDATE reports SET status = 'approved', accountable_officer = $2, accountable_officer_on = $3,
              accountable_director = $4, accountable_director_on = $5, version = version + 1 WHERE id = $1`,
      [
        row.id,
        dto.accountableOfficer,
        dto.accountableOfficerOn,
        dto.accountableDirector,
        dto.accountableDirectorOn,
      ],
    );
    return this.get(actor, id);
  }

  /** The paper as its renderers see it: the frozen snapshot once submitted, else the live draft. */
  async composed(actor: Actor, id: string): Promise<ComposedReport> {
    const row = await this.row(actor, id);
    if (!row.snapshot) return this.composedOf(row);
    return {
      ...row.snapshot,
      header: { ...row.snapshot.header, status: row.status as 'submitted' },
      signOff: signOffOf(row),
    };
  }

  private async composedOf(row: Row): Promise<ComposedReport> {
    const sections = await this.sections(row.id);
    return {
      header: {
        title: row.title,
        type: row.type as ComposedReport['header']['type'],
        councilName: row.councilName,
        partnershipName: row.partnershipName,
        meeting: row.meeting,
        meetingDate: row.meetingDate,
        reference: row.reference,
        forwardPlanReference: row.forwardPlanReference,
        keyDecision: row.keyDecision,
        reportBy: row.reportBy,
        contact: row.contactName
          ? {
              name: row.contactName,
              jobTitle: row.contactJobTitle,
              telephone: row.contactTelephone,
              email: row.contactEmail,
            }
          : null,
        wards: row.wards,
        periodFrom: row.periodFrom,
        periodTo: row.periodTo,
        isPublic: row.publicItem,
        status: row.status as ComposedReport['header']['status'],
      },
      sections: sections.map(
        (s) =>
          ({
            id: s.id,
            kind: s.kind,
            heading: s.heading,
            internal: s.internal,
            ...s.content,
          }) as ReportSection,
      ),
      signOff: signOffOf(row),
    };
  }

  // Checks

  private assertWriter(actor: Actor, row: Row): void {
    if (!actor.ability.can('update', subject(row))) {
      throw new ForbiddenException("Only the owner council's officers and admins change a report");
    }
  }

  /**
   * Every write reads the report (404), checks the caller (403), then locks its row and reads
   * it again: two writes of one report run one after the other, each on what the other
   * committed (a submission never freezes a paper an edit is still changing).
   */
  private async locked(actor: Actor, id: string, may: (row: Row) => void): Promise<Row> {
    may(await this.row(actor, id));
    await this.tx.query(`SELECT 1 FROM reports WHERE id = $1 FOR UPDATE`, [id]);
    return this.row(actor, id);
  }

  private async writable(actor: Actor, id: string, version: number): Promise<Row> {
    const row = await this.locked(actor, id, (r) => this.assertWriter(actor, r));
    if (row.status !== 'draft') throw frozen(row.status);
    if (row.version !== version) throw new StaleVersionProblem('report');
    return row;
  }

  private async approvable(actor: Actor, id: string, version: number): Promise<Row> {
    const row = await this.locked(actor, id, (r) => {
      if (!actor.ability.can('approve', subject(r))) {
        throw new ForbiddenException("Only the owner council's admins approve or return a report");
      }
    });
    if (row.status !== 'submitted') {
      throw new ConflictException(
        row.status === 'approved'
          ? 'An approved report never changes; a correction is a new report'
          : 'Only a submitted report is approved or returned',
      );
    }
    if (row.version !== version) throw new StaleVersionProblem('report');
    return row;
  }

  private async assertVisible(table: 'partnerships', id: string, field: string): Promise<void> {
    const rows = await this.tx.query<unknown[]>(`SELECT 1 FROM ${table} WHERE id = $1`, [id]);
    if (!rows.length)
      throw new ValidationProblem([{ field, message: `${field} is not one your council can see` }]);
  }

  /**
   * Every workstream and agreement reported on is one the owner can see; a report shared with
   * a partnership reports only on that partnership's, so sharing it shows partners nothing
   * private.
   */
  private async assertItems(
    workstreamIds: string[],
    agreementIds: string[],
    visibility: string,
    partnershipId: string | undefined,
  ): Promise<void> {
    const shared = visibility === 'partnership';
    const ws = await this.tx.query<{ id: string; partnershipId: string | null }[]>(
      `SELECT id, partnership_id AS "partnershipId" FROM workstreams WHERE id = ANY ($1::uuid[])`,
      [workstreamIds],
    );
    workstreamIds.forEach((wid, i) => {
      const found = ws.find((w) => w.id === wid);
      if (!found || (shared && found.partnershipId !== partnershipId)) {
        throw new ValidationProblem([
          {
            field: `workstreamIds[${i}]`,
            message: found
              ? "a report shared with a partnership reports only on the partnership's workstreams"
              : 'workstreamIds must name workstreams your council can see',
          },
        ]);
      }
    });
    // Only parties see an agreement: a shared report reports on one only when every current
    // member of the partnership is a party to it.
    const ags = await this.tx.query<
      { id: string; partnershipId: string | null; allMembers: boolean }[]
    >(
      `SELECT a.id, a.partnership_id AS "partnershipId",
              NOT EXISTS (SELECT 1 FROM partnership_members m
                           WHERE m.partnership_id = $2::uuid AND m.left_on IS NULL
                             AND NOT EXISTS (SELECT 1 FROM agreement_parties p
                                              WHERE p.agreement_id = a.id AND p.council_id = m.council_id)) AS "allMembers"
         FROM agreements a WHERE a.id = ANY ($1::uuid[])`,
      [agreementIds, partnershipId ?? null],
    );
    agreementIds.forEach((aid, i) => {
      const found = ags.find((a) => a.id === aid);
      if (!found || (shared && (found.partnershipId !== partnershipId || !found.allMembers))) {
        throw new ValidationProblem([
          {
            field: `agreementIds[${i}]`,
            message: found
              ? "a report shared with a partnership reports only on the partnership's agreements that every member is a party to"
              : 'agreementIds must name agreements your council is a party to',
          },
        ]);
      }
    });
  }

  // Writes

  private async defaultWorkstreams(owner: string, partnershipId?: string): Promise<string[]> {
    const rows = await this.tx.query<{ id: string }[]>(
      partnershipId
        ? `SELECT id FROM workstreams WHERE partnership_id = $1 ORDER BY priority_rank NULLS LAST, title, id`
        : `SELECT id FROM workstreams WHERE owner_council_id = $1 ORDER BY priority_rank NULLS LAST, title, id`,
      [partnershipId ?? owner],
    );
    return rows.map((r) => r.id);
  }

  private async compose(
    workstreamIds: string[],
    agreementIds: string[],
    asOf: string,
  ): Promise<ComposedSection[]> {
    const workstreams = await this.composer.workstreams(workstreamIds, asOf);
    const lead = this.composer.leadAuthorities(workstreams);
    return [
      ...(lead ? [lead] : []),
      ...workstreams,
      ...(await this.composer.agreements(agreementIds)),
    ];
  }

  private async insertSections(
    reportId: string,
    sections: ComposedSection[],
    from: number,
  ): Promise<void> {
    if (!sections.length) return;
    await this.tx.query(
      `INSERT INTO report_sections (report_id, position, kind, key, heading, content, workstream_id, agreement_id)
       SELECT $1, s.position, s.kind, s.key, s.heading, s.content, s.workstream_id, s.agreement_id
         FROM unnest($2::int[], $3::text[], $4::text[], $5::text[], $6::jsonb[], $7::uuid[], $8::uuid[])
           AS s (position, kind, key, heading, content, workstream_id, agreement_id)`,
      [
        reportId,
        sections.map((_, i) => from + i),
        sections.map((s) => s.kind),
        sections.map((s) => s.key),
        sections.map((s) => s.heading),
        sections.map((s) => JSON.stringify(s.content)),
        sections.map((s) => s.workstreamId ?? null),
        sections.map((s) => s.agreementId ?? null),
      ],
    );
  }

  private async fulfil(scheduleId: string, reportId: string, owner: string): Promise<void> {
    const result = await this.tx.query<[unknown[], number]>(
      `UPDATE report_schedules SET report_id = $2, version = version + 1
        WHERE id = $1 AND owner_council_id = $3 AND report_id IS NULL RETURNING id`,
      [scheduleId, reportId, owner],
    );
    if (!result[0].length) {
      throw new ValidationProblem([
        {
          field: 'scheduleId',
          message: "scheduleId is not an open report schedule of the report's council",
        },
      ]);
    }
  }

  private async bump(id: string): Promise<void> {
    await this.tx.query(`UPDATE reports SET version = version + 1 WHERE id = $1`, [id]);
  }
}

function subject(row: {
  ownerCouncilId: string;
  partnershipId: string | null;
  visibility: string;
}) {
  return asSubject('Report', {
    ownerCouncilId: row.ownerCouncilId,
    partnershipId: row.partnershipId,
    visibility: row.visibility,
  });
}

function frozen(status: string): ConflictException {
  return new ConflictException(
    status === 'approved'
      ? 'An approved report never changes; a correction is a new report'
      : 'A submitted report is frozen; an admin returns it to draft to change it',
  );
}

function signOffOf(row: Row): ComposedReport['signOff'] {
  const officer =
    row.accountableOfficer && row.accountableOfficerOn
      ? { name: row.accountableOfficer, on: row.accountableOfficerOn }
      : null;
  const director =
    row.accountableDirector && row.accountableDirectorOn
      ? { name: row.accountableDirector, on: row.accountableDirectorOn }
      : null;
  if (!row.signedBy && !officer && !director) return null;
  return { signedBy: row.signedBy, accountableOfficer: officer, accountableDirector: director };
}

/** The report's own text sections, before and after the composed ones. */
function textSections(dto: CreateReportDto, where: 'before' | 'after'): ComposedSection[] {
  const text = (key: string, heading: string, value?: string): ComposedSection[] =>
    value ? [{ kind: 'text', key, heading, content: { paragraphs: paragraphs(value) } }] : [];
  const list = (key: string, heading: string, value?: string[]): ComposedSection[] =>
    value?.length ? [{ kind: 'text', key, heading, content: { paragraphs: value } }] : [];
  if (where === 'before') {
    return [
      ...text('purpose', 'PURPOSE', dto.purpose),
      ...text('summary', 'SUMMARY', dto.summary),
      ...(dto.recommendations?.length
        ? [
            {
              kind: 'recommendations' as const,
              key: 'recommendations',
              heading: 'RECOMMENDATIONS',
              content: { intro: dto.recommendationsIntro ?? null, items: dto.recommendations },
            },
          ]
        : []),
      ...text('background', 'BACKGROUND', dto.background),
    ];
  }
  return [
    ...text('options', 'OPTIONS', dto.options),
    ...(dto.implications
      ? [
          {
            kind: 'implications' as const,
            key: 'implications',
            heading: 'IMPLICATIONS',
            content: { items: implicationItems(dto.implications) },
          },
        ]
      : []),
    ...list('background_papers', 'LIST OF BACKGROUND PAPERS', dto.backgroundPapers),
    ...list('attachments', 'ATTACHMENTS', dto.attachments),
  ];
}

/** The implications given, in the seeds' order; one not given is not printed. */
function implicationItems(dto: ImplicationsDto): { label: string; text: string }[] {
  return IMPLICATIONS.flatMap(([field, label]) => {
    const text = dto[field];
    return text ? [{ label, text }] : [];
  });
}

/** A section's content after an edit: only the fields its kind has (others: 400). */
function editedContent(section: ReportSectionDto, dto: UpdateSectionDto): Record<string, unknown> {
  const allowed: Record<string, (keyof UpdateSectionDto)[]> = {
    text: ['paragraphs'],
    recommendations: ['items', 'intro'],
    implications: ['implications'],
    workstream: ['ragReason', 'achievements', 'challenges'],
    lead_authorities: [],
    agreement: [],
  };
  const fields: (keyof UpdateSectionDto)[] = [
    'paragraphs',
    'items',
    'intro',
    'implications',
    'ragReason',
    'achievements',
    'challenges',
  ];
  const wrong = fields.find((f) => dto[f] !== undefined && !allowed[section.kind].includes(f));
  if (wrong) {
    throw new ValidationProblem([
      { field: wrong, message: `a ${section.kind.replace('_', ' ')} section has no ${wrong}` },
    ]);
  }
  const content = { ...section.content };
  if (dto.paragraphs) content.paragraphs = dto.paragraphs;
  if (dto.items) content.items = dto.items;
  if (dto.intro !== undefined) content.intro = dto.intro;
  if (dto.implications) content.items = implicationItems(dto.implications);
  if (section.kind === 'workstream') {
    const w = { ...(content.workstream as WorkstreamContent) };
    if (dto.ragReason !== undefined) w.ragReason = dto.ragReason;
    if (dto.achievements !== undefined) w.achievements = dto.achievements;
    if (dto.challenges !== undefined) w.challenges = dto.challenges;
    content.workstream = w;
  }
  return content;
}
