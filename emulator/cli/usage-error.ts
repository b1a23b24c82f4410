/** A mistake in what the user asked for (flags, files): exit 2 with the message, no stack trace. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}
