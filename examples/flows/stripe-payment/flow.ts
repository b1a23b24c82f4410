import type { AppointmentData } from 'bookings-emulator';
import Stripe from 'stripe';
import { appointmentIdOf, customersOf, startOf } from '../common/appointment.js';
import type { FlowDefinition } from '../common/flow-app.js';
import { Once } from '../common/once.js';

/** A service's price: the amount in the currency's smallest unit (5000 = 50.00). */
export interface Price {
  amount: number;
  currency: string;
}

export interface StripePaymentOptions {
  secretKey: string;
  /**
   * The payload carries no price, so the flow is given one per `ServiceId` (a real flow reads the
   * service's price from Graph or a table). Services without a price are free: no payment.
   */
  prices: Readonly<Record<string, Price>>;
  /** Where Stripe is: leave out for api.stripe.com; a stand-in is `http://127.0.0.1:PORT`. */
  apiUrl?: string;
}

export function stripeClient(options: StripePaymentOptions): Stripe {
  const config: Stripe.StripeConfig = { maxNetworkRetries: 0, telemetry: false, timeout: 10_000 };
  if (options.apiUrl !== undefined) {
    const url = new URL(options.apiUrl);
    config.host = url.hostname;
    config.port = Number(url.port || (url.protocol === 'https:' ? 443 : 80));
    config.protocol = url.protocol === 'https:' ? 'https' : 'http';
  }
  return new Stripe(options.secretKey, config);
}

/**
 * On Created for a priced service, a PaymentIntent per customer (group bookings: each pays); on
 * Cancelled, each is cancelled, or refunded when it was already paid. Stripe's own idempotency key
 * (`booking-<appointment id>-<customer e-mail>`) makes a retried or duplicated delivery charge
 * nobody twice, even across restarts of the flow; the flow also remembers each intent's id.
 */
export function stripePaymentFlow(
  options: StripePaymentOptions,
  stripe = stripeClient(options),
): FlowDefinition {
  const intents = new Once<string>();
  const settled = new Once<void>();
  const keyOf = (appointment: AppointmentData, email: string) =>
    `booking-${appointmentIdOf(appointment)}-${email.toLowerCase()}`;
  return {
    on: {
      async created(appointment, log) {
        const price = options.prices[appointment.ServiceId ?? ''];
        if (!price) {
          log.info({ service: appointment.ServiceId }, 'no price for this service: nothing to pay');
          return;
        }
        for (const customer of customersOf(appointment)) {
          const key = keyOf(appointment, customer.email);
          const intentId = await intents.run(key, async () => {
            const intent = await stripe.paymentIntents.create(
              {
                amount: price.amount,
                currency: price.currency,
                description: `${appointment.ServiceName ?? 'Appointment'} on ${startOf(appointment).toISOString()}`,
                receipt_email: customer.email,
                metadata: { appointment_id: appointmentIdOf(appointment), customer_email: customer.email },
              },
              { idempotencyKey: key },
            );
            return intent.id;
          });
          log.info({ customer: customer.email, intentId }, 'payment requested');
        }
      },
      async cancelled(appointment, log) {
        for (const customer of customersOf(appointment)) {
          const key = keyOf(appointment, customer.email);
          const requested = intents.get(key);
          if (!requested) {
            log.info({ customer: customer.email }, 'no payment was requested: nothing to cancel');
            continue;
          }
          const intentId = await requested;
          await settled.run(key, async () => {
            const intent = await stripe.paymentIntents.retrieve(intentId);
            if (intent.status === 'succeeded') {
              await stripe.refunds.create(
                { payment_intent: intentId, reason: 'requested_by_customer' },
                { idempotencyKey: `refund-${key}` },
              );
              log.info({ intentId }, 'paid: refunded');
            } else if (intent.status !== 'canceled') {
              await stripe.paymentIntents.cancel(intentId, { cancellation_reason: 'requested_by_customer' });
              log.info({ intentId }, 'not paid: cancelled');
            }
          });
        }
      },
    },
    reset() {
      intents.clear();
      settled.clear();
    },
  };
}
