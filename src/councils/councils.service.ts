import { isUuid } from '../common/ids';
import {
  BadRequestException,
  ConflictException,
  ForbiddenException,
  Injectable,
  NotFoundException,
} from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { Page, PageQueryDto, decodeCursor, pageOf } from '../common/pagination';
import { StaleVersionProblem } from '../common/problem';
import { asSubject } from '../tenancy/ability';
import { Actor } from '../tenancy/actor';
import {
  CouncilDirectoryEntryDto,
  CouncilDto,
  OnboardCouncilDto,
  UpdateCouncilDto,
} from './dto/council.dto';

const DIRECTORY = `c.id, c.name, c.slug, c.gss_code AS "gssCode", c.type, c.nation`;

interface RegisterEntry {
  registerCode: string;
  name: string;
  gssCode: string | null;
  endDate: string | null;
  replacedBy: string | null;
  successor: string | null;
  nation: string;
  region: string | null;
  typeName: string;
}

@Injectable()
export class CouncilsService {
  constructor(private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>) {}

  /** The directory (name, code, type) is public to every signed-in user; sorted by name, id. */
  async directory(_actor: Actor, query: PageQueryDto): Promise<Page<CouncilDirectoryEntryDto>> {
    const params: unknown[] = [];
    let where = 'TRUE';
    const after = decodeCursor(query.cursor, ['text', 'uuid']);
    if (after) {
      params.push(after[0], after[1]);
      where = `(c.name, c.id) > ($1, $2::uuid)`;
    }
    params.push(query.limit + 1);
    const rows: CouncilDirectoryEntryDto[] = await this.txHost.tx.query(
      `SELECT ${DIRECTORY} FROM councils c WHERE ${where} ORDER BY c.name, c.id LIMIT $${params.length}`,
      params,
    );
    return pageOf(rows, query.limit, (row) => [row.name, row.id]);
  }

  /** Other councils see the directory entry; the council itself and platform admins see all. */
  async get(actor: Actor, id: string): Promise<CouncilDto> {
    if (!isUuid(id)) throw new NotFoundException('No council with that id');
    const [council] = await this.txHost.tx.query<CouncilDto[]>(
      `SELECT ${DIRECTORY}, p.register_code AS "registerCode", p.region, p.status, p.website,
              p.contact_email AS "contactEmail", p.address,
              p.commit_requires_approved_business_case AS "commitRequiresApprovedBusinessCase", p.version
         FROM councils c LEFT JOIN council_profiles p ON p.council_id = c.id
        WHERE c.id = $1`,
      [id],
    );
    if (!council) throw new NotFoundException('No council with that id');
    if (actor.ability.can('read', asSubject('CouncilProfile', { councilId: id }))) return council;
    const { id: cid, name, slug, gssCode, type, nation } = council;
    return { id: cid, name, slug, gssCode, type, nation };
  }

  /** An onboarded council by its GSS code (the operator CLI names councils so). */
  async byGssCode(actor: Actor, gssCode: string): Promise<CouncilDto> {
    const [council] = await this.txHost.tx.query<{ id: string }[]>(
      `SELECT id FROM councils WHERE gss_code = $1`,
      [gssCode],
    );
    if (!council) throw new NotFoundException(`No onboarded council has the GSS code ${gssCode}`);
    return this.get(actor, council.id);
  }

  /** A platform admin onboards a council from its entry in the register of UK local authorities. */
  async onboard(_actor: Actor, dto: OnboardCouncilDto): Promise<CouncilDto> {
    if (!dto.gssCode === !dto.registerCode) {
      throw new BadRequestException({
        message: 'Give either gssCode or registerCode',
        errors: [{ field: 'gssCode', message: 'give either gssCode or registerCode' }],
      });
    }
    const [entry] = await this.txHost.tx.query<RegisterEntry[]>(
      `SELECT a.register_code AS "registerCode", a.official_name AS name, a.gss_code AS "gssCode",
              to_char(a.end_date, 'YYYY-MM-DD') AS "endDate", a.replaced_by AS "replacedBy",
              s.official_name AS successor, a.nation, a.region, a.type_name AS "typeName"
         FROM local_authorities a LEFT JOIN local_authorities s ON s.register_code = split_part(a.replaced_by, '|', 1)
        WHERE ($1::text IS NOT NULL AND a.gss_code = $1) OR ($2::text IS NOT NULL AND a.register_code = $2)
        ORDER BY a.end_date DESC NULLS FIRST LIMIT 1`,
      [dto.gssCode ?? null, dto.registerCode ?? null],
    );
    if (!entry) throw new NotFoundException('No local authority in the register has that code');
    if (entry.endDate) {
      throw new ConflictException(
        `${entry.name} ended on ${entry.endDate}; onboard its successor ${entry.successor ?? entry.replacedBy ?? ''}`.trim(),
      );
    }
    if (!entry.gssCode)
      throw new ConflictException(`${entry.name} has no GSS code in the register`);
    const slug = entry.name
      .toLowerCase()
      .replace(/&/g, 'and')
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-|-$/g, '');
    const [council] = await this.txHost.tx.query<{ id: string }[]>(
      `INSERT INTO councils (name, slug, gss_code, type, nation) VALUES ($1, $2, $3, $4, $5) RETURNING id`,
      [entry.name, slug, entry.gssCode, entry.typeName, entry.nation],
    );
    await this.txHost.tx.query(
      `INSERT INTO council_profiles (council_id, register_code, region, website, contact_email)
       VALUES ($1, $2, $3, $4, $5)`,
      [council.id, entry.registerCode, entry.region, dto.website ?? null, dto.contactEmail ?? null],
    );
    return this.get(_actor, council.id);
  }

  /**
   * A council admin edits their own council's profile, never its code, type or status; a
   * platform admin may also suspend or reinstate it (its users are refused at once).
   */
  async update(actor: Actor, id: string, dto: UpdateCouncilDto): Promise<CouncilDto> {
    const council = await this.get(actor, id);
    const profile = asSubject('CouncilProfile', { councilId: id });
    if (council.version === undefined)
      throw new ForbiddenException('Only the council itself may edit its profile');
    if (!actor.ability.can('update', profile))
      throw new ForbiddenException('Only council admins may edit the profile');
    if (dto.status !== undefined && !actor.ability.can('manage', 'Council')) {
      throw new ForbiddenException('Only a platform admin may suspend or reinstate a council');
    }
    if (dto.name !== undefined && !actor.ability.can('manage', 'Council')) {
      throw new ForbiddenException("Only a platform admin may change a council's directory name");
    }
    const [rows] = await this.txHost.tx.query<[{ version: number }[], number]>(
      `UPDATE council_profiles SET website = coalesce($2, website), contact_email = coalesce($3, contact_email),
              address = coalesce($4, address), status = coalesce($5, status),
              commit_requires_approved_business_case = coalesce($7, commit_requires_approved_business_case),
              version = version + 1
        WHERE council_id = $1 AND version = $6 RETURNING version`,
      [
        id,
        dto.website ?? null,
        dto.contactEmail ?? null,
        dto.address ?? null,
        dto.status ?? null,
        dto.version,
        dto.commitRequiresApprovedBusinessCase ?? null,
      ],
    );
    if (!rows.length) throw new StaleVersionProblem('council profile');
    if (dto.name !== undefined) {
      await this.txHost.tx.query(
        `UPDATE councils SET name = $2, version = version + 1 WHERE id = $1`,
        [id, dto.name],
      );
    }
    return this.get(actor, id);
  }
}
