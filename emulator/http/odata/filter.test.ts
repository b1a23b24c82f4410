import { describe, expect, it } from 'vitest';
import type { EmulatorError } from '../../core/errors.js';
import { entityType } from './entity-type.js';
import { matchesFilter, parseFilter } from './filter.js';

const appointment = entityType('graph-booking-appointment', 'graphBookingAppointment');
const service = entityType('graph-bookings', 'bookingService');

const monday = {
  id: 'a1',
  serviceId: 'svc1',
  serviceName: "Lunch at O'Neill's",
  price: 10,
  isLocationOnline: true,
  customerPhone: null,
  startDateTime: { dateTime: '2026-01-05T09:00:00.0000000', timeZone: 'UTC' },
};
const tuesday = {
  ...monday,
  id: 'a2',
  serviceId: 'svc2',
  serviceName: 'Workshop',
  price: 25.5,
  isLocationOnline: false,
  customerPhone: '555',
  startDateTime: { dateTime: '2026-01-06T13:00:00.0000000', timeZone: 'UTC' },
};

const matching = (filter: string) =>
  [monday, tuesday]
    .filter((entity) => matchesFilter(parseFilter(filter, appointment), entity))
    .map(({ id }) => id);

function refusal(filter: string, type = appointment): EmulatorError {
  try {
    parseFilter(filter, type);
  } catch (error) {
    return error as EmulatorError;
  }
  throw new Error(`"${filter}" was accepted`);
}

describe('$filter', () => {
  it.each([
    ["serviceId eq 'svc1'", ['a1']],
    ["serviceId ne 'svc1'", ['a2']],
    ['price gt 10', ['a2']],
    ['price ge 10', ['a1', 'a2']],
    ['price lt 25.5', ['a1']],
    ['price le 25.5', ['a1', 'a2']],
    ['isLocationOnline eq true', ['a1']],
    ['isLocationOnline', ['a1']],
    ['customerPhone eq null', ['a1']],
    ['customerPhone ne null', ['a2']],
    ['customerPhone gt null', []],
    ["startDateTime/dateTime ge '2026-01-06T00:00:00'", ['a2']],
    ["serviceName eq 'Lunch at O''Neill''s'", ['a1']],
    ["startswith(serviceName,'Lunch')", ['a1']],
    ["endswith(serviceName, 'shop')", ['a2']],
    ["contains(serviceName,'O''N')", ['a1']],
    ["tolower(serviceName) eq 'workshop'", ['a2']],
    ["serviceId eq 'svc1' or price gt 20", ['a1', 'a2']],
    ["serviceId eq 'svc1' and price gt 20", []],
    ["not (serviceId eq 'svc1')", ['a2']],
    ["not serviceId eq 'svc1'", ['a2']],
    ["(serviceId eq 'svc1' or serviceId eq 'svc2') and not isLocationOnline", ['a2']],
    ["serviceId eq 'svc1' or serviceId eq 'svc2' and price lt 0", ['a1']],
    ["SERVICEID eq 'svc1'", 'refused'],
    ["serviceId EQ 'svc1' AND price Gt 5", ['a1']],
    ['price eq 10.0', ['a1']],
    ["price eq '10'", []],
  ] as const)('%s', (filter, expected) => {
    if (expected === 'refused') expect(refusal(filter).code).toBe('InvalidGraphRequest');
    else expect(matching(filter)).toEqual(expected);
  });

  it('reads an unquoted date-time as a value, as OData writes DateTimeOffset literals', () => {
    const created = { id: 's', createdDateTime: '2026-01-06T09:00:00.0000000Z' };
    const newer = parseFilter('createdDateTime ge 2026-01-06T00:00:00Z', service);
    const older = parseFilter('createdDateTime lt 2026-01-06', service);
    expect(matchesFilter(newer, created)).toBe(true);
    expect(matchesFilter(older, created)).toBe(false);
  });

  it.each([
    ['nope eq 1', 'names "nope", which is not a property of graphBookingAppointment'],
    ["startDateTime/nope eq 'x'", 'names "startDateTime/nope"'],
    ["customers/name eq 'x'", 'names "customers/name"'],
    ["serviceId eq 'svc1", 'never ends'],
    ["serviceId eq 'svc1' and", 'ends where a value or a property is expected'],
    ["(serviceId eq 'svc1'", 'expects ")"'],
    ["serviceId eq 'svc1')", 'where it should end'],
    ["substringof('x', serviceName)", 'calls "substringof"'],
    ["serviceId eq 'a' # 1", 'unexpected character "#"'],
    ['', 'is empty'],
  ])('refuses %j: %s', (filter, problem) => {
    const error = refusal(filter);
    expect(error.statusCode).toBe(400);
    expect(error.code).toBe('InvalidGraphRequest');
    expect(error.target).toBe('query:$filter');
    expect(error.message).toContain('Invalid filter clause');
    expect(error.message).toContain(problem);
  });
});
