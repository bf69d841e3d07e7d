import { ThrottlerStorage } from '@nestjs/throttler';
import { createHash } from 'node:crypto';
import { SignInDatabase } from '../database/sign-in-database';

type ThrottlerStorageRecord = Awaited<ReturnType<ThrottlerStorage['increment']>>;
const sha256 = (key: string) => createHash('sha256').update(key).digest('hex');

/**
 * Throttler counts in PostgreSQL (table `login_throttle`, migrations/1763895000000), so every
 * process of the service shares them. Each hit is one call of the SECURITY DEFINER function
 * `login_throttle_hit` as the sign-in role, in autocommit: one atomic upsert, no read-then-write. Only the
 * SHA-256 of the key is stored.
 */
export class PgThrottlerStorage implements ThrottlerStorage {
  constructor(private readonly signIn: SignInDatabase) {}

  /**
   * `ttl` and `blockDuration` in milliseconds (a block of 0 lasts one `ttl`); the times
   * answered are in whole seconds, as the in-memory storage answers them.
   */
  async increment(
    key: string,
    ttl: number,
    limit: number,
    blockDuration: number,
    throttlerName: string,
  ): Promise<ThrottlerStorageRecord> {
    const [row] = await this.signIn.queryForCodes<{
      total_hits: number;
      expires_in: number;
      is_blocked: boolean;
      block_expires_in: number;
    }>('SELECT * FROM login_throttle_hit($1, $2, $3, $4, $5)', [
      sha256(key),
      throttlerName,
      limit,
      Math.ceil(ttl),
      Math.ceil(blockDuration > 0 ? blockDuration : ttl),
    ]);
    return {
      totalHits: row.total_hits,
      timeToExpire: row.expires_in,
      isBlocked: row.is_blocked,
      timeToBlockExpire: row.block_expires_in,
    };
  }
}
