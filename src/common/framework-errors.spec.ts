import helmet from 'helmet';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { HELMET_OPTIONS, SECURITY_HEADERS } from './framework-errors';

describe('SECURITY_HEADERS', () => {
  it('are exactly the headers helmet sets for HELMET_OPTIONS', () => {
    const set: Record<string, string> = {};
    const removed: string[] = [];
    const res = {
      setHeader: (name: string, value: string) => void (set[name.toLowerCase()] = value),
      removeHeader: (name: string) => void removed.push(name.toLowerCase()),
    };
    let next = false;
    helmet(HELMET_OPTIONS)({} as IncomingMessage, res as unknown as ServerResponse, () => {
      next = true;
    });
    expect(next).toBe(true);
    expect(set).toEqual(SECURITY_HEADERS);
    // Helmet only removes X-Powered-By, which neither Fastify nor Nest sets.
    expect(removed).toEqual(['x-powered-by']);
  });
});
