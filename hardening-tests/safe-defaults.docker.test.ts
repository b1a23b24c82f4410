import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  BookingsEmulatorContainer,
  defaultImage,
  type StartedBookingsEmulatorContainer,
} from '../emulator/testcontainers/bookings-emulator-container.js';
import { dockerEngineStatus } from '../emulator/testing/docker.js';

const missing = dockerEngineStatus(defaultImage);
if (missing && !process.env.CI) console.warn(`control-token container test skipped: ${missing}`);
const runIt = missing && !process.env.CI ? it.skip : it;
const controlToken = 'container-7e2d9a0c';

describe('the container with a control token (testcontainers)', { timeout: 120_000 }, () => {
  let started: StartedBookingsEmulatorContainer | undefined;

  beforeAll(async () => {
    if (missing) return;
    started = await new BookingsEmulatorContainer().withControlToken(controlToken).start();
  });

  afterAll(async () => {
    await started?.stop();
  });

  runIt('starts healthy, guards /_emulator/ and hands back the headers that pass', async () => {
    if (!started) throw new Error(`the container test needs Docker: ${missing}`);
    expect(started.controlToken).toBe(controlToken);
    const url = started.getUrl();
    expect((await fetch(`${url}/_emulator/health`)).status).toBe(200);
    const refused = await fetch(`${url}/_emulator/flows`);
    expect(refused.status).toBe(401);
    expect(((await refused.json()) as { error: { code: string } }).error.code).toBe('ControlTokenRequired');
    expect((await fetch(`${url}/_emulator/flows`, { headers: started.controlHeaders() })).status).toBe(200);
    // The image binds 0.0.0.0 on purpose; it says so, and says the control API is guarded.
    const logs = await new Promise<string>((resolve, reject) => {
      let text = '';
      started
        ?.logs()
        .then((stream) => {
          stream.on('data', (chunk: Buffer | string) => {
            text += chunk.toString();
            if (/asks for the control token/.test(text)) resolve(text);
          });
          stream.on('error', reject);
          stream.on('end', () => resolve(text));
        })
        .catch(reject);
    });
    expect(logs).toContain('warning: listening on 0.0.0.0, beyond loopback');
    expect(logs).toContain('asks for the control token');
    expect(logs).not.toContain(controlToken);
  });
});
