/**
 * Requests and answers for a workstream's records. Money is integer pence; dates are
 * `YYYY-MM-DD`; each update carries the `version` that was read.
 */
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, plainToInstance } from 'class-transformer';
import {
  ArrayMaxSize,
  IsBoolean,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  IsUUID,
  Length,
  Max,
  MaxLength,
  Min,
  MinLength,
  ValidateIf,
  ValidateNested,
} from 'class-validator';
import { IsCalendarDate } from '../../common/dates';
import { ValidationProblem } from '../../common/problem';
import { IsFinancialYear } from '../financial-year';
import { RAGS } from './workstream.dto';

export const MAX_PENCE = 10 ** 15;
const TEXT = 10000;
const REASON_REQUIRED = 'reason is required for a red or amber status (3 to 10000 characters)';

export class Versioned {
  @ApiProperty({ type: 'integer', description: 'The version you read' })
  @IsInt()
  @Min(1)
  version: number;
}

export class RecordDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'uuid' }) workstreamId: string;
  @ApiProperty({ type: 'integer' }) version: number;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
  @ApiProperty({ format: 'date-time' }) updatedAt: string;
}

// Milestones
export const MILESTONE_STATUSES = ['planned', 'in_progress', 'done', 'missed'] as const;
export class CreateMilestoneDto {
  @ApiProperty({ example: 'Scope, remit and immediate milestones to the partnership' })
  @IsString()
  @MinLength(1)
  @MaxLength(500)
  title: string;
  @ApiProperty({ format: 'date', example: '2010-03-12' }) @IsCalendarDate() dueOn: string;
  @ApiPropertyOptional({ enum: MILESTONE_STATUSES, default: 'planned' })
  @IsOptional()
  @IsIn(MILESTONE_STATUSES)
  status?: string;
  @ApiPropertyOptional({
    format: 'date',
    example: '2010-03-10',
    description: 'When done; today by default',
  })
  @IsOptional()
  @IsCalendarDate()
  completedOn?: string;
}
export class UpdateMilestoneDto extends Versioned {
  @ApiPropertyOptional() @IsOptional() @IsString() @MinLength(1) @MaxLength(500) title?: string;
  @ApiPropertyOptional({ format: 'date' }) @IsOptional() @IsCalendarDate() dueOn?: string;
  @ApiPropertyOptional({ enum: MILESTONE_STATUSES })
  @IsOptional()
  @IsIn(MILESTONE_STATUSES)
  status?: string;
  @ApiPropertyOptional({ format: 'date' }) @IsOptional() @IsCalendarDate() completedOn?: string;
}
export class MilestoneDto extends RecordDto {
  @ApiProperty({ example: 'Scope, remit and immediate milestones to the partnership' })
  title: string;
  @ApiProperty({ format: 'date', example: '2010-03-12' }) dueOn: string;
  @ApiProperty({ enum: MILESTONE_STATUSES }) status: string;
  @ApiProperty({ nullable: true, type: String, format: 'date' }) completedOn: string | null;
  @ApiProperty({
    description: 'Computed: not done or missed, and due before today (or before asOf)',
  })
  overdue: boolean;
}

// Key actions
export class CreateKeyActionDto {
  @ApiProperty({ example: 'Communication plan agreed and embedded' })
  @IsString()
  @MinLength(1)
  @MaxLength(TEXT)
  action: string;
  @ApiPropertyOptional({ example: 'John McPherson; Local Partnerships' })
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  contributors?: string;
  @ApiPropertyOptional({ example: 'Nov 2009' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  timescale?: string;
  @ApiPropertyOptional({
    type: [String],
    format: 'uuid',
    description: "This workstream's milestones",
  })
  @IsOptional()
  @IsUUID('all', { each: true })
  @ArrayMaxSize(50)
  milestoneIds?: string[];
}
export class UpdateKeyActionDto extends Versioned {
  @ApiPropertyOptional() @IsOptional() @IsString() @MinLength(1) @MaxLength(TEXT) action?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(2000) contributors?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(200) timescale?: string;
  @ApiPropertyOptional({ type: [String], format: 'uuid' })
  @IsOptional()
  @IsUUID('all', { each: true })
  @ArrayMaxSize(50)
  milestoneIds?: string[];
}
export class KeyActionDto extends RecordDto {
  @ApiProperty() action: string;
  @ApiProperty({ nullable: true, type: String }) contributors: string | null;
  @ApiProperty({ nullable: true, type: String }) timescale: string | null;
  @ApiProperty({ type: [String], format: 'uuid' }) milestoneIds: string[];
}

// Risks
export const RISK_STATUSES = ['open', 'mitigated', 'closed'] as const;
export class CreateRiskDto {
  @ApiProperty() @IsString() @MinLength(1) @MaxLength(TEXT) description: string;
  @ApiPropertyOptional({
    type: 'integer',
    minimum: 1,
    maximum: 5,
    description: 'Unset until the risk is assessed',
  })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(5)
  likelihood?: number;
  @ApiPropertyOptional({
    type: 'integer',
    minimum: 1,
    maximum: 5,
    description: 'Unset until the risk is assessed',
  })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(5)
  impact?: number;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(TEXT) mitigation?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(300) owner?: string;
  @ApiPropertyOptional({ enum: RISK_STATUSES, default: 'open' })
  @IsOptional()
  @IsIn(RISK_STATUSES)
  status?: string;
}
export class UpdateRiskDto extends Versioned {
  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(TEXT)
  description?: string;
  @ApiPropertyOptional({ type: 'integer', minimum: 1, maximum: 5 })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(5)
  likelihood?: number;
  @ApiPropertyOptional({ type: 'integer', minimum: 1, maximum: 5 })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(5)
  impact?: number;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(TEXT) mitigation?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(300) owner?: string;
  @ApiPropertyOptional({ enum: RISK_STATUSES }) @IsOptional() @IsIn(RISK_STATUSES) status?: string;
}
export class RiskDto extends RecordDto {
  @ApiProperty() description: string;
  @ApiProperty({ nullable: true, type: 'integer', description: '1–5; null until assessed' })
  likelihood: number | null;
  @ApiProperty({ nullable: true, type: 'integer', description: '1–5; null until assessed' })
  impact: number | null;
  @ApiProperty({ type: 'integer', description: 'likelihood × impact, 1–25; 0 until assessed' })
  score: number;
  @ApiProperty({ nullable: true, type: String }) mitigation: string | null;
  @ApiProperty({ nullable: true, type: String }) owner: string | null;
  @ApiProperty({ enum: RISK_STATUSES }) status: string;
}

// Status updates (append-only)
export class CreateStatusUpdateDto {
  @ApiProperty({ enum: RAGS }) @IsIn(RAGS) rag: string;
  @ApiProperty({ example: '1 April – 30 September 2009' })
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  period: string;
  @ApiPropertyOptional({
    format: 'date',
    example: '2009-09-30',
    description: 'The date it reports on: not after today (default today)',
  })
  @IsOptional()
  @IsCalendarDate()
  asAt?: string;
  @ApiPropertyOptional({ description: 'Required for red and amber' })
  @ValidateIf((o: CreateStatusUpdateDto) => o.rag !== 'green' || o.reason !== undefined)
  @IsString({ message: REASON_REQUIRED })
  @Length(3, TEXT, { message: REASON_REQUIRED })
  reason?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(TEXT) narrative?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(TEXT) achievements?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(TEXT) challenges?: string;
}
export class StatusUpdateDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'uuid' }) workstreamId: string;
  @ApiProperty({
    description: 'Order of recording (a 64-bit sequence number, as a string of digits)',
    example: '17',
    pattern: '^[0-9]+$',
  })
  seq: string;
  @ApiProperty({ enum: RAGS }) rag: string;
  @ApiProperty({ example: '1 April – 30 September 2009' }) period: string;
  @ApiProperty({ format: 'date', description: 'The date it reports on' }) asAt: string;
  @ApiProperty({ nullable: true, type: String }) reason: string | null;
  @ApiProperty({ nullable: true, type: String }) narrative: string | null;
  @ApiProperty({ nullable: true, type: String }) achievements: string | null;
  @ApiProperty({ nullable: true, type: String }) challenges: string | null;
  @ApiProperty({ format: 'uuid', nullable: true, type: String }) authorUserId: string | null;
  @ApiProperty({ format: 'uuid', nullable: true, type: String }) authorCouncilId: string | null;
  @ApiProperty({ nullable: true, type: String, example: 'Inverclyde Council' })
  authorCouncilName: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
}

// Business cases and decisions
export const BUSINESS_CASE_STATUSES = ['draft', 'submitted', 'approved', 'rejected'] as const;
/** A business case starts as a draft (its status is not given). */
export class CreateBusinessCaseDto {
  @ApiProperty() @IsString() @MinLength(1) @MaxLength(300) title: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(TEXT) summary?: string;
  @ApiPropertyOptional({ type: 'integer', minimum: 0, example: 15000000 })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(MAX_PENCE)
  estimatedCostPence?: number;
  @ApiPropertyOptional({ type: 'integer', minimum: 0 })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(MAX_PENCE)
  estimatedSavingsPence?: number;
}
export class UpdateBusinessCaseDto extends Versioned {
  @ApiPropertyOptional() @IsOptional() @IsString() @MinLength(1) @MaxLength(300) title?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(TEXT) summary?: string;
  @ApiPropertyOptional({
    enum: BUSINESS_CASE_STATUSES,
    description:
      'draft → submitted → approved or rejected; submitted freezes the costs and savings, decided freezes everything (409)',
  })
  @IsOptional()
  @IsIn(BUSINESS_CASE_STATUSES)
  status?: string;
  @ApiPropertyOptional({ type: 'integer', minimum: 0 })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(MAX_PENCE)
  estimatedCostPence?: number;
  @ApiPropertyOptional({ type: 'integer', minimum: 0 })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(MAX_PENCE)
  estimatedSavingsPence?: number;
}
export class BusinessCaseDto extends RecordDto {
  @ApiProperty({ type: 'integer', description: 'Version number of the business case: 1, 2, …' })
  number: number;
  @ApiProperty() title: string;
  @ApiProperty({ nullable: true, type: String }) summary: string | null;
  @ApiProperty({ enum: BUSINESS_CASE_STATUSES }) status: string;
  @ApiProperty({ type: 'integer' }) estimatedCostPence: number;
  @ApiProperty({ type: 'integer' }) estimatedSavingsPence: number;
  @ApiProperty({ nullable: true, type: String, format: 'date-time' }) submittedAt: string | null;
  @ApiProperty({ nullable: true, type: String, format: 'uuid' }) submittedByUserId: string | null;
  @ApiProperty({ nullable: true, type: String, format: 'date-time' }) decidedAt: string | null;
  @ApiProperty({ nullable: true, type: String, format: 'uuid' }) decidedByUserId: string | null;
}
export const DECISIONS = ['approved', 'rejected', 'deferred'] as const;
export class CreateDecisionDto {
  @ApiProperty({ enum: DECISIONS }) @IsIn(DECISIONS) decision: string;
  @ApiProperty({ format: 'date', example: '2010-03-25' }) @IsCalendarDate() decidedOn: string;
  @ApiPropertyOptional({ example: 'Policy and Resources Committee' })
  @IsOptional()
  @IsString()
  @MaxLength(300)
  decisionBody?: string;
  @ApiPropertyOptional({ example: 'Min Ref 25/03/10 Para 201' })
  @IsOptional()
  @IsString()
  @MaxLength(300)
  reference?: string;
  @ApiPropertyOptional({
    format: 'uuid',
    description:
      'The council deciding: your own (another council is 403); a platform admin names the council it acts for',
  })
  @IsOptional()
  @IsUUID()
  councilId?: string;
}
export class UpdateDecisionDto extends Versioned {
  @ApiPropertyOptional({ enum: DECISIONS }) @IsOptional() @IsIn(DECISIONS) decision?: string;
  @ApiPropertyOptional({ format: 'date' }) @IsOptional() @IsCalendarDate() decidedOn?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(300) decisionBody?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(300) reference?: string;
}
export class DecisionDto extends RecordDto {
  @ApiProperty({ format: 'uuid' }) businessCaseId: string;
  @ApiProperty({ format: 'uuid' }) councilId: string;
  @ApiProperty({ example: 'Inverclyde Council' }) councilName: string;
  @ApiProperty({ description: "Last written by a platform admin on the council's behalf" })
  recordedByPlatformAdmin: boolean;
  @ApiProperty({ enum: DECISIONS }) decision: string;
  @ApiProperty({ format: 'date' }) decidedOn: string;
  @ApiProperty({ nullable: true, type: String }) decisionBody: string | null;
  @ApiProperty({ nullable: true, type: String }) reference: string | null;
}

// Participants
export const PARTICIPATION_STATUSES = [
  'interested',
  'committed',
  'declined',
  'not_participating',
] as const;
export class CreateParticipantDto {
  @ApiPropertyOptional({
    format: 'uuid',
    description:
      'Your own council (another council is 403); a platform admin names the council it acts for',
  })
  @IsOptional()
  @IsUUID()
  councilId?: string;
  @ApiPropertyOptional({
    type: 'integer',
    minimum: 1,
    description: "Your council's own priority rank",
  })
  @IsOptional()
  @IsInt()
  @Min(1)
  priorityRank?: number;
  @ApiPropertyOptional({ enum: PARTICIPATION_STATUSES, default: 'interested' })
  @IsOptional()
  @IsIn(PARTICIPATION_STATUSES)
  status?: string;
  @ApiPropertyOptional({ description: 'Required when declined or not participating' })
  @IsOptional()
  @IsString()
  @MaxLength(TEXT)
  reason?: string;
}
export class UpdateParticipantDto extends Versioned {
  @ApiPropertyOptional({
    type: 'integer',
    minimum: 1,
    nullable: true,
    description: 'null clears the rank',
  })
  @IsOptional()
  @IsInt()
  @Min(1)
  priorityRank?: number | null;
  @ApiPropertyOptional({ enum: PARTICIPATION_STATUSES })
  @IsOptional()
  @IsIn(PARTICIPATION_STATUSES)
  status?: string;
  @ApiPropertyOptional({ type: String, nullable: true })
  @IsOptional()
  @IsString()
  @MaxLength(TEXT)
  reason?: string | null;
}
export class ParticipantDto extends RecordDto {
  @ApiProperty({ format: 'uuid' }) councilId: string;
  @ApiProperty({ description: "Last written by a platform admin on the council's behalf" })
  recordedByPlatformAdmin: boolean;
  @ApiProperty({ example: 'Inverclyde Council' }) councilName: string;
  @ApiProperty({ nullable: true, type: 'integer', description: "The council's own priority rank" })
  priorityRank: number | null;
  @ApiProperty({ enum: PARTICIPATION_STATUSES }) status: string;
  @ApiProperty({ nullable: true, type: String }) reason: string | null;
}

// Savings and funding
export class CreateSavingsLineDto {
  @ApiPropertyOptional({
    format: 'uuid',
    description:
      'Your own council (another council is 403); a platform admin names the council it acts for',
  })
  @IsOptional()
  @IsUUID()
  councilId?: string;
  @ApiProperty({ example: '2025-26', pattern: '^\\d{4}-\\d{2}$' })
  @IsFinancialYear()
  financialYear: string;
  @ApiPropertyOptional({ type: 'integer', minimum: 0, default: 0 })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(MAX_PENCE)
  plannedPence?: number;
  @ApiPropertyOptional({ type: 'integer', minimum: 0, default: 0 })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(MAX_PENCE)
  realisedPence?: number;
  @ApiProperty() @IsBoolean() cashable: boolean;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(2000) description?: string;
}
export class UpdateSavingsLineDto extends Versioned {
  @ApiPropertyOptional({ type: 'integer', minimum: 0 })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(MAX_PENCE)
  plannedPence?: number;
  @ApiPropertyOptional({ type: 'integer', minimum: 0 })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(MAX_PENCE)
  realisedPence?: number;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(2000) description?: string;
}
export class SavingsLineDto extends RecordDto {
  @ApiProperty({ format: 'uuid' }) councilId: string;
  @ApiProperty({ example: 'Inverclyde Council' }) councilName: string;
  @ApiProperty({ description: "Last written by a platform admin on the council's behalf" })
  recordedByPlatformAdmin: boolean;
  @ApiProperty({ example: '2025-26' }) financialYear: string;
  @ApiProperty({ type: 'integer' }) plannedPence: number;
  @ApiProperty({ type: 'integer' }) realisedPence: number;
  @ApiProperty() cashable: boolean;
  @ApiProperty({ nullable: true, type: String }) description: string | null;
}

export class RepaymentThresholdDto {
  @ApiProperty({
    type: 'integer',
    example: 100000000,
    description: 'Realised savings (pence) that trigger it',
  })
  @IsInt()
  @Min(0)
  @Max(MAX_PENCE)
  realisedSavingsPence: number;
  @ApiProperty({ type: 'integer', example: 5000000, description: 'Repayable once reached (pence)' })
  @IsInt()
  @Min(0)
  @Max(MAX_PENCE)
  repaymentPence: number;
}
/**
 * Each element of a list as an instance of `type`, or a 400 naming every element that is not
 * an object (`field[0]`), or the field when it is not a list. `@Type` with `@ValidateNested` alone walks into an inner array
 * (`[[]]`) instead of refusing it, and names a number only as a `nested property`.
 */
function ObjectsOf<T extends object>(type: new () => T): PropertyDecorator {
  const isObject = (value: unknown) =>
    typeof value === 'object' && value !== null && !Array.isArray(value);
  return Transform(({ value, key }: { value: unknown; key: string }) => {
    if (value === undefined || value === null) return value;
    if (!Array.isArray(value)) {
      throw new ValidationProblem([{ field: key, message: `${key} must be an array` }]);
    }
    const items: unknown[] = value;
    const faults = items.flatMap((item, i) =>
      isObject(item) ? [] : [{ field: `${key}[${i}]`, message: `${key}[${i}] must be an object` }],
    );
    if (faults.length) throw new ValidationProblem(faults);
    return items.map((item) => plainToInstance(type, item));
  });
}

export class CreateFundingLineDto {
  @ApiProperty({ example: 'Local Partnerships' })
  @IsString()
  @MinLength(1)
  @MaxLength(300)
  funder: string;
  @ApiProperty({ type: 'integer', minimum: 0, example: 10000000 })
  @IsInt()
  @Min(0)
  @Max(MAX_PENCE)
  amountPence: number;
  @ApiPropertyOptional({ default: false }) @IsOptional() @IsBoolean() atRisk?: boolean;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(2000) description?: string;
  @ApiPropertyOptional({ type: [RepaymentThresholdDto] })
  @IsOptional()
  @ArrayMaxSize(20)
  @ObjectsOf(RepaymentThresholdDto)
  @ValidateNested({ each: true })
  repaymentThresholds?: RepaymentThresholdDto[];
}
export class UpdateFundingLineDto extends Versioned {
  @ApiPropertyOptional() @IsOptional() @IsString() @MinLength(1) @MaxLength(300) funder?: string;
  @ApiPropertyOptional({ type: 'integer', minimum: 0 })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(MAX_PENCE)
  amountPence?: number;
  @ApiPropertyOptional() @IsOptional() @IsBoolean() atRisk?: boolean;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(2000) description?: string;
  @ApiPropertyOptional({ type: [RepaymentThresholdDto] })
  @IsOptional()
  @ArrayMaxSize(20)
  @ObjectsOf(RepaymentThresholdDto)
  @ValidateNested({ each: true })
  repaymentThresholds?: RepaymentThresholdDto[];
}
export class ThresholdStateDto extends RepaymentThresholdDto {
  @ApiProperty() reached: boolean;
}
export class FundingLineDto extends RecordDto {
  @ApiProperty() funder: string;
  @ApiProperty({ type: 'integer' }) amountPence: number;
  @ApiProperty() atRisk: boolean;
  @ApiProperty({ nullable: true, type: String }) description: string | null;
  @ApiProperty({ type: [ThresholdStateDto] }) repaymentThresholds: ThresholdStateDto[];
  @ApiProperty({ type: 'integer', description: "The workstream's realised savings to date" })
  realisedSavingsPence: number;
  @ApiProperty({ type: 'integer', description: 'Repayable now: the sum of the thresholds reached' })
  repayablePence: number;
  @ApiProperty({ type: 'integer', description: 'Repaid so far (the repayments recorded)' })
  repaidPence: number;
  @ApiProperty({ type: 'integer', description: 'Repayable now and not yet repaid' })
  owedPence: number;
}
