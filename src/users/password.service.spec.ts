import { PasswordService } from './password.service';

/**
 * argon2 itself, wrapped to count the hashes in flight: the service's limit is measured from
 * outside, on the real library, without reaching into the service.
 */
const mockArgon2Probe = { inFlight: 0, peak: 0, verified: [] as string[] };
jest.mock('argon2', () => {
  const actual = jest.requireActual<typeof import('argon2')>('argon2');
  return {
    ...actual,
    hash: async (...args: Parameters<typeof actual.hash>) => {
      mockArgon2Probe.inFlight++;
      mockArgon2Probe.peak = Math.max(mockArgon2Probe.peak, mockArgon2Probe.inFlight);
      try {
        return await actual.hash(...args);
      } finally {
        mockArgon2Probe.inFlight--;
      }
    },
    verify: (...args: Parameters<typeof actual.verify>) => {
      mockArgon2Probe.verified.push(args[0]);
      return actual.verify(...args);
    },
  };
});

/** The service's limit (src/users/password.service.ts, MAX_CONCURRENT). */
const MAX_CONCURRENT_HASHES = 2;

describe('PasswordService', () => {
  const service = new PasswordService();

  beforeEach(() => {
    mockArgon2Probe.peak = 0;
  });

  it('verifies the password it hashed, and no other, and never an unknown user', async () => {
    const hash = await service.hash('a long enough password');
    expect(hash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    expect(await service.verify(hash, 'a long enough password')).toBe(true);
    expect(await service.verify(hash, 'a long enough passwore')).toBe(false);
    expect(await service.verify(null, 'not-a-real-password-0000')).toBe(false);
  });

  it('costs an unknown user the same as a wrong password: one verification of an argon2id hash with the same parameters', async () => {
    const hash = await service.hash('a long enough password');
    await service.verify(null, 'warm the dummy hash up');
    mockArgon2Probe.verified = [];
    expect(await service.verify(hash, 'the wrong password')).toBe(false);
    expect(await service.verify(undefined, 'the wrong password')).toBe(false);
    const [known, unknown] = mockArgon2Probe.verified;
    expect(mockArgon2Probe.verified).toHaveLength(2);
    const parameters = (h: string) => h.split('$').slice(0, 4).join('$');
    expect(parameters(unknown)).toBe(parameters(known));
    expect(parameters(known)).toBe('$argon2id$v=19$m=19456,t=2,p=1');
  });

  it(`runs at most ${MAX_CONCURRENT_HASHES} hashes at once when 6 are asked for together`, async () => {
    const passwords = Array.from({ length: 6 }, (_, i) => `concurrent password ${i}`);
    const hashes = await Promise.all(passwords.map((p) => service.hash(p)));
    expect(mockArgon2Probe.peak).toBe(MAX_CONCURRENT_HASHES);
    expect(mockArgon2Probe.inFlight).toBe(0);
    expect(new Set(hashes).size).toBe(6);
    const verified = await Promise.all(passwords.map((p, i) => service.verify(hashes[i], p)));
    expect(verified).toEqual(new Array(6).fill(true));
  });
});
