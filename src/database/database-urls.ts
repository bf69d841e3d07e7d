/**
 * Two roles serve the database (DESIGN.md, "How access is enforced", layer 3):
 * - the owner role, from `DATABASE_URL`, owns every table and runs the migrations;
 * - the application role `jwh_app`, which owns nothing and has no BYPASSRLS, serves every
 *   request, so row-level security always applies to it.
 * With the embedded default, both are created here. With an external server, give the
 * application role's connection in `DATABASE_APP_URL` (its user must be `jwh_app` or a member
 * of it), or let the owner create `jwh_app` (it then needs CREATEROLE).
 */
import { createHmac } from 'node:crypto';
import { Client, escapeLiteral } from 'pg';
import { AppConfig } from '../config/configuration';
import { EmbeddedPostgresServer } from './embedded-postgres';

export const APP_ROLE = 'jwh_app';
const OWNER_ROLE = 'jwh_owner';
const EMBEDDED_DATABASE = 'jwh';

export interface DatabaseUrls {
  ownerUrl: string;
  appUrl: string;
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

/**
 * Makes sure `jwh_app` exists (as a group role the migrations grant to), and, when no
 * `DATABASE_APP_URL` is given, that it can log in with a password derived from the owner's
 * connection, so every process of one deployment computes the same one.
 */
export async function ensureAppRole(config: AppConfig, ownerUrl: string): Promise<string> {
  const explicit = config.databaseAppUrl;
  const password =
    config.databaseAppPassword ??
    createHmac('sha256', ownerUrl).update(APP_ROLE).digest('base64url');
  await withClient(ownerUrl, async (client) => {
    const role = await client.query<{ rolcanlogin: boolean }>(
      'SELECT rolcanlogin FROM pg_roles WHERE rolname = $1',
      [APP_ROLE],
    );
    const login = explicit ? '' : `LOGIN PASSWORD ${escapeLiteral(password)}`;
    if (!role.rowCount) {
      await client.query(
        `CREATE ROLE ${APP_ROLE} ${explicit ? 'NOLOGIN' : login} NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE`,
      );
    } else if (!explicit) {
      await client.query(`ALTER ROLE ${APP_ROLE} ${login}`);
    }
    await client.query(
      `ALTER ROLE ${APP_ROLE} SET statement_timeout = ${escapeLiteral(`${config.statementTimeoutMs}ms`)}`,
    );
  });
  return explicit ?? withUser(ownerUrl, APP_ROLE, password);
}

/** Refuses to serve requests through a role that row-level security would not bind. */
export async function assertAppRoleIsBound(appUrl: string): Promise<void> {
  await withClient(appUrl, async (client) => {
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
        'DATABASE_APP_URL must connect as a role that is not a superuser, has no BYPASSRLS and owns no table',
      );
    }
  });
}
