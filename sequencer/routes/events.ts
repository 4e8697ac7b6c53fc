import type { FastifyInstance } from "fastify";
import { RoyaltyError } from "../../core/errors.ts";
import { ADDRESS_RE } from "../../core/field.ts";
import { toJsonValue } from "../../core/json.ts";
import { eventsTree } from "../../core/merkle.ts";
import type { CircuitParams } from "../../core/params.ts";
import type { Ingestor } from "../ingest.ts";
import type { Metrics } from "../metrics.ts";
import type { Store, StoredEvent } from "../store/types.ts";
import { getEventSchema, postEventsSchema } from "./schemas.ts";
export const DECIMAL_RE = /^(0|[1-9][0-9]{0,19})$/;

export function requireParam(name: string, value: string, re: RegExp, rule: string): string {
  if (!re.test(value)) {
    throw new RoyaltyError("INVALID_REQUEST", `${name}: ${rule}`, { details: { field: name } });
  }
  return value;
}

export function eventRoutes(
  app: FastifyInstance,
  deps: { store: Store; ingestor: Ingestor; metrics: Metrics; params: CircuitParams },
): void {
  const { store, ingestor, metrics, params } = deps;

  app.post("/v1/events", { schema: postEventsSchema }, async (req, reply) => {
    const end = metrics.ingestSeconds.startTimer();
    const result = await ingestor.submit(req.body);
    end();
    metrics.eventsAccepted.inc(result.newEvents);
    return reply.code(202).send({ accepted: result.accepted, heads: result.heads });
  });

  app.get<{ Params: { payer: string; seq: string } }>(
    "/v1/events/:payer/:seq",
    { schema: getEventSchema },
    async (req) => {
      const payer = requireParam("payer", req.params.payer, ADDRESS_RE, "must be a 0x address");
      const seq = requireParam("seq", req.params.seq, DECIMAL_RE, "must be a decimal string");
      // Seqs are stored as SQLite integers; one beyond 2^63 - 1 cannot have been accepted.
      const inRange = BigInt(seq) < 2n ** 63n;
      const ev = inRange ? store.event(payer.toLowerCase(), BigInt(seq)) : undefined;
      if (!ev) {
        // Not in the payer's chain: perhaps accepted once and rejected since (it can never settle).
        const rejected = inRange
          ? store.rejectedEvent(payer.toLowerCase(), BigInt(seq))
          : undefined;
        if (rejected) {
          return toJsonValue({
            payer: rejected.payer,
            seq: rejected.seq,
            assetId: rejected.assetId,
            amount: rejected.amount,
            ref: rejected.ref,
            eventHash: rejected.eventHash,
            head: rejected.head,
            status: "rejected",
            reason: rejected.reason,
            rejectedAt: new Date(rejected.rejectedAt).toISOString(),
            batch: null,
            leafIndex: null,
          });
        }
        throw new RoyaltyError("NOT_FOUND", `no event of payer ${payer} at seq ${seq}`);
      }
      const body: Record<string, unknown> = {
        payer: ev.payer,
        seq: ev.seq,
        assetId: ev.assetId,
        amount: ev.amount,
        ref: ev.ref,
        prevHead: ev.prevHead,
        eventHash: ev.eventHash,
        head: ev.head,
        status: ev.status,
        batch: ev.batch,
        leafIndex: ev.leafIndex,
      };
      if (ev.status === "settled" && ev.batch !== null && ev.leafIndex !== null) {
        const batch = store.batch(ev.batch);
        // The receipt written at cut (statement index); rebuilt only if the index lacks it.
        const stored = batch && store.receipt(batch.id, ev.leafIndex);
        const proof = stored
          ? (JSON.parse(stored) as { root: string })
          : eventsTree(params, leavesOf(params.N, store.batchEvents(ev.batch))).createProof(
              ev.leafIndex,
            );
        body.receipt = { eventsRoot: proof.root, proof, txHash: batch?.txHash ?? null };
      }
      return toJsonValue(body);
    },
  );
}

/** A batch's leaves: each event's hash at its leaf index (lineage slots and padding are 0). */
function leavesOf(slots: number, events: readonly StoredEvent[]): bigint[] {
  const leaves = Array<bigint>(slots).fill(0n);
  for (const e of events) if (e.leafIndex !== null) leaves[e.leafIndex] = e.eventHash;
  return leaves;
}
