import type { Command } from 'commander';
import { createEmulatorClient, type SubscribeResult } from '../../client/client.js';
import { loadSeedFile } from '../../config/seed-loader.js';
import { packageVersion } from '../../core/paths.js';
import { isUnresolvedMailbox } from '../../flows/bookings-triggers.js';
import { type BookingsTrigger, type FlowDocument, FlowReadError } from '../../flows/model.js';
import type { CheckFormat } from '../../flows/report.js';
import { parseChoice } from '../flags.js';
import { UsageError } from '../usage-error.js';

const defaultEmulator = 'http://127.0.0.1:4780';
const requestTimeoutMs = 15_000;

const subscribeHelp = `
Each Bookings trigger of each flow in FILE ("When an appointment is created / updated /
cancelled") is subscribed as Power Automate does when the flow is saved: on the trigger's own
path (.../webhook/AppointmentCreated, AppointmentUpdated, AppointmentDeleted) for its
SMTPAddress, with its change_type and --url as notification_url. The emulator then posts that
trigger's AppointmentData to --url.

FILE is a Power Automate export package (.zip), a solution export (.zip), a definition.json or
a Logic Apps workflow.json. --url is the flow's callback URL (a stand-in "When a HTTP request is
received" trigger, a local receiver), or inbox:NAME for the emulator's built-in inbox.
--token is the bearer token of a Bookings administrator of the mailbox, as the flow's connection
would present it (the demo seed's is admin-token).

One line per trigger: its flow, name, trigger and mailbox, then the webhook id or the refusal
(status, code and message).

Exit codes: 0 every trigger subscribed, 1 the emulator refused one or more, 2 unreadable FILE,
no Bookings trigger in it, bad flags, or no emulator at --emulator.`;

interface SubscribeFlags {
  url: string;
  token: string;
  emulator: string;
}

/** The flows in FILE; an unreadable file is a usage error (exit 2 with its message). */
async function readFlows(file: string): Promise<FlowDocument[]> {
  try {
    // Loaded on use, as every command's work is: zip reading would slow every other command's start.
    const { readFlowFile } = await import('../../flows/read-flow.js');
    return await readFlowFile(file);
  } catch (error) {
    if (error instanceof FlowReadError) throw new UsageError(error.message);
    throw error;
  }
}

function emulatorBase(value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new UsageError(
      `--emulator "${value}" is not a URL; give the emulator's base URL, e.g. ${defaultEmulator}.`,
    );
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new UsageError(
      `--emulator "${value}" is not an http(s) URL; give the emulator's base URL, e.g. ${defaultEmulator}.`,
    );
  }
  return value.replace(/\/+$/, '');
}

function callbackUrl(value: string, emulator: string): string {
  if (value.startsWith('inbox:') && value.length > 'inbox:'.length) {
    return `${emulator}/_emulator/inbox/${encodeURIComponent(value.slice('inbox:'.length))}`;
  }
  if (!URL.canParse(value)) {
    throw new UsageError(
      `--url "${value}" is neither a URL nor inbox:NAME; give the flow's callback URL, e.g. the "HTTP URL" of its "When a HTTP request is received" trigger.`,
    );
  }
  return value;
}

function unreachable(emulator: string, error: unknown): UsageError {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  const reason =
    (error as Error).name === 'TimeoutError'
      ? `no answer within ${requestTimeoutMs / 1000} s`
      : (cause?.code ?? cause?.message ?? (error as Error).message);
  return new UsageError(
    `cannot reach the emulator at ${emulator} (${reason}); start it with \`bookings-emulator start\` or name it with --emulator.`,
  );
}

function outcome(result: SubscribeResult): string {
  if (result.status >= 200 && result.status < 300) {
    return `subscribed, webhook ${result.webhookId ?? '(no Location header)'}`;
  }
  const detail = result.error ? ` ${result.error.code}: ${result.error.message}` : '';
  return `refused, ${result.status}${detail}`;
}

async function subscribeFlows(file: string, flags: SubscribeFlags): Promise<void> {
  const emulator = emulatorBase(flags.emulator);
  const url = callbackUrl(flags.url, emulator);
  const flows = await readFlows(file);
  const triggers: Array<{ flow: FlowDocument; trigger: BookingsTrigger }> = flows.flatMap((flow) =>
    flow.bookingsTriggers.map((trigger) => ({ flow, trigger })),
  );
  if (triggers.length === 0) {
    const names = flows.map((flow) => `"${flow.name}"`).join(', ');
    throw new UsageError(
      `${file}: no Bookings trigger in ${flows.length === 1 ? 'the flow' : 'the flows'} ${names}; a flow to subscribe starts with "When an appointment is created", "updated" or "cancelled" of the Microsoft Bookings connector.`,
    );
  }
  const unresolved = triggers.find(({ trigger }) => isUnresolvedMailbox(trigger.mailbox));
  if (unresolved) {
    throw new UsageError(
      `${file}: the trigger "${unresolved.trigger.name}" of "${unresolved.flow.name}" takes its mailbox from the expression ${unresolved.trigger.mailbox}, which cannot be evaluated here; set SMTPAddress to the booking mailbox (or a parameter with a default value) and export the flow again.`,
    );
  }
  const client = createEmulatorClient({
    baseUrl: emulator,
    token: flags.token,
    fetch: (input, init) => fetch(input, { ...init, signal: AbortSignal.timeout(requestTimeoutMs) }),
  });
  let refused = 0;
  for (const { flow, trigger } of triggers) {
    let result: SubscribeResult;
    try {
      result = await client.subscribe({ mailbox: trigger.mailbox, url, trigger: trigger.trigger });
    } catch (error) {
      throw unreachable(emulator, error);
    }
    if (result.status < 200 || result.status >= 300) refused += 1;
    process.stdout.write(
      `${flow.name}: ${trigger.name} (${trigger.trigger}) on ${trigger.mailbox}: ${outcome(result)}\n`,
    );
  }
  process.exitCode = refused > 0 ? 1 : 0;
}

/**
 * The `flow` command and its `subscribe` subcommand. Answers the `flow` command so that other
 * subcommands (`flow check`) can be added to it.
 */
export function registerFlowCommand(program: Command): Command {
  const flow = program
    .command('flow')
    .description(
      'Work with a flow exported from Power Automate or Logic Apps: check what it reads of the trigger, subscribe its Bookings triggers.',
    );
  flow
    .command('subscribe')
    .description(
      'Subscribe each Bookings trigger of the flow(s) in FILE on its mailbox, as Power Automate would; exit 0 all subscribed, 1 any refused, 2 bad input or no emulator.',
    )
    .argument('<file>', 'an export package or solution (.zip), a definition.json or a workflow.json')
    .requiredOption('--url <callback>', "the flow's callback URL, or inbox:NAME for the emulator's inbox")
    .requiredOption('--token <token>', 'bearer token of a Bookings administrator of the mailbox')
    .option('--emulator <url>', "the emulator's base URL", defaultEmulator)
    .addHelpText('after', subscribeHelp)
    .action(subscribeFlows);
  registerFlowCheckCommand(flow);
  return flow;
}

const checkHelp = `
Finds every read of a Bookings trigger's outputs in the flows of each FILE (triggerOutputs(),
triggerBody(), @{...}, first()/last(), Parse JSON, loops over Customers, StaffMembers,
CustomQuestionAnswers and Answers) and says what the contract says about it:
  error    the field does not exist in AppointmentData (with the nearest real name), is cased
           differently, or the read treats a list as an object
  warning  the field is deprecated, never set for this trigger, or may be empty (a policy or the
           evidence says so; 1:1-only fields on a group service)
  note     the field's form is uncertain: vary the named policy with run --matrix
--seed FILE lets the rules about 1:1 and group services, choice questions and online services
look at the trigger mailbox's services. docs/flows.md (Check a flow) lists every rule.

--format text (default), json (the findings and a summary) or sarif (SARIF 2.1.0; upload it
with github/codeql-action/upload-sarif to see the findings in GitHub code scanning).

Exit codes: 0 nothing above a note, 1 any error or warning, 2 an unreadable FILE or seed.`;

interface CheckFlags {
  format: CheckFormat;
  seed?: string;
}

function registerFlowCheckCommand(flow: Command): void {
  flow
    .command('check')
    .description(
      "Check every read of a Bookings trigger's outputs in the flow(s) against the contract; exit 0 nothing above a note, 1 any error or warning, 2 unreadable input.",
    )
    .argument('<file...>', 'export packages or solutions (.zip), definition.json or workflow.json files')
    .option(
      '--format <format>',
      'text, json or sarif',
      parseChoice(['text', 'json', 'sarif'] as const satisfies readonly CheckFormat[]),
      'text',
    )
    .option(
      '--seed <file>',
      "a seed file: rules about kinds of service look at the trigger mailbox's services",
    )
    .addHelpText('after', checkHelp)
    .action(async (files: string[], flags: CheckFlags) => {
      const seed = flags.seed === undefined ? undefined : loadSeedFile(flags.seed);
      const { checkFlowFiles, exitCodeOf, formatReport } = await import('../../flows/report.js');
      const report = await checkFlowFiles(files, seed ? { seed } : {});
      for (const problem of report.unreadable)
        process.stderr.write(`bookings-emulator: ${problem.message}\n`);
      process.stdout.write(
        formatReport(report, flags.format, { cwd: process.cwd(), toolVersion: packageVersion }),
      );
      process.exitCode = exitCodeOf(report);
    });
}
