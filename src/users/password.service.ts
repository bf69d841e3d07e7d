import { Injectable } from '@nestjs/common';
import * as argon2 from 'argon2';
import dumbPasswords from 'dumb-passwords';

/** OWASP's argon2id parameters: 19 MiB, 2 iterations, 1 lane. */
const OPTIONS = { type: argon2.argon2id, memoryCost: 19456, timeCost: 2, parallelism: 1 };
/** argon2 runs on libuv's 4 threads; two at a time leaves room for everything else. */
const MAX_CONCURRENT = 2;

@Injectable()
export class PasswordService {
  private running = 0;
  private readonly waiting: (() => void)[] = [];
  private dummyHash?: Promise<string>;

  hash(password: string): Promise<string> {
    return this.limited(() => argon2.hash(password, OPTIONS));
  }

  /** Verifies against a hash, or against a dummy one so that an unknown email costs the same. */
  async verify(hash: string | null | undefined, password: string): Promise<boolean> {
    this.dummyHash ??= this.hash('not-a-real-password-0000');
    const target = hash ?? (await this.dummyHash);
    const ok = await this.limited(() => argon2.verify(target, password).catch(() => false));
    return ok && !!hash;
  }

  /**
   * At most MAX_CONCURRENT at once. A finished task hands its slot straight to the next one
   * waiting, so a caller arriving in between cannot take it as well.
   */
  private async limited<T>(work: () => Promise<T>): Promise<T> {
    if (this.running < MAX_CONCURRENT) this.running++;
    else await new Promise<void>((resolve) => this.waiting.push(resolve));
    try {
      return await work();
    } finally {
      const next = this.waiting.shift();
      if (next) next();
      else this.running--;
    }
  }
}

/** At least 12 characters, at most about 1 KB, and not one of the commonest passwords. */
export function passwordProblem(password: string): string | undefined {
  if ([...password].length < 12) return 'password must be at least 12 characters long';
  if (Buffer.byteLength(password, 'utf8') > 1024) return 'password must be at most 1024 bytes';
  if (dumbPasswords.check(password)) return 'password is too common; choose another';
  return undefined;
}
