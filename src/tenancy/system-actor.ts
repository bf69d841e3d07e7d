import { Injectable } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import { CLS_ID, ClsService } from 'nestjs-cls';
import { AbilityFactory } from './ability.factory';
import { Actor } from './actor';
import { AfterCommit } from './after-commit';
import { RequestContext } from './request-context';

/**
 * Work that no request carries (the operator CLI, scheduled jobs) goes through the same door
 * as a request (the tenancy mechanism is the one door, src/tenancy): a request context whose
 * actor is a named system actor (a platform admin with no user row), one transaction that
 * first sets the proven `app.*` settings, and mail after commit. Row-level security and the
 * audit trigger apply as they do to the API; audit events record no actor user and the
 * actor's name as their request id (`cli`, `job:agreement-reviews:<job id>`).
 */
@Injectable()
export class SystemActor {
  private readonly abilities = new AbilityFactory();

  constructor(
    private readonly cls: ClsService<RequestContext>,
    private readonly txHost: TransactionHost,
    private readonly afterCommit: AfterCommit,
  ) {}

  run<T>(name: string, work: (actor: Actor) => Promise<T>): Promise<T> {
    const system = { userId: '', councilId: null, role: 'platform_admin' as const };
    const actor: Actor = {
      ...system,
      sessionId: '',
      partnershipIds: [],
      ability: this.abilities.forActor({ ...system, partnershipIds: [] }),
    };
    return this.cls.run(() => {
      this.cls.set(CLS_ID, name);
      this.cls.set('actor', actor);
      return this.afterCommit.around(() => this.txHost.withTransaction(() => work(actor)));
    });
  }
}
