import type { INestApplication } from '@nestjs/common';
import { Readiness } from './readiness';

export interface StopTimes {
  /** How long `/health/ready` answers 503 before the process stops accepting connections. */
  drainMs: number;
  /** How long requests in flight may take to finish once it has stopped accepting. */
  timeoutMs: number;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms).unref());

/**
 * Stops a serving app the way a load balancer needs (README, Deploying): readiness turns 503
 * first and requests are still served while the balancer notices (`drainMs`); then the app
 * closes, which stops accepting connections, lets the requests in flight finish and commit,
 * stops the job queue (beforeApplicationShutdown) and only then closes the database pools.
 * Answers false when requests were still running after `timeoutMs`: the caller exits anyway,
 * and PostgreSQL rolls back whatever those requests had not committed.
 */
export async function gracefulStop(
  app: INestApplication,
  times: StopTimes,
  log: (line: string) => void,
): Promise<boolean> {
  app.get(Readiness).drain();
  if (times.drainMs > 0) {
    log(`Draining: /health/ready answers 503; closing in ${times.drainMs} ms`);
    await sleep(times.drainMs);
  }
  return Promise.race([app.close().then(() => true), sleep(times.timeoutMs).then(() => false)]);
}
