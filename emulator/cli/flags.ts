import { InvalidArgumentError } from 'commander';

/** Commander argument parsers that say what was expected. */
export function parsePort(value: string): number {
  const port = Number(value);
  if (!/^\d+$/.test(value) || port > 65535) {
    throw new InvalidArgumentError('expected a port number from 0 to 65535 (0 takes a free port).');
  }
  return port;
}

export function parseChoice<T extends string>(choices: readonly T[]) {
  return (value: string): T => {
    if (!(choices as readonly string[]).includes(value)) {
      throw new InvalidArgumentError(`expected one of ${choices.join(', ')}.`);
    }
    return value as T;
  };
}

export function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}
