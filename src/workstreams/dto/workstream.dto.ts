import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  IsUUID,
  Matches,
  MaxLength,
  Min,
  MinLength,
} from 'class-validator';
import { IsCalendarDate } from '../../common/dates';
import { CouncilRefDto } from '../../councils/dto/council.dto';
import { PageQueryDto, PageOf } from '../../common/pagination';
import { IsFinancialYear } from '../financial-year';
import { PHASES, STARTING_PHASES } from '../phase';

export const RAGS = ['red', 'amber', 'green'] as const;

export class LeadOfficerDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ example: 'Miriam McKenna' }) name: string;
  @ApiProperty({ nullable: true, type: String, example: 'Strategic Partnership Manager' })
  jobTitle: string | null;
  @ApiPropertyOptional({ description: "Only for the officer's own council and platform admins" })
  email?: string;
}

export class LatestStatusDto {
  @ApiProperty({ enum: RAGS }) rag: string;
  @ApiProperty({ example: '1 April – 30 September 2009' }) period: string;
  @ApiProperty({ format: 'date', description: 'The date it reports on (the latest wins)' })
  asAt: string;
  @ApiProperty({ nullable: true, type: String }) reason: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
}

export class WorkstreamDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ example: 'An integrated waste management approach' }) title: string;
  @ApiProperty({ example: 'waste', description: 'A code from GET /service-areas' })
  serviceArea: string;
  @ApiProperty({ nullable: true, type: String }) description: string | null;
  @ApiProperty({ nullable: true, type: String }) scope: string | null;
  @ApiProperty({ nullable: true, type: String }) remit: string | null;
  @ApiProperty({ enum: PHASES }) phase: string;
  @ApiProperty({ nullable: true, type: 'integer', description: "The partnership's priority rank" })
  priorityRank: number | null;
  @ApiProperty({ enum: ['shared', 'private'] }) visibility: string;
  @ApiProperty({ format: 'uuid', nullable: true, type: String }) partnershipId: string | null;
  @ApiProperty({ format: 'uuid', nullable: true, type: String }) ownerCouncilId: string | null;
  @ApiProperty({
    type: [String],
    format: 'uuid',
    description: 'Lead authorities (more than one: joint lead)',
  })
  leadCouncilIds: string[];
  @ApiProperty({
    type: [CouncilRefDto],
    description: 'The lead authorities with their names, in the order of leadCouncilIds',
  })
  leadCouncils: CouncilRefDto[];
  @ApiProperty({
    type: LeadOfficerDto,
    nullable: true,
    description: 'Partner councils see only the name and job title',
  })
  leadOfficer: LeadOfficerDto | null;
  @ApiProperty({
    enum: RAGS,
    nullable: true,
    type: String,
    description: 'From the latest status update',
  })
  rag: string | null;
  @ApiProperty({ type: LatestStatusDto, nullable: true }) latestStatus: LatestStatusDto | null;
  @ApiProperty({ type: 'integer' }) version: number;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
  @ApiProperty({ format: 'date-time' }) updatedAt: string;
}

export class WorkstreamPageDto extends PageOf(WorkstreamDto) {}

export class WorkstreamQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ format: 'uuid' }) @IsOptional() @IsUUID() partnershipId?: string;
  @ApiPropertyOptional({
    format: 'date',
    description: 'With overdue=true: overdue as at this date (default today)',
  })
  @IsOptional()
  @IsCalendarDate()
  asOf?: string;
  @ApiPropertyOptional({
    format: 'uuid',
    description: 'Workstreams this council leads or takes part in',
  })
  @IsOptional()
  @IsUUID()
  councilId?: string;
  @ApiPropertyOptional({ enum: PHASES }) @IsOptional() @IsIn(PHASES) phase?: string;
  @ApiPropertyOptional({ description: 'A code from GET /service-areas, for example `waste`' })
  @IsOptional()
  @IsString()
  @MaxLength(40)
  serviceArea?: string;
  @ApiPropertyOptional({ enum: [...RAGS, 'none'] })
  @IsOptional()
  @IsIn([...RAGS, 'none'])
  rag?: string;
  @ApiPropertyOptional({
    enum: ['true'],
    description: 'Only workstreams with an overdue milestone',
  })
  @IsOptional()
  @IsIn(['true', 'false'])
  overdue?: string;
  @ApiPropertyOptional({ description: 'Words in the title' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  q?: string;
}

const CLEARABLE = { type: String, nullable: true, description: 'null clears it' };

class WorkstreamFields {
  @ApiPropertyOptional(CLEARABLE)
  @IsOptional()
  @IsString()
  @MaxLength(10000)
  description?: string | null;
  @ApiPropertyOptional(CLEARABLE) @IsOptional() @IsString() @MaxLength(10000) scope?: string | null;
  @ApiPropertyOptional(CLEARABLE) @IsOptional() @IsString() @MaxLength(10000) remit?: string | null;
  @ApiPropertyOptional({
    type: 'integer',
    minimum: 1,
    nullable: true,
    description: "The partnership's priority rank; null clears it",
  })
  @IsOptional()
  @IsInt()
  @Min(1)
  priorityRank?: number | null;
  @ApiPropertyOptional({
    type: String,
    format: 'uuid',
    nullable: true,
    description: 'An officer or admin of a lead authority; null clears it',
  })
  @IsOptional()
  @IsUUID()
  leadOfficerId?: string | null;
}

export class CreateWorkstreamDto extends WorkstreamFields {
  @ApiProperty({ example: 'An integrated waste management approach' })
  @IsString()
  @MinLength(1)
  @MaxLength(300)
  title: string;
  @ApiProperty({ example: 'waste', description: 'A code from GET /service-areas' })
  @IsString()
  @MaxLength(40)
  serviceArea: string;
  @ApiPropertyOptional({
    format: 'uuid',
    description:
      'Owning partnership (a shared workstream). Without it the workstream is private to your council.',
  })
  @IsOptional()
  @IsUUID()
  partnershipId?: string;
  @ApiPropertyOptional({
    format: 'uuid',
    description: 'Platform admins only: the council that owns a private workstream',
  })
  @IsOptional()
  @IsUUID()
  ownerCouncilId?: string;
  @ApiPropertyOptional({
    type: [String],
    format: 'uuid',
    description: 'Shared workstreams: one or more member councils that lead it',
  })
  @IsOptional()
  @IsUUID('all', { each: true })
  @ArrayMinSize(1)
  @ArrayMaxSize(20)
  leadCouncilIds?: string[];
  @ApiPropertyOptional({
    enum: STARTING_PHASES,
    default: 'idea',
    description: 'A workstream starts as an idea, in research or at business case',
  })
  @IsOptional()
  @IsIn(STARTING_PHASES)
  phase?: string;
}

export class UpdateWorkstreamDto extends WorkstreamFields {
  @ApiPropertyOptional() @IsOptional() @IsString() @MinLength(1) @MaxLength(300) title?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(40) serviceArea?: string;
  @ApiPropertyOptional({ type: [String], format: 'uuid' })
  @IsOptional()
  @IsUUID('all', { each: true })
  @ArrayMinSize(1)
  @ArrayMaxSize(20)
  leadCouncilIds?: string[];
  @ApiPropertyOptional({
    enum: PHASES,
    description:
      'Forward only; use POST …/reopen to go back. Approved or later needs an approved business case, or phaseReason',
  })
  @IsOptional()
  @IsIn(PHASES)
  phase?: string;
  @ApiPropertyOptional({
    description:
      'Why no business case is needed (e.g. "began as a joint arrangement"); kept in the phase history',
    example: 'Winter maintenance began as a joint arrangement between the two councils',
  })
  @IsOptional()
  @IsString()
  @MinLength(3)
  @MaxLength(2000)
  phaseReason?: string;
  @ApiProperty({ type: 'integer', description: 'The version you read' })
  @IsInt()
  @Min(1)
  version: number;
}

export class ReopenWorkstreamDto {
  @ApiProperty({ enum: PHASES, description: 'An earlier phase' }) @IsIn(PHASES) phase: string;
  @ApiProperty() @IsString() @MinLength(3) @MaxLength(2000) reason: string;
  @ApiProperty({ type: 'integer', description: 'The version you read' })
  @IsInt()
  @Min(1)
  version: number;
}

export class PhaseChangeDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ enum: PHASES }) fromPhase: string;
  @ApiProperty({ enum: PHASES }) toPhase: string;
  @ApiProperty({ nullable: true, type: String }) reason: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
}

export class PhaseChangePageDto extends PageOf(PhaseChangeDto) {}

export class ServiceAreaDto {
  @ApiProperty({ example: 'waste' }) code: string;
  @ApiProperty({ example: 'Waste' }) name: string;
}

export class ServiceAreaPageDto extends PageOf(ServiceAreaDto) {}

export class CreateServiceAreaDto {
  @ApiProperty({ example: 'libraries' })
  @Matches(/^[a-z][a-z0-9_]{1,40}$/, { message: 'code must be lower-case letters, digits and _' })
  code: string;
  @ApiProperty({ example: 'Libraries' }) @IsString() @MinLength(1) @MaxLength(100) name: string;
}

export class FinancialYearQueryDto {
  @ApiPropertyOptional({ example: '2025-26' })
  @IsOptional()
  @Type(() => String)
  @IsFinancialYear()
  financialYear?: string;
}
