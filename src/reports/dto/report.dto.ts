/**
 * Requests and answers of progress reports (README, Reports). Dates are `YYYY-MM-DD`;
 * header and section writes carry the `version` that was read.
 */
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayUnique,
  IsBoolean,
  IsEmail,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  IsUUID,
  Length,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';
import { IsCalendarDate } from '../../common/dates';
import { PageOf, PageQueryDto } from '../../common/pagination';
import { REPORT_TYPES, ReportType } from '../report-model';

export const REPORT_STATUSES = ['draft', 'submitted', 'approved'] as const;
export const VISIBILITIES = ['private', 'partnership'] as const;
const TEXT = 20000;

export class ImplicationsDto {
  @ApiPropertyOptional({ example: 'None at present until business cases have been developed.' })
  @IsOptional()
  @IsString()
  @Length(1, TEXT)
  legal?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @Length(1, TEXT) financial?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @Length(1, TEXT) humanResources?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @Length(1, TEXT) equality?: string;
  @ApiPropertyOptional({ description: "The section 151 officer's comments" })
  @IsOptional()
  @IsString()
  @Length(1, TEXT)
  section151?: string;
  @ApiPropertyOptional({ description: "The monitoring officer's comments" })
  @IsOptional()
  @IsString()
  @Length(1, TEXT)
  monitoringOfficer?: string;
}

class HeaderDto {
  @ApiPropertyOptional({
    example: 'Inverclyde Council',
    description: 'Report to: the meeting or decision body',
  })
  @IsOptional()
  @IsString()
  @Length(1, 200)
  meeting?: string;
  @ApiPropertyOptional({ format: 'date', example: '2010-02-18' })
  @IsOptional()
  @IsCalendarDate()
  meetingDate?: string;
  @ApiPropertyOptional({ example: 'IC/01/10/PW/MMcK' })
  @IsOptional()
  @IsString()
  @Length(1, 100)
  reference?: string;
  @ApiPropertyOptional({ example: 'E 2649' })
  @IsOptional()
  @IsString()
  @Length(1, 100)
  forwardPlanReference?: string;
  @ApiPropertyOptional() @IsOptional() @IsBoolean() keyDecision?: boolean;
  @ApiPropertyOptional({
    description: '"This report is public" (true) or not for publication (false); unstated: no line',
  })
  @IsOptional()
  @IsBoolean()
  publicItem?: boolean;
  @ApiPropertyOptional({ example: 'Corporate Director Improvement and Performance' })
  @IsOptional()
  @IsString()
  @Length(1, 200)
  reportBy?: string;
  @ApiPropertyOptional({ example: 'Paul Wallace, Corporate Director Improvement and Performance' })
  @IsOptional()
  @IsString()
  @Length(1, 200)
  signedBy?: string;
  @ApiPropertyOptional({ example: 'Miriam McKenna' })
  @IsOptional()
  @IsString()
  @Length(1, 200)
  contactName?: string;
  @ApiPropertyOptional({ example: 'Strategic Partnership Manager' })
  @IsOptional()
  @IsString()
  @Length(1, 200)
  contactJobTitle?: string;
  @ApiPropertyOptional({ example: '01475 712042' })
  @IsOptional()
  @IsString()
  @Length(1, 50)
  contactTelephone?: string;
  @ApiPropertyOptional() @IsOptional() @IsEmail() @MaxLength(320) contactEmail?: string;
  @ApiPropertyOptional({ example: 'All' }) @IsOptional() @IsString() @Length(1, 500) wards?: string;
  @ApiPropertyOptional({ format: 'date' }) @IsOptional() @IsCalendarDate() periodFrom?: string;
  @ApiPropertyOptional({ enum: VISIBILITIES, default: 'private' })
  @IsOptional()
  @IsIn(VISIBILITIES)
  visibility?: (typeof VISIBILITIES)[number];
}

class TextsDto extends HeaderDto {
  @ApiPropertyOptional({ description: 'Paragraphs separated by a blank line' })
  @IsOptional()
  @IsString()
  @Length(1, TEXT)
  purpose?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @Length(1, TEXT) summary?: string;
  @ApiPropertyOptional({ type: [String], description: 'Numbered in order' })
  @IsOptional()
  @IsString({ each: true })
  @Length(1, 5000, { each: true })
  @ArrayMaxSize(50)
  recommendations?: string[];
  @ApiPropertyOptional({ example: 'It is recommended that Council:' })
  @IsOptional()
  @IsString()
  @Length(1, 500)
  recommendationsIntro?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @Length(1, TEXT) background?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @Length(1, TEXT) options?: string;
  @ApiPropertyOptional({ type: ImplicationsDto, description: 'Each a text or "None"' })
  @IsOptional()
  @ValidateNested()
  @Type(() => ImplicationsDto)
  implications?: ImplicationsDto;
  @ApiPropertyOptional({ type: [String] })
  @IsOptional()
  @IsString({ each: true })
  @Length(1, 1000, { each: true })
  @ArrayMaxSize(50)
  backgroundPapers?: string[];
  @ApiPropertyOptional({ type: [String] })
  @IsOptional()
  @IsString({ each: true })
  @Length(1, 1000, { each: true })
  @ArrayMaxSize(50)
  attachments?: string[];
}

export class CreateReportDto extends TextsDto {
  @ApiProperty({
    example:
      'Clyde Valley Community Planning Partnership - Review of Joint Working and Shared Services – Next Steps',
  })
  @IsString()
  @Length(1, 300)
  title: string;
  @ApiProperty({ enum: REPORT_TYPES }) @IsIn(REPORT_TYPES) type: ReportType;
  @ApiProperty({ format: 'date', description: 'The report shows the state as at this date' })
  @IsCalendarDate()
  periodTo: string;
  @ApiPropertyOptional({ format: 'uuid' }) @IsOptional() @IsUUID() partnershipId?: string;
  @ApiPropertyOptional({ format: 'uuid', description: 'Platform admins: the owner council' })
  @IsOptional()
  @IsUUID()
  ownerCouncilId?: string;
  @ApiPropertyOptional({
    type: [String],
    format: 'uuid',
    description:
      "Workstreams reported on, in order (default: the partnership's, by priority; else the council's own)",
  })
  @IsOptional()
  @IsUUID('all', { each: true })
  @ArrayUnique()
  @ArrayMaxSize(100)
  workstreamIds?: string[];
  @ApiPropertyOptional({ type: [String], format: 'uuid', description: 'Agreements reported on' })
  @IsOptional()
  @IsUUID('all', { each: true })
  @ArrayUnique()
  @ArrayMaxSize(20)
  agreementIds?: string[];
  @ApiPropertyOptional({ format: 'uuid', description: 'A report schedule this report answers' })
  @IsOptional()
  @IsUUID()
  scheduleId?: string;
}

export class UpdateReportDto extends HeaderDto {
  @ApiProperty({ type: 'integer' }) @IsInt() @Min(1) version: number;
  @ApiPropertyOptional() @IsOptional() @IsString() @Length(1, 300) title?: string;
  @ApiPropertyOptional({ format: 'date' }) @IsOptional() @IsCalendarDate() periodTo?: string;
}

export class UpdateSectionDto {
  @ApiProperty({ type: 'integer' }) @IsInt() @Min(1) version: number;
  @ApiPropertyOptional() @IsOptional() @IsString() @Length(1, 200) heading?: string;
  @ApiPropertyOptional({ description: 'Left out of the public edition' })
  @IsOptional()
  @IsBoolean()
  internal?: boolean;
  @ApiPropertyOptional({ type: [String], description: 'Text sections' })
  @IsOptional()
  @IsString({ each: true })
  @Length(1, TEXT, { each: true })
  @ArrayMaxSize(200)
  paragraphs?: string[];
  @ApiPropertyOptional({ type: [String], description: 'Recommendations' })
  @IsOptional()
  @IsString({ each: true })
  @Length(1, 5000, { each: true })
  @ArrayMaxSize(50)
  items?: string[];
  @ApiPropertyOptional({ description: 'Recommendations' })
  @IsOptional()
  @IsString()
  @Length(1, 500)
  intro?: string;
  @ApiPropertyOptional({ type: ImplicationsDto, description: 'Implications' })
  @IsOptional()
  @ValidateNested()
  @Type(() => ImplicationsDto)
  implications?: ImplicationsDto;
  @ApiPropertyOptional({ description: 'Workstream sections' })
  @IsOptional()
  @IsString()
  @Length(1, TEXT)
  ragReason?: string;
  @ApiPropertyOptional({ description: 'Workstream sections' })
  @IsOptional()
  @IsString()
  @Length(1, TEXT)
  achievements?: string;
  @ApiPropertyOptional({ description: 'Workstream sections' })
  @IsOptional()
  @IsString()
  @Length(1, TEXT)
  challenges?: string;
}

export class SubmitReportDto {
  @ApiProperty({ type: 'integer' }) @IsInt() @Min(1) version: number;
}

export class ReturnReportDto extends SubmitReportDto {
  @ApiProperty({ description: 'Why it goes back to draft' })
  @IsString()
  @Length(1, 2000)
  reason: string;
}

export class ApproveReportDto extends SubmitReportDto {
  @ApiProperty({ example: 'Accountable officer' })
  @IsString()
  @Length(1, 200)
  accountableOfficer: string;
  @ApiProperty({ format: 'date', example: '2009-10-22' })
  @IsCalendarDate()
  accountableOfficerOn: string;
  @ApiProperty({ example: 'Accountable director' })
  @IsString()
  @Length(1, 200)
  accountableDirector: string;
  @ApiProperty({ format: 'date', example: '2009-11-09' })
  @IsCalendarDate()
  accountableDirectorOn: string;
}

export class ReportQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ enum: REPORT_STATUSES })
  @IsOptional()
  @IsIn(REPORT_STATUSES)
  status?: string;
  @ApiPropertyOptional({ format: 'uuid' }) @IsOptional() @IsUUID() partnershipId?: string;
}

export const FORMATS = ['md', 'html', 'docx', 'pdf'] as const;
export class RenderQueryDto {
  @ApiPropertyOptional({ enum: FORMATS, description: 'Or by Accept' })
  @IsOptional()
  @IsIn(FORMATS)
  format?: (typeof FORMATS)[number];
  @ApiPropertyOptional({ enum: ['internal', 'public'], default: 'internal' })
  @IsOptional()
  @IsIn(['internal', 'public'])
  edition: 'internal' | 'public' = 'internal';
}

export class CreateScheduleDto {
  @ApiProperty({ example: 'Progress report to Cabinet on the joint work' })
  @IsString()
  @Length(1, 300)
  title: string;
  @ApiPropertyOptional({ example: 'Cabinet' })
  @IsOptional()
  @IsString()
  @Length(1, 200)
  meeting?: string;
  @ApiProperty({ format: 'date', example: '2015-06-11' }) @IsCalendarDate() dueOn: string;
  @ApiPropertyOptional({ format: 'uuid' }) @IsOptional() @IsUUID() workstreamId?: string;
  @ApiPropertyOptional({ format: 'uuid' }) @IsOptional() @IsUUID() partnershipId?: string;
  @ApiPropertyOptional({ format: 'uuid' }) @IsOptional() @IsUUID() agreementId?: string;
  @ApiPropertyOptional({
    format: 'uuid',
    description: 'Platform admins: the council it is due from',
  })
  @IsOptional()
  @IsUUID()
  ownerCouncilId?: string;
}

// Answers

export class ReportSectionDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ type: 'integer' }) position: number;
  @ApiProperty({
    enum: [
      'text',
      'recommendations',
      'implications',
      'lead_authorities',
      'workstream',
      'agreement',
    ],
  })
  kind: string;
  @ApiProperty({ example: 'purpose' }) key: string;
  @ApiProperty({ example: 'PURPOSE' }) heading: string;
  @ApiProperty({
    description:
      "The section's content, by kind (see README, Reports): free-form JSON, as the renderers read it",
    type: 'object',
    additionalProperties: true,
  })
  content: Record<string, unknown>;
  @ApiProperty() internal: boolean;
  @ApiProperty({ format: 'uuid', nullable: true, type: String }) workstreamId: string | null;
  @ApiProperty({ format: 'uuid', nullable: true, type: String }) agreementId: string | null;
  @ApiProperty({ type: 'integer' }) version: number;
}

export class ReportDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'uuid' }) ownerCouncilId: string;
  @ApiProperty() councilName: string;
  @ApiProperty({ format: 'uuid', nullable: true, type: String }) partnershipId: string | null;
  @ApiProperty() title: string;
  @ApiProperty({ enum: REPORT_TYPES }) type: string;
  @ApiProperty({ nullable: true, type: String }) meeting: string | null;
  @ApiProperty({ format: 'date', nullable: true, type: String }) meetingDate: string | null;
  @ApiProperty({ nullable: true, type: String }) reference: string | null;
  @ApiProperty({ nullable: true, type: String }) forwardPlanReference: string | null;
  @ApiProperty({ nullable: true, type: Boolean }) keyDecision: boolean | null;
  @ApiProperty({ nullable: true, type: Boolean }) publicItem: boolean | null;
  @ApiProperty({ nullable: true, type: String }) reportBy: string | null;
  @ApiProperty({ nullable: true, type: String }) signedBy: string | null;
  @ApiProperty({ nullable: true, type: String }) contactName: string | null;
  @ApiProperty({ nullable: true, type: String }) contactJobTitle: string | null;
  @ApiProperty({ nullable: true, type: String }) contactTelephone: string | null;
  @ApiProperty({ nullable: true, type: String }) contactEmail: string | null;
  @ApiProperty({ nullable: true, type: String }) wards: string | null;
  @ApiProperty({ format: 'date', nullable: true, type: String }) periodFrom: string | null;
  @ApiProperty({ format: 'date' }) periodTo: string;
  @ApiProperty({ enum: VISIBILITIES }) visibility: string;
  @ApiProperty({ enum: REPORT_STATUSES }) status: string;
  @ApiProperty({ nullable: true, type: String }) returnedReason: string | null;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) submittedAt: string | null;
  @ApiProperty({ nullable: true, type: String }) accountableOfficer: string | null;
  @ApiProperty({ format: 'date', nullable: true, type: String }) accountableOfficerOn:
    string | null;
  @ApiProperty({ nullable: true, type: String }) accountableDirector: string | null;
  @ApiProperty({ format: 'date', nullable: true, type: String }) accountableDirectorOn:
    string | null;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) approvedAt: string | null;
  @ApiProperty({ type: 'integer' }) version: number;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
  @ApiProperty({ format: 'date-time' }) updatedAt: string;
  @ApiProperty({ type: [ReportSectionDto], description: 'In order; frozen once submitted' })
  sections: ReportSectionDto[];
}

export class ReportSummaryDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'uuid' }) ownerCouncilId: string;
  @ApiProperty() councilName: string;
  @ApiProperty({ format: 'uuid', nullable: true, type: String }) partnershipId: string | null;
  @ApiProperty() title: string;
  @ApiProperty({ enum: REPORT_TYPES }) type: string;
  @ApiProperty({ format: 'date' }) periodTo: string;
  @ApiProperty({ enum: VISIBILITIES }) visibility: string;
  @ApiProperty({ enum: REPORT_STATUSES }) status: string;
  @ApiProperty({ type: 'integer' }) version: number;
}

export class ReportPageDto extends PageOf(ReportSummaryDto) {}

export class ScheduleDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'uuid' }) ownerCouncilId: string;
  @ApiProperty() title: string;
  @ApiProperty({ nullable: true, type: String }) meeting: string | null;
  @ApiProperty({ format: 'date' }) dueOn: string;
  @ApiProperty({ format: 'uuid', nullable: true, type: String }) workstreamId: string | null;
  @ApiProperty({ format: 'uuid', nullable: true, type: String }) partnershipId: string | null;
  @ApiProperty({ format: 'uuid', nullable: true, type: String }) agreementId: string | null;
  @ApiProperty({
    format: 'uuid',
    nullable: true,
    type: String,
    description: 'The report that answered it',
  })
  reportId: string | null;
  @ApiProperty({ description: 'Due date passed and no report yet' }) overdue: boolean;
  @ApiProperty({ type: 'integer' }) version: number;
}

export class SchedulePageDto extends PageOf(ScheduleDto) {}
