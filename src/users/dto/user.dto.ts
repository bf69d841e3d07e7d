import { PageOf } from '../../common/pagination';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsInt, IsOptional, IsString, IsUUID, Length, MaxLength, Min } from 'class-validator';
import { IsNormalizedEmail } from '../../common/email';
import { ROLES, Role } from '../../tenancy/actor';

export const USER_STATUSES = ['invited', 'active', 'disabled'] as const;
export type UserStatus = (typeof USER_STATUSES)[number];
/** What a PATCH may set: a user becomes `invited` only by being created. */
export const SETTABLE_STATUSES = ['active', 'disabled'] as const;

export class UserDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({
    type: String,
    format: 'uuid',
    nullable: true,
    description: 'null for a platform admin',
  })
  councilId: string | null;
  @ApiProperty({ example: 'j.smith@inverclyde.gov.uk' }) email: string;
  @ApiProperty({ example: 'Jo Smith' }) name: string;
  @ApiProperty({ type: String, nullable: true, example: 'Shared Services Manager' })
  jobTitle: string | null;
  @ApiProperty({ enum: ROLES }) role: Role;
  @ApiProperty({ enum: USER_STATUSES }) status: UserStatus;
  @ApiProperty({ type: 'integer', example: 1 }) version: number;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
  @ApiProperty({ format: 'date-time' }) updatedAt: string;
}

export class UserPageDto extends PageOf(UserDto) {}

export class CreateUserDto {
  @ApiProperty({
    example: 'j.smith@inverclyde.gov.uk',
    description: 'Stored trimmed, in Unicode NFC, with A-Z in lower case; nothing else is folded',
  })
  @IsNormalizedEmail()
  email: string;

  @ApiProperty({ example: 'Jo Smith' })
  @IsString()
  @Length(1, 200)
  name: string;

  @ApiPropertyOptional({ example: 'Shared Services Manager' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  jobTitle?: string;

  @ApiProperty({ enum: ROLES })
  @IsIn(ROLES)
  role: Role;

  @ApiPropertyOptional({ format: 'uuid', description: "Defaults to a council admin's own council" })
  @IsOptional()
  @IsUUID()
  councilId?: string;
}

export class UpdateUserDto {
  @ApiPropertyOptional() @IsOptional() @IsString() @Length(1, 200) name?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(200) jobTitle?: string;
  @ApiPropertyOptional({ enum: ROLES }) @IsOptional() @IsIn(ROLES) role?: Role;
  @ApiPropertyOptional({
    enum: SETTABLE_STATUSES,
    description:
      'Disabling ends every session of the user for good; only an invitation makes a user invited',
  })
  @IsOptional()
  @IsIn(SETTABLE_STATUSES)
  status?: (typeof SETTABLE_STATUSES)[number];

  @ApiProperty({ type: 'integer', description: 'The version you read; a stale one answers 409' })
  @IsInt()
  @Min(1)
  version: number;
}
