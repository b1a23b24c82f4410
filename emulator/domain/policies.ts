import { ConfigError } from '../core/config-error.js';
import type {
  EvidenceStrength,
  Policies,
  Policy,
  PolicyName,
  PolicyTable,
  QuirkName,
  Quirks,
} from '../generated/schema-types.js';

/** Every policy with a value: what the formatter and the domain read. */
export type PolicySettings = Readonly<Required<Policies>>;
type ValueOf<N extends PolicyName> = Required<Policies>[N];

interface ValueEvidence {
  meaning: string;
  /** Tags of docs/contract.md's sources, or 'none'. */
  source: string;
  strength: EvidenceStrength;
}

interface PolicyDefinition<N extends PolicyName> {
  kind: Policy['kind'];
  description: string;
  default: ValueOf<N>;
  /** Keys are exactly the schema's enum for this policy (the type checks it), in the order shown. */
  values: { [V in ValueOf<N>]: ValueEvidence };
  advice: string;
}

/**
 * Every behaviour of the real service that is uncertain or a choice of ours, with the evidence
 * for each value (docs/contract.md). The allowed values come from schemas/control-api.schema.json
 * (`Policies`); this table adds what the schema cannot say. Everything else reads it.
 */
const catalogue: { [N in PolicyName]: PolicyDefinition<N> } = {
  'duration-unit': {
    kind: 'format',
    description: 'The unit of Duration.',
    default: 'seconds',
    values: {
      seconds: {
        meaning: 'whole seconds (a 30-minute booking gives 1800)',
        source: '[F]',
        strength: 'strong',
      },
      minutes: {
        meaning: 'whole minutes (a 30-minute booking gives 30)',
        source: 'none',
        strength: 'none',
      },
    },
    advice:
      'Treat Duration as seconds. Better, compute the length from StartTime and EndTime, which say what they are.',
  },
  'buffers-in-times': {
    kind: 'format',
    description:
      "Whether StartTime, EndTime and Duration cover the service's buffers (the calendar block), not only the booked time.",
    default: 'on',
    values: {
      on: {
        meaning:
          'StartTime = start - pre-buffer, EndTime = end + post-buffer, Duration = their difference (the pre-buffer part is inferred)',
        source: '[F]',
        strength: 'strong',
      },
      off: {
        meaning: "StartTime and EndTime are Graph's start and end, without buffers",
        source: 'none',
        strength: 'none',
      },
    },
    advice:
      'Do not show EndTime to a customer as the end of their booking when the service has a post-buffer; subtract the buffer, or read the appointment from Graph.',
  },
  'time-format': {
    kind: 'format',
    description: 'The text form of StartTime and EndTime (always UTC).',
    default: 'invariant',
    values: {
      invariant: {
        meaning: '.NET invariant culture, MM/dd/yyyy HH:mm:ss (06/24/2026 16:30:00)',
        source: '[F]',
        strength: 'medium',
      },
      exchange: {
        meaning: 'ISO 8601 with seven fractional digits and Z (2026-06-24T16:30:00.0000000Z)',
        source: '[E]',
        strength: 'weak',
      },
      iso: {
        meaning: 'ISO 8601 with milliseconds and Z (2026-06-24T16:30:00.000Z)',
        source: 'none',
        strength: 'none',
      },
    },
    advice:
      'Never parse the times by position or with a fixed pattern. Pass them through formatDateTime() or parseDateTime(), which read every form here; run your scenarios with run --matrix to prove it.',
  },
  'join-url-suffix': {
    kind: 'format',
    description: "Whether JoinWebURL is Graph's join URL with &webjoin=true&unified=true appended.",
    default: 'on',
    values: {
      on: {
        meaning: "Graph's joinWebUrl followed by &webjoin=true&unified=true",
        source: '[F]',
        strength: 'medium',
      },
      off: { meaning: "Graph's joinWebUrl as it is", source: '[E]', strength: 'weak' },
    },
    advice:
      'Do not compare JoinWebURL with the joinWebUrl an app got from Graph; use it only as a link to open.',
  },
  'self-service-id': {
    kind: 'identity',
    description:
      'SelfServiceAppointmentId of an appointment made by staff through Graph. Customer bookings always carry their own.',
    default: 'fresh',
    values: {
      fresh: {
        meaning: 'a GUID of its own, different from Id',
        source: 'none',
        strength: 'none',
      },
      zero: {
        meaning: 'the all-zero GUID 00000000-0000-0000-0000-000000000000, as Graph shows it',
        source: '[E]',
        strength: 'weak',
      },
      id: {
        meaning: 'equal to Id (the connector calls it the appointment id)',
        source: '[A]',
        strength: 'weak',
      },
    },
    advice:
      'Do not use SelfServiceAppointmentId as a key for staff-made bookings, and never to find the appointment in Graph: it may be all zeros or shared.',
  },
  'cancel-reason-missing-1on1': {
    kind: 'quirk',
    description: 'Cancellations of 1:1 appointments carry no CancelReason.',
    default: 'on',
    values: {
      on: { meaning: 'no CancelReason on 1:1 cancellations', source: '[B]', strength: 'medium' },
      off: {
        meaning: 'CancelReason holds the cancellation message',
        source: '[A]',
        strength: 'weak',
      },
    },
    advice: "Read CancelReason with a default: coalesce(triggerOutputs()?['body/CancelReason'], '').",
  },
  'customer-notes-missing-1on1': {
    kind: 'quirk',
    description: '1:1 payloads carry no customer notes.',
    default: 'off',
    values: {
      off: {
        meaning: "CustomerNotes and the customer's Notes are filled",
        source: '[F]',
        strength: 'medium',
      },
      on: {
        meaning: 'CustomerNotes and Notes are left out for 1:1 bookings',
        source: '[B]',
        strength: 'medium',
      },
    },
    advice: 'Read CustomerNotes with a default; the 2024 documentation says it is empty for 1:1 bookings.',
  },
  'choice-answer-missing': {
    kind: 'quirk',
    description: 'Answers to choice questions carry SelectedOptions and AnswerOptions but no Answer.',
    default: 'on',
    values: {
      on: {
        meaning: 'no Answer on choice questions; SelectedOptions are indexes into AnswerOptions',
        source: '[D]',
        strength: 'medium',
      },
      off: { meaning: 'Answer holds the chosen options as text', source: '[A]', strength: 'weak' },
    },
    advice: 'For choice questions, map SelectedOptions through AnswerOptions instead of reading Answer.',
  },
  'update-fires-on-create': {
    kind: 'quirk',
    description: 'Creating an appointment also fires the Updated trigger.',
    default: 'off',
    values: {
      off: { meaning: 'only Created fires on a new appointment', source: '[A]', strength: 'weak' },
      on: { meaning: 'Created and Updated both fire on a new appointment', source: '[D]', strength: 'weak' },
    },
    advice: 'Make an Updated flow idempotent: it may see appointments it never saw created.',
  },
  'reschedule-new-id': {
    kind: 'quirk',
    description:
      'An update that moves an appointment gives it a new id, and no Cancelled event comes for the old one.',
    default: 'off',
    values: {
      off: { meaning: 'a moved appointment keeps its id', source: '[E]', strength: 'weak' },
      on: { meaning: 'a moved appointment arrives with a new id', source: '[D]', strength: 'weak' },
    },
    advice: 'Match a rescheduled appointment on customer and service as well as on its id.',
  },
  'graph-query-options': {
    kind: 'rule',
    description: "Which OData query options Graph's Bookings lists answer.",
    default: 'supported',
    values: {
      supported: {
        meaning:
          '$top, $skip, $count, $select, $filter and $orderby work as OData defines them, with @odata.nextLink paging',
        source: 'none',
        strength: 'none',
      },
      'documented-only': {
        meaning:
          'only $count and $expand (and query= on businesses); $filter, $top, $skip, $orderby and $select answer 400',
        source: '[E][G]',
        strength: 'medium',
      },
    },
    advice:
      'Graph documents only $count and $expand on Bookings lists, and $filter has been refused in the field. Page and filter on the client, or use calendarView for a time window.',
  },
  'graph-time-zones': {
    kind: 'rule',
    description: 'Which time zone names a dateTimeTimeZone may carry.',
    default: 'windows-and-iana',
    values: {
      'windows-and-iana': {
        meaning: 'every Windows zone name and every IANA zone name',
        source: '[E]',
        strength: 'medium',
      },
      documented: {
        meaning: "Windows zone names and only the IANA names Graph's documentation lists",
        source: '[E]',
        strength: 'medium',
      },
    },
    advice:
      'Send Windows zone names (Pacific Standard Time) or the IANA names Graph lists; read times back in UTC.',
  },
  'graph-required-answers': {
    kind: 'rule',
    description: "Whether an appointment made through Graph must answer its service's required questions.",
    default: 'enforce',
    values: {
      enforce: {
        meaning: 'a customer without an answer to a required question is refused with 400',
        source: 'none',
        strength: 'none',
      },
      ignore: {
        meaning: 'the appointment is made; the flow sees the question unanswered',
        source: 'none',
        strength: 'none',
      },
    },
    advice:
      'Do not assume every required question has an answer in the payload: read Answers with a default.',
  },
  'graph-outside-business-hours': {
    kind: 'rule',
    description: 'Whether Graph takes an appointment outside the business hours.',
    default: 'accept',
    values: {
      accept: {
        meaning: 'taken, as staff and administrators may override the business rules',
        source: '[E]',
        strength: 'medium',
      },
      refuse: {
        meaning: 'refused with 400, as Graph documents for apps with application permissions',
        source: '[E]',
        strength: 'medium',
      },
    },
    advice: 'A flow may see appointments outside the business hours: do not reject them.',
  },
  'graph-staff-busy': {
    kind: 'rule',
    description:
      'What Graph does with an appointment for staff who are already busy then (buffers included).',
    default: 'accept',
    values: {
      accept: {
        meaning: 'taken: staff can be double-booked, as in the Bookings web app',
        source: '[G]',
        strength: 'weak',
      },
      refuse: {
        meaning: 'refused with 500 StaffNotAvailable; nothing is made and no trigger fires',
        source: '[G]',
        strength: 'weak',
      },
      'error-after-create': {
        meaning: 'answers 500 StaffNotAvailable, yet the appointment is made and the Created triggers fire',
        source: '[G]',
        strength: 'weak',
      },
    },
    advice:
      'After a 500 from Graph, list the appointments before booking again: the booking may exist, and its flow may have run.',
  },
};

export const policyNames = Object.keys(catalogue) as PolicyName[];

export const policyDefaults: PolicySettings = Object.freeze(
  Object.fromEntries(policyNames.map((name) => [name, catalogue[name].default])) as Required<Policies>,
);

function isPolicyName(name: string): name is PolicyName {
  return Object.hasOwn(catalogue, name);
}

export function allowedValues(name: PolicyName): string[] {
  return Object.keys(catalogue[name].values);
}

function unknownNameMessage(name: string): string {
  return `Unknown policy "${name}". Policies: ${policyNames.join(', ')} (bookings-emulator policies lists them).`;
}

function badValueMessage(name: PolicyName, value: unknown): string {
  return `Policy ${name} takes ${allowedValues(name).join(' | ')}, got ${JSON.stringify(value)}.`;
}

/** Checks names and values a caller gave (options, flags); throws ConfigError naming what is allowed. */
export function checkPolicies(settings: object): Policies {
  for (const [name, value] of Object.entries(settings)) {
    if (!isPolicyName(name)) throw new ConfigError(unknownNameMessage(name));
    if (typeof value !== 'string' || !allowedValues(name).includes(value))
      throw new ConfigError(badValueMessage(name, value));
  }
  return settings as Policies;
}

/**
 * Parses `NAME=VALUE` as --policy takes it; --quirk is a synonym, and on/off policies also take
 * true/false there as they always did.
 */
export function parsePolicySetting(setting: string, flag = '--policy'): [PolicyName, string] {
  const match = /^\s*([A-Za-z0-9-]+)\s*=\s*(\S+)\s*$/.exec(setting);
  if (!match?.[1] || !match[2]) {
    throw new ConfigError(`${flag} takes NAME=VALUE, got "${setting}". Policies: ${policyNames.join(', ')}.`);
  }
  const name = match[1];
  if (!isPolicyName(name)) throw new ConfigError(unknownNameMessage(name));
  const onOff: Record<string, string> = { true: 'on', false: 'off' };
  const given = match[2].toLowerCase();
  const value = allowedValues(name).includes('on') ? (onOff[given] ?? given) : given;
  if (!allowedValues(name).includes(value)) throw new ConfigError(badValueMessage(name, match[2]));
  return [name, value];
}

export function parsePolicySettings(settings: readonly string[], flag?: string): Policies {
  return Object.fromEntries(settings.map((setting) => parsePolicySetting(setting, flag)));
}

/** The table of every policy with the values in force: `policies --json` and GET /_emulator/policies. */
export function policyTable(inForce: Policies = policyDefaults): PolicyTable {
  return {
    policies: policyNames.map((name): Policy => {
      const definition = catalogue[name] as PolicyDefinition<PolicyName>;
      return {
        name,
        kind: definition.kind,
        description: definition.description,
        default: definition.default,
        value: inForce[name] ?? definition.default,
        values: Object.entries(definition.values as Record<string, ValueEvidence>).map(
          ([value, evidence]) => ({ value, ...evidence }),
        ),
        advice: definition.advice,
      };
    }),
  };
}

// --- the quirks, as older callers see them: on/off policies as booleans ---

export const quirkNames: readonly QuirkName[] = [
  'cancel-reason-missing-1on1',
  'customer-notes-missing-1on1',
  'choice-answer-missing',
  'update-fires-on-create',
  'reschedule-new-id',
];

export function quirksOf(settings: Policies): Required<Quirks> {
  return Object.fromEntries(
    quirkNames.map((name) => [name, (settings[name] ?? policyDefaults[name]) === 'on']),
  ) as Required<Quirks>;
}

export function policiesFromQuirks(quirks: Quirks): Policies {
  return Object.fromEntries(
    Object.entries(quirks)
      .filter(([, on]) => on !== undefined)
      .map(([name, on]) => {
        if (!isPolicyName(name) || !(quirkNames as string[]).includes(name))
          throw new ConfigError(`Unknown quirk "${name}". Quirks: ${quirkNames.join(', ')}.`);
        return [name, on ? 'on' : 'off'];
      }),
  );
}
