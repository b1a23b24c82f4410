import { changeTypeOf } from '../domain/triggers.js';
import type { Delivery, Expectation } from '../generated/schema-types.js';
import { evaluate, type FieldDiff } from './expectations.js';
import type { ScenarioTarget } from './targets/target.js';
import { resolveDuration } from './template.js';

const defaultWithinMs = 5_000;

/** Which deliveries an expectation looks at: the flow's subscriptions, and the ref's appointments. */
export interface ExpectationScope {
  webhookIds: readonly string[];
  /** Every id the ref has had (a reschedule may give it a new one); all deliveries when absent. */
  appointmentIds?: readonly string[];
  refOfAppointment: ReadonlyMap<string, string>;
}

async function observe(
  target: ScenarioTarget,
  expectation: Expectation,
  scope: ExpectationScope,
): Promise<Delivery[]> {
  const changeType = expectation.event === undefined ? undefined : changeTypeOf[expectation.event];
  const ids = scope.appointmentIds;
  const perSubscription = await Promise.all(
    scope.webhookIds.map(async (webhookId) => {
      // One id: let the journal filter. Several (a rescheduled ref): filter here, keeping journal order.
      if (ids?.length === 1) return target.deliveries({ webhookId, appointmentId: ids[0] });
      const all = await target.deliveries({ webhookId });
      return ids === undefined ? all : all.filter((delivery) => ids.includes(delivery.appointmentId));
    }),
  );
  const found = perSubscription.flat();
  // A flow subscribed more than once: merge its subscriptions' deliveries by time (stable for ties).
  if (perSubscription.length > 1) found.sort((a, b) => a.createdAt.localeCompare(b.createdAt));
  return changeType === undefined ? found : found.filter((delivery) => delivery.changeType === changeType);
}

/**
 * Waits, on the scenario clock, until the expectation holds or `within` has passed: first for
 * attempts on the wire, then by moving the clock to the next retry that falls inside the window.
 * Returns what still differs (nothing when it held).
 */
export async function waitForExpectation(
  target: ScenarioTarget,
  expectation: Expectation,
  scope: ExpectationScope,
): Promise<FieldDiff[]> {
  const within = expectation.within === undefined ? defaultWithinMs : resolveDuration(expectation.within);
  const deadline = (await target.now()) + within;
  for (;;) {
    await target.settle();
    const diffs = evaluate(expectation, {
      deliveries: await observe(target, expectation, scope),
      refOfAppointment: scope.refOfAppointment,
    });
    if (diffs.length === 0) return [];
    const next = await target.nextTimerAt();
    if (next === undefined || next > deadline) return diffs;
    await target.advanceTo(Math.max(next, await target.now()));
  }
}
