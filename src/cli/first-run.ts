/**
 * A living system on the embedded default (README, What `npm start` does): when the service
 * runs on its embedded database and that database holds no council yet, the first start loads
 * the seeds' demo data (as `seed-demo` does, through the API) unless DEMO_DATA=false, with a
 * generated password written to DATA_DIR/demo-password (readable by its owner only). With
 * DATABASE_URL set, demo data never loads by itself.
 */
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { INestApplicationContext } from '@nestjs/common';
import { AppConfig } from '../config/configuration';
import { PreparedDatabase } from '../database/database-bootstrap';
import { PasswordService } from '../users/password.service';
import { seedDemo } from './demo';
import { asOperator, insertActiveUser, withApplication } from './operator';

export type FirstRun =
  | { loaded: true; passwordFile: string }
  | { loaded: false; reason: 'DATABASE_URL' | 'DEMO_DATA=false' | 'not empty' };

export function demoPasswordFile(config: AppConfig): string {
  return join(config.dataDir, 'demo-password');
}

async function councils(app: INestApplicationContext): Promise<number> {
  const txHost = app.get<TransactionHost<TransactionalAdapterTypeOrm>>(TransactionHost);
  const [{ n }] = await asOperator(app, () =>
    txHost.tx.query<{ n: number }[]>(`SELECT count(*)::int AS n FROM councils`),
  );
  return n;
}

export async function firstRunDemo(
  config: AppConfig,
  database: PreparedDatabase,
  log: (line: string) => void,
): Promise<FirstRun> {
  if (!database.embedded || config.databaseUrl) return { loaded: false, reason: 'DATABASE_URL' };
  if (!config.demoData) return { loaded: false, reason: 'DEMO_DATA=false' };
  if ((await withApplication(config, database, councils)) > 0) {
    return { loaded: false, reason: 'not empty' };
  }
  const password = randomBytes(18).toString('base64url');
  const passwordFile = demoPasswordFile(config);
  writeFileSync(passwordFile, `${password}\n`, { mode: 0o600 });
  log('An empty database: loading the demo data of the seeds (DEMO_DATA=false to skip)…');
  const hash = await new PasswordService().hash(password);
  await seedDemo(config, database, password, insertActiveUser(hash), log);
  return { loaded: true, passwordFile };
}

export interface DemoUser {
  email: string;
  role: string;
  councilName: string | null;
}

/** The demo sign-ins (`npm run cli -- demo-users`), by council then role. */
export async function demoUsers(app: INestApplicationContext): Promise<DemoUser[]> {
  const txHost = app.get<TransactionHost<TransactionalAdapterTypeOrm>>(TransactionHost);
  return asOperator(app, () =>
    txHost.tx.query<DemoUser[]>(
      `SELECT u.email, u.role, c.name AS "councilName" FROM users u LEFT JOIN councils c ON c.id = u.council_id
        WHERE u.email LIKE '%.example' AND u.status = 'active'
        ORDER BY c.name NULLS FIRST, u.role, u.email`,
    ),
  );
}

/**
 * Lines naming the demo sign-ins and where the password is: all of them, or (at start-up) the
 * platform admin and one council's, with the rest named by their pattern.
 */
export function demoSignIns(users: DemoUser[], passwordFile: string, short = false): string[] {
  const example = 'Inverclyde Council';
  const shown = short
    ? users.filter((u) => u.councilName === null || u.councilName === example)
    : users;
  const councils = new Set(users.flatMap((u) => (u.councilName ? [u.councilName] : []))).size;
  const width = Math.max(0, ...shown.map((u) => u.email.length));
  return [
    `Demo sign-ins (the password is in ${passwordFile}):`,
    ...shown.map(
      (u) =>
        `  ${u.email.padEnd(width)}  ${u.role.replace('_', ' ')}${u.councilName ? `, ${u.councilName}` : ''}`,
    ),
    ...(short && shown.length < users.length
      ? [
          `  … and admin@ and officer@ of each of the ${councils} councils: npm run cli -- demo-users`,
        ]
      : []),
  ];
}
