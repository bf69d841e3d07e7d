import * as argon2 from 'argon2';
import { ARGON2_OPTIONS } from '../src/users/password.service';
import { seedDemo } from '../src/cli/demo';
import { insertActiveUser } from '../src/cli/operator';
import {
  TestDatabase,
  createTestDatabase,
  PLATFORM_ADMIN_SETTINGS,
  queryAs,
} from './support/test-database';
import { testConfig } from './support/test-config';

const PASSWORD = 'demo passphrase for councils';

describe('demo data (npm run cli -- seed-demo)', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(() => db.drop());

  const count = async (table: string) =>
    Number(
      (
        await queryAs<{ n: string }>(
          db.appUrl,
          PLATFORM_ADMIN_SETTINGS,
          `SELECT count(*) AS n FROM ${table}`,
        )
      )[0].n,
    );

  it('loads the councils, partnerships and workstreams of the seeds through the API, once', async () => {
    // The operator CLI's own way of writing users (through UsersService, as the operator).
    const insertUser = insertActiveUser(await argon2.hash(PASSWORD, ARGON2_OPTIONS));
    const config = testConfig();
    const lines: string[] = [];
    await seedDemo(config, db, PASSWORD, insertUser, (line) => lines.push(line));
    expect(lines).toEqual([
      expect.stringMatching(/^Demo data loaded: 15 councils, 4 partnerships, 19 workstreams/),
    ]);
    expect(await count('councils')).toBe(15);
    expect(await count('workstream_participants')).toBe(3);
    const [waste] = await queryAs<{ current_rag: string; lead_council_ids: string[] }>(
      db.appUrl,
      PLATFORM_ADMIN_SETTINGS,
      `SELECT current_rag, lead_council_ids FROM workstreams WHERE title = 'An integrated waste management approach'`,
    );
    expect(waste).toMatchObject({ current_rag: 'amber' });
    expect(waste.lead_council_ids).toHaveLength(2);
    // Everything went through the API, so it is audited.
    expect(await count(`audit_events WHERE entity_type = 'workstreams'`)).toBeGreaterThanOrEqual(
      19,
    );
    await expect(
      seedDemo(
        config,
        db,
        PASSWORD,
        () => Promise.resolve(),
        () => undefined,
      ),
    ).rejects.toThrow(/empty database/);
  });
});
