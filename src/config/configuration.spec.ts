import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, loadConfig } from './configuration';

const dataDir = () => mkdtempSync(join(tmpdir(), 'jwh-config-'));

describe('loadConfig', () => {
  it('uses the documented defaults', () => {
    const config = loadConfig({ DATA_DIR: dataDir() });
    expect(config.port).toBe(3000);
    expect(config.databaseUrl).toBeUndefined();
    expect(config.logLevel).toBe('info');
    expect(config.corsOrigins).toEqual([]);
    expect(config.trustProxy).toBe(false);
    expect(config.requestTimeoutMs).toBe(30000);
  });

  it.each([
    ['1', 1],
    ['0', false],
    ['10.0.0.0/8, loopback', ['10.0.0.0/8', 'loopback']],
    ['fd00::/8,127.0.0.1', ['fd00::/8', '127.0.0.1']],
  ])('reads TRUST_PROXY=%s', (value, expected) => {
    expect(loadConfig({ DATA_DIR: dataDir(), TRUST_PROXY: value }).trustProxy).toEqual(expected);
  });

  it.each([
    ['PORT', 'abc', /PORT must be a whole number/],
    ['PORT', '70000', /PORT must be between 0 and 65535/],
    ['DATABASE_URL', 'mysql://x@y/z', /DATABASE_URL must be a postgres:\/\/ URL/],
    ['LOG_LEVEL', 'loud', /LOG_LEVEL must be one of/],
    ['JWT_SECRET', 'short', /JWT_SECRET must be at least 32 bytes/],
    ['CORS_ORIGINS', 'not a url', /CORS_ORIGINS has "not a url"/],
    ['TRUST_PROXY', 'true', /TRUST_PROXY has "true"/],
    ['TRUST_PROXY', 'abc', /TRUST_PROXY has "abc"/],
    ['TRUST_PROXY', '::::', /TRUST_PROXY has "::::"/],
    ['TRUST_PROXY', '10.0.0.0/99', /TRUST_PROXY has "10.0.0.0\/99"/],
    ['TRUST_PROXY', '11', /TRUST_PROXY must be between 0 and 10/],
    ['REQUEST_TIMEOUT_MS', '0', /REQUEST_TIMEOUT_MS must be between 500 and 600000/],
    ['REQUEST_TIMEOUT_MS', '30s', /REQUEST_TIMEOUT_MS must be a whole number/],
  ])('refuses %s=%s with one line naming the setting', (name, value, message) => {
    const load = () => loadConfig({ DATA_DIR: dataDir(), [name]: value });
    expect(load).toThrow(ConfigError);
    expect(load).toThrow(message);
  });

  it('generates JWT_SECRET into DATA_DIR once and keeps it', () => {
    const dir = dataDir();
    const first = loadConfig({ DATA_DIR: dir }).jwtSecret;
    expect(Buffer.byteLength(first)).toBeGreaterThanOrEqual(32);
    expect(readFileSync(join(dir, 'jwt-secret'), 'utf8').trim()).toBe(first);
    expect(loadConfig({ DATA_DIR: dir }).jwtSecret).toBe(first);
  });
});
