/**
 * pgbench (`/usr/bin/pgbench`, the Debian client) over a script file, with a per-transaction
 * log from which the percentiles are read.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
export const PGBENCH = process.env.PGBENCH || '/usr/bin/pgbench';

export interface PgbenchResult {
  transactions: number;
  tps: number;
  p50: number;
  p99: number;
  /** Mean latency in ms. */
  mean: number;
  errors: number;
}

export function percentile(sorted: number[], p: number): number {
  if (!sorted.length) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))];
}

/**
 * `-M prepared`: each command is prepared once per connection and executed with its
 * variables (`-D name=value`) as bind parameters, as the service sends its statements.
 */
export async function pgbench(options: {
  url: string;
  script: string;
  variables?: Record<string, string>;
  clients: number;
  seconds: number;
  workDir: string;
}): Promise<PgbenchResult> {
  const dir = mkdtempSync(join(options.workDir, 'pgbench-'));
  try {
    const scriptFile = join(dir, 'script.sql');
    writeFileSync(scriptFile, options.script);
    const threads = Math.min(2, options.clients);
    const args = [
      '-n',
      '-c',
      String(options.clients),
      '-j',
      String(threads),
      '-T',
      String(options.seconds),
    ];
    args.push('-M', 'prepared');
    for (const [name, value] of Object.entries(options.variables ?? {})) {
      args.push('-D', `${name}=${value}`);
    }
    args.push('-f', scriptFile, '-l', `--log-prefix=${join(dir, 'log')}`, options.url);
    const { stdout } = await run(PGBENCH, args, { maxBuffer: 16 * 1024 * 1024 }).catch(
      (error: Error & { stderr?: string }) => {
        throw new Error(`pgbench failed: ${error.stderr ?? error.message}`);
      },
    );
    const latencies: number[] = [];
    let errors = Number(/number of failed transactions: (\d+)/.exec(stdout)?.[1] ?? 0);
    for (const file of readdirSync(dir).filter((f) => f.startsWith('log'))) {
      for (const line of readFileSync(join(dir, file), 'utf8').split('\n')) {
        const micros = line.split(' ')[2];
        if (micros === undefined) continue;
        if (/^\d+$/.test(micros)) latencies.push(Number(micros) / 1000);
        else errors += 1;
      }
    }
    latencies.sort((a, b) => a - b);
    const tps = Number(/tps = ([\d.]+)/.exec(stdout)?.[1] ?? 0);
    const mean = latencies.reduce((sum, x) => sum + x, 0) / Math.max(1, latencies.length);
    return {
      transactions: latencies.length,
      tps,
      p50: percentile(latencies, 50),
      p99: percentile(latencies, 99),
      mean,
      errors,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
