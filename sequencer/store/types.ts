import type { CircuitInput } from "../../core/batch.ts";
import type { Signature } from "../../core/eddsa.ts";
import type { ParentEntry } from "../../core/split.ts";
import type { CreditPart, LineageSplit } from "../../core/statement.ts";

export type EventStatus = "accepted" | "batched" | "proven" | "settled";
/** `dropped`: the chain changed what the batch was built on; its events were cut again */
export type BatchStatus = "batched" | "proven" | "settled" | "dropped";

/** An accepted event as ingest hands it to the store: already chained and signature-checked. */
export interface NewEvent {
  /** lowercase 0x address */
  payer: string;
  seq: bigint;
  assetId: bigint;
  amount: bigint;
  ref: bigint;
  signature: Signature | null;
  /** key hash of the key the signature verified under (null for an unsigned event) */
  keyHash: bigint | null;
  /** the event's hash: its payer's head after it (equal to `head`) */
  eventHash: bigint;
  /** the payer's head before this event and after it */
  prevHead: bigint;
  head: bigint;
}

/** The fields an event is published with: what its hash commits to, and the hash. */
export type EventFields = Pick<
  NewEvent,
  "payer" | "seq" | "assetId" | "amount" | "ref" | "prevHead" | "eventHash"
>;

export interface StoredEvent extends NewEvent {
  status: EventStatus;
  batch: number | null;
  leafIndex: number | null;
  receivedAt: number;
  /** acceptance order across all payers */
  ord: number;
}

/** The sequencer's own view of a payer's chain: everything accepted, settled or not. */
export interface PayerRecord {
  payer: string;
  nextSeq: bigint;
  head: bigint;
  /** sum of amounts of accepted events not yet settled */
  pendingDebits: bigint;
}

/** How one request moves a payer's chain: its new next seq and head, and the debits it adds. */
export interface PayerAdvance {
  payer: string;
  /** the head the request chained from: the commit fails if the payer's chain moved meanwhile */
  fromHead: bigint;
  nextSeq: bigint;
  head: bigint;
  addedDebits: bigint;
}

/** What a batch was built against: the chain state its proof and settlement call assume. */
export interface BuiltAgainst {
  /** per used payer slot: address (lowercase 0x), key hash, old and new head, debit */
  payers: { address: string; keyHash: string; oldHead: string; newHead: string; debit: string }[];
  /** per used asset slot */
  assets: { assetId: string; splitHash: string }[];
}

/**
 * A batch as it was built, once, at cut: everything proving and settlement need, so nothing is
 * rebuilt from the live chain view. Numbers are decimal strings.
 */
export interface BatchContent {
  input: CircuitInput;
  publicSignals: string[];
  /** core PublicData */
  publicData: Record<string, string | string[]>;
  /** RoyaltyRollup.settleBatch's BatchData struct */
  calldata: {
    eventsRoot: string;
    payers: string[];
    oldHeads: string[];
    newHeads: string[];
    assetIds: string[];
    splitHashes: string[];
    packed: string[];
  };
  against: BuiltAgainst;
  /**
   * events in batch order with their leaf index: their event slot, the position among the slots
   * (an event is followed by a slot per parent of its asset, docs/protocol.md §4); absent in
   * batches cut before lineage, whose leaf index is the event's position
   */
  events: { payer: string; seq: string; leaf?: number }[];
}

export interface NewBatch {
  number: number;
  content: BatchContent;
  index: BatchIndex;
}

/**
 * One account's credit from one event of a batch, as the splits applied it: over every level of
 * the event's lineage that names the account (docs/protocol.md §3, §17).
 */
export interface Credit {
  accountId: bigint;
  leafIndex: number;
  /** the account's whole share of the event: the sum of `parts` */
  share: bigint;
  /** level 0's bps, or the first part's when the event's own split does not name the account */
  bps: number;
  /** the rounding remainder in that level's share (the split's first recipient takes it) */
  remainder: bigint;
  /** the split the batch applied to the event's asset (account ids, basis points, parent) */
  split: { recipients: bigint[]; bps: number[]; parent?: ParentEntry };
  /** per level of the lineage whose split names the account, lowest first */
  parts: CreditPart[];
  /** the splits from the event's asset up to the highest level with a part */
  lineage: LineageSplit[];
}

/**
 * A batch's statement index, computed once at cut (it never changes): every account's credit
 * from every event, and every event's Merkle receipt, so a statement reads rows instead of
 * rebuilding trees on each request.
 */
export interface BatchIndex {
  credits: Credit[];
  /** per event, at its leaf index (its event slot): its Merkle proof under the eventsRoot, as JSON */
  receipts: { leafIndex: number; proof: string }[];
}

/** Which indexed credits: an account's, in batches `fromBatch..toBatch`, settled or pending. */
export interface CreditQuery {
  accountId: bigint;
  fromBatch: number;
  toBatch: number;
  settled: boolean;
}

/** An indexed credit with its event and its batch: one statement line. */
export interface IndexedCredit extends Credit, EventFields {
  batchId: number;
  batch: number;
  batchStatus: BatchStatus;
  txHash: string | null;
  settledAt: number | null;
}

export interface BatchRecord {
  /** row id: a batch number is used again when a dropped batch is cut anew */
  id: number;
  number: number;
  status: BatchStatus;
  /** "sequencer": cut here; "chain": settled by someone else with a batch this sequencer never cut */
  origin: "sequencer" | "chain";
  eventCount: number;
  eventsRoot: string;
  /** null for a batch of chain origin */
  content: BatchContent | null;
  proof: string | null;
  /** the settlement transaction: the last one sent, then the one that settled it */
  txHash: string | null;
  gasUsed: string | null;
  createdAt: number;
  provenAt: number | null;
  settledAt: number | null;
  dropReason: string | null;
}

/** A batch without its content and proof: what a list of batches shows. */
export type BatchSummary = Omit<BatchRecord, "content" | "proof">;

/** An event that can never settle, moved out of the payer's chain with a stable reason code. */
export interface RejectedEvent extends Omit<EventFields, "prevHead"> {
  head: bigint;
  reason: RejectReason;
  rejectedAt: number;
}

/** Why a 202'd event can never settle (docs/protocol.md §14). */
export type RejectReason = "KEY_ROTATED" | "UNFUNDED" | "RUN_TOO_LARGE" | "CHAIN_DIVERGED";

export interface QueueDepths {
  accepted: number;
  batched: number;
  proven: number;
}

/**
 * Durable state of the sequencer. Every mutating call is one transaction that is on disk when it
 * returns, so an HTTP 202 sent after it survives a crash.
 */
export interface Store {
  payerState(payer: string): PayerRecord | undefined;
  event(payer: string, seq: bigint): StoredEvent | undefined;
  /** the payer's events with fromSeq <= seq <= toSeq, in seq order */
  events(payer: string, fromSeq: bigint, toSeq: bigint): StoredEvent[];
  /**
   * Inserts events and advances their payers, atomically. Pending debits are added inside the
   * transaction, not written from a value read earlier, so a settlement committed meanwhile
   * (`markSettled`) is never overwritten.
   */
  appendEvents(events: readonly NewEvent[], payers: readonly PayerAdvance[]): void;
  /** up to `limit` events not yet in a batch, in acceptance order, leaving out `exclude` payers */
  unbatchedEvents(limit: number, exclude?: readonly string[]): StoredEvent[];
  /** the highest batch number not dropped (0 before the first) */
  lastBatchNumber(): number;
  /** stores the batch and gives each of its events the batch number and its leaf index */
  insertBatch(batch: NewBatch): number;
  /** the batch with this number that is not dropped */
  batch(number: number): BatchRecord | undefined;
  batchById(id: number): BatchRecord | undefined;
  batchEvents(number: number): StoredEvent[];
  /** batches cut and not settled or dropped, in number order */
  unsettledBatches(): BatchRecord[];
  /** the latest `limit` batches not dropped below number `before`, newest first, without content */
  recentBatches(limit: number, before?: number): BatchSummary[];
  /**
   * An account's indexed credits in the batches numbered `fromBatch..toBatch` that are settled
   * (or, `settled: false`, cut and not settled yet), in (batch, leaf index) order.
   */
  credits(q: CreditQuery): IndexedCredit[];
  /** the receipt stored at cut for a leaf of a batch (by row id) */
  receipt(batchId: number, leafIndex: number): string | undefined;
  /** settled batches numbered `fromBatch..toBatch` that this sequencer did not cut */
  chainOriginBatches(fromBatch: number, toBatch: number): { number: number; settledAt: number }[];
  /** row ids of batches with content but no index (cut before the index existed) */
  unindexedBatches(): number[];
  /** stores the index of a batch cut before the index existed */
  indexBatch(id: number, index: BatchIndex): void;
  /** records the proof of a batch still waiting for one; false if it was dropped meanwhile */
  markProven(id: number, proof: string): boolean;
  /** the settlement transaction last sent for the batch (its status still comes from the chain) */
  recordSubmission(id: number, txHash: string): void;
  rejectedEvent(payer: string, seq: bigint): RejectedEvent | undefined;
  queueDepths(): QueueDepths;
  getValue(key: string): string | undefined;
  setValue(key: string, value: string): void;
  close(): void;
}

/**
 * The writes only the batch lifecycle makes (sequencer/pipeline/lifecycle.ts), each inside the
 * lifecycle's transaction together with the chain view it follows from.
 */
export interface LifecycleStore extends Store {
  /** runs `fn` in one SQLite transaction (nested calls join the outer one) */
  transaction<T>(fn: () => T): T;
  /** the batch and its events settled, by the chain's BatchSettled */
  settleBatch(id: number, txHash: string, gasUsed: bigint | null): void;
  /** a batch settled on chain that this sequencer did not cut (or no longer holds) */
  insertChainBatch(
    number: number,
    eventsRoot: string,
    txHash: string,
    gasUsed: bigint | null,
  ): void;
  /** the batch is dropped; its events go back to `accepted`, out of any batch */
  dropBatch(id: number, reason: string): void;
  /** the most recent dropped batch with this number and events root */
  droppedBatch(number: number, eventsRoot: string): BatchRecord | undefined;
  /** gives a dropped batch's events back to it and settles it (its copy settled on chain) */
  reviveSettled(id: number, txHash: string, gasUsed: bigint | null): void;
  /** the payer's events not settled yet, in seq order */
  unsettledEventsOf(payer: string): StoredEvent[];
  /** the payer's settled event with the highest seq */
  lastSettledEventOf(payer: string): StoredEvent | undefined;
  /** the payer's event whose head is `head` */
  eventByHead(payer: string, head: bigint): StoredEvent | undefined;
  /** settles the payer's events up to `seq` that a batch this sequencer did not cut covered */
  settleEventsUpTo(payer: string, seq: bigint, batchNumber: number): void;
  /** moves the payer's events from `seq` on out of its chain, as rejected with `reason` */
  rejectEventsFrom(payer: string, seq: bigint, reason: RejectReason): number;
  /** sets the payer's next seq and head, and its pending debits from its unsettled events */
  resetPayer(payer: string, nextSeq: bigint, head: bigint): void;
  /** recomputes the payer's pending debits from its unsettled events */
  refreshPendingDebits(payer: string): void;
}
