import type { Faker } from '@faker-js/faker';
import { graphPaths } from '../client/paths.js';
import { unsignedJwt } from '../domain/credentials.js';
import { policiesFromQuirks, policyDefaults } from '../domain/policies.js';
import { subscribePath, subscribeRequest, triggerApiBase } from '../domain/triggers.js';
import { createSeededFaker } from '../fakes/seeded-faker.js';
import type {
  AddCustomer,
  AddStaff,
  AppointmentFields,
  Book,
  CallExpectation,
  Delivery,
  Expectation,
  Flow,
  Policies,
  SeedBusiness,
  Step,
} from '../generated/schema-types.js';
import { maskUrlSecrets } from '../http/log-redaction.js';
import { waitForExpectation } from './expectation-wait.js';
import { runHttpStep } from './http-step.js';
import { type LoadedScenario, stepVerb } from './load.js';
import { missingServiceReason, type NeededService, neededServices } from './needs.js';
import type { ScenarioResult, StepFailure } from './results.js';
import { journalRetention } from './retention.js';
import {
  bookingPageBody,
  customerBody,
  graphAppointmentBody,
  type SavedEntity,
  type StepContext,
  staffBody,
} from './step-bodies.js';
import { checkAnswer, StepFailed } from './step-failed.js';
import { LocalTarget } from './targets/local.js';
import { RemoteTarget } from './targets/remote.js';
import type { ScenarioTarget, TargetResponse, TargetSetup } from './targets/target.js';
import { expand, resolveDuration, resolveTime, TemplateError } from './template.js';

const defaultClockStart = '2026-01-05T08:00:00Z';
const keptFailures = 50;

export interface RunOptions {
  /** Run against this emulator instead of starting one per scenario. */
  emulatorUrl?: string;
  /** The running emulator's control token, when it was started with one. */
  controlToken?: string;
  /** Seeds ids and fake data; the same seed gives the same run. */
  seed?: number;
  /** Policies for the run (a --policy flag, a run --matrix variant); the scenario's own pins win. */
  policies?: Policies;
  /** Flow URLs by flow name, replacing the scenario's. */
  flowUrls?: ReadonlyMap<string, string>;
  /** Variables replacing the scenario's `vars` of the same name (or adding to them). */
  vars?: ReadonlyMap<string, string | number | boolean>;
  /** Called as each step starts (repeats unrolled): what a progress line shows. */
  onStep?: (step: StepStarted) => void;
  /** Receives the scenario's whole delivery journal when it ends (contract tests validate it). */
  onDeliveries?: (deliveries: Delivery[]) => void;
}

/** A step about to run. */
export interface StepStarted {
  /** 1-based, repeats unrolled. */
  step: number;
  verb: string;
  /** Where the step is written in the scenario file. */
  line: number;
}

interface FlowState {
  flow: Flow;
  webhookIds: string[];
  current?: string;
}

interface RefState {
  mailbox: string;
  ids: string[];
}

/** The policies a scenario pins (`policies:`, and `quirks:` as older scenarios say it). */
export function pinnedPolicies(scenario: LoadedScenario['scenario']): Policies {
  return { ...policiesFromQuirks(scenario.quirks ?? {}), ...scenario.policies };
}

/** Every policy's value for a run: the defaults, then the run's settings, then the scenario's pins. */
function scenarioPolicies(scenario: LoadedScenario['scenario'], run: Policies = {}): Required<Policies> {
  return { ...policyDefaults, ...run, ...pinnedPolicies(scenario) };
}

/** Runs one scenario from a fresh state; never throws for a scenario's own mistakes. */
export async function runScenario(loaded: LoadedScenario, options: RunOptions = {}): Promise<ScenarioResult> {
  const started = performance.now();
  const result = await runTimed(loaded, options);
  return { ...result, durationMs: Math.round(performance.now() - started) };
}

function emptyResult(loaded: LoadedScenario): ScenarioResult {
  return {
    name: loaded.scenario.name,
    file: loaded.file,
    status: 'passed',
    steps: 0,
    expectations: 0,
    deliveries: 0,
    failures: [],
    moreFailures: 0,
  };
}

function targetSetup(
  loaded: LoadedScenario,
  options: RunOptions,
  vars: ReadonlyMap<string, string | number | boolean>,
): TargetSetup {
  const { scenario } = loaded;
  // The scenario's own emulator keeps only what its expectations can read; a caller that wants
  // the whole journal (onDeliveries) gets it all.
  const retainDeliveries =
    options.emulatorUrl === undefined && options.onDeliveries === undefined
      ? journalRetention(scenario, { vars, ...(options.flowUrls ? { flowUrls: options.flowUrls } : {}) })
      : undefined;
  return {
    seed: loaded.seed,
    // All policies, not only the scenario's: a running emulator may have been started with others.
    policies: scenarioPolicies(scenario, options.policies),
    clockStartMs: Date.parse(scenario.clock?.start ?? defaultClockStart),
    idSeed: options.seed ?? 1,
    ...(scenario.profile === undefined ? {} : { profile: scenario.profile }),
    ...(scenario.retryPolicy === undefined ? {} : { retryPolicy: scenario.retryPolicy }),
    ...(scenario.webhookLimit === undefined ? {} : { webhookLimit: scenario.webhookLimit }),
    ...(retainDeliveries === undefined ? {} : { retainDeliveries }),
  };
}

async function runTimed(loaded: LoadedScenario, options: RunOptions): Promise<ScenarioResult> {
  const { scenario } = loaded;
  const result = emptyResult(loaded);
  const faker = createSeededFaker(options.seed ?? 1);
  const vars = new Map([...Object.entries(scenario.vars ?? {}), ...(options.vars ?? [])]);
  let services: NeededService[];
  try {
    services = neededServices(scenario.needs ?? [], { vars, faker });
  } catch (error) {
    return { ...result, status: 'error', error: `needs: ${(error as Error).message}` };
  }
  // Checked before an emulator starts: a scenario whose services are down is skipped at once.
  const missing = await missingServiceReason(services);
  if (missing) return { ...result, status: 'skipped', skipReason: missing };
  let target: ScenarioTarget;
  try {
    const setup = targetSetup(loaded, options, vars);
    target = options.emulatorUrl
      ? await RemoteTarget.connect(options.emulatorUrl, setup, options.controlToken)
      : await LocalTarget.start(setup);
  } catch (error) {
    return { ...result, status: 'error', error: (error as Error).message };
  }
  const run = new ScenarioRun(loaded, target, faker, options, result, vars, services);
  try {
    await run.steps(scenario.steps, '/steps', vars);
    await target.settle();
    result.deliveries = await target.journaled();
    if (options.onDeliveries) options.onDeliveries(await target.deliveries({}));
  } catch (error) {
    result.status = 'error';
    result.error = (error as Error).message;
  } finally {
    await target.close();
  }
  if (result.status === 'passed' && result.failures.length + result.moreFailures > 0)
    result.status = 'failed';
  return result;
}

class ScenarioRun {
  private readonly flows = new Map<string, FlowState>();
  private readonly refs = new Map<string, RefState>();
  private readonly refOfAppointment = new Map<string, string>();
  /** Customers and staff members that addCustomer and addStaff steps saved, by ref. */
  private readonly customers = new Map<string, SavedEntity>();
  private readonly staff = new Map<string, SavedEntity>();
  private readonly stepLines = new Map<string, number>();
  private readonly businesses: Map<string, SeedBusiness>;

  constructor(
    private readonly loaded: LoadedScenario,
    private readonly target: ScenarioTarget,
    private readonly faker: Faker,
    private readonly options: RunOptions,
    private readonly result: ScenarioResult,
    /** The scenario's vars (and the run's): flow URLs may use them. */
    private readonly vars: ReadonlyMap<string, string | number | boolean>,
    /** The scenario's `needs`: a refused http step names the one to start. */
    private readonly services: readonly NeededService[],
  ) {
    for (const flow of loaded.scenario.flows ?? []) this.flows.set(flow.name, { flow, webhookIds: [] });
    this.businesses = new Map(
      loaded.seed.businesses.map((business) => [business.email.toLowerCase(), business]),
    );
  }

  /** The line a step is written on; a repeat runs the same steps again, so each is looked up once. */
  private lineOf(pointer: string): number {
    let line = this.stepLines.get(pointer);
    if (line === undefined) {
      line = this.loaded.source.positionOf(pointer).line;
      this.stepLines.set(pointer, line);
    }
    return line;
  }

  async steps(
    steps: readonly Step[],
    pointer: string,
    vars: Map<string, string | number | boolean>,
  ): Promise<void> {
    for (const [index, step] of steps.entries()) {
      const here = `${pointer}/${index}`;
      if (step.repeat) {
        const name = step.repeat.var ?? 'i';
        for (let iteration = 0; iteration < step.repeat.times; iteration++) {
          await this.steps(step.repeat.steps, `${here}/repeat/steps`, new Map(vars).set(name, iteration));
        }
        continue;
      }
      await this.step(step, here, vars);
    }
  }

  private async step(
    raw: Step,
    pointer: string,
    vars: Map<string, string | number | boolean>,
  ): Promise<void> {
    this.result.steps += 1;
    const verb = stepVerb(raw);
    this.options.onStep?.({ step: this.result.steps, verb, line: this.lineOf(pointer) });
    try {
      const step = expand(raw, { vars, faker: this.faker });
      if (step.subscribe) await this.subscribe(step.subscribe.flow, step.subscribe.expect);
      else if (step.unsubscribe) await this.unsubscribe(step.unsubscribe.flow, step.unsubscribe.expect);
      else if (step.create) await this.create(step.create);
      else if (step.book) await this.book(step.book);
      else if (step.update) await this.update(step.update);
      else if (step.cancel) await this.cancel(step.cancel.ref, step.cancel.reason, step.cancel.expect);
      else if (step.delete) await this.remove(step.delete.ref, step.delete.expect);
      else if (step.addCustomer) await this.addCustomer(step.addCustomer);
      else if (step.addStaff) await this.addStaff(step.addStaff);
      else if (step.advance) await this.advance(step.advance);
      else if (step.fault) await this.call('POST', '/_emulator/faults', step.fault, {}, undefined);
      else if (step.expect) await this.expect(step.expect);
      else if (step.http) await runHttpStep(step.http, this.target, this.result, this.services);
    } catch (error) {
      if (!(error instanceof StepFailed || error instanceof TemplateError)) throw error;
      const position = this.loaded.source.positionOf(`${pointer}/${verb}`);
      const iteration = [...vars.entries()]
        .filter(([name]) => !(name in (this.loaded.scenario.vars ?? {})) && !this.options.vars?.has(name))
        .map(([name, value]) => `${name}=${value}`)
        .join(', ');
      const failure: StepFailure = {
        step: this.result.steps,
        verb,
        ...position,
        // Reports end up in CI logs: a callback URL's signature or key never appears whole.
        message: maskUrlSecrets(iteration ? `${error.message} (${iteration})` : error.message),
        ...(error instanceof StepFailed && error.diffs ? { diffs: error.diffs } : {}),
      };
      if (this.result.failures.length < keptFailures) this.result.failures.push(failure);
      else this.result.moreFailures += 1;
    }
  }

  /** A call, checked against the step's expected status or error code (any 2xx when none). */
  private async call(
    method: string,
    path: string,
    body: unknown,
    headers: Record<string, string>,
    expectation: CallExpectation | undefined,
  ): Promise<TargetResponse> {
    const response = await this.target.call(method, path, { body, headers });
    checkAnswer(method, path, response, expectation);
    return response;
  }

  private flowState(name: string): FlowState {
    const state = this.flows.get(name);
    if (!state) throw new StepFailed(`no flow named "${name}"`);
    return state;
  }

  private flowUrl(flow: Flow): string {
    const url =
      this.options.flowUrls?.get(flow.name) ?? expand(flow.url, { vars: this.vars, faker: this.faker });
    return url.startsWith('inbox:')
      ? `${this.target.baseUrl}/_emulator/inbox/${encodeURIComponent(url.slice(6))}`
      : url;
  }

  private static bearer(flow: Flow): Record<string, string> {
    return { authorization: `Bearer ${flow.token ?? unsignedJwt(flow.as ?? '')}` };
  }

  private async subscribe(name: string, expectation: CallExpectation | undefined): Promise<void> {
    const state = this.flowState(name);
    const { flow } = state;
    const path = subscribePath(flow.mailbox, flow.trigger);
    const body = subscribeRequest(this.flowUrl(flow), flow.trigger);
    const response = await this.call('POST', path, body, ScenarioRun.bearer(flow), expectation);
    if (response.status < 200 || response.status >= 300) return;
    const location = response.headers.location;
    const fromLocation =
      typeof location === 'string' ? decodeURIComponent(location.split('/').at(-1) ?? '') : '';
    const webhookId = (response.body as { webhookId?: string } | undefined)?.webhookId ?? fromLocation;
    state.webhookIds.push(webhookId);
    state.current = webhookId;
  }

  private async unsubscribe(name: string, expectation: CallExpectation | undefined): Promise<void> {
    const state = this.flowState(name);
    if (!state.current) throw new StepFailed(`flow "${name}" is not subscribed`);
    const path = `${triggerApiBase}/bookingBusinesses/${encodeURIComponent(state.flow.mailbox)}/webhook/${encodeURIComponent(state.current)}`;
    const response = await this.call('DELETE', path, undefined, ScenarioRun.bearer(state.flow), expectation);
    if (response.status >= 200 && response.status < 300) state.current = undefined;
  }

  private business(mailbox: string): SeedBusiness | undefined {
    return this.businesses.get(mailbox.toLowerCase());
  }

  private async stepContext(mailbox: string): Promise<StepContext> {
    return {
      mailbox,
      business: this.business(mailbox),
      faker: this.faker,
      nowMs: await this.target.now(),
      customers: this.customers,
      staff: this.staff,
    };
  }

  private defaultMailbox(): string {
    return this.loaded.seed.businesses[0]?.email ?? '';
  }

  private remember(ref: string, mailbox: string, id: string): void {
    const state = this.refs.get(ref) ?? { mailbox, ids: [] };
    if (!state.ids.includes(id)) state.ids.push(id);
    state.mailbox = mailbox;
    this.refs.set(ref, state);
    this.refOfAppointment.set(id, ref);
  }

  private ref(ref: string): RefState & { id: string } {
    const state = this.refs.get(ref);
    const id = state?.ids.at(-1);
    if (!state || id === undefined)
      throw new StepFailed(`ref "${ref}" has no appointment (its create failed or never ran)`);
    return { ...state, id };
  }

  private appointmentsPath(mailbox: string): string {
    return `/v1.0/solutions/bookingBusinesses/${encodeURIComponent(mailbox)}/appointments`;
  }

  private async create(fields: AppointmentFields): Promise<void> {
    const mailbox = fields.mailbox ?? this.defaultMailbox();
    const body = graphAppointmentBody(fields, await this.stepContext(mailbox));
    const response = await this.call('POST', this.appointmentsPath(mailbox), body, {}, fields.expect);
    const id = (response.body as { id?: string } | undefined)?.id;
    if (response.status === 201 && id && fields.ref) this.remember(fields.ref, mailbox, id);
  }

  /** A customer books on the public booking page (POST /_emulator/businesses/{mailbox}/book). */
  private async book(fields: Book): Promise<void> {
    const mailbox = fields.mailbox ?? this.defaultMailbox();
    const body = bookingPageBody(fields, await this.stepContext(mailbox));
    if (typeof body === 'string') throw new StepFailed(body);
    const path = `/_emulator/businesses/${encodeURIComponent(mailbox)}/book`;
    const response = await this.call('POST', path, body, {}, fields.expect);
    const id = (response.body as { id?: string } | undefined)?.id;
    if (response.status === 201 && id && fields.ref) this.remember(fields.ref, mailbox, id);
  }

  private async update(fields: AppointmentFields): Promise<void> {
    const ref = this.ref(fields.ref ?? '');
    const body = graphAppointmentBody(fields, await this.stepContext(ref.mailbox));
    const path = `${this.appointmentsPath(ref.mailbox)}/${encodeURIComponent(ref.id)}`;
    const response = await this.call('PATCH', path, body, {}, fields.expect);
    const id = (response.body as { id?: string } | undefined)?.id;
    if (response.status === 200 && id && fields.ref) this.remember(fields.ref, ref.mailbox, id);
  }

  private async cancel(name: string, reason: string | undefined, expectation: CallExpectation | undefined) {
    const ref = this.ref(name);
    const path = `${this.appointmentsPath(ref.mailbox)}/${encodeURIComponent(ref.id)}/cancel`;
    await this.call('POST', path, { cancellationMessage: reason ?? '' }, {}, expectation);
  }

  private async remove(name: string, expectation: CallExpectation | undefined) {
    const ref = this.ref(name);
    await this.call(
      'DELETE',
      `${this.appointmentsPath(ref.mailbox)}/${encodeURIComponent(ref.id)}`,
      undefined,
      {},
      expectation,
    );
  }

  private async addCustomer(step: AddCustomer): Promise<void> {
    const path = graphPaths.collection(step.mailbox, 'customers');
    const response = await this.call('POST', path, customerBody(step), {}, step.expect);
    this.save(this.customers, step, response);
  }

  private async addStaff(step: AddStaff): Promise<void> {
    const path = graphPaths.collection(step.mailbox, 'staffMembers');
    const response = await this.call('POST', path, staffBody(step), {}, step.expect);
    this.save(this.staff, step, response);
  }

  /** Keeps what Graph saved under the step's ref (and a staff member under its step's id too). */
  private save(
    saved: Map<string, SavedEntity>,
    step: AddCustomer | AddStaff,
    response: TargetResponse,
  ): void {
    const id = (response.body as { id?: string } | undefined)?.id;
    if (response.status !== 201 || !id) return;
    const { mailbox, displayName, emailAddress } = step;
    const phone = 'phone' in step ? step.phone : undefined;
    const entity = { mailbox, id, displayName, emailAddress, ...(phone === undefined ? {} : { phone }) };
    for (const name of [step.ref, 'id' in step ? step.id : undefined])
      if (name !== undefined) saved.set(name, entity);
  }

  private async advance(step: { by?: string; to?: string }): Promise<void> {
    await this.target.settle();
    const now = await this.target.now();
    const to = step.to !== undefined ? resolveTime(step.to, now) : now + resolveDuration(step.by ?? '0ms');
    if (to < now)
      throw new StepFailed(
        `cannot advance to ${new Date(to).toISOString()}: the clock is already at ${new Date(now).toISOString()}`,
      );
    await this.target.advanceTo(to);
  }

  private async expect(expectation: Expectation): Promise<void> {
    this.result.expectations += 1;
    const state = this.flowState(expectation.flow);
    const ids = expectation.ref === undefined ? undefined : (this.refs.get(expectation.ref)?.ids ?? []);
    const diffs = await waitForExpectation(this.target, expectation, {
      webhookIds: state.webhookIds,
      ...(ids === undefined ? {} : { appointmentIds: ids }),
      refOfAppointment: this.refOfAppointment,
    });
    if (diffs.length > 0) {
      const summary = diffs.map((diff) => diff.path).join(', ');
      throw new StepFailed(
        `flow "${expectation.flow}": expectation not met within ${expectation.within ?? '5s'} (${summary})`,
        diffs,
      );
    }
  }
}
