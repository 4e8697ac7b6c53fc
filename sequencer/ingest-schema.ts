import { z } from "zod";
import type { Signature } from "../core/eddsa.ts";
import { RoyaltyError } from "../core/errors.ts";
import { MAX_EVENTS_PER_REQUEST, type RoyaltyEvent, validateEvent } from "../core/event.ts";
import { ADDRESS_RE, addressToBigInt, requireFieldElement } from "../core/field.ts";

// 78 digits bound every field element and keeps BigInt parsing of hostile input cheap; ranges are
// then checked by core (validateEvent), the one place that knows them.
const decimal = z
  .string()
  .regex(/^(0|[1-9][0-9]{0,77})$/, "must be a decimal string of at most 78 digits");
const address = z.string().regex(ADDRESS_RE, "must be a 20-byte 0x-prefixed hex address");

export const signatureSchema = z.strictObject({
  R8: z.tuple([decimal, decimal]),
  S: decimal,
});

export const eventSchema = z.strictObject({
  payer: address,
  seq: decimal,
  assetId: decimal,
  amount: decimal,
  ref: decimal.optional(),
  signature: signatureSchema.optional(),
});

export const bulkSchema = z.strictObject({
  events: z
    .array(eventSchema)
    .min(1, "must hold at least 1 event")
    .max(MAX_EVENTS_PER_REQUEST, `must hold at most ${MAX_EVENTS_PER_REQUEST} events`),
});

export type EventBody = z.infer<typeof eventSchema>;

/** One event of a request, parsed and range-checked, with where it sat in the request. */
export interface ParsedEvent {
  index: number;
  /** JSON path prefix for messages: `events[3]`, or `` for a single-event body */
  where: string;
  /** lowercase 0x address: the payer's key in the store */
  payer: string;
  event: RoyaltyEvent;
  signature: Signature | null;
}

function pathOf(path: readonly PropertyKey[]): string {
  let out = "";
  for (const p of path) out += typeof p === "number" ? `[${p}]` : out ? `.${String(p)}` : String(p);
  return out || "(body)";
}

function rejectSchema(error: z.ZodError): never {
  const issues = error.issues.map((i) => ({ path: pathOf(i.path), message: i.message }));
  const first = issues[0] as { path: string; message: string };
  throw new RoyaltyError("INVALID_REQUEST", `${first.path}: ${first.message}`, {
    details: { issues: issues.slice(0, 20) },
  });
}

function field(where: string, name: string): string {
  return where ? `${where}.${name}` : name;
}

/** Re-throws core's INVALID_FIELD with the API's `path: rule` message form. */
function checked<T>(fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    if (err instanceof RoyaltyError && err.code === "INVALID_FIELD" && err.details) {
      const f = String(err.details.field).replace(/^\./, "");
      throw new RoyaltyError("INVALID_FIELD", `${f}: ${String(err.details.rule)}`, {
        details: { ...err.details, field: f },
      });
    }
    throw err;
  }
}

function toParsed(body: EventBody, index: number, where: string): ParsedEvent {
  return checked(() => {
    const event: RoyaltyEvent = {
      payer: addressToBigInt(field(where, "payer"), body.payer),
      seq: BigInt(body.seq),
      assetId: BigInt(body.assetId),
      amount: BigInt(body.amount),
      ref: BigInt(body.ref ?? "0"),
    };
    validateEvent(event, where);
    let signature: Signature | null = null;
    if (body.signature) {
      const s = body.signature;
      signature = {
        R8: [
          requireFieldElement(field(where, "signature.R8[0]"), BigInt(s.R8[0])),
          requireFieldElement(field(where, "signature.R8[1]"), BigInt(s.R8[1])),
        ],
        S: BigInt(s.S),
      };
    }
    return { index, where, payer: body.payer.toLowerCase(), event, signature };
  });
}

/**
 * A POST /v1/events body to events: one event object, or `{ events: [...] }`. Errors name the
 * field and the rule, e.g. `events[3].amount: must satisfy 0 < amount < 10000 * 2^83`.
 */
export function parseEventsBody(body: unknown): ParsedEvent[] {
  if (body !== null && typeof body === "object" && !Array.isArray(body) && "events" in body) {
    const r = bulkSchema.safeParse(body);
    if (!r.success) rejectSchema(r.error);
    return r.data.events.map((e, i) => toParsed(e, i, `events[${i}]`));
  }
  const r = eventSchema.safeParse(body);
  if (!r.success) rejectSchema(r.error);
  return [toParsed(r.data, 0, "")];
}
