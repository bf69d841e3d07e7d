import { CallHandler, ExecutionContext, Injectable, NestInterceptor } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { Observable, from, lastValueFrom } from 'rxjs';
import { AfterCommit } from './after-commit';
import { SKIP_TRANSACTION } from './decorators';

/**
 * Wraps every handler in the request's transaction: it commits before the response is
 * sent, and any error rolls back everything the request wrote. Work queued with
 * `AfterCommit` (mail) runs after the commit, and not at all after a rollback.
 */
@Injectable()
export class RequestTransactionInterceptor implements NestInterceptor {
  constructor(
    private readonly reflector: Reflector,
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
    private readonly afterCommit: AfterCommit,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const skip = this.reflector.getAllAndOverride<boolean>(SKIP_TRANSACTION, [
      context.getHandler(),
      context.getClass(),
    ]);
    if (skip) return next.handle();
    return from(
      this.afterCommit.around(() =>
        this.txHost.withTransaction(() =>
          lastValueFrom(next.handle(), { defaultValue: undefined }),
        ),
      ),
    );
  }
}
