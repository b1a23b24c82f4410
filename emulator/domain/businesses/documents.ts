import type {
  BookingBusiness,
  BookingCustomer,
  BookingCustomQuestion,
  BookingService,
  BookingStaffMember,
} from '../../generated/schema-types.js';

/** A Graph entity as the emulator keeps it: with its id, no nulls, no OData control information. */
export type Stored<T> = T & { id: string };

/** The resources a business holds besides appointments, by their Graph collection names. */
export interface BusinessResources {
  services: Stored<BookingService>;
  staffMembers: Stored<BookingStaffMember>;
  customers: Stored<BookingCustomer>;
  customQuestions: Stored<BookingCustomQuestion>;
}

export type ResourceCollection = keyof BusinessResources;

/**
 * One Bookings business as Graph shows it: the business and its resource collections, each in
 * the order the entities were added. This is the state Graph's business routes read and change;
 * the appointment rules and the trigger API read it through the Directory.
 */
export type BusinessDocument = { business: Stored<BookingBusiness> } & {
  [C in ResourceCollection]: BusinessResources[C][];
};
