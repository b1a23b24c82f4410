import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { type Browser, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningEmulator, startEmulator } from '../../api/start.js';
import { packageRoot } from '../../core/paths.js';

const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const available = existsSync(chromiumPath);
// In CI a missing browser is a failure (.ci/run installs Debian's chromium); elsewhere it says why it skips.
const runIt = available || process.env.CI ? it : it.skip;
if (!available && !process.env.CI) {
  console.warn(
    `dashboard browser test skipped: no Chromium at ${chromiumPath} (apt-get install chromium, or set CHROMIUM_PATH)`,
  );
}
const artifacts = join(packageRoot, '.artifacts');

describe('the dashboard in headless Chromium', { timeout: 60_000 }, () => {
  let emulator: RunningEmulator;
  let browser: Browser | undefined;

  beforeAll(async () => {
    emulator = await startEmulator({ logLevel: false });
    if (!available) return;
    browser = await chromium.launch({
      executablePath: chromiumPath,
      // Playwright gives the browser a fresh, empty profile of its own.
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
      ],
    });
  });

  afterAll(async () => {
    await browser?.close();
    await emulator?.close();
  });

  runIt('creates an appointment from the form, shows the delivery live, and redelivers it', async () => {
    if (!browser) throw new Error(`Chromium is required in CI and was not found at ${chromiumPath}`);
    const inbox = `${emulator.url}/_emulator/inbox/dashboard`;
    expect((await emulator.subscribe({ url: inbox, trigger: 'created' })).status).toBe(200);
    const page = await browser.newPage({ viewport: { width: 420, height: 900 } });
    const requests: string[] = [];
    page.on('request', (request) => requests.push(request.url()));
    await page.goto(`${emulator.url}/_emulator/ui`);
    await expect.poll(() => page.textContent('#message'), { timeout: 10_000 }).toContain('Connected');
    expect(await page.textContent('#mailboxes')).toContain('1 of 5 flows');

    // The form is usable from the keyboard: type, Tab to the next field, Enter to submit.
    await page.fill('#create-start', '2026-01-06T09:00');
    await page.focus('#create-name');
    await page.keyboard.type('Jordan Miller');
    await page.keyboard.press('Tab');
    await page.keyboard.type('jordan@example.com');
    await page.keyboard.press('Enter');
    const row = page.locator('#journal li').first();
    await row.waitFor({ timeout: 10_000 });
    await expect.poll(() => row.textContent(), { timeout: 10_000 }).toContain('delivered');
    expect(await row.textContent()).toContain('1 attempt(s)');

    await row.getByRole('button', { name: /Redeliver/ }).click();
    await expect.poll(() => row.textContent(), { timeout: 10_000 }).toContain('2 attempt(s)');
    const received = (await (await fetch(inbox)).json()) as {
      messages: Array<{ body: { CustomerName: string } }>;
    };
    expect(received.messages.map((message) => message.body.CustomerName)).toEqual([
      'Jordan Miller',
      'Jordan Miller',
    ]);

    // The policy choosers act on the emulator.
    await page.selectOption('#policy-duration-unit', 'minutes');
    await page.selectOption('#policy-update-fires-on-create', 'on');
    await expect
      .poll(async () => {
        const { policies } = (await (await fetch(`${emulator.url}/_emulator/policies`)).json()) as {
          policies: Array<{ name: string; value: string }>;
        };
        return policies
          .filter((policy) => ['duration-unit', 'update-fires-on-create'].includes(policy.name))
          .map((policy) => `${policy.name}=${policy.value}`);
      })
      .toEqual(['duration-unit=minutes', 'update-fires-on-create=on']);

    mkdirSync(artifacts, { recursive: true });
    await page.screenshot({ path: join(artifacts, 'dashboard.png'), fullPage: true });
    // Nothing beyond the emulator itself.
    expect(requests.filter((url) => !url.startsWith(emulator.url))).toEqual([]);
  });
});
