/**
 * The password policy (NIST SP 800-63B, 5.1.1.2): at least 12 characters and at most about
 * 1 KB, and not guessable: not a common or breached password, not one with digits or symbols
 * tacked on, not a keyboard walk or a repetition (`password1234`, twelve spaces,
 * `123412341234`). zxcvbn's estimate, with its lists of common and breached passwords, is the
 * judge; its dictionaries are loaded the first time a password is set, not at start.
 */
import type { ZxcvbnFactory } from '@zxcvbn-ts/core';

/** zxcvbn's score 3: about 10^8 guesses or more. */
const MIN_SCORE = 3;
let estimator: Promise<ZxcvbnFactory> | undefined;

/** Loaded on first use: its lists take about 25 MB and a fifth of a second. */
async function load(): Promise<ZxcvbnFactory> {
  const [{ ZxcvbnFactory: Factory }, common] = await Promise.all([
    import('@zxcvbn-ts/core'),
    import('@zxcvbn-ts/language-common'),
  ]);
  return new Factory({ dictionary: { ...common.dictionary }, graphs: common.adjacencyGraphs });
}

async function strength(password: string): Promise<number> {
  estimator ??= load();
  // zxcvbn looks at the first 256 characters; longer passwords are long enough.
  return (await estimator).check(password.slice(0, 256)).score;
}

/** Why a new password is refused, or undefined when it may be used. */
export async function passwordProblem(password: string): Promise<string | undefined> {
  const normal = password.normalize('NFC');
  if ([...normal].length < 12) return 'password must be at least 12 characters long';
  if (Buffer.byteLength(normal, 'utf8') > 1024) return 'password must be at most 1024 bytes';
  if (new Set(normal).size <= 2) return 'password must not be one or two characters repeated';
  if ((await strength(normal)) < MIN_SCORE) {
    return 'password is too easy to guess (a common or breached password, a pattern or a repetition); choose a longer phrase';
  }
  return undefined;
}
