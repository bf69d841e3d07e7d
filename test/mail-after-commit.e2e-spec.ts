import { Body, ConflictException, Controller, Module, Post } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import request from 'supertest';
import { AppConfig } from '../src/config/configuration';
import { Actor } from '../src/tenancy/actor';
import { CheckPolicies, CurrentActor } from '../src/tenancy/decorators';
import { CreateUserDto } from '../src/users/dto/user.dto';
import { UsersModule } from '../src/users/users.module';
import { UsersService } from '../src/users/users.service';
import { TestApp, createTestApp } from './support/test-app';
import { PLATFORM_ADMIN_SETTINGS, queryAs } from './support/test-database';
import { World, bearer } from './support/world';

const outboxOf = (dataDir: string) => join(dataDir, 'outbox');
const mailsIn = (dataDir: string) => {
  try {
    return readdirSync(outboxOf(dataDir)).map((f) =>
      readFileSync(join(outboxOf(dataDir), f), 'utf8'),
    );
  } catch {
    return [];
  }
};

/** Test-only routes that create a user (so an invitation is mailed) inside the request. */
@Controller('probe/users')
class InviteProbeController {
  constructor(
    private readonly users: UsersService,
    private readonly config: ConfigService<AppConfig, true>,
  ) {}

  /** Creates the user, then fails: the request's transaction rolls back. */
  @Post('then-fail')
  @CheckPolicies(() => true)
  async thenFail(@CurrentActor() actor: Actor, @Body() body: CreateUserDto): Promise<never> {
    await this.users.create(actor, body);
    throw new ConflictException('Failing on purpose after creating the user');
  }

  /** Creates the user and answers how many mails the outbox held before the commit. */
  @Post('then-count')
  @CheckPolicies(() => true)
  async thenCount(@CurrentActor() actor: Actor, @Body() body: CreateUserDto) {
    await this.users.create(actor, body);
    return { mailsBeforeCommit: mailsIn(this.config.get('dataDir', { infer: true })).length };
  }
}

@Module({ imports: [UsersModule], controllers: [InviteProbeController] })
class InviteProbeModule {}

describe('mail is sent only after the request commits', () => {
  let t: TestApp;
  let world: World;
  let councilId: string;

  const mails = () => mailsIn(t.config.dataDir);
  const usersWithEmail = (email: string) =>
    queryAs(t.db.appUrl, PLATFORM_ADMIN_SETTINGS, 'SELECT id FROM users WHERE email = $1', [email]);

  beforeAll(async () => {
    world = await World.create(
      await createTestApp({
        env: { LOGIN_THROTTLE_IP_LIMIT: '10000' },
        imports: [InviteProbeModule],
      }),
    );
    t = world.t;
    councilId = await world.council('S12000018');
  });
  afterAll(() => t.close());

  it('a request that fails after creating a user leaves no user and sends no mail', async () => {
    const res = await request(t.http)
      .post('/api/v1/probe/users/then-fail')
      .set(bearer(world.admin))
      .send({ email: 'rolled.back@x.test', name: 'Rolled Back', role: 'officer', councilId });
    expect(res.status).toBe(409);
    expect(mails()).toEqual([]);
    expect(await usersWithEmail('rolled.back@x.test')).toEqual([]);
  });

  it('a request that commits mails the invitation, after its commit', async () => {
    const res = await request(t.http)
      .post('/api/v1/probe/users/then-count')
      .set(bearer(world.admin))
      .send({ email: 'committed@x.test', name: 'Committed', role: 'officer', councilId });
    expect(res.status).toBe(201);
    expect(res.body).toEqual({ mailsBeforeCommit: 0 });
    const sent = mails();
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatch(/To: committed@x.test/);
    expect(await usersWithEmail('committed@x.test')).toHaveLength(1);
  });

  it('the users route still mails the invitation before it answers', async () => {
    const res = await request(t.http)
      .post('/api/v1/users')
      .set(bearer(world.admin))
      .send({ email: 'plain@x.test', name: 'Plain', role: 'viewer', councilId });
    expect(res.status).toBe(201);
    expect(mails().some((mail) => /To: plain@x.test/.test(mail))).toBe(true);
  });
});
