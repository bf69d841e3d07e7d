/**
 * Builds the councils and users a test needs, through the API where it can (so the rules
 * and the audit apply), and logs them in. Passwords are set through the application role as
 * a platform admin, standing in for the invitation e-mail.
 */
import * as argon2 from 'argon2';
import { ARGON2_OPTIONS } from '../../src/users/password.service';
import request from 'supertest';
import { Role } from '../../src/tenancy/actor';
import { TestApp, createTestApp } from './test-app';
import { PLATFORM_ADMIN_SETTINGS, queryAs } from './test-database';

export const PASSWORD = 'a long enough test password';
let passwordHash: Promise<string> | undefined;

export interface SignedIn {
  id: string;
  email: string;
  councilId: string | null;
  accessToken: string;
  refreshToken: string;
}

export class World {
  admin!: SignedIn;
  private counter = 0;

  constructor(readonly t: TestApp) {}

  /** A test app on its own database, with a signed-in platform admin. */
  static async start(env: Record<string, string> = {}): Promise<World> {
    const t = await createTestApp({ env: { LOGIN_THROTTLE_IP_LIMIT: '10000', ...env } });
    return World.create(t);
  }

  static async create(t: TestApp): Promise<World> {
    const world = new World(t);
    const [row] = await queryAs<{ id: string }>(
      t.db.appUrl,
      PLATFORM_ADMIN_SETTINGS,
      `INSERT INTO users (email, name, role, status, password_hash)
       VALUES ('platform@jwh.test', 'Platform Admin', 'platform_admin', 'active', $1) RETURNING id`,
      [await World.hash()],
    );
    world.admin = await world.login('platform@jwh.test', row.id, null);
    return world;
  }

  static hash(): Promise<string> {
    // The service's own parameters, so that signing in costs what it costs in production.
    passwordHash ??= argon2.hash(PASSWORD, ARGON2_OPTIONS);
    return passwordHash;
  }

  async council(gssCode: string): Promise<string> {
    const res = await request(this.t.http)
      .post('/api/v1/councils')
      .set('Authorization', `Bearer ${this.admin.accessToken}`)
      .send({ gssCode });
    if (res.status !== 201)
      throw new Error(`onboarding ${gssCode}: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body.id as string;
  }

  async user(councilId: string, role: Role): Promise<SignedIn> {
    const email = `${role}.${++this.counter}@${councilId.slice(0, 8)}.test`;
    const res = await request(this.t.http)
      .post('/api/v1/users')
      .set('Authorization', `Bearer ${this.admin.accessToken}`)
      .send({ email, name: `User ${this.counter}`, jobTitle: 'Officer', role, councilId });
    if (res.status !== 201)
      throw new Error(`creating ${email}: ${res.status} ${JSON.stringify(res.body)}`);
    await this.activate(res.body.id as string);
    return this.login(email, res.body.id as string, councilId);
  }

  async activate(userId: string): Promise<void> {
    await queryAs(
      this.t.db.appUrl,
      PLATFORM_ADMIN_SETTINGS,
      `UPDATE users SET status = 'active', password_hash = $2 WHERE id = $1`,
      [userId, await World.hash()],
    );
  }

  async login(email: string, id: string, councilId: string | null): Promise<SignedIn> {
    const res = await request(this.t.http)
      .post('/api/v1/auth/login')
      .send({ email, password: PASSWORD });
    if (res.status !== 200)
      throw new Error(`login ${email}: ${res.status} ${JSON.stringify(res.body)}`);
    return {
      id,
      email,
      councilId,
      accessToken: res.body.accessToken,
      refreshToken: res.body.refreshToken,
    };
  }
}

export const bearer = (who: { accessToken: string }) => ({
  Authorization: `Bearer ${who.accessToken}`,
});

/** Sends a request as `who` and fails with the body when the status is not `expected`. */
export async function call(
  t: TestApp,
  who: { accessToken: string },
  method: 'get' | 'post' | 'put' | 'patch' | 'delete',
  path: string,
  body?: object,
  expected?: number,
): Promise<request.Response> {
  const req = request(t.http)[method](`/api/v1${path}`).set(bearer(who));
  const res = body ? await req.send(body) : await req;
  if (expected !== undefined && res.status !== expected) {
    throw new Error(`${method.toUpperCase()} ${path}: ${res.status} ${JSON.stringify(res.body)}`);
  }
  return res;
}

/**
 * A partnership made by the administering council's admin through the API, with the other
 * councils added as members.
 */
export async function partnership(
  t: TestApp,
  administeringAdmin: SignedIn,
  name: string,
  memberCouncilIds: string[],
): Promise<string> {
  const res = await call(
    t,
    administeringAdmin,
    'post',
    '/partnerships',
    { name, kind: 'other' },
    201,
  );
  const id = res.body.id as string;
  for (const councilId of memberCouncilIds) {
    await call(t, administeringAdmin, 'post', `/partnerships/${id}/members`, { councilId }, 201);
  }
  return id;
}

/** A workstream created through the API by `who`; shared when `partnershipId` is given. */
export async function workstream(
  t: TestApp,
  who: SignedIn,
  fields: {
    title: string;
    partnershipId?: string;
    leadCouncilIds?: string[];
    serviceArea?: string;
    priorityRank?: number;
  },
): Promise<{ id: string; version: number }> {
  const res = await call(t, who, 'post', '/workstreams', { serviceArea: 'other', ...fields }, 201);
  return { id: res.body.id as string, version: res.body.version as number };
}

/** A business case put to the councils: created as a draft by `who`, then submitted. */
export async function submittedCase(
  t: TestApp,
  who: SignedIn,
  workstreamId: string,
  title: string,
): Promise<string> {
  const path = `/workstreams/${workstreamId}/business-cases`;
  const draft = await call(t, who, 'post', path, { title }, 201);
  const id = draft.body.id as string;
  await call(t, who, 'patch', `${path}/${id}`, { status: 'submitted', version: 1 }, 200);
  return id;
}
