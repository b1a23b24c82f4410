import { describe, expect, it } from 'vitest';
import { entityType } from './entity-type.js';

describe('entityType', () => {
  it('lists the properties of a definition without OData control information, read-only ones not writable', () => {
    const staff = entityType('graph-bookings', 'bookingStaffMember');
    expect(staff.properties[0]).toBe('id');
    expect(staff.properties).toContain('workingHours');
    expect(staff.properties).not.toContain('@odata.type');
    expect(staff.writable.has('displayName')).toBe(true);
    for (const readOnly of ['id', 'membershipStatus', 'createdDateTime', 'lastUpdatedDateTime'])
      expect(staff.writable.has(readOnly)).toBe(false);
  });

  it('follows $ref, also into another file and through anyOf, to tell which paths exist', () => {
    const appointment = entityType('graph-booking-appointment', 'graphBookingAppointment');
    expect(appointment.writable.has('id')).toBe(false);
    expect(appointment.writable.has('serviceId')).toBe(true);
    expect(appointment.hasPath(['startDateTime', 'dateTime'])).toBe(true);
    expect(appointment.hasPath(['serviceLocation', 'address', 'city'])).toBe(true);
    expect(appointment.hasPath(['startDateTime', 'nope'])).toBe(false);
    expect(appointment.hasPath(['customers', 'name'])).toBe(false);
    expect(appointment.hasPath(['@odata.type'])).toBe(false);
    expect(appointment.hasPath([])).toBe(false);
    const service = entityType('graph-bookings', 'bookingService');
    expect(service.hasPath(['schedulingPolicy', 'minimumLeadTime'])).toBe(true);
    expect(service.hasPath(['defaultLocation', 'address', 'city'])).toBe(true);
  });
});
