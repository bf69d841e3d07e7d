/**
 * Four roles serve the database (README, "Database roles"):
 * - the owner role, from `DATABASE_URL`, owns every table and runs the migrations;
 * - the application role `jwh_app`, which owns nothing and has no BYPASSRLS, serves every
 *   request, so row-level security always applies to it;
 * - the job role `jwh_jobs`, which reads and writes only the job queue's tables (pg-boss);
 * - the sign-in role `jwh_auth`, which reads no table and may only execute the functions that
 *   check credentials and issue, rotate and revoke tokens.
 * With the embedded default, all are created here. With an external server, give the
 * connections in `DATABASE_APP_URL` and `DATABASE_AUTH_URL` (their users must be the role or
 * a member of it), or let the owner create the roles (it then needs CREATEROLE).
 */
import { createHmac } from 'node:crypto';
import { Client, escapeLiteral } from 'pg';
import { AppConfig } from '../config/configuration';
import { EmbeddedPostgresServer } from './embedded-postgres';

export const APP_ROLE = 'jwh_app';
/** The sign-in role: executes the credential and token functions, reads no table. */
export const AUTH_ROLE = 'jwh_auth';
/** The job queue's role: reads and writes pg-boss's tables (schema `pgboss`) and nothing else. */
export const JOBS_ROLE = 'jwh_jobs';
const OWNER_ROLE = 'jwh_owner';
const EMBEDDED_DATABASE = 'jwh';

export interface DatabaseUrls extends ServiceUrls {
  ownerUrl: string;
  jobsUrl: string;
}

/** The connections the service runs on: requests as `jwh_app`, sign-in as `jwh_auth`. */
export interface ServiceUrls {
  appUrl: string;
  authUrl: string;
}

export async function withClient<T>(url: string, work: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: url, connectionTimeoutMillis: 10000 });
  client.on('error', () => undefined);
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** Creates the owner role and the database on a freshly started embedded server. */
export async function embeddedOwnerUrl(server: EmbeddedPostgresServer): Promise<string> {
  const password = server.derivedPassword(OWNER_ROLE);
  await withClient(server.superuserUrl(), async (client) => {
    const exists = await client.query('SELECT 1 FROM pg_roles WHERE rolname = $1', [OWNER_ROLE]);
    const verb = exists.rowCount ? 'ALTER' : 'CREATE';
    await client.query(
      `${verb} ROLE ${OWNER_ROLE} LOGIN CREATEDB CREATEROLE NOSUPERUSER PASSWORD ${escapeLiteral(password)}`,
    );
    const db = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [
      EMBEDDED_DATABASE,
    ]);
    if (!db.rowCount)
      await client.query(`CREATE DATABASE ${EMBEDDED_DATABASE} OWNER ${OWNER_ROLE}`);
  });
  return `postgres://${OWNER_ROLE}:${encodeURIComponent(password)}@127.0.0.1:${server.port}/${EMBEDDED_DATABASE}`;
}

export function withUser(url: string, user: string, password: string): string {
  const parsed = new URL(url);
  parsed.username = encodeURIComponent(user);
  parsed.password = encodeURIComponent(password);
  return parsed.toString();
}

export function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}

interface ServiceRole {
  name: string;
  /** A login a DBA made for the role (its user is the role or a member of it). */
  explicitUrl?: string;
  password?: string;
}

/**
 * Makes sure a service role exists (as a group role the migrations grant to), and, when no
 * explicit URL is given, that it can log in with a password derived from the owner's
 * connection, so every process of one deployment computes the same one.
 */
async function ensureRole(
  config: AppConfig,
  ownerUrl: string,
  { name, explicitUrl, password: given }: ServiceRole,
): Promise<string> {
  const password = given ?? createHmac('sha256', ownerUrl).update(name).digest('base64url');
  await withClient(ownerUrl, async (client) => {
    const role = await client.query('SELECT 1 FROM pg_roles WHERE rolname = $1', [name]);
    const login = explicitUrl ? '' : `LOGIN PASSWORD ${escapeLiteral(password)}`;
    if (!role.rowCount) {
      await client.query(
        `CREATE ROLE ${name} ${explicitUrl ? 'NOLOGIN' : login} NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE`,
      );
    } else if (!explicitUrl) {
      await client.query(`ALTER ROLE ${name} ${login}`);
    }
    // The timeouts hold for every connection of the role, through PgBouncer too (which
    // passes no startup parameters on).
    for (const [setting, ms] of [
      ['statement_timeout', config.statementTimeoutMs],
      ['lock_timeout', config.lockTimeoutMs],
      ['idle_in_transaction_session_timeout', config.statementTimeoutMs * 2],
    ] as const) {
      await client.query(`ALTER ROLE ${name} SET ${setting} = ${escapeLiteral(`${ms}ms`)}`);
    }
    // A web service's statements are short: compiling one costs more than it saves.
    await client.query(`ALTER ROLE ${name} SET jit = off`);
    // Prepared statements (src/database/prepared-statements.ts) keep their parse and rewrite,
    // never a generic plan: planned without its values, the dashboard's took 30 ms, not 12.
    await client.query(`ALTER ROLE ${name} SET plan_cache_mode = force_custom_plan`);
  });
  return explicitUrl ?? withUser(ownerUrl, name, password);
}

/** The request, sign-in and job roles, with the URLs the service connects through. */
export async function ensureServiceRoles(
  config: AppConfig,
  ownerUrl: string,
): Promise<ServiceUrls & { jobsUrl: string }> {
  return {
    jobsUrl: await ensureRole(config, ownerUrl, {
      name: JOBS_ROLE,
      explicitUrl: config.databaseJobsUrl,
    }),
    appUrl: await ensureRole(config, ownerUrl, {
      name: APP_ROLE,
      explicitUrl: config.databaseAppUrl,
      password: config.databaseAppPassword,
    }),
    authUrl: await ensureRole(config, ownerUrl, {
      name: AUTH_ROLE,
      explicitUrl: config.databaseAuthUrl,
    }),
  };
}

/** Refuses to serve requests through a role that row-level security would not bind. */
export async function assertRoleIsBound(url: string, setting: string): Promise<void> {
  await withClient(url, async (client) => {
    const { rows } = await client.query<{
      rolsuper: boolean;
      rolbypassrls: boolean;
      owns: boolean;
    }>(
      `SELECT r.rolsuper, r.rolbypassrls,
              EXISTS (SELECT 1 FROM pg_class c WHERE c.relowner = r.oid AND c.relkind IN ('r','p')
                        AND c.relnamespace = 'public'::regnamespace) AS owns
         FROM pg_roles r WHERE r.rolname = current_user`,
    );
    const role = rows[0];
    if (!role || role.rolsuper || role.rolbypassrls || role.owns) {
      throw new Error(
        `${setting} must connect as a role that is not a superuser, has no BYPASSRLS and owns no table`,
      );
    }
  });
}
