import { loadSchemaDocument } from '../core/schemas/documents.js';
import { policyTable } from '../domain/policies.js';
import type { Policy, PolicyName, Seed, SeedService, Trigger } from '../generated/schema-types.js';
import { type ExpressionNode, parseExpression } from './expression.js';
import type {
  BookingsTrigger,
  FindingSeverity,
  FlowDocument,
  FlowFinding,
  TriggerRead,
  WorkflowAction,
  WorkflowDefinition,
} from './model.js';
import { scanTriggerReads } from './trigger-reads.js';

/**
 * `flow check`: what the contract says about every read of a Bookings trigger's outputs in a flow.
 *
 * The field names and shapes come from schemas/appointment-data.schema.json (never a list written
 * here); what may be missing or uncertain comes from the policy catalogue (domain/policies.ts) and
 * docs/contract.md, as the rows of `fieldRules` below. docs/flows.md (Check a flow) lists them.
 */

// --- AppointmentData as the schema document describes it ---

type ShapeKind = 'object' | 'array' | 'string' | 'integer' | 'boolean' | 'unknown';

interface Shape {
  kind: ShapeKind;
  /** The schema's title for objects (CustomerData, Location...), or the type name. */
  name: string;
  fields?: Map<string, Field>;
  items?: Shape;
}

interface Field {
  name: string;
  shape: Shape;
  description?: string;
  deprecated: boolean;
}

interface SchemaNode {
  type?: string;
  $ref?: string;
  title?: string;
  description?: string;
  deprecated?: boolean;
  properties?: Record<string, SchemaNode>;
  items?: SchemaNode;
}

function buildShapes(): Shape {
  const document = loadSchemaDocument('appointment-data') as unknown as SchemaNode & {
    $defs: Record<string, SchemaNode>;
  };
  const named = new Map<string, Shape>();
  const shapeOf = (node: SchemaNode, fallbackName: string): Shape => {
    if (node.$ref) {
      const name = node.$ref.replace('#/$defs/', '');
      const existing = named.get(name);
      if (existing) return existing;
      const target = document.$defs[name];
      if (!target) return { kind: 'unknown', name };
      const shape = shapeOf(target, name);
      named.set(name, shape);
      return shape;
    }
    if (node.type === 'object' || node.properties) {
      const shape: Shape = { kind: 'object', name: node.title ?? fallbackName, fields: new Map() };
      for (const [key, child] of Object.entries(node.properties ?? {})) {
        shape.fields?.set(key, {
          name: key,
          shape: shapeOf(child, key),
          description: child.description,
          deprecated: child.deprecated === true,
        });
      }
      return shape;
    }
    if (node.type === 'array') {
      const items = shapeOf(node.items ?? {}, `${fallbackName} item`);
      return { kind: 'array', name: `list of ${items.name}`, items };
    }
    if (node.type === 'string' || node.type === 'integer' || node.type === 'boolean') {
      const names = { string: 'text', integer: 'a number', boolean: 'true or false' };
      return { kind: node.type, name: names[node.type] };
    }
    return { kind: 'unknown', name: fallbackName };
  };
  return shapeOf(document, 'AppointmentData');
}

let rootShape: Shape | undefined;
const appointmentData = (): Shape => {
  rootShape ??= buildShapes();
  return rootShape;
};

/** Every object shape of the schema with the path to it: to find a field read at the wrong level. */
function objectShapes(): { shape: Shape; at: string }[] {
  const found: { shape: Shape; at: string }[] = [];
  const seen = new Set<Shape>();
  const visit = (shape: Shape, at: string) => {
    if (seen.has(shape)) return;
    seen.add(shape);
    if (shape.kind === 'array' && shape.items) visit(shape.items, `${at}/*`);
    if (shape.kind !== 'object') return;
    found.push({ shape, at });
    for (const field of shape.fields?.values() ?? [])
      visit(field.shape, at ? `${at}/${field.name}` : field.name);
  };
  visit(appointmentData(), '');
  return found;
}

// --- Resolving a read's path against the schema ---

interface Resolved {
  /** The path with the schema's spelling: ['Customers', '*', 'Email']. */
  canonical: string[];
  /** The field the path ends on (or the last field before trailing item steps). */
  field?: Field;
  /** The top-level field the path starts with. */
  top?: Field;
  /** Names written with another casing than the schema's. */
  miscased: { written: string; real: string }[];
}

type Resolution =
  | ({ ok: true } & Resolved)
  | { ok: false; severity: FindingSeverity; rule: 'unknown-field' | 'wrong-shape'; message: string };

const isIndex = (step: string) => step === '*' || /^\d+$/.test(step);

function describeWhere(shape: Shape, canonical: string[]): string {
  if (canonical.length === 0) return 'AppointmentData';
  const holder = canonical.filter((step) => step !== '*').at(-1);
  return canonical.at(-1) === '*' ? `${shape.name} (an item of ${holder})` : `${shape.name} (${holder})`;
}

function resolvePath(path: readonly string[]): Resolution {
  let shape = appointmentData();
  const canonical: string[] = [];
  const miscased: Resolved['miscased'] = [];
  let field: Field | undefined;
  let top: Field | undefined;
  for (const [index, step] of path.entries()) {
    const last = index === path.length - 1;
    const shown = canonical.filter((part) => part !== '*').join('/') || 'the trigger body';
    if (isIndex(step)) {
      if (shape.kind === 'array' && shape.items) {
        shape = shape.items;
        canonical.push('*');
        continue;
      }
      // first() or last() of a text gives a character: odd, but not wrong as such.
      if (last) break;
      return {
        ok: false,
        severity: 'error',
        rule: 'wrong-shape',
        message: `${shown} is ${shape.name}, not a list: first(), last(), [0] or a loop over it give no item to read ${path
          .slice(index + 1)
          .join('/')} from. Read ${shown}/${path.slice(index + 1).join('/')} directly.`,
      };
    }
    if (shape.kind === 'array') {
      const item = shape.items?.name ?? 'items';
      return {
        ok: false,
        severity: 'error',
        rule: 'wrong-shape',
        message: `${shown} is a list of ${item}, so reading ${step} on the list itself fails the action. Read it from one item: items('Apply_to_each')?['${step}'] in a loop over ${shown}, or first(...)?['${step}'].`,
      };
    }
    if (shape.kind !== 'object' || !shape.fields) {
      return {
        ok: false,
        severity: 'error',
        rule: 'wrong-shape',
        message: `${shown} is ${shape.name}; it has no field ${step}, so the read is always empty.`,
      };
    }
    let next = shape.fields.get(step);
    if (!next) {
      const lower = step.toLowerCase();
      next = [...shape.fields.values()].find((candidate) => candidate.name.toLowerCase() === lower);
      if (next) miscased.push({ written: step, real: next.name });
    }
    if (!next) {
      return {
        ok: false,
        severity: 'error',
        rule: 'unknown-field',
        message: unknownFieldMessage(step, shape, canonical),
      };
    }
    field = next;
    top ??= next;
    canonical.push(next.name);
    shape = next.shape;
  }
  return { ok: true, canonical, field, top, miscased };
}

// --- The nearest real name for a misspelt one ---

function editDistance(a: string, b: string): number {
  const previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i += 1) {
    let diagonal = previous[0] ?? 0;
    previous[0] = i;
    for (let j = 1; j <= b.length; j += 1) {
      const above = previous[j] ?? 0;
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      previous[j] = Math.min(above + 1, (previous[j - 1] ?? 0) + 1, diagonal + cost);
      diagonal = above;
    }
  }
  return previous[b.length] ?? 0;
}

/** The closest name by edit distance (ignoring case), if it is close enough to be a slip. */
function nearestName(written: string, names: readonly string[]): string | undefined {
  const lower = written.toLowerCase();
  let best: { name: string; distance: number } | undefined;
  for (const name of names) {
    const candidate = name.toLowerCase();
    let distance = editDistance(lower, candidate);
    // "Email" for CustomerEmail, "StaffMember" for StaffMembers: one name holds the other (the
    // closer in length wins a tie).
    const lengths = Math.abs(candidate.length - lower.length);
    if (lower.length >= 4 && lengths <= 8 && (candidate.includes(lower) || lower.includes(candidate))) {
      distance = Math.min(distance, 1 + lengths / 100);
    }
    if (!best || distance < best.distance) best = { name, distance };
  }
  if (!best) return undefined;
  const allowed = Math.max(2, Math.floor(Math.max(lower.length, best.name.length) / 3));
  return best.distance <= allowed ? best.name : undefined;
}

function unknownFieldMessage(written: string, shape: Shape, canonical: string[]): string {
  const names = [...(shape.fields?.keys() ?? [])];
  const where = describeWhere(shape, canonical);
  const near = nearestName(written, names);
  if (near)
    return `${written} is not a field of ${where}; did you mean ${near}? As written, the read is always empty.`;
  // The name of a field at another level: Customers/*/Phone for CustomerPhone, StartDateTime...
  const elsewhere = objectShapes()
    .filter((entry) => entry.shape !== shape)
    .flatMap((entry) =>
      [...(entry.shape.fields?.keys() ?? [])].map((name) => (entry.at ? `${entry.at}/${name}` : name)),
    );
  const lower = written.toLowerCase();
  const other = elsewhere.find((path) => {
    const name = (path.split('/').at(-1) ?? '').toLowerCase();
    return name === lower || (lower.length >= 4 && name.includes(lower));
  });
  const hint = other
    ? ` The nearest is ${other}${other.includes('/') ? '' : ' (top level)'}.`
    : ` It has ${names.join(', ')}.`;
  return `${written} is not a field of ${where}; the read is always empty.${hint}`;
}

// --- The rules: one row per field (or schema property) and trigger ---

/** Bookings of which services a rule concerns; a seed says whether the mailbox has any. */
type Scope = 'one-to-one' | 'group' | 'choice-question' | 'not-online';

interface RuleContext {
  /** The read's field path with the schema's spelling, e.g. Customers/*\/Email. */
  path: string;
  field: Field;
  top: Field;
  trigger: Trigger;
  /** Services of the mailbox in the scope, when a seed names the mailbox. */
  services?: SeedService[];
  mailbox: string;
}

interface FieldRule {
  rule: string;
  severity: FindingSeverity;
  /** Field paths (schema spelling, `*` for an item) the rule is about, or a property of the schema. */
  fields: readonly string[] | { schema: 'deprecated' | 'one-to-one-only' };
  /** Only in flows on these triggers; every trigger when absent. */
  triggers?: readonly Trigger[];
  scope?: Scope;
  /**
   * The severity without a seed that shows the mailbox's services; the rule is left out when it
   * is null. The row's severity when absent.
   */
  unseeded?: FindingSeverity | null;
  policy?: PolicyName;
  /**
   * What shows that the flow already does what the message asks: a default (`coalesce(read, …)`),
   * or a read of a sibling field in the same action (SelectedOptions next to Answer). A warning
   * whose read is handled is a note.
   */
  handledBy?: readonly Guard[];
  /** What is wrong and what to do. The policy's evidence follows when a policy is named. */
  message: (context: RuleContext) => string;
}

type Guard = 'default' | { sibling: string };

const triggerWords: Record<Trigger, string> = {
  created: 'When an appointment is created',
  updated: 'When an appointment is updated',
  cancelled: 'When an appointment is cancelled',
};

/** The Customers item field that holds a 1:1 top-level field for every customer of a group. */
function groupEquivalent(name: string): string | undefined {
  if (name === 'CustomQuestionAnswers') return 'Answers';
  const item = appointmentData().fields?.get('Customers')?.shape.items;
  const rest = name.replace(/^Customer/, '');
  return rest !== name && item?.fields?.has(rest) ? rest : undefined;
}

const serviceList = (services: SeedService[] | undefined) =>
  (services ?? [])
    .map((service) =>
      (service.maxAttendees ?? 1) > 1
        ? `${service.displayName} (up to ${service.maxAttendees})`
        : service.displayName,
    )
    .join(', ');

/**
 * The rules as data. Each row names the field paths it is about, the triggers and kinds of
 * booking it concerns, its severity, and the policy to vary with `run --matrix` where one applies.
 */
export const fieldRules: readonly FieldRule[] = [
  {
    rule: 'missing-for-trigger',
    severity: 'warning',
    fields: ['CancelReason'],
    triggers: ['created', 'updated'],
    message: ({ trigger }) =>
      `CancelReason is set only when an appointment is cancelled; a flow on "${triggerWords[trigger]}" never receives it. Drop the read, or move it to a flow on "When an appointment is cancelled".`,
  },
  {
    rule: 'missing-for-trigger',
    severity: 'warning',
    fields: ['CancelReason'],
    triggers: ['cancelled'],
    scope: 'one-to-one',
    policy: 'cancel-reason-missing-1on1',
    handledBy: ['default'],
    message: ({ services }) =>
      `CancelReason is empty when a 1:1 appointment is cancelled${services ? ` (1:1 services here: ${serviceList(services)})` : ''}. Read it with coalesce(triggerOutputs()?['body/CancelReason'], '') and word the message so it reads well without a reason.`,
  },
  {
    rule: 'may-be-missing',
    severity: 'warning',
    fields: ['CustomQuestionAnswers/*/Answer', 'Customers/*/Answers/*/Answer'],
    scope: 'choice-question',
    policy: 'choice-answer-missing',
    handledBy: [{ sibling: 'SelectedOptions' }],
    message: ({ services }) =>
      `Answer is empty for a choice question${services ? ` (choice questions here: ${services.flatMap((service) => (service.customQuestions ?? []).filter((question) => (question.answerOptions ?? []).length > 0).map((question) => `"${question.question}"`)).join(', ')})` : ''}. For a choice question read SelectedOptions, the indexes into AnswerOptions: AnswerOptions[SelectedOptions[0]]; read Answer with coalesce(..., '') for text questions.`,
  },
  {
    rule: 'may-be-missing',
    severity: 'warning',
    fields: ['CustomerNotes', 'Customers/*/Notes'],
    scope: 'one-to-one',
    policy: 'customer-notes-missing-1on1',
    handledBy: ['default'],
    message: ({ field }) =>
      `${field.name} may be empty for 1:1 bookings: the 2024 documentation says 1:1 notes are not populated, a 2026 run showed them filled. Read it with coalesce(..., '').`,
  },
  {
    rule: 'may-be-missing',
    severity: 'warning',
    fields: ['JoinWebURL'],
    scope: 'not-online',
    unseeded: null,
    handledBy: ['default'],
    message: ({ services }) =>
      `JoinWebURL is set only for online services; ${serviceList(services)} ${services?.length === 1 ? 'is' : 'are'} not online, so their bookings carry none. Read it with coalesce(triggerOutputs()?['body/JoinWebURL'], '').`,
  },
  {
    rule: 'deprecated',
    severity: 'warning',
    fields: { schema: 'deprecated' },
    policy: 'self-service-id',
    message: ({ field }) =>
      `${field.name} is deprecated in the connector's definition ("${field.description ?? 'deprecated'}") and may go away. Use SelfServiceAppointmentId as your own key; but SelfServiceAppointmentId of a booking made by staff may be all zeros or equal to Id, and it never finds the appointment in Graph, so keep Id (with coalesce(...)) only where you call Graph.`,
  },
  {
    rule: 'one-to-one-only',
    severity: 'warning',
    fields: { schema: 'one-to-one-only' },
    scope: 'group',
    unseeded: 'note',
    message: ({ top, services, mailbox }) => {
      const equivalent = groupEquivalent(top.name);
      const instead = equivalent
        ? `Read each customer's ${equivalent} from Customers instead (items('Apply_to_each')?['${equivalent}'] in a loop over Customers).`
        : 'Group bookings carry no such field for their customers.';
      return services
        ? `${top.name} is filled only for 1:1 bookings; ${mailbox} has group services (${serviceList(services)}) whose bookings leave it empty. ${instead}`
        : `${top.name} is filled only for 1:1 bookings; a booking of a group service leaves it empty. ${instead} Pass --seed to check the mailbox's services.`;
    },
  },
  {
    rule: 'uncertain-form',
    severity: 'note',
    fields: ['StartTime', 'EndTime'],
    policy: 'time-format',
    message: ({ field }) =>
      `The text form of ${field.name} is uncertain (always UTC). Never cut it by position or parse it with a fixed pattern; pass it through formatDateTime() or parseDateTime().`,
  },
  {
    rule: 'uncertain-form',
    severity: 'note',
    fields: ['StartTime', 'EndTime', 'Duration'],
    policy: 'buffers-in-times',
    message: ({ field }) =>
      `${field.name} covers the service's buffers (the calendar block), not only the booked time. Subtract the buffers before showing it to a customer, or read the appointment from Graph.`,
  },
  {
    rule: 'uncertain-form',
    severity: 'note',
    fields: ['Duration'],
    policy: 'duration-unit',
    message: () =>
      "Duration is seconds, not minutes: divide by 60 for minutes (div(triggerOutputs()?['body/Duration'], 60)), or better, compute the length from StartTime and EndTime.",
  },
  {
    rule: 'uncertain-form',
    severity: 'note',
    fields: ['JoinWebURL'],
    policy: 'join-url-suffix',
    message: () =>
      "JoinWebURL is Graph's join URL with &webjoin=true&unified=true appended. Use it only as a link to open; do not compare it with the joinWebUrl an app got from Graph.",
  },
  {
    rule: 'uncertain-form',
    severity: 'note',
    fields: ['SelfServiceAppointmentId'],
    policy: 'self-service-id',
    message: () =>
      'SelfServiceAppointmentId of a booking made by staff through Graph may be a GUID of its own, all zeros or equal to Id. Do not use it as a key for staff-made bookings, nor to find the appointment in Graph.',
  },
  {
    rule: 'uncertain-identity',
    severity: 'note',
    fields: ['Id', 'SelfServiceAppointmentId'],
    triggers: ['updated'],
    policy: 'reschedule-new-id',
    message: ({ field }) =>
      `An update that moves an appointment may give it a new ${field.name}, with no cancellation for the old one. Match a rescheduled appointment on customer and service as well as on ${field.name}.`,
  },
];

/** The rule ids in the order of the table, with what each is about (SARIF's rules, the docs). */
export const ruleDescriptions: Readonly<Record<string, { severity: FindingSeverity; text: string }>> = {
  'unknown-field': {
    severity: 'error',
    text: 'The field does not exist in AppointmentData; the read is always empty.',
  },
  'wrong-shape': {
    severity: 'error',
    text: 'The read treats a list as an object (or a value as a list or object); it fails or is always empty.',
  },
  'wrong-case': {
    severity: 'error',
    text: 'The field exists with another casing: write the name as AppointmentData spells it.',
  },
  'missing-for-trigger': {
    severity: 'warning',
    text: 'The trigger never sets the field, or the contract says it is empty for this trigger.',
  },
  'may-be-missing': {
    severity: 'warning',
    text: 'A policy or the field evidence says the field may be empty for some bookings.',
  },
  deprecated: { severity: 'warning', text: 'The connector marks the field deprecated.' },
  'one-to-one-only': {
    severity: 'warning',
    text: 'The field is filled only for 1:1 bookings; a group booking leaves it empty.',
  },
  'uncertain-form': {
    severity: 'note',
    text: 'The form of the value is uncertain; vary the named policy with run --matrix.',
  },
  'uncertain-identity': {
    severity: 'note',
    text: 'The id may change on an update; vary the named policy with run --matrix.',
  },
  'unparsed-expression': {
    severity: 'note',
    text: 'An expression of the flow does not parse, so the reads in it were not checked.',
  },
  'no-bookings-trigger': {
    severity: 'note',
    text: 'The flow has no Bookings appointment trigger, so there is nothing to check.',
  },
};

// --- Evidence from the policy catalogue ---

let policies: Map<string, Policy> | undefined;
function policyOf(name: PolicyName): Policy | undefined {
  policies ??= new Map(policyTable().policies.map((policy) => [policy.name, policy]));
  return policies.get(name);
}

/** "Vary policy X with run --matrix (on: [B] medium, the default; off: [A] weak)." */
function evidenceOf(name: PolicyName): string {
  const policy = policyOf(name);
  if (!policy) return `Vary policy ${name} with run --matrix.`;
  const values = policy.values
    .map(
      (value) =>
        `${value.value}: ${value.source === 'none' ? 'no source' : `${value.source} ${value.strength}`}${value.value === policy.default ? ', the default' : ''}`,
    )
    .join('; ');
  return `Vary policy ${name} with run --matrix (${values}).`;
}

// --- Checking a flow ---

interface MailboxFacts {
  mailbox: string;
  /** The mailbox's services when the seed names the mailbox. */
  services?: SeedService[];
}

const inScope: Record<Scope, (service: SeedService) => boolean> = {
  'one-to-one': (service) => (service.maxAttendees ?? 1) <= 1,
  group: (service) => (service.maxAttendees ?? 1) > 1,
  'choice-question': (service) =>
    (service.customQuestions ?? []).some((question) => (question.answerOptions ?? []).length > 0),
  'not-online': (service) => service.isOnline !== true,
};

function mailboxFacts(trigger: BookingsTrigger, seed: Seed | undefined): MailboxFacts {
  const mailbox = trigger.mailbox;
  const business = seed?.businesses.find(
    (candidate) => candidate.email.toLowerCase() === mailbox.toLowerCase(),
  );
  return business ? { mailbox, services: business.services ?? [] } : { mailbox };
}

function ruleApplies(rule: FieldRule, path: string, top: Field): boolean {
  if (Array.isArray(rule.fields)) return rule.fields.includes(path);
  const selector = rule.fields as { schema: 'deprecated' | 'one-to-one-only' };
  if (selector.schema === 'deprecated') return top.deprecated && path === top.name;
  return /\(1:1 bookings\)/.test(top.description ?? '');
}

/** The last field name a value of the tree reads: `x?['a']?['B']` -> B, `x?['body/B']` -> B. */
function lastKeyOf(node: ExpressionNode): string | undefined {
  if (node.kind !== 'member' || node.key.kind !== 'string') return undefined;
  return node.key.value
    .split('/')
    .filter((step) => step !== '')
    .at(-1);
}

/** An action of the definition by name, nested ones included. */
type ActionLookup = (name: string) => WorkflowAction | undefined;

function actionLookup(definition: WorkflowDefinition): ActionLookup {
  const byName = new Map<string, WorkflowAction>();
  const pending: unknown[] = [definition.actions];
  for (let actions = pending.pop(); pending.length > 0 || actions !== undefined; actions = pending.pop()) {
    if (actions === null || typeof actions !== 'object') continue;
    for (const [name, action] of Object.entries(actions as Record<string, WorkflowAction>)) {
      if (action === null || typeof action !== 'object') continue;
      if (!byName.has(name.toLowerCase())) byName.set(name.toLowerCase(), action);
      pending.push(action.actions, action.else?.actions, action.default?.actions);
      for (const branch of Object.values(action.cases ?? {})) pending.push(branch?.actions);
    }
  }
  return (name) => byName.get(name.toLowerCase());
}

/**
 * Whether the expression gives the field a default: the field is a first argument of coalesce(),
 * or the expression reads outputs('C') of a Compose C that does (one step, no further).
 */
function hasDefault(expression: string, name: string, actions?: ActionLookup): boolean {
  const parsed = parseExpression(expression);
  if (!parsed.ok) return false;
  const lower = name.toLowerCase();
  const pending: ExpressionNode[] = [parsed.node];
  for (let node = pending.pop(); node; node = pending.pop()) {
    if (node.kind === 'member') pending.push(node.target, node.key);
    if (node.kind !== 'call') continue;
    pending.push(...node.args);
    const call = node.name.toLowerCase();
    const [first] = node.args;
    if (actions && call === 'outputs' && node.args.length === 1 && first?.kind === 'string') {
      const compose = actions(first.value);
      const inputs = compose?.type?.toLowerCase() === 'compose' ? compose.inputs : undefined;
      if (typeof inputs === 'string' && inputs.startsWith('@') && hasDefault(inputs.slice(1), name))
        return true;
    }
    if (call !== 'coalesce') continue;
    if (node.args.slice(0, -1).some((arg) => lastKeyOf(arg)?.toLowerCase() === lower)) return true;
  }
  return false;
}

/** How the read already follows the rule's advice, if it does. */
function handling(
  rule: FieldRule,
  read: TriggerRead,
  actionReads: readonly TriggerRead[],
  actions: ActionLookup,
): string | undefined {
  const name = read.path.filter((step) => !isIndex(step)).at(-1) ?? '';
  for (const guard of rule.handledBy ?? []) {
    if (guard === 'default') {
      if (hasDefault(read.expression, name, actions)) return `the read has a default (coalesce(...))`;
      continue;
    }
    const sibling = [...read.path.slice(0, -1), guard.sibling].join('/').toLowerCase();
    if (actionReads.some((other) => other.path.join('/').toLowerCase() === sibling)) {
      return `${read.action} also reads ${guard.sibling}`;
    }
  }
  return undefined;
}

/** Rules that say a field is empty: in a trigger condition, the flow then does not run at all. */
const emptinessRules = new Set(['missing-for-trigger', 'may-be-missing', 'one-to-one-only']);

function findingsForRead(
  read: TriggerRead,
  trigger: BookingsTrigger,
  facts: MailboxFacts,
  actionReads: readonly TriggerRead[],
  actions: ActionLookup,
): Omit<FlowFinding, 'file' | 'entry' | 'flow'>[] {
  const base = { action: read.action, expression: read.expression, pointer: read.pointer };
  if (read.path.length === 0) return [];
  const resolution = resolvePath(read.path);
  if (!resolution.ok) {
    return [{ severity: resolution.severity, rule: resolution.rule, message: resolution.message, ...base }];
  }
  const findings: Omit<FlowFinding, 'file' | 'entry' | 'flow'>[] = [];
  if (resolution.miscased.length > 0) {
    const names = resolution.miscased;
    findings.push({
      severity: 'error',
      rule: 'wrong-case',
      message: `${names.map(({ written, real }) => `${written} is spelt ${real}`).join('; ')} in AppointmentData: write ${names.map(({ real }) => real).join(', ')}. No source promises that the flow engine matches names without regard to case, and a Parse JSON schema, a condition on key names or any code the value is passed to compares them exactly.`,
      ...base,
    });
  }
  const { field, top } = resolution;
  if (!field || !top) return findings;
  const path = resolution.canonical.join('/');
  for (const rule of fieldRules) {
    if (rule.triggers && !rule.triggers.includes(trigger.trigger)) continue;
    if (!ruleApplies(rule, path, top)) continue;
    let severity: FindingSeverity | null = rule.severity;
    let services: SeedService[] | undefined;
    if (rule.scope) {
      if (facts.services) {
        services = facts.services.filter(inScope[rule.scope]);
        if (services.length === 0) continue;
      } else {
        severity = rule.unseeded === undefined ? rule.severity : rule.unseeded;
      }
    }
    if (severity === null) continue;
    const context: RuleContext = {
      path,
      field,
      top,
      trigger: trigger.trigger,
      services,
      mailbox: facts.mailbox,
    };
    let message = rule.message(context);
    const handled = severity === 'warning' ? handling(rule, read, actionReads, actions) : undefined;
    if (handled) {
      severity = 'note';
      message = `Handled here: ${handled}. ${message}`;
    } else if (read.action === trigger.name && emptinessRules.has(rule.rule)) {
      message = `${message} This read is in the trigger's own settings (its conditions): where the field is empty, the flow does not run at all.`;
    }
    findings.push({
      severity,
      rule: rule.rule,
      message: rule.policy ? `${message} ${evidenceOf(rule.policy)}` : message,
      ...base,
      ...(rule.policy ? { policy: rule.policy } : {}),
    });
  }
  return findings;
}

/**
 * The reads in document order of their expressions, and the reads of one expression by path: the
 * order of the findings does not depend on how an expression's tree is walked.
 */
function inStableOrder(reads: readonly TriggerRead[]): TriggerRead[] {
  const where = (read: TriggerRead) => `${read.action}\n${read.pointer}\n${read.expression}`;
  const first = new Map<string, number>();
  reads.forEach((read, index) => {
    if (!first.has(where(read))) first.set(where(read), index);
  });
  const pathOf = (read: TriggerRead) => read.path.join('/');
  return [...reads].sort(
    (a, b) =>
      (first.get(where(a)) ?? 0) - (first.get(where(b)) ?? 0) ||
      (pathOf(a) < pathOf(b) ? -1 : pathOf(a) > pathOf(b) ? 1 : 0),
  );
}

/**
 * Every finding for a flow: for each Bookings trigger, each read of its outputs against the
 * schema and the rules. With a seed, rules about kinds of booking (1:1, group, choice questions,
 * online) look at the trigger mailbox's services.
 */
export function checkFlow(flow: FlowDocument, options: { seed?: Seed } = {}): FlowFinding[] {
  const where = {
    file: flow.file,
    ...(flow.entry !== undefined ? { entry: flow.entry } : {}),
    flow: flow.name,
  };
  if (flow.bookingsTriggers.length === 0) {
    return [
      {
        severity: 'note',
        rule: 'no-bookings-trigger',
        message: `The flow has no Microsoft Bookings appointment trigger (${Object.keys(flow.definition.triggers ?? {}).join(', ') || 'no triggers'}), so none of its reads were checked.`,
        ...where,
        action: Object.keys(flow.definition.triggers ?? {})[0] ?? '',
        expression: '',
        pointer: '/triggers',
      },
    ];
  }
  const unparsed = new Set<string>();
  const actions = actionLookup(flow.definition);
  return flow.bookingsTriggers.flatMap((trigger) => {
    const facts = mailboxFacts(trigger, options.seed);
    const scan = scanTriggerReads(flow.definition, trigger.name);
    const { problems } = scan;
    const reads = inStableOrder(scan.reads);
    const findings = reads.flatMap((read) => {
      const actionReads = reads.filter((other) => other.action === read.action);
      return findingsForRead(read, trigger, facts, actionReads, actions).map((finding) => ({
        ...where,
        ...finding,
      }));
    });
    for (const problem of problems) {
      const key = `${problem.pointer}\n${problem.expression}`;
      if (unparsed.has(key)) continue;
      unparsed.add(key);
      findings.push({
        ...where,
        severity: 'note',
        rule: 'unparsed-expression',
        message: `The expression does not parse (${problem.problem}, at character ${problem.offset + 1}), so the trigger reads in it were not checked. The flow engine refuses such an expression when the flow is saved; correct it in the designer and export the flow again.`,
        action: problem.action,
        expression: problem.expression,
        pointer: problem.pointer,
      });
    }
    return findings;
  });
}
