import { Injectable } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { CreateServiceAreaDto, ServiceAreaDto } from './dto/workstream.dto';

/** The list of service areas (DESIGN.md), which platform admins may extend. */
@Injectable()
export class ServiceAreasService {
  constructor(private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>) {}

  list(): Promise<ServiceAreaDto[]> {
    return this.txHost.tx.query(`SELECT code, name FROM service_areas ORDER BY name, code`);
  }

  async add(dto: CreateServiceAreaDto): Promise<ServiceAreaDto> {
    const [row] = await this.txHost.tx.query<ServiceAreaDto[]>(
      `INSERT INTO service_areas (code, name) VALUES ($1, $2) RETURNING code, name`,
      [dto.code, dto.name],
    );
    return row;
  }
}
