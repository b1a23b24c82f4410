import { type ExpressionNode, expressionsIn } from './expression.js';
import type { TriggerRead, WorkflowAction, WorkflowDefinition } from './model.js';

/**
 * Every read of the trigger's outputs in a flow, as an AppointmentData field path.
 *
 * Each JSON string of the trigger (its `conditions`, `splitOn`, …) and of every action, nested ones
 * included (scopes, conditions and their `else`, switch `cases` and `default`, loops), is parsed
 * with {@link expressionsIn} and its tree evaluated abstractly: a value is either "somewhere in the
 * trigger's outputs" or unknown. A trigger value that is used as it is (an argument of `string()`,
 * `equals()`, a whole `@triggerBody()`, …) is a read of its path; one that is narrowed further
 * (`?['X']`, `.X`, `[0]`, `first()`, `last()`) is a read of the narrowed path only.
 *
 * What leads into the trigger's outputs:
 * - `triggerOutputs()` (its `body`, or `body/X/Y` in one key), `triggerBody()`, `trigger().outputs`;
 * - `body('P')` and `outputs('P')?['body']` of a Parse JSON action P whose `content` is such a value,
 *   and `outputs('C')` of a Compose action C whose `inputs` is one;
 * - `items('L')` of an Apply to each (Foreach) L whose `foreach` is such a value (its items: a `*`
 *   step), `item()` of the innermost one around the expression, and `item()` inside a Select or
 *   Filter array whose `from` is such a value;
 * - `coalesce(x, …)` (its first such argument), `take()`, `skip()` and `reverse()` of such an array.
 *
 * Choices:
 * - Field names are kept as written (no case folding): the checker reports the casing. The
 *   engine-level names `body` and `outputs`, and function names, are matched without case.
 * - A key with "/" (`body/CustomerLocation/DisplayName`) is split into steps at any level, as the
 *   designer writes nested fields; empty steps are dropped.
 * - `triggerOutputs()` means the trigger that started the run. With several triggers in the
 *   definition it cannot be attributed, so reads in actions are returned only when `triggerName`
 *   is the definition's only trigger; reads in the trigger's own definition always are.
 * - With a `splitOn` on the trigger, each run's body is one item of that array, so actions read
 *   below it (`splitOn` and trigger conditions are read from the whole body).
 * - Strings that do not parse are skipped by {@link findTriggerReads};
 *   {@link scanTriggerReads} returns them as problems.
 * - The same read (action, pointer, expression, path) is reported once.
 */

/** An expression of the flow that does not parse. */
interface ExpressionProblem {
  action: string;
  /** The expression text (after "@", or inside "@{ }"). */
  expression: string;
  problem: string;
  /** Offset of the problem in `expression`. */
  offset: number;
  pointer: string;
}

export interface TriggerReadScan {
  reads: TriggerRead[];
  problems: ExpressionProblem[];
}

/** The reads of `triggerName`'s outputs in the definition, in document order. */
export function findTriggerReads(definition: WorkflowDefinition, triggerName: string): TriggerRead[] {
  return scanTriggerReads(definition, triggerName).reads;
}

/** {@link findTriggerReads}, with the expressions that do not parse. */
export function scanTriggerReads(definition: WorkflowDefinition, triggerName: string): TriggerReadScan {
  const scan: TriggerReadScan = { reads: [], problems: [] };
  const triggers = isRecord(definition.triggers) ? definition.triggers : {};
  const trigger = Object.hasOwn(triggers, triggerName) ? triggers[triggerName] : undefined;
  if (!isRecord(trigger)) return scan;

  const flow = new FlowModel(definition, Object.keys(triggers).length === 1);
  const seen = new Set<string>();
  const visit = (owner: string, pointer: string, value: string, scope: Scope) => {
    for (const found of expressionsIn(value)) {
      const expression = found.text.trim();
      if ('problem' in found) {
        const leading = found.text.length - found.text.trimStart().length;
        const offset = Math.min(Math.max(0, found.problemOffset - leading), expression.length);
        scan.problems.push({ action: owner, expression, problem: found.problem, offset, pointer });
        continue;
      }
      // Reads in the order they stand in the text (a coalesce() result is reported after its other arguments).
      const reads: Array<{ path: string[]; at: number }> = [];
      flow.evaluate(found.node, scope, (path, at) => reads.push({ path, at }));
      reads.sort((a, b) => a.at - b.at);
      for (const { path } of reads) {
        const key = JSON.stringify([owner, pointer, expression, path]);
        if (seen.has(key)) continue;
        seen.add(key);
        scan.reads.push({ action: owner, expression, path: [...path], pointer });
      }
    }
  };

  const triggerPointer = `/triggers/${escapePointer(triggerName)}`;
  const triggerScope: Scope = { attributed: true, base: [] };
  for (const { pointer, value } of stringsIn(trigger, triggerPointer, new Set())) {
    visit(triggerName, pointer, value, triggerScope);
  }

  // With splitOn, a run's trigger body is one item of the split array.
  const splitOn = trigger.splitOn;
  const split = typeof splitOn === 'string' ? flow.valueOfString(splitOn, triggerScope) : undefined;
  flow.base = split?.kind === 'body' ? [...split.path, '*'] : [];

  for (const record of flow.records) {
    const scope: Scope = { attributed: flow.attributed, base: flow.base, record };
    for (const { pointer, value } of stringsIn(record.action, record.pointer, nestingKeys)) {
      const inQuery =
        record.type === 'select' || record.type === 'query'
          ? pointer.startsWith(`${record.pointer}/inputs/`) &&
            !isUnder(pointer, `${record.pointer}/inputs/from`)
          : false;
      visit(record.name, pointer, value, inQuery ? { ...scope, query: record } : scope);
    }
    for (const [caseName, branch] of branches(record.action)) {
      const casePointer = `${record.pointer}/cases/${escapePointer(caseName)}`;
      for (const { pointer, value } of stringsIn(branch, casePointer, new Set(['actions']))) {
        visit(record.name, pointer, value, scope);
      }
    }
  }
  return scan;
}

/** What an expression's value is, as far as the trigger goes. */
type Value =
  /** `trigger()`: its `outputs` lead to the body. */
  | { kind: 'trigger'; base: string[] }
  /** `triggerOutputs()`: its `body` is the AppointmentData. */
  | { kind: 'outputs'; base: string[] }
  /** A value inside AppointmentData at this path ([] is the whole body). */
  | { kind: 'body'; path: string[] }
  /** `outputs('Parse_JSON')`: its `body` is `body`. */
  | { kind: 'action-outputs'; body: { kind: 'body'; path: string[] } }
  | undefined;

interface Scope {
  /** Whether `triggerOutputs()` here is the trigger asked about. */
  attributed: boolean;
  /** The trigger body's path: [] or, with splitOn, the split array's item. */
  base: string[];
  /** The action whose JSON holds the expression. */
  record?: ActionRecord;
  /** A Select or Filter array whose `item()` this is. */
  query?: ActionRecord;
}

interface ActionRecord {
  name: string;
  action: WorkflowAction;
  /** The action's `type`, in lower case. */
  type: string;
  pointer: string;
  parent: ActionRecord | undefined;
}

/** Takes a read's path and the offset in the expression of the node that reads it. */
type Report = (path: string[], at: number) => void;

const ignore: Report = () => {};

/** Action members that hold other actions (walked as their own records) or no expressions. */
const nestingKeys = new Set(['actions', 'else', 'cases', 'default', 'runAfter']);

class FlowModel {
  /** Every action, nested ones included, in document order (each before the actions it holds). */
  readonly records: ActionRecord[] = [];
  /** The trigger body's path in actions: [] or, with splitOn, the split array's item. */
  base: string[] = [];
  private readonly byName = new Map<string, ActionRecord>();
  private readonly byLowerName = new Map<string, ActionRecord>();
  private readonly resolved = new Map<string, { value: Value } | 'pending'>();

  constructor(
    definition: WorkflowDefinition,
    readonly attributed: boolean,
  ) {
    // Depth-first, in document order, without recursion: a definition may nest deeply.
    const pending = actionEntries(definition.actions, '/actions', undefined).reverse();
    while (pending.length > 0) {
      const next = pending.pop();
      if (!next) break;
      const { name, action, pointer, parent } = next;
      const type = typeof action.type === 'string' ? action.type.toLowerCase() : '';
      const record: ActionRecord = { name, action, type, pointer, parent };
      this.records.push(record);
      if (!this.byName.has(name)) this.byName.set(name, record);
      if (!this.byLowerName.has(name.toLowerCase())) this.byLowerName.set(name.toLowerCase(), record);
      const nested = nestedActions(record);
      for (let index = nested.length - 1; index >= 0; index--) pending.push(nested[index] as ActionEntry);
    }
  }

  /** The value of a string that is one expression (`@x`, or `@{x}` alone), without reporting reads. */
  valueOfString(value: string, scope: Scope): Value {
    const found = expressionsIn(value);
    const only = found[0];
    if (found.length !== 1 || !only || !('node' in only)) return undefined;
    const alone =
      only.form === 'whole' || (only.offset === 2 && only.offset + only.text.length + 1 === value.length);
    return alone ? this.evaluate(only.node, scope, ignore) : undefined;
  }

  /** The node's value; reads of trigger values used as they are go to `report`. */
  evaluate(node: ExpressionNode, scope: Scope, report: Report): Value {
    const value = this.value(node, scope, report);
    use(value, report, node.start);
    return value;
  }

  private value(node: ExpressionNode, scope: Scope, report: Report): Value {
    if (node.kind === 'member') return this.member(node.target, node.key, scope, report);
    if (node.kind === 'call') return this.call(node.name.toLowerCase(), node.args, scope, report);
    return undefined;
  }

  private member(targetNode: ExpressionNode, keyNode: ExpressionNode, scope: Scope, report: Report): Value {
    const target = this.value(targetNode, scope, report);
    let key: string | number | undefined;
    if (keyNode.kind === 'string') key = keyNode.value;
    else if (keyNode.kind === 'number') key = keyNode.value;
    else this.evaluate(keyNode, scope, report);
    if (target === undefined) return undefined;
    if (key === undefined) {
      // A field chosen at run time: the object is read, the field cannot be named.
      if (target.kind === 'body') report(target.path, targetNode.start);
      return undefined;
    }
    if (typeof key === 'number')
      return target.kind === 'body' ? { kind: 'body', path: [...target.path, '*'] } : undefined;
    const steps = key.split('/').filter((step) => step !== '');
    switch (target.kind) {
      case 'body':
        return { kind: 'body', path: [...target.path, ...steps] };
      case 'trigger':
        return steps.length === 1 && steps[0]?.toLowerCase() === 'outputs'
          ? { kind: 'outputs', base: target.base }
          : undefined;
      case 'outputs':
        return steps[0]?.toLowerCase() === 'body'
          ? { kind: 'body', path: [...target.base, ...steps.slice(1)] }
          : undefined;
      case 'action-outputs':
        return steps[0]?.toLowerCase() === 'body'
          ? { kind: 'body', path: [...target.body.path, ...steps.slice(1)] }
          : undefined;
    }
  }

  private call(name: string, args: ExpressionNode[], scope: Scope, report: Report): Value {
    const [first] = args;
    const literal = first?.kind === 'string' && args.length === 1 ? first.value : undefined;
    switch (name) {
      case 'triggeroutputs':
      case 'triggerbody':
      case 'trigger': {
        this.useAll(args, scope, report);
        if (!scope.attributed) return undefined;
        if (name === 'triggerbody') return { kind: 'body', path: scope.base };
        return { kind: name === 'trigger' ? 'trigger' : 'outputs', base: scope.base };
      }
      case 'first':
      case 'last': {
        if (!first || args.length !== 1) break;
        const array = this.value(first, scope, report);
        if (array?.kind === 'body') return { kind: 'body', path: [...array.path, '*'] };
        use(array, report, first.start);
        return undefined;
      }
      case 'take':
      case 'skip':
      case 'reverse': {
        if (!first) break;
        const array = this.value(first, scope, report);
        this.useAll(args.slice(1), scope, report);
        if (array?.kind === 'body') return array;
        use(array, report, first.start);
        return undefined;
      }
      case 'coalesce': {
        let result: Value;
        for (const arg of args) {
          const value = this.value(arg, scope, report);
          if (result === undefined) result = value;
          else use(value, report, arg.start);
        }
        return result;
      }
      case 'items': {
        const loop = literal === undefined ? undefined : this.action(literal);
        if (loop?.type === 'foreach') return this.itemOf(loop);
        break;
      }
      case 'item': {
        if (args.length > 0) break;
        if (scope.query) return this.itemOf(scope.query);
        for (let around = scope.record?.parent; around; around = around.parent) {
          if (around.type === 'foreach') return this.itemOf(around);
        }
        return undefined;
      }
      case 'body':
      case 'outputs': {
        const action = literal === undefined ? undefined : this.action(literal);
        if (!action) break;
        if (action.type === 'parsejson') {
          const parsed = this.resolve(action, 'content');
          if (parsed?.kind !== 'body') return undefined;
          return name === 'body' ? parsed : { kind: 'action-outputs', body: parsed };
        }
        if (action.type === 'compose' && name === 'outputs') return this.resolve(action, 'inputs');
        return undefined;
      }
    }
    this.useAll(args, scope, report);
    return undefined;
  }

  private useAll(args: ExpressionNode[], scope: Scope, report: Report): void {
    for (const arg of args) this.evaluate(arg, scope, report);
  }

  private action(name: string): ActionRecord | undefined {
    return this.byName.get(name) ?? this.byLowerName.get(name.toLowerCase());
  }

  /** An item of a loop's `foreach`, or of a Select's or Filter array's `from`. */
  private itemOf(record: ActionRecord): Value {
    const array = this.resolve(record, record.type === 'foreach' ? 'foreach' : 'from');
    return array?.kind === 'body' ? { kind: 'body', path: [...array.path, '*'] } : undefined;
  }

  /**
   * The value of one of an action's strings: a loop's `foreach`, a Select's `from`, a Parse JSON's
   * `content`, a Compose's `inputs`. Evaluated where the action stands; cycles end as unknown.
   */
  private resolve(record: ActionRecord, what: 'foreach' | 'from' | 'content' | 'inputs'): Value {
    const key = `${what} ${record.pointer}`;
    const known = this.resolved.get(key);
    if (known === 'pending') return undefined;
    if (known) return known.value;
    this.resolved.set(key, 'pending');
    const { action } = record;
    const inputs = isRecord(action.inputs) ? action.inputs : {};
    const text = what === 'foreach' ? action.foreach : what === 'inputs' ? action.inputs : inputs[what];
    const scope: Scope = { attributed: this.attributed, base: this.base, record };
    const value = typeof text === 'string' ? this.valueOfString(text, scope) : undefined;
    this.resolved.set(key, { value });
    return value;
  }
}

/** A trigger value used as it is: a read of its path. */
function use(value: Value, report: Report, at: number): void {
  if (value === undefined) return;
  if (value.kind === 'body') report(value.path, at);
  else if (value.kind === 'action-outputs') report(value.body.path, at);
  else report(value.base, at);
}

interface ActionEntry {
  name: string;
  action: WorkflowAction;
  pointer: string;
  parent: ActionRecord | undefined;
}

function actionEntries(actions: unknown, pointer: string, parent: ActionRecord | undefined): ActionEntry[] {
  if (!isRecord(actions)) return [];
  const entries: ActionEntry[] = [];
  for (const [name, action] of Object.entries(actions)) {
    if (isRecord(action))
      entries.push({ name, action, pointer: `${pointer}/${escapePointer(name)}`, parent });
  }
  return entries;
}

/** The actions an action holds: a scope's, loop's or condition's, `else`, switch cases, `default`. */
function nestedActions(record: ActionRecord): ActionEntry[] {
  const { action, pointer } = record;
  const groups = [actionEntries(action.actions, `${pointer}/actions`, record)];
  if (isRecord(action.else))
    groups.push(actionEntries(action.else.actions, `${pointer}/else/actions`, record));
  for (const [caseName, branch] of branches(action)) {
    groups.push(actionEntries(branch.actions, `${pointer}/cases/${escapePointer(caseName)}/actions`, record));
  }
  if (isRecord(action.default)) {
    groups.push(actionEntries(action.default.actions, `${pointer}/default/actions`, record));
  }
  return groups.flat();
}

function branches(action: WorkflowAction): Array<[string, Record<string, unknown>]> {
  if (!isRecord(action.cases)) return [];
  return Object.entries(action.cases).filter((entry): entry is [string, Record<string, unknown>] =>
    isRecord(entry[1]),
  );
}

/** Every string in a JSON value with its pointer, in document order; iterative, so any depth is safe. */
function stringsIn(
  root: Record<string, unknown>,
  pointer: string,
  skipKeys: Set<string>,
): Array<{ pointer: string; value: string }> {
  const found: Array<{ pointer: string; value: string }> = [];
  const pending: Array<{ value: unknown; pointer: string }> = [];
  const entries = Object.entries(root).filter(([key]) => !skipKeys.has(key));
  for (const [key, value] of entries.reverse())
    pending.push({ value, pointer: `${pointer}/${escapePointer(key)}` });
  while (pending.length > 0) {
    const next = pending.pop();
    if (!next) break;
    const { value } = next;
    if (typeof value === 'string') {
      found.push({ pointer: next.pointer, value });
    } else if (Array.isArray(value)) {
      for (let index = value.length - 1; index >= 0; index--) {
        pending.push({ value: value[index], pointer: `${next.pointer}/${index}` });
      }
    } else if (isRecord(value)) {
      const children = Object.entries(value);
      for (let index = children.length - 1; index >= 0; index--) {
        const [key, child] = children[index] as [string, unknown];
        pending.push({ value: child, pointer: `${next.pointer}/${escapePointer(key)}` });
      }
    }
  }
  return found;
}

function isUnder(pointer: string, prefix: string): boolean {
  return pointer === prefix || pointer.startsWith(`${prefix}/`);
}

function escapePointer(token: string): string {
  return token.replaceAll('~', '~0').replaceAll('/', '~1');
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
