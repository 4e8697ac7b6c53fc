import { RoyaltyError } from "../core/errors.ts";

/** A request the sequencer refused: the server's stable error `code`, its message and details. */
export class RoyaltyApiError extends RoyaltyError {
  readonly status: number;

  constructor(
    status: number,
    code: string,
    message: string,
    details?: Record<string, unknown>,
    cause?: unknown,
  ) {
    super(code, message, { details, cause });
    this.name = "RoyaltyApiError";
    this.status = status;
  }
}
