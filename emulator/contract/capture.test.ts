import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
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
