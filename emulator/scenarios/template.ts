import type { Faker } from '@faker-js/faker';
import { parseDuration } from '../delivery/retry-policy.js';

type Variables = ReadonlyMap<string, string | number | boolean>;

const placeholder = /\$\{([^}]*)\}/g;

/** ${fake:KIND}: seeded fake data for scenario strings. */
const fakeKinds: Record<string, (faker: Faker) => string> = {
  name: (faker) => faker.person.fullName(),
  email: (faker) => faker.internet.email().toLowerCase(),
  phone: (faker) => faker.phone.number({ style: 'international' }),
  word: (faker) => faker.lorem.word(),
  sentence: (faker) => faker.lorem.sentence(),
  uuid: (faker) => faker.string.uuid(),
};

const fakeKindNames = Object.keys(fakeKinds);

export class TemplateError extends Error {}

export interface TemplateContext {
  vars: Variables;
  faker: Faker;
}

function expandString(text: string, context: TemplateContext): string {
  if (!text.includes('${')) return text;
  return text.replace(placeholder, (_, expression: string) => {
    const name = expression.trim();
    if (name.startsWith('fake:')) {
      const generate = fakeKinds[name.slice(5)];
      if (!generate)
        throw new TemplateError(
          `unknown fake kind "${name.slice(5)}"; use one of ${fakeKindNames.join(', ')}`,
        );
      return generate(context.faker);
    }
    const value = context.vars.get(name);
    if (value === undefined) throw new TemplateError(`unknown variable "\${${name}}"`);
    return String(value);
  });
}

/** Expands every string inside a step body; the shape is kept, only strings change. */
export function expand<T>(value: T, context: TemplateContext): T {
  if (typeof value === 'string') return expandString(value, context) as T;
  if (Array.isArray(value)) return value.map((item) => expand(item, context)) as T;
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, expand(item, context)])) as T;
  }
  return value;
}

/** An ISO instant, or +DURATION relative to `nowMs`. */
export function resolveTime(text: string, nowMs: number): number {
  if (text.startsWith('+')) {
    const offset = parseDuration(text.slice(1));
    if (offset === undefined) throw new TemplateError(`"${text}" is not a relative time such as +30m`);
    return nowMs + offset;
  }
  const instant = Date.parse(text);
  if (Number.isNaN(instant)) throw new TemplateError(`"${text}" is not an ISO 8601 instant`);
  return instant;
}

export function resolveDuration(text: string): number {
  const ms = parseDuration(text);
  if (ms === undefined) throw new TemplateError(`"${text}" is not a duration such as 2s, 30m or 4h`);
  return ms;
}
