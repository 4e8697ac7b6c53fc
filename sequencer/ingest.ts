import { isSmallOrderKey, type PubKey, type Signature } from "../core/eddsa.ts";
import { RoyaltyError } from "../core/errors.ts";
import { lineageOf } from "../core/lineage.ts";
import type { CircuitParams } from "../core/params.ts";
import type { Ack } from "../sdk/client.ts";
import { splitOfView } from "./batch-request.ts";
import type { ChainPayer, ChainView } from "./chain-state.ts";
import type { ChainRunner } from "./crypto/pool.ts";
import { GroupCommit } from "./group-commit.ts";
import { type ParsedEvent, parseEventsBody } from "./ingest-schema.ts";
import { KeyedLock } from "./keyed-lock.ts";
import type { NewEvent, PayerAdvance, PayerRecord, Store, StoredEvent } from "./store/types.ts";

export interface IngestResult {
  accepted: Ack[];
  /** per payer in the request: its head after the request's last event of that payer */
  heads: Record<string, string>;
  /** how many events were new (the rest were idempotent repeats) */
  newEvents: number;
}

interface PayerPart {
  payer: string;
  events: ParsedEvent[];
}

export interface IngestOptions {
  /**
   * Seconds before a key rotation can take effect from which signatures under the old key are
   * refused: events signed later could not settle before anyone may apply the rotation.
   */
  changeMarginSec?: number;
}

const sameSignature = (a: Signature | null, b: Signature | null) =>
  a === b || (!!a && !!b && a.S === b.S && a.R8[0] === b.R8[0] && a.R8[1] === b.R8[1]);

function sameContent(p: ParsedEvent, s: StoredEvent): boolean {
  return (
    p.event.assetId === s.assetId &&
    p.event.amount === s.amount &&
    p.event.ref === s.ref &&
    sameSignature(p.signature, s.signature)
  );
}

const ack = (payer: string, seq: bigint, eventHash: bigint, head: bigint): Ack => ({
  payer,
  seq: seq.toString(),
  eventHash: eventHash.toString(),
  head: head.toString(),
});

/**
 * Acceptance of POST /v1/events (docs/protocol.md §2, §11). A request is all or nothing: either every event
 * in it is chained, signature-checked and durably stored, or nothing is stored and a RoyaltyError
 * says why. Rules that need care:
 *
 * - Events of several payers may share a request; each payer's events must be consecutive seqs,
 *   chained from the payer's current head (settled head plus everything accepted since).
 * - "The last event of a request must be signed" is applied per payer: the last event of each
 *   payer in the request. That is what lets the batcher end every payer's run at a signature.
 * - Every signature present is verified, over the head reached at its event.
 * - A resubmitted event (same payer and seq, same content) gets its original ack; the same seq
 *   with other content is 409 CONFLICT. A request may repeat a prefix and then continue.
 */
export class Ingestor {
  private readonly locks = new KeyedLock();
  private readonly commits: GroupCommit;

  constructor(
    private readonly store: Store,
    private readonly chain: ChainView,
    private readonly runner: ChainRunner,
    private readonly params: Pick<CircuitParams, "N" | "A" | "R" | "D">,
    private readonly options: IngestOptions = {},
  ) {
    this.commits = new GroupCommit(store);
  }

  async submit(body: unknown): Promise<IngestResult> {
    const events = parseEventsBody(body);
    const parts = this.splitByPayer(events);
    const release = await this.locks.acquire(parts.map((p) => p.payer));
    try {
      return await this.accept(events, parts);
    } finally {
      release();
    }
  }

  private splitByPayer(events: ParsedEvent[]): PayerPart[] {
    const byPayer = new Map<string, ParsedEvent[]>();
    for (const e of events) {
      const list = byPayer.get(e.payer);
      if (list) list.push(e);
      else byPayer.set(e.payer, [e]);
    }
    const parts: PayerPart[] = [];
    for (const [payer, list] of byPayer) {
      list.forEach((e, i) => {
        const prev = list[i - 1];
        if (prev && e.event.seq !== prev.event.seq + 1n) {
          throw new RoyaltyError(
            "SEQ_GAP",
            `${e.where}.seq: must be ${prev.event.seq + 1n}, the seq after ${prev.where}.seq of the same payer`,
            { details: { payer, index: e.index, expectedSeq: (prev.event.seq + 1n).toString() } },
          );
        }
      });
      const last = list[list.length - 1] as ParsedEvent;
      if (!last.signature) {
        throw new RoyaltyError(
          "LAST_EVENT_UNSIGNED",
          `${last.where || "event"}: the last event of payer ${payer} in a request must be signed`,
          { details: { payer, index: last.index, seq: last.event.seq.toString() } },
        );
      }
      parts.push({ payer, events: list });
    }
    for (const e of events) {
      if (!this.chain.asset(e.event.assetId)) {
        throw new RoyaltyError(
          "UNKNOWN_ASSET",
          `${e.where ? `${e.where}.` : ""}assetId: asset ${e.event.assetId} is not registered on chain`,
          { details: { assetId: e.event.assetId.toString(), index: e.index } },
        );
      }
    }
    for (const part of parts) this.checkRuns(part, this.params);
    return parts;
  }

  /**
   * A run (a payer's events up to and including a signed one) must fit one batch: at most N
   * event slots (an event takes one more per parent of its asset's lineage), A assets (the
   * lineages' too) and R recipients of their splits. A batch can only end a payer's events at a
   * signature, so a bigger run could never be batched and its escrow would stay locked.
   */
  private checkRuns(part: PayerPart, limits: Pick<CircuitParams, "N" | "A" | "R" | "D">): void {
    let first = 0;
    let slots = 0;
    let assets = new Set<bigint>();
    let recipients = new Set<bigint>();
    part.events.forEach((e, i) => {
      const lineage = this.lineage(e);
      slots += lineage.length;
      for (const assetId of lineage) {
        if (assets.has(assetId)) continue;
        assets.add(assetId);
        for (const r of this.chain.asset(assetId)?.split.recipients ?? []) recipients.add(r);
      }
      if (slots > limits.N || assets.size > limits.A || recipients.size > limits.R) {
        const from = (part.events[first] as ParsedEvent).event.seq;
        throw new RoyaltyError(
          "RUN_TOO_LARGE",
          `${e.where ? `${e.where}.` : ""}signature: payer ${part.payer}'s events from seq ${from} to ${e.event.seq} are not signed in between and need ${slots} event slots, ${assets.size} assets and ${recipients.size} recipients, more than one batch holds (${limits.N} event slots, ${limits.A} assets, ${limits.R} recipients; each parent of an asset's lineage takes one more event slot); sign an event within every run that fits a batch`,
          {
            details: {
              payer: part.payer,
              index: e.index,
              fromSeq: from.toString(),
              limits: { events: limits.N, assets: limits.A, recipients: limits.R },
            },
          },
        );
      }
      if (e.signature) {
        first = i + 1;
        slots = 0;
        assets = new Set();
        recipients = new Set();
      }
    });
  }

  /** The event's asset and its parents (LINEAGE_TOO_DEEP, 422, past D: the contract forbids it). */
  private lineage(e: ParsedEvent): bigint[] {
    try {
      return lineageOf(e.event.assetId, splitOfView(this.chain), this.params.D);
    } catch (error) {
      if (error instanceof RoyaltyError && error.code === "LINEAGE_TOO_DEEP") {
        throw new RoyaltyError(
          "LINEAGE_TOO_DEEP",
          `${e.where ? `${e.where}.` : ""}assetId: ${error.message}`,
          { details: { ...error.details, index: e.index } },
        );
      }
      throw error;
    }
  }

  /** The payer's chain state, read under its lock (so no change slips in between). */
  private chainPayer(part: PayerPart): ChainPayer {
    const last = part.events[part.events.length - 1] as ParsedEvent;
    const chain = this.chain.payer(last.event.payer);
    if (!chain) {
      throw new RoyaltyError("UNKNOWN_PAYER", `payer ${part.payer} is not registered on chain`, {
        details: { payer: part.payer, index: last.index },
      });
    }
    if (isSmallOrderKey(chain.pubKey)) {
      throw new RoyaltyError(
        "SMALL_ORDER_KEY",
        `payer ${part.payer}'s registered key is a small-order point: anyone could sign for it, so no batch may carry its events; rotate to a proper key`,
        { details: { payer: part.payer } },
      );
    }
    return chain;
  }

  /** The keys a signature may verify under: the registered one, then a requested rotation's. */
  private keysOf(chain: ChainPayer): { pubKeys: PubKey[]; keyHashes: bigint[] } {
    const pending = chain.pendingKey;
    if (!pending || isSmallOrderKey(pending.pubKey)) {
      return { pubKeys: [chain.pubKey], keyHashes: [chain.keyHash] };
    }
    return {
      pubKeys: [chain.pubKey, pending.pubKey],
      keyHashes: [chain.keyHash, pending.keyHash],
    };
  }

  private async accept(events: ParsedEvent[], parts: PayerPart[]): Promise<IngestResult> {
    const acks = new Map<number, Ack>();
    const work: {
      part: PayerPart;
      chain: ChainPayer;
      fresh: ParsedEvent[];
      state: PayerRecord;
    }[] = [];
    for (const part of parts) {
      const chain = this.chainPayer(part);
      const state = this.store.payerState(part.payer) ?? {
        payer: part.payer,
        nextSeq: 1n,
        head: chain.head,
        pendingDebits: 0n,
      };
      const first = part.events[0] as ParsedEvent;
      if (first.event.seq > state.nextSeq) {
        throw new RoyaltyError(
          "SEQ_GAP",
          `${first.where ? `${first.where}.` : ""}seq: payer ${part.payer} expects seq ${state.nextSeq} next, got ${first.event.seq}`,
          {
            details: {
              payer: part.payer,
              index: first.index,
              expectedSeq: state.nextSeq.toString(),
            },
          },
        );
      }
      const repeats = part.events.filter((e) => e.event.seq < state.nextSeq);
      if (repeats.length > 0) {
        const stored = this.store.events(
          part.payer,
          first.event.seq,
          first.event.seq + BigInt(repeats.length - 1),
        );
        repeats.forEach((e, i) => {
          const s = stored[i];
          if (!s || s.seq !== e.event.seq || !sameContent(e, s)) {
            throw new RoyaltyError(
              "CONFLICT",
              `${e.where ? `${e.where}: ` : ""}payer ${part.payer} already has a different event at seq ${e.event.seq}`,
              { details: { payer: part.payer, index: e.index, seq: e.event.seq.toString() } },
            );
          }
          acks.set(e.index, ack(part.payer, s.seq, s.eventHash, s.head));
        });
      }
      const fresh = part.events.slice(repeats.length);
      const debit = fresh.reduce((sum, e) => sum + e.event.amount, 0n);
      const available = chain.escrow - state.pendingDebits - chain.pendingWithdrawal;
      if (debit > 0n && available < debit) {
        throw new RoyaltyError(
          "INSUFFICIENT_ESCROW",
          `payer ${part.payer} has ${available} base units of escrow free (escrow ${chain.escrow} - pending debits ${state.pendingDebits} - pending withdrawals ${chain.pendingWithdrawal}) but the request debits ${debit}`,
          {
            details: {
              payer: part.payer,
              escrow: chain.escrow.toString(),
              pendingDebits: state.pendingDebits.toString(),
              pendingWithdrawal: chain.pendingWithdrawal.toString(),
              requested: debit.toString(),
            },
          },
        );
      }
      work.push({ part, chain, fresh, state });
    }

    const results = await Promise.all(
      work.map(({ chain, fresh, state }) =>
        fresh.length === 0
          ? null
          : this.runner.run({
              startHead: state.head,
              events: fresh.map((e) => e.event),
              signatures: fresh.map((e) => e.signature),
              pubKeys: this.keysOf(chain).pubKeys,
            }),
      ),
    );

    const rows: NewEvent[] = [];
    const records: PayerAdvance[] = [];
    const heads: Record<string, string> = {};
    work.forEach(({ part, chain, fresh, state }, w) => {
      const result = results[w];
      if (result) {
        const { keyHashes } = this.keysOf(chain);
        if (result.badSignature >= 0) {
          const e = fresh[result.badSignature] as ParsedEvent;
          throw new RoyaltyError(
            "BAD_SIGNATURE",
            `${e.where ? `${e.where}.` : ""}signature: does not verify over the payer's head at seq ${e.event.seq} under the registered key of ${part.payer}`,
            { details: { payer: part.payer, index: e.index, seq: e.event.seq.toString() } },
          );
        }
        this.refuseRetiringKey(part, chain, fresh, result.signedWith);
        let prevHead = state.head;
        fresh.forEach((e, i) => {
          // The event's hash is its payer's head after it (docs/protocol.md §2).
          const head = result.heads[i] as bigint;
          const eventHash = head;
          const key = result.signedWith[i] as number;
          rows.push({
            ...e.event,
            payer: part.payer,
            signature: e.signature,
            keyHash: key < 0 ? null : (keyHashes[key] as bigint),
            eventHash,
            prevHead,
            head,
          });
          acks.set(e.index, ack(part.payer, e.event.seq, eventHash, head));
          prevHead = head;
        });
        records.push({
          payer: part.payer,
          fromHead: state.head,
          nextSeq: state.nextSeq + BigInt(fresh.length),
          head: prevHead,
          addedDebits: fresh.reduce((s, e) => s + e.event.amount, 0n),
        });
      }
      const lastIndex = (part.events[part.events.length - 1] as ParsedEvent).index;
      heads[part.payer] = (acks.get(lastIndex) as Ack).head;
    });

    if (rows.length > 0) await this.commits.commit(rows, records);
    return {
      accepted: events.map((e) => acks.get(e.index) as Ack),
      heads,
      newEvents: rows.length,
    };
  }

  /**
   * Once a key rotation is requested, a signature under the old key is refused from
   * `changeMarginSec` before the rotation can take effect: its events could not settle before
   * anyone may apply the rotation, and would then be rejected after their 202.
   */
  private refuseRetiringKey(
    part: PayerPart,
    chain: ChainPayer,
    fresh: ParsedEvent[],
    signedWith: number[],
  ): void {
    const pending = chain.pendingKey;
    if (!pending) return;
    const margin = BigInt(this.options.changeMarginSec ?? 600);
    if (this.chain.now() < pending.effectiveAt - margin) return;
    const i = signedWith.indexOf(0);
    if (i < 0) return;
    const e = fresh[i] as ParsedEvent;
    throw new RoyaltyError(
      "KEY_ROTATION_PENDING",
      `${e.where ? `${e.where}.` : ""}signature: payer ${part.payer} has a key rotation taking effect at ${pending.effectiveAt} (chain time); events signed with the old key now could not settle before it, sign with the new key`,
      {
        details: {
          payer: part.payer,
          index: e.index,
          seq: e.event.seq.toString(),
          effectiveAt: pending.effectiveAt.toString(),
        },
      },
    );
  }
}
