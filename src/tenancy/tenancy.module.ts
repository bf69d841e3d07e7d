import { DynamicModule, Global, Module } from '@nestjs/common';
import { APP_INTERCEPTOR } from '@nestjs/core';
import { getDataSourceToken } from '@nestjs/typeorm';
import { ClsPluginTransactional } from '@nestjs-cls/transactional';
import { randomUUID } from 'node:crypto';
import { ClsModule } from 'nestjs-cls';
import { useCursorSecret } from '../common/pagination';
import { SettingsProver } from '../database/settings-proof';
import { ActorResolver } from './actor-resolver';
import { AfterCommit } from './after-commit';
import { RequestTransactionInterceptor } from './request-transaction.interceptor';
import { SystemActor } from './system-actor';
import { TenantTransactionalAdapter } from './tenant-transaction.adapter';

/**
 * The one door to the database: the request context (nestjs-cls), one transaction per
 * request that first sets the `app.*` settings (with work to run after its commit), and the
 * caller's ability.
 */
@Global()
@Module({})
export class TenancyModule {
  /**
   * `secret` derives the key that proves each transaction's settings to the database;
   * `preparedStatements` names a request's statements (src/database/prepared-statements.ts).
   */
  static forRoot(secret: string, preparedStatements: boolean): DynamicModule {
    const prover = new SettingsProver(secret);
    useCursorSecret(secret);
    return {
      module: TenancyModule,
      imports: [
        ClsModule.forRoot({
          global: true,
          middleware: {
            mount: true,
            generateId: true,
            idGenerator: (req: { id?: string }) => req.id ?? randomUUID(),
          },
          plugins: [
            new ClsPluginTransactional({
              adapter: new TenantTransactionalAdapter({
                dataSourceToken: getDataSourceToken(),
                prover,
                preparedStatements,
              }),
            }),
          ],
        }),
      ],
      providers: [
        AfterCommit,
        SystemActor,
        ActorResolver,
        { provide: APP_INTERCEPTOR, useClass: RequestTransactionInterceptor },
      ],
      exports: [AfterCommit, SystemActor, ActorResolver],
    };
  }
}
