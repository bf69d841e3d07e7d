/**
 * The sign-in path's own connection, as `jwh_auth` (README, Security): the only role that may
 * execute the functions that read credentials, issue, rotate and revoke tokens, count sign-in
 * attempts and resolve a caller. It reads no table. Requests are served as `jwh_app`, which
 * may call none of these, so SQL running in a request cannot mint a session or read a hash.
 * Each call is one statement in autocommit: a revocation on token reuse stands even though
 * the request answers 401.
 */
import { DynamicModule, Global, Injectable, Module, OnApplicationShutdown } from '@nestjs/common';
import { Pool } from 'pg';
import { AppConfig } from '../config/configuration';

@Injectable()
export class SignInDatabase implements OnApplicationShutdown {
  /** Sign-in, refresh and resolving the caller of every authenticated request. */
  private readonly pool: Pool;
  /**
   * The routes that take or send a one-time code, which anyone may call: a flood of them
   * waits for these few connections, never for the ones sign-in and requests need.
   */
  private readonly codePool: Pool;

  constructor(
    url: string,
    config: Pick<AppConfig, 'statementTimeoutMs' | 'databasePoolSize' | 'poolWaitMs'>,
  ) {
    const options = (max: number, name: string) => ({
      connectionString: url,
      max,
      connectionTimeoutMillis: config.poolWaitMs,
      idleTimeoutMillis: 30000,
      statement_timeout: config.statementTimeoutMs,
      query_timeout: config.statementTimeoutMs + 1000,
      application_name: name,
    });
    this.pool = new Pool(options(config.databasePoolSize, 'jwh-sign-in'));
    this.codePool = new Pool(options(2, 'jwh-sign-in-codes'));
    // An idle connection that dies must not take the process with it.
    this.pool.on('error', () => undefined);
    this.codePool.on('error', () => undefined);
  }

  async query<T>(sql: string, params: unknown[] = []): Promise<T[]> {
    return (await this.pool.query(sql, params)).rows as T[];
  }

  /** For the one-time-code routes (throttling, checking and spending codes, resets). */
  async queryForCodes<T>(sql: string, params: unknown[] = []): Promise<T[]> {
    return (await this.codePool.query(sql, params)).rows as T[];
  }

  /** Last of all, after work still running on it (resets being issued) has finished. */
  async onApplicationShutdown(): Promise<void> {
    await Promise.all([this.pool.end(), this.codePool.end()]);
  }
}

@Global()
@Module({})
export class SignInDatabaseModule {
  static forRoot(url: string, config: AppConfig): DynamicModule {
    return {
      module: SignInDatabaseModule,
      providers: [{ provide: SignInDatabase, useFactory: () => new SignInDatabase(url, config) }],
      exports: [SignInDatabase],
    };
  }
}
