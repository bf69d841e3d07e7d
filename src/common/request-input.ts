/**
 * One walk over everything a request carries (path parameters, query, body) before any guard,
 * pipe or validator sees it. It refuses, with a 400 naming the field:
 * - nesting deeper than MAX_DEPTH: the walk is iterative and stops there, so a body nested
 *   3,000 deep (a few kilobytes of `[`) cannot overflow the stack of anything recursive after
 *   it (class-transformer, class-validator, JSON.stringify);
 * - a NUL character, which PostgreSQL text cannot store;
 * - a lone UTF-16 surrogate (`"\ud800"` in JSON), which validators pass to `encodeURI` (it
 *   throws) and the database driver silently turns into U+FFFD.
 * Keys are checked like values: a bad key is named with its bad characters replaced.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { FieldError, ValidationProblem } from './problem';

export const MAX_DEPTH = 32;
/** Enough to show a client what is wrong without echoing a whole hostile body back. */
const MAX_FAULTS = 20;
const NUL = '\u0000';
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const LONE_SURROGATES = new RegExp(LONE_SURROGATE.source, 'g');

interface Step {
  value: unknown;
  /** The field's path, built when it is pushed (a path is short: depth is bounded). */
  path: string;
  depth: number;
}

const fieldOf = (parent: string, key: string | number, root: string): string =>
  typeof key === 'number' ? `${parent || root}[${key}]` : parent ? `${parent}.${key}` : key;

function textFault(text: string, field: string): FieldError | undefined {
  if (text.includes(NUL)) return { field, message: `${field} must not contain a NUL character` };
  if (LONE_SURROGATE.test(text)) {
    return { field, message: `${field} must not contain a lone surrogate (invalid UTF-16)` };
  }
  return undefined;
}

/**
 * The faults of one request value. `root` names the value itself when it has no field of its
 * own (a body that is an array, or too deep from its first level).
 */
export function inputFaults(value: unknown, root: string): FieldError[] {
  const faults: FieldError[] = [];
  const stack: Step[] = [{ value, path: '', depth: 0 }];
  while (stack.length && faults.length < MAX_FAULTS) {
    const { value: current, path, depth } = stack.pop()!;
    if (typeof current === 'string') {
      const fault = textFault(current, path || root);
      if (fault) faults.push(fault);
      continue;
    }
    if (!current || typeof current !== 'object') continue;
    if (depth >= MAX_DEPTH) {
      const field = path || root;
      faults.push({ field, message: `${field} nests deeper than ${MAX_DEPTH} levels` });
      continue;
    }
    if (Array.isArray(current)) {
      for (let i = current.length - 1; i >= 0; i--) {
        // A million numbers need no path each: only text and containers are looked into.
        const item: unknown = current[i];
        if (typeof item !== 'string' && (!item || typeof item !== 'object')) continue;
        stack.push({ value: item, path: fieldOf(path, i, root), depth: depth + 1 });
      }
      continue;
    }
    const keys = Object.keys(current);
    for (let i = keys.length - 1; i >= 0; i--) {
      const key = keys[i];
      const bad = textFault(key, key);
      const field = fieldOf(path, bad ? key.replace(LONE_SURROGATES, '\uFFFD') : key, root);
      if (bad) {
        const named = field.replaceAll(NUL, '\uFFFD');
        faults.push({
          field: named,
          message: `${named}: a key must not contain a NUL character or a lone surrogate`,
        });
        continue;
      }
      stack.push({
        value: (current as Record<string, unknown>)[key],
        path: field,
        depth: depth + 1,
      });
    }
  }
  return faults;
}

/** Fastify preValidation hook: after the body is parsed, before the route's guards and pipes. */
export function refuseBadInput(
  request: FastifyRequest,
  _reply: FastifyReply,
  done: (error?: Error) => void,
): void {
  const faults = [
    ...inputFaults(request.params, 'params'),
    ...inputFaults(request.query, 'query'),
    // A document upload's body is its bytes (src/agreements): nothing to walk.
    ...(Buffer.isBuffer(request.body) ? [] : inputFaults(request.body, 'body')),
  ];
  done(faults.length ? new ValidationProblem(faults.slice(0, MAX_FAULTS)) : undefined);
}
