import { type Command, Option } from 'commander';
import { type RunningEmulator, startEmulator } from '../../api/start.js';
import { controlPaths, triggerApiPaths } from '../../client/paths.js';
import type { EmulatorOptions } from '../../config/options.js';
import { namedRetryPolicies } from '../../delivery/retry-policy.js';
import { parsePolicySettings } from '../../domain/policies.js';
import { subscribeRequest } from '../../domain/triggers.js';
import type { Policies } from '../../generated/schema-types.js';
import { maskUrlSecrets } from '../../http/log-redaction.js';
import { bannerCredentials } from '../demo-credentials.js';
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

function banner(running: RunningEmulator): string {
  const { directory } = running.context.state;
  const lines = [`listening on ${running.url}`, '', 'mailboxes:'];
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
  if (admin) {
    const inboxUrl = `${running.url}${controlPaths.inbox('demo')}`;
    const subscribeUrl = `${running.url}${triggerApiPaths.subscribe(first.email, 'created')}`;
    const body = JSON.stringify(subscribeRequest(inboxUrl, 'created'));
    lines.push(
      '',
      'subscribe the built-in inbox as a "When an appointment is created" flow:',
      `  curl -i -X POST '${subscribeUrl}' -H 'Authorization: Bearer ${admin.token}' -H 'Content-Type: application/json' -d '${body}'`,
      '',
      `then create appointments with POST ${running.url}/v1.0/solutions/bookingBusinesses/${first.email}/appointments`,
      `and read what the flow received at ${inboxUrl} (journal: ${running.url}${controlPaths.deliveries()})`,
    );
  }
  // The seed's tokens above are printed whole for the curl line; the control token, which the user chose, never is.
  if (running.context.config.controlToken !== undefined) {
    lines.push(
      '',
      'the control API (/_emulator/) asks for your control token in the X-Emulator-Control-Token header;',
      `open the dashboard once with ${running.url}/_emulator/ui?token=YOUR_CONTROL_TOKEN`,
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
  return options;
}

/** Prints one line per delivery attempt, so a developer sees what their flow was sent. */
function narrateDeliveries(running: RunningEmulator): void {
  running.context.runtime.events.on('delivery:attempt', (delivery, attempt) => {
    const answer = attempt.responseStatus !== undefined ? `HTTP ${attempt.responseStatus}` : attempt.error;
    process.stdout.write(
      `delivery ${delivery.deliveryId} ${delivery.changeType} -> ${maskUrlSecrets(delivery.url)}: ${answer} (attempt ${attempt.attempt}, ${attempt.outcome})\n`,
    );
  });
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
      new Option('--log-level <level>', 'request log level')
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
      if (!flags.quiet) narrateDeliveries(running);
    });
}
