import type { FastifyInstance, FastifyRequest } from 'fastify';
import { errors } from '../../core/errors.js';
import { schemaId } from '../../core/schemas/registry.js';
import { blockedInterval, staffAvailability } from '../../domain/businesses/availability.js';
import type { BusinessDocument } from '../../domain/businesses/documents.js';
import { formatWallTime, graphInstant, parseGraphDateTime } from '../../domain/graph-time.js';
import { timeZonesFor } from '../../domain/time-zones.js';
import type {
  DateTimeTimeZone,
  GetStaffAvailabilityRequest,
  StaffAvailabilityCollection,
} from '../../generated/schema-types.js';
import { businessCollectionContext, collectionAnswer, presentAppointment } from './graph-presenter.js';

type BusinessParams = { businessId: string };
type WindowQuery = { start?: string; end?: string };

/** getStaffAvailability answers for at most this long a window. */
const maximumWindowMs = 31 * 86_400_000;

/** A DateTimeOffset in ISO 8601 with Z or an offset, as calendarView takes start and end. */
const dateTimeOffsetPattern = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:\d{2})$/;

const windowExample =
  'start=2026-01-06T00:00:00Z&end=2026-01-07T00:00:00Z (ISO 8601, in UTC or with an offset such as -08:00)';

/** The business as Graph shows it; MailboxNotFound when there is none. */
function businessDocument(request: FastifyRequest, businessId: string): BusinessDocument {
  const { email } = request.server.emulator.services.appointments.business(businessId);
  const document = request.server.emulator.state.directory.document(email);
  if (!document) throw errors.mailboxNotFound(businessId);
  return document;
}

/**
 * A calendarView bound: a `+` left unencoded in the URL arrives as a space, so an offset written
 * as ` 01:00` is read as `+01:00`.
 */
function windowBound(query: WindowQuery, name: 'start' | 'end'): number {
  const value = query[name]?.trim().replace(/ (\d{2}:\d{2})$/, '+$1');
  const parsed =
    value && dateTimeOffsetPattern.test(value) ? parseGraphDateTime({ dateTime: value }) : undefined;
  if (!parsed?.ok) {
    throw errors.invalidGraphRequest(
      `query:${name}`,
      `needs both start and end as DateTimeOffset values, such as ${windowExample}; ${name} is ${value ? `"${value}"` : 'missing'}`,
    );
  }
  return parsed.epochMs;
}

/** The zone getStaffAvailability writes its times in: the request's start zone, else UTC. */
function answerZone(start: DateTimeTimeZone, resolve: (name: string) => string | undefined) {
  const name = start.timeZone?.trim();
  const zone = name ? resolve(name) : undefined;
  return name && zone ? { name, zone } : { name: 'UTC', zone: 'UTC' };
}

/**
 * Graph's calendarView and getStaffAvailability of a business, registered under
 * /v1.0/solutions/bookingBusinesses. Both read the appointments; neither changes anything.
 */
export async function graphAvailabilityRoutes(app: FastifyInstance): Promise<void> {
  /** The appointments that overlap [start, end), by start, with calendarView's context URL. */
  app.get<{ Params: BusinessParams; Querystring: WindowQuery }>(
    '/:businessId/calendarView',
    async (request) => {
      const { businessId } = request.params;
      const startMs = windowBound(request.query, 'start');
      const endMs = windowBound(request.query, 'end');
      if (endMs <= startMs) {
        throw errors.invalidGraphRequest('query:end', `must be later than start, such as ${windowExample}`);
      }
      const records = request.server.emulator.services.appointments.list(businessId);
      const overlapping = records
        .flatMap((record) => {
          const parsed = [record.appointment.startDateTime, record.appointment.endDateTime].map((value) =>
            parseGraphDateTime(value ?? { dateTime: '' }),
          );
          const [start, end] = parsed;
          if (!start?.ok || !end?.ok || start.epochMs >= endMs || end.epochMs <= startMs) return [];
          return [{ startMs: start.epochMs, appointment: record.appointment }];
        })
        .sort((a, b) => a.startMs - b.startMs);
      return collectionAnswer(request, businessCollectionContext(request, businessId, 'calendarView'), {
        value: overlapping.map(({ appointment }) => ({ ...presentAppointment(appointment) })),
      });
    },
  );

  /**
   * The availability of staff in a window. Differences from Graph's documented sample, chosen on
   * purpose: the answer is an OData collection (`value`, as the resource docs describe) rather than
   * the sample's `staffAvailabilityItem` key; statuses are the enum's camelCase values, not the
   * sample's `Available`/`Busy`; times are in the request's start time zone under the name it
   * used, not a display name such as "(UTC-08:00) Pacific Time (US & Canada)"; serviceId is null
   * rather than "" where there is no booking; and the items cover the whole window, times outside
   * the working hours as outOfOffice (see domain/businesses/availability.ts).
   */
  for (const action of ['getStaffAvailability', 'microsoft.graph.getStaffAvailability']) {
    app.post<{ Params: BusinessParams; Body: GetStaffAvailabilityRequest }>(
      `/:businessId/${action}`,
      { schema: { body: { $ref: schemaId('graph-bookings', '#/$defs/getStaffAvailabilityRequest') } } },
      async (request): Promise<StaffAvailabilityCollection> => {
        const document = businessDocument(request, request.params.businessId);
        const { staffIds, startDateTime, endDateTime } = request.body;
        const known = document.staffMembers.map((member) => member.id);
        for (const staffId of staffIds) {
          if (!known.includes(staffId))
            throw errors.staffMemberNotFound(staffId, document.business.id, known);
        }
        const zones = timeZonesFor(request.server.emulator.state.policies['graph-time-zones']);
        const startMs = graphInstant(startDateTime, '/startDateTime', zones, errors.invalidGraphRequest);
        const endMs = graphInstant(endDateTime, '/endDateTime', zones, errors.invalidGraphRequest);
        if (endMs <= startMs)
          throw errors.invalidGraphRequest('/endDateTime', 'must be later than startDateTime');
        if (endMs - startMs > maximumWindowMs) {
          throw errors.invalidGraphRequest('/endDateTime', 'must be at most 31 days after startDateTime');
        }
        const { name, zone } = answerZone(startDateTime, zones.resolve);
        const at = (epochMs: number) => ({ dateTime: formatWallTime(epochMs, zone), timeZone: name });
        const appointments = request.server.emulator.services.appointments
          .list(document.business.id)
          .filter((record) => blockedInterval(record) !== undefined);
        return {
          '@odata.context': `${request.protocol}://${request.host}/v1.0/$metadata#Collection(microsoft.graph.staffAvailabilityItem)`,
          value: staffIds.map((staffId) => ({
            staffId,
            availabilityItems: staffAvailability(document, appointments, staffId, { startMs, endMs }).map(
              (span) => ({
                status: span.status,
                startDateTime: at(span.startMs),
                endDateTime: at(span.endMs),
                serviceId: span.serviceId,
              }),
            ),
          })),
        };
      },
    );
  }
}
