import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildFlowApp } from '../common/flow-app.js';
import { type StandIn, startStandIn } from '../common/stand-in.js';
import { listenOnLoopback, runExampleScenario } from '../common/testing.js';
import { type ContactFields, DynamicsApiError, DynamicsClient, odataKey } from './dynamics-client.js';
import { crmUploadFlow } from './flow.js';

/** The CRM upload example (README "Example flows"): examples/scenarios/crm-upload.yaml against the flow and Prism. */

let crm: StandIn;
let flow: FastifyInstance;
let flowUrl = '';

beforeAll(async () => {
  crm = await startStandIn('dynamics-contacts.openapi.yaml');
  flow = buildFlowApp(crmUploadFlow({ orgUrl: crm.url, token: 'test-token' }));
  flowUrl = await listenOnLoopback(flow);
}, 60_000);

afterAll(async () => {
  await flow?.close();
  await crm?.close();
});

describe('the CRM upload example flow', () => {
  it('upserts each contact once when a delivery is duplicated or retried, again when the booking changes', async () => {
    const { result, report } = await runExampleScenario('crm-upload.yaml', { flow: flowUrl, crm: crm.url });
    expect(result.status, report).toBe('passed');
    const writes = (await crm.calls({ method: 'PATCH' })).map((call) => `${call.path} ${call.status}`);
    expect(writes).toEqual([
      "/api/data/v9.2/contacts(emailaddress1='jordan@example.com') 204",
      "/api/data/v9.2/contacts(emailaddress1='jordan@example.com') 204",
      "/api/data/v9.2/contacts(emailaddress1='bea@example.com') 204",
      "/api/data/v9.2/contacts(emailaddress1='cal@example.com') 412",
      "/api/data/v9.2/contacts(emailaddress1='cal@example.com') 204",
    ]);
  });

  it('runs again from a clean state (the scenario resets the recorder and the flow first)', async () => {
    const { result, report } = await runExampleScenario('crm-upload.yaml', { flow: flowUrl, crm: crm.url });
    expect(result.status, report).toBe('passed');
  });

  it('fails its scenario when the flow writes a field the Web API refuses', async () => {
    class WritesFullName extends DynamicsClient {
      override upsertContactByEmail(email: string, fields: ContactFields) {
        return super.upsertContactByEmail(email, { ...fields, fullname: 'read-only' } as ContactFields);
      }
    }
    const broken = buildFlowApp(
      crmUploadFlow(
        { orgUrl: crm.url, token: 'test-token' },
        new WritesFullName({ orgUrl: crm.url, token: 'test-token' }),
      ),
    );
    try {
      const { result } = await runExampleScenario('crm-upload.yaml', {
        flow: await listenOnLoopback(broken),
        crm: crm.url,
      });
      expect(result.status).toBe('failed');
      expect(result.failures[0]?.message).toMatch(/flow "crm-created": expectation not met/);
      const [refused] = await crm.calls({ method: 'PATCH' });
      expect(refused?.status).toBe(400);
    } finally {
      await broken.close();
    }
  }, 90_000);

  it('a call the Web API would refuse fails: a read-only field and no last name', async () => {
    const client = new DynamicsClient({ orgUrl: crm.url, token: 'test-token' });
    const error = await client
      .upsertContactByEmail('jo@example.com', { fullname: 'Jo' } as never)
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(DynamicsApiError);
    expect((error as DynamicsApiError).status).toBe(400);
    const [refused] = await crm.calls({ path: 'jo@example.com' });
    expect(JSON.stringify(refused?.violations)).toContain("found 'fullname'");
  });

  it('writes the alternate key as an OData string literal', () => {
    expect(odataKey("o'brien@example.com")).toBe("'o''brien%40example.com'");
  });
});
