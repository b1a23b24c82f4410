import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningEmulator, startEmulator } from '../../api/start.js';
import { packageRoot } from '../../core/paths.js';
import type { FaultList, PolicyTable } from '../../generated/schema-types.js';

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
const wide = { width: 1280, height: 900 };
const narrow = { width: 420, height: 900 };

async function getJson<T>(url: string): Promise<T> {
  return (await (await fetch(url)).json()) as T;
}

/** The rows a user sees now (filtered-out rows are hidden), as text. */
async function visibleRows(page: Page): Promise<string[]> {
  return page.locator('#journal li:visible').allTextContents();
}

/** Creates an appointment from the form, as a user would. */
async function createFromForm(page: Page, customer: string, start: string): Promise<void> {
  await page.fill('#create-start', start);
  await page.fill('#create-name', customer);
  await page.fill('#create-email', `${customer.split(' ')[0]?.toLowerCase()}@example.com`);
  await page.getByRole('button', { name: 'Create appointment' }).click();
}

describe('the dashboard in headless Chromium', { timeout: 120_000 }, () => {
  let emulator: RunningEmulator;
  let browser: Browser | undefined;

  beforeAll(async () => {
    // A virtual clock: a retry waits until the page advances it.
    emulator = await startEmulator({ logLevel: false, clock: { virtualStart: '2026-01-05T08:00:00.000Z' } });
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

  it('GET / and GET /_emulator/ui/ lead to the dashboard, keeping a ?token= for the cookie flow', async () => {
    const location = async (path: string) => {
      const response = await fetch(`${emulator.url}${path}`, { redirect: 'manual' });
      return `${response.status} ${response.headers.get('location')}`;
    };
    expect(await location('/')).toBe('302 /_emulator/ui');
    expect(await location('/_emulator/ui/')).toBe('302 /_emulator/ui');
    expect(await location('/?token=abc')).toBe('302 /_emulator/ui?token=abc');
    const page = await fetch(`${emulator.url}/`);
    expect(page.url).toBe(`${emulator.url}/_emulator/ui`);
    expect(page.headers.get('content-type')).toContain('text/html');
    // The page's script and style come from the emulator itself, and nothing inline may run.
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self';");
    for (const file of ['dashboard.js', 'dashboard.css']) {
      expect((await fetch(`${emulator.url}/_emulator/ui/${file}`)).status).toBe(200);
    }

    // Behind a control token, / passes the token on to the dashboard, which sets the cookie.
    const guarded = await startEmulator({ logLevel: false, controlToken: 'dash-root-7f3a' });
    try {
      const first = await fetch(`${guarded.url}/?token=dash-root-7f3a`, { redirect: 'manual' });
      expect(first.headers.get('location')).toBe('/_emulator/ui?token=dash-root-7f3a');
      const second = await fetch(`${guarded.url}${first.headers.get('location')}`, { redirect: 'manual' });
      expect(second.status).toBe(303);
      const cookie = second.headers.get('set-cookie')?.split(';')[0] ?? '';
      const dashboard = await fetch(`${guarded.url}${second.headers.get('location')}`, {
        headers: { cookie },
      });
      expect(dashboard.status).toBe(200);
    } finally {
      await guarded.close();
    }
  });

  runIt(
    'shows deliveries with their appointment, time and status; filters them; advances the clock; switches policies and faults',
    async () => {
      if (!browser) throw new Error(`Chromium is required in CI and was not found at ${chromiumPath}`);
      mkdirSync(artifacts, { recursive: true });
      const inbox = `${emulator.url}/_emulator/inbox/dashboard`;
      expect((await emulator.subscribe({ url: inbox, trigger: 'created' })).status).toBe(200);
      const clinicInbox = `${emulator.url}/_emulator/inbox/clinic`;
      expect(
        (
          await emulator.subscribe({
            url: clinicInbox,
            trigger: 'created',
            mailbox: 'clinic@contoso.example',
          })
        ).status,
      ).toBe(200);
      const page = await browser.newPage({ viewport: wide });
      const requests: string[] = [];
      page.on('request', (request) => requests.push(request.url()));
      const errors: string[] = [];
      page.on('pageerror', (error) => errors.push(error.message));
      page.on('console', (message) => {
        if (message.type() === 'error') errors.push(message.text());
      });

      // The emulator's root leads to the dashboard.
      await page.goto(`${emulator.url}/`);
      expect(page.url()).toBe(`${emulator.url}/_emulator/ui`);
      await expect.poll(() => page.textContent('#message'), { timeout: 10_000 }).toContain('Connected');
      expect(await page.textContent('#mailboxes')).toContain('1 of 5 flows');
      await expect.poll(() => page.textContent('#clock-now')).toBe('2026-01-05 08:00:00 UTC');
      expect(await page.textContent('#clock-mode')).toContain('virtual');

      // The form is usable from the keyboard: type, Tab to the next field, Enter to submit.
      await page.fill('#create-start', '2026-01-06T09:00');
      await page.focus('#create-name');
      await page.keyboard.type('Jordan Miller');
      await page.keyboard.press('Tab');
      await page.keyboard.type('jordan@example.com');
      // The service's questions are fields of the form; a required one must be answered first.
      expect(await page.textContent('#create-answers')).toContain('Topic? *');
      const formIsValid = (form: unknown) => (form as { checkValidity(): boolean }).checkValidity();
      expect(await page.$eval('#create-form', formIsValid)).toBe(false);
      await page.selectOption('#create-answers select[data-question="q1"]', 'Audit');
      await page.focus('#create-email');
      await page.keyboard.press('Enter');
      const jordan = page.locator('#journal li', { hasText: 'Jordan Miller' });
      await jordan.waitFor({ timeout: 10_000 });
      await expect.poll(() => jordan.textContent(), { timeout: 10_000 }).toContain('delivered');
      // Its time on the emulator clock, and the appointment it carries, as the payload says it.
      const delivered = (await jordan.textContent()) ?? '';
      expect(delivered).toContain('Created');
      expect(delivered).toContain('08:00:00');
      expect(delivered).toContain('Consultation');
      expect(delivered).toContain('starts 01/06/2026 09:00:00 UTC');
      expect(delivered).toContain('1 attempt · last: HTTP 200');

      await jordan.getByRole('button', { name: /Redeliver/ }).click();
      await expect.poll(() => jordan.textContent(), { timeout: 10_000 }).toContain('2 attempts');
      const received = await getJson<{ messages: Array<{ body: { CustomerName: string } }> }>(inbox);
      expect(received.messages.map((message) => message.body.CustomerName)).toEqual([
        'Jordan Miller',
        'Jordan Miller',
      ]);

      // A fault from the page: the inbox refuses the next delivery with a 500, so it is retried.
      await page.selectOption('#fault-target', 'inbox');
      await page.fill('#fault-inbox-name', 'dashboard');
      await page.fill('#fault-inbox-status', '500');
      await page.getByRole('button', { name: 'Switch on' }).click();
      await expect.poll(() => page.textContent('#faults-active')).toContain('Inbox dashboard answers 500');
      await createFromForm(page, 'Riley Chen', '2026-01-06T10:00');
      const riley = page.locator('#journal li', { hasText: 'Riley Chen' });
      await expect.poll(() => riley.textContent(), { timeout: 10_000 }).toContain('retrying');
      expect(await riley.textContent()).toContain('last: HTTP 500');
      expect(await riley.textContent()).toContain('next attempt 08:00:05 (in 5 s)');
      // The clock's status follows within half a second.
      await expect.poll(() => page.textContent('#clock-timers')).toContain('next is due at 08:00:05');

      // Another: the next delivery is dropped, so it fails at once, never sent.
      await page.selectOption('#fault-target', 'delivery');
      await page.selectOption('#fault-action', 'drop');
      await page.getByRole('button', { name: 'Switch on' }).click();
      await expect.poll(() => page.textContent('#faults-active')).toContain('Deliveries: drop');
      await createFromForm(page, 'Sam Patel', '2026-01-06T11:00');
      const sam = page.locator('#journal li', { hasText: 'Sam Patel' });
      await expect.poll(() => sam.textContent(), { timeout: 10_000 }).toContain('failed');
      expect(await sam.textContent()).toContain('Not sent: dropped by an injected fault');
      // Both faults are used up and gone from the list.
      await expect.poll(() => page.textContent('#faults-active')).toContain('No fault is switched on');

      // Failed and retrying stand out with a word and an icon, not by colour alone.
      expect(await sam.locator('.badge').textContent()).toBe('✕failed');
      expect(await riley.locator('.badge').textContent()).toBe('↻retrying');
      expect(await sam.getAttribute('class')).toContain('is-failed');

      await page.screenshot({ path: join(artifacts, 'dashboard-wide.png'), fullPage: true });
      await page.setViewportSize(narrow);
      await page.screenshot({ path: join(artifacts, 'dashboard-420.png'), fullPage: true });
      // Nothing runs off the side of a 420 px window.
      expect(await page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(420);
      await page.setViewportSize(wide);

      // Filters: by status (from the keyboard, with the count button), by flow, by mailbox.
      expect(await page.textContent('#journal-summary')).toContain('3 deliveries');
      await page.getByRole('button', { name: '1 failed: show only these' }).focus();
      await page.keyboard.press('Enter');
      expect(await page.inputValue('#filter-status')).toBe('failed');
      await expect.poll(() => visibleRows(page)).toHaveLength(1);
      expect((await visibleRows(page))[0]).toContain('Sam Patel');
      expect(await page.textContent('#journal-summary')).toContain('Showing 1 of 3 deliveries');
      await page.selectOption('#filter-status', 'problem');
      await expect.poll(async () => (await visibleRows(page)).length).toBe(2);
      await page.selectOption('#filter-status', '');
      await page.selectOption('#filter-mailbox', 'clinic@contoso.example');
      await expect.poll(() => visibleRows(page)).toEqual([]);
      expect(await page.textContent('#journal-empty')).toContain('No delivery matches these filters');
      await page.selectOption('#filter-mailbox', 'lunch@contoso.example');
      await page.fill('#filter-text', 'riley');
      await expect.poll(() => visibleRows(page)).toHaveLength(1);
      await page.getByRole('button', { name: 'Clear filters' }).click();
      await expect.poll(async () => (await visibleRows(page)).length).toBe(3);

      // Live updates keep the filter: with only retrying shown, advancing the clock lets the
      // retry happen; the delivery leaves the filtered view and is delivered on its second attempt.
      await page.selectOption('#filter-status', 'retrying');
      await expect.poll(() => visibleRows(page)).toHaveLength(1);
      await page.getByRole('button', { name: '+30 s' }).click();
      await expect.poll(() => page.textContent('#clock-now')).toBe('2026-01-05 08:00:30 UTC');
      await expect.poll(() => visibleRows(page), { timeout: 10_000 }).toEqual([]);
      await page.selectOption('#filter-status', '');
      await expect.poll(() => riley.textContent()).toContain('delivered');
      expect(await riley.textContent()).toContain('2 attempts · last: HTTP 200 at 08:00:05');
      const rileyReceived = await getJson<{ messages: Array<{ body: { CustomerName: string } }> }>(inbox);
      expect(rileyReceived.messages.at(-1)?.body.CustomerName).toBe('Riley Chen');
      // An amount typed in, from the keyboard.
      await page.focus('#advance-by');
      await page.keyboard.type('1h30m');
      await page.keyboard.press('Enter');
      await expect.poll(() => page.textContent('#clock-now')).toBe('2026-01-05 09:30:30 UTC');

      // Policies show their evidence, and the chooser acts on the emulator.
      const durationUnit = page.locator('[data-policy="duration-unit"]');
      expect(await durationUnit.locator('.in-force').textContent()).toContain('seconds (default)');
      expect(await durationUnit.locator('.in-force').textContent()).toContain('evidence: strong');
      await page.selectOption('#policy-duration-unit', 'minutes');
      await page.selectOption('#policy-update-fires-on-create', 'on');
      await expect
        .poll(() => durationUnit.locator('.in-force').textContent())
        .toContain('minutes (not the default)');
      expect(await durationUnit.locator('.in-force').textContent()).toContain('evidence: none');
      expect(await durationUnit.locator('.in-force').textContent()).toContain('no source shows this value');
      const { policies } = await getJson<PolicyTable>(`${emulator.url}/_emulator/policies`);
      expect(
        policies
          .filter((policy) => ['duration-unit', 'update-fires-on-create'].includes(policy.name))
          .map((policy) => `${policy.name}=${policy.value}`),
      ).toEqual(['duration-unit=minutes', 'update-fires-on-create=on']);
      // A change made elsewhere (a scenario, the CLI) shows up on the page.
      await fetch(`${emulator.url}/_emulator/policies`, {
        method: 'PUT',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ 'duration-unit': 'seconds' }),
      });
      await expect
        .poll(() => durationUnit.locator('.in-force').textContent(), { timeout: 5_000 })
        .toContain('seconds (default)');

      // Faults switch on and off: two on, one off, then all off.
      await page.selectOption('#fault-target', 'trigger-api');
      await page.selectOption('#fault-trigger-answer', '503');
      await page.fill('#fault-count', '2');
      await page.getByRole('button', { name: 'Switch on' }).click();
      await page.selectOption('#fault-target', 'delivery');
      await page.selectOption('#fault-action', 'duplicate');
      await page.fill('#fault-count', '3');
      await page.getByRole('button', { name: 'Switch on' }).click();
      await expect.poll(() => page.locator('#faults-active li').count()).toBe(2);
      await page.getByRole('button', { name: /Switch off: Deliveries: duplicate/ }).click();
      await expect
        .poll(async () => (await getJson<FaultList>(`${emulator.url}/_emulator/faults`)).faults)
        .toEqual([{ fault: { target: 'trigger-api', status: 503, count: 2 }, remaining: 2 }]);
      await expect.poll(() => page.locator('#faults-active li').count()).toBe(1);
      await page.getByRole('button', { name: 'Switch all faults off' }).click();
      await expect
        .poll(async () => (await getJson<FaultList>(`${emulator.url}/_emulator/faults`)).faults)
        .toEqual([]);
      await expect.poll(() => page.textContent('#faults-active')).toContain('No fault is switched on');

      await page.screenshot({ path: join(artifacts, 'dashboard-wide-after.png'), fullPage: true });
      await page.setViewportSize(narrow);
      await page.screenshot({ path: join(artifacts, 'dashboard-420-after.png'), fullPage: true });
      // Nothing beyond the emulator itself, and no script error on the way.
      expect(requests.filter((url) => !url.startsWith(emulator.url))).toEqual([]);
      expect(errors).toEqual([]);
    },
  );
});
