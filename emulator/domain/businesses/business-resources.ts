import type { Clock } from '../../core/clock.js';
import { type EmulatorError, errors } from '../../core/errors.js';
import type { IdGenerator } from '../../core/ids.js';
import type { BookingWorkHours } from '../../generated/schema-types.js';
import type { Directory } from '../directory.js';
import { toGraphUtc } from '../graph-time.js';
import type { BusinessDocument, BusinessResources, ResourceCollection } from './documents.js';
import {
  customerFromSeed,
  defaultBusinessHours,
  graphWorkHours,
  questionFromSeed,
  serviceFromSeed,
  staffMemberFromSeed,
} from './from-seed.js';

/**
 * A create or update request's properties, read-only ones and OData control information already
 * left out. null or undefined means no value: in an update it clears what was stored.
 */
export type ResourceInput = Record<string, unknown>;

type Entity = BusinessResources[ResourceCollection];
type Fields = Record<string, unknown>;

/** "Microsoft Bookings supports a maximum of 100 staff members in a booking calendar" (Graph, bookingStaffMember). */
export const staffMemberLimit = 100;

export interface BusinessResourceServiceDeps {
  directory: Directory;
  ids: IdGenerator;
  clock: Clock;
}

/** What a collection asks of its entities, besides the schema. */
interface CollectionRules {
  /** Singular, for messages. */
  noun: string;
  /** Properties an entity must have, with why when Graph's documentation does not say so. */
  required: readonly string[];
  requiredWhy: string;
  /** A new entity with Graph's defaults: the ones a seeded entity gets (from-seed.ts). */
  defaults(document: BusinessDocument, id: string, now: string): Entity;
  /** Rules that need the rest of the business. */
  check(entity: Fields, document: BusinessDocument): void;
  /** The business once an entity is gone: whatever referred to it no longer does. */
  forget?(document: BusinessDocument, id: string): Partial<BusinessDocument>;
}

const isBlank = (value: unknown) =>
  value === undefined || value === null || (typeof value === 'string' && value.trim() === '');

const knownIds = (entities: readonly { id: string }[]) =>
  entities.length === 0 ? 'it has none' : `it has ${entities.map((entity) => `"${entity.id}"`).join(', ')}`;

function checkServiceReferences(service: Fields, document: BusinessDocument): void {
  const staffIds = new Set(document.staffMembers.map((member) => member.id));
  ((service.staffMemberIds as string[] | undefined) ?? []).forEach((staffId, index) => {
    if (!staffIds.has(staffId))
      throw errors.invalidGraphRequest(
        `/staffMemberIds/${index}`,
        `names "${staffId}", which is not a staff member of ${document.business.id} (${knownIds(document.staffMembers)}; POST .../staffMembers adds one)`,
      );
  });
  const questionIds = new Set(document.customQuestions.map((question) => question.id));
  ((service.customQuestions as Array<{ questionId: string }> | undefined) ?? []).forEach(
    (assigned, index) => {
      if (!questionIds.has(assigned.questionId))
        throw errors.invalidGraphRequest(
          `/customQuestions/${index}/questionId`,
          `names "${assigned.questionId}", which is not a custom question of ${document.business.id} (${knownIds(document.customQuestions)}; POST .../customQuestions adds one)`,
        );
    },
  );
}

function checkStaffMember(member: Fields, document: BusinessDocument): void {
  const email = String(member.emailAddress).toLowerCase();
  const other = document.staffMembers.find(
    (existing) => existing.id !== member.id && existing.emailAddress?.toLowerCase() === email,
  );
  if (other)
    throw errors.invalidGraphRequest(
      '/emailAddress',
      `is "${member.emailAddress}", which staff member "${other.id}" of ${document.business.id} already has; a staff member's e-mail address is unique in a business`,
    );
}

function checkCustomQuestion(question: Fields): void {
  const options = (question.answerOptions as string[] | undefined) ?? [];
  if (question.answerInputType === 'radioButton' && options.length === 0)
    throw errors.invalidGraphRequest(
      '/answerOptions',
      'is empty, but a radioButton question needs the options to choose from; give answerOptions or make answerInputType text',
    );
}

const rules: { [C in ResourceCollection]: CollectionRules } = {
  services: {
    noun: 'service',
    required: ['displayName'],
    requiredWhy: 'a service without a name cannot be booked or told apart',
    defaults: (document, id, now) => serviceFromSeed({ id, displayName: '' }, document.business.id, now),
    check: checkServiceReferences,
  },
  staffMembers: {
    noun: 'staff member',
    required: ['displayName', 'emailAddress', 'role'],
    requiredWhy: 'Graph: "You must include the following properties: displayName, emailAddress, role"',
    defaults: (document, id, now) =>
      staffMemberFromSeed(
        { id, displayName: '', emailAddress: '', role: 'guest' },
        {
          timeZone: document.business.timeZone ?? 'UTC',
          businessHours: document.business.businessHours ?? defaultBusinessHours,
        },
        document.staffMembers.length,
        now,
      ),
    check: checkStaffMember,
    forget: (document, id) => ({
      services: document.services.map((service) =>
        service.staffMemberIds?.includes(id)
          ? { ...service, staffMemberIds: service.staffMemberIds.filter((staffId) => staffId !== id) }
          : service,
      ),
    }),
  },
  customers: {
    noun: 'customer',
    required: ['displayName', 'emailAddress'],
    requiredWhy: 'a customer is known by name and e-mail address, as the triggers report them',
    defaults: (document, id, now) =>
      customerFromSeed({ id, displayName: '', emailAddress: '' }, document.business.id, now),
    check: () => {},
  },
  customQuestions: {
    noun: 'custom question',
    required: ['displayName'],
    requiredWhy: 'Graph: displayName is required',
    defaults: (_document, id, now) => questionFromSeed({ id, question: '' }, now),
    check: checkCustomQuestion,
    forget: (document, id) => ({
      services: document.services.map((service) =>
        service.customQuestions?.some((assigned) => assigned.questionId === id)
          ? {
              ...service,
              customQuestions: service.customQuestions.filter((assigned) => assigned.questionId !== id),
            }
          : service,
      ),
    }),
  },
};

/** The input's values, work hours written as Graph writes them. */
function normalized(input: ResourceInput): Fields {
  const values: Fields = { ...input };
  if (Array.isArray(values.workingHours))
    values.workingHours = graphWorkHours(values.workingHours as BookingWorkHours[]);
  return values;
}

function missingRequired(entity: Fields, collection: ResourceCollection): EmulatorError | undefined {
  const { required, requiredWhy, noun } = rules[collection];
  const missing = required.find((name) => isBlank(entity[name]));
  if (missing === undefined) return undefined;
  return errors.invalidGraphRequest(
    `/${missing}`,
    `is missing; a ${noun} needs ${required.join(', ')} (${requiredWhy})`,
  );
}

/**
 * The services, staff members, customers and custom questions of a business, created, changed and
 * deleted as Graph does: ids and timestamps assigned here, defaults as for seeded entities,
 * references between them kept whole. Each change commits a new BusinessDocument, so the
 * appointment rules and the trigger API see it at once.
 */
export class BusinessResourceService {
  constructor(private readonly deps: BusinessResourceServiceDeps) {}

  /** The business as Graph shows it; unknown is 404 MailboxNotFound. */
  document(businessId: string): BusinessDocument {
    const document = this.deps.directory.document(businessId);
    if (!document) throw errors.mailboxNotFound(businessId);
    return document;
  }

  list<C extends ResourceCollection>(businessId: string, collection: C): readonly BusinessResources[C][] {
    return this.document(businessId)[collection];
  }

  get<C extends ResourceCollection>(businessId: string, collection: C, id: string): BusinessResources[C] {
    const document = this.document(businessId);
    const found = document[collection].find((entity) => entity.id === id);
    if (!found) throw errors.businessResourceNotFound(collection, id, document.business.id);
    return found as BusinessResources[C];
  }

  create<C extends ResourceCollection>(
    businessId: string,
    collection: C,
    input: ResourceInput,
  ): BusinessResources[C] {
    const document = this.document(businessId);
    if (collection === 'staffMembers' && document.staffMembers.length >= staffMemberLimit)
      throw errors.invalidGraphRequest(
        '',
        `would be staff member ${staffMemberLimit + 1} of ${document.business.id}; Bookings supports at most ${staffMemberLimit} staff members in a business`,
      );
    const id = this.deps.ids.uuid();
    const now = this.now();
    const given = Object.fromEntries(
      Object.entries(normalized(input)).filter(([, value]) => value !== null && value !== undefined),
    );
    // Required properties must come from the request, not from the defaults.
    const missing = missingRequired(given, collection);
    if (missing) throw missing;
    const entity = {
      ...rules[collection].defaults(document, id, now),
      ...given,
      id,
      createdDateTime: now,
      lastUpdatedDateTime: now,
    };
    this.check(entity, collection, document);
    this.commit(document, collection, [...document[collection], entity as Entity]);
    return entity as BusinessResources[C];
  }

  update<C extends ResourceCollection>(
    businessId: string,
    collection: C,
    id: string,
    input: ResourceInput,
  ): BusinessResources[C] {
    const document = this.document(businessId);
    const current = this.get(businessId, collection, id) as unknown as Fields;
    const entity: Fields = { ...current };
    for (const [name, value] of Object.entries(normalized(input))) {
      if (value === null || value === undefined) delete entity[name];
      else entity[name] = value;
    }
    entity.lastUpdatedDateTime = this.now();
    this.check(entity, collection, document);
    this.commit(
      document,
      collection,
      document[collection].map((existing) => (existing.id === id ? (entity as unknown as Entity) : existing)),
    );
    return entity as unknown as BusinessResources[C];
  }

  delete(businessId: string, collection: ResourceCollection, id: string): void {
    const document = this.document(businessId);
    this.get(businessId, collection, id);
    const remaining = document[collection].filter((entity) => entity.id !== id);
    const forgotten = rules[collection].forget?.(document, id) ?? {};
    this.deps.directory.commit({ ...document, ...forgotten, [collection]: remaining });
  }

  private check(entity: Fields, collection: ResourceCollection, document: BusinessDocument): void {
    const missing = missingRequired(entity, collection);
    if (missing) throw missing;
    rules[collection].check(entity, document);
  }

  private commit(document: BusinessDocument, collection: ResourceCollection, entities: Entity[]): void {
    this.deps.directory.commit({ ...document, [collection]: entities });
  }

  private now(): string {
    return toGraphUtc(this.deps.clock.now()).dateTime;
  }
}
