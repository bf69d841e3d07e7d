/**
 * One transaction per request (docs/access-rules.md, "Three layers", layer 3).
 *
 * The transactional plugin of nestjs-cls keeps the transaction's EntityManager in the
 * request context; this adapter opens it with, in one round trip (src/database/begin-with.ts),
 *   START TRANSACTION
 *   SELECT set_config('app.user_id', $1, true), …, set_config('app.proof', $6, true), …
 * or, for a caller this process kept, the same settings behind the database's confirmation
 * that the caller still holds (SET_CONFIRMED_SETTINGS). The settings carry an HMAC proof (src/database/settings-proof.ts) that the database checks
 * before any policy believes them, and they travel as bind parameters, so no other session
 * can read the proof in pg_stat_activity. Nothing session-wide is ever set: on a pooled
 * connection (or behind PgBouncer in transaction mode) the settings vanish with the
 * transaction.
 */
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { ClsServiceManager } from 'nestjs-cls';
import type { PoolClient } from 'pg';
import { DataSource, EntityManager } from 'typeorm';
import { PostgresQueryRunner } from 'typeorm/driver/postgres/PostgresQueryRunner';
import { transactionToday } from '../common/sql';
import { beginWith } from '../database/begin-with';
import { preparedStatements, statementName } from '../database/prepared-statements';
import { SettingsProver } from '../database/settings-proof';
import { RequestContext, TenantSettings, settingsFor } from './request-context';

/** How long the database believes one transaction's proof (far longer than any request). */
const PROOF_SECONDS = 600;

const SETTINGS = [
  'user_id',
  'council_id',
  'role',
  'session_id',
  'expires_at',
  'proof',
  'request_id',
] as const;

/**
 * The database's today, answered with the settings: `current_date` is the date the transaction
 * began, so this is what a later `SELECT current_date` in it would say (src/common/sql.ts
 * `databaseToday` reads it from here, one statement fewer for the routes that date things).
 */
const TODAY = `to_char(current_date, 'YYYY-MM-DD') AS today`;

const SET_SETTINGS = `SELECT ${SETTINGS.map(
  (name, i) => `set_config('app.${name}', $${i + 1}, true)`,
).join(', ')}, ${TODAY}`;

/**
 * The same settings, for a caller this process kept (Actor.kept): the database first confirms
 * that the caller still holds (migrations/1764090000000), and without that sets no proof. The
 * parameters are text, as in SET_SETTINGS (the proof is over their exact strings).
 */
const SET_CONFIRMED_SETTINGS =
  `WITH c AS MATERIALIZED (SELECT app_actor_holds($1::text::uuid, $4::text::uuid, ` +
  `nullif($2::text, '')::uuid, $3::text, $8::uuid[]) AS holds) ` +
  `SELECT c.holds, ${SETTINGS.map((name, i) =>
    name === 'proof'
      ? `set_config('app.proof', CASE WHEN c.holds THEN $${i + 1} ELSE '' END, true)`
      : `set_config('app.${name}', $${i + 1}, true)`,
  ).join(', ')}, ${TODAY} FROM c`;

/** The caller this process kept no longer holds: look them up again (RequestTransactionInterceptor). */
export class ActorChanged extends Error {
  constructor() {
    super('The kept caller no longer holds');
  }
}

/** The statement and parameters that set a transaction's proven settings. */
export function settingsStatement(
  prover: SettingsProver,
  settings: TenantSettings,
  now = Date.now(),
): [string, unknown[]] {
  const proven = prover.prove({
    userId: settings.userId,
    councilId: settings.councilId,
    role: settings.role,
    sessionId: settings.sessionId,
    expiresAt: Math.floor(now / 1000) + PROOF_SECONDS,
  });
  const values = [
    proven.userId,
    proven.councilId,
    proven.role,
    proven.sessionId,
    String(proven.expiresAt),
    proven.proof,
    settings.requestId,
  ];
  return settings.confirm
    ? [SET_CONFIRMED_SETTINGS, [...values, settings.confirm.partnershipIds]]
    : [SET_SETTINGS, values];
}

interface Releasable {
  releasePostgresConnection(error?: Error): Promise<void>;
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
  prepared = false,
): Promise<T> {
  const runner = dataSource.createQueryRunner() as PostgresQueryRunner;
  const client = (await runner.connect()) as PoolClient;
  if (prepared) preparedStatements(client);
  // A connection that could not be returned to a clean state is destroyed, not pooled.
  let unclean: Error | undefined;
  const rollback = () =>
    client.query('ROLLBACK').then(
      () => undefined,
      (error: Error) => void (unclean = error),
    );
  try {
    let held = true;
    try {
      const [sql, values] = settingsStatement(prover, settings);
      const name = prepared ? statementName(sql) : undefined;
      const [row] = await beginWith<{ holds?: boolean; today: string }>(client, sql, values, name);
      held = row?.holds !== false;
      if (row) transactionToday.set(runner.manager, row.today);
    } catch (error) {
      await rollback();
      throw error;
    }
    if (!held) {
      await rollback();
      throw new ActorChanged();
    }
    // Tell TypeORM the transaction is open, so nested transactions become savepoints.
    const state = runner as unknown as TransactionState;
    state.isTransactionActive = true;
    state.transactionDepth = 1;
    try {
      const result = await work(runner.manager);
      await runner.commitTransaction();
      return result;
    } catch (error) {
      if (runner.isTransactionActive) await rollback();
      throw error;
    }
  } finally {
    // TypeORM's own release, which passes the error on to pg-pool (private in its types).
    await (runner as unknown as Releasable).releasePostgresConnection(unclean);
  }
}

export class TenantTransactionalAdapter extends TransactionalAdapterTypeOrm {
  constructor(options: {
    dataSourceToken: unknown;
    prover: SettingsProver;
    /** Named prepared statements (AppConfig.preparedStatements). */
    preparedStatements: boolean;
  }) {
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
        return inTenantTransaction(
          dataSource,
          options.prover,
          settings,
          (manager) => {
            setClient(manager);
            return fn();
          },
          options.preparedStatements,
        );
      },
      getFallbackInstance: (): EntityManager => {
        throw new Error('Database access outside a request transaction (see src/tenancy)');
      },
    });
  }
}
