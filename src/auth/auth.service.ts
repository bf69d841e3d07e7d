import { Injectable, UnauthorizedException } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { JwtService } from '@nestjs/jwt';
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { RetryLater } from '../common/retry-later';
import { AppConfig } from '../config/configuration';
import { SignInDatabase } from '../database/sign-in-database';
import { TokensDto } from './dto/auth.dto';
import { PasswordService } from '../users/password.service';

const sha256 = (token: string) => createHash('sha256').update(token).digest('hex');
const INVALID = 'The email or password is not right';

/**
 * Sign-in, refresh rotation and sign-out. Sessions are refresh-token families; each access
 * token names its family (`sid`), so revoking the family ends the session at once. All of it
 * runs as the sign-in role (src/database/sign-in-database.ts), in autocommit: a revocation on
 * reuse must stand even though the request itself answers 401.
 */
@Injectable()
export class AuthService {
  constructor(
    private readonly config: ConfigService<AppConfig, true>,
    private readonly signIn: SignInDatabase,
    private readonly jwt: JwtService,
    private readonly passwords: PasswordService,
  ) {}

  /**
   * `email` is already normalised (LoginDto); `address` is the client's. Attempts are counted
   * per (account, address), per address and per account before the password is checked, so
   * parallel guesses cannot overshoot the limits, and a success takes its attempt back: only
   * failures count. An account under attack from many addresses still lets in an address that
   * has not failed for it.
   */
  async login(email: string, password: string, address: string): Promise<TokensDto> {
    const keys = [
      sha256(`account:${email}`),
      sha256(`pair:${email}|${address}`),
      sha256(`address:${address}`),
    ];
    const [attempt] = await this.signIn.query<{ wait: number }>(
      'SELECT sign_in_attempt($1, $2, $3, $4, $5, $6, $7) AS wait',
      [
        ...keys,
        this.config.get('loginThrottleLimit', { infer: true }),
        this.config.get('loginThrottleAccountLimit', { infer: true }),
        this.config.get('loginThrottleIpLimit', { infer: true }),
        this.config.get('loginThrottleTtlSeconds', { infer: true }) * 1000,
      ],
    );
    if (attempt.wait > 0) {
      throw new RetryLater(
        429,
        attempt.wait,
        'Too many failed sign-ins for this account from here',
      );
    }
    const [user] = await this.signIn.query<{
      user_id: string;
      status: string;
      password_hash: string | null;
      council_status: string;
    }>('SELECT * FROM auth_credentials($1)', [email]);
    const ok = await this.passwords.verify(user?.password_hash, password);
    if (!user || !ok || user.status !== 'active' || user.council_status !== 'active') {
      throw new UnauthorizedException(INVALID);
    }
    await this.signIn.query('SELECT sign_in_succeeded($1, $2, $3)', keys);
    const familyId = randomUUID();
    const refreshToken = this.newRefreshToken();
    await this.signIn.query('SELECT auth_issue_refresh($1, $2, $3, $4)', [
      user.user_id,
      familyId,
      sha256(refreshToken),
      this.refreshExpiry(),
    ]);
    return this.tokens(user.user_id, familyId, refreshToken);
  }

  async refresh(presented: string): Promise<TokensDto> {
    const refreshToken = this.newRefreshToken();
    const [rotated] = await this.signIn.query<{ user_id: string; family_id: string }>(
      'SELECT * FROM auth_rotate_refresh($1, $2, $3)',
      [sha256(presented), sha256(refreshToken), this.refreshExpiry()],
    );
    if (!rotated) throw new UnauthorizedException('The refresh token is not valid; sign in again');
    return this.tokens(rotated.user_id, rotated.family_id, refreshToken);
  }

  async logout(sessionId: string): Promise<void> {
    await this.signIn.query('SELECT auth_revoke_family($1)', [sessionId]);
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
