import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AppConfig, loadConfig } from '../../src/config/configuration';

/** The service's secret in tests: it also derives the key that proves request settings. */
export const TEST_SECRET = 'test-secret-that-is-at-least-32-bytes-long';

/** Settings for a test app: quiet logs, a fixed secret, a data folder of its own. */
export function testConfig(overrides: Record<string, string> = {}): AppConfig {
  return loadConfig({
    DATA_DIR: mkdtempSync(join(tmpdir(), 'jwh-test-data-')),
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    JWT_SECRET: TEST_SECRET,
    ...overrides,
  });
}
