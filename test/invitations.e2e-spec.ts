import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import request from 'supertest';
import { TestApp } from './support/test-app';
import { SignedIn, World, bearer } from './support/world';

describe('invitations and password resets', () => {
  let t: TestApp;
  let world: World;
  let councilA: string;
  let adminA: SignedIn;

  const outbox = () => join(t.config.dataDir, 'outbox');
  const mails = () => {
    try {
      return readdirSync(outbox())
        .sort()
        .map((f) => readFileSync(join(outbox(), f), 'utf8'));
    } catch {
      return [];
    }
  };
  const codeIn = (mail: string) => {
    const body = mail.replace(/=\r?\n/g, '');
    const match = /\n\n([A-Za-z0-9_-]{43})\n/.exec(body);
    if (!match) throw new Error(`no code in mail:\n${mail}`);
    return match[1];
  };

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
    expect(mails()).toHaveLength(before);

    const asked = await request(t.http)
      .post('/api/v1/auth/password-reset')
      .send({ email: me.email });
    expect(asked.status).toBe(202);
    const code = codeIn(mails().pop()!);
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
