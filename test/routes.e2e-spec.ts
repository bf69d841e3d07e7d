import { DiscoveryService, MetadataScanner, Reflector } from '@nestjs/core';
import { IS_PUBLIC, POLICIES } from '../src/tenancy/decorators';
import { ProbeController } from './support/probe.module';
import { TestApp, createTestApp } from './support/test-app';

describe('every route', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  it('declares a policy or @Public()', () => {
    const discovery = t.app.get(DiscoveryService);
    const scanner = t.app.get(MetadataScanner);
    const reflector = t.app.get(Reflector);
    const undeclared: string[] = [];
    let routes = 0;
    for (const wrapper of discovery.getControllers()) {
      const controller = wrapper.instance as object | undefined;
      if (!controller || controller instanceof ProbeController) continue;
      const prototype = Object.getPrototypeOf(controller) as Record<string, unknown>;
      for (const name of scanner.getAllMethodNames(prototype)) {
        const handler = prototype[name] as () => unknown;
        if (!Reflect.getMetadata('path', handler)) continue;
        routes++;
        const targets = [handler, controller.constructor];
        const declared =
          reflector.getAllAndOverride(IS_PUBLIC, targets) ||
          reflector.getAllAndOverride(POLICIES, targets);
        if (!declared) undeclared.push(`${controller.constructor.name}.${name}`);
      }
    }
    expect(routes).toBeGreaterThan(5);
    expect(undeclared).toEqual([]);
  });
});
