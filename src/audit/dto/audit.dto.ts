import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsUUID, Matches } from 'class-validator';
import { PageQueryDto, PageOf } from '../../common/pagination';

export class AuditQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ example: 'users' })
  @IsOptional()
  @Matches(/^[a-z_]{1,60}$/)
  entityType?: string;

  @ApiPropertyOptional() @IsOptional() @Matches(/^[A-Za-z0-9_./-]{1,200}$/) entityId?: string;
  @ApiPropertyOptional({ format: 'uuid' }) @IsOptional() @IsUUID() actorUserId?: string;
  @ApiPropertyOptional({ enum: ['insert', 'update', 'delete', 'read'] })
  @IsOptional()
  @IsIn(['insert', 'update', 'delete', 'read'])
  action?: string;
}

/**
 * The row before and after: free-form JSON, the audited table's columns under the API's
 * camelCase field names (`councilId`, not `council_id`).
 */
const ROW = { type: 'object', additionalProperties: true, nullable: true } as const;

export class AuditEventDto {
  @ApiProperty({
    example: '1042',
    pattern: '^[0-9]+$',
    description: 'A sequence number (64-bit), as a string of digits',
  })
  id: string;
  @ApiProperty({ format: 'date-time' }) occurredAt: string;
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) actorUserId: string | null;
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) actorCouncilId: string | null;
  @ApiProperty({ type: String, nullable: true, example: 'Inverclyde Council' })
  actorCouncilName: string | null;
  @ApiProperty({
    type: String,
    format: 'uuid',
    nullable: true,
    description: 'The council whose record it is',
  })
  councilId: string | null;
  @ApiProperty({ type: String, nullable: true, example: 'Inverclyde Council' })
  councilName: string | null;
  @ApiProperty({ enum: ['insert', 'update', 'delete', 'read'] }) action: string;
  @ApiProperty({ example: 'users' }) entityType: string;
  @ApiProperty() entityId: string;
  @ApiProperty({ ...ROW, description: 'null on insert' }) before: unknown;
  @ApiProperty({ ...ROW, description: 'null on delete' }) after: unknown;
  @ApiProperty({
    type: String,
    nullable: true,
    description: "The request's X-Request-Id (`cli` for the operator CLI)",
  })
  requestId: string | null;
}

export class AuditPageDto extends PageOf(AuditEventDto) {}
