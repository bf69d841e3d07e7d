import { DataSourceOptions } from 'typeorm';
import { SnakeNamingStrategy } from 'typeorm-naming-strategies';
import { MIGRATIONS } from '../../migrations';
import { AppConfig } from '../config/configuration';
import { ENTITIES } from './entities';

/**
 * TypeORM options shared by the app (application role), the migration runner (owner role)
 * and the tests. Timeouts make a dead network fail a query instead of hanging it.
 */
export function dataSourceOptions(
  url: string,
  config: Pick<
    AppConfig,
    'databasePoolSize' | 'statementTimeoutMs' | 'lockTimeoutMs' | 'poolWaitMs'
  >,
  applicationName: string,
): DataSourceOptions {
  return {
    type: 'postgres',
    url,
    entities: ENTITIES,
    migrations: MIGRATIONS,
    migrationsTableName: 'migrations',
    migrationsTransactionMode: 'each',
    namingStrategy: new SnakeNamingStrategy(),
    synchronize: false,
    migrationsRun: false,
    logging: false,
    applicationName,
    extra: {
      max: config.databasePoolSize,
      connectionTimeoutMillis: config.poolWaitMs,
      idleTimeoutMillis: 30000,
      statement_timeout: config.statementTimeoutMs,
      lock_timeout: config.lockTimeoutMs,
      query_timeout: config.statementTimeoutMs + 1000,
      idle_in_transaction_session_timeout: config.statementTimeoutMs * 2,
    },
  };
}
