import { ExecutionContext, Injectable } from '@nestjs/common';
import { ThrottlerGuard, ThrottlerLimitDetail } from '@nestjs/throttler';
import { RetryLater } from '../common/retry-later';

/**
 * Throttling of the routes that take or send a one-time code (per address, and a reset per
 * account), answering 429 with `Retry-After` and when to try again in words.
 */
@Injectable()
export class LoginThrottlerGuard extends ThrottlerGuard {
  // eslint-disable-next-line @typescript-eslint/require-await
  protected override async throwThrottlingException(
    _context: ExecutionContext,
    detail: ThrottlerLimitDetail,
  ): Promise<void> {
    throw new RetryLater(429, detail.timeToBlockExpire, 'Too many requests from here');
  }
}
