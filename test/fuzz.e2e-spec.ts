import fc from 'fast-check';
import { writeFileSync } from 'node:fs';
import { Agent, request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import { Role } from '../src/tenancy/actor';
import { FuzzRequest, OpenApi, Operation, operationsOf, requestFor } from './support/openapi-fuzz';
import { TestApp } from './support/test-app';
import { PLATFORM_ADMIN_SETTINGS, queryAs } from './support/test-database';
import { SignedIn, World, call, partnership, submittedCase, workstream } from './support/world';

/**
 * Every operation of the OpenAPI document, as every role and with no token, sent generated
 * bad input: no answer is a 5xx, and every error is problem+json. FUZZ_RUNS requests per
 * operation and role (3 by default, so `npm test` stays quick); FUZZ_SEED repeats a run:
 *   FUZZ_RUNS=200 FUZZ_SEED=1234 npx jest test/fuzz
 */
const RUNS = Number(process.env.FUZZ_RUNS ?? 3);
const SEED = Number(process.env.FUZZ_SEED ?? Math.floor(Math.random() * 2 ** 31));
const ROLES = ['platform_admin', 'council_admin', 'officer', 'viewer', 'none'] as const;
type FuzzRole = (typeof ROLES)[number];

interface Answer {
  status: number;
  contentType: string;
  text: string;
}

interface Failure {
  role: FuzzRole;
  request: string;
  answer: string;
}

describe('fuzzing every operation', () => {
  let world: World;
  let t: TestApp;
  let port: number;
  let glasgow: string;
  let doc: OpenApi;
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  const callers = new Map<FuzzRole, SignedIn>();
  const ids = new Map<string, string[]>();

  const send = (req: FuzzRequest, who?: SignedIn): Promise<Answer> =>
    new Promise((resolve, reject) => {
      const headers: Record<string, string> = {};
      if (who) headers.authorization = `Bearer ${who.accessToken}`;
      if (req.contentType) headers['content-type'] = req.contentType;
      const outgoing = httpRequest(
        { host: '127.0.0.1', port, method: req.method, path: req.url, headers, agent },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('end', () =>
            resolve({
              status: res.statusCode ?? 0,
              contentType: String(res.headers['content-type'] ?? ''),
              text: Buffer.concat(chunks).toString('utf8').slice(0, 500),
            }),
          );
          res.on('error', reject);
        },
      );
      outgoing.on('error', reject);
      outgoing.end(req.body);
    });

  /** Fuzzing may suspend the council, disable a caller or change a role: put the world back. */
  const restoreCallers = async () => {
    const [admin] = await queryAs<{ status: string }>(
      t.db.appUrl,
      PLATFORM_ADMIN_SETTINGS,
      `SELECT status FROM users WHERE id = $1`,
      [world.admin.id],
    );
    if ((await call(t, world.admin, 'get', '/me')).status !== 200 || admin.status !== 'active') {
      await world.activate(world.admin.id);
      world.admin = await world.login(world.admin.email, world.admin.id, null);
      callers.set('platform_admin', world.admin);
    }
    const council = await call(t, world.admin, 'get', `/councils/${glasgow}`, undefined, 200);
    if (council.body.status !== 'active') {
      const { version } = council.body as { version: number };
      await call(
        t,
        world.admin,
        'patch',
        `/councils/${glasgow}`,
        { status: 'active', version },
        200,
      );
    }
    for (const role of ['council_admin', 'officer', 'viewer'] as Role[]) {
      const me = await call(t, callers.get(role)!, 'get', '/me');
      if (me.status !== 200 || (me.body as { user: { role: string } }).user.role !== role) {
        callers.set(role, await world.user(glasgow, role));
      }
    }
  };

  beforeAll(async () => {
    world = await World.start({ LOGIN_THROTTLE_LIMIT: '10000' });
    t = world.t;
    await new Promise<void>((resolve) => t.http.listen(0, '127.0.0.1', resolve));
    port = (t.http.address() as AddressInfo).port;
    doc = (await request(t.http).get('/docs-json').expect(200)).body as OpenApi;
    glasgow = await world.council('S12000049');
    const inverclyde = await world.council('S12000018');
    callers.set('platform_admin', world.admin);
    for (const role of ['council_admin', 'officer', 'viewer'] as Role[]) {
      callers.set(role, await world.user(glasgow, role));
    }
    const officer = callers.get('officer')!;
    const inverclydeAdmin = await world.user(inverclyde, 'council_admin');
    const clydeValley = await partnership(t, callers.get('council_admin')!, 'Clyde Valley', [
      inverclyde,
    ]);
    const waste = await workstream(t, officer, {
      title: 'Residual waste treatment',
      partnershipId: clydeValley,
      leadCouncilIds: [glasgow],
    });
    const records: string[] = [];
    const add = async (path: string, body: object, who = officer) =>
      records.push((await call(t, who, 'post', path, body, 201)).body.id as string);
    const base = `/workstreams/${waste.id}`;
    await add(`${base}/milestones`, { title: 'Award', dueOn: '2026-03-31' });
    await add(`${base}/actions`, { action: 'Agree the plan' });
    await add(`${base}/risks`, { description: 'Delay', likelihood: 2, impact: 3 });
    await add(`${base}/funding`, { funder: 'Local Partnerships', amountPence: 1000 });
    records.push(await submittedCase(t, officer, waste.id, 'Case'));
    await add(`${base}/business-cases/${records.at(-1)}/decisions`, {
      decision: 'approved',
      decidedOn: '2026-01-15',
    });
    await add(`${base}/savings`, { financialYear: '2026-27', cashable: true });
    await add(`${base}/participants`, {}, inverclydeAdmin);
    const members = await call(t, officer, 'get', `/partnerships/${clydeValley}/members`);
    records.push(...(members.body.data as { id: string }[]).map((m) => m.id));
    const agreement = await call(
      t,
      officer,
      'post',
      '/agreements',
      {
        reference: 'CV/1',
        title: 'Clyde Valley co-operation',
        purposes: ['Work together'],
        legalBasis: ['Local Government in Scotland Act 2003'],
        parties: [{ councilId: glasgow }, { councilId: inverclyde }],
        workstreamIds: [waste.id],
      },
      201,
    );
    await call(t, officer, 'post', `/agreements/${agreement.body.id}/submit`, { version: 1 }, 200);
    const report = await call(
      t,
      officer,
      'post',
      '/reports',
      {
        title: 'Clyde Valley progress',
        type: 'committee_report',
        periodTo: '2026-03-31',
        partnershipId: clydeValley,
        purpose: 'To update members.',
      },
      201,
    );
    const users = [...callers.values()].filter((u) => u !== world.admin).map((u) => u.id);
    ids.set('reports', [report.body.id as string]);
    ids.set('agreements', [agreement.body.id as string]);
    ids.set('councils', [glasgow, inverclyde]);
    ids.set('users', users);
    ids.set('partnerships', [clydeValley]);
    ids.set('workstreams', [waste.id]);
    ids.set('records', records);
    ids.set('', [
      glasgow,
      inverclyde,
      ...users,
      clydeValley,
      waste.id,
      agreement.body.id,
      ...records,
    ]);
  });
  afterAll(async () => {
    agent.destroy();
    await t.close();
  });

  it(
    'answers no bad input with a 5xx, and every error with problem+json',
    async () => {
      const operations = operationsOf(doc);
      process.stdout.write(
        `fuzz: FUZZ_SEED=${SEED} FUZZ_RUNS=${RUNS}: ${operations.length} operations × ` +
          `${ROLES.length} roles × ${RUNS} runs\n`,
      );
      const failures: Failure[] = [];
      const statuses = new Map<number, number>();
      let index = 0;
      for (const op of operations) {
        await restoreCallers();
        const collection = op.path.split('/')[3] ?? '';
        const idsFor = (name: string) =>
          (name === 'id' ? ids.get(collection) : undefined) ??
          (name ? ids.get('records') : undefined) ??
          ids.get('')!;
        const arbitrary = requestFor(op, doc, idsFor);
        for (const role of ROLES) {
          await fc.assert(
            fc.asyncProperty(arbitrary, async (req) => {
              const answer = await send(req, role === 'none' ? undefined : callers.get(role)).catch(
                (error: Error) => ({ status: 0, contentType: '', text: error.message }),
              );
              statuses.set(answer.status, (statuses.get(answer.status) ?? 0) + 1);
              const problem = answer.contentType.startsWith('application/problem+json');
              if (
                answer.status === 0 ||
                answer.status >= 500 ||
                (answer.status >= 400 && !problem)
              ) {
                failures.push({ role, request: shown(op, req), answer: summary(answer) });
              }
            }),
            { numRuns: RUNS, seed: SEED + index++ },
          );
        }
      }
      const counts = [...statuses].sort(([a], [b]) => a - b).map(([s, n]) => `${s}×${n}`);
      process.stdout.write(`fuzz: answers ${counts.join(' ')}; ${failures.length} failures\n`);
      // FUZZ_REPORT=file.json keeps every failure of a long run, not only the first 20.
      if (process.env.FUZZ_REPORT) writeFileSync(process.env.FUZZ_REPORT, JSON.stringify(failures));
      expect(failures.slice(0, 20)).toEqual([]);
    },
    Math.max(120_000, RUNS * 1500 * 63),
  );
});

function shown(op: Operation, req: FuzzRequest): string {
  const body = req.body === undefined ? '' : ` ${req.contentType} ${req.body.slice(0, 300)}`;
  return `${op.method} ${op.path} → ${req.url.slice(0, 300)}${body}`;
}

function summary(answer: Answer): string {
  return `${answer.status} ${answer.contentType} ${answer.text.slice(0, 200)}`;
}
