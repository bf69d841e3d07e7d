/**
 * The README's tour cannot drift (README, First steps): its `sh tour` blocks, in order, run
 * in one bash with `set -euo pipefail` against the real app listening on a port of its own,
 * on a fresh database holding the demo data as the first `npm start` loads it (the password
 * in DATA_DIR/demo-password, mail in DATA_DIR/outbox). Each block must print exactly the
 * `text` block that follows it in the README, or nothing when none follows.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { firstRunDemo } from '../src/cli/first-run';
import { EmbeddedPostgresServer } from '../src/database/embedded-postgres';
import { TestApp, createTestApp } from './support/test-app';
import { createTestDatabase } from './support/test-database';
import { testConfig } from './support/test-config';

interface TourStep {
  /** The README line of the block's opening fence. */
  line: number;
  script: string;
  expected: string;
}

/** The `sh tour` blocks of a Markdown text, each with the `text` block right after it. */
function tourSteps(markdown: string): TourStep[] {
  const lines = markdown.split('\n');
  const steps: TourStep[] = [];
  const block = (from: number): { body: string; end: number } => {
    let end = from + 1;
    while (end < lines.length && !/^```\s*$/.test(lines[end])) end++;
    if (end === lines.length) throw new Error(`README line ${from + 1}: unclosed block`);
    return { body: lines.slice(from + 1, end).join('\n'), end };
  };
  for (let i = 0; i < lines.length; i++) {
    if (!/^```sh tour\s*$/.test(lines[i])) continue;
    const script = block(i);
    let next = script.end + 1;
    while (next < lines.length && lines[next].trim() === '') next++;
    const expected = /^```text\s*$/.test(lines[next] ?? '') ? block(next) : undefined;
    steps.push({ line: i + 1, script: script.body, expected: expected?.body ?? '' });
    i = expected?.end ?? script.end;
  }
  return steps;
}

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs bash beside the app: asynchronously, as the app answers in this very process. */
function bash(script: string, env: Record<string, string>, timeoutMs: number): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn('bash', ['-c', script], {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

const marker = (i: number) => `@@ README tour step ${i} @@`;

describe("the README's API tour", () => {
  const steps = tourSteps(readFileSync(join(__dirname, '..', 'README.md'), 'utf8'));
  let t: TestApp;
  let port: number;

  beforeAll(async () => {
    // As the first `npm start` on an empty embedded database: the demo data, its password
    // file and the outbox in DATA_DIR, then the app on a port.
    const config = testConfig();
    const db = await createTestDatabase();
    const embedded = { ...db, embedded: {} as EmbeddedPostgresServer };
    await expect(firstRunDemo(config, embedded, () => undefined)).resolves.toMatchObject({
      loaded: true,
    });
    t = await createTestApp({ database: db, env: { DATA_DIR: config.dataDir } });
    await t.app.listen(0, '127.0.0.1');
    port = (t.app.getHttpServer().address() as AddressInfo).port;
  }, 180_000);
  afterAll(() => t?.close());

  it('has the steps the issue asks for, each with its answer', () => {
    const tour = steps.map((s) => s.script).join('\n');
    expect(steps.length).toBeGreaterThanOrEqual(8);
    for (const call of ['/auth/login', '/dashboard', '/status-updates', '/councils', '/users']) {
      expect(tour).toContain(call);
    }
    expect(tour).toContain('/auth/accept-invitation');
    expect(steps.slice(1).filter((s) => !s.expected)).toEqual([]);
  });

  it('prints what the README says, step by step, with every command succeeding', async () => {
    const script = [
      'set -euo pipefail',
      ...steps.flatMap((s, i) => [`printf '%s\\n' '${marker(i)}'`, s.script]),
    ].join('\n');
    const run = await bash(script, { PORT: String(port), DATA_DIR: t.config.dataDir }, 90_000);
    expect({ code: run.code, stderr: run.stderr }).toEqual({ code: 0, stderr: '' });
    const printed = run.stdout.split('\n');
    const output = steps.map((s, i) => {
      const from = printed.indexOf(marker(i)) + 1;
      const to = i + 1 < steps.length ? printed.indexOf(marker(i + 1)) : printed.length;
      return `README line ${s.line}:\n${printed.slice(from, to).join('\n').trimEnd()}`;
    });
    expect(output).toEqual(steps.map((s) => `README line ${s.line}:\n${s.expected.trimEnd()}`));
  }, 120_000);
});
