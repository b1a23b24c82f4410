import type { Scenario, Step } from '../generated/schema-types.js';

type Variables = ReadonlyMap<string, string | number | boolean>;

/**
 * Deliveries one appointment step may journal per subscription on its mailbox. One change makes
 * one delivery per matching subscription; the bound leaves room for a step that makes two changes
 * (a reschedule that moves the appointment to a new id).
 */
const deliveriesPerSubscription = 2;
/** Kept beyond the computed need, so that the journal's own bookkeeping never matters. */
const margin = 64;

/** What a scenario's expectations need from the journal, found by walking its steps unrolled. */
interface Walk {
  /** Upper bound on the deliveries journaled so far. */
  journaled: number;
  /** Upper bound on the deliveries journaled since the last settle (an expect or an advance). */
  sinceSettle: number;
  /** The most deliveries that may be unsettled at once (pending or on the wire). */
  unsettledMost: number;
  /** The most deliveries journaled between the first one an expectation may read and the expectation. */
  lookbackMost: number;
  /** Where each ref's deliveries begin: `journaled` when it was first created or booked. */
  refStart: Map<string, number>;
  /** Where each flow's deliveries begin: `journaled` at its first subscribe. */
  flowStart: Map<string, number>;
}

/** Something the walk cannot bound: the run keeps the whole journal. */
class Unbounded extends Error {}

/** A name as the runner will expand it; fake data or an unknown variable cannot be known ahead. */
function nameOf(template: string, vars: Variables): string {
  if (!template.includes('${')) return template;
  return template.replace(/\$\{([^}]*)\}/g, (_, expression: string) => {
    const value = vars.get(expression.trim());
    if (value === undefined) throw new Unbounded();
    return String(value);
  });
}

function journal(walk: Walk, perStep: number): void {
  walk.journaled += perStep;
  walk.sinceSettle += perStep;
  walk.unsettledMost = Math.max(walk.unsettledMost, walk.sinceSettle);
}

/** Subscribe steps with every repeat unrolled: no more subscriptions can exist at once. */
function subscribeCount(steps: readonly Step[]): number {
  return steps.reduce(
    (total, step) =>
      total + (step.repeat ? step.repeat.times * subscribeCount(step.repeat.steps) : step.subscribe ? 1 : 0),
    0,
  );
}

function walkSteps(steps: readonly Step[], vars: Variables, walk: Walk, perStep: number): void {
  for (const step of steps) {
    if (step.repeat) {
      const name = step.repeat.var ?? 'i';
      for (let iteration = 0; iteration < step.repeat.times; iteration++)
        walkSteps(step.repeat.steps, new Map(vars).set(name, iteration), walk, perStep);
      continue;
    }
    // An http step may do anything (make appointments, read the journal); a fault makes retries,
    // which stay unsettled for as long as the scenario's clock says.
    if (step.http || step.fault) throw new Unbounded();
    if (step.subscribe) {
      const flow = nameOf(step.subscribe.flow, vars);
      if (!walk.flowStart.has(flow)) walk.flowStart.set(flow, walk.journaled);
    }
    const created = step.create ?? step.book;
    if (created) {
      const ref = created.ref === undefined ? undefined : nameOf(created.ref, vars);
      if (ref !== undefined && !walk.refStart.has(ref)) walk.refStart.set(ref, walk.journaled);
      journal(walk, perStep);
    }
    if (step.update || step.cancel || step.delete || step.addCustomer || step.addStaff)
      journal(walk, perStep);
    if (step.advance) walk.sinceSettle = 0;
    if (step.expect) {
      const { expect } = step;
      const start =
        expect.ref === undefined
          ? walk.flowStart.get(nameOf(expect.flow, vars))
          : walk.refStart.get(nameOf(expect.ref, vars));
      walk.lookbackMost = Math.max(walk.lookbackMost, walk.journaled - (start ?? walk.journaled));
      walk.sinceSettle = 0;
    }
  }
}

export interface RetentionContext {
  /** The scenario's vars with the run's --var values. */
  vars: Variables;
  /** Flow URLs the run replaces (--flow-url). */
  flowUrls?: ReadonlyMap<string, string>;
}

/**
 * How many deliveries the journal (and each inbox) of a scenario's own emulator needs to keep so
 * that no expectation can miss one it reads; undefined when everything must be kept.
 *
 * Retention drops the oldest settled delivery only while the journal holds more than N. A delivery
 * D an expectation reads was journaled after its ref's first create (or its flow's first
 * subscribe, for an expectation without a ref), so until that expectation ends the journal holds
 * at most: the deliveries unsettled at once (older than D, never dropped), D, and those journaled
 * after D within that window. N at least their sum never drops D. The walk bounds both figures.
 *
 * It gives up (undefined) where it cannot bound them: an http or fault step, a flow that is not a
 * built-in inbox (a receiver may fail, and its retries stay unsettled), or a name made from fake
 * data. It also answers undefined when N would keep everything anyway.
 */
export function journalRetention(scenario: Scenario, context: RetentionContext): number | undefined {
  const walk: Walk = {
    journaled: 0,
    sinceSettle: 0,
    unsettledMost: 0,
    lookbackMost: 0,
    refStart: new Map(),
    flowStart: new Map(),
  };
  try {
    const toInbox = (scenario.flows ?? []).every(
      (flow) => !context.flowUrls?.has(flow.name) && nameOf(flow.url, context.vars).startsWith('inbox:'),
    );
    if (!toInbox) return undefined;
    const subscriptions = Math.min(scenario.webhookLimit ?? 5, subscribeCount(scenario.steps));
    const perStep = deliveriesPerSubscription * subscriptions;
    walkSteps(scenario.steps, context.vars, walk, perStep);
    const needed = walk.unsettledMost + walk.lookbackMost + perStep + margin;
    return needed < walk.journaled ? needed : undefined;
  } catch (error) {
    if (error instanceof Unbounded) return undefined;
    throw error;
  }
}
