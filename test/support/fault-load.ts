/**
 * A mixed load of reads and writes for the fault tests, with a log of every answer and of each
 * write the service acknowledged (2xx): a status update (its period, unique) or a new
 * workstream (its id). After the fault, each acknowledged write must be stored.
 */
import request from 'supertest';

export interface Reply {
  status: number;
  contentType: string;
  retryAfter?: string;
  body: Record<string, unknown>;
}

/** Sends one request; status 0 when it failed without an answer (or took over `timeoutMs`). */
export type Send = (method: 'get' | 'post', path: string, body?: object) => Promise<Reply>;

export interface Answer {
  kind: 'read' | 'status update' | 'new workstream' | 'health';
  status: number;
  problem: boolean;
  retryAfter?: string;
  /** The problem's detail, when it is not a success. */
  detail?: string;
  ms: number;
  startedAt: number;
}

const TIMEOUT_MS = 30_000;

/** Requests to the app in this process (supertest). */
export function supertestSender(http: Parameters<typeof request>[0], token: string): Send {
  return async (method, path, body) => {
    const req = request(http)[method](path).set('Authorization', `Bearer ${token}`);
    try {
      const res = await (body ? req.send(body) : req).timeout(TIMEOUT_MS);
      return {
        status: res.status,
        contentType: String(res.headers['content-type'] ?? ''),
        retryAfter: res.headers['retry-after'],
        body: (res.body ?? {}) as Record<string, unknown>,
      };
    } catch {
      return { status: 0, contentType: '', body: {} };
    }
  };
}

/** Requests to a service on a real port (a child process). */
export function fetchSender(baseUrl: string, token: string): Send {
  return async (method, path, body) => {
    try {
      const res = await fetch(baseUrl + path, {
        method: method.toUpperCase(),
        headers: {
          Authorization: `Bearer ${token}`,
          ...(body ? { 'Content-Type': 'application/json' } : {}),
        },
        body: body ? JSON.stringify(body) : undefined,
        signal: AbortSignal.timeout(TIMEOUT_MS),
      });
      const text = await res.text();
      let parsed: Record<string, unknown> = {};
      try {
        parsed = JSON.parse(text) as Record<string, unknown>;
      } catch {
        // not JSON
      }
      return {
        status: res.status,
        contentType: res.headers.get('content-type') ?? '',
        retryAfter: res.headers.get('retry-after') ?? undefined,
        body: parsed,
      };
    } catch {
      return { status: 0, contentType: '', body: {} };
    }
  };
}

export class FaultLoad {
  readonly answers: Answer[] = [];
  /** Periods of the status updates answered 201. */
  readonly acknowledgedUpdates: string[] = [];
  /** Ids of the workstreams answered 201. */
  readonly acknowledgedWorkstreams: string[] = [];
  private running = false;
  private workers: Promise<void>[] = [];
  private counter = 0;

  constructor(
    private readonly send: Send,
    private readonly workstreamId: string,
    private readonly tag: string,
  ) {}

  /** One request of the mix, logged: a read, a status update, a new workstream in turn. */
  async one(kind?: Answer['kind']): Promise<Answer> {
    const n = ++this.counter;
    const chosen = kind ?? (['read', 'status update', 'new workstream'] as const)[n % 3];
    const startedAt = Date.now();
    let reply: Reply;
    let key = '';
    if (chosen === 'read') reply = await this.send('get', '/api/v1/workstreams?limit=5');
    else if (chosen === 'health') reply = await this.send('get', '/health');
    else if (chosen === 'status update') {
      key = `${this.tag} update ${n}`;
      reply = await this.send('post', `/api/v1/workstreams/${this.workstreamId}/status-updates`, {
        rag: 'green',
        period: key,
      });
    } else {
      reply = await this.send('post', '/api/v1/workstreams', {
        title: `${this.tag} workstream ${n}`,
        serviceArea: 'other',
      });
      key = typeof reply.body.id === 'string' ? reply.body.id : '';
    }
    const answer: Answer = {
      kind: chosen,
      status: reply.status,
      problem: /application\/problem\+json/.test(reply.contentType),
      retryAfter: reply.retryAfter,
      detail: typeof reply.body.detail === 'string' ? reply.body.detail : undefined,
      ms: Date.now() - startedAt,
      startedAt,
    };
    this.answers.push(answer);
    if (reply.status === 201 && chosen === 'status update') this.acknowledgedUpdates.push(key);
    if (reply.status === 201 && chosen === 'new workstream') this.acknowledgedWorkstreams.push(key);
    return answer;
  }

  /** `workers` loops of requests, each after the last answered (a short pause between). */
  start(workers = 4): void {
    this.running = true;
    this.workers = Array.from({ length: workers }, async () => {
      while (this.running) {
        await this.one();
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    });
  }

  async stop(): Promise<void> {
    this.running = false;
    await Promise.all(this.workers);
  }

  /** Figures for the report: requests, 503s, the longest wait, writes acknowledged. */
  summary(): {
    requests: number;
    served: number;
    unavailable: number;
    other: number;
    longestMs: number;
    acknowledgedWrites: number;
  } {
    return {
      requests: this.answers.length,
      served: this.answers.filter((a) => a.status >= 200 && a.status < 300).length,
      unavailable: this.answers.filter((a) => a.status === 503).length,
      other: this.answers.filter((a) => a.status !== 503 && (a.status < 200 || a.status >= 300))
        .length,
      longestMs: Math.max(0, ...this.answers.map((a) => a.ms)),
      acknowledgedWrites: this.acknowledgedUpdates.length + this.acknowledgedWorkstreams.length,
    };
  }
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls `probe` until it is true (or throws after `withinMs`); answers how long it took. */
export async function until(
  probe: () => Promise<boolean>,
  withinMs: number,
  what: string,
): Promise<number> {
  const started = Date.now();
  while (Date.now() - started < withinMs) {
    if (await probe().catch(() => false)) return Date.now() - started;
    await sleep(200);
  }
  throw new Error(`${what}: not within ${withinMs} ms`);
}
