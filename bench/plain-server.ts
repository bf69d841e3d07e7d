/**
 * The cost floor of `GET /api/v1/workstreams` in Node: a plain `http` + `pg` server with the
 * service's JWT check (HS256, issuer, audience, via jsonwebtoken), its caller lookup (the
 * service's ActorResolver on the sign-in role's pool: kept callers are confirmed by the
 * settings statement) and the SQL the service sent for the list (captured from the service by
 * bench/capture-sql.ts), with the settings proof made fresh per request by the service's own
 * `settingsStatement`. It answers the same body, byte for byte (the benchmark checks), and
 * nothing else: any other path is a 404.
 *
 * Environment: PORT, BENCH_APP_URL, BENCH_AUTH_URL, BENCH_CAPTURE (the captured statements,
 * JSON lines), JWT_SECRET, JWT_ISSUER, JWT_AUDIENCE, DATABASE_POOL_SIZE. Prints
 * `listening <port>` once ready.
 */
import { createSecretKey, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { IncomingMessage, ServerResponse, createServer } from 'node:http';
import { AddressInfo } from 'node:net';
import * as jwt from 'jsonwebtoken';
import { Pool, PoolClient, QueryResult } from 'pg';
import { beginWith } from '../src/database/begin-with';
import { statementName } from '../src/database/prepared-statements';
import { encodeCursor, useCursorSecret } from '../src/common/pagination';
import { SettingsProver } from '../src/database/settings-proof';
import { SignInDatabase } from '../src/database/sign-in-database';
import { Actor } from '../src/tenancy/actor';
import { ActorResolver } from '../src/tenancy/actor-resolver';
import { settingsFor } from '../src/tenancy/request-context';
import { settingsStatement } from '../src/tenancy/tenant-transaction.adapter';
import type { CapturedStatement } from './capture-sql';

const LIMIT = 50;
const LEAD_OFFICER_FIELDS = ['id', 'name', 'jobTitle', 'email'] as const;

type Row = Record<string, unknown>;

function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is required`);
  return value;
}

const secret = required('JWT_SECRET');
const key = createSecretKey(Buffer.from(secret, 'utf8'));
const verifyOptions: jwt.VerifyOptions = {
  algorithms: ['HS256'],
  issuer: process.env.JWT_ISSUER || 'joint-working-hub',
  audience: process.env.JWT_AUDIENCE || 'joint-working-hub-api',
};
const prover = new SettingsProver(secret);
useCursorSecret(secret);
const poolSize = Number(process.env.DATABASE_POOL_SIZE || 10);
const appPool = new Pool({ connectionString: required('BENCH_APP_URL'), max: poolSize });
const authPool = new Pool({ connectionString: required('BENCH_AUTH_URL'), max: poolSize });
appPool.on('error', () => undefined);
authPool.on('error', () => undefined);

const captured = readFileSync(required('BENCH_CAPTURE'), 'utf8')
  .split('\n')
  .filter(Boolean)
  .map((line) => JSON.parse(line) as CapturedStatement);
const appUser = new URL(required('BENCH_APP_URL')).username;
// The sign-in role's lookup is the resolver's own (below): a kept caller sends none.
const appStatements = captured.filter((s) => s.user === appUser);

/** The service's own resolver (kept callers, confirmed by the settings statement), on authPool. */
const actors = new ActorResolver({
  query: async (text: string, values: unknown[]) => (await authPool.query<Row>(text, values)).rows,
} as unknown as SignInDatabase);

async function actorOf(request: IncomingMessage): Promise<Actor> {
  const header = request.headers.authorization ?? '';
  const token = header.startsWith('Bearer ') ? header.slice(7) : '';
  const claims = jwt.verify(token, key, verifyOptions) as { sub: string; sid: string };
  const actor = await actors.resolve(claims.sub, claims.sid);
  if (!actor) throw new Error('no actor');
  return actor;
}

/** Runs the captured statements in order, with a fresh proof. */
async function runList(client: PoolClient, actor: Actor): Promise<string> {
  let rows: Row[] = [];
  for (const statement of appStatements) {
    if (statement.begins) {
      // The settings as the service sends them for this caller, looked up or kept (with the
      // database's confirmation), named as the service names them.
      const [text, values] = settingsStatement(prover, settingsFor(actor, randomUUID()));
      await beginWith(client, text, values, statement.name ? statementName(text) : undefined);
      continue;
    }
    const values = statement.values;
    const { text, name } = statement;
    const result: QueryResult<Row> = await client.query<Row>({ text, name, values });
    if (result.fields.some((f) => f.name === 'latestStatus')) rows = result.rows;
  }
  return JSON.stringify(page(actor, rows));
}

/** The service's mapping (WorkstreamsService.list and shownOfficer, pageOf). */
function page(actor: Actor, rows: Row[]): { data: Row[]; nextCursor: string | null } {
  const data: Row[] = rows
    .slice(0, LIMIT)
    .map(({ sort_at: _sortAt, officer_key: _key, leadOfficerRow, ...row }) => {
      const officer = leadOfficerRow as Row | null;
      if (!officer) return { ...row, leadOfficer: null };
      const shown = Object.fromEntries(
        LEAD_OFFICER_FIELDS.filter(
          (f) => officer[f] != null && (f !== 'email' || officer.councilId === actor.councilId),
        ).map((f) => [f, officer[f]]),
      );
      return { ...row, leadOfficer: { jobTitle: null, ...shown } };
    });
  const last = data[data.length - 1];
  return {
    data,
    nextCursor: rows.length > LIMIT && last ? encodeCursor([last.updatedAt, last.id]) : null,
  };
}

async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
  if (request.method !== 'GET' || request.url !== '/api/v1/workstreams') {
    response.writeHead(404).end();
    return;
  }
  let actor: Actor;
  try {
    actor = await actorOf(request);
  } catch {
    response.writeHead(401).end();
    return;
  }
  const client = await appPool.connect();
  try {
    const body = await runList(client, actor);
    response.writeHead(200, { 'content-type': 'application/json; charset=utf-8' }).end(body);
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    response.writeHead(500).end(String(error));
  } finally {
    client.release();
  }
}

const server = createServer((request, response) => void handle(request, response));
server.listen(Number(process.env.PORT || 0), '127.0.0.1', () => {
  process.stdout.write(`listening ${(server.address() as AddressInfo).port}\n`);
});
process.on('SIGTERM', () => {
  server.close();
  void Promise.all([appPool.end(), authPool.end()]).then(() => process.exit(0));
});
