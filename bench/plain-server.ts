/**
 * The cost floor of `GET /api/v1/workstreams` in Node: a plain `http` + `pg` server with the
 * service's JWT check (HS256, issuer, audience, via jsonwebtoken), its `auth_actor` lookup on
 * the sign-in role's pool and the SQL the service sent for the list (captured from the service
 * by bench/capture-sql.ts), with the settings proof made fresh per request by the service's own
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
import { encodeCursor, useCursorSecret } from '../src/common/pagination';
import { SettingsProver } from '../src/database/settings-proof';
import { settingsStatement } from '../src/tenancy/tenant-transaction.adapter';
import type { CapturedStatement } from './capture-sql';

const LIMIT = 50;
const LEAD_OFFICER_FIELDS = ['id', 'name', 'jobTitle', 'email'] as const;

interface Actor {
  user_id: string;
  council_id: string | null;
  role: string;
}

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
const authStatements = captured.filter((s) => s.user !== appUser);
const appStatements = captured.filter((s) => s.user === appUser);

async function actorOf(request: IncomingMessage): Promise<Actor & { sid: string }> {
  const header = request.headers.authorization ?? '';
  const token = header.startsWith('Bearer ') ? header.slice(7) : '';
  const claims = jwt.verify(token, key, verifyOptions) as { sub: string; sid: string };
  let actor: Actor | undefined;
  for (const statement of authStatements) {
    const values = statement.values.length === 2 ? [claims.sub, claims.sid] : statement.values;
    const result = await authPool.query<Actor>(statement.text, values);
    actor = result.rows[0] ?? actor;
  }
  if (!actor) throw new Error('no actor');
  return { ...actor, sid: claims.sid };
}

/** Runs the captured statements in order, with a fresh proof. */
async function runList(client: PoolClient, actor: Actor & { sid: string }): Promise<string> {
  let rows: Row[] = [];
  for (const statement of appStatements) {
    let values: unknown[] = statement.values;
    if (statement.text.includes("'app.proof'")) {
      values = settingsStatement(prover, {
        userId: actor.user_id,
        councilId: actor.council_id ?? '',
        role: actor.role,
        sessionId: actor.sid,
        requestId: randomUUID(),
      })[1];
    }
    const result: QueryResult<Row> = await client.query<Row>(statement.text, values);
    if (result.fields.some((f) => f.name === 'latestStatus')) rows = result.rows;
  }
  return JSON.stringify(page(actor, rows));
}

/** The service's mapping (WorkstreamsService.list and shownOfficer, pageOf). */
function page(actor: Actor, rows: Row[]): { data: Row[]; nextCursor: string | null } {
  const data: Row[] = rows.slice(0, LIMIT).map(({ sort_at: _sortAt, leadOfficerRow, ...row }) => {
    const officer = leadOfficerRow as Row | null;
    if (!officer) return { ...row, leadOfficer: null };
    const shown = Object.fromEntries(
      LEAD_OFFICER_FIELDS.filter(
        (f) => officer[f] != null && (f !== 'email' || officer.councilId === actor.council_id),
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
  let actor: Actor & { sid: string };
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
