import { Injectable, Logger } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Transporter, createTransport } from 'nodemailer';
import { AppConfig } from '../config/configuration';
import { AfterCommit } from '../tenancy/after-commit';

export interface MailMessage {
  to: string;
  subject: string;
  text: string;
}

/**
 * All outgoing mail. With SMTP_URL set it goes by SMTP; without, each message is written as
 * an .eml file under DATA_DIR/outbox. Messages may carry one-time tokens, so their bodies are
 * never logged and never returned by the API. A message is sent only after the request's
 * transaction commits (src/tenancy/after-commit.ts).
 */
@Injectable()
export class MailerService {
  private readonly logger = new Logger(MailerService.name);
  private readonly transport: Transporter;
  private readonly outbox?: string;

  constructor(
    private readonly config: ConfigService<AppConfig, true>,
    private readonly afterCommit: AfterCommit,
  ) {
    const smtpUrl = config.get('smtpUrl', { infer: true });
    if (smtpUrl) {
      this.transport = createTransport(smtpUrl);
    } else {
      this.outbox = join(config.get('dataDir', { infer: true }), 'outbox');
      this.transport = createTransport({ streamTransport: true, buffer: true, newline: 'unix' });
    }
  }

  /** Sends once the request's transaction has committed: a rolled-back request sends nothing. */
  send(message: MailMessage): Promise<void> {
    return this.afterCommit.run(() => this.deliver(message));
  }

  private async deliver(message: MailMessage): Promise<void> {
    const info = (await this.transport.sendMail({
      from: this.config.get('mailFrom', { infer: true }),
      ...message,
    })) as {
      message?: Buffer;
    };
    if (this.outbox && info.message) {
      mkdirSync(this.outbox, { recursive: true, mode: 0o700 });
      const file = `${new Date().toISOString().replace(/[:.]/g, '-')}-${randomBytes(4).toString('hex')}.eml`;
      writeFileSync(join(this.outbox, file), info.message, { mode: 0o600 });
    }
    this.logger.log({ subject: message.subject }, 'Mail sent');
  }
}
