import { type Command, InvalidArgumentError, Option } from 'commander';
import { type RunningEmulator, startEmulator } from '../../api/start.js';
import { controlPaths, triggerApiPaths } from '../../client/paths.js';
import type { EmulatorOptions } from '../../config/options.js';
import { namedRetryPolicies } from '../../delivery/retry-policy.js';
import { createHostAllowlist, profileAllowlist } from '../../domain/allowlist.js';
import { parsePolicySettings } from '../../domain/policies.js';
import { subscribeRequest, triggerOf } from '../../domain/triggers.js';
import type { Policies } from '../../generated/schema-types.js';
import { maskUrlSecrets } from '../../http/log-redaction.js';
import { bannerCredentials, type Credential } from '../demo-credentials.js';
import { parseChoice, parsePort } from '../flags.js';
import { UsageError } from '../usage-error.js';

interface StartFlags {
  port: number;
  host: string;
  seed?: string;
  dataDir?: string;
  profile: 'default' | 'strict';
  policy: string[];
  quirk: string[];
  retryPolicy?: string;
  logLevel: 'silent' | 'error' | 'warn' | 'info' | 'debug';
  quiet?: boolean;
  controlToken?: string;
  retainDeliveries?: number;
}

/** How many deliveries the journal (and each inbox) keeps: a whole number from 1. */
function parseRetainDeliveries(value: string): number {
  const count = Number(value);
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(count) || count < 1) {
    throw new InvalidArgumentError(
      'expected a whole number of at least 1 (how many deliveries the journal keeps).',
    );
  }
  return count;
}

function collectCommaSeparated(value: string, previous: string[] = []): string[] {
  return [
    ...previous,
    ...value
      .split(',')
      .map((part) => part.trim())
      .filter((part) => part !== ''),
  ];
}

/**
 * How to subscribe a first flow: the built-in inbox when the allowlist in force lets its URL
 * through (asked of the allowlist itself, as a subscribe would), otherwise plainly why not and
 * a line for a callback URL of the user's own on an allowed host.
 */
function firstFlowLines(running: RunningEmulator, mailbox: string, admin: Credential): string[] {
  const inboxUrl = `${running.url}${controlPaths.inbox('demo')}`;
  const subscribeUrl = `${running.url}${triggerApiPaths.subscribe(mailbox, 'created')}`;
  const curl = (notificationUrl: string) =>
    `  curl -i -X POST '${subscribeUrl}' -H 'Authorization: Bearer ${admin.token}' -H 'Content-Type: application/json' -d '${JSON.stringify(subscribeRequest(notificationUrl, 'created'))}'`;
  const createLine = `then create appointments with POST ${running.url}/v1.0/solutions/bookingBusinesses/${mailbox}/appointments`;
  const journalUrl = `${running.url}${controlPaths.deliveries()}`;
  const { config } = running.context;
  const allowlist = createHostAllowlist(config.allowlist);
  const verdict = allowlist.check(inboxUrl);
  if (verdict.allowed) {
    return [
      'subscribe the built-in inbox as a "When an appointment is created" flow:',
      curl(inboxUrl),
      '',
      createLine,
      `and read what the flow received at ${inboxUrl} (journal: ${journalUrl})`,
    ];
  }
  const host = new URL(inboxUrl).hostname;
  const fromSeed = config.seed.allowlist !== undefined;
  const defaultAllows = !fromSeed && createHostAllowlist(profileAllowlist('default')).check(inboxUrl).allowed;
  return [
    `the allowlist (${fromSeed ? "the seed's allowlist" : `--profile ${config.profile}`}) refuses the built-in inbox ${inboxUrl}: ${verdict.message}.`,
    `a flow's callback URL must be on one of: ${allowlist.patterns.join(', ')}`,
    `subscribe your own flow's callback URL (replace YOUR_CALLBACK_URL) as a "When an appointment is created" flow:`,
    curl('YOUR_CALLBACK_URL'),
    defaultAllows
      ? `(to use the built-in inbox, start with --profile default, which allows ${host})`
      : `(to use the built-in inbox, add ${host} to the seed's "allowlist")`,
    '',
    createLine,
    `and follow each delivery in the journal: ${journalUrl}`,
  ];
}

function banner(running: RunningEmulator): string {
  const { directory } = running.context.state;
  const guarded = running.context.config.controlToken !== undefined;
  const lines = [
    `listening on ${running.url}`,
    `dashboard: ${running.url}/_emulator/ui${guarded ? '?token=YOUR_CONTROL_TOKEN (once per browser)' : ''}`,
    '',
    'mailboxes:',
  ];
  for (const business of directory.businesses) {
    const flows = running.context.state.store.subscriptions.listByMailbox(business.email).length;
    lines.push(
      `  ${business.email}  (${business.displayName}, ${flows} of ${running.context.config.webhookLimit} flows)`,
    );
  }
  const first = directory.businesses[0];
  if (!first) return lines.join('\n');
  const { admin, nonAdmin } = bannerCredentials(directory, first);
  lines.push('');
  if (admin) lines.push(`admin token:      ${admin.token}  (${admin.upn}, administrator of ${first.email})`);
  if (nonAdmin)
    lines.push(
      `non-admin token:  ${nonAdmin.token}  (${nonAdmin.upn}, ${nonAdmin.role} of ${first.email}: gets 403)`,
    );
  if (admin) lines.push('', ...firstFlowLines(running, first.email, admin));
  // The seed's tokens above are printed whole for the curl line; the control token, which the user chose, never is.
  if (guarded) {
    lines.push(
      '',
      'the control API (/_emulator/) asks for your control token in the X-Emulator-Control-Token header',
    );
  }
  return lines.join('\n');
}

function toOptions(flags: StartFlags): EmulatorOptions {
  let policies: Policies;
  try {
    policies = { ...parsePolicySettings(flags.quirk, '--quirk'), ...parsePolicySettings(flags.policy) };
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const options: EmulatorOptions = {
    profile: flags.profile,
    policies,
    logLevel: flags.logLevel === 'silent' ? false : flags.logLevel,
  };
  if (flags.seed !== undefined) options.seed = flags.seed;
  if (flags.dataDir !== undefined) options.dataDir = flags.dataDir;
  if (flags.retryPolicy !== undefined) options.retryPolicy = flags.retryPolicy;
  if (flags.controlToken !== undefined) options.controlToken = flags.controlToken;
  if (flags.retainDeliveries !== undefined) options.retainDeliveries = flags.retainDeliveries;
  return options;
}

/**
 * Prints one line per flow subscribed, with the change types it fires on (the body's change_type
 * decides, whatever the path said), and one per delivery attempt, so a developer sees what their
 * flow was sent.
 */
function narrate(running: RunningEmulator): void {
  const { events } = running.context.runtime;
  const { subscriptions } = running.context.state.store;
  let known = new Set(subscriptions.list().map((flow) => flow.webhookId));
  events.on('flows:changed', () => {
    const flows = subscriptions.list();
    for (const flow of flows.filter((each) => !known.has(each.webhookId))) {
      const fires = flow.changeTypes.map((type) => `${type} (${triggerOf[type]})`).join(', ');
      process.stdout.write(
        `flow ${flow.webhookId} subscribed on ${flow.mailbox}: fires on ${fires} -> ${maskUrlSecrets(flow.notificationUrl)}\n`,
      );
    }
    known = new Set(flows.map((flow) => flow.webhookId));
  });
  events.on('delivery:attempt', (delivery, attempt) => {
    const answer = attempt.responseStatus !== undefined ? `HTTP ${attempt.responseStatus}` : attempt.error;
    process.stdout.write(
      `delivery ${delivery.deliveryId} ${delivery.changeType} -> ${maskUrlSecrets(delivery.url)}: ${answer} (attempt ${attempt.attempt}, ${attempt.outcome})\n`,
    );
  });
}

type ListenError = NodeJS.ErrnoException & { hostname?: string; address?: string; port?: number };

const bindableHosts = 'use 127.0.0.1, localhost or 0.0.0.0 (every interface)';

/**
 * Why `start` (or `capture`) cannot listen, in one sentence that says what to do: a host that does
 * not resolve, an address this machine does not have, a port in use or out of reach. Undefined
 * for any other error.
 */
export function listenErrorMessage(error: unknown): string | undefined {
  const { code, syscall, hostname, address, port } = error as ListenError;
  if (syscall === 'getaddrinfo') {
    const why =
      code === 'ENOTFOUND'
        ? 'no such host'
        : code === 'EAI_AGAIN'
          ? 'the name cannot be looked up now (no DNS answer)'
          : `the name does not resolve (${code})`;
    return `cannot listen on ${hostname}: ${why}; ${bindableHosts}.`;
  }
  if (syscall !== 'listen' && syscall !== 'bind') return undefined;
  const where = port === undefined ? address : `${address}:${port}`;
  switch (code) {
    case 'EADDRNOTAVAIL':
      return `cannot listen on ${address}: no network interface of this machine has that address; ${bindableHosts}.`;
    case 'EADDRINUSE':
      return `cannot listen on ${where}: the port is in use (another emulator?); choose another --port, or --port 0 for a free one.`;
    case 'EACCES':
      return `cannot listen on ${where}: permission denied (ports below 1024 need privileges); choose a --port from 1024 up.`;
    default:
      return undefined;
  }
}

export function registerStartCommand(program: Command): void {
  program
    .command('start')
    .description('Serve the Bookings trigger API, Graph-shaped appointment actions and the control API.')
    // Every setting can also come from the environment (containers); a flag wins over its variable.
    .addOption(
      new Option('--port <port>', 'port to listen on; 0 takes a free port')
        .env('BOOKINGS_EMULATOR_PORT')
        .argParser(parsePort)
        .default(4780),
    )
    .addOption(
      new Option('--host <host>', 'address to bind').env('BOOKINGS_EMULATOR_HOST').default('127.0.0.1'),
    )
    .addOption(
      new Option('--seed <file>', 'seed file (YAML or JSON); default: the built-in demo seed').env(
        'BOOKINGS_EMULATOR_SEED',
      ),
    )
    .addOption(
      new Option(
        '--data-dir <dir>',
        'keep subscriptions, appointments and pending deliveries in SQLite here (survives a kill)',
      ).env('BOOKINGS_EMULATOR_DATA_DIR'),
    )
    .addOption(
      new Option('--profile <profile>', 'allowlist profile: default (adds localhost) or strict')
        .env('BOOKINGS_EMULATOR_PROFILE')
        .argParser(parseChoice(['default', 'strict'] as const))
        .default('default'),
    )
    .addOption(
      new Option(
        '--policy <name=value>',
        'set a policy (repeatable; comma-separated in the variable); bookings-emulator policies lists them',
      )
        .env('BOOKINGS_EMULATOR_POLICIES')
        .argParser(collectCommaSeparated)
        .default([]),
    )
    .addOption(
      new Option('--quirk <name=value>', 'a synonym of --policy (quirks take on or off)')
        .env('BOOKINGS_EMULATOR_QUIRKS')
        .argParser(collectCommaSeparated)
        .default([]),
    )
    .addOption(
      new Option(
        '--retry-policy <name>',
        `${Object.keys(namedRetryPolicies).join(', ')} or delays such as 1s,5s,30s`,
      ).env('BOOKINGS_EMULATOR_RETRY_POLICY'),
    )
    .addOption(
      new Option(
        '--retain-deliveries <n>',
        'keep at most n deliveries in the journal (the oldest settled go first; pending and retrying stay) and n messages per inbox; default: keep all',
      )
        .env('BOOKINGS_EMULATOR_RETAIN_DELIVERIES')
        .argParser(parseRetainDeliveries),
    )
    .addOption(
      new Option('--log-level <level>', 'level of the request log, written to stderr')
        .env('BOOKINGS_EMULATOR_LOG_LEVEL')
        .argParser(parseChoice(['silent', 'error', 'warn', 'info', 'debug'] as const))
        .default('warn'),
    )
    .addOption(
      new Option(
        '--control-token <token>',
        'require this token (header X-Emulator-Control-Token) on the control API; prefer the variable, which ps does not show',
      ).env('BOOKINGS_EMULATOR_CONTROL_TOKEN'),
    )
    .option('--quiet', 'print only the listening line')
    .action(async (flags: StartFlags) => {
      const options = toOptions(flags);
      const running = await startEmulator({
        ...options,
        port: flags.port,
        host: flags.host,
        onExposed: (warning) => process.stderr.write(warning),
      });
      let stopping = false;
      const stop = (signal: NodeJS.Signals) => {
        if (stopping) return;
        stopping = true;
        process.stdout.write(`\n${signal}: stopping\n`);
        running.close().then(
          () => process.exit(0),
          (error: unknown) => {
            process.stderr.write(`error while stopping: ${(error as Error).message}\n`);
            process.exit(1);
          },
        );
      };
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
      // Signal handlers first: whoever reads the listening line may stop us at once.
      process.stdout.write(`${flags.quiet ? `listening on ${running.url}` : banner(running)}\n`);
      if (!flags.quiet) narrate(running);
    });
}
