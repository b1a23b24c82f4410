import { existsSync } from 'node:fs';
import { type Browser, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningEmulator, startEmulator } from '../../api/start.js';
import { triggerApiPaths } from '../../client/paths.js';
import { subscribeRequest } from '../../domain/triggers.js';
import { appointmentsPath, oneToOneAppointment } from '../../testing/http.js';
import { adminAuth, lunch, testSeed } from '../../testing/seed.js';

const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const available = existsSync(chromiumPath);
// As dashboard.browser.test.ts: in CI a missing browser is a failure, elsewhere a skip.
const runIt = available || process.env.CI ? it : it.skip;

describe('the dashboard under --retain-deliveries', { timeout: 60_000 }, () => {
  let emulator: RunningEmulator;
  let browser: Browser | undefined;

  beforeAll(async () => {
    emulator = await startEmulator({ seed: testSeed, logLevel: false, retainDeliveries: 2 });
    if (!available) return;
    browser = await chromium.launch({
      executablePath: chromiumPath,
      args: ['--no-sandbox', '--disable-gpu'],
    });
  });

  afterAll(async () => {
    await browser?.close();
    await emulator?.close();
  });

  runIt('drops the evicted rows and says how many deliveries were evicted', async () => {
    if (!browser) throw new Error('no browser');
    const page = await browser.newPage();
    await page.goto(`${emulator.url}/_emulator/ui`);
    await page.locator('#message', { hasText: 'Connected' }).waitFor();
    await expect.poll(() => page.locator('#journal-evicted').isHidden()).toBe(true);

    const subscribed = await fetch(`${emulator.url}${triggerApiPaths.subscribe(lunch, 'created')}`, {
      method: 'POST',
      headers: { ...adminAuth, 'content-type': 'application/json' },
      body: JSON.stringify(subscribeRequest(`${emulator.url}/_emulator/inbox/demo`, 'created')),
    });
    expect(subscribed.status).toBe(200);
    for (let n = 0; n < 5; n++) {
      const created = await fetch(`${emulator.url}${appointmentsPath()}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(oneToOneAppointment()),
      });
      expect(created.status).toBe(201);
    }

    await expect
      .poll(() => page.locator('#journal-evicted').textContent(), { timeout: 15_000 })
      .toBe('3 older deliveries evicted (start --retain-deliveries)');
    await expect.poll(() => page.locator('#journal li').count(), { timeout: 15_000 }).toBe(2);
    const kept = emulator.context.state.store.deliveries.list().map((delivery) => delivery.deliveryId);
    const shown = await page
      .locator('#journal li')
      .evaluateAll((items) => items.map((item) => item.getAttribute('data-delivery-id')));
    expect(shown.sort()).toEqual(kept.sort());
  });
});
