import type { Signature } from "../../core/eddsa.ts";

export type EventStatus = "accepted" | "batched" | "proven" | "settled";
export type BatchStatus = "batched" | "proven" | "settled";

/** An accepted event as ingest hands it to the store: already chained and signature-checked. */
export interface NewEvent {
  /** lowercase 0x address */
  payer: string;
  seq: bigint;
  assetId: bigint;
  amount: bigint;
  ref: bigint;
  signature: Signature | null;
  eventHash: bigint;
  /** the payer's head before this event and after it */
  prevHead: bigint;
  head: bigint;
}

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
  nextSeq: bigint;
  head: bigint;
  addedDebits: bigint;
}

export interface NewBatch {
  number: number;
  /** JSON of core PublicData with bigints as decimal strings */
  publicData: string;
  /** events in batch order (their leaf index is their position) */
  events: readonly { payer: string; seq: bigint }[];
}

export interface BatchRecord {
  number: number;
  status: BatchStatus;
  eventCount: number;
  publicData: string;
  proof: string | null;
  txHash: string | null;
  gasUsed: string | null;
  createdAt: number;
  provenAt: number | null;
  settledAt: number | null;
}

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
  /** up to `limit` events not yet in a batch, in acceptance order */
  unbatchedEvents(limit: number): StoredEvent[];
  lastBatchNumber(): number;
  /** stores the batch and gives each of its events the batch number and its leaf index */
  insertBatch(batch: NewBatch): void;
  batch(number: number): BatchRecord | undefined;
  batchEvents(number: number): StoredEvent[];
  unsettledBatches(): BatchRecord[];
  markProven(number: number, proof: string): void;
  /** settles the batch: its events' debits leave the payers' pending debits */
  markSettled(number: number, txHash: string, gasUsed: bigint): void;
  queueDepths(): QueueDepths;
  getValue(key: string): string | undefined;
  setValue(key: string, value: string): void;
  close(): void;
}
