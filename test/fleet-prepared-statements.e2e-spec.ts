/**
 * Named prepared statements behind PgBouncer in transaction mode (README, "Running as a
 * fleet"; src/database/prepared-statements.ts): PgBouncer 1.21 and later track them per
 * client (`max_prepared_statements`, set by test/support/pgbouncer.ts), so the service may
 * keep DATABASE_PREPARED_STATEMENTS on. An older PgBouncer (Debian bookworm's is 1.18) hands
 * a statement prepared by one client's transaction to another client, and with one server
 * connection per pool the fleet's requests stopped answering: there the test is skipped with
 * the reason printed, and the service must run with DATABASE_PREPARED_STATEMENTS=false (as
 * test/fleet.e2e-spec.ts does).
 */
import { PgBouncer, fleetInstance, pgbouncerBinary, pgbouncerVersion } from './support/pgbouncer';
import { TestApp } from './support/test-app';
import { TestDatabase, createTestDatabase } from './support/test-database';
import { World, call } from './support/world';

const binary = pgbouncerBinary();
const version = binary ? pgbouncerVersion(binary) : undefined;
const tracks = !!version && (version[0] > 1 || (version[0] === 1 && version[1] >= 21));
if (!tracks) {
  console.log(
    binary
      ? `Skipping the fleet prepared-statement test: PgBouncer ${version?.join('.')} does not track named prepared statements (1.21 and later do); run the service behind it with DATABASE_PREPARED_STATEMENTS=false`
      : 'Skipping the fleet prepared-statement test: no pgbouncer (Debian: apt-get install pgbouncer; or set PGBOUNCER_PATH)',
  );
}
const describeWithPgBouncer = tracks ? describe : describe.skip;

describeWithPgBouncer('named prepared statements through PgBouncer in transaction mode', () => {
  let db: TestDatabase;
  let bouncer: PgBouncer;
  const fleet: TestApp[] = [];

  beforeAll(async () => {
    db = await createTestDatabase();
    bouncer = await PgBouncer.start([db.ownerUrl, db.appUrl, db.authUrl, db.jobsUrl], {
      defaultPoolSize: 1,
    });
    for (let i = 0; i < 2; i++)
      fleet.push(
        await fleetInstance(db, bouncer, { env: { DATABASE_PREPARED_STATEMENTS: 'true' } }),
      );
  });
  afterAll(async () => {
    for (const t of fleet) await t.close();
    await bouncer?.stop();
    await db?.drop();
  });

  it('answers every request, named statements shared by clients of one server connection', async () => {
    const world = await World.create(fleet[0]);
    const council = await world.council('E06000022');
    const officer = await world.user(council, 'officer');
    await call(
      fleet[0],
      officer,
      'post',
      '/workstreams',
      { title: 'Shared', serviceArea: 'other' },
      201,
    );
    const statuses: number[] = [];
    // Past NAME_AFTER uses, each process names the list's statements.
    for (let i = 0; i < 20; i++) {
      const res = await call(fleet[i % 2], officer, 'get', '/workstreams');
      statuses.push(res.status);
      expect(res.body.data).toHaveLength(1);
    }
    expect(statuses.every((status) => status === 200)).toBe(true);
  });
});
