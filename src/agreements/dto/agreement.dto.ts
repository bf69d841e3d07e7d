/**
 * Requests and answers of co-operation agreements (README, Co-operation agreements). Money is
 * integer pence, dates `YYYY-MM-DD`; agreement-level writes carry the `version` that was read;
 * a decision or signature names the `versionNumber` of the terms it is about.
 */
import { ApiProperty, ApiPropertyOptional, PartialType } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  ArrayUnique,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  IsUUID,
  Length,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';
import { IsCalendarDate } from '../../common/dates';
import { CouncilRefDto } from '../../councils/dto/council.dto';
import { PageOf, PageQueryDto } from '../../common/pagination';

export const AGREEMENT_STATUSES = [
  'draft',
  'in_approval',
  'approved',
  'active',
  'under_review',
  'ended',
] as const;
export type AgreementStatus = (typeof AGREEMENT_STATUSES)[number];
export const VERSION_STATUSES = [
  'draft',
  'in_approval',
  'approved',
  'in_force',
  'superseded',
] as const;
export const DOCUMENT_KINDS = ['signed_agreement', 'appendix', 'other'] as const;
export const MAX_PENCE = 10 ** 14;

export class Versioned {
  @ApiProperty({
    type: 'integer',
    description: 'The version (optimistic lock) you read',
    example: 1,
  })
  @IsInt()
  @Min(1)
  version: number;
}

export class PartyTermsDto {
  @ApiProperty({ format: 'uuid' }) @IsUUID() councilId: string;
  @ApiPropertyOptional({
    type: 'integer',
    example: 10000000,
    description: 'Its contribution, in pence',
  })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(MAX_PENCE)
  contributionPence?: number;
  @ApiPropertyOptional({ example: '£100k earmarked from reserves' })
  @IsOptional()
  @IsString()
  @MaxLength(500)
  contributionDescription?: string;
}

export class TermsDto {
  @ApiProperty({ example: 'Co-operation agreement with North Somerset Council' })
  @IsString()
  @Length(1, 300)
  title: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(20000) summary?: string;
  @ApiProperty({ type: [String], description: 'In order', example: ['Improve services'] })
  @IsString({ each: true })
  @Length(1, 2000, { each: true })
  @ArrayMinSize(1)
  @ArrayMaxSize(50)
  purposes: string[];
  @ApiProperty({ type: [String], example: ['Local Government Act 2000, section 2'] })
  @IsString({ each: true })
  @Length(1, 500, { each: true })
  @ArrayMinSize(1)
  @ArrayMaxSize(20)
  legalBasis: string[];
  @ApiPropertyOptional({ format: 'date', example: '2015-06-11' })
  @IsOptional()
  @IsCalendarDate()
  reviewDate?: string;
  @ApiPropertyOptional({ format: 'date' }) @IsOptional() @IsCalendarDate() endDate?: string;
  @ApiProperty({
    type: [PartyTermsDto],
    description: 'Two or more councils, the initiating one among them',
  })
  @ValidateNested({ each: true })
  @Type(() => PartyTermsDto)
  @ArrayMinSize(2)
  @ArrayMaxSize(50)
  parties: PartyTermsDto[];
}

export class CreateAgreementDto extends TermsDto {
  @ApiProperty({ example: 'E 2649', description: 'Forward plan or decision reference' })
  @IsString()
  @Length(1, 100)
  reference: string;
  @ApiPropertyOptional({ format: 'uuid' }) @IsOptional() @IsUUID() partnershipId?: string;
  @ApiPropertyOptional({
    format: 'uuid',
    description: "Platform admins only: the initiating council (default: the caller's)",
  })
  @IsOptional()
  @IsUUID()
  initiatingCouncilId?: string;
  @ApiPropertyOptional({
    type: [String],
    format: 'uuid',
    description: 'Workstreams pursued under it',
  })
  @IsOptional()
  @IsUUID('all', { each: true })
  @ArrayUnique()
  @ArrayMaxSize(100)
  workstreamIds?: string[];
}

export class UpdateAgreementDto extends PartialType(TermsDto) {
  @ApiProperty({ type: 'integer', description: 'The version (optimistic lock) you read' })
  @IsInt()
  @Min(1)
  version: number;
  @ApiPropertyOptional({ example: 'E 2649' })
  @IsOptional()
  @IsString()
  @Length(1, 100)
  reference?: string;
  @ApiPropertyOptional({ format: 'uuid', nullable: true, type: String })
  @IsOptional()
  @IsUUID()
  partnershipId?: string;
  @ApiPropertyOptional({ description: 'What an amendment changes, for the parties deciding it' })
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  changeNote?: string;
}

export class LinkWorkstreamsDto extends Versioned {
  @ApiProperty({ type: [String], format: 'uuid' })
  @IsUUID('all', { each: true })
  @ArrayUnique()
  @ArrayMaxSize(100)
  workstreamIds: string[];
}

class ActForPartyDto {
  @ApiPropertyOptional({
    format: 'uuid',
    description: 'The party acted for: your own council (default); platform admins must name it',
  })
  @IsOptional()
  @IsUUID()
  councilId?: string;
  @ApiProperty({ type: 'integer', example: 1, description: 'The version of the terms acted on' })
  @IsInt()
  @Min(1)
  versionNumber: number;
}

export class DecisionInputDto extends ActForPartyDto {
  @ApiProperty({ example: 'Cabinet' }) @IsString() @Length(1, 200) decisionBody: string;
  @ApiPropertyOptional({ example: 'Cllr Paul Crossley, Leader' })
  @IsOptional()
  @IsString()
  @Length(1, 200)
  decisionMaker?: string;
  @ApiProperty({ format: 'date', example: '2014-06-11' }) @IsCalendarDate() decidedOn: string;
  @ApiPropertyOptional({ example: 'E 2649', description: 'Decision or minute reference' })
  @IsOptional()
  @IsString()
  @Length(1, 100)
  reference?: string;
}
export class ApproveDto extends DecisionInputDto {
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(2000) reason?: string;
}
export class DeclineDto extends DecisionInputDto {
  @ApiProperty({ description: 'Why the party declines; kept with the version' })
  @IsString()
  @Length(1, 2000)
  reason: string;
}

export class SignDto extends ActForPartyDto {
  @ApiProperty({ example: 'Cllr Paul Crossley' }) @IsString() @Length(1, 200) signatoryName: string;
  @ApiProperty({ example: 'Leader of the Council' })
  @IsString()
  @Length(1, 200)
  signatoryRole: string;
  @ApiProperty({ format: 'date' }) @IsCalendarDate() signedOn: string;
}

export class SubmitAgreementDto extends Versioned {}

export class StartReviewDto extends Versioned {}

export class ReviewDto extends Versioned {
  @ApiPropertyOptional({ format: 'uuid', description: 'Platform admins: the party recording it' })
  @IsOptional()
  @IsUUID()
  councilId?: string;
  @ApiProperty({ format: 'date' }) @IsCalendarDate() reviewedOn: string;
  @ApiProperty({ example: 'Progress report to Cabinet; the agreement continues' })
  @IsString()
  @Length(1, 5000)
  outcome: string;
  @ApiPropertyOptional({ format: 'date', description: 'Omit for no further review' })
  @IsOptional()
  @IsCalendarDate()
  nextReviewOn?: string;
}

export class TerminateDto extends Versioned {
  @ApiPropertyOptional({ format: 'uuid', description: 'The party terminating (platform admins)' })
  @IsOptional()
  @IsUUID()
  councilId?: string;
  @ApiProperty({ format: 'date' }) @IsCalendarDate() terminatedOn: string;
  @ApiProperty() @IsString() @Length(1, 2000) reason: string;
}

export class AgreementQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ enum: AGREEMENT_STATUSES })
  @IsOptional()
  @IsIn(AGREEMENT_STATUSES)
  status?: AgreementStatus;
  @ApiPropertyOptional({ format: 'uuid' }) @IsOptional() @IsUUID() partyCouncilId?: string;
  @ApiPropertyOptional({ format: 'uuid' }) @IsOptional() @IsUUID() partnershipId?: string;
  @ApiPropertyOptional({ format: 'date', description: 'Review date before this date' })
  @IsOptional()
  @IsCalendarDate()
  reviewDueBefore?: string;
}

export class DocumentQueryDto {
  @ApiProperty({ example: 'co-operation-agreement-signed.pdf' })
  @IsString()
  @Length(1, 200)
  // eslint-disable-next-line no-control-regex -- refusing control characters is the point
  @Matches(/^[^\\/\u0000-\u001f\u007f]+$/, {
    message: 'fileName must be a file name, without slashes or control characters',
  })
  fileName: string;
  @ApiPropertyOptional({ enum: DOCUMENT_KINDS, default: 'appendix' })
  @IsOptional()
  @IsIn(DOCUMENT_KINDS)
  kind: (typeof DOCUMENT_KINDS)[number] = 'appendix';
}

// Answers

export class AgreementDecisionDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'uuid' }) councilId: string;
  @ApiProperty() councilName: string;
  @ApiProperty({ type: 'integer' }) versionNumber: number;
  @ApiProperty({
    type: 'integer',
    description: 'The submission of the version this decision answered',
  })
  round: number;
  @ApiProperty({ enum: ['approved', 'declined'] }) decision: string;
  @ApiProperty() decisionBody: string;
  @ApiProperty({ nullable: true, type: String }) decisionMaker: string | null;
  @ApiProperty({ format: 'date' }) decidedOn: string;
  @ApiProperty({ nullable: true, type: String }) reference: string | null;
  @ApiProperty({ nullable: true, type: String }) reason: string | null;
  @ApiProperty({ format: 'uuid', nullable: true, type: String }) recordedBy: string | null;
  @ApiProperty() recordedByPlatformAdmin: boolean;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
}

export class SignatureDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'uuid' }) councilId: string;
  @ApiProperty() councilName: string;
  @ApiProperty({ type: 'integer' }) versionNumber: number;
  @ApiProperty() signatoryName: string;
  @ApiProperty() signatoryRole: string;
  @ApiProperty({ format: 'date' }) signedOn: string;
  @ApiProperty({ format: 'uuid', nullable: true, type: String }) recordedBy: string | null;
  @ApiProperty() recordedByPlatformAdmin: boolean;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
}

export class ContributionDto {
  @ApiProperty({ format: 'uuid' }) councilId: string;
  @ApiProperty() councilName: string;
  @ApiProperty({ nullable: true, type: 'integer' }) amountPence: number | null;
  @ApiProperty({ nullable: true, type: String }) description: string | null;
}

export class DocumentDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ type: 'integer' }) versionNumber: number;
  @ApiProperty({ enum: DOCUMENT_KINDS }) kind: string;
  @ApiProperty() fileName: string;
  @ApiProperty() contentType: string;
  @ApiProperty({ type: 'integer' }) sizeBytes: number;
  @ApiProperty({ description: 'SHA-256 of the bytes, hex' }) sha256: string;
  @ApiProperty({ format: 'uuid', nullable: true, type: String }) recordedBy: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
}

export class AgreementVersionDto {
  @ApiProperty({ type: 'integer' }) number: number;
  @ApiProperty({ enum: VERSION_STATUSES }) status: string;
  @ApiProperty() title: string;
  @ApiProperty({ nullable: true, type: String }) summary: string | null;
  @ApiProperty({ type: [String] }) purposes: string[];
  @ApiProperty({ type: [String] }) legalBasis: string[];
  @ApiProperty({ format: 'date', nullable: true, type: String }) reviewDate: string | null;
  @ApiProperty({ format: 'date', nullable: true, type: String }) endDate: string | null;
  @ApiProperty({ nullable: true, type: String }) changeNote: string | null;
  @ApiProperty({ type: 'integer', description: 'How many times it was submitted' }) round: number;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) submittedAt: string | null;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) approvedAt: string | null;
  @ApiProperty({ format: 'date', nullable: true, type: String }) inForceFrom: string | null;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) supersededAt: string | null;
  @ApiProperty({ type: [ContributionDto] }) contributions: ContributionDto[];
  @ApiProperty({ type: [AgreementDecisionDto], description: 'Every round, oldest first' })
  decisions: AgreementDecisionDto[];
  @ApiProperty({ type: [SignatureDto] }) signatures: SignatureDto[];
  @ApiProperty({ type: [DocumentDto] }) documents: DocumentDto[];
}

export class AgreementSummaryDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ example: 'E 2649' }) reference: string;
  @ApiProperty() title: string;
  @ApiProperty({ enum: AGREEMENT_STATUSES }) status: AgreementStatus;
  @ApiProperty({ type: CouncilRefDto }) initiatingCouncil: CouncilRefDto;
  @ApiProperty({ type: CouncilRefDto, nullable: true }) partnership: CouncilRefDto | null;
  @ApiProperty({ type: [CouncilRefDto] }) parties: CouncilRefDto[];
  @ApiProperty({ nullable: true, type: 'integer', description: 'The version in force' })
  currentVersion: number | null;
  @ApiProperty({ type: 'integer' }) latestVersion: number;
  @ApiProperty({ format: 'date', nullable: true, type: String }) startDate: string | null;
  @ApiProperty({ format: 'date', nullable: true, type: String, description: 'Next review' })
  reviewDate: string | null;
  @ApiProperty({ format: 'date', nullable: true, type: String }) endDate: string | null;
  @ApiProperty({ format: 'date', nullable: true, type: String }) endedOn: string | null;
  @ApiProperty({ enum: ['expired', 'terminated'], nullable: true, type: String })
  endKind: string | null;
  @ApiProperty({ nullable: true, type: String }) endReason: string | null;
  @ApiProperty({ format: 'uuid', nullable: true, type: String }) endedByCouncilId: string | null;
  @ApiProperty({ type: 'integer' }) version: number;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
  @ApiProperty({ format: 'date-time' }) updatedAt: string;
}

export class WorkstreamRefDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() title: string;
}

export class ReviewRecordDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'uuid', nullable: true, type: String }) councilId: string | null;
  @ApiProperty({ format: 'date' }) reviewedOn: string;
  @ApiProperty() outcome: string;
  @ApiProperty({ format: 'date', nullable: true, type: String }) nextReviewOn: string | null;
  @ApiProperty({ format: 'uuid', nullable: true, type: String }) recordedBy: string | null;
  @ApiProperty() recordedByPlatformAdmin: boolean;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
}

export class AgreementDto extends AgreementSummaryDto {
  @ApiProperty({
    type: AgreementVersionDto,
    description: 'The version in force, or before any is, the version being agreed',
  })
  current: AgreementVersionDto;
  @ApiProperty({
    type: AgreementVersionDto,
    nullable: true,
    description: 'An amendment on its way while the current version stays in force',
  })
  pending: AgreementVersionDto | null;
  @ApiProperty({
    type: [WorkstreamRefDto],
    description: 'Workstreams pursued under it that you may see',
  })
  workstreams: WorkstreamRefDto[];
  @ApiProperty({ type: [ReviewRecordDto] }) reviews: ReviewRecordDto[];
}

export class AgreementPageDto extends PageOf(AgreementSummaryDto) {}
export class VersionPageDto extends PageOf(AgreementVersionDto) {}
export class DocumentPageDto extends PageOf(DocumentDto) {}
