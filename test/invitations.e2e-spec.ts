import request from 'supertest';
import { Outbox, codeIn } from './support/outbox';
import { TestApp, createTestApp } from './support/test-app';
import { SignedIn, World, bearer } from './support/world';

describe('invitations and password resets', () => {
  let t: TestApp;
  let world: World;
  let councilA: string;
  let adminA: SignedIn;

  const mails = () => new Outbox(t).mails();

  beforeAll(async () => {
    world = await World.start();
    t = world.t;
    councilA = await world.council('S12000018');
    adminA = await world.user(councilA, 'council_admin');
  });
  afterAll(() => t.close());

  it('mails a one-time invitation that sets the password and activates the user', async () => {
    const before = mails().length;
    const created = await request(t.http)
      .post('/api/v1/users')
      .set(bearer(adminA))
      .send({ email: 'invited@inverclyde.test', name: 'Invited Officer', role: 'officer' });
    expect(created.status).toBe(201);
    const sent = mails();
    expect(sent).toHaveLength(before + 1);
    const mail = sent[sent.length - 1];
    expect(mail).toMatch(/To: invited@inverclyde.test/);
    const code = codeIn(mail);
    expect(JSON.stringify(created.body)).not.toContain(code);

    const weak = await request(t.http)
      .post('/api/v1/auth/accept-invitation')
      .send({ token: code, password: 'password' });
    expect(weak.status).toBe(400);
    expect(weak.body.errors).toEqual([
      { field: 'password', message: expect.stringMatching(/at least 12/) },
    ]);

    const ok = await request(t.http)
      .post('/api/v1/auth/accept-invitation')
      .send({ token: code, password: 'a brand new passphrase' });
    expect(ok.status).toBe(204);
    const again = await request(t.http)
      .post('/api/v1/auth/accept-invitation')
      .send({ token: code, password: 'another new passphrase' });
    expect(again.status).toBe(401);

    const login = await request(t.http)
      .post('/api/v1/auth/login')
      .send({ email: 'invited@inverclyde.test', password: 'a brand new passphrase' });
    expect(login.status).toBe(200);
    const me = await request(t.http).get('/api/v1/me').set(bearer(login.body));
    expect(me.body.user).toMatchObject({ status: 'active', councilId: councilA });
  });

  it('refuses a common password', async () => {
    await request(t.http)
      .post('/api/v1/users')
      .set(bearer(adminA))
      .send({ email: 'common@inverclyde.test', name: 'C', role: 'viewer' });
    const code = codeIn(mails().pop()!);
    const res = await request(t.http)
      .post('/api/v1/auth/accept-invitation')
      .send({ token: code, password: 'unbelievable' });
    expect(res.status).toBe(400);
    expect(res.body.errors[0]).toMatchObject({ field: 'password' });
  });

  it('resets a password by mail, ending the old sessions, and reveals nothing for an unknown email', async () => {
    const me = await world.user(councilA, 'officer');
    const before = mails().length;
    const unknown = await request(t.http)
      .post('/api/v1/auth/password-reset')
      .send({ email: 'nobody@nowhere.test' });
    expect(unknown.status).toBe(202);
    expect(await new Outbox(t).waitFor(before + 1)).toHaveLength(before);

    const asked = await request(t.http)
      .post('/api/v1/auth/password-reset')
      .send({ email: me.email });
    expect(asked.status).toBe(202);
    const code = codeIn((await new Outbox(t).waitFor(before + 1)).pop()!);
    const confirm = await request(t.http)
      .post('/api/v1/auth/password-reset/confirm')
      .send({ token: code, password: 'my fresh reset passphrase' });
    expect(confirm.status).toBe(204);
    expect((await request(t.http).get('/api/v1/me').set(bearer(me))).status).toBe(401);
    const login = await request(t.http)
      .post('/api/v1/auth/login')
      .send({ email: me.email, password: 'my fresh reset passphrase' });
    expect(login.status).toBe(200);
  });
});

describe('what reaches the log', () => {
  it('never writes an invitation or reset code, a token, a password or an Authorization header', async () => {
    const lines: string[] = [];
    const logDestination = { write: (line: string) => void lines.push(line) };
    const t = await createTestApp({
      env: { LOG_LEVEL: 'trace', LOGIN_THROTTLE_IP_LIMIT: '10000' },
      logDestination,
    });
    try {
      const world = await World.create(t);
      const council = await world.council('S12000018');
      const password = 'a passphrase for the log test';
      await request(t.http)
        .post('/api/v1/users')
        .set(bearer(world.admin))
        .send({ email: 'logged@inverclyde.test', name: 'L', role: 'officer', councilId: council })
        .expect(201);
      const outbox = new Outbox(t);
      const lastCode = async (count: number) => codeIn((await outbox.waitFor(count)).pop()!);
      const invitation = await lastCode(1);
      await request(t.http)
        .post('/api/v1/auth/accept-invitation')
        .send({ token: invitation, password })
        .expect(204);
      const login = await request(t.http)
        .post('/api/v1/auth/login')
        .send({ email: 'logged@inverclyde.test', password })
        .expect(200);
      const refreshed = await request(t.http)
        .post('/api/v1/auth/refresh')
        .send({ refreshToken: login.body.refreshToken })
        .expect(200);
      await request(t.http).get('/api/v1/me').set(bearer(refreshed.body)).expect(200);
      await request(t.http)
        .post('/api/v1/auth/password-reset')
        .send({ email: 'logged@inverclyde.test' })
        .expect(202);
      const reset = await lastCode(2);
      await request(t.http)
        .post('/api/v1/auth/password-reset/confirm')
        .send({ token: reset, password: 'another passphrase for the log' })
        .expect(204);

      const log = lines.join('');
      // The log is really written: one line per request at least, each with its request id.
      expect(lines.length).toBeGreaterThanOrEqual(8);
      expect(log).toContain('"url":"/api/v1/auth/login"');
      const secrets = {
        invitation,
        reset,
        password,
        accessToken: login.body.accessToken as string,
        refreshToken: login.body.refreshToken as string,
        refreshedAccessToken: refreshed.body.accessToken as string,
        refreshedRefreshToken: refreshed.body.refreshToken as string,
      };
      for (const [name, secret] of Object.entries(secrets)) {
        expect([name, log.includes(secret)]).toEqual([name, false]);
      }
      expect(log.toLowerCase()).not.toContain('bearer ');
    } finally {
      await t.close();
    }
  });
});
