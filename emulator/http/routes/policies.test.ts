import type { FastifyInstance } from 'fastify';
import { describe, expect, it } from 'vitest';
import { policyNames } from '../../domain/policies.js';
import type { AppointmentData, PolicyTable } from '../../generated/schema-types.js';
import { startHarness } from '../../testing/delivery-harness.js';
import { buildTestApp, expectError, oneToOneAppointment } from '../../testing/http.js';

describe('GET and PUT /_emulator/policies', () => {
  const valueInForce = (table: PolicyTable, name: string) =>
    table.policies.find((policy) => policy.name === name)?.value;
  const put = (target: FastifyInstance, body: unknown) =>
    target.inject({ method: 'PUT', url: '/_emulator/policies', payload: body as object });

  it('lists every policy with its values, evidence, default and the value in force', async () => {
    const { app } = await startHarness({ policies: { 'time-format': 'iso' } });
    const response = await app.inject({ method: 'GET', url: '/_emulator/policies' });
    expect(response.statusCode).toBe(200);
    const table = response.json() as PolicyTable;
    expect(table.policies.map((policy) => policy.name)).toEqual(policyNames);
    const timeFormat = table.policies.find((policy) => policy.name === 'time-format');
    expect(timeFormat).toMatchObject({ default: 'invariant', value: 'iso', kind: 'format' });
    expect(timeFormat?.values.map((value) => value.value)).toEqual(['invariant', 'exchange', 'iso']);
    expect(timeFormat?.values[0]).toMatchObject({ source: '[F]', strength: 'medium' });
    expect(valueInForce(table, 'duration-unit')).toBe('seconds');
  });

  it('sets the named policies for the next change, keeps the others, and reset restores the configured ones', async () => {
    const h = await startHarness({ policies: { 'time-format': 'iso' } });
    const { app } = h;
    const { receiver } = await h.flow();

    const changed = await put(app, { 'duration-unit': 'minutes' });
    expect(changed.statusCode, changed.body).toBe(200);
    expect(valueInForce(changed.json(), 'duration-unit')).toBe('minutes');
    expect(valueInForce(changed.json(), 'time-format')).toBe('iso');
    await h.create(oneToOneAppointment());
    await h.waitForSettled(1);
    const [request] = await receiver.waitFor(1);
    const payload = request?.body as AppointmentData;
    expect(payload.Duration).toBe(30);
    expect(payload.StartTime).toBe('2026-01-06T09:00:00.000Z');

    expect((await app.inject({ method: 'POST', url: '/_emulator/reset' })).statusCode).toBe(204);
    const after = (await app.inject({ method: 'GET', url: '/_emulator/policies' })).json() as PolicyTable;
    expect(valueInForce(after, 'duration-unit')).toBe('seconds');
    expect(valueInForce(after, 'time-format')).toBe('iso');
  });

  it('refuses an unknown name or value with 400, listing the allowed ones, and changes nothing', async () => {
    const { app } = await startHarness();
    const unknown = await put(app, { 'duration-units': 'seconds' });
    expectError(unknown, 400, 'InvalidControlRequest');
    expect(unknown.json().error.message).toContain('Policies: duration-unit, buffers-in-times');
    const badValue = await put(app, { 'duration-unit': 'minutes', 'time-format': 'rfc' });
    expectError(badValue, 400, 'InvalidControlRequest');
    expect(badValue.json().error.message).toBe(
      'Policy time-format takes invariant | exchange | iso, got "rfc".',
    );
    const notText = await put(app, { 'join-url-suffix': false });
    expectError(notText, 400, 'InvalidControlRequest');
    expect(notText.json().error.message).toContain('takes on | off');
    expectError(await put(app, ['duration-unit']), 400, 'InvalidRequestBody');
    const table = (await app.inject({ method: 'GET', url: '/_emulator/policies' })).json() as PolicyTable;
    expect(valueInForce(table, 'duration-unit')).toBe('seconds');
  });

  it('a reset body may set policies, and the older quirks booleans too', async () => {
    const { app } = await startHarness();
    const reset = await app.inject({
      method: 'POST',
      url: '/_emulator/reset',
      payload: { policies: { 'self-service-id': 'zero' }, quirks: { 'update-fires-on-create': true } },
    });
    expect(reset.statusCode, reset.body).toBe(204);
    const table = (await app.inject({ method: 'GET', url: '/_emulator/policies' })).json() as PolicyTable;
    expect(valueInForce(table, 'self-service-id')).toBe('zero');
    expect(valueInForce(table, 'update-fires-on-create')).toBe('on');
    const quirks = (await app.inject({ method: 'GET', url: '/_emulator/quirks' })).json();
    expect(quirks['update-fires-on-create']).toBe(true);
  });

  it('refuses unknown policies in startEmulator options before anything starts', async () => {
    await expect(buildTestApp({ policies: { 'duration-unit': 'hours' } as never })).rejects.toThrow(
      'Policy duration-unit takes seconds | minutes, got "hours".',
    );
    await expect(buildTestApp({ policies: { nope: 'on' } as never })).rejects.toThrow(
      /Unknown policy "nope"/,
    );
  });
});
