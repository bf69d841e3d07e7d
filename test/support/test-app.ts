import { ModuleMetadata } from '@nestjs/common';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { AppConfig } from '../../src/config/configuration';
import { AppModuleOptions } from '../../src/app.module';
import { createApp } from '../../src/app.setup';
import { installSettingsKey } from '../../src/database/database-bootstrap';
import { TestDatabase, createTestDatabase } from './test-database';
import { testConfig } from './test-config';

export interface TestApp {
  app: NestFastifyApplication;
  http: NestFastifyApplication['getHttpServer'] extends () => infer S ? S : never;
  db: TestDatabase;
  config: AppConfig;
  close(): Promise<void>;
}

export interface TestAppOptions {
  env?: Record<string, string>;
  /** Connect the app through another URL (a proxy in front of the database). */
  appUrl?: (db: TestDatabase) => string;
  imports?: ModuleMetadata['imports'];
  /** A database made beforehand (default: a new one). */
  database?: TestDatabase;
  /** Run the job queue, polling this often (seconds); off by default. */
  jobs?: { pollingIntervalSeconds: number };
  /** Where the app's log lines go (default: none below the test's log level). */
  logDestination?: AppModuleOptions['logDestination'];
}

/** The real app on a database of its own, ready for supertest. */
export async function createTestApp(options: TestAppOptions = {}): Promise<TestApp> {
  const db = options.database ?? (await createTestDatabase());
  const config = testConfig(options.env);
  // A test that brings its own secret needs its key in the database, as migrate installs it.
  await installSettingsKey(db.ownerUrl, config.jwtSecret);
  const app = await createApp({
    config,
    appUrl: options.appUrl ? options.appUrl(db) : db.appUrl,
    authUrl: db.authUrl,
    jobs: options.jobs ? { url: db.jobsUrl, ...options.jobs } : undefined,
    imports: options.imports,
    logDestination: options.logDestination,
  });
  await app.init();
  await app.getHttpAdapter().getInstance().ready();
  return {
    app,
    http: app.getHttpServer(),
    db,
    config,
    close: async () => {
      await app.close();
      await db.drop();
    },
  };
}
