import { codeFromWire, type ErrorCode, RoyaltyError } from "../core/errors.ts";

/**
 * A request the sequencer refused: the server's stable error `code`, its message and details.
 * The code comes over the wire: one this version does not catalogue becomes UNCATALOGUED, with
 * the server's code in details.code.
 */
export class RoyaltyApiError extends RoyaltyError {
  readonly status: number;

  constructor(
    status: number,
    code: ErrorCode | string,
    message: string,
    details?: Record<string, unknown>,
    cause?: unknown,
  ) {
    const known = codeFromWire(code, "SEQUENCER_ERROR");
    super(known.code, message, { details: { ...details, ...known.details }, cause });
    this.name = "RoyaltyApiError";
    this.status = status;
  }
}
