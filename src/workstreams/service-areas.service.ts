import { Injectable } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { Page, PageQueryDto, decodeCursor, pageOf } from '../common/pagination';
import { CreateServiceAreaDto, ServiceAreaDto } from './dto/workstream.dto';

/** The list of service areas (README, Partnerships and workstreams), which platform admins may extend. */
@Injectable()
export class ServiceAreasService {
  constructor(private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>) {}

  /** By name, ties by code, a page at a time like every list. */
  async list(query: PageQueryDto): Promise<Page<ServiceAreaDto>> {
    const after = decodeCursor(query.cursor, ['text', 'text']);
    const params: unknown[] = after ? [...after] : [];
    params.push(query.limit + 1);
    const rows = await this.txHost.tx.query<ServiceAreaDto[]>(
      `SELECT code, name FROM service_areas ${after ? 'WHERE (name, code) > ($1, $2)' : ''}
        ORDER BY name, code LIMIT $${params.length}`,
      params,
    );
    return pageOf(rows, query.limit, (row) => [row.name, row.code]);
  }

  async add(dto: CreateServiceAreaDto): Promise<ServiceAreaDto> {
    const [row] = await this.txHost.tx.query<ServiceAreaDto[]>(
      `INSERT INTO service_areas (code, name) VALUES ($1, $2) RETURNING code, name`,
      [dto.code, dto.name],
    );
    return row;
  }
}
