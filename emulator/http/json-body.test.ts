import Fastify from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { maxNestingDepth } from '../core/strict-json.js';
import { installErrorHandling } from './error-handler.js';
import { installStrictJsonParser } from './json-body.js';

const app = Fastify();

beforeAll(async () => {
  installStrictJsonParser(app);
  installErrorHandling(app, 1_048_576);
  app.post('/echo', async (request) => ({ body: request.body ?? null }));
  await app.ready();
});
afterAll(() => app.close());

const post = (payload: string | Buffer) =>
  app.inject({ method: 'POST', url: '/echo', headers: { 'content-type': 'application/json' }, payload });

const nested = (levels: number) => `${'['.repeat(levels)}${']'.repeat(levels)}`;

describe('the strict JSON body parser', () => {
  it.each([
    ['a plain object', '{"a":1,"b":[true,null,"x"]}'],
    [
      'colons inside strings and names',
      '{"start":{"dateTime":"2026-01-06T09:00:00","timeZone":"UTC"},"a:b":"::"}',
    ],
    ['an escaped string', '{"quote":"say \\"hi\\"","colon":"\\u003a"}'],
    ['a byte-order mark', '\uFEFF{"a":1}'],
    ['nesting at the limit', nested(maxNestingDepth)],
  ])('accepts %s as JSON.parse reads it', async (_, text) => {
    const response = await post(text);
    expect(response.statusCode).toBe(200);
    expect(response.json().body).toEqual(JSON.parse(text.replace(/^\uFEFF/, '')));
  });

  it.each([
    ['a repeated name', '{"a":1,"a":2}', 'the key "a" appears twice'],
    ['a repeated name whose dropped value held colons', '{"a":"x:y","a":"z"}', 'the key "a" appears twice'],
    ['a repeated name with colons in it', '{"n":{"k:1":1,"k:1":1}}', 'the key "k:1" appears twice'],
    [
      'a repeated name hidden by an escaped colon',
      '{"a":"\\u003a","b":1,"b":2}',
      'the key "b" appears twice',
    ],
    ['a __proto__ key', '{"x":{"__proto__":{"polluted":true}}}', 'the key "__proto__"'],
    ['nesting past the limit', nested(maxNestingDepth + 1), `nest deeper than ${maxNestingDepth} levels`],
    ['a lone surrogate escape', '{"a":"\\ud800"}', 'unpaired UTF-16 surrogate'],
  ])('refuses %s', async (_, text, problem) => {
    const response = await post(text);
    expect(response.statusCode).toBe(400);
    expect(response.json().error.message).toContain(problem);
  });

  it('refuses bytes that are not UTF-8', async () => {
    const response = await post(Buffer.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xff, 0x22, 0x7d]));
    expect(response.statusCode).toBe(400);
    expect(response.json().error.message).toContain('not valid UTF-8');
  });
});
