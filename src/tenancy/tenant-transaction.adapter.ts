/**
 * One transaction per request (DESIGN.md, "How access is enforced", layer 3).
 *
 * The transactional plugin of nestjs-cls keeps the transaction's EntityManager in the
 * request context; this adapter opens it with
 *   START TRANSACTION
 *   SELECT set_config('app.user_id', $1, true), …, set_config('app.proof', $6, true), …
 * The settings carry an HMAC proof (src/database/settings-proof.ts) that the database checks
 * before any policy believes them, and they travel as bind parameters, so no other session
 * can read the proof in pg_stat_activity. Nothing session-wide is ever set: on a pooled
 * connection (or behind PgBouncer in transaction mode) the settings vanish with the
 * transaction.
 */
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { ClsServiceManager } from 'nestjs-cls';
import { DataSource, EntityManager, QueryRunner } from 'typeorm';
import { SettingsProver } from '../database/settings-proof';
import { RequestContext, TenantSettings, settingsFor } from './request-context';

/** How long the database believes one transaction's proof (far longer than any request). */
const PROOF_SECONDS = 600;

const SET_SETTINGS = `SELECT ${[
  'user_id',
  'council_id',
  'role',
  'session_id',
  'expires_at',
  'proof',
  'request_id',
]
  .map((name, i) => `set_config('app.${name}', $${i + 1}, true)`)
  .join(', ')}`;

/** The statement and parameters that set a transaction's proven settings. */
export function settingsStatement(
  prover: SettingsProver,
  settings: TenantSettings,
  now = Date.now(),
): [string, string[]] {
  const proven = prover.prove({
    userId: settings.userId,
    councilId: settings.councilId,
    role: settings.role,
    sessionId: settings.sessionId,
    expiresAt: Math.floor(now / 1000) + PROOF_SECONDS,
  });
  return [
    SET_SETTINGS,
    [
      proven.userId,
      proven.councilId,
      proven.role,
      proven.sessionId,
      String(proven.expiresAt),
      proven.proof,
      settings.requestId,
    ],
  ];
}

interface TransactionState {
  isTransactionActive: boolean;
  transactionDepth: number;
}

/** Runs `work` in a transaction that first sets the tenant settings; commits or rolls back. */
export async function inTenantTransaction<T>(
  dataSource: DataSource,
  prover: SettingsProver,
  settings: TenantSettings,
  work: (manager: EntityManager) => Promise<T>,
): Promise<T> {
  const runner: QueryRunner = dataSource.createQueryRunner();
  await runner.connect();
  try {
    await runner.query('START TRANSACTION');
    await runner.query(...settingsStatement(prover, settings));
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
  constructor(options: { dataSourceToken: unknown; prover: SettingsProver }) {
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
        return inTenantTransaction(dataSource, options.prover, settings, (manager) => {
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
