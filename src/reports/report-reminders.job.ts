import { Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { LONDON_TODAY } from '../common/sql';
import { AppConfig } from '../config/configuration';
import { JobQueue, QUEUES } from '../jobs/job-queue';
import { MailerService } from '../mail/mailer.service';
import { SystemActor } from '../tenancy/system-actor';

/**
 * The daily reminder (README, Reports: due dates): a week before a scheduled report is due,
 * each active officer of the council that owes it is mailed, once (`reminded_at`, set in the
 * same `UPDATE … WHERE reminded_at IS NULL`, so two runs at once remind once).
 */
@Injectable()
export class ReportRemindersJob {
  constructor(
    queue: JobQueue,
    private readonly system: SystemActor,
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
    private readonly mailer: MailerService,
    private readonly config: ConfigService<AppConfig, true>,
  ) {
    queue.register({
      queue: QUEUES.reportReminders.name,
      run: async (jobId) => {
        await this.run(jobId);
      },
    });
  }

  run(jobId: string): Promise<string[]> {
    return this.system.run(`job:${QUEUES.reportReminders.name}:${jobId}`, () => this.remind());
  }

  private async remind(): Promise<string[]> {
    const [due] = await this.txHost.tx.query<[{ id: string }[], number]>(
      `UPDATE report_schedules SET reminded_at = now()
        WHERE report_id IS NULL AND reminded_at IS NULL
          AND due_on <= ${LONDON_TODAY} + 7 RETURNING id`,
    );
    const ids = due.map((r) => r.id);
    if (!ids.length) return ids;
    const rows = await this.txHost.tx.query<
      { title: string; dueOn: string; meeting: string | null; email: string; name: string }[]
    >(
      `SELECT s.title, to_char(s.due_on, 'FMDD Month YYYY') AS "dueOn", s.meeting, u.email, u.name
         FROM report_schedules s JOIN users u ON u.council_id = s.owner_council_id
        WHERE s.id = ANY ($1::uuid[]) AND u.role = 'officer' AND u.status = 'active'
        ORDER BY s.due_on, u.email`,
      [ids],
    );
    const link = this.config.get('publicUrl', { infer: true });
    for (const row of rows) {
      await this.mailer.send({
        to: row.email,
        subject: `Report due ${row.dueOn}: ${row.title}`,
        text:
          `Dear ${row.name},\n\n"${row.title}"${row.meeting ? ` (to ${row.meeting})` : ''} is due on ${row.dueOn}.\n` +
          `Compose it with POST ${link}/api/v1/reports, naming the schedule, and submit it in time.\n`,
      });
    }
    return ids;
  }
}
