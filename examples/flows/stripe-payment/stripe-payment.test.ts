import type { FastifyInstance } from 'fastify';
import Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildFlowApp } from '../common/flow-app.js';
import { type StandIn, startStandIn } from '../common/stand-in.js';
import { listenOnLoopback, runExampleScenario } from '../common/testing.js';
import { type StripePaymentOptions, stripeClient, stripePaymentFlow } from './flow.js';

/** The Stripe payment example (README "Example flows"): examples/scenarios/stripe-payment.yaml against the flow and Prism. */

let stripe: StandIn;
let flow: FastifyInstance;
let flowUrl = '';

beforeAll(async () => {
  stripe = await startStandIn('stripe-payments.openapi.yaml');
  flow = buildFlowApp(
    stripePaymentFlow({
      secretKey: 'sk_test_stand_in',
      apiUrl: stripe.url,
      prices: { svc1: { amount: 5000, currency: 'eur' } },
    }),
  );
  flowUrl = await listenOnLoopback(flow);
}, 60_000);

afterAll(async () => {
  await flow?.close();
  await stripe?.close();
});

describe('the Stripe payment example flow', () => {
  it('asks once for payment (even when the delivery is duplicated); cancels unpaid, refunds paid', async () => {
    const { result, report } = await runExampleScenario('stripe-payment.yaml', {
      flow: flowUrl,
      stripe: stripe.url,
    });
    expect(result.status, report).toBe('passed');
    const calls = (await stripe.calls()).map(
      (call) => `${call.method} ${call.path.split('?')[0]} ${call.status}`,
    );
    expect(calls).toEqual([
      'POST /v1/payment_intents 200',
      'GET /v1/payment_intents/pi_3Example00000000000000 200',
      'POST /v1/payment_intents/pi_3Example00000000000000/cancel 200',
      'POST /v1/payment_intents 200',
      'GET /v1/payment_intents/pi_3Example00000000000000 200',
      'POST /v1/refunds 200',
    ]);
    const [first] = await stripe.calls({ method: 'POST', path: '/v1/payment_intents' });
    expect(first?.headers['idempotency-key']).toMatch(/^booking-.+-jordan@example\.com$/);
  });

  it('fails its scenario when the flow sends an amount Stripe refuses (not in the smallest unit)', async () => {
    const options: StripePaymentOptions = {
      secretKey: 'sk_test_stand_in',
      apiUrl: stripe.url,
      prices: { svc1: { amount: 5000, currency: 'eur' } },
    };
    const client = stripeClient(options);
    const create = client.paymentIntents.create.bind(client.paymentIntents);
    client.paymentIntents.create = (params, requestOptions) =>
      create({ ...params, amount: 50.0001 }, requestOptions);
    const broken = buildFlowApp(stripePaymentFlow(options, client));
    try {
      const { result } = await runExampleScenario('stripe-payment.yaml', {
        flow: await listenOnLoopback(broken),
        stripe: stripe.url,
      });
      expect(result.status).toBe('failed');
      expect(result.failures[0]?.message).toMatch(/flow "pay-created": expectation not met/);
      const [refused] = await stripe.calls({ method: 'POST', path: '/v1/payment_intents' });
      expect(refused?.status).toBe(422);
    } finally {
      await broken.close();
    }
  }, 90_000);

  it('a service without a price asks for nothing; a group booking asks each customer', async () => {
    const before = (await stripe.calls()).length;
    const free = await flow.inject({
      method: 'POST',
      url: '/created',
      payload: {
        SelfServiceAppointmentId: 'free-1',
        ServiceId: 'checkup',
        StartTime: '2026-01-06T09:00:00Z',
        CustomerEmail: 'jo@example.com',
      },
    });
    expect(free.statusCode, free.body).toBe(200);
    expect((await stripe.calls()).length).toBe(before);
    const group = await flow.inject({
      method: 'POST',
      url: '/created',
      payload: {
        SelfServiceAppointmentId: 'group-1',
        ServiceId: 'svc1',
        ServiceName: 'Consultation',
        StartTime: '2026-01-06T09:00:00Z',
        Customers: [
          { Name: 'Bea Baker', Email: 'bea@example.com' },
          { Name: 'Cal Cook', Email: 'cal@example.com' },
        ],
      },
    });
    expect(group.statusCode, group.body).toBe(200);
    const asked = (await stripe.calls({ method: 'POST' })).filter((call) =>
      String(call.headers['idempotency-key']).includes('group-1'),
    );
    expect(asked.map((call) => (call.body as Record<string, string>).receipt_email)).toEqual([
      'bea@example.com',
      'cal@example.com',
    ]);
  });

  it('the official client pointed at the stand-in fails on a request Stripe would refuse', async () => {
    const client = new Stripe('sk_test_stand_in', {
      host: '127.0.0.1',
      port: Number(new URL(stripe.url).port),
      protocol: 'http',
      maxNetworkRetries: 0,
    });
    const error = await client.paymentIntents
      .create({ amount: 49.5, currency: 'EURO' })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(Stripe.errors.StripeError);
    expect((error as Stripe.errors.StripeError).statusCode).toBe(422);
    const [refused] = await stripe
      .calls({ path: '/v1/payment_intents' })
      .then((calls) => calls.filter((call) => call.status === 422));
    expect(JSON.stringify(refused?.violations)).toContain('amount must be integer');
  });
});
