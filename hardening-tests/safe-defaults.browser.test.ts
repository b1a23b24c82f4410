import { existsSync } from 'node:fs';
import { type Browser, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningEmulator, startEmulator } from '../emulator/api/start.js';
import { controlTokenHeader } from '../emulator/http/control-token.js';
import { demoAppointment } from '../emulator/testing/seed.js';

const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const available = existsSync(chromiumPath);
// As the dashboard's own browser test: required in CI, skipped with a reason elsewhere.
const runIt = available || process.env.CI ? it : it.skip;
if (!available && !process.env.CI)
  console.warn(`control-token dashboard test skipped: no Chromium at ${chromiumPath}`);

const controlToken = 'dash-4c1f0e9b2a';

describe('the dashboard behind a control token, in headless Chromium', { timeout: 60_000 }, () => {
  let emulator: RunningEmulator;
  let browser: Browser | undefined;

  beforeAll(async () => {
    emulator = await startEmulator({ logLevel: false, controlToken });
    if (!available) return;
    browser = await chromium.launch({
      executablePath: chromiumPath,
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--no-first-run'],
    });
  });

  afterAll(async () => {
    await browser?.close();
    await emulator?.close();
  });

  runIt('opens once with ?token=, drops it from the address, and streams deliveries live', async () => {
    if (!browser) throw new Error(`Chromium is required in CI and was not found at ${chromiumPath}`);
    const page = await browser.newPage();
    const refused = await page.goto(`${emulator.url}/_emulator/ui`);
    expect(refused?.status()).toBe(401);

    await page.goto(`${emulator.url}/_emulator/ui?token=${controlToken}`);
    expect(page.url()).toBe(`${emulator.url}/_emulator/ui`);
    await expect.poll(() => page.textContent('#message'), { timeout: 10_000 }).toContain('Connected');
    await expect
      .poll(() => page.textContent('#mailboxes'), { timeout: 10_000 })
      .toContain('lunch@contoso.example');

    const inbox = `${emulator.url}/_emulator/inbox/guarded`;
    expect((await emulator.subscribe({ url: inbox, trigger: 'created' })).status).toBe(200);
    await emulator.createAppointment(demoAppointment);
    const row = page.locator('#journal li').first();
    await row.waitFor({ timeout: 10_000 });
    await expect.poll(() => row.textContent(), { timeout: 10_000 }).toContain('delivered');

    // The cookie is the browser's alone: a script on the page cannot read it.
    expect(await page.evaluate('document.cookie')).toBe('');
    const received = await fetch(inbox, { headers: { [controlTokenHeader]: controlToken } });
    expect(((await received.json()) as { messages: unknown[] }).messages).toHaveLength(1);
  });
});
