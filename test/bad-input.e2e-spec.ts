import request from 'supertest';
import { TestApp } from './support/test-app';
import { SignedIn, World, bearer, call, partnership, workstream } from './support/world';

const PROBLEM = /application\/problem\+json/;
const GLASGOW = 'S12000049';
const INVERCLYDE = 'S12000018';

/** `depth` arrays inside one another, as JSON text: `[[[…]]]`. */
const nestedArrays = (depth: number) => '['.repeat(depth) + ']'.repeat(depth);
/** `{"a":{"a":…1…}}`, `depth` objects deep. */
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
});
