import type {
  BookingCustomer,
  BookingCustomQuestion,
  BookingService,
  BookingStaffMember,
  BookingWorkHours,
  SeedBusiness,
  SeedCustomer,
  SeedCustomQuestion,
  SeedService,
  SeedStaffMember,
} from '../../generated/schema-types.js';
import { minutesToIsoDuration } from '../graph-time.js';
import type { BusinessDocument, Stored } from './documents.js';
import { stableGuid } from './stable-guid.js';

const weekdays = ['monday', 'tuesday', 'wednesday', 'thursday', 'friday'] as const;

/** What a business keeps when the seed gives no hours: Graph's sample business, weekdays 08:00 to 17:00. */
export const defaultBusinessHours: readonly BookingWorkHours[] = [
  ...weekdays.map((day) => ({
    day,
    timeSlots: [{ startTime: '08:00:00.0000000', endTime: '17:00:00.0000000' }],
  })),
  { day: 'saturday', timeSlots: [] },
  { day: 'sunday', timeSlots: [] },
];

const graphForm = /^\d{2}:\d{2}:\d{2}\.\d{7}$/;

/** Graph writes times of day with seven fractional digits (08:00:00.0000000). */
function graphTimeOfDay(time: string): string {
  // Most times (the default hours, and every staff member's copy of them) are in this form already.
  if (graphForm.test(time)) return time;
  const [hours = '00', minutes = '00', seconds = '00'] = time.split('.')[0]?.split(':') ?? [];
  const fraction = (time.split('.')[1] ?? '').padEnd(7, '0');
  return `${hours}:${minutes}:${seconds}.${fraction}`;
}

/** Work hours in Graph's form, every time of day written as Graph writes it. */
export function graphWorkHours(hours: readonly BookingWorkHours[]): BookingWorkHours[] {
  return hours.map((entry) => ({
    day: entry.day,
    timeSlots: (entry.timeSlots ?? []).map((slot) => ({
      startTime: graphTimeOfDay(slot.startTime),
      endTime: graphTimeOfDay(slot.endTime),
    })),
  }));
}

/** A custom question as Graph shows it: a choice question when it has options. */
export function questionFromSeed(seed: SeedCustomQuestion, now: string): Stored<BookingCustomQuestion> {
  const options = seed.answerOptions ?? [];
  return {
    id: seed.id,
    displayName: seed.question,
    answerInputType: options.length > 0 ? 'radioButton' : 'text',
    answerOptions: [...options],
    createdDateTime: now,
    lastUpdatedDateTime: now,
  };
}

/** A service as Graph shows it, with Graph's defaults for what the seed leaves out. */
export function serviceFromSeed(
  seed: SeedService,
  businessEmail: string,
  now: string,
): Stored<BookingService> {
  return {
    id: seed.id,
    displayName: seed.displayName,
    description: '',
    notes: seed.notes,
    defaultDuration: minutesToIsoDuration(seed.durationMinutes ?? 30),
    preBuffer: minutesToIsoDuration(seed.preBufferMinutes ?? 0),
    postBuffer: minutesToIsoDuration(seed.postBufferMinutes ?? 0),
    defaultPrice: seed.price ?? 0,
    defaultPriceType: seed.priceType ?? 'notSet',
    defaultReminders: [],
    isHiddenFromCustomers: false,
    isLocationOnline: seed.isOnline ?? false,
    smsNotificationsEnabled: seed.smsNotificationsEnabled ?? false,
    isAnonymousJoinEnabled: false,
    isCustomerAllowedToManageBooking: false,
    languageTag: 'en-US',
    maximumAttendeesCount: seed.maxAttendees ?? 1,
    staffMemberIds: [...(seed.staffMemberIds ?? [])],
    customQuestions: (seed.customQuestions ?? []).map((asked) => ({
      questionId: asked.id,
      isRequired: asked.isRequired ?? false,
    })),
    webUrl: `https://outlook.office365.com/owa/calendar/${businessEmail}/bookings/s/${encodeURIComponent(seed.id)}`,
    createdDateTime: now,
    lastUpdatedDateTime: now,
  };
}

/** A staff member as Graph shows it: by default on the business's hours, in its time zone. */
export function staffMemberFromSeed(
  member: SeedStaffMember,
  business: { timeZone: string; businessHours: readonly BookingWorkHours[] },
  index: number,
  now: string,
): Stored<BookingStaffMember> {
  return {
    id: member.id,
    displayName: member.displayName,
    emailAddress: member.emailAddress,
    role: member.role,
    timeZone: member.timeZone ?? business.timeZone,
    useBusinessHours: member.useBusinessHours ?? true,
    workingHours: graphWorkHours(member.workingHours ?? business.businessHours),
    availabilityIsAffectedByPersonalCalendar: false,
    isEmailNotificationEnabled: true,
    colorIndex: index % 20,
    membershipStatus: 'active',
    createdDateTime: now,
    lastUpdatedDateTime: now,
  };
}

/** A customer as Graph shows it; without an id, one derived from the business and the address. */
export function customerFromSeed(
  customer: SeedCustomer,
  businessEmail: string,
  now: string,
): Stored<BookingCustomer> {
  return {
    id: customer.id ?? stableGuid(`${businessEmail.toLowerCase()} ${customer.emailAddress.toLowerCase()}`),
    displayName: customer.displayName,
    emailAddress: customer.emailAddress,
    addresses: [],
    phones: customer.phone === undefined ? [] : [{ number: customer.phone, type: 'mobile' }],
    createdDateTime: now,
    lastUpdatedDateTime: now,
  };
}

/**
 * A seeded business as Graph shows it. What the seed does not say takes Graph's defaults; ids the
 * seed leaves out are derived from the seed, so they are the same on every start.
 */
export function businessFromSeed(seed: SeedBusiness, now: string): BusinessDocument {
  const businessHours = graphWorkHours(seed.businessHours ?? defaultBusinessHours);
  const timeZone = seed.timeZone ?? 'UTC';
  const questions = new Map<string, Stored<BookingCustomQuestion>>();
  for (const asked of [
    ...(seed.customQuestions ?? []),
    ...(seed.services ?? []).flatMap((offered) => offered.customQuestions ?? []),
  ]) {
    if (!questions.has(asked.id)) questions.set(asked.id, questionFromSeed(asked, now));
  }
  return {
    business: {
      id: seed.email,
      displayName: seed.displayName,
      businessType: '',
      email: seed.email,
      phone: '',
      webSiteUrl: '',
      defaultCurrencyIso: 'USD',
      languageTag: 'en-US',
      isPublished: true,
      publicUrl: `https://outlook.office365.com/owa/calendar/${seed.email}/bookings/`,
      address: {},
      businessHours,
      schedulingPolicy: {
        timeSlotInterval: 'PT30M',
        minimumLeadTime: 'PT0S',
        maximumAdvance: 'P365D',
        sendConfirmationsToOwner: true,
        allowStaffSelection: true,
      },
      timeZone,
      createdDateTime: now,
      lastUpdatedDateTime: now,
    },
    services: (seed.services ?? []).map((offered) => serviceFromSeed(offered, seed.email, now)),
    staffMembers: (seed.staff ?? []).map((member, index) =>
      staffMemberFromSeed(member, { timeZone, businessHours }, index, now),
    ),
    customers: (seed.customers ?? []).map((customer) => customerFromSeed(customer, seed.email, now)),
    customQuestions: [...questions.values()],
  };
}
