/**
 * The operator CLI goes through the same door as a request (STYLE.md, "The tenancy mechanism
 * is the one door"): the application's own services, in a request context whose actor is the
 * operator, one transaction that first sets the `app.*` settings, so row-level security and
 * the audit trigger apply as they do to the API. The operator is a platform admin with no
 * user row: audit events record no actor user and the request id `cli`.
 */
import { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { TransactionHost } from '@nestjs-cls/transactional';
import { CLS_ID, ClsService } from 'nestjs-cls';
import { AppModule } from '../app.module';
import { AppConfig } from '../config/configuration';
import { AbilityFactory } from '../tenancy/ability.factory';
import { Actor } from '../tenancy/actor';
import { RequestContext } from '../tenancy/request-context';

export type OperatorWork<T> = (app: INestApplicationContext, actor: Actor) => Promise<T>;

/** Boots the application (no HTTP), runs `work` as the operator in one transaction, closes. */
export async function asOperator<T>(
  config: AppConfig,
  appUrl: string,
  work: OperatorWork<T>,
): Promise<T> {
  const app = await NestFactory.createApplicationContext(AppModule.forRoot({ config, appUrl }), {
    logger: false,
  });
  try {
    const cls = app.get<ClsService<RequestContext>>(ClsService);
    const txHost = app.get(TransactionHost);
    const actor: Actor = {
      userId: '',
      councilId: null,
      role: 'platform_admin',
      sessionId: '',
      partnershipIds: [],
      ability: app.get(AbilityFactory).forActor({
        userId: '',
        councilId: null,
        role: 'platform_admin',
        partnershipIds: [],
      }),
    };
    return await cls.run(() => {
      cls.set(CLS_ID, 'cli');
      cls.set('actor', actor);
      return txHost.withTransaction(() => work(app, actor));
    });
  } finally {
    await app.close();
  }
}
