import { PageOf } from '../../common/pagination';
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
  @ApiProperty({
    nullable: true,
    type: String,
    example: 'Joint working and shared services among the Clyde Valley councils',
  })
  description: string | null;
  @ApiProperty({ enum: PARTNERSHIP_KINDS }) kind: string;
  @ApiProperty({ enum: PARTNERSHIP_STATUSES }) status: string;
  @ApiProperty({ format: 'uuid', nullable: true, type: String }) administeringCouncilId:
    string | null;
  @ApiProperty({ type: 'integer' }) version: number;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
  @ApiProperty({ format: 'date-time' }) updatedAt: string;
}

export class PartnershipPageDto extends PageOf(PartnershipDto) {}

export class CreatePartnershipDto {
  @ApiProperty({ example: 'Clyde Valley Community Planning Partnership' })
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  name: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(5000) description?: string;
  @ApiProperty({ enum: PARTNERSHIP_KINDS, example: 'community_planning_partnership' })
  @IsIn(PARTNERSHIP_KINDS)
  kind: string;
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
  @ApiProperty({ type: 'integer', description: 'The version you read' })
  @IsInt()
  @Min(1)
  version: number;
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
  @ApiProperty({ format: 'date', example: '2010-01-15' }) joinedOn: string;
  @ApiProperty({ format: 'date', nullable: true, type: String, example: null })
  leftOn: string | null;
  @ApiProperty({ type: 'integer' }) version: number;
}

export class MemberPageDto extends PageOf(MemberDto) {}

export class MemberQueryDto {
  @ApiPropertyOptional({ type: 'integer', default: 50, minimum: 1, maximum: 100 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(100)
  limit: number = 50;
  @ApiPropertyOptional({ description: 'nextCursor of the previous page' })
  @IsOptional()
  @IsString()
  @MaxLength(500)
  cursor?: string;
  @ApiPropertyOptional({
    enum: ['true', 'false'],
    default: 'true',
    description: 'Only current members (default), or the whole history',
  })
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
  @ApiPropertyOptional({ format: 'date', example: '2010-01-15', description: 'Today by default' })
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
  @ApiPropertyOptional({
    format: 'date',
    example: '2012-03-31',
    description: 'Ends the membership',
  })
  @IsOptional()
  @IsCalendarDate()
  leftOn?: string;
  @ApiProperty({ type: 'integer', description: 'The version you read' })
  @IsInt()
  @Min(1)
  version: number;
}

export class PassAdministrationDto {
  @ApiProperty({ format: 'uuid', description: 'A current member council' })
  @IsUUID()
  councilId: string;
  @ApiPropertyOptional({ format: 'date', example: '2011-01-01', description: 'Today by default' })
  @IsOptional()
  @IsCalendarDate()
  from?: string;
  @ApiPropertyOptional({ description: 'The new administering council also chairs', default: false })
  @IsOptional()
  @IsBoolean()
  chair?: boolean;
}

export class EndAdministrationDto {
  @ApiPropertyOptional({ format: 'date', example: '2010-12-31', description: 'Today by default' })
  @IsOptional()
  @IsCalendarDate()
  on?: string;
}

export class AlignmentQueryDto {
  @ApiPropertyOptional({
    type: 'integer',
    default: 3,
    minimum: 1,
    maximum: 50,
    description: 'How many top priorities to compare',
  })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(50)
  top: number = 3;
}

export class AlignmentPriorityDto {
  @ApiProperty({ format: 'uuid' }) workstreamId: string;
  @ApiProperty({ example: 'An integrated waste management approach' }) title: string;
  @ApiProperty({ nullable: true, type: 'integer' }) partnershipRank: number | null;
  @ApiProperty({ nullable: true, type: 'integer' }) councilRank: number | null;
}

export class CouncilAlignmentDto {
  @ApiProperty({ format: 'uuid' }) councilId: string;
  @ApiProperty({ example: 'Inverclyde Council' }) councilName: string;
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
  @ApiProperty({ type: 'integer' }) top: number;
  @ApiProperty({ type: [AlignmentPriorityDto] }) partnershipPriorities: AlignmentPriorityDto[];
  @ApiProperty({ type: [CouncilAlignmentDto] }) councils: CouncilAlignmentDto[];
}
