import { getSchemaRegistry, schemaId } from 'bookings-emulator';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildFlowApp } from '../common/flow-app.js';
import { type StandIn, startStandIn } from '../common/stand-in.js';
import { listenOnLoopback, runExampleScenario } from '../common/testing.js';
import { zoomMeetingFlow } from './flow.js';
import { type MeetingFields, ZoomApiError, ZoomClient } from './zoom-client.js';

/** The Zoom meeting example (README "Example flows"): examples/scenarios/zoom-meeting.yaml against the flow and Prism. */

let zoom: StandIn;
const apps: FastifyInstance[] = [];

async function startFlow(client?: ZoomClient): Promise<string> {
  const app = buildFlowApp(
    zoomMeetingFlow({ baseUrl: zoom.url, token: 'test-token', hostUserId: 'me' }, client),
  );
  apps.push(app);
  return listenOnLoopback(app);
}

beforeAll(async () => {
  zoom = await startStandIn('zoom-meetings.openapi.yaml');
}, 60_000);

afterAll(async () => {
  await Promise.all(apps.map((app) => app.close()));
  await zoom?.close();
});

describe('the Zoom meeting example flow', () => {
  it('creates the meeting once (even when the delivery is duplicated), moves it, then deletes it', async () => {
    const { result, report, deliveries } = await runExampleScenario('zoom-meeting.yaml', {
      flow: await startFlow(),
      zoom: zoom.url,
    });
    expect(result.status, report).toBe('passed');
    expect(result.expectations).toBeGreaterThanOrEqual(7);
    for (const delivery of deliveries)
      expect(getSchemaRegistry().check(schemaId('appointment-data'), delivery.payload)).toEqual([]);
    const calls = await zoom.calls();
    expect(calls.map((call) => `${call.method} ${call.status}`)).toEqual([
      'POST 201',
      'PATCH 204',
      'DELETE 204',
    ]);
  });

  it('fails its scenario when the flow sends a call the Zoom API would refuse', async () => {
    class WithoutDuration extends ZoomClient {
      override createMeeting(userId: string, fields: MeetingFields) {
        const { duration: _left, ...rest } = fields;
        return super.createMeeting(userId, rest as MeetingFields);
      }
    }
    const broken = new WithoutDuration({ baseUrl: zoom.url, token: 'test-token' });
    const { result } = await runExampleScenario('zoom-meeting.yaml', {
      flow: await startFlow(broken),
      zoom: zoom.url,
    });
    expect(result.status).toBe('failed');
    expect(result.failures[0]?.message).toMatch(/flow "zoom-created": expectation not met/);
    const refused = await zoom.calls({ method: 'POST' });
    expect(refused[0]?.status).toBe(400);
    expect(JSON.stringify(refused[0]?.violations)).toContain("must have required property 'duration'");
  }, 90_000);

  it('an Updated for an appointment it has no meeting for (the reschedule-new-id quirk) creates one', async () => {
    const app = buildFlowApp(zoomMeetingFlow({ baseUrl: zoom.url, token: 'test-token', hostUserId: 'me' }));
    apps.push(app);
    const before = (await zoom.calls({ method: 'POST' })).length;
    const moved = {
      SelfServiceAppointmentId: 'new-id-after-move',
      ServiceName: 'Consultation',
      StartTime: '01/06/2026 11:00:00',
      Duration: 45 * 60,
      Customers: [{ Name: 'Jordan Miller', Email: 'jordan@example.com' }],
    };
    const response = await app.inject({ method: 'POST', url: '/updated', payload: moved });
    expect(response.statusCode, response.body).toBe(200);
    const created = (await zoom.calls({ method: 'POST' })).slice(before);
    expect(created.map((call) => call.body)).toEqual([
      {
        topic: 'Consultation with Jordan Miller',
        type: 2,
        start_time: '2026-01-06T11:00:00Z',
        duration: 45,
        timezone: 'UTC',
      },
    ]);
    const cancelledUnknown = await app.inject({
      method: 'POST',
      url: '/cancelled',
      payload: { SelfServiceAppointmentId: 'never-seen' },
    });
    expect(cancelledUnknown.statusCode).toBe(200);
    expect(await zoom.calls({ method: 'DELETE', path: 'never' })).toEqual([]);
  });

  it('the client reports what Prism refused', async () => {
    const client = new ZoomClient({ baseUrl: zoom.url, token: 'test-token' });
    const error = await client
      .createMeeting('me', { topic: '', type: 2, start_time: 'tomorrow', duration: 30, timezone: 'UTC' })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ZoomApiError);
    expect((error as ZoomApiError).status).toBe(400);
  });
});
