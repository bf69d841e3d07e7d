import { Injectable } from '@nestjs/common';
import * as argon2 from 'argon2';
import { RetryLater } from '../common/retry-later';

/** OWASP's argon2id parameters: 19 MiB, 2 iterations, 1 lane. */
export const ARGON2_OPTIONS = {
  type: argon2.argon2id,
  memoryCost: 19456,
  timeCost: 2,
  parallelism: 1,
};
/** argon2 runs on libuv's 4 threads; two at a time leaves room for everything else. */
const MAX_CONCURRENT = 2;
/**
 * At most this many wait for a slot (about a second of work); one more answers 503 with
 * Retry-After at once, so a flood of sign-ins or password changes queues nothing without
 * limit and cannot starve the rest of the service.
 */
const MAX_WAITING = 16;

@Injectable()
export class PasswordService {
  private running = 0;
  private readonly waiting: (() => void)[] = [];
  private dummyHash?: Promise<string>;

  /** Hashes the password's NFC form, so the same password typed on any keyboard verifies. */
  hash(password: string): Promise<string> {
    return this.limited(() => argon2.hash(password.normalize('NFC'), ARGON2_OPTIONS));
  }

  /** Verifies against a hash, or against a dummy one so that an unknown email costs the same. */
  async verify(hash: string | null | undefined, password: string): Promise<boolean> {
    this.dummyHash ??= argon2.hash('not-a-real-password-0000', ARGON2_OPTIONS);
    const target = hash ?? (await this.dummyHash);
    const ok = await this.limited(() =>
      argon2.verify(target, password.normalize('NFC')).catch(() => false),
    );
    return ok && !!hash;
  }

  /**
   * At most MAX_CONCURRENT at once. A finished task hands its slot straight to the next one
   * waiting, so a caller arriving in between cannot take it as well.
   */
  private async limited<T>(work: () => Promise<T>): Promise<T> {
    if (this.running < MAX_CONCURRENT) this.running++;
    else if (this.waiting.length >= MAX_WAITING) {
      throw new RetryLater(503, 1, 'The service is busy checking passwords');
    } else await new Promise<void>((resolve) => this.waiting.push(resolve));
    try {
      return await work();
    } finally {
      const next = this.waiting.shift();
      if (next) next();
      else this.running--;
    }
  }
}
