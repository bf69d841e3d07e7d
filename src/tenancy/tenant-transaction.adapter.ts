/**
 * One transaction per request (DESIGN.md, "How access is enforced", layer 3).
 *
 * The transactional plugin of nestjs-cls keeps the transaction's EntityManager in the
 * request context; this adapter opens it so that its first round trip is
 *   START TRANSACTION; SELECT set_config('app.user_id', …, true), …
 * and nothing session-wide is ever set: on a pooled connection (or behind PgBouncer in
 * transaction mode) the settings vanish with the transaction.
 */
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { ClsServiceManager } from 'nestjs-cls';
import { escapeLiteral } from 'pg';
import { DataSource, EntityManager, QueryRunner } from 'typeorm';
import { RequestContext, TenantSettings, settingsFor } from './request-context';

interface TransactionState {
  isTransactionActive: boolean;
  transactionDepth: number;
}

export function beginStatement(settings: TenantSettings): string {
  const set = (name: string, value: string) =>
    `set_config('app.${name}', ${escapeLiteral(value)}, true)`;
  return (
    'START TRANSACTION; SELECT ' +
    [
      set('user_id', settings.userId),
      set('council_id', settings.councilId),
      set('role', settings.role),
      set('request_id', settings.requestId),
    ].join(', ')
  );
}

/** Runs `work` in a transaction that first sets the tenant settings; commits or rolls back. */
export async function inTenantTransaction<T>(
  dataSource: DataSource,
  settings: TenantSettings,
  work: (manager: EntityManager) => Promise<T>,
): Promise<T> {
  const runner: QueryRunner = dataSource.createQueryRunner();
  await runner.connect();
  try {
    await runner.query(beginStatement(settings));
    // Tell TypeORM the transaction is open, so nested transactions become savepoints.
    const state = runner as unknown as TransactionState;
    state.isTransactionActive = true;
    state.transactionDepth = 1;
    try {
      const result = await work(runner.manager);
      await runner.commitTransaction();
      return result;
    } catch (error) {
      if (runner.isTransactionActive) await runner.rollbackTransaction().catch(() => undefined);
      throw error;
    }
  } finally {
    await runner.release();
  }
}

export class TenantTransactionalAdapter extends TransactionalAdapterTypeOrm {
  constructor(options: { dataSourceToken: unknown }) {
    super({ dataSourceToken: options.dataSourceToken });
    const base = this.optionsFactory;
    this.optionsFactory = (dataSource: DataSource) => ({
      ...base(dataSource),
      wrapWithTransaction: (
        _options: unknown,
        fn: (...args: unknown[]) => Promise<unknown>,
        setClient: (client?: EntityManager) => void,
      ) => {
        const cls = ClsServiceManager.getClsService<RequestContext>();
        const settings = settingsFor(cls.get('actor'), cls.getId() ?? '');
        return inTenantTransaction(dataSource, settings, (manager) => {
          setClient(manager);
          return fn();
        });
      },
      getFallbackInstance: (): EntityManager => {
        throw new Error('Database access outside a request transaction (see src/tenancy)');
      },
    });
  }
}
