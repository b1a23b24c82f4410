import type { LoadedScenario } from './load.js';

const placeholder = /\$\{([^}]*)\}/g;

function* stringsIn(value: unknown): Generator<string> {
  if (typeof value === 'string') yield value;
  else if (Array.isArray(value)) for (const item of value) yield* stringsIn(item);
  else if (value !== null && typeof value === 'object')
    for (const item of Object.values(value)) yield* stringsIn(item);
}

/** The variables a scenario declares in `vars:` or uses as ${name} anywhere (fake data aside). */
export function scenarioVariables(loaded: LoadedScenario): Set<string> {
  const names = new Set(Object.keys(loaded.scenario.vars ?? {}));
  for (const text of stringsIn(loaded.scenario)) {
    for (const [, expression = ''] of text.matchAll(placeholder)) {
      const name = expression.trim();
      if (!name.startsWith('fake:')) names.add(name);
    }
  }
  return names;
}

/**
 * Why `run --var` names are wrong, or undefined when each is declared or used by a scenario of the
 * run: a misspelt variable would otherwise be ignored and the scenario run with its own value.
 */
export function unknownVariablesProblem(
  given: Iterable<string>,
  scenarios: readonly LoadedScenario[],
): string | undefined {
  const known = new Set(scenarios.flatMap((loaded) => [...scenarioVariables(loaded)]));
  const unknown = [...given].filter((name) => !known.has(name));
  if (unknown.length === 0) return undefined;
  const which =
    scenarios.length === 1
      ? `the scenario (${scenarios[0]?.file})`
      : `any of the ${scenarios.length} scenarios`;
  const list = known.size > 0 ? [...known].sort().join(', ') : 'none';
  const names = unknown.map((name) => `"${name}"`).join(', ');
  const whose = scenarios.length === 1 ? 'its' : 'their';
  return `--var ${names}: not a variable of ${which}; ${whose} variables (declared in vars: or used as \${name}): ${list}. Check the spelling.`;
}
