import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';

/**
 * A temporary folder for the scenario and seed files a test file writes; made before its tests,
 * removed after them. Call at the top level of a test file.
 */
export function useScenarioFolder(prefix: string): {
  write(text: string | Uint8Array, name?: string): string;
  path(): string;
} {
  let dir = '';
  let counter = 0;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), prefix));
  });
  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
  });
  return {
    write(text, name = `scenario-${++counter}.yaml`) {
      const file = join(dir, name);
      writeFileSync(file, text);
      return file;
    },
    path: () => dir,
  };
}

/** 1-based line and column of the `occurrence`-th (0-based) appearance of `needle` in `text`. */
export function positionIn(text: string, needle: string, occurrence = 0): { line: number; col: number } {
  let index = -1;
  for (let n = 0; n <= occurrence; n++) {
    index = text.indexOf(needle, index + 1);
    if (index < 0) throw new Error(`"${needle}" (occurrence ${occurrence}) is not in the text`);
  }
  const before = text.slice(0, index).split('\n');
  return { line: before.length, col: (before.at(-1)?.length ?? 0) + 1 };
}

/**
 * A scenario on a 30-minute service with a 10-minute post-buffer, booked 16:30-17:00 UTC, that
 * expects Duration 2400 (the default policies); `head` adds top-level lines such as `policies:`.
 */
export function bufferedScenario(head: string[] = []): string {
  return [
    'name: buffered',
    ...head,
    'seed:',
    '  users: [{ upn: adele@contoso.example }]',
    '  businesses:',
    '    - email: lunch@contoso.example',
    '      displayName: Contoso Lunch',
    '      staff: [{ id: s1, displayName: Adele Vance, emailAddress: adele@contoso.example, role: administrator }]',
    '      services: [{ id: svc1, displayName: Consultation, durationMinutes: 30, postBufferMinutes: 10, maxAttendees: 1, staffMemberIds: [s1] }]',
    'flows:',
    '  - { name: on-create, mailbox: lunch@contoso.example, as: adele@contoso.example, trigger: created, url: "inbox:created" }',
    'steps:',
    '  - subscribe: { flow: on-create }',
    '  - create: { ref: a1, service: svc1, start: 2026-01-06T16:30:00Z, end: 2026-01-06T17:00:00Z, customer: { name: Jordan Miller, email: jordan@example.com } }',
    '  - expect: { flow: on-create, ref: a1, count: 1, payload: { Duration: 2400 } }',
    '',
  ].join('\n');
}
