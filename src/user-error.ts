/**
 * A failure whose message is meant for the person who caused it: shown to them as is.
 * Everything else is logged and answered with a short apology.
 */
export class UserError extends Error {
  constructor(
    readonly code: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
