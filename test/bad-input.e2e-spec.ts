import { encodeCursor } from '../src/common/pagination';
import request from 'supertest';
import { TestApp } from './support/test-app';
import { SignedIn, World, bearer, call, partnership, workstream } from './support/world';

const PROBLEM = /application\/problem\+json/;
const GLASGOW = 'S12000049';
const INVERCLYDE = 'S12000018';

/** `depth` arrays inside one another, as JSON text: `[[[…]]]`. */
const nestedArrays = (depth: number) => '['.repeat(depth) + ']'.repeat(depth);
/** `{"a":{"a":…1…}}`, `depth` objects deep. */
/** A keyset cursor holding these values, signed as `pageOf` signs them (the test app's key). */
const cursor = (values: string[]) => encodeCursor(values);
const SOME_ID = '00000000-0000-4000-8000-000000000000';
const BAD_DATES = [
  '-2025-01-01',
  '2025-02-30',
  '2025-01-01T00:00:00+16:00',
  '2025-01-01T00:00:00Z',
  '0999-12-31',
  '10000-01-01',
  '2025-1-1',
];
const nestedObjects = (depth: number) => '{"a":'.repeat(depth) + '1' + '}'.repeat(depth);

/**
 * Input that once answered 500: each answers a 400 problem+json naming the field, and
 * reaches neither a validator nor the database.
 */
describe('bad input', () => {
  let t: TestApp;
  let world: World;
  let glasgow: string;
  let inverclyde: string;
  let officer: SignedIn;
  let clydeValley: string;
  let waste: { id: string; version: number };

  const send = (method: 'post' | 'patch', path: string, body: string, who?: SignedIn) => {
    const req = request(t.http)[method](path).set('content-type', 'application/json');
    return (who ? req.set(bearer(who)) : req).send(body);
  };

  beforeAll(async () => {
    world = await World.start();
    t = world.t;
    glasgow = await world.council(GLASGOW);
    inverclyde = await world.council(INVERCLYDE);
    const admin = await world.user(glasgow, 'council_admin');
    officer = await world.user(glasgow, 'officer');
    clydeValley = await partnership(t, admin, 'Clyde Valley', [inverclyde]);
    waste = await workstream(t, officer, {
      title: 'Residual waste treatment',
      partnershipId: clydeValley,
      leadCouncilIds: [glasgow],
    });
  });
  afterAll(() => t.close());

  describe('deep nesting', () => {
    it.each([
      ['arrays', nestedArrays(3000)],
      ['objects', nestedObjects(3000)],
      ['arrays in a field', `{"email":${nestedArrays(3000)},"password":"x"}`],
    ])('answers a sign-in body of %s nested 3,000 deep with 400 problem+json', async (_, body) => {
      const res = await send('post', '/api/v1/auth/login', body);
      expect(res.status).toBe(400);
      expect(res.headers['content-type']).toMatch(PROBLEM);
      expect(res.body.errors).toEqual([
        expect.objectContaining({ message: expect.stringMatching(/deeper than 32/) }),
      ]);
    });

    it('names the field that nests too deep', async () => {
      const res = await send(
        'post',
        '/api/v1/workstreams',
        `{"title":"Deep","serviceArea":"other","description":${nestedArrays(100)}}`,
        officer,
      );
      expect(res.status).toBe(400);
      expect(res.body.errors[0].field).toMatch(/^description\[0\]/);
    });

    it('names the body when the body itself nests too deep', async () => {
      const res = await send('post', '/api/v1/workstreams', nestedArrays(40), officer);
      expect(res.status).toBe(400);
      expect(res.body.errors[0].field).toMatch(/^body/);
    });

    it('still accepts nesting as deep as a request needs', async () => {
      const res = await call(t, officer, 'post', `/workstreams/${waste.id}/funding`, {
        funder: 'Local Partnerships',
        amountPence: 1000,
        repaymentThresholds: [{ realisedSavingsPence: 10, repaymentPence: 1 }],
      });
      expect(res.status).toBe(201);
    });
  });

  describe('lone surrogates', () => {
    it('answers a lone surrogate in a sign-in email with 400 naming email', async () => {
      const res = await send(
        'post',
        '/api/v1/auth/login',
        '{"email":"\\ud800@inverclyde.gov.uk","password":"x"}',
      );
      expect(res.status).toBe(400);
      expect(res.headers['content-type']).toMatch(PROBLEM);
      expect(res.body.errors).toEqual([
        { field: 'email', message: 'email must not contain a lone surrogate (invalid UTF-16)' },
      ]);
    });

    it('answers a lone surrogate anywhere in a body, a key included, with 400 naming it', async () => {
      const inText = await send(
        'post',
        '/api/v1/workstreams',
        '{"title":"Waste \\udc00","serviceArea":"other"}',
        officer,
      );
      expect(inText.status).toBe(400);
      expect(inText.body.errors).toEqual([expect.objectContaining({ field: 'title' })]);
      const inList = await send(
        'post',
        '/api/v1/workstreams',
        '{"title":"Waste","serviceArea":"other","leadCouncilIds":["\\ud800"]}',
        officer,
      );
      expect(inList.body.errors).toEqual([expect.objectContaining({ field: 'leadCouncilIds[0]' })]);
      const inKey = await send(
        'post',
        '/api/v1/workstreams',
        '{"title":"Waste","serviceArea":"other","\\ud800":1}',
        officer,
      );
      expect(inKey.status).toBe(400);
    });

    it('keeps a well-formed pair (an emoji) as it is', async () => {
      const res = await call(t, officer, 'post', '/workstreams', {
        title: 'Recycling ♻️ 🚮',
        serviceArea: 'other',
      });
      expect(res.status).toBe(201);
      expect(res.body.title).toBe('Recycling ♻️ 🚮');
    });
  });

  describe('dates and timestamps', () => {
    it.each(BAD_DATES)('answers a milestone due on %s with 400 naming dueOn', async (dueOn) => {
      const res = await call(t, officer, 'post', `/workstreams/${waste.id}/milestones`, {
        title: 'Contract award',
        dueOn,
      });
      expect(res.status).toBe(400);
      expect(res.headers['content-type']).toMatch(PROBLEM);
      expect(res.body.errors).toEqual([
        { field: 'dueOn', message: 'dueOn must be a date written YYYY-MM-DD (years 1000 to 9999)' },
      ]);
    });

    it('accepts a real calendar date, 29 February of a leap year included', async () => {
      const res = await call(t, officer, 'post', `/workstreams/${waste.id}/milestones`, {
        title: 'Leap day',
        dueOn: '2028-02-29',
      });
      expect(res.status).toBe(201);
      expect(res.body.dueOn).toBe('2028-02-29');
    });

    it.each(BAD_DATES)(
      'answers a member joining on %s with 400 naming joinedOn',
      async (joinedOn) => {
        const admin = await world.user(glasgow, 'council_admin');
        const res = await call(t, admin, 'post', `/partnerships/${clydeValley}/members`, {
          councilId: inverclyde,
          joinedOn,
        });
        expect(res.status).toBe(400);
        expect(res.body.errors).toEqual([expect.objectContaining({ field: 'joinedOn' })]);
      },
    );

    it.each([
      ['a timestamp with an offset out of range', ['2025-01-01T00:00:00.000000+16:00', SOME_ID]],
      ['a timestamp with an offset', ['2025-01-01T00:00:00.000000+01:00', SOME_ID]],
      ['a timestamp of a negative year', ['-2025-01-01T00:00:00Z', SOME_ID]],
      ['a timestamp on 30 February', ['2025-02-30T00:00:00Z', SOME_ID]],
      ['a timestamp at 24:00', ['2025-01-01T24:00:00Z', SOME_ID]],
    ])('answers a workstream cursor holding %s with 400 naming cursor', async (_, values) => {
      const res = await call(t, officer, 'get', `/workstreams?cursor=${cursor(values)}`);
      expect(res.status).toBe(400);
      expect(res.headers['content-type']).toMatch(PROBLEM);
      expect(res.body.errors).toEqual([{ field: 'cursor', message: 'cursor is not valid' }]);
    });

    it.each(BAD_DATES)('answers a milestone cursor on %s with 400 naming cursor', async (date) => {
      const res = await call(
        t,
        officer,
        'get',
        `/workstreams/${waste.id}/milestones?cursor=${cursor([date, SOME_ID])}`,
      );
      expect(res.status).toBe(400);
      expect(res.body.errors).toEqual([{ field: 'cursor', message: 'cursor is not valid' }]);
    });

    it('follows the cursors it makes, timestamps and dates alike', async () => {
      await call(
        t,
        officer,
        'post',
        '/workstreams',
        { title: 'Second', serviceArea: 'other' },
        201,
      );
      for (const dueOn of ['2026-03-31', '2026-09-30']) {
        const milestone = { title: `Due ${dueOn}`, dueOn };
        await call(t, officer, 'post', `/workstreams/${waste.id}/milestones`, milestone, 201);
      }
      for (const path of ['/workstreams', `/workstreams/${waste.id}/milestones`]) {
        const first = await call(t, officer, 'get', `${path}?limit=1`, undefined, 200);
        expect(first.body.nextCursor).toEqual(expect.any(String));
        const next = `${path}?limit=1&cursor=${first.body.nextCursor}`;
        expect((await call(t, officer, 'get', next, undefined, 200)).body.data).toHaveLength(1);
      }
    });
  });

  describe('repayment thresholds', () => {
    const funding = { funder: 'Local Partnerships', amountPence: 1000 };
    const stored = async () =>
      (await call(t, officer, 'get', `/workstreams/${waste.id}/funding`, undefined, 200)).body
        .data as { funder: string }[];

    it.each([
      ['an empty array', [[]], 'repaymentThresholds[0]'],
      [
        'an array of thresholds',
        [[{ realisedSavingsPence: 1, repaymentPence: 1 }]],
        'repaymentThresholds[0]',
      ],
      ['a number', [{ realisedSavingsPence: 1, repaymentPence: 1 }, 7], 'repaymentThresholds[1]'],
      ['null', [null], 'repaymentThresholds[0]'],
      ['a string', ['x'], 'repaymentThresholds[0]'],
    ])(
      'answers a threshold that is %s with 400 naming it, and stores nothing',
      async (_, thresholds, field) => {
        const before = await stored();
        const res = await call(t, officer, 'post', `/workstreams/${waste.id}/funding`, {
          ...funding,
          repaymentThresholds: thresholds,
        });
        expect(res.status).toBe(400);
        expect(res.body.errors).toEqual([{ field, message: `${field} must be an object` }]);
        expect(await stored()).toEqual(before);
      },
    );

    it('answers a threshold that is not an object in a change with 400 naming it', async () => {
      const created = await call(
        t,
        officer,
        'post',
        `/workstreams/${waste.id}/funding`,
        funding,
        201,
      );
      const res = await call(
        t,
        officer,
        'patch',
        `/workstreams/${waste.id}/funding/${created.body.id}`,
        {
          version: created.body.version,
          repaymentThresholds: [[]],
        },
      );
      expect(res.status).toBe(400);
      expect(res.body.errors).toEqual([
        { field: 'repaymentThresholds[0]', message: 'repaymentThresholds[0] must be an object' },
      ]);
    });

    it('answers thresholds that are not a list with 400 naming repaymentThresholds', async () => {
      const res = await call(t, officer, 'post', `/workstreams/${waste.id}/funding`, {
        ...funding,
        repaymentThresholds: { realisedSavingsPence: 1, repaymentPence: 1 },
      });
      expect(res.status).toBe(400);
      expect(res.body.errors).toEqual([expect.objectContaining({ field: 'repaymentThresholds' })]);
    });
  });

  describe('council websites', () => {
    it.each([
      'javascript:alert(1)',
      'JavaScript:alert(1)',
      'data:text/html,<script>alert(1)</script>',
      'ftp://files.glasgow.gov.uk',
      'www.glasgow.gov.uk',
      'https://',
    ])(
      'answers a website %s with 400 naming website, and keeps the one stored',
      async (website) => {
        const admin = await world.user(glasgow, 'council_admin');
        const before = await call(t, admin, 'get', `/councils/${glasgow}`, undefined, 200);
        const res = await call(t, admin, 'patch', `/councils/${glasgow}`, {
          website,
          version: before.body.version,
        });
        expect(res.status).toBe(400);
        expect(res.body.errors).toEqual([
          { field: 'website', message: 'website must be an http:// or https:// URL' },
        ]);
        const after = await call(t, admin, 'get', `/councils/${glasgow}`, undefined, 200);
        expect(after.body.website).toBe(before.body.website);
      },
    );

    it('answers a javascript: website at onboarding with 400 naming website', async () => {
      const res = await call(t, world.admin, 'post', '/councils', {
        gssCode: 'S12000038',
        website: 'javascript:alert(1)',
      });
      expect(res.status).toBe(400);
      expect(res.body.errors).toEqual([expect.objectContaining({ field: 'website' })]);
    });

    it('accepts an https website', async () => {
      const admin = await world.user(glasgow, 'council_admin');
      const before = await call(t, admin, 'get', `/councils/${glasgow}`, undefined, 200);
      const res = await call(t, admin, 'patch', `/councils/${glasgow}`, {
        website: 'https://www.glasgow.gov.uk/',
        version: before.body.version,
      });
      expect(res.status).toBe(200);
      expect(res.body.website).toBe('https://www.glasgow.gov.uk/');
    });
  });
});
