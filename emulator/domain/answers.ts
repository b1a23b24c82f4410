import type { BookingQuestionAnswer, QuestionAnswers, SeedService } from '../generated/schema-types.js';

/**
 * Answers written by question id (scenario files, the booking page) as Graph's
 * customQuestionAnswers: text for a text question, selected options for a choice question.
 */
export function toQuestionAnswers(
  answers: QuestionAnswers,
  service: SeedService | undefined,
): BookingQuestionAnswer[] {
  const questions = service?.customQuestions ?? [];
  return Object.entries(answers).map(([questionId, answer]) => {
    const isChoice =
      (questions.find((question) => question.id === questionId)?.answerOptions ?? []).length > 0;
    if (Array.isArray(answer)) return { questionId, selectedOptions: answer };
    return isChoice ? { questionId, selectedOptions: [answer] } : { questionId, answer };
  });
}

/** The required questions of a service that these answers leave empty (the booking page will not submit). */
export function unansweredRequiredQuestions(answers: QuestionAnswers, service: SeedService): string[] {
  return (service.customQuestions ?? [])
    .filter((question) => question.isRequired)
    .filter((question) => {
      const answer = answers[question.id];
      return answer === undefined || (Array.isArray(answer) ? answer.length === 0 : answer.trim() === '');
    })
    .map((question) => question.id);
}

/** Question ids in these answers that the service does not ask. */
export function unknownQuestions(answers: QuestionAnswers, service: SeedService): string[] {
  const known = new Set((service.customQuestions ?? []).map((question) => question.id));
  return Object.keys(answers).filter((questionId) => !known.has(questionId));
}
