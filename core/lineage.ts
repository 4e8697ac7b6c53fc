import { RoyaltyError } from "./errors.ts";
import { type Split, splitShares } from "./split.ts";

/** The split of an asset as the batch applies it, or undefined for an unknown asset. */
export type SplitOf = (assetId: bigint) => Split | undefined;

/**
 * The assets an event's royalty runs through (docs/protocol.md §3): the event's asset, then its
 * parent, the parent's parent, ..., at most `maxDepth` parents. Throws `UNKNOWN_ASSET` for an
 * asset without a split and `LINEAGE_TOO_DEEP` past `maxDepth` (which also ends any cycle).
 */
export function lineageOf(assetId: bigint, splitOf: SplitOf, maxDepth: number): bigint[] {
  const chain = [assetId];
  for (let id = assetId; ; ) {
    const split = splitOf(id);
    if (!split) throw new RoyaltyError("UNKNOWN_ASSET", `asset ${id} has no registered split`);
    if (!split.parent) return chain;
    if (chain.length > maxDepth) {
      throw new RoyaltyError(
        "LINEAGE_TOO_DEEP",
        `asset ${assetId}'s lineage climbs more than ${maxDepth} parents (${chain.join(" -> ")} -> ${split.parent.assetId}); the circuit allows ${maxDepth}`,
        { details: { assetId: String(assetId), maxDepth } },
      );
    }
    id = split.parent.assetId;
    chain.push(id);
  }
}

/** One level of an event's lineage: the amount an asset's split divides there. */
export interface LineageStep {
  /** 0: the event's own asset; 1: its parent; ... */
  level: number;
  assetId: bigint;
  split: Split;
  /** the event's amount at level 0, else the share the level below routed to this parent */
  amount: bigint;
  /** per recipient of `split`: its share (the first's includes the rounding remainder) */
  shares: bigint[];
}

/**
 * An event's amount split level by level up its lineage, each level by the §3 rule: the share of
 * a parent is the amount its own split divides. Every account share of every level is a credit;
 * together they sum to the event's amount exactly.
 */
export function lineageShares(
  amount: bigint,
  assetId: bigint,
  splitOf: SplitOf,
  maxDepth: number,
): LineageStep[] {
  const steps: LineageStep[] = [];
  let level = 0;
  for (const id of lineageOf(assetId, splitOf, maxDepth)) {
    const split = splitOf(id) as Split;
    const { accounts, parent } = splitShares(amount, split);
    steps.push({ level, assetId: id, split, amount, shares: accounts });
    amount = parent;
    level++;
  }
  return steps;
}

/** Where a batch's events sit among its event slots, and what each event's lineage credits. */
export interface SlotLayout {
  /** per event, its slot: its leaf index in the events tree */
  eventSlots: number[];
  /** slots used: one per event and one per lineage level */
  slotCount: number;
  /** per event, its lineage levels (level 0: the event's own asset) */
  lineages: LineageStep[][];
}

/**
 * The slots of a batch's events in batch order (docs/protocol.md §4): each event, then one slot
 * per parent its royalty climbs. The batch builder, the statement index and `royalty verify` all
 * place leaves with it.
 */
export function slotLayout(
  events: readonly { assetId: bigint; amount: bigint }[],
  splitOf: SplitOf,
  maxDepth: number,
): SlotLayout {
  const eventSlots: number[] = [];
  const lineages: LineageStep[][] = [];
  let slotCount = 0;
  for (const e of events) {
    const steps = lineageShares(e.amount, e.assetId, splitOf, maxDepth);
    eventSlots.push(slotCount);
    lineages.push(steps);
    slotCount += steps.length;
  }
  return { eventSlots, slotCount, lineages };
}
