/**
 * The mail a test app wrote to DATA_DIR/outbox (no SMTP_URL), oldest first. Password-reset
 * mail is sent after the 202, so `waitFor` polls until the expected number has arrived.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { TestApp } from './test-app';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export class Outbox {
  constructor(private readonly t: TestApp) {}

  mails(): string[] {
    const folder = join(this.t.config.dataDir, 'outbox');
    try {
      return readdirSync(folder)
        .sort()
        .map((f) => readFileSync(join(folder, f), 'utf8'));
    } catch {
      return [];
    }
  }

  /** The mails once there are `count` of them, or after about a second, and a moment more. */
  async waitFor(count: number): Promise<string[]> {
    for (let i = 0; i < 50 && this.mails().length < count; i++) await sleep(20);
    await sleep(50);
    return this.mails();
  }
}

/** The one-time code in a mail. */
export function codeIn(mail: string): string {
  const match = /\n\n([A-Za-z0-9_-]{43})\n/.exec(mail.replace(/=\r?\n/g, ''));
  if (!match) throw new Error(`no code in mail:\n${mail}`);
  return match[1];
}
