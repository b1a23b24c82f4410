import { subscribePath, triggerApiBase } from '../domain/triggers.js';
import type { Trigger } from '../generated/schema-types.js';

/**
 * Near misses of the trigger API's routes, for the 404 answer: a caller who wrote
 * `.../webhook/AppointmentCancelled` (the trigger is called "cancelled"), `appointmentcreated`,
 * `webhooks/` or left out `/webhook/` is told the route they meant. Nothing here answers a
 * request: a near miss still gets 404 RouteNotFound, with the hint in its message.
 */

/** The words a caller may put where a trigger's path goes, by the trigger they mean. */
const triggerWords: ReadonlyArray<readonly [Trigger, RegExp]> = [
  ['created', /^(creat|new|add|book|insert)/],
  ['updated', /^(updat|chang|modif|edit|resched)/],
  ['cancelled', /^(cancel|delet|remov)/],
];

const pathOfTrigger = (trigger: Trigger) => subscribePath('m', trigger).split('/').pop() ?? '';

function triggerOfWord(segment: string): Trigger | undefined {
  const word = segment
    .toLowerCase()
    .replace(/[^a-z]/g, '')
    .replace(/^(on)?(appointments?|bookings?)?/, '');
  return triggerWords.find(([, pattern]) => pattern.test(word))?.[0];
}

const isWebhookWord = (segment: string | undefined) => segment !== undefined && /^webhooks?$/i.test(segment);

interface Suggestion {
  method: string;
  path: string;
  why: string;
}

/** What a POST under `.../bookingBusinesses/{mailbox}/` most likely meant. */
function subscribeSuggestion(base: string, rest: string[]): Suggestion | undefined {
  const [first, second, ...more] = rest;
  if (more.length > 0) return undefined;
  // The backend form: .../webhook/ (with its slash), which takes any change_type.
  if (isWebhookWord(first) && (second === undefined || second === '')) {
    return { method: 'POST', path: `${base}/webhook/`, why: 'the form that takes any change_type' };
  }
  const word = second ?? first;
  if (word === undefined || (second !== undefined && !isWebhookWord(first))) return undefined;
  const trigger = triggerOfWord(word);
  if (!trigger) return undefined;
  const path = pathOfTrigger(trigger);
  return {
    method: 'POST',
    path: `${base}/webhook/${path}`,
    why: `the "When an appointment is ${trigger}" trigger subscribes at .../webhook/${path}`,
  };
}

function suggestionFor(method: string, path: string): Suggestion | undefined {
  const segments = path.split('/');
  const at = segments.findIndex((segment) => /^bookingbusinesses(userasadmin)?$/i.test(segment));
  if (at < 0) return undefined;
  const baseSegments = triggerApiBase.split('/').slice(1);
  const before = segments.slice(0, at);
  const written = before.slice(-baseSegments.length);
  if (written.join('/').toLowerCase() !== baseSegments.join('/').toLowerCase()) return undefined;
  // Nothing, or one connection id, before the base.
  const head = before.slice(0, before.length - baseSegments.length);
  if (head.length > 2) return undefined;
  const root = `${head.join('/')}${triggerApiBase}`;
  if (/userasadmin$/i.test(segments[at] ?? '')) {
    if (at !== segments.length - 1) return undefined;
    return {
      method: 'GET',
      path: `${root}/bookingBusinessesUserAsAdmin`,
      why: 'the mailboxes you administer',
    };
  }
  const mailbox = segments[at + 1];
  if (!mailbox || isWebhookWord(mailbox)) return undefined;
  const base = `${root}/bookingBusinesses/${mailbox}`;
  const rest = segments.slice(at + 2);
  if (method === 'DELETE') {
    const webhookId = rest.length === 1 ? rest[0] : isWebhookWord(rest[0]) ? rest[1] : undefined;
    if (!webhookId || rest.length > 2) return undefined;
    return { method, path: `${base}/webhook/${webhookId}`, why: 'how a flow unsubscribes' };
  }
  return subscribeSuggestion(base, rest);
}

/**
 * The hint for a 404: "Did you mean POST .../webhook/AppointmentDeleted? ...", or a note that the
 * path is right but takes another method; undefined when the request is no near miss.
 */
export function routeHint(method: string, path: string): string | undefined {
  const suggestion = suggestionFor(method, path);
  if (!suggestion) return undefined;
  if (suggestion.path === path) {
    return suggestion.method === method
      ? undefined
      : `${path} takes ${suggestion.method}, not ${method} (${suggestion.why}).`;
  }
  const casing = suggestion.path.toLowerCase() === path.toLowerCase() ? ' Paths are case-sensitive.' : '';
  return `Did you mean ${suggestion.method} ${suggestion.path} (${suggestion.why})?${casing}`;
}
