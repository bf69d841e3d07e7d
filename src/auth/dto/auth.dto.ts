import { ApiProperty } from '@nestjs/swagger';
import { IsString, Length } from 'class-validator';
import { IsNormalizedEmail } from '../../common/email';

export class LoginDto {
  @ApiProperty({ example: 'officer@inverclyde.gov.uk' })
  @IsNormalizedEmail()
  email: string;

  @ApiProperty({ example: 'correct horse battery staple' })
  @IsString()
  @Length(1, 1024)
  password: string;
}

export class RefreshDto {
  @ApiProperty()
  @IsString()
  @Length(20, 200)
  refreshToken: string;
}

export class TokensDto {
  @ApiProperty() accessToken: string;
  @ApiProperty() refreshToken: string;
  @ApiProperty({
    type: 'integer',
    example: 900,
    description: 'Seconds until the access token expires',
  })
  expiresIn: number;
}

export class SetPasswordDto {
  @ApiProperty({ description: 'The one-time code from the mail' })
  @IsString()
  @Length(20, 200)
  token: string;

  @ApiProperty({ description: '12 characters to 1 KB, not a common password' })
  @IsString()
  @Length(1, 2048)
  password: string;
}

export class ResetRequestDto {
  @ApiProperty({ example: 'officer@inverclyde.gov.uk' })
  @IsNormalizedEmail()
  email: string;
}
