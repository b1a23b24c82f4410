import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { loadBuiltInSeed, loadSeedFile, SeedError, seedProblems } from '../config/seed-loader.js';
import { getSchemaRegistry, schemaId } from '../core/schemas/registry.js';
import { type Diagnostic, readSourceFile, SourceDocument } from '../core/source.js';
import type { Flow, Scenario, Seed, Step } from '../generated/schema-types.js';
import { httpUrlProblem } from './http-step.js';

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

const hasTemplate = (value: string | undefined) => value?.includes('${') ?? false;

function byPosition(diagnostics: Diagnostic[]): Diagnostic[] {
  return [...diagnostics].sort((a, b) => a.line - b.line || a.col - b.col);
}

function schemaDiagnostics(source: SourceDocument, schema: string): Diagnostic[] {
  return getSchemaRegistry()
    .check(schemaId(schema), source.value)
    .filter((violation) => violation.keyword !== 'oneOf' && violation.keyword !== 'anyOf')
    .map((violation) =>
      source.diagnosticAt(violation.pointer, `${violation.pointer || '/'} ${violation.message}`, {
        key: violation.keyword === 'additionalProperties' || violation.keyword === 'unevaluatedProperties',
      }),
    );
}

function resolveSeed(source: SourceDocument, scenario: Scenario): { seed?: Seed; diagnostics: Diagnostic[] } {
  if (scenario.seed === undefined) return { seed: loadBuiltInSeed(), diagnostics: [] };
  if (typeof scenario.seed === 'string') {
    const path = resolve(dirname(source.file), scenario.seed);
    if (!existsSync(path)) {
      return {
        diagnostics: [
          source.diagnosticAt('/seed', `seed file ${scenario.seed} not found (looked at ${path})`),
        ],
      };
    }
    try {
      return { seed: loadSeedFile(path), diagnostics: [] };
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

interface StepVisit {
  step: Step;
  pointer: string;
}

function* walkSteps(steps: readonly Step[], pointer: string): Generator<StepVisit> {
  for (const [index, step] of steps.entries()) {
    const here = `${pointer}/${index}`;
    yield { step, pointer: here };
    if (step.repeat) yield* walkSteps(step.repeat.steps, `${here}/repeat/steps`);
  }
}

/**
 * How many steps a scenario runs once every repeat is unrolled. Nested repeats multiply, so two
 * `times: 1000000` one inside the other would run for days: a bomb made of steps, not aliases.
 */
const maxExpandedSteps = 1_000_000;

function expandedStepCount(steps: readonly Step[]): number {
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

/** References a schema cannot check: flows, users, mailboxes, services and refs that must exist. */
function semanticDiagnostics(source: SourceDocument, scenario: Scenario, seed: Seed): Diagnostic[] {
  const diagnostics: Diagnostic[] = [];
  const at = (pointer: string, message: string) => diagnostics.push(source.diagnosticAt(pointer, message));
  const flows = new Map<string, Flow>();
  const mailboxes = new Map(seed.businesses.map((business) => [business.email.toLowerCase(), business]));
  const users = new Set((seed.users ?? []).map((user) => user.upn.toLowerCase()));
  const defaultMailbox = seed.businesses[0]?.email;

  scenario.flows?.forEach((flow, index) => {
    const pointer = `/flows/${index}`;
    if (flows.has(flow.name)) at(`${pointer}/name`, `flow "${flow.name}" is defined twice`);
    flows.set(flow.name, flow);
    if (flow.as !== undefined && !users.has(flow.as.toLowerCase()) && !hasTemplate(flow.as)) {
      at(
        `${pointer}/as`,
        `"${flow.as}" is not a user of the seed; add it to the seed's users or use one of them`,
      );
    }
    if (!flow.url.startsWith('inbox:') && !/^[a-z][a-z0-9+.-]*:/i.test(flow.url) && !hasTemplate(flow.url)) {
      at(`${pointer}/url`, `"${flow.url}" is neither a URL nor inbox:NAME`);
    }
  });

  const refs = new Set<string>();
  // A create inside a repeat makes refs from a template (r${i}): any ref of that shape may exist.
  const templatedRefs: RegExp[] = [];
  const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const fromTemplate = (template: string) =>
    new RegExp(
      `^${template
        .split(/\$\{[^}]*\}/)
        .map(escapeRegExp)
        .join('.+')}$`,
    );
  const checkFlow = (pointer: string, name: string) => {
    if (!flows.has(name) && !hasTemplate(name)) at(`${pointer}/flow`, `no flow named "${name}" in flows`);
  };
  const checkRef = (pointer: string, ref: string) => {
    if (refs.has(ref) || hasTemplate(ref) || templatedRefs.some((pattern) => pattern.test(ref))) return;
    at(`${pointer}/ref`, `ref "${ref}" is not created by an earlier step`);
  };
  for (const { step, pointer } of walkSteps(scenario.steps, '/steps')) {
    const verb = stepVerb(step);
    const body = `${pointer}/${verb}`;
    if (step.subscribe) checkFlow(body, step.subscribe.flow);
    if (step.unsubscribe) checkFlow(body, step.unsubscribe.flow);
    if (step.expect) {
      checkFlow(body, step.expect.flow);
      if (step.expect.ref !== undefined) checkRef(body, step.expect.ref);
    }
    if (step.http && !hasTemplate(step.http.url)) {
      const problem = httpUrlProblem(step.http.url);
      if (problem) at(`${body}/url`, problem);
    }
    for (const ref of [step.update?.ref, step.cancel?.ref, step.delete?.ref])
      if (ref !== undefined) checkRef(body, ref);
    const booking = step.create ?? step.book;
    if (booking) {
      const mailbox = booking.mailbox ?? defaultMailbox ?? '';
      const business = mailboxes.get(mailbox.toLowerCase());
      if (!business && !hasTemplate(mailbox)) {
        at(
          booking.mailbox ? `${body}/mailbox` : body,
          `no business has the mailbox "${mailbox}" in the seed`,
        );
      } else if (business && !hasTemplate(booking.service)) {
        const service = business.services?.find((candidate) => candidate.id === booking.service);
        if (!service) {
          const known = (business.services ?? []).map((candidate) => candidate.id).join(', ') || '(none)';
          at(`${body}/service`, `${business.email} has no service "${booking.service}"; known: ${known}`);
        }
      }
      if (booking.ref !== undefined) {
        if (hasTemplate(booking.ref)) templatedRefs.push(fromTemplate(booking.ref));
        else refs.add(booking.ref);
      }
    }
  }
  return diagnostics;
}

/** Reads, validates and resolves one scenario file; every problem comes back with its position. */
export function loadScenarioFile(file: string): LoadResult {
  const source = readSourceFile(file);
  if (!(source instanceof SourceDocument)) return { ok: false, diagnostics: [source] };
  return loadScenarioSource(source);
}

function loadScenarioSource(source: SourceDocument): LoadResult {
  const file = source.file;
  if (source.syntaxErrors.length > 0) return { ok: false, diagnostics: source.syntaxErrors };
  const schemaProblems = schemaDiagnostics(source, 'scenario');
  if (schemaProblems.length > 0) return { ok: false, diagnostics: byPosition(schemaProblems) };
  const scenario = source.value as Scenario;
  const { seed, diagnostics } = resolveSeed(source, scenario);
  if (!seed) return { ok: false, diagnostics };
  const semantic = [...stepCountDiagnostic(source, scenario), ...semanticDiagnostics(source, scenario, seed)];
  if (semantic.length > 0) return { ok: false, diagnostics: semantic };
  return { ok: true, loaded: { file, scenario, seed, source } };
}

/** Lints a seed file: syntax, schema and cross-checks, each at its position. */
function lintSeedSource(source: SourceDocument): Diagnostic[] {
  if (source.syntaxErrors.length > 0) return source.syntaxErrors;
  return seedProblems(source.value).map((problem) =>
    source.diagnosticAt(problem.pointer, `${problem.pointer || '/'} ${problem.message}`, {
      key: problem.atKey ?? false,
    }),
  );
}

/** Lints scenario and seed files; a file with `businesses` at the top is a seed. */
export function lintFile(file: string): Diagnostic[] {
  const source = readSourceFile(file);
  if (!(source instanceof SourceDocument)) return [source];
  const value = source.value;
  if (
    value &&
    typeof value === 'object' &&
    !Array.isArray(value) &&
    'businesses' in value &&
    !('steps' in value)
  ) {
    return lintSeedSource(source);
  }
  const result = loadScenarioSource(source);
  return result.ok ? [] : result.diagnostics;
}
