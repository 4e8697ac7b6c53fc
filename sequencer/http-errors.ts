import { RoyaltyError } from "../core/errors.ts";

/** HTTP status of every error code the API returns; anything unlisted is a 500. */
export const STATUS_OF: Record<string, number> = {
  MALFORMED_JSON: 400,
  INVALID_REQUEST: 400,
  INVALID_FIELD: 400,
  LAST_EVENT_UNSIGNED: 400,
  NOT_FOUND: 404,
  SEQ_GAP: 409,
  CONFLICT: 409,
  PAYER_CHAIN_MOVED: 409,
  BODY_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  UNKNOWN_PAYER: 422,
  UNKNOWN_ASSET: 422,
  BAD_SIGNATURE: 422,
  INSUFFICIENT_ESCROW: 422,
  RUN_TOO_LARGE: 422,
  LINEAGE_TOO_DEEP: 422,
  KEY_ROTATION_PENDING: 422,
  SMALL_ORDER_KEY: 422,
  INTERNAL: 500,
};

export interface ErrorBody {
  error: { code: string; message: string; details?: Record<string, unknown> };
}

// Fastify's own request errors (parsing happens before our handlers run), mapped to stable codes.
const FASTIFY_CODES: Record<string, string> = {
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
