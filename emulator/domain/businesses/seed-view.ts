import type {
  SeedBusiness,
  SeedCustomQuestion,
  SeedService,
  SeedStaffMember,
} from '../../generated/schema-types.js';
import { isoDurationToMs } from '../graph-time.js';
import type { BusinessDocument } from './documents.js';

const minutes = (duration: string | null | undefined) =>
  duration ? Math.round(isoDurationToMs(duration) / 60_000) : undefined;

/** The entries whose value is set: the seed shapes have no nulls. */
function defined<T>(entries: Record<string, unknown>): T {
  const set: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(entries)) {
    if (value !== undefined && value !== null) set[key] = value;
  }
  return set as T;
}

/**
 * A business in the seed's shape, as the appointment rules, the trigger API and the formatter read
 * it, made from what Graph shows now: a service's questions are the business's questions it
 * assigns, a service with no staff assigned falls back to the first staff member.
 */
export function seedBusinessView(document: BusinessDocument): SeedBusiness {
  const { business } = document;
  const questions = new Map(document.customQuestions.map((question) => [question.id, question]));
  const services = document.services.map((service) =>
    defined<SeedService>({
      id: service.id,
      displayName: service.displayName ?? '',
      durationMinutes: minutes(service.defaultDuration),
      preBufferMinutes: minutes(service.preBuffer),
      postBufferMinutes: minutes(service.postBuffer),
      price: service.defaultPrice,
      priceType: service.defaultPriceType,
      maxAttendees: service.maximumAttendeesCount,
      notes: service.notes,
      staffMemberIds: service.staffMemberIds?.length ? [...service.staffMemberIds] : undefined,
      isOnline: service.isLocationOnline,
      smsNotificationsEnabled: service.smsNotificationsEnabled,
      customQuestions: (service.customQuestions ?? []).flatMap((assigned) => {
        const question = questions.get(assigned.questionId);
        if (!question) return [];
        return [
          defined<SeedCustomQuestion>({
            id: question.id,
            question: question.displayName ?? '',
            answerOptions:
              question.answerInputType === 'radioButton' ? [...(question.answerOptions ?? [])] : undefined,
            isRequired: assigned.isRequired ?? false,
          }),
        ];
      }),
    }),
  );
  return defined<SeedBusiness>({
    email: business.id,
    displayName: business.displayName ?? '',
    timeZone: business.timeZone,
    businessHours: business.businessHours,
    staff: document.staffMembers.map((member) =>
      defined<SeedStaffMember>({
        id: member.id,
        displayName: member.displayName ?? '',
        emailAddress: member.emailAddress ?? '',
        role: member.role === 'unknownFutureValue' ? undefined : member.role,
        timeZone: member.timeZone,
        workingHours: member.workingHours,
        useBusinessHours: member.useBusinessHours,
      }),
    ),
    services,
  });
}
