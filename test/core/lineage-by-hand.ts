// An independent recomputation of lineage credits (docs/protocol.md §3) for the tests: it shares
// no code with core's split math, so a mistake there cannot hide in the expected values.

/** A split as the tests write it: accounts (any key) with bps, and an optional parent asset. */
export interface HandSplit<Account> {
  recipients: readonly Account[];
  bps: readonly number[];
  parent?: { assetId: bigint; bps: number };
}

/**
 * Per account, what one event of `amount` on `assetId` credits: at each level every entry gets
 * floor(amount * bps / 10000), the first account also the level's remainder, the parent's floor is
 * the next level's amount.
 */
export function creditsByHand<Account>(
  amount: bigint,
  assetId: bigint,
  splits: ReadonlyMap<bigint, HandSplit<Account>>,
): Map<Account, bigint> {
  const credits = new Map<Account, bigint>();
  let id: bigint | undefined = assetId;
  let left = amount;
  while (id !== undefined) {
    const split = splits.get(id);
    if (!split) throw new Error(`no split for asset ${id}`);
    const toParent = (left * BigInt(split.parent?.bps ?? 0)) / 10_000n;
    const floors = split.bps.map((b) => (left * BigInt(b)) / 10_000n);
    const remainder = floors.reduce((r, f) => r - f, left - toParent);
    split.recipients.forEach((r, i) => {
      const own = (floors[i] as bigint) + (i === 0 ? remainder : 0n);
      credits.set(r, (credits.get(r) ?? 0n) + own);
    });
    left = toParent;
    id = split.parent?.assetId;
  }
  return credits;
}
