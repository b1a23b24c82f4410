import type { Trigger } from '../generated/schema-types.js';

/**
 * The shapes the flow tools share: a flow read from an export (read-flow.ts), the reads of the
 * trigger's outputs found in its expressions (trigger-reads.ts), and what `flow check` says about
 * them (check.ts).
 */

/** A workflow definition as Power Automate and Logic Apps store it (only what the tools read). */
export interface WorkflowDefinition {
  triggers?: Record<string, WorkflowTrigger>;
  actions?: Record<string, WorkflowAction>;
  [key: string]: unknown;
}

interface WorkflowTrigger {
  type?: string;
  inputs?: unknown;
  [key: string]: unknown;
}

export interface WorkflowAction {
  type?: string;
  inputs?: unknown;
  /** Scopes, conditions, loops and switches nest actions. */
  actions?: Record<string, WorkflowAction>;
  else?: { actions?: Record<string, WorkflowAction> };
  cases?: Record<string, { case?: unknown; actions?: Record<string, WorkflowAction> }>;
  default?: { actions?: Record<string, WorkflowAction> };
  /** A loop's array: `foreach` of Apply to each. */
  foreach?: unknown;
  runAfter?: Record<string, unknown>;
  [key: string]: unknown;
}

export type BookingsOperation = 'CreateAppointment' | 'UpdateAppointment' | 'CancelAppointment';

/** A trigger of the flow that is a Bookings appointment trigger. */
export interface BookingsTrigger {
  /** The trigger's name in the definition, e.g. "When_an_appointment_is_created". */
  name: string;
  operationId: BookingsOperation;
  trigger: Trigger;
  /** `inputs.parameters.SMTPAddress`: the booking mailbox. */
  mailbox: string;
}

/** One flow read from a file: an export package can hold several. */
export interface FlowDocument {
  /** The file given on the command line. */
  file: string;
  /** Where in the file: the zip entry, or undefined for a bare JSON file. */
  entry?: string;
  /** The flow's display name where the export has one, else the entry or file name. */
  name: string;
  definition: WorkflowDefinition;
  bookingsTriggers: BookingsTrigger[];
}

/** A read of the trigger's outputs in an expression: `triggerOutputs()?['body/StartTime']`. */
export interface TriggerRead {
  /** The action whose inputs hold the expression, or the trigger's name for its own conditions. */
  action: string;
  /** The whole expression text as written (without the leading @ or @{ }). */
  expression: string;
  /**
   * The AppointmentData field path read, as written: ['StartTime'], ['Customers', '*', 'Email']
   * (a `*` step is an array item: first(), last(), [0], items('Loop') over that array).
   */
  path: string[];
  /** JSON pointer into the definition where the expression stands. */
  pointer: string;
}

export type FindingSeverity = 'error' | 'warning' | 'note';

export interface FlowFinding {
  severity: FindingSeverity;
  /** A stable rule id: unknown-field, wrong-case, missing-for-trigger, deprecated, one-to-one-only, uncertain-form... */
  rule: string;
  message: string;
  file: string;
  entry?: string;
  flow: string;
  action: string;
  expression: string;
  pointer: string;
  /** The policy to vary with `run --matrix` to test this, where one applies. */
  policy?: string;
}

/** A flow file that cannot be read: exit 2 with the message. */
export class FlowReadError extends Error {
  constructor(
    readonly file: string,
    message: string,
  ) {
    super(`${file}: ${message}`);
    this.name = 'FlowReadError';
  }
}
