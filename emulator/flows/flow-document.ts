import { maxNestingDepth, parseStrictJson } from '../core/strict-json.js';
import { findBookingsTriggers, surroundingsOf } from './bookings-triggers.js';
import { type FlowDocument, FlowReadError, type WorkflowAction, type WorkflowDefinition } from './model.js';

/** Where a flow's JSON came from: the file, the zip entry, and the name to give it when the JSON has none. */
export interface FlowSource {
  file: string;
  entry?: string;
  name: string;
  /** The name the export gives the flow (a package manifest's displayName): wins over the JSON's own. */
  displayName?: string;
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  value !== null && typeof value === 'object' && !Array.isArray(value);

function kindOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}

const pointerToken = (name: string) => name.replaceAll('~', '~0').replaceAll('/', '~1');

const where = (source: FlowSource) => (source.entry ? `${source.entry}: ` : '');

function fail(source: FlowSource, problem: string): never {
  throw new FlowReadError(source.file, `${where(source)}${problem}`);
}

/** The JSON of a flow file or entry, read strictly (UTF-8, each key once, at most 64 levels deep). */
export function parseFlowJson(source: FlowSource, bytes: Uint8Array): unknown {
  const parsed = parseStrictJson(bytes);
  if (parsed.ok) return parsed.value;
  if (parsed.problem.includes(`deeper than ${maxNestingDepth} levels`)) {
    const pointer =
      parsed.pointer && parsed.pointer.length > 60 ? `${parsed.pointer.slice(0, 60)}…` : parsed.pointer;
    fail(
      source,
      `${parsed.problem}${pointer ? ` (at ${pointer})` : ''}; a flow definition nests far less (Power Automate allows 8 levels of actions), so this is not one`,
    );
  }
  fail(
    source,
    `is not valid JSON: ${parsed.problem}. Give the file as exported, unedited (a definition.json, a workflow.json, or the export .zip)`,
  );
}

const placesLooked =
  '`triggers` and `actions` at the top, under `definition` (a Logic Apps workflow.json or code view), or under `properties.definition` (a Power Automate export or a solution)';

/** The workflow definition in a flow file: at the top, under `definition`, or under `properties.definition`. */
function locateDefinition(source: FlowSource, value: unknown): { definition: unknown; pointer: string } {
  if (!isObject(value)) {
    fail(source, `holds ${kindOf(value)}, not a JSON object; a flow file is an object with ${placesLooked}`);
  }
  if ('triggers' in value || 'actions' in value) return { definition: value, pointer: '' };
  if ('definition' in value) return { definition: value.definition, pointer: '/definition' };
  if (isObject(value.properties) && 'definition' in value.properties) {
    return { definition: value.properties.definition, pointer: '/properties/definition' };
  }
  const template = Array.isArray(value.resources)
    ? '. It looks like an ARM template: give the workflow resource\'s "definition" as a file of its own'
    : '';
  fail(source, `holds no workflow definition: expected ${placesLooked}${template}`);
}

/** The nested action lists of an action: scopes, loops and conditions (`actions`, `else`), switches. */
function* nestedActionLists(action: WorkflowAction, pointer: string): Generator<[unknown, string]> {
  if ('actions' in action) yield [action.actions, `${pointer}/actions`];
  if (isObject(action.else) && 'actions' in action.else)
    yield [action.else.actions, `${pointer}/else/actions`];
  if (isObject(action.default) && 'actions' in action.default)
    yield [action.default.actions, `${pointer}/default/actions`];
  if (isObject(action.cases)) {
    for (const [name, branch] of Object.entries(action.cases)) {
      if (isObject(branch) && 'actions' in branch)
        yield [branch.actions, `${pointer}/cases/${pointerToken(name)}/actions`];
    }
  }
}

/** Checks what the flow tools rely on: triggers and actions (nested ones too) are objects of objects. */
function checkShape(source: FlowSource, definition: Record<string, unknown>, pointer: string): void {
  const notObject = (at: string, value: unknown, what: string) =>
    new FlowReadError(
      source.file,
      `${where(source)}${at || '/'} is ${kindOf(value)}, not an object: ${what}; the definition is damaged`,
    );
  if ('triggers' in definition) {
    const triggers = definition.triggers;
    if (!isObject(triggers))
      throw notObject(`${pointer}/triggers`, triggers, 'triggers are an object of named triggers');
    for (const [name, trigger] of Object.entries(triggers)) {
      if (!isObject(trigger))
        throw notObject(`${pointer}/triggers/${pointerToken(name)}`, trigger, 'a trigger is an object');
    }
  }
  const pending: Array<[unknown, string]> =
    'actions' in definition ? [[definition.actions, `${pointer}/actions`]] : [];
  for (let next = pending.pop(); next; next = pending.pop()) {
    const [actions, at] = next;
    if (!isObject(actions)) throw notObject(at, actions, 'actions are an object of named actions');
    for (const [name, action] of Object.entries(actions)) {
      const here = `${at}/${pointerToken(name)}`;
      if (!isObject(action)) throw notObject(here, action, 'an action is an object');
      pending.push(...nestedActionLists(action, here));
    }
  }
}

/** The display name a Power Automate export's definition.json carries, if any. */
function ownDisplayName(value: Record<string, unknown>): string | undefined {
  const properties = isObject(value.properties) ? value.properties : {};
  const name = properties.displayName;
  return typeof name === 'string' && name.trim() !== '' ? name.trim() : undefined;
}

/** One flow from the parsed JSON of a file or zip entry; every problem is a FlowReadError. */
export function flowDocumentOf(source: FlowSource, value: unknown): FlowDocument {
  const { definition, pointer } = locateDefinition(source, value);
  if (!isObject(definition)) {
    fail(
      source,
      `${pointer || '/'} is ${kindOf(definition)}, not an object: a workflow definition is an object with \`triggers\` and \`actions\``,
    );
  }
  checkShape(source, definition, pointer);
  const file = value as Record<string, unknown>;
  const workflow = definition as WorkflowDefinition;
  const { triggers, problems } = findBookingsTriggers(workflow, surroundingsOf(file, workflow));
  if (problems.length > 0) fail(source, problems.join('; '));
  return {
    file: source.file,
    ...(source.entry === undefined ? {} : { entry: source.entry }),
    name: source.displayName ?? ownDisplayName(file) ?? source.name,
    definition: workflow,
    bookingsTriggers: triggers,
  };
}
