import type { ErrorCode, ErrorResponse } from '../generated/schema-types.js';

interface ErrorDefinition {
  status: number;
  /** Where the rule comes from: a docs/contract.md source tag, or policy. */
  source: string;
}

/**
 * One entry per contract rule (docs/contract.md (Rules)) and per emulator rule. The codes are the enum of
 * schemas/error.schema.json; `satisfies` makes the compiler hold the two lists equal.
 */
export const errorDefinitions = {
  Unauthenticated: { status: 401, source: '[A][B]' },
  NotBookingsAdministrator: { status: 403, source: '[A][B]' },
  NotificationUrlNotAllowlisted: { status: 403, source: '[B]' },
  WebhookLimitExceeded: { status: 429, source: '[A][B]' },
  InternalServerError: { status: 500, source: '[A][B]' },
  ServiceUnavailable: { status: 503, source: 'policy' },
  InvalidRequestBody: { status: 400, source: 'policy' },
  MalformedJson: { status: 400, source: 'policy' },
  UnsupportedMediaType: { status: 415, source: 'policy' },
  PayloadTooLarge: { status: 413, source: 'policy' },
  MissingRequiredHeader: { status: 400, source: '[A]' },
  MailboxNotFound: { status: 404, source: 'policy' },
  WebhookNotFound: { status: 404, source: 'policy' },
  AppointmentNotFound: { status: 404, source: '[E]' },
  DeliveryNotFound: { status: 404, source: 'policy' },
  ServiceNotFound: { status: 400, source: 'policy' },
  StaffMemberNotFound: { status: 400, source: 'policy' },
  InvalidAppointment: { status: 400, source: 'policy' },
  InvalidControlRequest: { status: 400, source: 'policy' },
  RouteNotFound: { status: 404, source: 'policy' },
  InvalidPath: { status: 400, source: 'policy' },
  MalformedHttpRequest: { status: 400, source: 'policy' },
  RequestHeadersTooLarge: { status: 431, source: 'policy' },
  RequestTimeout: { status: 408, source: 'policy' },
  ControlTokenRequired: { status: 401, source: 'policy' },
  TimeZoneNotSupported: { status: 400, source: '[G]' },
  BusinessResourceNotFound: { status: 404, source: 'policy' },
  InvalidGraphRequest: { status: 400, source: '[E]' },
  UnsupportedQuery: { status: 400, source: '[G]' },
  OutsideBusinessHours: { status: 400, source: '[E]' },
  StaffNotAvailable: { status: 500, source: '[G]' },
} as const satisfies Record<ErrorCode, ErrorDefinition>;

export class EmulatorError extends Error {
  readonly code: ErrorCode;
  readonly statusCode: number;
  readonly target: string | undefined;
  readonly headers: Readonly<Record<string, string>>;

  constructor(
    code: ErrorCode,
    message: string,
    options: { target?: string; headers?: Record<string, string> } = {},
  ) {
    super(message);
    this.name = 'EmulatorError';
    this.code = code;
    this.statusCode = errorDefinitions[code].status;
    this.target = options.target;
    this.headers = options.headers ?? {};
  }

  toBody(): ErrorResponse {
    return {
      error: {
        code: this.code,
        message: this.message,
        ...(this.target === undefined ? {} : { target: this.target }),
      },
    };
  }
}

/** One constructor per rule; each message says what the caller can do next. */
export const errors = {
  unauthenticated: (why: string) =>
    new EmulatorError(
      'Unauthenticated',
      `Unauthenticated. ${why} Send "Authorization: Bearer <token>" with a token from the seed's users, or an unsigned JWT whose upn, preferred_username or email claim names a seeded user.`,
      { target: 'header:Authorization' },
    ),
  notBookingsAdministrator: (upn: string, mailbox: string, role: string | undefined) =>
    new EmulatorError(
      'NotBookingsAdministrator',
      `Access forbidden. Only Bookings Administrators can create webhooks/flows. ${upn} is ${
        role ? `a ${role}` : 'not a staff member'
      } of ${mailbox}; sign in as a staff member whose role is administrator, or make this user one in the seed.`,
    ),
  notificationUrlNotAllowlisted: (url: string, reason: string, allowlist: readonly string[]) =>
    new EmulatorError(
      'NotificationUrlNotAllowlisted',
      `The notification URL's domain is not allowlisted: ${reason} (${url}). Allowed hosts: ${allowlist.join(', ')}. Use a callback URL on one of them, or set "allowlist" in the seed (the strict profile allows Power Platform hosts only).`,
      { target: '/webhook/notification_url' },
    ),
  webhookLimitExceeded: (mailbox: string, limit: number) =>
    new EmulatorError(
      'WebhookLimitExceeded',
      `Resource Exhausted. More than expected number of webhooks created for a calendar. ${mailbox} already has ${limit} flows (the limit is per mailbox, across all triggers and administrators); delete one with DELETE .../webhook/{WebhookId} first.`,
    ),
  internal: (detail?: string) =>
    new EmulatorError(
      'InternalServerError',
      `Internal server error.${detail ? ` ${detail}` : ''} Retry the call; if it keeps failing, report it with this response.`,
    ),
  /** An answer forced by an injected fault (POST /_emulator/faults or a scenario's fault step). */
  injected: (status: 401 | 403 | 429 | 500 | 503, retryAfterSeconds: number | undefined) => {
    const code = (
      {
        401: 'Unauthenticated',
        403: 'NotBookingsAdministrator',
        429: 'WebhookLimitExceeded',
        500: 'InternalServerError',
        503: 'ServiceUnavailable',
      } as const
    )[status];
    return new EmulatorError(
      code,
      `Injected fault: this call answers ${status} because a fault was set with POST /_emulator/faults. Clear it with DELETE /_emulator/faults.`,
      retryAfterSeconds === undefined ? {} : { headers: { 'retry-after': String(retryAfterSeconds) } },
    );
  },
  invalidBody: (pointer: string, problem: string, schemaName: string) =>
    new EmulatorError(
      'InvalidRequestBody',
      `The request body is invalid: ${pointer || '(the body)'} ${problem}. It must match schemas/${schemaName}.schema.json.`,
      { target: pointer },
    ),
  malformedJson: (detail: string, pointer?: string) =>
    new EmulatorError(
      'MalformedJson',
      `The request body is not valid JSON (${detail}). Send a JSON document with Content-Type: application/json.`,
      pointer === undefined ? {} : { target: pointer },
    ),
  unsupportedMediaType: (contentType: string | undefined) =>
    new EmulatorError(
      'UnsupportedMediaType',
      `Content-Type ${contentType ? `"${contentType}"` : '(none)'} is not supported. Send the body as UTF-8 JSON with Content-Type: application/json.`,
      { target: 'header:Content-Type' },
    ),
  payloadTooLarge: (limitBytes: number) =>
    new EmulatorError(
      'PayloadTooLarge',
      `The request body is larger than ${limitBytes} bytes. Send a smaller body.`,
    ),
  missingHeader: (header: string, expected: string) =>
    new EmulatorError(
      'MissingRequiredHeader',
      `Header ${header} is required and must be "${expected}"; Power Automate sends it on this call.`,
      { target: `header:${header}` },
    ),
  mailboxNotFound: (mailbox: string) =>
    new EmulatorError(
      'MailboxNotFound',
      `No Bookings business has the mailbox "${mailbox}". Use the SMTP address of a business in the seed (GET .../bookingBusinessesUserAsAdmin lists yours).`,
      { target: 'path:SMTPAddress' },
    ),
  webhookNotFound: (webhookId: string, mailbox: string) =>
    new EmulatorError(
      'WebhookNotFound',
      `No webhook "${webhookId}" exists on ${mailbox}. It may already be deleted; GET /_emulator/flows lists the live ones.`,
      { target: 'path:WebhookId' },
    ),
  appointmentNotFound: (appointmentId: string, businessId: string) =>
    new EmulatorError(
      'AppointmentNotFound',
      `No appointment "${appointmentId}" exists in ${businessId}. List them with GET /v1.0/solutions/bookingBusinesses/${businessId}/appointments.`,
      { target: 'path:appointmentId' },
    ),
  deliveryNotFound: (deliveryId: string) =>
    new EmulatorError(
      'DeliveryNotFound',
      `No delivery "${deliveryId}" is in the journal. GET /_emulator/deliveries lists them.`,
      { target: 'path:deliveryId' },
    ),
  serviceNotFound: (serviceId: string, businessId: string, known: readonly string[], target = '/serviceId') =>
    new EmulatorError(
      'ServiceNotFound',
      `Service "${serviceId}" does not exist in ${businessId}. Known services: ${known.join(', ') || '(none)'}.`,
      { target },
    ),
  staffMemberNotFound: (staffId: string, businessId: string, known: readonly string[]) =>
    new EmulatorError(
      'StaffMemberNotFound',
      `Staff member "${staffId}" does not exist in ${businessId}. Known staff ids: ${known.join(', ') || '(none)'}.`,
      { target: '/staffMemberIds' },
    ),
  invalidAppointment: (pointer: string, problem: string) =>
    new EmulatorError('InvalidAppointment', `The appointment is invalid: ${pointer} ${problem}.`, {
      target: pointer,
    }),
  invalidControlRequest: (problem: string, target?: string) =>
    new EmulatorError('InvalidControlRequest', `${problem}`, target === undefined ? {} : { target }),
  invalidPath: (problem: string, target?: string) =>
    new EmulatorError(
      'InvalidPath',
      `The request path is invalid: ${problem}. Percent-encode each path segment (encodeURIComponent) and leave out control characters.`,
      target === undefined ? {} : { target },
    ),
  malformedHttpRequest: (reason: string, parserCode: string | undefined) =>
    new EmulatorError(
      'MalformedHttpRequest',
      `The HTTP request cannot be parsed: ${reason}${parserCode ? ` (${parserCode})` : ''}. Check the request line (no raw spaces or control characters in the path) and that the body matches its Content-Length or chunked framing.`,
    ),
  requestHeadersTooLarge: () =>
    new EmulatorError(
      'RequestHeadersTooLarge',
      'The request headers are larger than 16 KiB. Send fewer or shorter headers (a bearer token is far smaller than this).',
    ),
  requestTimeout: () =>
    new EmulatorError(
      'RequestTimeout',
      'The request did not arrive in time (the connection sent its headers or body too slowly). Send the whole request at once.',
    ),
  /** `hint`: the route the caller most likely meant (a near miss of a real one), and why. */
  routeNotFound: (method: string, url: string, hint?: string) =>
    new EmulatorError(
      'RouteNotFound',
      `No route ${method} ${url}. ${
        hint ??
        "The trigger API lives under /BookingsService/api/V1 (optionally after /{connectionId}), Graph actions under /v1.0/solutions/bookingBusinesses, the emulator's own API under /_emulator (see /_emulator/openapi.json)."
      }`,
    ),
  controlTokenRequired: (why: string) =>
    new EmulatorError(
      'ControlTokenRequired',
      `${why} This emulator was started with a control token (--control-token or BOOKINGS_EMULATOR_CONTROL_TOKEN): send it in the X-Emulator-Control-Token header (run --emulator takes --control-token), or open /_emulator/ui?token=TOKEN once in a browser.`,
      { target: 'header:X-Emulator-Control-Token' },
    ),
  timeZoneNotSupported: (timeZone: string, target: string, allowed: string) =>
    new EmulatorError(
      'TimeZoneNotSupported',
      `A valid TimeZone value must be specified. The following TimeZone value is not supported: '${timeZone}'. Use ${allowed}.`,
      { target },
    ),
  businessResourceNotFound: (collection: string, id: string, businessId: string) =>
    new EmulatorError(
      'BusinessResourceNotFound',
      `${businessId} has no ${collection} entry with id "${id}". List GET /v1.0/solutions/bookingBusinesses/${businessId}/${collection} for the ids it has.`,
    ),
  invalidGraphRequest: (pointer: string, problem: string) =>
    new EmulatorError('InvalidGraphRequest', `The request is invalid: ${pointer || '/'} ${problem}.`, {
      target: pointer,
    }),
  unsupportedQuery: (option: string, why: string) =>
    new EmulatorError('UnsupportedQuery', `This query is not supported: ${option} ${why}.`, {
      target: `query:${option}`,
    }),
  outsideBusinessHours: (when: string, businessId: string) =>
    new EmulatorError(
      'OutsideBusinessHours',
      `The appointment (${when}) is outside the business hours of ${businessId}. Book inside them (GET the business for businessHours), or set the policy graph-outside-business-hours=accept.`,
      { target: '/startDateTime' },
    ),
  staffNotAvailable: (staffId: string, when: string) =>
    new EmulatorError(
      'StaffNotAvailable',
      `Staff not available: ${staffId} is busy at ${when} (policy graph-staff-busy). Ask getStaffAvailability for a free time, or set graph-staff-busy=accept.`,
      { target: '/staffMemberIds' },
    ),
} as const;
