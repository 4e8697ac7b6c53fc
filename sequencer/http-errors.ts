import type { ErrorCode } from "../core/error-codes.ts";
import { RoyaltyError } from "../core/errors.ts";

export interface ErrorBody {
  error: { code: string; message: string; details?: Record<string, unknown> };
}

// Fastify's own request errors (parsing happens before our handlers run), mapped to stable codes.
const FASTIFY_CODES: Record<string, ErrorCode> = {
  FST_ERR_CTP_INVALID_JSON_BODY: "MALFORMED_JSON",
  FST_ERR_CTP_EMPTY_JSON_BODY: "MALFORMED_JSON",
  FST_ERR_CTP_BODY_TOO_LARGE: "BODY_TOO_LARGE",
  FST_ERR_CTP_INVALID_MEDIA_TYPE: "UNSUPPORTED_MEDIA_TYPE",
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: "INVALID_REQUEST",
};

/** Any thrown value to a RoyaltyError with a stable code; unknown failures become INTERNAL. */
export function asRoyaltyError(err: unknown): RoyaltyError {
  if (err instanceof RoyaltyError) return err;
  const e = err as { code?: string; message?: string; statusCode?: number };
  const code = e.code ? FASTIFY_CODES[e.code] : undefined;
  if (code) return new RoyaltyError(code, e.message ?? code, { cause: err });
  if (err instanceof SyntaxError && e.statusCode === 400) {
    return new RoyaltyError("MALFORMED_JSON", err.message, { cause: err });
  }
  if (e.statusCode && e.statusCode >= 400 && e.statusCode < 500) {
    return new RoyaltyError("INVALID_REQUEST", e.message ?? "bad request", { cause: err });
  }
  return new RoyaltyError("INTERNAL", "internal error; the request was not applied", {
    cause: err,
  });
}

export function errorBody(err: RoyaltyError): ErrorBody {
  return {
    error: {
      code: err.code,
      message: err.message,
      ...(err.details ? { details: err.details } : {}),
    },
  };
}
