import { ERROR_CODES, type ErrorCode, isErrorCode } from "./error-codes.ts";

export type { ErrorCode } from "./error-codes.ts";

/**
 * One error class for the whole project (viem's BaseError is the model): a catalogued `code`
 * that programs match on (core/error-codes.ts), a short message a person can act on, optional
 * structured `details`, and the underlying `cause`.
 */
export class RoyaltyError extends Error {
  readonly code: ErrorCode;
  readonly details: Record<string, unknown> | undefined;

  constructor(
    code: ErrorCode,
    message: string,
    options: { details?: Record<string, unknown>; cause?: unknown } = {},
  ) {
    super(message, { cause: options.cause });
    this.name = "RoyaltyError";
    this.code = code;
    this.details = options.details;
  }

  /** What the code means, from the catalogue. */
  get meaning(): string {
    return ERROR_CODES[this.code].meaning;
  }
}

/** Throws INVALID_FIELD naming the field and the rule it breaks. */
export function invalid(field: string, rule: string, value?: unknown): never {
  throw new RoyaltyError("INVALID_FIELD", `'${field}' ${rule}`, {
    details: { field, rule, ...(value === undefined ? {} : { value: String(value) }) },
  });
}

/**
 * A code that came over a wire (an API response, a queue job's failure) as a catalogued one:
 * itself when this version knows it, else UNCATALOGUED with the peer's code kept in details.
 */
export function codeFromWire(
  code: string | undefined,
  fallback: ErrorCode,
): { code: ErrorCode; details?: Record<string, unknown> } {
  if (code === undefined) return { code: fallback };
  return isErrorCode(code) ? { code } : { code: "UNCATALOGUED", details: { code } };
}
