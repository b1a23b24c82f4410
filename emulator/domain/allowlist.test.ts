import { describe, expect, it } from 'vitest';
import { createHostAllowlist, profileAllowlist } from './allowlist.js';

/** docs/contract.md (Rules): matching is on the parsed URL host, case-insensitive, trailing dot ignored. */
const defaults = createHostAllowlist(profileAllowlist('default'));
const strict = createHostAllowlist(profileAllowlist('strict'));
const custom = createHostAllowlist(['hooks.example.test', '*.corp.example']);

function expectRefused(verdict: ReturnType<typeof defaults.check>): void {
  expect(verdict.allowed).toBe(false);
  if (verdict.allowed) return;
  expect(typeof verdict.reason).toBe('string');
  expect(verdict.reason.trim()).not.toBe('');
}

function expectAccepted(verdict: ReturnType<typeof defaults.check>, host: string): void {
  expect(verdict).toMatchObject({ allowed: true, host });
  if (!verdict.allowed) return;
  expect(new URL(verdict.url).hostname).toBe(host);
  expect(verdict.host).toBe(verdict.host.toLowerCase());
  expect(verdict.host.endsWith('.')).toBe(false);
}

describe('profileAllowlist', () => {
  it('default is the Power Platform callback hosts plus the loopback hosts', () => {
    expect(profileAllowlist('default')).toEqual([
      '*.logic.azure.com',
      '*.azure-apim.net',
      '*.powerplatform.com',
      '*.flow.microsoft.com',
      'localhost',
      '127.0.0.1',
    ]);
  });

  it('strict drops the loopback hosts', () => {
    expect(profileAllowlist('strict')).toEqual([
      '*.logic.azure.com',
      '*.azure-apim.net',
      '*.powerplatform.com',
      '*.flow.microsoft.com',
    ]);
  });

  it('returns a fresh array each time, and the allowlist freezes its own copy', () => {
    const list = profileAllowlist('default');
    list.push('evil.example');
    expect(profileAllowlist('default')).not.toContain('evil.example');
    const patterns = ['hooks.example.test'];
    const allowlist = createHostAllowlist(patterns);
    patterns.push('evil.example');
    expect(allowlist.patterns).toEqual(['hooks.example.test']);
    expect(Object.isFrozen(allowlist.patterns)).toBe(true);
    expectRefused(allowlist.check('https://evil.example/'));
  });
});

describe('default profile: hostile notification URLs are refused', () => {
  const hostile: Array<[string, string]> = [
    // userinfo tricks
    ['allowed host as userinfo, evil host', 'https://prod.logic.azure.com@evil.example/'],
    ['evil userinfo before an allowed host', 'https://evil.example@prod.logic.azure.com/'],
    ['user:pass before an allowed host', 'https://user:pass@prod.logic.azure.com/'],
    ['password only before an allowed host', 'https://:secret@prod.logic.azure.com/'],
    ['localhost as userinfo, look-alike host', 'http://localhost@127.0.0.1.evil.example/'],
    ['localhost:port as userinfo', 'http://localhost:3000@evil.example/'],
    ['percent-encoded @ inside the host', 'https://prod.logic.azure.com%40evil.example/'],
    // look-alike and suffix hosts
    ['hyphenated look-alike', 'https://evil-logic.azure.com/'],
    ['allowed name as a prefix of an evil domain', 'https://logic.azure.com.evil.example/'],
    ['subdomain-looking prefix of an evil domain', 'https://prod.logic.azure.com.evil.example/'],
    ['suffix without a dot boundary', 'https://xlogic.azure.com/'],
    ['bare apex of *.logic.azure.com', 'https://logic.azure.com/'],
    ['bare apex of *.azure-apim.net', 'https://azure-apim.net/'],
    ['bare apex of *.powerplatform.com', 'https://powerplatform.com/'],
    ['bare apex of *.flow.microsoft.com', 'https://flow.microsoft.com/'],
    ['suffix without a dot boundary (apim)', 'https://evilazure-apim.net/'],
    ['suffix without a dot boundary (flow)', 'https://evilflow.microsoft.com/'],
    ['lone leading dot before the suffix', 'https://.logic.azure.com/'],
    ['localhost as a subdomain of an evil domain', 'http://localhost.evil.example/'],
    ['loopback address as a subdomain of an evil domain', 'http://127.0.0.1.evil.example/'],
    ['localhost with a prefix', 'http://notlocalhost/'],
    // IPv4 spellings of 127.0.0.1
    ['decimal 127.0.0.1', 'http://2130706433/'],
    ['hex 127.0.0.1', 'http://0x7f000001/'],
    ['octal 127.0.0.1', 'http://0177.0.0.1/'],
    ['short 127.1', 'http://127.1/'],
    ['short 127.0.1', 'http://127.0.1/'],
    ['hex short 0x7f.1', 'http://0x7f.1/'],
    ['zero-padded 127.000.000.001', 'http://127.000.000.001/'],
    ['decimal 127.0.0.1 with a port', 'http://2130706433:3000/hook'],
    // other IPs
    ['private 10.0.0.1', 'http://10.0.0.1/'],
    ['unspecified 0.0.0.0', 'http://0.0.0.0/'],
    ['cloud metadata 169.254.169.254', 'http://169.254.169.254/latest/meta-data/'],
    ['another loopback address 127.0.0.2', 'http://127.0.0.2/'],
    ['private 192.168.1.1', 'http://192.168.1.1/'],
    // IPv6
    ['IPv6 loopback (not on the default list)', 'http://[::1]/'],
    ['IPv6 loopback with a port', 'http://[::1]:3000/hook'],
    ['IPv4-mapped IPv6 loopback', 'http://[::ffff:127.0.0.1]/'],
    ['IPv6 loopback written in full', 'http://[0:0:0:0:0:0:0:1]/'],
    // percent-encoded hosts
    ['percent-encoded localhost', 'http://%6c%6f%63%61%6c%68%6f%73%74/'],
    ['partly percent-encoded localhost with a port', 'http://local%68ost:3000/'],
    ['percent-encoded dot in an allowed host', 'https://prod.logic.azure%2Ecom/'],
    // IDN / homoglyphs / Unicode dots
    ['Cyrillic a in azure', 'https://prod.logic.\u0430zure.com/'],
    ['ideographic full stop', 'https://prod.logic.azure\u3002com/'],
    ['full-width full stops', 'https://prod\uff0elogic\uff0eazure\uff0ecom/'],
    ['full-width localhost', 'http://\uff4c\uff4f\uff43\uff41\uff4c\uff48\uff4f\uff53\uff54/'],
    ['zero-width space in the host', 'https://prod.logic.azure.com\u200b/'],
    ['tab inside localhost', 'http://local\thost/'],
    // non-http(s) schemes
    ['ftp', 'ftp://prod.logic.azure.com/'],
    ['file', 'file:///etc/passwd'],
    ['javascript:', 'javascript:alert(1)'],
    ['data:', 'data:text/html,<script>alert(1)</script>'],
    ['ws', 'ws://localhost:3000/'],
    ['wss on an allowed host', 'wss://prod.logic.azure.com/'],
    ['gopher', 'gopher://localhost:70/'],
    // not absolute URLs
    ['scheme-relative', '//localhost/x'],
    ['absolute path', '/hook'],
    ['relative path', 'hook'],
    ['host and path without a scheme', 'prod.logic.azure.com/x'],
    ['empty string', ''],
    ['spaces only', '   '],
    ['tab and newline only', '\t\n'],
    ['space inside the host', 'http://local host/'],
    // backslash tricks
    ['backslash before @ (parses to evil.example)', 'http://evil.example\\@localhost/'],
    [
      'backslash before an allowed host (parses to evil.example)',
      'https://evil.example\\prod.logic.azure.com/',
    ],
  ];

  it('has at least 45 hostile cases', () => {
    expect(hostile.length).toBeGreaterThanOrEqual(45);
  });

  it.each(hostile)('%s: %j', (_name, url) => {
    expectRefused(defaults.check(url));
  });
});

describe('default profile: genuine callback URLs are accepted', () => {
  const genuine: Array<[string, string, string]> = [
    [
      'Logic Apps callback',
      'https://prod-00.westus.logic.azure.com:443/workflows/abc/triggers/manual/paths/invoke?api-version=2016-06-01&sig=x',
      'prod-00.westus.logic.azure.com',
    ],
    ['one-label subdomain of logic.azure.com', 'https://prod.logic.azure.com/x', 'prod.logic.azure.com'],
    ['deep subdomain of logic.azure.com', 'https://a.b.c.logic.azure.com/', 'a.b.c.logic.azure.com'],
    [
      'azure-apim.net subdomain',
      'https://europe-002.azure-apim.net/apim/bookings',
      'europe-002.azure-apim.net',
    ],
    [
      'powerplatform.com subdomain',
      'https://default123.environment.api.powerplatform.com/powerautomate/hooks',
      'default123.environment.api.powerplatform.com',
    ],
    ['flow.microsoft.com subdomain', 'https://emea.flow.microsoft.com/hook', 'emea.flow.microsoft.com'],
    ['upper/mixed case', 'https://PROD-00.WestUS.Logic.Azure.com/x', 'prod-00.westus.logic.azure.com'],
    [
      'upper-case scheme and host, trailing dot',
      'HTTPS://EMEA.Flow.Microsoft.COM./x',
      'emea.flow.microsoft.com',
    ],
    ['trailing dot', 'https://prod.logic.azure.com./x', 'prod.logic.azure.com'],
    ['explicit default port', 'https://prod.logic.azure.com:443/x', 'prod.logic.azure.com'],
    ['explicit other port', 'https://prod.logic.azure.com:8443/x', 'prod.logic.azure.com'],
    ['plain http on a Power Platform host', 'http://prod.logic.azure.com/x', 'prod.logic.azure.com'],
    ['@ in the query string', 'https://prod.logic.azure.com/x?u=a@b', 'prod.logic.azure.com'],
    ['@ in the path', 'https://prod.logic.azure.com/path/with@at/sign', 'prod.logic.azure.com'],
    ['@ in the fragment', 'https://prod.logic.azure.com/x#f@evil.example', 'prod.logic.azure.com'],
    ['localhost with a port', 'http://localhost:3000/hook', 'localhost'],
    ['localhost without a port', 'http://localhost/', 'localhost'],
    ['upper-case localhost', 'http://LOCALHOST/', 'localhost'],
    ['localhost with a trailing dot', 'http://localhost./x', 'localhost'],
    ['127.0.0.1 with a port', 'http://127.0.0.1:8080/', '127.0.0.1'],
    ['127.0.0.1 over https', 'https://127.0.0.1/hook', '127.0.0.1'],
  ];

  it('has at least 15 genuine cases', () => {
    expect(genuine.length).toBeGreaterThanOrEqual(15);
  });

  it.each(genuine)('%s: %j', (_name, url, host) => {
    expectAccepted(defaults.check(url), host);
  });
});

describe('strict profile', () => {
  it.each([
    ['http://localhost:3000/hook'],
    ['http://LOCALHOST/'],
    ['http://127.0.0.1:8080/'],
    ['http://[::1]/'],
    ['https://logic.azure.com/'],
    ['https://evil-logic.azure.com/'],
    ['https://prod.logic.azure.com@evil.example/'],
  ])('refuses %j', (url) => {
    expectRefused(strict.check(url));
  });

  it.each([
    ['https://prod.logic.azure.com/x', 'prod.logic.azure.com'],
    ['https://PROD-00.WestUS.Logic.Azure.com./x', 'prod-00.westus.logic.azure.com'],
    ['https://europe-002.azure-apim.net/apim', 'europe-002.azure-apim.net'],
    ['https://x.api.powerplatform.com/', 'x.api.powerplatform.com'],
    ['https://emea.flow.microsoft.com/', 'emea.flow.microsoft.com'],
  ])('accepts %j', (url, host) => {
    expectAccepted(strict.check(url), host);
  });
});

describe("custom list ['hooks.example.test', '*.corp.example']", () => {
  it.each([
    ['https://hooks.example.test/x', 'hooks.example.test'],
    ['https://HOOKS.Example.TEST./x', 'hooks.example.test'],
    ['http://hooks.example.test:8080/x?a=b@c', 'hooks.example.test'],
    ['https://a.corp.example/', 'a.corp.example'],
    ['https://a.b.corp.example/', 'a.b.corp.example'],
    ['https://A.Corp.Example./hook', 'a.corp.example'],
  ])('accepts %j', (url, host) => {
    expectAccepted(custom.check(url), host);
  });

  it.each([
    ['https://corp.example/'],
    ['https://evilcorp.example/'],
    ['https://corp.example.evil.example/'],
    ['https://sub.hooks.example.test/'],
    ['https://hooks.example.test.evil.example/'],
    ['https://xhooks.example.test/'],
    ['https://hooks.example.test@evil.example/'],
    ['http://localhost/'],
    ['http://127.0.0.1/'],
    ['https://prod.logic.azure.com/'],
  ])('refuses %j', (url) => {
    expectRefused(custom.check(url));
  });

  it('matches patterns case-insensitively and ignores a trailing dot in the pattern', () => {
    const allowlist = createHostAllowlist(['Hooks.Example.Test.', '*.Corp.Example']);
    expectAccepted(allowlist.check('https://hooks.example.test/'), 'hooks.example.test');
    expectAccepted(allowlist.check('https://a.corp.example/'), 'a.corp.example');
    expectRefused(allowlist.check('https://corp.example/'));
  });

  it('an empty list refuses everything', () => {
    const allowlist = createHostAllowlist([]);
    expectRefused(allowlist.check('http://localhost/'));
    expectRefused(allowlist.check('https://prod.logic.azure.com/'));
  });
});

describe('policy beyond docs/contract.md (docs/decisions/005)', () => {
  it('leading/trailing spaces around a URL are stripped by WHATWG parsing; the parsed host decides', () => {
    expectAccepted(defaults.check('  http://localhost/  '), 'localhost');
  });

  it('an accepted URL is handed back with the host as matched, so the host checked is the host called', () => {
    const cases: Array<[string, string]> = [
      ['http://localhost.:3000/a?b=c#d', 'http://localhost:3000/a?b=c#d'],
      ['HTTPS://EMEA.Flow.Microsoft.COM./x', 'https://emea.flow.microsoft.com/x'],
      ['http://127.0.0.1.:8080/', 'http://127.0.0.1:8080/'],
      ['https://prod.logic.azure.com:443/x', 'https://prod.logic.azure.com/x'],
    ];
    for (const [written, called] of cases) {
      expect(defaults.check(written)).toMatchObject({ allowed: true, url: called });
    }
  });

  it('any @ in the authority is refused, even an empty userinfo (https://@host/)', () => {
    expectRefused(defaults.check('https://@prod.logic.azure.com/'));
  });

  it('a host with an empty label is refused (https://..logic.azure.com/)', () => {
    expectRefused(defaults.check('https://..logic.azure.com/'));
    expectRefused(defaults.check('https://a..logic.azure.com/'));
  });

  it('spellings that WHATWG rewrites into an allowed host are refused rather than trusted', () => {
    // http:localhost/ and https:///host/ parse to allowed hosts but are not written as //host.
    expectRefused(defaults.check('http:localhost/'));
    expectRefused(defaults.check('https:///prod.logic.azure.com/x'));
  });
});

describe('remembered verdicts', () => {
  it('a URL asked about again gets the same verdict, also after more than 1,024 other URLs', () => {
    const allowlist = createHostAllowlist(['127.0.0.1', '*.logic.azure.com']);
    const hostile = 'http://127.0.0.1.evil.example/flow';
    const fine = 'http://127.0.0.1:7071/flow';
    const first = [allowlist.check(hostile), allowlist.check(fine)];
    expect(first[0]).toMatchObject({ allowed: false });
    expect(first[1]).toEqual({ allowed: true, host: '127.0.0.1', url: fine });
    for (let i = 0; i < 1_100; i++) {
      expect(allowlist.check(`https://flow-${i}.logic.azure.com/x`).allowed).toBe(true);
      expect(allowlist.check(`https://flow-${i}.logic.azure.com.evil.example/x`).allowed).toBe(false);
    }
    expect([allowlist.check(hostile), allowlist.check(fine)]).toEqual(first);
  });

  it('a verdict handed out cannot be changed by the caller', () => {
    const allowlist = createHostAllowlist(['127.0.0.1']);
    const verdict = allowlist.check('http://127.0.0.1/flow') as { allowed: boolean };
    expect(() => {
      verdict.allowed = false;
    }).toThrow(TypeError);
    expect(allowlist.check('http://127.0.0.1/flow').allowed).toBe(true);
  });
});
