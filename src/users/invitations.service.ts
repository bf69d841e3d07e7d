import { Injectable, UnauthorizedException } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { createHash, randomBytes } from 'node:crypto';
import { DataSource } from 'typeorm';
import { ValidationProblem } from '../common/problem';
import { AppConfig } from '../config/configuration';
import { MailerService } from '../mail/mailer.service';
import { PasswordService, passwordProblem } from './password.service';

type Purpose = 'invitation' | 'password_reset';
const sha256 = (token: string) => createHash('sha256').update(token).digest('hex');

/**
 * Invitations and password resets: a one-time, expiring token (stored hashed) mailed to the
 * user, which sets their password. A token is never in an API response or a log line.
 */
@Injectable()
export class InvitationsService {
  constructor(
    private readonly config: ConfigService<AppConfig, true>,
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
    private readonly dataSource: DataSource,
    private readonly mailer: MailerService,
    private readonly passwords: PasswordService,
  ) {}

  /**
   * Inside the request that created the user: the database checks the caller may manage them,
   * and the mail goes only once that request commits.
   */
  async invite(user: { id: string; email: string; name: string }): Promise<void> {
    const token = await this.issue(user.id, 'invitation', (...args) =>
      this.txHost.tx.query(...args),
    );
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

  /** Answers the same whether or not the email is known, so it reveals no account. */
  async requestReset(email: string): Promise<void> {
    const rows: { user_id: string; status: string }[] = await this.dataSource.query(
      'SELECT user_id, status FROM auth_credentials($1)',
      [email],
    );
    const user = rows[0];
    if (!user || user.status === 'disabled') return;
    const token = await this.issue(user.user_id, 'password_reset', (...args) =>
      this.dataSource.query(...args),
    );
    await this.mailer.send({
      to: email,
      subject: 'Reset your Joint Working Hub password',
      text: `Someone asked to reset your password. If it was you, use this one-time code:\n\n${token}\n\nOtherwise ignore this message.\n`,
    });
  }

  /** Sets the password with a token; an unknown, used or expired token is 401. */
  async setPassword(purpose: Purpose, token: string, password: string): Promise<void> {
    const problem = passwordProblem(password);
    if (problem) throw new ValidationProblem([{ field: 'password', message: problem }]);
    const hash = await this.passwords.hash(password);
    const rows: { user_id: string | null }[] = await this.dataSource.query(
      'SELECT auth_consume_user_token($1, $2, $3) AS user_id',
      [sha256(token), purpose, hash],
    );
    if (!rows[0]?.user_id) throw new UnauthorizedException('The code is not valid or has expired');
  }

  private async issue(
    userId: string,
    purpose: Purpose,
    query: (sql: string, params: unknown[]) => Promise<unknown>,
  ): Promise<string> {
    const token = randomBytes(32).toString('base64url');
    const expires = new Date(
      Date.now() + this.config.get('invitationTtlHours', { infer: true }) * 3600_000,
    );
    await query('SELECT auth_issue_user_token($1, $2, $3, $4)', [
      userId,
      purpose,
      sha256(token),
      expires,
    ]);
    return token;
  }
}
