/**
 * The background job queue (README, The job queue): pg-boss on PostgreSQL, so a scheduled job
 * runs once however many processes are up (pg-boss sends each cron tick once and hands each
 * job to one worker with SKIP LOCKED). Its tables are installed by the owner during
 * migrations (`installJobQueue`); the queue runs as the job role `jwh_jobs`, which may touch
 * only them. A job's work goes through the tenancy door as a named system actor
 * (src/tenancy/system-actor.ts), so row-level security and the audit apply to it.
 *
 * Started once the application is up, stopped before anything else closes (the database
 * last), with its pool's errors logged rather than fatal.
 */
import {
  BeforeApplicationShutdown,
  Inject,
  Injectable,
  Logger,
  OnApplicationBootstrap,
} from '@nestjs/common';
import PgBoss from 'pg-boss';
import { JOBS_ROLE, withClient } from '../database/database-urls';

export const JOB_SCHEMA = 'pgboss';
export const JOBS_OPTIONS = Symbol('JOBS_OPTIONS');

export interface JobsOptions {
  /** The job role's connection; without one the queue does not run (the CLI, most tests). */
  url?: string;
  /** How often an idle worker looks for work (default 2 s). */
  pollingIntervalSeconds?: number;
}

/** Every queue the service uses, with its schedule (cron, Europe/London). */
export const QUEUES = {
  agreementReviews: { name: 'agreement-reviews', cron: '15 6 * * *' },
  reportReminders: { name: 'report-reminders', cron: '30 6 * * *' },
} as const;
export type QueueName = (typeof QUEUES)[keyof typeof QUEUES]['name'];

export interface JobHandler {
  queue: QueueName;
  run(jobId: string): Promise<void>;
}

@Injectable()
export class JobQueue implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(JobQueue.name);
  private readonly handlers: JobHandler[] = [];
  private boss?: PgBoss;

  constructor(@Inject(JOBS_OPTIONS) private readonly options: JobsOptions) {}

  /** Called by each feature's job in its constructor. */
  register(handler: JobHandler): void {
    this.handlers.push(handler);
  }

  get running(): boolean {
    return this.boss !== undefined;
  }

  async onApplicationBootstrap(): Promise<void> {
    if (!this.options.url) return;
    const boss = new PgBoss({
      connectionString: this.options.url,
      schema: JOB_SCHEMA,
      migrate: false,
      max: 3,
      application_name: 'jwh-jobs',
    });
    boss.on('error', (error: Error) =>
      this.logger.error({ error: error.message }, 'Job queue error'),
    );
    await boss.start();
    this.boss = boss;
    for (const handler of this.handlers) {
      const queue = Object.values(QUEUES).find((q) => q.name === handler.queue)!;
      await boss.schedule(queue.name, queue.cron, {}, { tz: 'Europe/London' });
      await boss.work(
        queue.name,
        { batchSize: 1, pollingIntervalSeconds: this.options.pollingIntervalSeconds ?? 2 },
        async ([job]) => {
          this.logger.log({ queue: queue.name, jobId: job.id }, 'Job started');
          await handler.run(job.id);
          this.logger.log({ queue: queue.name, jobId: job.id }, 'Job done');
        },
      );
    }
  }

  /** Queues a run now (the operator CLI and tests); the answer is the job's id. */
  async send(queue: QueueName): Promise<string | null> {
    if (!this.boss) throw new Error('The job queue is not running in this process');
    return this.boss.send(queue, {});
  }

  async beforeApplicationShutdown(): Promise<void> {
    const boss = this.boss;
    this.boss = undefined;
    await boss?.stop({ graceful: true, wait: true, timeout: 10_000 });
  }
}

/**
 * pg-boss's own queue for the cron ticks: each process's clock sends a tick there once a
 * minute (once, however many processes, a singleton), and its worker sends the scheduled job.
 * pg-boss makes it as it starts, which the job role may not (it creates no partition): without
 * it made here, no scheduled job ever ran.
 */
const CRON_QUEUE = '__pgboss__send-it';

/**
 * Installs or upgrades pg-boss's tables and the service's queues, as the owner, and lets the
 * job role use them (it cannot create tables: queues are partitions the owner makes).
 */
export async function installJobQueue(ownerUrl: string): Promise<void> {
  const boss = new PgBoss({
    connectionString: ownerUrl,
    schema: JOB_SCHEMA,
    supervise: false,
    schedule: false,
    max: 1,
  });
  boss.on('error', () => undefined);
  await boss.start();
  try {
    for (const name of [...Object.values(QUEUES).map((queue) => queue.name), CRON_QUEUE]) {
      if (!(await boss.getQueue(name))) await boss.createQueue(name);
    }
  } finally {
    await boss.stop({ graceful: false, wait: true });
  }
  await withClient(ownerUrl, async (client) => {
    await client.query(`GRANT USAGE ON SCHEMA ${JOB_SCHEMA} TO ${JOBS_ROLE}`);
    await client.query(
      `GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA ${JOB_SCHEMA} TO ${JOBS_ROLE}`,
    );
    await client.query(`GRANT USAGE ON ALL SEQUENCES IN SCHEMA ${JOB_SCHEMA} TO ${JOBS_ROLE}`);
    await client.query(`GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA ${JOB_SCHEMA} TO ${JOBS_ROLE}`);
  });
}
