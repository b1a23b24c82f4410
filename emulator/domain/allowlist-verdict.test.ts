import { describe, expect, it } from 'vitest';
import { createAllowlistPolicy, createHostAllowlist, notSentReason } from './allowlist.js';

const allowlist = createHostAllowlist(['localhost', '*.logic.azure.com']);

describe('the allowlist verdict: one reason code and one message per refusal', () => {
  it.each([
    ['not-absolute-url', '/hook', '"/hook" is not an absolute URL'],
    ['unsupported-scheme', 'ftp://localhost/', 'scheme ftp: is not http or https'],
    [
      'user-info',
      'https://user@prod.logic.azure.com/',
      'the URL carries user information before its host (user@host)',
    ],
    [
      'non-canonical-host',
      'http://%6c%6f%63%61%6c%68%6f%73%74/',
      'host "%6c%6f%63%61%6c%68%6f%73%74" is not written in canonical form (it parses as "localhost")',
    ],
    ['empty-label', 'https://a..logic.azure.com/', 'host "a..logic.azure.com" has an empty label'],
    ['host-not-allowlisted', 'https://evil.example/', 'host "evil.example" matches no allowlisted pattern'],
  ])('%s: %s', (reason, url, message) => {
    expect(allowlist.check(url)).toEqual({ allowed: false, reason, message });
  });

  it('an allowed verdict carries the URL to call, with the host as matched', () => {
    expect(allowlist.check('http://LOCALHOST.:3000/x')).toEqual({
      allowed: true,
      host: 'localhost',
      url: 'http://localhost:3000/x',
    });
  });

  it("a delivery not sent says why in the journal, in the refusal's own words", () => {
    const verdict = allowlist.check('https://evil.example/');
    if (verdict.allowed) throw new Error('expected a refusal');
    expect(notSentReason(verdict)).toBe(
      'not sent: the flow URL is no longer allowlisted (host "evil.example" matches no allowlisted pattern); unsubscribe the flow or allow its host',
    );
  });
});

describe('the allowlist policy in force', () => {
  it('answers with the patterns it holds now; replace swaps them for every holder', () => {
    const policy = createAllowlistPolicy(['localhost']);
    expect(policy.check('http://localhost/').allowed).toBe(true);
    policy.replace(['*.logic.azure.com']);
    expect(policy.patterns).toEqual(['*.logic.azure.com']);
    expect(policy.check('http://localhost/')).toMatchObject({
      allowed: false,
      reason: 'host-not-allowlisted',
    });
    expect(policy.check('https://prod.logic.azure.com/').allowed).toBe(true);
  });
});
