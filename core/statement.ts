import { RoyaltyError } from "./errors.ts";
import type { LineageStep } from "./lineage.ts";
import { type Split, splitShares } from "./split.ts";

/** A split of an event's lineage as a statement line carries it: the asset and its split. */
export interface LineageSplit extends Split {
  assetId: bigint;
}

/** What one level of an event's lineage credited one account. */
export interface CreditPart {
  /** 0: the event's own asset; 1: its parent; ... */
  level: number;
  /** the level's asset, whose split names the account */
  assetId: bigint;
  /** what that split divides: the event's amount at level 0, else the share routed up to it */
  amount: bigint;
  bps: number;
  share: bigint;
  /** the rounding remainder in `share` (the split's first recipient takes it) */
  remainder: bigint;
}

/** An account's whole credit from one event, over every level of its lineage that names it. */
export interface LineageCredit {
  /** the sum of the parts' shares */
  share: bigint;
  /** one per level naming the account, lowest first */
  parts: CreditPart[];
  /** the splits from the event's asset up to the highest level with a part */
  lineage: LineageSplit[];
}

const lineageSplit = (assetId: bigint, split: Split): LineageSplit => ({
  assetId,
  recipients: [...split.recipients],
  bps: [...split.bps],
  ...(split.parent ? { parent: { ...split.parent } } : {}),
});

/**
 * The account's credit from an event whose royalty ran through `steps` (`lineageShares`, level
 * 0 first): a part per level whose split names the account, and the splits up to the highest
 * such level, so that anyone can recompute it (`lineageCredit`). None when no level names it.
 */
export function creditOf(
  steps: readonly Pick<LineageStep, "level" | "assetId" | "split" | "amount" | "shares">[],
  accountId: bigint,
): LineageCredit | undefined {
  const parts: CreditPart[] = [];
  let top = -1;
  steps.forEach((step, i) => {
    const index = step.split.recipients.indexOf(accountId);
    if (index < 0) return;
    const bps = step.split.bps[index] as number;
    const share = step.shares[index] as bigint;
    const floor = (step.amount * BigInt(bps)) / 10_000n;
    parts.push({
      level: step.level,
      assetId: step.assetId,
      amount: step.amount,
      bps,
      share,
      remainder: share - floor,
    });
    top = i;
  });
  if (top < 0) return undefined;
  return {
    share: parts.reduce((sum, p) => sum + p.share, 0n),
    parts,
    lineage: steps.slice(0, top + 1).map((s) => lineageSplit(s.assetId, s.split)),
  };
}

/**
 * A verifier's recomputation of an account's credit from an event of `amount` on
 * `lineage[0].assetId`, from the splits alone: each level split by the §3 rule, the parent's
 * share the amount of the next level, which must be that parent's split. Throws on a lineage
 * whose next split is not the previous one's parent; checking each split against the chain is
 * the caller's part.
 */
export function lineageCredit(
  amount: bigint,
  lineage: readonly LineageSplit[],
  accountId: bigint,
): LineageCredit | undefined {
  const steps: LineageStep[] = [];
  lineage.forEach((l, level) => {
    if (level > 0) {
      const below = lineage[level - 1] as LineageSplit;
      if (below.parent?.assetId !== l.assetId) {
        throw new RoyaltyError(
          "LINEAGE_MISMATCH",
          `level ${level} of the lineage is asset ${l.assetId}, not the parent of asset ${below.assetId}`,
        );
      }
    }
    const split: Split = {
      recipients: l.recipients,
      bps: l.bps,
      ...(l.parent ? { parent: l.parent } : {}),
    };
    const { accounts, parent } = splitShares(amount, split);
    steps.push({ level, assetId: l.assetId, split, amount, shares: accounts });
    amount = parent;
  });
  return creditOf(steps, accountId);
}
