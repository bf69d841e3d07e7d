import {
  CallHandler,
  ExecutionContext,
  Injectable,
  NestInterceptor,
  UnauthorizedException,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { Observable, from, lastValueFrom } from 'rxjs';
import { ClsService } from 'nestjs-cls';
import { isStalePlan } from '../database/prepared-statements';
import { ActorResolver } from './actor-resolver';
import { AfterCommit } from './after-commit';
import { PoliciesGuard } from './policies.guard';
import { RequestContext } from './request-context';
import { ActorChanged } from './tenant-transaction.adapter';
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
    private readonly actors: ActorResolver,
    private readonly cls: ClsService<RequestContext>,
  ) {
    this.policies = new PoliciesGuard(reflector);
  }

  private readonly policies: PoliciesGuard;

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const skip = this.reflector.getAllAndOverride<boolean>(SKIP_TRANSACTION, [
      context.getHandler(),
      context.getClass(),
    ]);
    if (skip) return next.handle();
    const request = context.switchToHttp().getRequest<FastifyRequest & RequestWithActor>();
    const work = () =>
      this.txHost.withTransaction(async () => {
        await this.auditPlatformRead(request);
        return lastValueFrom<unknown, undefined>(next.handle(), { defaultValue: undefined });
      });
    return from(this.attempts(context, request, () => this.afterCommit.around(work)));
  }

  /**
   * The transaction, once more when it was rolled back for a reason of the service's own
   * rather than the request's: a kept caller that no longer holds (looked up afresh, the
   * route's policies checked again; nothing had run), or a prepared plan a migration changed
   * (src/database/prepared-statements.ts). Work queued after commit by a rolled-back attempt
   * is dropped with it.
   */
  private async attempts(
    context: ExecutionContext,
    request: RequestWithActor,
    attempt: () => Promise<unknown>,
  ): Promise<unknown> {
    try {
      return await attempt();
    } catch (error) {
      if (error instanceof ActorChanged && request.actor) {
        const { userId, sessionId } = request.actor;
        const actor = await this.actors.resolve(userId, sessionId, true);
        if (!actor) throw new UnauthorizedException('The session has ended; sign in again');
        request.actor = actor;
        this.cls.set('actor', actor);
        this.policies.canActivate(context);
      } else if (!isStalePlan(error)) {
        throw error;
      }
    }
    return attempt();
  }

  /**
   * A platform admin sees everything, and every such access is audited (docs/access-rules.md): a read
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
