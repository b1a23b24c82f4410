import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  durationUnit,
  idForm,
  isPartialCaptureFile,
  joinUrlForm,
  timeForm,
} from '../emulator/contract/drift.js';
import { packageRoot } from '../emulator/core/paths.js';
import { getSchemaRegistry, schemaId } from '../emulator/core/schemas/registry.js';

const capturedDir = join(packageRoot, 'fixtures', 'captured');
const files = readdirSync(capturedDir)
  .filter((file) => file.endsWith('.json'))
  .sort();
const synthetic = files.filter((file) => !isPartialCaptureFile(file));
const read = (file: string) =>
  JSON.parse(readFileSync(join(capturedDir, file), 'utf8')) as Record<string, unknown>;
const sources = readFileSync(join(capturedDir, 'SOURCES.md'), 'utf8');

describe('captured payloads (fixtures/captured)', () => {
  it('has examples to check, one of them the partial real run', () => {
    expect(synthetic.length).toBeGreaterThanOrEqual(5);
    expect(files).toContain('real-run-2026-06-created.partial.json');
  });

  // Only the connector schema: appointment-data.emulator is the emulator's own promise, which a
  // real payload need not keep and a partial capture cannot (its required fields are left out).
  it.each(files)('%s validates against the connector schema', (file) => {
    expect(getSchemaRegistry().check(schemaId('appointment-data'), read(file))).toEqual([]);
  });

  it.each(synthetic)('%s follows the evidence defaults: invariant UTC times, Duration in seconds', (file) => {
    const payload = read(file);
    expect(timeForm(String(payload.StartTime))).toBe('invariant');
    expect(timeForm(String(payload.EndTime))).toBe('invariant');
    expect(durationUnit(payload)).toBe('seconds');
    if (payload.JoinWebURL !== undefined)
      expect(joinUrlForm(String(payload.JoinWebURL))).toBe('webjoin suffix');
    if (payload.SelfServiceAppointmentId !== undefined) {
      expect(idForm(String(payload.SelfServiceAppointmentId))).toBe('GUID');
    }
  });

  it('keeps the real run to what its source shows, with placeholders where it is withheld', () => {
    const run = read('real-run-2026-06-created.partial.json');
    expect(Object.keys(run).sort()).toEqual([
      'CustomQuestionAnswers',
      'CustomerEmail',
      'CustomerName',
      'CustomerNotes',
      'Duration',
      'EndTime',
      'JoinWebURL',
      'ServiceName',
      'StartTime',
    ]);
    expect(run).toMatchObject({
      Duration: 2400,
      StartTime: '06/24/2026 16:30:00',
      EndTime: '06/24/2026 17:10:00',
      ServiceName: 'Intro call (30 min)',
      CustomQuestionAnswers: [{ Answer: 'GAIL Internal Test', Question: 'Organization (optional)' }],
    });
    expect(Object.keys((run.CustomQuestionAnswers as object[])[0] ?? {})).toEqual(['Answer', 'Question']);
    expect(run.JoinWebURL).toMatch(
      /^https:\/\/teams\.microsoft\.com\/l\/meetup-join\/19%3ameeting_PLACEHOLDER-[A-Z-]+%40thread\.v2\/0\?context=.*PLACEHOLDER.*&webjoin=true&unified=true$/,
    );
    expect(run.CustomerEmail).toMatch(/^placeholder\..+@example\.com$/);
  });

  it('says where each example comes from (SOURCES.md names every file, and which are partial)', () => {
    for (const file of files) expect(sources, file).toContain(`\`${file}\``);
    for (const file of files.filter(isPartialCaptureFile)) {
      expect(sources, file).toMatch(new RegExp(`\\\`${file.replaceAll('.', '\\.')}\\\`[^\\n]*partial`));
    }
  });

  it('cites sources by their docs/contract.md tags, not by files outside the repository', () => {
    expect(sources).not.toMatch(/CONTRACT\.md|DESIGN\.md|\.\.\/shared/);
    expect(sources).toMatch(/\[F\]/);
  });
});
