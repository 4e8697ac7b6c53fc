/**
 * One error class for the whole project: a stable `code` that programs match on, a message a
 * person can act on, optional structured `details`, and the underlying `cause`.
 */
export class RoyaltyError extends Error {
  readonly code: string;
  readonly details: Record<string, unknown> | undefined;

  constructor(
    code: string,
    message: string,
    options: { details?: Record<string, unknown>; cause?: unknown } = {},
  ) {
    super(message, { cause: options.cause });
    this.name = "RoyaltyError";
    this.code = code;
    this.details = options.details;
  }
}

/** Throws a RoyaltyError with code `INVALID_<FIELD>`-style codes: names the field and the rule. */
export function invalid(field: string, rule: string, value?: unknown): never {
  throw new RoyaltyError("INVALID_FIELD", `'${field}' ${rule}`, {
    details: { field, rule, ...(value === undefined ? {} : { value: String(value) }) },
  });
}
