import type { Diagnostic, SourceDocument } from '../core/source.js';
import type {
  AppointmentFields,
  Customer,
  Flow,
  Scenario,
  Seed,
  SeedBusiness,
  Step,
} from '../generated/schema-types.js';
import { type AnswerRules, answerProblems } from './answer-checks.js';
import { httpUrlProblem } from './http-step.js';

/** Whether the part of the scenario at a JSON pointer passed its schema, so its fields can be trusted. */
export type SchemaValid = (pointer: string) => boolean;

export interface StepVisit {
  step: Step;
  pointer: string;
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  value !== null && typeof value === 'object' && !Array.isArray(value);

const hasTemplate = (value: unknown) => typeof value === 'string' && value.includes('${');

/** Every step, repeats entered, each with its JSON pointer; parts that are not lists are passed over. */
export function* walkSteps(steps: unknown, pointer: string): Generator<StepVisit> {
  if (!Array.isArray(steps)) return;
  for (const [index, step] of steps.entries()) {
    if (!isObject(step)) continue;
    const here = `${pointer}/${index}`;
    yield { step: step as Step, pointer: here };
    const repeat = step.repeat;
    if (isObject(repeat)) yield* walkSteps(repeat.steps, `${here}/repeat/steps`);
  }
}

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** A create inside a repeat makes refs from a template (r${i}): any ref of that shape may exist. */
const refPattern = (template: string) =>
  new RegExp(
    `^${template
      .split(/\$\{[^}]*\}/)
      .map(escapeRegExp)
      .join('.+')}$`,
  );

/** Names an addCustomer or addStaff step saves, apart from appointment refs: each verb its own. */
class SavedNames {
  private readonly names = new Set<string>();
  private readonly templated: RegExp[] = [];

  remember(name: unknown): void {
    if (typeof name !== 'string') return;
    if (hasTemplate(name)) this.templated.push(refPattern(name));
    else this.names.add(name);
  }

  has(name: string): boolean {
    return this.names.has(name) || hasTemplate(name) || this.templated.some((pattern) => pattern.test(name));
  }
}

/**
 * References a schema cannot check: flows, users, mailboxes, services, answers and refs that must
 * exist. Only the parts that passed the schema are checked, so a file shows its schema problems
 * and its reference problems at once; the names and refs of the other parts still count as
 * defined, so that one typo is not reported again at every use.
 */
class ReferenceCheck {
  readonly diagnostics: Diagnostic[] = [];
  private readonly flows = new Set<string>();
  private readonly refs = new Set<string>();
  private readonly templatedRefs: RegExp[] = [];
  /** The service of each ref's appointment, as its create or book step named it. */
  private readonly refServices = new Map<string, { business: SeedBusiness; service: string }>();
  /** Customers saved by addCustomer steps: a create or book step's customer may name one. */
  private readonly customerRefs = new SavedNames();
  private readonly mailboxes: Map<string, SeedBusiness>;
  private readonly users: Set<string>;

  constructor(
    private readonly source: SourceDocument,
    private readonly seed: Seed | undefined,
    private readonly valid: SchemaValid,
  ) {
    this.mailboxes = new Map(
      (seed?.businesses ?? []).map((business) => [business.email.toLowerCase(), business]),
    );
    this.users = new Set((seed?.users ?? []).map((user) => user.upn.toLowerCase()));
  }

  private at(pointer: string, message: string, key = false): void {
    this.diagnostics.push(this.source.diagnosticAt(pointer, message, { key }));
  }

  checkFlows(flows: unknown): void {
    if (!Array.isArray(flows)) return;
    flows.forEach((flow: unknown, index) => {
      if (!isObject(flow) || typeof flow.name !== 'string') return;
      const pointer = `/flows/${index}`;
      const known = this.flows.has(flow.name);
      this.flows.add(flow.name);
      if (this.valid(pointer)) this.checkFlow(flow as unknown as Flow, pointer, known);
    });
  }

  private checkFlow(flow: Flow, pointer: string, definedBefore: boolean): void {
    if (definedBefore) this.at(`${pointer}/name`, `flow "${flow.name}" is defined twice`);
    if (
      this.seed &&
      flow.as !== undefined &&
      !this.users.has(flow.as.toLowerCase()) &&
      !hasTemplate(flow.as)
    ) {
      this.at(
        `${pointer}/as`,
        `"${flow.as}" is not a user of the seed; add it to the seed's users or use one of them`,
      );
    }
    if (!flow.url.startsWith('inbox:') && !/^[a-z][a-z0-9+.-]*:/i.test(flow.url) && !hasTemplate(flow.url)) {
      this.at(`${pointer}/url`, `"${flow.url}" is neither a URL nor inbox:NAME`);
    }
  }

  /** A needed service is checked by connecting to it: it must be a loopback http(s) URL. */
  checkNeeds(needs: unknown): void {
    if (!Array.isArray(needs)) return;
    needs.forEach((need: unknown, index) => {
      const pointer = `/needs/${index}/url`;
      if (!isObject(need) || typeof need.url !== 'string' || !this.valid(pointer) || hasTemplate(need.url))
        return;
      const problem = need.url.startsWith('/')
        ? `"${need.url}" is a path; a needed service is an http URL such as http://127.0.0.1:7101`
        : httpUrlProblem(need.url)?.replace('an http step calls', 'a needed service listens on');
      if (problem) this.at(pointer, problem);
    });
  }

  /**
   * Each step is checked on the fields that passed the schema: a step with a wrong `start` still
   * has its flow, ref, service and answers checked.
   */
  checkSteps(steps: unknown): void {
    for (const { step, pointer } of walkSteps(steps, '/steps')) {
      const verbs = Object.keys(step);
      const verb = verbs[0] ?? '';
      const body = (step as Record<string, unknown>)[verb];
      if (verbs.length !== 1 || !isObject(body)) continue;
      const trusted = Object.fromEntries(
        Object.entries(body).filter(([field]) => this.valid(`${pointer}/${verb}/${field}`)),
      );
      this.checkStep({ [verb]: trusted } as Step, `${pointer}/${verb}`);
      // A ref that failed the schema is still what later steps name: they are not told again.
      if (verb === 'create' || verb === 'book') this.rememberRef(body);
      if (verb === 'addCustomer') this.customerRefs.remember(body.ref);
    }
  }

  private checkFlowName(pointer: string, name: string): void {
    if (!this.flows.has(name) && !hasTemplate(name))
      this.at(`${pointer}/flow`, `no flow named "${name}" in flows`);
  }

  private checkRef(pointer: string, ref: string): void {
    if (this.refs.has(ref) || hasTemplate(ref) || this.templatedRefs.some((pattern) => pattern.test(ref)))
      return;
    this.at(`${pointer}/ref`, `ref "${ref}" is not created by an earlier step`);
  }

  private rememberRef(booking: unknown): void {
    if (!isObject(booking) || typeof booking.ref !== 'string') return;
    if (hasTemplate(booking.ref)) this.templatedRefs.push(refPattern(booking.ref));
    else this.refs.add(booking.ref);
  }

  /** Checks a step whose body holds only the fields that passed the schema (any may be missing). */
  private checkStep(step: Step, body: string): void {
    const flow = (step.subscribe ?? step.unsubscribe ?? step.expect)?.flow;
    if (flow !== undefined) this.checkFlowName(body, flow);
    const ref = (step.expect ?? step.update ?? step.cancel ?? step.delete)?.ref;
    if (ref !== undefined) this.checkRef(body, ref);
    const url = step.http?.url;
    if (url !== undefined && !hasTemplate(url)) {
      const problem = httpUrlProblem(url);
      if (problem) this.at(`${body}/url`, problem);
    }
    if (step.update) this.checkUpdateAnswers(step.update, body);
    const booking = step.create ?? step.book ?? step.update;
    if (booking) this.checkCustomerRefs(booking, body);
    if (step.create ?? step.book)
      this.checkBooking(step.create ?? step.book ?? {}, body, step.book !== undefined);
    const added = step.addCustomer ?? step.addStaff;
    if (added?.mailbox !== undefined) this.checkMailbox(added.mailbox, `${body}/mailbox`);
  }

  private checkMailbox(mailbox: string, pointer: string): SeedBusiness | undefined {
    const business = this.mailboxes.get(mailbox.toLowerCase());
    if (this.seed && !business && !hasTemplate(mailbox))
      this.at(pointer, `no business has the mailbox "${mailbox}" in the seed`);
    return business;
  }

  /** A customer named by ref must have been saved by an earlier addCustomer step. */
  private checkCustomerRefs(booking: AppointmentFields, body: string): void {
    const customers: Array<{ customer: Customer; pointer: string }> = booking.customers
      ? booking.customers.map((customer, index) => ({ customer, pointer: `${body}/customers/${index}` }))
      : booking.customer
        ? [{ customer: booking.customer, pointer: `${body}/customer` }]
        : [];
    for (const { customer, pointer } of customers) {
      if (customer.ref !== undefined && !this.customerRefs.has(customer.ref))
        this.at(
          `${pointer}/ref`,
          `customer ref "${customer.ref}" is not saved by an earlier addCustomer step`,
        );
    }
  }

  /** The business a create or book step reaches, once its mailbox is known to the seed. */
  private bookingBusiness(booking: AppointmentFields, body: string): SeedBusiness | undefined {
    const mailbox = booking.mailbox ?? this.seed?.businesses[0]?.email ?? '';
    return this.checkMailbox(mailbox, booking.mailbox ? `${body}/mailbox` : body);
  }

  private checkBooking(booking: AppointmentFields, body: string, bookingPage: boolean): void {
    if (!this.seed) return;
    const business = this.bookingBusiness(booking, body);
    const serviceId = booking.service;
    if (!business || serviceId === undefined || hasTemplate(serviceId)) return;
    const service = business.services?.find((candidate) => candidate.id === serviceId);
    if (!service) {
      const known = (business.services ?? []).map((candidate) => candidate.id).join(', ') || '(none)';
      this.at(`${body}/service`, `${business.email} has no service "${serviceId}"; known: ${known}`);
      return;
    }
    if (booking.ref !== undefined && !hasTemplate(booking.ref))
      this.refServices.set(booking.ref, { business, service: serviceId });
    this.checkAnswers(booking, body, service.id, business, { options: true, required: bookingPage });
  }

  /** An update keeps its appointment's service unless it names another. */
  private checkUpdateAnswers(update: AppointmentFields, body: string): void {
    const known = this.refServices.get(update.ref ?? '');
    if (!known) return;
    const serviceId = update.service ?? known.service;
    if (hasTemplate(serviceId)) return;
    this.checkAnswers(update, body, serviceId, known.business, {
      options: update.service !== undefined,
      required: false,
    });
  }

  private checkAnswers(
    fields: AppointmentFields,
    body: string,
    serviceId: string,
    business: SeedBusiness,
    rules: AnswerRules,
  ): void {
    const service = business.services?.find((candidate) => candidate.id === serviceId);
    if (!service) return;
    for (const problem of answerProblems(fields, service, rules))
      this.at(`${body}${problem.pointer}`, problem.message, problem.atKey);
  }
}

/** Reference problems of a scenario (whose parts may not all have passed the schema); see ReferenceCheck. */
export function referenceDiagnostics(
  source: SourceDocument,
  scenario: Scenario,
  seed: Seed | undefined,
  valid: SchemaValid,
): Diagnostic[] {
  const check = new ReferenceCheck(source, seed, valid);
  check.checkNeeds(scenario.needs);
  check.checkFlows(scenario.flows);
  check.checkSteps(scenario.steps);
  return check.diagnostics;
}
