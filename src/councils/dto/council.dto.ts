import { PageOf } from '../../common/pagination';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  IsBoolean,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  IsUrl,
  Length,
  Matches,
  MaxLength,
  Min,
} from 'class-validator';
import { IsNormalizedEmail } from '../../common/email';

/**
 * A council's website is shown as a link: http or https only, so a `javascript:` or `data:`
 * URL never reaches a page that renders it.
 */
const IsWebsite = () =>
  IsUrl(
    { protocols: ['http', 'https'], require_protocol: true, require_valid_protocol: true },
    { message: '$property must be an http:// or https:// URL' },
  );

export class CouncilDirectoryEntryDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ example: 'Inverclyde Council' }) name: string;
  @ApiProperty({ example: 'inverclyde' }) slug: string;
  @ApiProperty({ example: 'S12000018' }) gssCode: string;
  @ApiProperty({ example: 'Scottish unitary authority' }) type: string;
  @ApiProperty({ example: 'Scotland' }) nation: string;
}

/**
 * A council (or partnership) named in another record: its id, and its name, so a client need
 * not look it up.
 */
export class CouncilRefDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ example: 'Inverclyde Council' }) name: string;
}

export class CouncilDto extends CouncilDirectoryEntryDto {
  @ApiPropertyOptional({ example: 'IVC', description: 'Own council and platform admins only' })
  registerCode?: string;
  @ApiPropertyOptional({ type: String, nullable: true, example: 'West' }) region?: string | null;
  @ApiPropertyOptional({ enum: ['active', 'suspended'] }) status?: string;
  @ApiPropertyOptional({ type: String, nullable: true, example: 'https://www.inverclyde.gov.uk' })
  website?: string | null;
  @ApiPropertyOptional({ type: String, nullable: true }) contactEmail?: string | null;
  @ApiPropertyOptional({
    description:
      "Inverclyde's rule: the council commits to a workstream only after approving a business case for it (on by default)",
  })
  commitRequiresApprovedBusinessCase?: boolean;
  @ApiPropertyOptional({ type: String, nullable: true }) address?: string | null;
  @ApiPropertyOptional({ type: 'integer', description: 'Profile version, for PATCH' })
  version?: number;
}

export class CouncilPageDto extends PageOf(CouncilDirectoryEntryDto) {}

/** Onboarding starts from the register entry: give its GSS code or its register code. */
export class OnboardCouncilDto {
  @ApiPropertyOptional({ example: 'S12000018' })
  @IsOptional()
  @Matches(/^[A-Z][0-9]{8}$/, { message: 'gssCode must be a letter and 8 digits, like S12000018' })
  gssCode?: string;

  @ApiPropertyOptional({ example: 'IVC' })
  @IsOptional()
  @Matches(/^[A-Z]{3}$/, { message: 'registerCode must be three capital letters, like IVC' })
  registerCode?: string;

  @ApiPropertyOptional({ example: 'https://www.inverclyde.gov.uk' })
  @IsOptional()
  @IsWebsite()
  @MaxLength(300)
  website?: string;
  @ApiPropertyOptional() @IsOptional() @IsNormalizedEmail() contactEmail?: string;
}

/** A council admin edits their own profile; only a platform admin changes `status`. */
export class UpdateCouncilDto {
  @ApiPropertyOptional({
    description:
      'The name in the directory (platform admins only); code, type and nation come from the register',
  })
  @IsOptional()
  @IsString()
  @Length(2, 200)
  name?: string;

  @ApiPropertyOptional({ example: 'https://www.inverclyde.gov.uk' })
  @IsOptional()
  @IsWebsite()
  @MaxLength(300)
  website?: string;
  @ApiPropertyOptional() @IsOptional() @IsNormalizedEmail() contactEmail?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(500) address?: string;

  @ApiPropertyOptional({
    description:
      'Commit to a workstream only after approving a business case for it (council admins; on by default)',
  })
  @IsOptional()
  @IsBoolean()
  commitRequiresApprovedBusinessCase?: boolean;

  @ApiPropertyOptional({ enum: ['active', 'suspended'] })
  @IsOptional()
  @IsIn(['active', 'suspended'])
  status?: 'active' | 'suspended';

  @ApiProperty({
    type: 'integer',
    description: 'The profile version you read; a stale one answers 409',
  })
  @IsInt()
  @Min(1)
  version: number;
}
