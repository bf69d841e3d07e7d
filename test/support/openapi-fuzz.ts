/**
 * Requests generated from the OpenAPI document (`/docs-json`) for test/fuzz.e2e-spec.ts: each
 * operation's path, query and body filled with values that are nearly right (the schema's
 * enums, ids of the world, dates) mixed with hostile ones (deep nesting, lone surrogates,
 * huge strings, odd dates, numbers JSON cannot hold, wrong types, forged cursors, bad
 * percent-encodings). The fuzz test then asserts what every answer must be.
 */
import fc from 'fast-check';

export interface Schema {
  $ref?: string;
  type?: string;
  format?: string;
  enum?: unknown[];
  example?: unknown;
  minimum?: number;
  maximum?: number;
  items?: Schema;
  properties?: Record<string, Schema>;
  required?: string[];
}

export interface Operation {
  method: string;
  path: string;
  parameters: { in: string; name: string; schema?: Schema }[];
  body?: Schema;
}

export interface OpenApi {
  paths: Record<string, Record<string, Omit<Operation, 'method' | 'path'> & RequestBodyOf>>;
  components: { schemas: Record<string, Schema> };
}
interface RequestBodyOf {
  requestBody?: { content?: Record<string, { schema?: Schema }> };
}

export interface FuzzRequest {
  method: string;
  /** Path and query as sent on the request line: printable ASCII only. */
  url: string;
  contentType?: string;
  body?: string;
}

/** JSON text written as it is (`1e309`, `-0`, 3,000 `[`): what JSON.stringify cannot produce. */
export class RawJson {
  constructor(readonly text: string) {}
}

export function operationsOf(doc: OpenApi): Operation[] {
  return Object.entries(doc.paths).flatMap(([path, item]) =>
    Object.entries(item).map(([method, op]) => ({
      method: method.toUpperCase(),
      path,
      parameters: op.parameters ?? [],
      body: op.requestBody?.content?.['application/json']?.schema,
    })),
  );
}

/** JSON text of a generated value, RawJson pieces verbatim. */
export function jsonText(value: unknown): string {
  if (value instanceof RawJson) return value.text;
  if (Array.isArray(value)) return `[${value.map(jsonText).join(',')}]`;
  if (value && typeof value === 'object') {
    const members = Object.entries(value).map(([k, v]) => `${JSON.stringify(k)}:${jsonText(v)}`);
    return `{${members.join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

const LONE_SURROGATE = /[\uD800-\uDFFF]/;

/** Percent-encoding that also writes a lone surrogate (as the bytes CESU-8 would give it). */
export function encode(text: string): string {
  let out = '';
  for (const char of text) {
    if (!LONE_SURROGATE.test(char) || char.length === 2) {
      out += encodeURIComponent(char);
      continue;
    }
    const cp = char.charCodeAt(0);
    out += [0xe0 | (cp >> 12), 0x80 | ((cp >> 6) & 0x3f), 0x80 | (cp & 0x3f)]
      .map((byte) => `%${byte.toString(16).toUpperCase()}`)
      .join('');
  }
  return out;
}

const nested = (open: string, inner: string, close: string) =>
  fc
    .integer({ min: 33, max: 3000 })
    .map((n) => new RawJson(open.repeat(n) + inner + close.repeat(n)));

const ODD_DATES = [
  '-2025-01-01',
  '2025-02-30',
  '2025-02-29',
  '2025-13-01',
  '0000-01-01',
  '0999-12-31',
  '10000-01-01',
  '2025-01-01T00:00:00+16:00',
  '2025-01-01T00:00:00-15:59',
  '2025-01-01T24:00:00Z',
  '9999-12-31T23:59:60Z',
  '2025-1-1',
  'infinity',
  '-infinity',
  'epoch',
  'now',
  'today',
  'allballs',
];

const NUMBERS: unknown[] = [
  new RawJson('1e309'),
  new RawJson('-1e309'),
  new RawJson('-0'),
  new RawJson('1e-400'),
  new RawJson('9223372036854775808'),
  new RawJson('-9223372036854775809'),
  2 ** 63,
  -(2 ** 63),
  2 ** 31,
  -(2 ** 31) - 1,
  Number.MAX_SAFE_INTEGER + 2,
  1e15 + 1,
  1.5,
  -1,
  0,
  'NaN',
  'Infinity',
  '1e309',
  '-0',
  '0x10',
  ' 1',
];

/** A value no field should take. */
export function hostile(ids: string[]): fc.Arbitrary<unknown> {
  return fc.oneof(
    nested('[', '', ']'),
    nested('{"a":', '1', '}'),
    fc.constantFrom('\ud800', 'a\udc00b', '\udbff', '\ud800@jwh.test', 'x\u0000y', '\u0000'),
    fc.constantFrom(...ODD_DATES),
    fc.constantFrom(...NUMBERS),
    fc.constantFrom<unknown>(true, false, null, {}, [], [{}], [[]], [null], { a: 1 }, 'x', 42),
    fc.integer({ min: 1000, max: 300_000 }).map((n) => 'x'.repeat(n)),
    fc.constant('y'.repeat(1_100_000)),
    fc.uuid(),
    fc
      .tuple(fc.constantFrom(...ids), fc.boolean())
      .map(([id, upper]) => (upper ? id.toUpperCase() : `${id} `)),
    fc.constantFrom('not-a-uuid', '00000000-0000-0000-0000-000000000000', 'a'.repeat(300)),
    fc.constantFrom(
      new RawJson('{"__proto__":{"polluted":true}}'),
      new RawJson('{"constructor":{"prototype":{"polluted":true}}}'),
    ),
    fc.constantFrom('\u202eevil', '\uFEFF', '\uFFFF', '💥🚮', "'; DROP TABLE users; --", '%_\\'),
    fc.string({ unit: 'binary', maxLength: 30 }),
  );
}

/** A keyset cursor holding odd values, or not a cursor at all. */
function cursor(ids: string[]): fc.Arbitrary<string> {
  const value = fc.oneof(
    fc.constantFrom(...ODD_DATES),
    fc.constantFrom('2025-01-01T00:00:00.000000Z', '2025-01-01', '1', '99999999999999999999'),
    fc.constantFrom(...ids),
    fc.string({ maxLength: 10 }),
  );
  return fc.oneof(
    fc
      .array(fc.oneof(value, fc.constantFrom<unknown>(1, null, {}, [])), { maxLength: 3 })
      .map((values) => Buffer.from(JSON.stringify(values)).toString('base64url')),
    fc.string({ maxLength: 40 }),
    fc.constantFrom('%%%', 'e30', 'W10', 'bnVsbA'),
  );
}

/** A nearly right value for a field, guessed from its schema and name. */
function validish(
  schema: Schema,
  name: string,
  doc: OpenApi,
  ids: string[],
  depth = 0,
): fc.Arbitrary<unknown> {
  const resolved = schema.$ref
    ? doc.components.schemas[schema.$ref.split('/').pop() ?? '']
    : schema;
  if (!resolved) return fc.constant(null);
  if (resolved.enum?.length) return fc.constantFrom(...resolved.enum);
  const id = fc.oneof(fc.constantFrom(...ids), fc.uuid());
  switch (resolved.type) {
    case 'boolean':
      return fc.boolean();
    case 'number':
    case 'integer':
      return fc.integer({ min: resolved.minimum ?? -5, max: resolved.maximum ?? 1_000_000 });
    case 'array':
      return fc.array(validish(resolved.items ?? {}, name, doc, ids, depth + 1), { maxLength: 3 });
    case 'object':
      return depth > 3 ? fc.constant({}) : bodyOf(resolved, doc, ids, depth + 1);
    default:
      if (resolved.format === 'uuid' || /Ids?$/.test(name)) return id;
      if (/On$|^from$/.test(name)) return fc.constantFrom('2026-03-31', '2025-02-28', '2028-02-29');
      if (/[eE]mail/.test(name)) return fc.constantFrom('officer@jwh.test', 'x@y.z');
      if (name === 'financialYear') return fc.constantFrom('2025-26', '2026-27');
      if (name === 'website') return fc.constant('https://www.glasgow.gov.uk');
      if (name === 'gssCode') return fc.constantFrom('S12000038', 'E06000022', 'X99999999');
      if (name === 'version') return fc.integer({ min: 1, max: 4 });
      if (resolved.example !== undefined) return fc.constant(resolved.example);
      return fc.string({ minLength: 1, maxLength: 20 });
  }
}

/** An object of a schema's properties, each nearly right or (one time in four) hostile. */
function bodyOf(schema: Schema, doc: OpenApi, ids: string[], depth = 0): fc.Arbitrary<unknown> {
  const fields = Object.fromEntries(
    Object.entries(schema.properties ?? {}).map(([name, property]) => [
      name,
      fc.oneof(
        { weight: 3, arbitrary: validish(property, name, doc, ids, depth) },
        { weight: 1, arbitrary: hostile(ids) },
      ),
    ]),
  );
  return fc.record(fields, { requiredKeys: schema.required ?? [] });
}

/** The whole body: the schema's object, with an unknown field now and then, or something else. */
function body(op: Operation, doc: OpenApi, ids: string[]): fc.Arbitrary<string | undefined> {
  const object = op.body
    ? validish(op.body, 'body', doc, ids)
    : fc.constant<unknown>({ unexpected: true });
  return fc.oneof(
    { weight: 6, arbitrary: object.map(jsonText) },
    {
      weight: 1,
      arbitrary: fc
        .tuple(object, fc.string({ maxLength: 10 }), hostile(ids))
        .map(([o, key, value]) =>
          jsonText(o && typeof o === 'object' && !Array.isArray(o) ? { ...o, [key]: value } : o),
        ),
    },
    { weight: 2, arbitrary: hostile(ids).map(jsonText) },
    { weight: 1, arbitrary: fc.constantFrom(undefined, '', '{', '{"a":1,}', 'null', '[]') },
  );
}

const RAW_SEGMENTS = ['%', '%E0%A4%A', '%00', '%ED%A0%80', '..', '%2e%2e', '%2F', 'a'.repeat(300)];

/** A request for one operation; path ids come from `idsFor(name)`, the world's ids by name. */
export function requestFor(
  op: Operation,
  doc: OpenApi,
  idsFor: (parameter: string) => string[],
): fc.Arbitrary<FuzzRequest> {
  const all = idsFor('');
  const pathParams = op.parameters.filter((p) => p.in === 'path');
  const queryParams = op.parameters.filter((p) => p.in === 'query');
  const segment = (name: string) =>
    fc.oneof(
      { weight: 4, arbitrary: fc.constantFrom(...idsFor(name)) },
      { weight: 1, arbitrary: fc.uuid() },
      {
        weight: 2,
        arbitrary: hostile(all).map((v) => encode(typeof v === 'string' ? v : jsonText(v))),
      },
      { weight: 1, arbitrary: fc.constantFrom(...RAW_SEGMENTS) },
    );
  const queryValue = (p: Operation['parameters'][number]) => {
    const right = validish(p.schema ?? {}, p.name, doc, all).map((v) =>
      Array.isArray(v) ? v.join(',') : String(v),
    );
    const bad = hostile(all).map((v) => (typeof v === 'string' ? v : jsonText(v)));
    const value = p.name === 'cursor' ? cursor(all) : fc.oneof(right, bad);
    return fc.option(
      fc.oneof(
        { weight: 4, arbitrary: value.map((v) => [v]) },
        {
          weight: 1,
          arbitrary: fc.array(value, { minLength: 2, maxLength: 3 }),
        },
      ),
    );
  };
  const query = fc.record(Object.fromEntries(queryParams.map((p) => [p.name, queryValue(p)])));
  const extra = fc.option(fc.tuple(fc.string({ maxLength: 8 }), fc.string({ maxLength: 8 })));
  const sendsBody = ['POST', 'PATCH', 'PUT'].includes(op.method);
  return fc
    .record({
      segments: fc.tuple(...pathParams.map((p) => segment(p.name))),
      query,
      extra,
      body: sendsBody ? body(op, doc, all) : fc.constant(undefined),
      contentType: fc.oneof(
        { weight: 12, arbitrary: fc.constant('application/json') },
        {
          weight: 1,
          arbitrary: fc.constantFrom(
            'application/json; charset=latin1',
            'text/plain',
            'application/x-www-form-urlencoded',
            'multipart/form-data; boundary=x',
            'application/json, text/plain',
          ),
        },
      ),
    })
    .map(({ segments, query: values, extra: unknownParam, body: text, contentType }) => {
      let path = op.path;
      pathParams.forEach((p, i) => (path = path.replace(`{${p.name}}`, segments[i])));
      const pairs = Object.entries(values).flatMap(([name, list]) =>
        (list ?? []).map((v) => `${encode(name)}=${encode(v)}`),
      );
      if (unknownParam) pairs.push(`${encode(unknownParam[0])}=${encode(unknownParam[1])}`);
      const url = pairs.length ? `${path}?${pairs.join('&')}` : path;
      return {
        method: op.method,
        url,
        body: text,
        contentType: text === undefined ? undefined : contentType,
      };
    });
}
