import { Injectable, Logger, OnModuleDestroy, UnauthorizedException } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { createHash, randomBytes } from 'node:crypto';
import { ValidationProblem } from '../common/problem';
import { AppConfig } from '../config/configuration';
import { SignInDatabase } from '../database/sign-in-database';
import { MailerService } from '../mail/mailer.service';
import { passwordProblem } from './password-policy';
import { PasswordService } from './password.service';

type Purpose = 'invitation' | 'password_reset';
const sha256 = (token: string) => createHash('sha256').update(token).digest('hex');

/**
 * Invitations and password resets: a one-time, expiring token (stored hashed) mailed to the
 * user, which sets their password. A token is never in an API response or a log line, and
 * mail only ever goes to the address stored for the user.
 */
@Injectable()
export class InvitationsService implements OnModuleDestroy {
  private readonly logger = new Logger(InvitationsService.name);
  /** Resets still being issued after their 202 was sent; awaited on shutdown. */
  private readonly pending = new Set<Promise<void>>();

  constructor(
    private readonly config: ConfigService<AppConfig, true>,
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
    private readonly signIn: SignInDatabase,
    private readonly mailer: MailerService,
    private readonly passwords: PasswordService,
  ) {}

  /**
   * Inside the request that created the user: the database checks the caller may manage them,
   * and the mail goes to the stored address only once that request commits.
   */
  async invite(user: { id: string; email: string; name: string }): Promise<void> {
    const token = this.newToken();
    await this.txHost.tx.query('SELECT auth_issue_invitation($1, $2, $3)', [
      user.id,
      sha256(token),
      this.expiry(),
    ]);
    await this.mailer.send({
      to: user.email,
      subject: 'You are invited to Joint Working Hub',
      text:
        `Hello ${user.name},\n\nAn account has been created for you on Joint Working Hub.\n` +
        `Set your password with this one-time code within ${this.config.get('invitationTtlHours', { infer: true })} hours:\n\n` +
        `${token}\n\nPOST ${this.config.get('publicUrl', { infer: true })}/api/v1/auth/accept-invitation ` +
        `with { "token": "<the code>", "password": "<your password>" }\n`,
    });
  }

  /**
   * Answers at once, the same whether or not the email is known, so neither its words nor its
   * time reveal an account: the code is issued and mailed after the response, to the address
   * stored for the active user the (normalised) email names, never to the string typed.
   */
  requestReset(email: string): void {
    const work = this.issueReset(email)
      .catch((error: unknown) =>
        this.logger.error(`A password reset could not be issued: ${String(error)}`),
      )
      .finally(() => this.pending.delete(work));
    this.pending.add(work);
  }

  private async issueReset(email: string): Promise<void> {
    const token = this.newToken();
    const [user] = await this.signIn.queryForCodes<{ email: string; name: string }>(
      'SELECT * FROM auth_issue_reset($1, $2, $3)',
      [email, sha256(token), this.expiry()],
    );
    if (!user) return;
    await this.mailer.send({
      to: user.email,
      subject: 'Reset your Joint Working Hub password',
      text: `Hello ${user.name},\n\nSomeone asked to reset your password. If it was you, use this one-time code:\n\n${token}\n\nOtherwise ignore this message.\n`,
    });
  }

  /**
   * Sets the password with a token; an unknown, used or expired token is 401. The code is
   * checked before the password is hashed, so bogus codes cost no argon2 work.
   */
  async setPassword(purpose: Purpose, token: string, password: string): Promise<void> {
    const invalid = () => new UnauthorizedException('The code is not valid or has expired');
    const [check] = await this.signIn.queryForCodes<{ valid: boolean }>(
      'SELECT auth_user_token_valid($1, $2) AS valid',
      [sha256(token), purpose],
    );
    if (!check?.valid) throw invalid();
    const problem = await passwordProblem(password);
    if (problem) throw new ValidationProblem([{ field: 'password', message: problem }]);
    const hash = await this.passwords.hash(password);
    const [spent] = await this.signIn.queryForCodes<{ user_id: string | null }>(
      'SELECT auth_consume_user_token($1, $2, $3) AS user_id',
      [sha256(token), purpose, hash],
    );
    if (!spent?.user_id) throw invalid();
  }

  /** Resets answered but not yet issued finish before the database connection closes. */
  async onModuleDestroy(): Promise<void> {
    await Promise.allSettled([...this.pending]);
  }

  private newToken(): string {
    return randomBytes(32).toString('base64url');
  }

  private expiry(): Date {
    return new Date(Date.now() + this.config.get('invitationTtlHours', { infer: true }) * 3600_000);
  }
}
