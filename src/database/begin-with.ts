/**
 * `START TRANSACTION` and a transaction's first statement in one round trip.
 *
 * pg sends a parameterised statement as Parse, Bind, Describe, Execute and Sync, and waits for
 * ReadyForQuery before the next. The extended protocol allows several statements before one
 * Sync, so this query writes Parse, Bind and Execute of `START TRANSACTION` ahead of its own
 * messages: PostgreSQL runs both in order, and the explicit transaction block stays open after
 * the Sync. If either fails, PostgreSQL skips the rest up to the Sync and the query rejects;
 * the caller rolls back (a failed `START TRANSACTION` leaves no block open, and a ROLLBACK
 * outside one is only a warning).
 *
 * The statement's values still travel as bind parameters. On a machine where every socket
 * write is a costly system call (this one: about a fifth of a list request's Node CPU was pg's
 * `writev`), one round trip fewer per request is measurable (README, Benchmark).
 */
import type { PoolClient, QueryResult, QueryResultRow } from 'pg';
import { Query } from 'pg';

/** The part of pg's internal connection this query writes to. */
interface Wire {
  parse(message: { text: string }): void;
  bind(message: object): void;
  execute(message: object): void;
}

/** Marks the query for bench/capture-sql.ts, which records the `START TRANSACTION` it carries. */
export const BEGINS_TRANSACTION = Symbol.for('jwh.beginsTransaction');

class BeginWith extends Query {
  readonly [BEGINS_TRANSACTION] = true;

  constructor(text: string, values: unknown[], name?: string) {
    super({ text, values, name });
  }

  /** pg's own `prepare`, after the three messages of `START TRANSACTION`. */
  prepare(connection: Wire): void {
    connection.parse({ text: 'START TRANSACTION' });
    connection.bind({});
    connection.execute({});
    (Query.prototype as unknown as { prepare(c: Wire): void }).prepare.call(this, connection);
  }
}

/**
 * Opens a transaction on `client` and runs `text` first in it, in one round trip: its rows.
 * With `name`, the statement is a named prepared statement (src/database/prepared-statements.ts).
 */
export function beginWith<R extends QueryResultRow>(
  client: PoolClient,
  text: string,
  values: unknown[],
  name?: string,
): Promise<R[]> {
  return new Promise((resolve, reject) => {
    const query = new BeginWith(text, values, name);
    // The answer through the query's callback, not its 'end' and 'error' events: with
    // query_timeout set, pg routes a failure (a read timeout, a connection cut or ended by a
    // restart) only to the callback, never to 'error', and a listener on the events waited
    // for ever (test/faults-restart.e2e-spec.ts).
    (query as unknown as { callback: QueryCallback<R> }).callback = (error, results) => {
      if (error) reject(error);
      else resolve((Array.isArray(results) ? results[results.length - 1] : results!).rows);
    };
    // pg answers one result per statement: START TRANSACTION's, then the statement's.
    client.query(query);
  });
}

type QueryCallback<R extends QueryResultRow> = (
  error: Error | null,
  results?: QueryResult<R> | QueryResult<R>[],
) => void;
