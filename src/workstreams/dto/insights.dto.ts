import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import {
  ArrayMinSize,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  IsUUID,
  Max,
  MaxLength,
  Min,
} from 'class-validator';
import { IsCalendarDate } from '../../common/dates';
import { IsFinancialYear } from '../financial-year';
import { PHASES } from '../phase';
import { PARTICIPATION_STATUSES } from './records.dto';
import { RAGS } from './workstream.dto';

export const TOTAL_GROUPS = ['workstream', 'council', 'year'] as const;
export type TotalGroup = (typeof TOTAL_GROUPS)[number];

export class SavingsTotalsQueryDto {
  @ApiPropertyOptional({ format: 'uuid' }) @IsOptional() @IsUUID() workstreamId?: string;
  @ApiPropertyOptional({ format: 'uuid' }) @IsOptional() @IsUUID() councilId?: string;
  @ApiPropertyOptional({ format: 'uuid' }) @IsOptional() @IsUUID() partnershipId?: string;
  @ApiPropertyOptional({ example: '2025-26' })
  @IsOptional()
  @IsFinancialYear()
  financialYear?: string;
  @ApiPropertyOptional({
    format: 'date',
    description:
      'As at this date: financial years not begun by then are left out (default: all years)',
  })
  @IsOptional()
  @IsCalendarDate()
  asOf?: string;
  @ApiPropertyOptional({
    example: 'council,year',
    description: 'Comma-separated: workstream, council, year (all three by default)',
  })
  @IsOptional()
  @Transform(({ value }: { value: unknown }) =>
    typeof value === 'string' ? value.split(',').map((v) => v.trim()) : value,
  )
  @ArrayMinSize(1)
  @IsIn(TOTAL_GROUPS, { each: true, message: 'groupBy may list workstream, council and year' })
  groupBy?: TotalGroup[];

  @ApiPropertyOptional({
    type: 'integer',
    minimum: 1,
    maximum: 1000,
    default: 200,
    description: 'Groups a page',
  })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(1000)
  limit: number = 200;

  @ApiPropertyOptional({ description: 'nextCursor of the previous page of groups' })
  @IsOptional()
  @IsString()
  @MaxLength(500)
  cursor?: string;
}

export class SavingsTotalDto {
  @ApiPropertyOptional({ format: 'uuid', description: 'When grouped by workstream' })
  workstreamId?: string;
  @ApiPropertyOptional({ format: 'uuid', description: 'When grouped by council' })
  councilId?: string;
  @ApiPropertyOptional({ example: 'Inverclyde Council', description: 'When grouped by council' })
  councilName?: string;
  @ApiPropertyOptional({ example: '2025-26', description: 'When grouped by year' })
  financialYear?: string;
  @ApiProperty({ type: 'integer' }) plannedPence: number;
  @ApiProperty({ type: 'integer' }) realisedPence: number;
  @ApiProperty({ type: 'integer' }) cashablePlannedPence: number;
  @ApiProperty({ type: 'integer' }) cashableRealisedPence: number;
}

export class SavingsTotalsDto {
  @ApiProperty({ format: 'date' }) asOf: string;
  @ApiProperty({ type: [SavingsTotalDto], description: 'A page of groups, in group order' })
  data: SavingsTotalDto[];
  @ApiProperty({ nullable: true, type: String, description: 'The next page of groups, if any' })
  nextCursor: string | null;
  @ApiProperty({ type: SavingsTotalDto, description: 'Across every group' }) total: SavingsTotalDto;
}

export class DashboardQueryDto {
  @ApiPropertyOptional({ format: 'uuid', description: 'Platform admins only: whose dashboard' })
  @IsOptional()
  @IsUUID()
  councilId?: string;
  @ApiPropertyOptional({
    format: 'date',
    description: 'As at this date (default today): RAG then, milestones overdue then',
  })
  @IsOptional()
  @IsCalendarDate()
  asOf?: string;
  @ApiPropertyOptional({ example: '2009-10', description: 'Default: the one asOf falls in' })
  @IsOptional()
  @IsFinancialYear()
  financialYear?: string;
}

/** A count for each of `keys`, every one present (0 when none): a schema named `name`. */
function CountsOf(name: string, keys: readonly string[]): new () => Record<string, number> {
  class Counts {}
  for (const key of keys) ApiProperty({ type: 'integer', example: 0 })(Counts.prototype, key);
  Object.defineProperty(Counts, 'name', { value: name });
  return Counts as new () => Record<string, number>;
}
const RagCountsDto = CountsOf('RagCountsDto', [...RAGS, 'none']);
const PhaseCountsDto = CountsOf('PhaseCountsDto', PHASES);
const ParticipationCountsDto = CountsOf('ParticipationCountsDto', [
  'lead',
  ...PARTICIPATION_STATUSES,
]);

export class DashboardWorkstreamsDto {
  @ApiProperty({ type: 'integer' }) total: number;
  @ApiProperty({
    type: RagCountsDto,
    description: 'By RAG as it stood then (`none`: no status update yet)',
  })
  byRag: Record<string, number>;
  @ApiProperty({ type: PhaseCountsDto, description: 'By phase' }) byPhase: Record<string, number>;
  @ApiProperty({
    type: ParticipationCountsDto,
    description:
      'How the council takes part in each: as a lead authority, or as a participant in each status (every status counts)',
  })
  byParticipation: Record<string, number>;
}

export class DashboardSavingsDto {
  @ApiProperty({ example: '2026-27' }) financialYear: string;
  @ApiProperty({ type: 'integer' }) plannedPence: number;
  @ApiProperty({ type: 'integer' }) realisedPence: number;
}

export class DashboardDto {
  @ApiProperty({ format: 'uuid' }) councilId: string;
  @ApiProperty({ example: 'Inverclyde Council' }) councilName: string;
  @ApiProperty({ format: 'date', example: '2010-03-31' }) asOf: string;
  @ApiProperty({
    type: DashboardWorkstreamsDto,
    description: 'Workstreams the council leads or takes part in',
  })
  workstreams: DashboardWorkstreamsDto;
  @ApiProperty({ type: 'integer' }) overdueMilestones: number;
  @ApiProperty({
    type: 'integer',
    description: 'Open risks scoring 15 or more (likelihood × impact)',
  })
  openHighRisks: number;
  @ApiProperty({
    type: DashboardSavingsDto,
    description: "The council's own lines, for the financial year",
  })
  savings: DashboardSavingsDto;
}
