import { dirname, resolve } from 'node:path';
import {
  loadBuiltInSeed,
  loadSeedFile,
  SeedError,
  seedFileDiagnostics,
  seedProblems,
} from '../config/seed-loader.js';
import { getSchemaRegistry, schemaId } from '../core/schemas/registry.js';
import { type Diagnostic, readSourceFile, SourceDocument } from '../core/source.js';
import { isUnresolvedMailbox } from '../flows/bookings-triggers.js';
import { type BookingsTrigger, type FlowDocument, FlowReadError } from '../flows/model.js';
import { readFlowJsonFileSync } from '../flows/read-flow.js';
import type { Scenario, Seed, Step } from '../generated/schema-types.js';
import { referenceDiagnostics, type SchemaValid, walkSteps } from './references.js';

export interface LoadedScenario {
  file: string;
  scenario: Scenario;
  seed: Seed;
  source: SourceDocument;
}

export type LoadResult = { ok: true; loaded: LoadedScenario } | { ok: false; diagnostics: Diagnostic[] };

export type StepVerb = keyof Step;

export function stepVerb(step: Step): StepVerb {
  return Object.keys(step)[0] as StepVerb;
}

function byPosition(diagnostics: Diagnostic[]): Diagnostic[] {
  return [...diagnostics].sort((a, b) => a.line - b.line || a.col - b.col);
}

interface SchemaCheck {
  diagnostics: Diagnostic[];
  valid: SchemaValid;
}

/** The schema's verdict: its problems at their positions, and which parts of the value passed. */
function checkSchema(
  source: SourceDocument,
  schema: string,
  ignored: (violation: { pointer: string; keyword: string }) => boolean = () => false,
): SchemaCheck {
  const violations = getSchemaRegistry()
    .check(schemaId(schema), source.value)
    .filter((violation) => !ignored(violation));
  const diagnostics = violations
    .filter((violation) => violation.keyword !== 'oneOf' && violation.keyword !== 'anyOf')
    .map((violation) =>
      source.diagnosticAt(violation.pointer, `${violation.pointer || '/'} ${violation.message}`, {
        key: violation.keyword === 'additionalProperties' || violation.keyword === 'unevaluatedProperties',
      }),
    );
  const valid = (pointer: string) =>
    !violations.some(
      (violation) => violation.pointer === pointer || violation.pointer.startsWith(`${pointer}/`),
    );
  return { diagnostics, valid };
}

function resolveSeed(source: SourceDocument, scenario: Scenario): { seed?: Seed; diagnostics: Diagnostic[] } {
  if (scenario.seed === undefined) return { seed: loadBuiltInSeed(), diagnostics: [] };
  if (typeof scenario.seed === 'string') {
    try {
      return { seed: loadSeedFile(resolve(dirname(source.file), scenario.seed)), diagnostics: [] };
    } catch (error) {
      const problems = error instanceof SeedError ? error.problems : [(error as Error).message];
      return {
        diagnostics: problems.map((problem) =>
          source.diagnosticAt('/seed', `seed ${scenario.seed}: ${problem}`),
        ),
      };
    }
  }
  const problems = seedProblems(scenario.seed);
  if (problems.length === 0) return { seed: scenario.seed, diagnostics: [] };
  return {
    diagnostics: problems.map((problem) =>
      source.diagnosticAt(`/seed${problem.pointer}`, `/seed${problem.pointer} ${problem.message}`, {
        key: problem.atKey ?? false,
      }),
    ),
  };
}

/**
 * How many steps a scenario runs once every repeat is unrolled. Nested repeats multiply, so two
 * `times: 1000000` one inside the other would run for days: a bomb made of steps, not aliases.
 */
const maxExpandedSteps = 1_000_000;

export function expandedStepCount(steps: readonly Step[]): number {
  return steps.reduce(
    (total, step) => total + (step.repeat ? step.repeat.times * expandedStepCount(step.repeat.steps) : 1),
    0,
  );
}

function stepCountDiagnostic(source: SourceDocument, scenario: Scenario): Diagnostic[] {
  const total = expandedStepCount(scenario.steps);
  if (total <= maxExpandedSteps) return [];
  // Point at the first repeat that is too big by itself, or else at the step list.
  const culprit = [...walkSteps(scenario.steps, '/steps')].find(
    ({ step }) => step.repeat && step.repeat.times * expandedStepCount(step.repeat.steps) > maxExpandedSteps,
  );
  return [
    source.diagnosticAt(
      culprit ? `${culprit.pointer}/repeat/times` : '/steps',
      `the steps expand to ${total.toLocaleString('en-US')} steps with every repeat unrolled (at most ${maxExpandedSteps.toLocaleString('en-US')}); lower the repeat counts or split the scenario`,
    ),
  ];
}

/** Reads, validates and resolves one scenario file; every problem comes back with its position. */
export function loadScenarioFile(file: string): LoadResult {
  const source = readSourceFile(file);
  if (!(source instanceof SourceDocument)) return { ok: false, diagnostics: [source] };
  return loadScenarioSource(source);
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  value !== null && typeof value === 'object' && !Array.isArray(value);

/** The flows declared by `definition:`, by index in `flows`, before anything else reads them. */
interface DefinitionFlows {
  diagnostics: Diagnostic[];
  /** Every flow that has a `definition` key, resolved or not. */
  indexes: Set<number>;
  /** The ones resolved without `as` or `token`: they get the mailbox's first administrator. */
  needAs: Set<number>;
}

/** The flow's one Bookings trigger, or why it cannot be used. */
function oneBookingsTrigger(flow: FlowDocument, given: string): BookingsTrigger | string {
  const triggers = flow.bookingsTriggers;
  if (triggers.length === 0) {
    return `definition ${given} has no Bookings trigger ("When an appointment is created", "updated" or "cancelled" of the Microsoft Bookings connector); a scenario flow declared by its definition needs exactly one`;
  }
  if (triggers.length > 1) {
    const names = triggers.map((trigger) => `${trigger.name} (${trigger.trigger})`).join(', ');
    return `definition ${given} has ${triggers.length} Bookings triggers: ${names}; a scenario flow declared by its definition needs exactly one, so declare this flow with mailbox and trigger instead`;
  }
  const [trigger] = triggers as [BookingsTrigger];
  if (isUnresolvedMailbox(trigger.mailbox)) {
    return `definition ${given}: the trigger ${trigger.name} takes its mailbox from the expression ${trigger.mailbox}, which cannot be evaluated here; declare this flow with mailbox and trigger instead`;
  }
  return trigger;
}

/**
 * Flows declared as `{ name, definition: path, url }` get `mailbox` and `trigger` from the
 * exported flow's one Bookings trigger, written into the scenario before its schema is checked,
 * so the rest of the loader and the runner see an ordinary flow. A definition that cannot be read,
 * or with no or several Bookings triggers, is a problem at its `definition`.
 */
function resolveDefinitionFlows(source: SourceDocument): DefinitionFlows {
  const found: DefinitionFlows = { diagnostics: [], indexes: new Set(), needAs: new Set() };
  const flows = isObject(source.value) ? source.value.flows : undefined;
  if (!Array.isArray(flows)) return found;
  flows.forEach((flow: unknown, index) => {
    if (!isObject(flow) || !('definition' in flow)) return;
    found.indexes.add(index);
    const pointer = `/flows/${index}`;
    const given = flow.definition;
    // A definition that is not a path is the schema's to report.
    if (typeof given !== 'string' || given === '') return;
    const extra = ['mailbox', 'trigger'].filter((field) => field in flow);
    for (const field of extra) {
      found.diagnostics.push(
        source.diagnosticAt(
          `${pointer}/${field}`,
          `${field} comes from the Bookings trigger of the flow's definition; leave it out, or leave out definition and declare the flow by hand`,
          { key: true },
        ),
      );
    }
    if (extra.length > 0) return;
    let document: FlowDocument;
    try {
      document = readFlowJsonFileSync(resolve(dirname(source.file), given));
    } catch (error) {
      if (!(error instanceof FlowReadError)) throw error;
      const problem = error.message.startsWith(`${error.file}: `)
        ? error.message.slice(error.file.length + 2)
        : error.message;
      found.diagnostics.push(source.diagnosticAt(`${pointer}/definition`, `definition ${given}: ${problem}`));
      return;
    }
    const trigger = oneBookingsTrigger(document, given);
    if (typeof trigger === 'string') {
      found.diagnostics.push(source.diagnosticAt(`${pointer}/definition`, trigger));
      return;
    }
    flow.mailbox = trigger.mailbox;
    flow.trigger = trigger.trigger;
    if (!('as' in flow) && !('token' in flow)) found.needAs.add(index);
  });
  return found;
}

/** What the schema says about the fields a `definition:` flow leaves out is not a problem. */
function definitionFlowViolation(indexes: Set<number>) {
  return ({ pointer, keyword }: { pointer: string; keyword: string }) => {
    const match = /^\/flows\/(\d+)(?:\/(mailbox|trigger|as|token))?$/.exec(pointer);
    if (!match || !indexes.has(Number(match[1]))) return false;
    return match[2] === undefined ? keyword === 'anyOf' : keyword === 'required';
  };
}

/** A `definition:` flow without `as` or `token` subscribes as its mailbox's first administrator in the seed. */
function defaultAdministrators(
  source: SourceDocument,
  scenario: Scenario,
  seed: Seed,
  needAs: Set<number>,
): Diagnostic[] {
  const diagnostics: Diagnostic[] = [];
  const users = new Set((seed.users ?? []).map((user) => user.upn.toLowerCase()));
  for (const index of needAs) {
    const flow = scenario.flows?.[index];
    if (!flow) continue;
    const business = seed.businesses.find((each) => each.email.toLowerCase() === flow.mailbox.toLowerCase());
    const administrator = business?.staff?.find(
      (staff) => staff.role === 'administrator' && users.has(staff.emailAddress.toLowerCase()),
    );
    if (administrator) {
      flow.as = administrator.emailAddress;
      continue;
    }
    diagnostics.push(
      source.diagnosticAt(
        `/flows/${index}/definition`,
        business
          ? `the flow's mailbox ${flow.mailbox} has no administrator among the seed's users to subscribe it; add as (or token), or make one of its staff an administrator and a user`
          : `the flow's mailbox ${flow.mailbox} (from its Bookings trigger) is not a business of the seed; add it to the seed's businesses, or give as (or token) to subscribe anyway`,
      ),
    );
  }
  return diagnostics;
}

/**
 * Schema problems and reference problems together, in the order they appear in the file: the
 * references are checked on the parts that passed the schema, so fixing one kind never uncovers
 * the other.
 */
function loadScenarioSource(source: SourceDocument): LoadResult {
  if (source.syntaxErrors.length > 0) return { ok: false, diagnostics: source.syntaxErrors };
  const definitionFlows = resolveDefinitionFlows(source);
  const schema = checkSchema(source, 'scenario', definitionFlowViolation(definitionFlows.indexes));
  if (!isObject(source.value)) return { ok: false, diagnostics: schema.diagnostics };
  // Parts may have failed the schema: the checks below look only at the parts that passed.
  const scenario = source.value as unknown as Scenario;
  const seeded = schema.valid('/seed') ? resolveSeed(source, scenario) : { diagnostics: [] };
  const administrators = seeded.seed
    ? defaultAdministrators(source, scenario, seeded.seed, definitionFlows.needAs)
    : [];
  const diagnostics = byPosition([
    ...definitionFlows.diagnostics,
    ...administrators,
    ...schema.diagnostics,
    ...seeded.diagnostics,
    ...(schema.valid('/steps') ? stepCountDiagnostic(source, scenario) : []),
    ...referenceDiagnostics(source, scenario, seeded.seed, schema.valid),
  ]);
  if (diagnostics.length > 0 || !seeded.seed) return { ok: false, diagnostics };
  return { ok: true, loaded: { file: source.file, scenario, seed: seeded.seed, source } };
}

/** Lints scenario and seed files; a file with `businesses` at the top is a seed. */
export function lintFile(file: string): Diagnostic[] {
  const source = readSourceFile(file);
  if (!(source instanceof SourceDocument)) return [source];
  const value = source.value;
  if (isObject(value) && 'businesses' in value && !('steps' in value)) return seedFileDiagnostics(source);
  const result = loadScenarioSource(source);
  return result.ok ? [] : result.diagnostics;
}
