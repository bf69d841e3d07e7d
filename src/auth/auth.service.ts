import { Injectable, UnauthorizedException } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { JwtService } from '@nestjs/jwt';
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { AppConfig } from '../config/configuration';
import { TokensDto } from './dto/auth.dto';
import { PasswordService } from '../users/password.service';

const sha256 = (token: string) => createHash('sha256').update(token).digest('hex');
const INVALID = 'The email or password is not right';

/**
 * Sign-in, refresh rotation and sign-out. Sessions are refresh-token families; each access
 * token names its family (`sid`), so revoking the family ends the session at once. These
 * run through SECURITY DEFINER functions in autocommit: a revocation on reuse must stand
 * even though the request itself answers 401.
 */
@Injectable()
export class AuthService {
  constructor(
    private readonly config: ConfigService<AppConfig, true>,
    private readonly dataSource: DataSource,
    private readonly jwt: JwtService,
    private readonly passwords: PasswordService,
  ) {}

  async login(email: string, password: string): Promise<TokensDto> {
    const rows: {
      user_id: string;
      status: string;
      password_hash: string | null;
      council_status: string;
    }[] = await this.dataSource.query('SELECT * FROM auth_credentials($1)', [email]);
    const user = rows[0];
    const ok = await this.passwords.verify(user?.password_hash, password);
    if (!user || !ok || user.status !== 'active' || user.council_status !== 'active') {
      throw new UnauthorizedException(INVALID);
    }
    const familyId = randomUUID();
    const refreshToken = this.newRefreshToken();
    await this.dataSource.query('SELECT auth_issue_refresh($1, $2, $3, $4)', [
      user.user_id,
      familyId,
      sha256(refreshToken),
      this.refreshExpiry(),
    ]);
    return this.tokens(user.user_id, familyId, refreshToken);
  }

  async refresh(presented: string): Promise<TokensDto> {
    const refreshToken = this.newRefreshToken();
    const rows: { user_id: string; family_id: string }[] = await this.dataSource.query(
      'SELECT * FROM auth_rotate_refresh($1, $2, $3)',
      [sha256(presented), sha256(refreshToken), this.refreshExpiry()],
    );
    const rotated = rows[0];
    if (!rotated) throw new UnauthorizedException('The refresh token is not valid; sign in again');
    return this.tokens(rotated.user_id, rotated.family_id, refreshToken);
  }

  async logout(sessionId: string): Promise<void> {
    await this.dataSource.query('SELECT auth_revoke_family($1)', [sessionId]);
  }

  private async tokens(userId: string, familyId: string, refreshToken: string): Promise<TokensDto> {
    const expiresIn = this.config.get('accessTokenTtlSeconds', { infer: true });
    const accessToken = await this.jwt.signAsync(
      { sid: familyId },
      {
        subject: userId,
        expiresIn,
        algorithm: 'HS256',
        issuer: this.config.get('jwtIssuer', { infer: true }),
        audience: this.config.get('jwtAudience', { infer: true }),
      },
    );
    return { accessToken, refreshToken, expiresIn };
  }

  private newRefreshToken(): string {
    return randomBytes(32).toString('base64url');
  }

  private refreshExpiry(): Date {
    return new Date(Date.now() + this.config.get('refreshTokenTtlSeconds', { infer: true }) * 1000);
  }
}
