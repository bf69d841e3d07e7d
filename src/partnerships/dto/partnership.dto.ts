import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  IsBoolean,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  IsUUID,
  Max,
  MaxLength,
  Min,
  MinLength,
} from 'class-validator';
import { IsCalendarDate } from '../../common/dates';

export const PARTNERSHIP_KINDS = [
  'community_planning_partnership',
  'joint_committee',
  'bilateral_cooperation',
  'other',
] as const;
export const PARTNERSHIP_STATUSES = ['active', 'dissolved'] as const;
export const MEMBER_ROLES = ['member', 'chair', 'administering'] as const;

export class PartnershipDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ example: 'Clyde Valley Community Planning Partnership' }) name: string;
  @ApiProperty({ nullable: true, type: String }) description: string | null;
  @ApiProperty({ enum: PARTNERSHIP_KINDS }) kind: string;
  @ApiProperty({ enum: PARTNERSHIP_STATUSES }) status: string;
  @ApiProperty({ format: 'uuid', nullable: true, type: String }) administeringCouncilId:
    string | null;
  @ApiProperty() version: number;
  @ApiProperty() createdAt: string;
  @ApiProperty() updatedAt: string;
}

export class PartnershipPageDto {
  @ApiProperty({ type: [PartnershipDto] }) data: PartnershipDto[];
  @ApiProperty({ nullable: true, type: String }) nextCursor: string | null;
}

export class CreatePartnershipDto {
  @ApiProperty() @IsString() @MinLength(1) @MaxLength(200) name: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(5000) description?: string;
  @ApiProperty({ enum: PARTNERSHIP_KINDS }) @IsIn(PARTNERSHIP_KINDS) kind: string;
  @ApiPropertyOptional({
    format: 'uuid',
    description:
      'Platform admins only: the first administering council. A council admin creating a ' +
      'partnership makes their own council its administering council.',
  })
  @IsOptional()
  @IsUUID()
  administeringCouncilId?: string;
}

export class UpdatePartnershipDto {
  @ApiPropertyOptional() @IsOptional() @IsString() @MinLength(1) @MaxLength(200) name?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(5000) description?: string;
  @ApiPropertyOptional({ enum: PARTNERSHIP_KINDS })
  @IsOptional()
  @IsIn(PARTNERSHIP_KINDS)
  kind?: string;
  @ApiPropertyOptional({ enum: PARTNERSHIP_STATUSES })
  @IsOptional()
  @IsIn(PARTNERSHIP_STATUSES)
  status?: string;
  @ApiProperty({ description: 'The version you read' }) @IsInt() @Min(1) version: number;
}

export class MemberDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'uuid' }) partnershipId: string;
  @ApiProperty({ format: 'uuid' }) councilId: string;
  @ApiProperty({ example: 'Inverclyde Council' }) councilName: string;
  @ApiProperty({ enum: MEMBER_ROLES }) role: string;
  @ApiProperty({
    description:
      'The council chairs the partnership (a chair, or an administering council that also chairs)',
  })
  chair: boolean;
  @ApiProperty({ example: '2010-01-15' }) joinedOn: string;
  @ApiProperty({ nullable: true, type: String, example: null }) leftOn: string | null;
  @ApiProperty() version: number;
}

export class MemberPageDto {
  @ApiProperty({ type: [MemberDto] }) data: MemberDto[];
  @ApiProperty({ nullable: true, type: String }) nextCursor: string | null;
}

export class MemberQueryDto {
  @ApiPropertyOptional({ default: 50, maximum: 100 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(100)
  limit: number = 50;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(500) cursor?: string;
  @ApiPropertyOptional({ description: 'Only current members (default), or the whole history' })
  @IsOptional()
  @Type(() => String)
  @IsIn(['true', 'false'])
  current?: 'true' | 'false';
}

export class AddMemberDto {
  @ApiProperty({ format: 'uuid' }) @IsUUID() councilId: string;
  @ApiPropertyOptional({ enum: ['member', 'chair'], default: 'member' })
  @IsOptional()
  @IsIn(['member', 'chair'])
  role?: string;
  @ApiPropertyOptional({ example: '2010-01-15', description: 'Today by default' })
  @IsOptional()
  @IsCalendarDate()
  joinedOn?: string;
}

export class UpdateMemberDto {
  @ApiPropertyOptional({ enum: ['member', 'chair'] })
  @IsOptional()
  @IsIn(['member', 'chair'])
  role?: string;
  @ApiPropertyOptional({
    description: 'Chairs the partnership; the administering council may chair it too',
  })
  @IsOptional()
  @IsBoolean()
  chair?: boolean;
  @ApiPropertyOptional({ example: '2012-03-31', description: 'Ends the membership' })
  @IsOptional()
  @IsCalendarDate()
  leftOn?: string;
  @ApiProperty() @IsInt() @Min(1) version: number;
}

export class PassAdministrationDto {
  @ApiProperty({ format: 'uuid', description: 'A current member council' })
  @IsUUID()
  councilId: string;
  @ApiPropertyOptional({ example: '2011-01-01', description: 'Today by default' })
  @IsOptional()
  @IsCalendarDate()
  from?: string;
  @ApiPropertyOptional({ description: 'The new administering council also chairs', default: false })
  @IsOptional()
  @IsBoolean()
  chair?: boolean;
}

export class EndAdministrationDto {
  @ApiPropertyOptional({ example: '2010-12-31', description: 'Today by default' })
  @IsOptional()
  @IsCalendarDate()
  on?: string;
}

export class AlignmentQueryDto {
  @ApiPropertyOptional({ default: 3, description: 'How many top priorities to compare' })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(50)
  top: number = 3;
}

export class AlignmentPriorityDto {
  @ApiProperty({ format: 'uuid' }) workstreamId: string;
  @ApiProperty() title: string;
  @ApiProperty({ nullable: true, type: Number }) partnershipRank: number | null;
  @ApiProperty({ nullable: true, type: Number }) councilRank: number | null;
}

export class CouncilAlignmentDto {
  @ApiProperty({ format: 'uuid' }) councilId: string;
  @ApiProperty() councilName: string;
  @ApiProperty({ type: [AlignmentPriorityDto], description: "The council's own top priorities" })
  priorities: AlignmentPriorityDto[];
  @ApiProperty({
    type: [AlignmentPriorityDto],
    description: "The council's priorities that are also in the partnership's top",
  })
  sharedWithPartnership: AlignmentPriorityDto[];
  @ApiProperty({
    type: [AlignmentPriorityDto],
    description: "The council's priorities that the partnership did not put in its top",
  })
  notPrioritisedByPartnership: AlignmentPriorityDto[];
  @ApiProperty({ description: 'False when the council has ranked no workstream' })
  hasRanked: boolean;
}

export class AlignmentDto {
  @ApiProperty({ format: 'uuid' }) partnershipId: string;
  @ApiProperty() top: number;
  @ApiProperty({ type: [AlignmentPriorityDto] }) partnershipPriorities: AlignmentPriorityDto[];
  @ApiProperty({ type: [CouncilAlignmentDto] }) councils: CouncilAlignmentDto[];
}
