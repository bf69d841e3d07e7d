import { passwordProblem } from './password-policy';

/** A long string with no pattern zxcvbn recognises. */
const varied = (length: number) =>
  Array.from({ length }, (_, i) => 'abcdefghijklmnopqrstuvwxyz0123456789'[(i * 7 + 3) % 36]).join(
    '',
  );

describe('passwordProblem', () => {
  it('refuses a password of 11 characters', async () => {
    expect(await passwordProblem('elevenchars')).toMatch(/at least 12/);
  });

  it('accepts passwords of 12 and of 64 characters', async () => {
    expect(await passwordProblem('twelve chars')).toBeUndefined();
    const sixtyFour = 'a long passphrase of sixty-four characters, typed in full, ok!!!';
    expect(sixtyFour).toHaveLength(64);
    expect(await passwordProblem(sixtyFour)).toBeUndefined();
  });

  it('counts characters, not UTF-16 units, towards the minimum', async () => {
    expect(await passwordProblem('🔑🌍🎉🚀🔑🌍🎉🚀🔑🌍🎉')).toMatch(/at least 12/); // 22 UTF-16 units
    expect(await passwordProblem('🔑🌍🎉🚀🔑🌍🎉🚀🔑🌍🎉🚀')).toBeUndefined();
  });

  it('accepts 1024 bytes and refuses 1025', async () => {
    expect(await passwordProblem(varied(1024))).toBeUndefined();
    expect(await passwordProblem(varied(1025))).toMatch(/at most 1024 bytes/);
  });

  it('counts bytes, not characters, towards the maximum', async () => {
    const over = '€' + varied(1023); // 1024 characters, 1026 bytes in UTF-8
    expect(Buffer.byteLength(over, 'utf8')).toBe(1026);
    expect(await passwordProblem(over)).toMatch(/at most 1024 bytes/);
    expect(await passwordProblem('€' + varied(1021))).toBeUndefined(); // 1024 bytes
  });

  it('refuses common and breached passwords, whatever their case', async () => {
    expect(await passwordProblem('unbelievable')).toMatch(/too easy to guess/);
    expect(await passwordProblem('UNBELIEVABLE')).toMatch(/too easy to guess/);
  });

  it('refuses long common passwords: a word with digits, a keyboard walk, a year', async () => {
    for (const password of ['password1234', 'qwerty123456', 'letmein12345', '1q2w3e4r5t6y']) {
      expect([password, await passwordProblem(password)]).toEqual([
        password,
        expect.stringMatching(/too easy to guess/),
      ]);
    }
  });

  it('refuses one or two characters repeated, and repeated patterns', async () => {
    expect(await passwordProblem(' '.repeat(12))).toMatch(/one or two characters repeated/);
    expect(await passwordProblem('ab'.repeat(8))).toMatch(/one or two characters repeated/);
    expect(await passwordProblem('123412341234')).toMatch(/too easy to guess/);
    expect(await passwordProblem('abcabcabcabc')).toMatch(/too easy to guess/);
  });

  it('judges the NFC form: a decomposed é counts as one character', async () => {
    const decomposed = 'caf\u0065\u0301'.repeat(2) + 'Zq3'; // 13 code points, 11 once composed
    expect([...decomposed]).toHaveLength(13);
    expect(await passwordProblem(decomposed)).toMatch(/at least 12/);
  });
});
