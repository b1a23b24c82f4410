import type { ErrorCode, ErrorResponse } from '../generated/schema-types.js';

/** Whether an answer's body is the emulator's error envelope (schemas/error.schema.json). */
export function isErrorResponse(body: unknown): body is ErrorResponse {
  const error = (body as { error?: unknown } | null | undefined)?.error as
    | { code?: unknown; message?: unknown }
    | null
    | undefined;
  return typeof error?.code === 'string' && typeof error.message === 'string';
}

/**
 * A call the emulator answered with a status outside 2xx. `body` is the error envelope when the
 * answer carried one; an injected inbox fault, for one, answers plain text.
 */
export class EmulatorApiError extends Error {
  override readonly name = 'EmulatorApiError';
  readonly body: ErrorResponse | undefined;

  constructor(
    readonly method: string,
    readonly path: string,
    readonly status: number,
    answer: unknown,
  ) {
    const body = isErrorResponse(answer) ? answer : undefined;
    const detail = body
      ? `${body.error.code}: ${body.error.message}`
      : typeof answer === 'string'
        ? answer.slice(0, 200)
        : JSON.stringify(answer);
    super(`${method} ${path} answered ${status}${detail ? ` ${detail}` : ''}`);
    this.body = body;
  }

  get code(): ErrorCode | undefined {
    return this.body?.error.code;
  }
}
