import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { registerCaptureCommand } from '../cli/commands/capture.js';
import { buildCaptureServer } from './capture.js';

describe('capture keeps what a flow posted', () => {
  let outDir = '';
  beforeEach(() => {
    outDir = mkdtempSync(join(tmpdir(), 'capture-'));
  });
  afterEach(() => rmSync(outDir, { recursive: true, force: true }));

  const post = async (redact: boolean, payload: string | Buffer) => {
    const app = await buildCaptureServer({ outDir, redact });
    try {
      return await app.inject({
        method: 'POST',
        url: '/',
        headers: { 'content-type': 'application/json' },
        payload,
      });
    } finally {
      await app.close();
    }
  };

  it('stores bytes that are not UTF-8 exactly as received, as .bin', async () => {
    const bytes = Buffer.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xff, 0xfe, 0x22, 0x7d]);
    const response = await post(false, bytes);
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ stored: 'capture-0001.bin' });
    expect(readFileSync(join(outDir, 'capture-0001.bin')).equals(bytes)).toBe(true);
  });

  it('refuses them under --redact, stores nothing and says why', async () => {
    const response = await post(true, Buffer.from([0x22, 0xc3, 0x28, 0x22]));
    expect(response.statusCode).toBe(415);
    expect(response.json().error).toMatch(/not valid UTF-8.*capture without --redact/);
    expect(readdirSync(outDir)).toEqual([]);
  });

  it('keeps JSON with a repeated key as text, both values intact', async () => {
    const body = '{"Id":"a","Id":"b"}';
    const response = await post(false, body);
    expect(response.json()).toEqual({ stored: 'capture-0001.txt' });
    expect(readFileSync(join(outDir, 'capture-0001.txt'), 'utf8')).toBe(body);
  });

  it('pretty-prints well-formed JSON as .json', async () => {
    const response = await post(false, '{"Id":"a","Duration":30}');
    expect(response.json()).toEqual({ stored: 'capture-0001.json' });
    expect(JSON.parse(readFileSync(join(outDir, 'capture-0001.json'), 'utf8'))).toEqual({
      Id: 'a',
      Duration: 30,
    });
  });
});

describe('capture --redact', () => {
  let outDir = '';
  beforeEach(() => {
    outDir = mkdtempSync(join(tmpdir(), 'capture-'));
  });
  afterEach(() => rmSync(outDir, { recursive: true, force: true }));

  it('writes no personal value of a payload, and the same fakes for the same person', async () => {
    const app = await buildCaptureServer({ outDir, redact: true });
    const payload = {
      CustomerName: 'Jordan Miller',
      CustomerLocation: {
        DisplayName: 'Home',
        PhysicalAddress: { Street: '1 Main St', City: 'Springfield', PostalCode: '62701', State: 'IL' },
      },
      CustomQuestionAnswers: [{ Question: 'Anything we should know?', Answer: 'Second floor, ring twice' }],
    };
    try {
      for (let i = 0; i < 2; i++) {
        const response = await app.inject({ method: 'POST', url: '/hook', payload });
        expect(response.statusCode).toBe(200);
      }
    } finally {
      await app.close();
    }
    const [first, second] = ['capture-0001.json', 'capture-0002.json'].map((file) =>
      readFileSync(join(outDir, file), 'utf8'),
    );
    for (const secret of [
      'Jordan Miller',
      'Home',
      '1 Main St',
      'Springfield',
      '62701',
      '"IL"',
      'ring twice',
    ]) {
      expect(first, secret).not.toContain(secret);
    }
    expect(first).toContain('Anything we should know?');
    expect(second).toBe(first);
  });

  it('says in its help what it replaces, and where the full list is', () => {
    const program = new Command();
    registerCaptureCommand(program);
    const capture = program.commands.find((command) => command.name() === 'capture');
    let help = '';
    capture?.configureOutput({ writeOut: (text) => (help += text) });
    capture?.outputHelp();
    for (const field of ['Street', 'City', 'PostalCode', 'State', 'DisplayName', 'CustomerNotes', 'Notes']) {
      expect(help, field).toContain(field);
    }
    for (const field of ['AdditionalInfo', 'CancelReason', 'Answer of', 'docs/capture.md']) {
      expect(help, field).toContain(field);
    }
  });
});
