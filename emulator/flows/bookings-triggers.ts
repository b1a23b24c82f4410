import type { Trigger } from '../generated/schema-types.js';
import type { BookingsOperation, BookingsTrigger, WorkflowDefinition } from './model.js';

/** The Bookings triggers by operation id, as the connector definition names them (docs/contract.md). */
const triggerOfOperation: Record<BookingsOperation, Trigger> = {
  CreateAppointment: 'created',
  UpdateAppointment: 'updated',
  CancelAppointment: 'cancelled',
};

/** The last segment of each trigger's path in the connector, for the forms that name a path instead. */
const operationOfPath: Record<string, BookingsOperation> = {
  appointmentcreated: 'CreateAppointment',
  appointmentupdated: 'UpdateAppointment',
  appointmentdeleted: 'CancelAppointment',
};

const isObject = (value: unknown): value is Record<string, unknown> =>
  value !== null && typeof value === 'object' && !Array.isArray(value);

/**
 * What a definition's surroundings say about its connections and parameters:
 * - `connectionReferences` (Power Automate exports and solutions): name -> { id | api.name | apiName },
 * - `$connections` (Logic Apps Consumption): name -> { id: ".../managedApis/microsoftbookings" },
 * - parameter values, for a mailbox given as `@parameters('...')` (solution environment variables).
 */
export interface FlowSurroundings {
  connectionApis: Map<string, string>;
  parameters: Map<string, unknown>;
}

function addConnections(into: Map<string, string>, table: unknown): void {
  if (!isObject(table)) return;
  for (const [name, reference] of Object.entries(table)) {
    if (!isObject(reference)) continue;
    const api = isObject(reference.api) ? reference.api : {};
    const id = [reference.id, api.name, api.id, reference.apiName].find(
      (candidate): candidate is string => typeof candidate === 'string' && candidate !== '',
    );
    if (id && !into.has(name.toLowerCase())) into.set(name.toLowerCase(), id);
  }
}

function addParameters(into: Map<string, unknown>, table: unknown, field: 'value' | 'defaultValue'): void {
  if (!isObject(table)) return;
  for (const [name, parameter] of Object.entries(table)) {
    if (isObject(parameter) && field in parameter && !into.has(name)) into.set(name, parameter[field]);
  }
}

/** Collects connections and parameter values from the file (and its `properties`) and the definition. */
export function surroundingsOf(
  file: Record<string, unknown>,
  definition: WorkflowDefinition,
): FlowSurroundings {
  const connectionApis = new Map<string, string>();
  const parameters = new Map<string, unknown>();
  const properties = isObject(file.properties) ? file.properties : {};
  for (const holder of [file, properties]) {
    addConnections(connectionApis, holder.connectionReferences);
    // A Logic Apps resource or code view: parameters next to the definition hold their values.
    if (isObject(holder.parameters)) {
      addParameters(parameters, holder.parameters, 'value');
      const connections = holder.parameters.$connections;
      if (isObject(connections)) addConnections(connectionApis, connections.value);
    }
  }
  if (isObject(definition.parameters)) {
    addParameters(parameters, definition.parameters, 'value');
    addParameters(parameters, definition.parameters, 'defaultValue');
    const connections = definition.parameters.$connections;
    if (isObject(connections)) {
      addConnections(connectionApis, connections.value);
      addConnections(connectionApis, connections.defaultValue);
    }
  }
  return { connectionApis, parameters };
}

/** `/providers/Microsoft.PowerApps/apis/shared_microsoftbookings`, `.../managedApis/microsoftbookings`. */
function isBookingsApiId(id: string): boolean {
  return /(^|[/_])microsoftbookings$/i.test(id.trim());
}

/** A connection named for the API, as the designers name them: shared_microsoftbookings(_1), microsoftbookings(-1). */
function isBookingsConnectionName(name: string): boolean {
  return /^(shared_)?microsoftbookings([_-]\d+)?$/i.test(name);
}

/** `@parameters('$connections')['bookings']['connectionId']` -> bookings. */
function connectionKey(expression: string): string | undefined {
  const match = /\$connections'\)\s*\[\s*'((?:[^']|'')*)'\s*\]/.exec(expression);
  return match?.[1]?.replaceAll("''", "'");
}

function connectionNames(host: Record<string, unknown>): string[] {
  const names: string[] = [];
  const add = (value: unknown) => {
    if (typeof value === 'string' && value !== '') names.push(connectionKey(value) ?? value);
  };
  add(host.connectionName);
  add(host.connectionReferenceName);
  if (typeof host.connection === 'string') add(host.connection);
  if (isObject(host.connection)) {
    add(host.connection.referenceName);
    add(host.connection.name);
  }
  return names;
}

/** Whether a trigger's host is the Bookings connector: by its API id, else by its connection. */
function isBookingsHost(host: Record<string, unknown>, around: FlowSurroundings): boolean {
  if (typeof host.apiId === 'string' && host.apiId !== '') return isBookingsApiId(host.apiId);
  const api = isObject(host.api) ? host.api : {};
  for (const id of [api.id, api.name, api.runtimeUrl]) {
    if (typeof id === 'string' && id !== '') return isBookingsApiId(id.replace(/\/+$/, ''));
  }
  return connectionNames(host).some((name) => {
    const apiId = around.connectionApis.get(name.toLowerCase());
    return apiId === undefined ? isBookingsConnectionName(name) : isBookingsApiId(apiId);
  });
}

/** The change types of a subscribe body, for a trigger whose path does not name its operation. */
const operationOfChangeType: Record<string, BookingsOperation> = {
  created: 'CreateAppointment',
  updated: 'UpdateAppointment',
  deleted: 'CancelAppointment',
};

function operationOf(
  host: Record<string, unknown>,
  path: string | undefined,
  body: unknown,
): BookingsOperation | undefined {
  const id = host.operationId;
  if (typeof id === 'string') {
    return Object.hasOwn(triggerOfOperation, id) ? (id as BookingsOperation) : undefined;
  }
  const last = path
    ?.replace(/[?#].*$/, '')
    .replace(/\/+$/, '')
    .split('/')
    .at(-1);
  const fromPath = last ? operationOfPath[last.toLowerCase()] : undefined;
  if (fromPath || !isObject(body)) return fromPath;
  // The connector's body names the change (changeType), the backend's too (webhook.change_type).
  const webhook = isObject(body.webhook) ? body.webhook : {};
  const changes = body.changeType ?? webhook.change_type;
  return Array.isArray(changes) && changes.length === 1 && typeof changes[0] === 'string'
    ? operationOfChangeType[changes[0].toLowerCase()]
    : undefined;
}

const quoted = "'((?:[^']|'')*)'";
const parameterCall = new RegExp(`^parameters\\(${quoted}\\)$`);
const unquote = (text: string) => text.replaceAll("''", "'");

/** A literal, `parameters('name')` (from the file's values), or undefined when it is some other expression. */
function evaluate(expression: string, around: FlowSurroundings): string | undefined {
  const literal = new RegExp(`^${quoted}$`).exec(expression);
  if (literal?.[1] !== undefined) return unquote(literal[1]);
  const parameter = parameterCall.exec(expression);
  if (parameter?.[1] !== undefined) {
    const value = around.parameters.get(unquote(parameter[1]));
    return typeof value === 'string' ? value : undefined;
  }
  return undefined;
}

/**
 * A mailbox as a trigger parameter holds it: a string, `@@` escaping a leading @, or
 * `@parameters('X')` / `@{parameters('X')}` resolved from the file. Any other expression is kept as
 * written (it starts with @): see isUnresolvedMailbox.
 */
function mailboxFromParameter(value: string, around: FlowSurroundings): string {
  if (value.startsWith('@@')) return value.slice(1);
  if (!value.startsWith('@')) return value;
  const inner = /^@\{(.*)\}$/s.exec(value)?.[1] ?? value.slice(1);
  return evaluate(inner.trim(), around) ?? value;
}

/**
 * The mailbox in a Consumption trigger's path, `/bookingBusinesses/@{encodeURIComponent('x@y')}/webhooks/...`
 * (the Logic Apps designer's form), or percent-encoded as written.
 */
function mailboxFromPath(path: string, around: FlowSurroundings): string | undefined {
  const segment = /\/bookingBusinesses\/([^/]+)\/webhooks?(?:\/|$)/i.exec(path)?.[1];
  if (segment === undefined) return undefined;
  const expression = /^@\{(.*)\}$/s.exec(segment)?.[1];
  if (expression !== undefined) {
    let inner = expression.trim();
    for (let match = /^encodeURIComponent\((.*)\)$/s.exec(inner); match?.[1] !== undefined; ) {
      inner = match[1].trim();
      match = /^encodeURIComponent\((.*)\)$/s.exec(inner);
    }
    return evaluate(inner, around) ?? segment;
  }
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

/** A mailbox left as an expression this reader cannot evaluate (`@variables(...)`, `@{concat(...)}`). */
export function isUnresolvedMailbox(mailbox: string): boolean {
  return mailbox.startsWith('@');
}

/**
 * The Bookings appointment triggers of a definition: an OpenApiConnectionWebhook whose host is the
 * Bookings API (Power Automate), or an ApiConnectionWebhook whose connection is (Logic Apps), for
 * one of the three appointment operations. A Bookings trigger without a mailbox is a problem.
 */
export function findBookingsTriggers(
  definition: WorkflowDefinition,
  around: FlowSurroundings,
): { triggers: BookingsTrigger[]; problems: string[] } {
  const triggers: BookingsTrigger[] = [];
  const problems: string[] = [];
  for (const [name, trigger] of Object.entries(definition.triggers ?? {})) {
    const inputs = isObject(trigger.inputs) ? trigger.inputs : {};
    const host = isObject(inputs.host) ? inputs.host : undefined;
    if (!host || !isBookingsHost(host, around)) continue;
    const path = typeof inputs.path === 'string' ? inputs.path : undefined;
    const operationId = operationOf(host, path, inputs.body);
    if (!operationId) continue;
    const parameters = isObject(inputs.parameters) ? inputs.parameters : {};
    const smtp = parameters.SMTPAddress;
    const mailbox =
      typeof smtp === 'string' && smtp.trim() !== ''
        ? mailboxFromParameter(smtp.trim(), around)
        : path === undefined
          ? undefined
          : mailboxFromPath(path, around);
    if (mailbox === undefined || mailbox === '') {
      problems.push(
        `the trigger "${name}" (${operationId}) names no booking mailbox: inputs.parameters.SMTPAddress is ${smtp === undefined ? 'missing' : `${JSON.stringify(smtp)}`}; pick the Bookings calendar's SMTP address in the trigger and export the flow again`,
      );
      continue;
    }
    triggers.push({ name, operationId, trigger: triggerOfOperation[operationId], mailbox });
  }
  return { triggers, problems };
}
