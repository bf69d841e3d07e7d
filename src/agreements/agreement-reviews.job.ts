import { Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { LONDON_TODAY } from '../common/sql';
import { AppConfig } from '../config/configuration';
import { JobQueue, QUEUES } from '../jobs/job-queue';
import { MailerService } from '../mail/mailer.service';
import { SystemActor } from '../tenancy/system-actor';

const TODAY = LONDON_TODAY;

export interface SweepResult {
  underReview: string[];
  expired: string[];
}

/**
 * The daily sweep (README, Co-operation agreements: the job queue). As the system actor
 * `job:agreement-reviews:<job id>`, in one transaction:
 * - an agreement in force past its end date ends (`expired`);
 * - an active agreement whose review date has come goes under review;
 * then, after the commit, each party's council admins are mailed. Each move is one
 * `UPDATE … WHERE status = …`: a second sweep at the same moment finds nothing left to move,
 * so an agreement moves once, with one audit event and one mail per admin.
 */
@Injectable()
export class AgreementReviewsJob {
  constructor(
    queue: JobQueue,
    private readonly system: SystemActor,
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
    private readonly mailer: MailerService,
    private readonly config: ConfigService<AppConfig, true>,
  ) {
    queue.register({
      queue: QUEUES.agreementReviews.name,
      run: async (jobId) => {
        await this.run(jobId);
      },
    });
  }

  async run(jobId: string): Promise<SweepResult> {
    return this.system.run(`job:${QUEUES.agreementReviews.name}:${jobId}`, () => this.sweep());
  }

  private async sweep(): Promise<SweepResult> {
    const tx = this.txHost.tx;
    const expired = await tx.query<{ id: string }[][]>(
      `UPDATE agreements SET status = 'ended', ended_on = end_date, end_kind = 'expired', version = version + 1
        WHERE status IN ('active', 'under_review') AND end_date < ${TODAY} RETURNING id`,
    );
    const due = await tx.query<{ id: string }[][]>(
      `UPDATE agreements SET status = 'under_review', version = version + 1
        WHERE status = 'active' AND next_review_on <= ${TODAY} RETURNING id`,
    );
    const result = { expired: expired[0].map((r) => r.id), underReview: due[0].map((r) => r.id) };
    await this.notify(
      result.underReview,
      'is due for review',
      (a) =>
        `Its review date, ${a.reviewDate}, has come: the agreement is now under review. ` +
        `Record the review's outcome and the next review date to make it active again.`,
    );
    await this.notify(
      result.expired,
      'has expired',
      (a) => `Its end date, ${a.endDate}, has passed: the agreement has ended.`,
    );
    return result;
  }

  /** One mail to each active council admin of each party, to the address stored. */
  private async notify(
    ids: string[],
    what: string,
    body: (agreement: { reviewDate: string | null; endDate: string | null }) => string,
  ): Promise<void> {
    if (!ids.length) return;
    const rows = await this.txHost.tx.query<
      {
        id: string;
        reference: string;
        title: string;
        reviewDate: string | null;
        endDate: string | null;
        email: string;
        name: string;
        councilName: string;
      }[]
    >(
      `SELECT a.id, a.reference, v.title, to_char(a.next_review_on, 'YYYY-MM-DD') AS "reviewDate",
              to_char(a.end_date, 'YYYY-MM-DD') AS "endDate", u.email, u.name, c.name AS "councilName"
         FROM agreements a
         JOIN agreement_versions v ON v.agreement_id = a.id AND v.number = a.current_version
         JOIN agreement_parties p ON p.agreement_id = a.id
         JOIN councils c ON c.id = p.council_id
         JOIN users u ON u.council_id = p.council_id AND u.role = 'council_admin' AND u.status = 'active'
        WHERE a.id = ANY ($1::uuid[]) ORDER BY a.reference, c.name, u.email`,
      [ids],
    );
    const link = this.config.get('publicUrl', { infer: true });
    for (const row of rows) {
      await this.mailer.send({
        to: row.email,
        subject: `Co-operation agreement ${row.reference} ${what}`,
        text:
          `Dear ${row.name},\n\n"${row.title}" (${row.reference}), to which ${row.councilName} is a party, ${what}.\n` +
          `${body(row)}\n\n${link}/api/v1/agreements/${row.id}\n`,
      });
    }
  }
}
