import { triggerOf } from '../domain/triggers.js';
import type { Delivery, Expectation } from '../generated/schema-types.js';

/** One difference between what a step expected and what happened. */
export interface FieldDiff {
  /** JSON pointer into the payload, or the name of the checked figure (count, status, order). */
  path: string;
  expected: unknown;
  actual: unknown;
  problem: 'different' | 'missing' | 'unexpected';
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const escapeToken = (token: string) => token.replaceAll('~', '~0').replaceAll('/', '~1');

/** Every place where `actual` does not contain `expected`: objects may have more keys, arrays must match in length. */
export function partialDiff(actual: unknown, expected: unknown, path = ''): FieldDiff[] {
  if (isPlainObject(expected)) {
    if (!isPlainObject(actual)) return [{ path: path || '/', expected, actual, problem: 'different' }];
    return Object.entries(expected).flatMap(([key, value]) => {
      const here = `${path}/${escapeToken(key)}`;
      if (!(key in actual))
        return [{ path: here, expected: value, actual: undefined, problem: 'missing' as const }];
      return partialDiff(actual[key], value, here);
    });
  }
  if (Array.isArray(expected)) {
    if (!Array.isArray(actual) || actual.length !== expected.length) {
      return [{ path: path || '/', expected, actual, problem: 'different' }];
    }
    return expected.flatMap((value, index) => partialDiff(actual[index], value, `${path}/${index}`));
  }
  return Object.is(actual, expected) ? [] : [{ path: path || '/', expected, actual, problem: 'different' }];
}

/** `Name`, `Customers/0/Notes` or `/Customers/0/Notes`, as a JSON pointer. */
function fieldPointer(field: string): string {
  return field.startsWith('/') ? field : `/${field.replaceAll('.', '/')}`;
}

function valueAt(document: unknown, pointer: string): { present: boolean; value?: unknown } {
  let node: unknown = document;
  for (const token of pointer.split('/').slice(1)) {
    const key = token.replaceAll('~1', '/').replaceAll('~0', '~');
    if (Array.isArray(node) && /^\d+$/.test(key) && Number(key) < node.length) node = node[Number(key)];
    else if (isPlainObject(node) && key in node) node = node[key];
    else return { present: false };
  }
  return { present: true, value: node };
}

export interface Observation {
  deliveries: Delivery[];
  /** Appointment ids back to the refs the scenario gave them. */
  refOfAppointment: ReadonlyMap<string, string>;
}

/** Checks an expectation against the deliveries seen so far; an empty list means it holds. */
export function evaluate(expectation: Expectation, observation: Observation): FieldDiff[] {
  const { deliveries } = observation;
  const diffs: FieldDiff[] = [];
  const figure = (path: string, expected: number | undefined, actual: number) => {
    if (expected !== undefined && expected !== actual)
      diffs.push({ path, expected, actual, problem: 'different' });
  };
  figure('count', expectation.count, deliveries.filter((delivery) => delivery.status === 'delivered').length);
  figure('failed', expectation.failed, deliveries.filter((delivery) => delivery.status === 'failed').length);
  figure(
    'attempts',
    expectation.attempts,
    deliveries.reduce((sum, delivery) => sum + delivery.attempts.length, 0),
  );

  const needsLatest =
    expectation.payload !== undefined || expectation.absent !== undefined || expectation.status !== undefined;
  const latest = [...deliveries].reverse().find((delivery) => delivery.attempts.length > 0);
  if (needsLatest && !latest) {
    diffs.push({ path: 'deliveries', expected: 'at least one', actual: 0, problem: 'missing' });
    return diffs;
  }
  if (latest) {
    if (expectation.status !== undefined) {
      figure('status', expectation.status, latest.attempts.at(-1)?.responseStatus ?? 0);
    }
    if (expectation.payload !== undefined) diffs.push(...partialDiff(latest.payload, expectation.payload));
    for (const field of expectation.absent ?? []) {
      const pointer = fieldPointer(field);
      const found = valueAt(latest.payload, pointer);
      if (found.present)
        diffs.push({ path: pointer, expected: '(absent)', actual: found.value, problem: 'unexpected' });
    }
  }
  if (expectation.order !== undefined) {
    const actual = deliveries.map((delivery, index) => {
      const wanted = expectation.order?.[index];
      const event = triggerOf[delivery.changeType];
      const ref = observation.refOfAppointment.get(delivery.appointmentId) ?? delivery.appointmentId;
      return wanted === ref ? ref : event;
    });
    if (
      actual.length !== expectation.order.length ||
      actual.some((item, index) => item !== expectation.order?.[index])
    ) {
      diffs.push({ path: 'order', expected: expectation.order, actual, problem: 'different' });
    }
  }
  return diffs;
}
