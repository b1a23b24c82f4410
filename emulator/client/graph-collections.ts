import type {
  BookingCustomer,
  BookingCustomerCollection,
  BookingCustomQuestion,
  BookingCustomQuestionCollection,
  BookingService,
  BookingServiceCollection,
  BookingStaffMember,
  BookingStaffMemberCollection,
} from '../generated/schema-types.js';
import { type BookingCollectionName, graphPaths, type ODataQuery } from './paths.js';

/** Each collection of a business by the name of its entity, with the Graph types it reads and writes. */
interface BookingEntities {
  Service: { entity: BookingService; list: BookingServiceCollection };
  StaffMember: { entity: BookingStaffMember; list: BookingStaffMemberCollection };
  Customer: { entity: BookingCustomer; list: BookingCustomerCollection };
  CustomQuestion: { entity: BookingCustomQuestion; list: BookingCustomQuestionCollection };
}

export type BookingEntityName = keyof BookingEntities;

/** Graph answers every entity it created or read with its id. */
export type Saved<Entity> = Entity & { id: string };

/** A call whose 2xx answer's body is the Answer; anything else throws (client.ts). */
export type Call = <Answer = void>(
  method: string,
  path: string,
  options?: { body?: unknown },
) => Promise<Answer>;

type Entity<Name extends BookingEntityName> = BookingEntities[Name]['entity'];

/**
 * The five calls on one collection, named after its entity: for `Service`, listServices,
 * createService (201, the saved service), getService, updateService (204) and deleteService (204).
 */
export type CollectionCalls<Name extends BookingEntityName> = Record<
  `list${Name}s`,
  (mailbox: string, query?: ODataQuery) => Promise<BookingEntities[Name]['list']>
> &
  Record<`create${Name}`, (mailbox: string, entity: Entity<Name>) => Promise<Saved<Entity<Name>>>> &
  Record<`get${Name}`, (mailbox: string, id: string) => Promise<Saved<Entity<Name>>>> &
  Record<`update${Name}`, (mailbox: string, id: string, patch: Entity<Name>) => Promise<void>> &
  Record<`delete${Name}`, (mailbox: string, id: string) => Promise<void>>;

/** Graph names each collection after its entity: Service → services, StaffMember → staffMembers. */
function collectionOf(name: BookingEntityName): BookingCollectionName {
  return `${name.charAt(0).toLowerCase()}${name.slice(1)}s` as BookingCollectionName;
}

/** One collection's calls, made once for all four collections. */
export function collectionCalls<Name extends BookingEntityName>(
  name: Name,
  call: Call,
): CollectionCalls<Name> {
  const collection = collectionOf(name);
  const member = (mailbox: string, id: string) => graphPaths.member(mailbox, collection, id);
  // Computed keys widen to string: the names are the ones CollectionCalls<Name> spells.
  return {
    [`list${name}s`]: (mailbox: string, query?: ODataQuery) =>
      call('GET', graphPaths.collection(mailbox, collection, query)),
    [`create${name}`]: (mailbox: string, entity: Entity<Name>) =>
      call('POST', graphPaths.collection(mailbox, collection), { body: entity }),
    [`get${name}`]: (mailbox: string, id: string) => call('GET', member(mailbox, id)),
    [`update${name}`]: (mailbox: string, id: string, patch: Entity<Name>) =>
      call('PATCH', member(mailbox, id), { body: patch }),
    [`delete${name}`]: (mailbox: string, id: string) => call('DELETE', member(mailbox, id)),
  } as CollectionCalls<Name>;
}
