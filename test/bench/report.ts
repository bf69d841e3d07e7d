/**
 * What one run found: medians over the rounds, the ratios and targets, and the Markdown and
 * JSON written to bench/results/<date>-<scale>.{md,json}.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';

/** One measurement of one scenario in one round. */
export interface Sample {
  rps: number;
  p50: number;
  p99: number;
  errors: number;
  non2xx: number;
  requests: number;
  /** Service (or plain server) CPU per request, ms; absent for pgbench. */
  nodeCpuMs?: number;
  /** All PostgreSQL processes' CPU per request, ms; absent on an external server. */
  pgCpuMs?: number;
}

export interface ScenarioResult extends Sample {
  name: string;
  /** `service`, `plain`, or `pgbench`. */
  via: string;
  read: boolean;
  rounds: Sample[];
}

export interface Target {
  name: string;
  value: string;
  met: boolean | null;
}

export interface BenchReport {
  date: string;
  scale: string;
  machine: { cpu: string; cores: number; node: string; postgres: string; pgbench: string };
  generation: { seconds: number; rows: Record<string, number> };
  settings: { connections: number; seconds: number; rounds: number };
  byteIdentical: boolean;
  dashboardSqlMs: number;
  peakRssMb: number;
  scenarios: ScenarioResult[];
  ratios: Record<string, number | null>;
  targets: Target[];
  comparedWith?: string;
}

const median = (xs: number[]) => {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted.length ? sorted[Math.floor(sorted.length / 2)] : 0;
};

export function summarise(
  name: string,
  via: string,
  read: boolean,
  rounds: Sample[],
): ScenarioResult {
  const of = (key: keyof Sample) => {
    const xs = rounds.map((r) => r[key]).filter((x): x is number => typeof x === 'number');
    return xs.length ? median(xs) : undefined;
  };
  return {
    name,
    via,
    read,
    rps: of('rps') ?? 0,
    p50: of('p50') ?? 0,
    p99: of('p99') ?? 0,
    // Errors are summed: one failing round is a failure.
    errors: rounds.reduce((s, r) => s + r.errors, 0),
    non2xx: rounds.reduce((s, r) => s + r.non2xx, 0),
    requests: rounds.reduce((s, r) => s + r.requests, 0),
    nodeCpuMs: of('nodeCpuMs'),
    pgCpuMs: of('pgCpuMs'),
    rounds,
  };
}

export function machine(postgres: string): BenchReport['machine'] {
  const pgbench = (() => {
    try {
      return execFileSync('/usr/bin/pgbench', ['--version']).toString().trim();
    } catch {
      return 'unavailable';
    }
  })();
  return {
    cpu: cpus()[0]?.model ?? 'unknown',
    cores: cpus().length,
    node: process.version,
    postgres,
    pgbench,
  };
}

/** The latest small result to compare a larger scale with: today's if there is one. */
export function latestSmall(
  dir: string,
  date: string,
): { file: string; report: BenchReport } | undefined {
  if (!existsSync(dir)) return undefined;
  const files = readdirSync(dir)
    .filter((f) => /^\d{4}-\d{2}-\d{2}-small\.json$/.test(f))
    .sort();
  const file = files.includes(`${date}-small.json`)
    ? `${date}-small.json`
    : files[files.length - 1];
  if (!file) return undefined;
  return { file, report: JSON.parse(readFileSync(join(dir, file), 'utf8')) as BenchReport };
}

const fmt = (x: number | undefined, digits = 1) => (x === undefined ? '–' : x.toFixed(digits));

export function markdown(report: BenchReport): string {
  const lines = [
    `# Benchmark ${report.date}, scale ${report.scale}`,
    '',
    `Machine: ${report.machine.cpu}, ${report.machine.cores} cores; Node ${report.machine.node}; ` +
      `${report.machine.postgres}; ${report.machine.pgbench}.`,
    `Load: ${report.settings.connections} connections, ${report.settings.seconds} s per measurement, ` +
      `${report.settings.rounds} interleaved rounds, medians shown (errors summed).`,
    `Generation: ${report.generation.seconds.toFixed(1)} s (${Object.entries(report.generation.rows)
      .map(([t, n]) => `${t} ${n.toLocaleString('en-GB')}`)
      .join(', ')}).`,
    '',
    '| scenario | via | req/s | p50 ms | p99 ms | errors | non-2xx | Node CPU ms/req | PG CPU ms/req |',
    '|---|---|---:|---:|---:|---:|---:|---:|---:|',
    ...report.scenarios.map(
      (s) =>
        `| ${s.name} | ${s.via} | ${fmt(s.rps, 0)} | ${fmt(s.p50, 2)} | ${fmt(s.p99, 2)} | ${s.errors} | ` +
        `${s.non2xx} | ${fmt(s.nodeCpuMs, 3)} | ${fmt(s.pgCpuMs, 3)} |`,
    ),
    '',
    `Plain server body byte-identical to the service's: ${report.byteIdentical ? 'yes' : 'NO'}. ` +
      `Dashboard SQL: ${report.dashboardSqlMs.toFixed(2)} ms/request (pgbench, 1 client). ` +
      `Service peak RSS: ${report.peakRssMb.toFixed(0)} MB.`,
    '',
    '| ratio | value |',
    '|---|---:|',
    ...Object.entries(report.ratios).map(
      ([k, v]) => `| ${k} | ${v === null ? 'n/a' : v.toFixed(2)} |`,
    ),
    '',
    ...(report.comparedWith ? [`Scale ratios against ${report.comparedWith}.`, ''] : []),
    '| target | value | verdict |',
    '|---|---|---|',
    ...report.targets.map(
      (t) =>
        `| ${t.name} | ${t.value} | ${t.met === null ? 'n/a' : t.met ? 'target met' : 'TARGET MISSED'} |`,
    ),
    '',
  ];
  return lines.join('\n');
}

export function write(dir: string, report: BenchReport): string[] {
  mkdirSync(dir, { recursive: true });
  const base = join(dir, `${report.date}-${report.scale}`);
  writeFileSync(`${base}.json`, JSON.stringify(report, null, 2) + '\n');
  writeFileSync(`${base}.md`, markdown(report));
  return [`${base}.json`, `${base}.md`];
}
