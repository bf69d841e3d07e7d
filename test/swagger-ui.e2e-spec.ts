/**
 * Swagger UI in a real browser: headless Chromium (Debian's `chromium`, driven by
 * playwright-core; Playwright's own browsers are never downloaded) opens /docs on the app
 * listening on a real port, signs in with Authorize and a bearer token, and runs
 * "Try it out" on GET /api/v1/workstreams. This proves what supertest cannot: that the page's
 * scripts load under the app's Content-Security-Policy, that the OpenAPI document's security
 * scheme makes the UI send the token, and that the answer reaches the page.
 *
 * Where there is no Chromium the test is skipped with the reason printed (.ci/run installs it
 * with apt-get). JWH_SCREENSHOT=1 writes docs/swagger-ui.png (the README's picture);
 * CHROMIUM_PATH points at another Chromium.
 */
import { existsSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { Browser, Page, chromium } from 'playwright-core';
import { SignedIn, World, workstream } from './support/world';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const INVERCLYDE = 'S12000018';
const TITLE = 'An integrated waste management approach';
const SCREENSHOT = join(__dirname, '..', 'docs', 'swagger-ui.png');
/**
 * A browser on a 2-core machine busy with the other test files: about 15 s alone here,
 * so room to spare. Each step waits at most STEP_MS, so a missing element names its selector.
 */
const BROWSER_TEST_MS = 120_000;
const STEP_MS = 30_000;

/**
 * Chromium's own calls home (updates, sync, QUIC probes) are refused on a closed network;
 * turned off, the browser talks to the app and nothing else.
 */
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

const haveChromium = existsSync(CHROMIUM);
if (!haveChromium) {
  console.warn(
    `Skipping the Swagger UI browser test: no Chromium at ${CHROMIUM} ` +
      '(Debian: apt-get install chromium; or set CHROMIUM_PATH)',
  );
}
const describeWithChromium = haveChromium ? describe : describe.skip;

describeWithChromium('Swagger UI in a browser', () => {
  let world: World;
  let officer: SignedIn;
  let origin: string;
  let browser: Browser;
  let page: Page;
  /** Script errors on the page, reported with a failure. */
  const pageErrors: string[] = [];

  beforeAll(async () => {
    world = await World.start();
    const inverclyde = await world.council(INVERCLYDE);
    officer = await world.user(inverclyde, 'officer');
    await workstream(world.t, officer, { title: TITLE, serviceArea: 'waste' });
    await world.t.app.listen(0, '127.0.0.1');
    const { port } = world.t.http.address() as AddressInfo;
    origin = `http://127.0.0.1:${port}`;
    // launch() gives the browser a fresh profile of its own and removes it on close.
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: CHROMIUM_ARGS,
    });
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    page.setDefaultTimeout(STEP_MS);
    page.on('pageerror', (error) => pageErrors.push(error.message));
  }, BROWSER_TEST_MS);

  afterAll(async () => {
    // The browser first: its keep-alive connections would hold the server open.
    await browser?.close();
    await world?.t.close();
  });

  it(
    "signs in with Authorize and a token, then Try it out on GET /api/v1/workstreams answers 200 with the council's workstream",
    async () => {
      await page.goto(`${origin}/docs`);
      await page
        .locator('.information-container .title')
        .getByText('Joint Working Hub API')
        .waitFor();

      await page.locator('.auth-wrapper .btn.authorize').click();
      const dialog = page.locator('.dialog-ux .modal-ux');
      await dialog.locator('.auth-container input#auth-bearer-value').fill(officer.accessToken);
      await dialog.locator('button[aria-label="Apply credentials"]').click();
      await dialog.locator('button[aria-label="Remove authorization"]').waitFor();
      await dialog.locator('.btn-done').click();
      await dialog.waitFor({ state: 'detached' });
      await page.locator('.auth-wrapper .btn.authorize.locked').waitFor();

      const operation = page.locator('#operations-workstreams-listWorkstreams');
      await operation.locator('.opblock-summary-control').click();
      await operation.locator('.try-out__btn').click();
      // Try it out fills a parameter's field with its example; no filter has one, so the
      // list asked for is the council's whole first page.
      await operation.locator('.execute').click();

      const requestUrl = operation.locator('.request-url .microlight');
      await requestUrl.waitFor();
      expect((await requestUrl.innerText()).trim()).toBe(`${origin}/api/v1/workstreams?limit=50`);
      const answer = operation.locator('.live-responses-table tbody tr.response');
      const status = answer.locator('.response-col_status');
      await status.waitFor();
      expect((await status.innerText()).trim()).toMatch(/^200\b/);
      const body = answer.locator('.response-col_description .highlight-code .microlight');
      await body.waitFor();
      const listed = JSON.parse(await body.innerText()) as { data: { title: string }[] };
      expect(listed.data.map((w) => w.title)).toEqual([TITLE]);
      expect(pageErrors).toEqual([]);

      if (process.env.JWH_SCREENSHOT === '1') {
        // From the request URL down: the answer and its headers fill the picture, and the curl
        // line above, which spells out the token, stays out of it.
        await operation
          .locator('.request-url')
          .evaluate((element) => element.scrollIntoView({ block: 'start' }));
        await page.screenshot({ path: SCREENSHOT });
      }
    },
    BROWSER_TEST_MS,
  );
});
