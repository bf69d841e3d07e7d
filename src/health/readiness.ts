import { Injectable } from '@nestjs/common';

/**
 * Whether this process should be sent new requests. A process told to stop drains first
 * (src/health/graceful-stop.ts): `/health/ready` answers 503 so the load balancer sends its
 * requests elsewhere, while `/health/live` stays 200 so nothing restarts it mid-drain.
 */
@Injectable()
export class Readiness {
  private drainingSince?: Date;

  drain(): void {
    this.drainingSince ??= new Date();
  }

  get draining(): boolean {
    return this.drainingSince !== undefined;
  }
}
