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
function checkSchema(source: SourceDocument, schema: string): SchemaCheck {
  const violations = getSchemaRegistry().check(schemaId(schema), source.value);
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

/**
 * Schema problems and reference problems together, in the order they appear in the file: the
 * references are checked on the parts that passed the schema, so fixing one kind never uncovers
 * the other.
 */
function loadScenarioSource(source: SourceDocument): LoadResult {
  if (source.syntaxErrors.length > 0) return { ok: false, diagnostics: source.syntaxErrors };
  const schema = checkSchema(source, 'scenario');
  if (!isObject(source.value)) return { ok: false, diagnostics: schema.diagnostics };
  // Parts may have failed the schema: the checks below look only at the parts that passed.
  const scenario = source.value as unknown as Scenario;
  const seeded = schema.valid('/seed') ? resolveSeed(source, scenario) : { diagnostics: [] };
  const diagnostics = byPosition([
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
