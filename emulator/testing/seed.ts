import type { Seed } from '../generated/schema-types.js';

/**
 * A seed that has one user for every role, a user with no token (JWT only), a 1:1 and a group
 * service with choice and text questions, and a second business for cross-business checks.
 */
export const testSeed: Seed = {
  users: [
    { upn: 'admin@contoso.example', token: 'admin-token-0001' },
    { upn: 'admin2@contoso.example', token: 'admin2-token-001' },
    { upn: 'member@contoso.example', token: 'member-token-001' },
    { upn: 'scheduler@contoso.example', token: 'scheduler-token1' },
    { upn: 'viewer@contoso.example', token: 'viewer-token-001' },
    { upn: 'guest@contoso.example', token: 'guest-token-0001' },
    { upn: 'external@partner.example', token: 'external-token01' },
    { upn: 'outsider@contoso.example', token: 'outsider-token01' },
    { upn: 'jwt-admin@contoso.example' },
    { upn: 'other-admin@fabrikam.example', token: 'other-admin-tok1' },
  ],
  businesses: [
    {
      email: 'lunch@contoso.example',
      displayName: 'Contoso Lunch',
      staff: [
        {
          id: 's-admin',
          displayName: 'Ada Admin',
          emailAddress: 'admin@contoso.example',
          role: 'administrator',
        },
        {
          id: 's-admin2',
          displayName: 'Abe Admin',
          emailAddress: 'admin2@contoso.example',
          role: 'administrator',
        },
        {
          id: 's-jwt',
          displayName: 'Jay Wright',
          emailAddress: 'jwt-admin@contoso.example',
          role: 'administrator',
        },
        {
          id: 's-member',
          displayName: 'Mia Member',
          emailAddress: 'member@contoso.example',
          role: 'teamMember',
        },
        {
          id: 's-sched',
          displayName: 'Sam Scheduler',
          emailAddress: 'scheduler@contoso.example',
          role: 'scheduler',
        },
        { id: 's-viewer', displayName: 'Val Viewer', emailAddress: 'viewer@contoso.example', role: 'viewer' },
        { id: 's-guest', displayName: 'Gus Guest', emailAddress: 'guest@contoso.example', role: 'guest' },
        {
          id: 's-ext',
          displayName: 'Eve External',
          emailAddress: 'external@partner.example',
          role: 'externalGuest',
        },
      ],
      services: [
        {
          id: 'one',
          displayName: 'Consultation',
          durationMinutes: 30,
          maxAttendees: 1,
          notes: 'Service notes for staff',
          staffMemberIds: ['s-admin'],
          customQuestions: [
            { id: 'topic', question: 'Topic?', answerOptions: ['Tax', 'Audit', 'Payroll'], isRequired: true },
            { id: 'notes', question: 'Anything else?', isRequired: false },
          ],
        },
        {
          id: 'group',
          displayName: 'Workshop',
          durationMinutes: 90,
          maxAttendees: 5,
          isOnline: true,
          smsNotificationsEnabled: true,
          staffMemberIds: ['s-admin', 's-member'],
          customQuestions: [
            { id: 'diet', question: 'Diet?', answerOptions: ['None', 'Vegan'], isRequired: true },
          ],
        },
      ],
    },
    {
      email: 'clinic@fabrikam.example',
      displayName: 'Fabrikam Clinic',
      staff: [
        {
          id: 'f-admin',
          displayName: 'Olga Other',
          emailAddress: 'other-admin@fabrikam.example',
          role: 'administrator',
        },
      ],
      services: [{ id: 'checkup', displayName: 'Check-up', durationMinutes: 20, maxAttendees: 1 }],
    },
  ],
};

export const lunch = 'lunch@contoso.example';
export const clinic = 'clinic@fabrikam.example';
export const adminAuth = { authorization: 'Bearer admin-token-0001' };
/** The administrator of the second business, {@link clinic}. */
export const clinicAuth = { authorization: 'Bearer other-admin-tok1' };

/** Graph body for a 1:1 appointment on the test seed's second business ({@link clinic}). */
export function clinicAppointment() {
  return {
    serviceId: 'checkup',
    startDateTime: { dateTime: '2026-01-06T09:00:00', timeZone: 'UTC' },
    customers: [{ name: 'Pat Patient', emailAddress: 'pat@example.com' }],
  };
}

/** The customer of the 1:1 appointments the tests book. */
export const jordan = { name: 'Jordan Miller', emailAddress: 'jordan@example.com' };

/** Graph body for a 1:1 appointment on the built-in demo seed (Contoso Lunch, svc1, q1 answered). */
export const demoAppointment = {
  serviceId: 'svc1',
  startDateTime: { dateTime: '2026-01-06T09:00:00', timeZone: 'UTC' },
  customers: [{ ...jordan, customQuestionAnswers: [{ questionId: 'q1', selectedOptions: ['Audit'] }] }],
};
