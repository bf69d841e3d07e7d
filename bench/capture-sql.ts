/**
 * A preload for the service (`node -r ./dist/bench/capture-sql.js dist/src/main.js`) that
 * records the SQL a request sends, so the benchmark replays exactly what the code runs.
 *
 * A request carrying the header `x-bench-capture: 1` runs inside an AsyncLocalStorage scope;
 * every `pg.Client#query` issued in that scope appends one JSON line to the file named by
 * `BENCH_CAPTURE_FILE`: the connecting role, the text and the values as pg sends them (in
 * text form). The line is written synchronously before the query is sent, so by the time the
 * response reaches the client the file holds the whole request. Other requests pay one
 * AsyncLocalStorage lookup per query.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { appendFileSync } from 'node:fs';
import { IncomingMessage, Server } from 'node:http';
import * as pg from 'pg';
import { BEGINS_TRANSACTION } from '../src/database/begin-with';

/** One statement as the service sent it. */
export interface CapturedStatement {
  user: string;
  text: string;
  values: (string | null)[];
  /** Sent with `START TRANSACTION` ahead of it, in one round trip (src/database/begin-with.ts). */
  begins?: true;
  /** Sent as this named prepared statement (src/database/prepared-statements.ts). */
  name?: string;
}

// pg's own conversion of a JavaScript value to the text it sends (dates, arrays, JSON).
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { prepareValue } = require('pg/lib/utils') as {
  prepareValue(value: unknown): string | Buffer | null | undefined;
};

const file = process.env.BENCH_CAPTURE_FILE;
const scope = new AsyncLocalStorage<true>();

function textOf(value: unknown): string | null {
  const prepared = prepareValue(value);
  if (prepared === null || prepared === undefined) return null;
  return Buffer.isBuffer(prepared) ? `\\x${prepared.toString('hex')}` : String(prepared);
}

if (file) {
  type Query = (this: pg.Client, ...args: unknown[]) => unknown;
  const proto = pg.Client.prototype as unknown as { query: Query };
  const query = proto.query;
  proto.query = function (this: pg.Client, ...args: unknown[]): unknown {
    if (scope.getStore()) {
      const [first, second] = args;
      const config = (typeof first === 'string' ? { text: first } : first) as {
        text?: string;
        values?: unknown[];
        name?: string;
      };
      const values = Array.isArray(second) ? (second as unknown[]) : (config.values ?? []);
      const statement: CapturedStatement = {
        user: this.user ?? '',
        text: config.text ?? '',
        values: values.map(textOf),
        ...((config as Record<symbol, unknown>)[BEGINS_TRANSACTION] ? { begins: true } : {}),
        ...(config.name ? { name: config.name } : {}),
      };
      appendFileSync(file, `${JSON.stringify(statement)}\n`);
    }
    return query.apply(this, args);
  };

  type Emit = (this: Server, event: string, ...args: unknown[]) => boolean;
  const server = Server.prototype as unknown as { emit: Emit };
  const emit = server.emit;
  server.emit = function (this: Server, event: string, ...args: unknown[]): boolean {
    const request = args[0] as IncomingMessage | undefined;
    if (event === 'request' && request?.headers['x-bench-capture'] === '1') {
      return scope.run(true, () => emit.call(this, event, ...args));
    }
    return emit.call(this, event, ...args);
  };
}
