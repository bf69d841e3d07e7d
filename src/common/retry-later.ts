import { HttpException } from '@nestjs/common';

/** When to try again, in words: "in 40 seconds", "in 15 minutes". */
export function inWords(seconds: number): string {
  if (seconds < 90) return `in ${seconds} second${seconds === 1 ? '' : 's'}`;
  const minutes = Math.ceil(seconds / 60);
  return `in ${minutes} minutes`;
}

/**
 * A 429 or 503 that tells the client when to come back: the problem filter sends
 * `Retry-After` with the same number of seconds as the body's `retryAfter`.
 */
export class RetryLater extends HttpException {
  constructor(status: 429 | 503, seconds: number, detail: string) {
    const retryAfter = Math.max(1, Math.ceil(seconds));
    super({ message: `${detail}; try again ${inWords(retryAfter)}`, retryAfter }, status);
  }
}
