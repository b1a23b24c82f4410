import { unansweredRequiredQuestions } from '../domain/answers.js';
import type { AppointmentFields, CallExpectation, Customer, SeedService } from '../generated/schema-types.js';

/** A problem with a customer's answers, at a pointer below the step's body. */
export interface AnswerProblem {
  pointer: string;
  message: string;
  /** The problem is the answer's key (a question the service does not ask). */
  atKey?: boolean;
}

/** How strictly the emulator will judge a step's answers. */
export interface AnswerRules {
  /**
   * Choices are checked against the question's options. An `update` without `service` sends each
   * answer as text, which the emulator does not match against the options.
   */
  options: boolean;
  /** The booking page (a `book` step) refuses a booking that leaves a required question empty. */
  required: boolean;
}

const hasTemplate = (text: string) => text.includes('${');

const escapeToken = (token: string) => token.replaceAll('~', '~0').replaceAll('/', '~1');

/** A step that expects to be refused is allowed answers the emulator refuses. */
function expectsRefusal(expectation: CallExpectation | undefined): boolean {
  if (expectation?.code !== undefined) return true;
  const status = expectation?.status;
  return status !== undefined && (status < 200 || status >= 300);
}

function optionProblems(
  service: SeedService,
  questionId: string,
  answer: string | string[],
  pointer: string,
): AnswerProblem[] {
  const question = service.customQuestions?.find((candidate) => candidate.id === questionId);
  if (!question) {
    const known = (service.customQuestions ?? []).map((candidate) => candidate.id).join(', ') || '(none)';
    return [
      {
        pointer,
        atKey: true,
        message: `"${questionId}" is not a question of ${service.id}; its questions: ${known}`,
      },
    ];
  }
  const options = question.answerOptions ?? [];
  if (options.length === 0) {
    return Array.isArray(answer)
      ? [
          {
            pointer,
            message: `${questionId} (${question.question}) is a text question: answer it with a string, not a list`,
          },
        ]
      : [];
  }
  const chosen = Array.isArray(answer)
    ? answer.map((option, index) => ({ option, at: `${pointer}/${index}` }))
    : [{ option: answer, at: pointer }];
  return chosen
    .filter(({ option }) => !options.includes(option) && !hasTemplate(option))
    .map(({ option, at }) => ({
      pointer: at,
      message: `"${option}" is not an option of ${questionId} (${question.question}); its options: ${options.join(', ')}`,
    }));
}

function customerProblems(
  customer: Customer,
  pointer: string,
  service: SeedService,
  rules: AnswerRules,
): AnswerProblem[] {
  const answers = customer.answers ?? {};
  const problems = Object.entries(answers).flatMap(([questionId, answer]) => {
    const at = `${pointer}/answers/${escapeToken(questionId)}`;
    const found = optionProblems(service, questionId, answer, at);
    // Without the options checked, only a question the service does not ask is refused.
    return rules.options ? found : found.filter((problem) => problem.atKey);
  });
  if (rules.required) {
    const missing = unansweredRequiredQuestions(answers, service);
    if (missing.length > 0) {
      problems.push({
        pointer: customer.answers ? `${pointer}/answers` : pointer,
        message: `leaves the required question${missing.length > 1 ? 's' : ''} ${missing.join(', ')} of ${service.id} unanswered; the booking page asks for every required answer`,
      });
    }
  }
  return problems;
}

/**
 * The answers of a create, book or update step that the emulator would refuse, as `run` would
 * find out: questions the service does not ask, choices that are not among a question's options,
 * and (on the booking page) required questions left unanswered.
 */
export function answerProblems(
  fields: AppointmentFields,
  service: SeedService,
  rules: AnswerRules,
): AnswerProblem[] {
  if (expectsRefusal(fields.expect)) return [];
  const customers = fields.customers
    ? fields.customers.map((customer, index) => ({ customer, pointer: `/customers/${index}` }))
    : fields.customer
      ? [{ customer: fields.customer, pointer: '/customer' }]
      : [];
  return customers.flatMap(({ customer, pointer }) => customerProblems(customer, pointer, service, rules));
}
