import { Injectable, Logger } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import { ClsService } from 'nestjs-cls';
import { AfterCommitTask, RequestContext } from './request-context';

/**
 * Work that must happen only if the request's changes are kept, such as mail. During the
 * request's transaction a task waits in the request context; it runs once the transaction
 * has committed, before the response is sent, and is dropped when the transaction rolls
 * back. Outside a transaction (routes marked `@SkipTransaction`, whose statements commit one
 * by one) it runs at once.
 */
@Injectable()
export class AfterCommit {
  private readonly logger = new Logger(AfterCommit.name);

  constructor(
    private readonly cls: ClsService<RequestContext>,
    private readonly txHost: TransactionHost,
  ) {}

  async run(task: AfterCommitTask): Promise<void> {
    const queue = this.cls.isActive() ? this.cls.get('afterCommit') : undefined;
    if (queue) {
      queue.push(task);
      return;
    }
    if (this.txHost.isTransactionActive()) {
      throw new Error("Work after commit was queued in a transaction other than the request's");
    }
    await task();
  }

  /**
   * Runs the request's transaction, then the tasks queued in it. The changes are committed
   * by then, so a task that fails is logged and does not fail the request.
   */
  async around<T>(transaction: () => Promise<T>): Promise<T> {
    const queue: AfterCommitTask[] = [];
    this.cls.set('afterCommit', queue);
    let result: T;
    try {
      result = await transaction();
    } finally {
      this.cls.set('afterCommit', undefined);
    }
    for (const task of queue) {
      await task().catch((error: unknown) =>
        this.logger.error(
          { error: error instanceof Error ? error.message : String(error) },
          'Work after commit failed',
        ),
      );
    }
    return result;
  }
}
