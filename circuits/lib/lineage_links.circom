pragma circom 2.2.0;

// LineageLinks(N, D): each parent's share of a slot is the lineage slot right after it
// (docs/protocol.md §3, §7 rule 7).
//
// A slot whose asset has a parent (parentAsset != 0) routes its last entry's share there: the next
// slot must be a lineage slot of exactly that asset with exactly that amount, which the parent's
// split then divides like any event. A lineage slot follows a slot with a parent, so it always
// has one; the first slot never is one and the last never has a parent. Each slot's level counts
// the lineage slots since the last event (0 for an event or padding) and may not reach D + 1: a
// share climbs at most D parents.
//
// Why adjacency: each lineage slot reads one neighbour's values, 4 constraints per slot here
// (plus the parent selection in EventSlot), with no search over the batch; it allows one parent
// per split (docs/protocol.md §3 gives the measured alternatives).
//
// Not enforced here: that the lineage slot divides its amount by its asset's split (EventSlot
// does, as for events), that the parent entry pays no account (AssetSlot), that a lineage slot's
// asset id is not 0 (it is an asset slot in use, opened from a split hash the contract made for a
// non-zero asset id).
template LineageLinks(N, D) {
    signal input lineage[N];
    signal input assetId[N];
    signal input amount[N];
    signal input parentAsset[N];
    signal input parentShare[N];

    lineage[0] === 0;
    parentAsset[N - 1] === 0;
    for (var e = 0; e + 1 < N; e++) {
        // a parent iff the next slot is a lineage slot, and then that slot's asset
        parentAsset[e] === lineage[e + 1] * assetId[e + 1];
        lineage[e + 1] * (amount[e + 1] - parentShare[e]) === 0;
    }

    // level[e] <= D by induction: level[0] = 0, each step adds at most 1 and may not give D + 1.
    signal level[N];
    signal levelGap[N];
    level[0] <== 0;
    for (var e = 1; e < N; e++) {
        level[e] <== lineage[e] * (level[e - 1] + 1);
        levelGap[e] <-- 1 / (level[e] - (D + 1));
        levelGap[e] * (level[e] - (D + 1)) === 1;
    }
}
