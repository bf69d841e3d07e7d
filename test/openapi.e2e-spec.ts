import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import request from 'supertest';
import { CLIENT } from './support/openapi-client';
import {
  OpenApiDocument,
  OperationEntry,
  Schema,
  generateTypes,
  openApiErrors,
  operationsOf,
  scratch,
  typeErrors,
} from './support/openapi-check';
import { World } from './support/world';

/**
 * The OpenAPI document is good enough to generate a client from (README, Generating a
 * client): valid, every operation named and summarised, every error a problem, every property
 * typed, and true: a client generated from it signs in and lists workstreams with the types
 * the service really answers, and real answers match the documented schemas.
 */

/** Operations that need no token (`@Public()`), by operationId. */
const PUBLIC = [
  'acceptInvitation',
  'apiIndex',
  'confirmPasswordReset',
  'health',
  'healthLive',
  'healthReady',
  'index',
  'login',
  'refreshTokens',
  'requestPasswordReset',
];

/** Properties that are free-form JSON on purpose. */
const FREE_FORM = [
  'AuditEventDto.before',
  'AuditEventDto.after',
  'MeDto.rules[][]',
  'ReportSectionDto.content',
];

/** Names ending in Id that are not UUIDs, and At that are dates, not timestamps. */
const NOT_UUID = ['AuditEventDto.entityId', 'AuditEventDto.requestId'];
const DATE_AT = ['StatusUpdateDto.asAt', 'LatestStatusDto.asAt', 'CreateStatusUpdateDto.asAt'];

/** Every schema reachable under `name`, with its dotted path. */
function walk(name: string, schema: Schema, visit: (path: string, s: Schema) => void): void {
  visit(name, schema);
  for (const [key, value] of Object.entries(schema.properties ?? {}))
    walk(`${name}.${key}`, value, visit);
  if (schema.items) walk(`${name}[]`, schema.items, visit);
  if (typeof schema.additionalProperties === 'object')
    walk(`${name}{}`, schema.additionalProperties, visit);
  for (const part of [...(schema.allOf ?? []), ...(schema.oneOf ?? []), ...(schema.anyOf ?? [])])
    walk(name, part, visit);
}

const routeOf = ({ method, path }: OperationEntry) => `${method.toUpperCase()} ${path}`;

describe('the OpenAPI document at /docs-json', () => {
  let world: World;
  let doc: OpenApiDocument;
  let ops: OperationEntry[];
  const tmp = scratch();

  beforeAll(async () => {
    world = await World.start();
    doc = (await request(world.t.http).get('/docs-json').expect(200)).body as OpenApiDocument;
    ops = operationsOf(doc);
  });
  afterAll(async () => {
    tmp.done();
    await world.t.close();
  });

  it('is a valid OpenAPI 3 document', async () => {
    expect(doc.openapi).toMatch(/^3\.0\./);
    expect(await openApiErrors(doc, tmp.dir)).toEqual([]);
  });

  it('gives every operation a summary and its own camelCase operationId, unique', () => {
    expect(ops.length).toBeGreaterThan(90);
    expect(ops.filter(({ op }) => !op.summary?.trim()).map(routeOf)).toEqual([]);
    // The fallback (`Controller_method`) has an underscore: every operation names its own.
    expect(
      ops.filter(({ op }) => !/^[a-z][A-Za-z0-9]*$/.test(op.operationId ?? '')).map(routeOf),
    ).toEqual([]);
    const ids = ops.map(({ op }) => op.operationId);
    expect(ids.filter((id, i) => ids.indexOf(id) !== i)).toEqual([]);
  });

  it('documents 401 on every operation that needs a token, and a token on all but the public ones', () => {
    const open = ops.filter(({ op }) => !op.security?.length);
    expect(open.map(({ op }) => op.operationId).sort()).toEqual(PUBLIC);
    const secured = ops.filter(({ op }) => op.security?.length);
    expect(secured.filter(({ op }) => !op.responses['401']).map(routeOf)).toEqual([]);
  });

  it('documents every error as application/problem+json with the one problem schema', () => {
    const faults = ops.flatMap((entry) =>
      Object.entries(entry.op.responses)
        .filter(([status]) => Number(status) >= 400)
        .filter(([, answer]) => {
          const content = answer.content ?? {};
          return (
            Object.keys(content).join() !== 'application/problem+json' ||
            content['application/problem+json'].schema?.$ref !== '#/components/schemas/ProblemDto'
          );
        })
        .map(([status]) => `${routeOf(entry)} ${status}`),
    );
    expect(faults).toEqual([]);
    const problem = doc.components.schemas.ProblemDto;
    expect(Object.keys(problem.properties ?? {})).toEqual(
      expect.arrayContaining(['type', 'title', 'status', 'detail', 'instance', 'errors']),
    );
    expect(problem.required).toEqual(['type', 'title', 'status', 'detail', 'instance']);
  });

  it('documents 400 everywhere, 413 and 415 for a JSON body, and 404 for a path with an id', () => {
    // Any URL can carry a bad percent-encoding, a NUL or a lone surrogate (request-input.ts).
    expect(ops.filter(({ op }) => !op.responses['400']).map(routeOf)).toEqual([]);
    const faults = ops.flatMap((entry) => {
      const { op, path } = entry;
      const has = (status: number) => Boolean(op.responses[String(status)]);
      const missing: number[] = [];
      if (op.requestBody?.content['application/json'] && ![400, 413, 415].every(has))
        missing.push(400, 413, 415);
      if (op.parameters?.some((p) => p.in === 'query') && !has(400)) missing.push(400);
      if (path.includes('{') && !has(404)) missing.push(404);
      return missing.length ? [`${routeOf(entry)}: ${missing.join(', ')}`] : [];
    });
    expect(faults).toEqual([]);
  });

  it('gives every successful answer a schema, except 202 and 204, which have no body', () => {
    const faults = ops.flatMap((entry) =>
      Object.entries(entry.op.responses)
        .filter(([status]) => status.startsWith('2'))
        .filter(([status, answer]) =>
          status === '202' || status === '204'
            ? answer.content !== undefined
            : !Object.values(answer.content ?? {}).some((media) => media.schema),
        )
        .map(([status]) => `${routeOf(entry)} ${status}`),
    );
    expect(faults).toEqual([]);
  });

  it('types every property and parameter: no bare object unless free-form, no float, ids as uuid, dates and timestamps by format', () => {
    const untyped: string[] = [];
    const formats: string[] = [];
    for (const [name, schema] of Object.entries(doc.components.schemas)) {
      walk(name, schema, (path, s) => {
        const composite = s.$ref || s.allOf || s.oneOf || s.anyOf;
        if (!composite && !s.type) untyped.push(`${path}: no type`);
        const bare = s.type === 'object' && !composite && !s.properties && !s.additionalProperties;
        if (bare || (s.additionalProperties === true && !FREE_FORM.includes(path)))
          untyped.push(`${path}: a bare object`);
        // Money is integer pence and every count a whole number: nothing is a float.
        if (s.type === 'number') formats.push(`${path}: number, not integer`);
        const key = path.split('.').pop() ?? '';
        if (s.type !== 'string' || NOT_UUID.includes(path) || DATE_AT.includes(path)) return;
        if (/Ids?(\[\])?$/.test(key) && s.format !== 'uuid') formats.push(`${path}: not uuid`);
        if (/[a-z]At$/.test(key) && s.format !== 'date-time')
          formats.push(`${path}: not date-time`);
        if (/[a-z](On|Date)$/.test(key) && s.format !== 'date') formats.push(`${path}: not date`);
      });
    }
    expect(untyped.filter((u) => !FREE_FORM.some((f) => u.startsWith(`${f}:`)))).toEqual([]);
    expect(formats).toEqual([]);
    for (const { path, op } of ops)
      for (const p of op.parameters ?? [])
        if (/Id$/.test(p.name) && p.in === 'query' && p.name !== 'entityId')
          expect(`${path} ${p.name} ${p.schema?.format}`).toBe(`${path} ${p.name} uuid`);
    const floats = ops.flatMap(({ path, op }) =>
      (op.parameters ?? [])
        .filter((p) => p.schema?.type === 'number')
        .map((p) => `${path} ${p.name}`),
    );
    expect(floats).toEqual([]);
    const pathParameters = ops.flatMap(({ path, op }) =>
      (op.parameters ?? []).filter((p) => p.in === 'path').map((p) => ({ path, ...p })),
    );
    expect(
      pathParameters
        .filter((p) =>
          p.name === 'number' ? p.schema?.type !== 'integer' : p.schema?.format !== 'uuid',
        )
        .map((p) => `${p.path} ${p.name}`),
    ).toEqual([]);
  });

  it('takes every schema from one class: no two documented classes share a name', () => {
    // Nest names a schema by its class; a second class of the same name would silently
    // replace the first (an agreement's decision once stood in for a business case's).
    const src = join(__dirname, '..', 'src');
    const files = readdirSync(src, { recursive: true, encoding: 'utf8' }).filter(
      (f) => /(^|\/)dto\/[^/]+\.ts$/.test(f) || /^common\/(problem|pagination)\.ts$/.test(f),
    );
    const classes = new Map<string, Set<unknown>>();
    for (const file of files) {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const exported = require(join(src, file)) as Record<string, unknown>;
      for (const value of Object.values(exported)) {
        if (typeof value !== 'function') continue;
        const name = (value as { name: string }).name;
        if (!doc.components.schemas[name]) continue;
        classes.set(name, (classes.get(name) ?? new Set()).add(value));
      }
    }
    expect(classes.size).toBeGreaterThan(50);
    expect([...classes].filter(([, found]) => found.size > 1).map(([name]) => name)).toEqual([]);
  });

  it('documents every list as { data, nextCursor }, nextCursor a string or null', () => {
    const lists = ops.filter(({ op }) => op.parameters?.some((p) => p.name === 'cursor'));
    expect(lists.length).toBeGreaterThan(20);
    const faults = lists.flatMap((entry) => {
      const ref = entry.op.responses['200']?.content?.['application/json']?.schema?.$ref ?? '';
      const page = doc.components.schemas[ref.split('/').pop() ?? ''];
      const cursor = page?.properties?.nextCursor;
      const ok =
        page?.properties?.data?.type === 'array' &&
        cursor?.type === 'string' &&
        cursor.nullable === true &&
        (page.required as string[] | undefined)?.includes('nextCursor');
      return ok ? [] : [routeOf(entry)];
    });
    expect(faults).toEqual([]);
  });

  it('generates TypeScript types with which a client signs in and lists workstreams, typed as answered', async () => {
    await generateTypes(doc, tmp.dir);
    const program = join(tmp.dir, 'client.ts');
    writeFileSync(program, CLIENT);
    expect(typeErrors([program])).toEqual([]);
  });

  it('would fail that client on a wrong type (the check has teeth)', async () => {
    const broken = structuredClone(doc);
    const workstream = broken.components.schemas.WorkstreamDto.properties!;
    workstream.title = { type: 'object' };
    workstream.leadOfficer = { allOf: [{ $ref: '#/components/schemas/LeadOfficerDto' }] };
    const dir = join(tmp.dir, 'broken');
    mkdirSync(dir);
    await generateTypes(broken, dir);
    writeFileSync(join(dir, 'client.ts'), CLIENT);
    const errors = typeErrors([join(dir, 'client.ts')]);
    expect(errors.some((e) => /title/.test(e) || /string/.test(e))).toBe(true);
    expect(errors.length).toBeGreaterThanOrEqual(2);
  });
});
