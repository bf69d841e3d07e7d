import { CallHandler, ExecutionContext, Injectable, NestInterceptor } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { Observable, from, lastValueFrom } from 'rxjs';
import { AfterCommit } from './after-commit';
import type { FastifyRequest } from 'fastify';
import { RequestWithActor, SKIP_TRANSACTION } from './decorators';

/**
 * Wraps every handler in the request's transaction: it commits before the response is
 * sent, and any error rolls back everything the request wrote. Work queued with
 * `AfterCommit` (mail) runs after the commit, and not at all after a rollback. A platform
 * admin's reads are audited in the same transaction.
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
    const request = context.switchToHttp().getRequest<FastifyRequest & RequestWithActor>();
    return from(
      this.afterCommit.around(() =>
        this.txHost.withTransaction(async () => {
          await this.auditPlatformRead(request);
          return lastValueFrom<unknown, undefined>(next.handle(), { defaultValue: undefined });
        }),
      ),
    );
  }

  /**
   * A platform admin sees everything, and every such access is audited (DESIGN.md): a read
   * (GET, or HEAD, which runs the same handler) leaves one event naming the path; changes are
   * audited row by row by the database. The event is written in the request's transaction, so
   * a read that fails leaves none, as it showed nothing.
   */
  private async auditPlatformRead(request: FastifyRequest & RequestWithActor): Promise<void> {
    if (request.actor?.role !== 'platform_admin') return;
    if (request.method !== 'GET' && request.method !== 'HEAD') return;
    await this.txHost.tx.query('SELECT audit_access($1, $2)', [request.method, request.url]);
  }
}
