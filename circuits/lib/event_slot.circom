pragma circom 2.2.0;

include "circomlib/circuits/poseidon.circom";
include "event_shares.circom";
include "selector.circom";

// EventSlot(P, A, K, D): one event slot of the batch (rules 1, 2, 4 and its leaf for rule 6);
// D = 0 builds it without lineage (no lineage slot, no parent), as before lineage existed.
//
// A slot holds a payer's event, a lineage share, or padding. An event selects exactly one payer
// slot and one asset slot (one-hot `payer`, `asset`); a lineage slot (`lineage` 1) selects one
// asset slot and no payer: it is the share the slot before it routed to that parent asset, which
// the asset's split divides again (docs/protocol.md §3; LineageLinks ties it to that share). A
// padding slot selects nothing and has amount 0. For an event:
//   - 0 < amount < 10000 * 2^83 (the amount's split in EventShares bounds it);
//   - its shares follow the selected asset's split exactly (EventShares);
//   - its hash Poseidon(prevHead, seq * 2^189 + ref, assetId * 2^97 + amount), with prevHead the
//     selected payer's head before it, is that payer's head after it and the leaf. The payer is
//     not hashed: its chain starts at its genesis head Poseidon(domain, payer), which the contract
//     stores (and the caller passes as the old head), so every head of the chain is its own.
//     The asset and amount packing is injective: amount < 2^97 here, assetId < 2^64 (the
//     contract's type, opened through the split hash by AssetSlot). seq and ref are not
//     range-checked: nothing is computed from them, so only their packed value matters, and it is
//     the one the payer hashed and signed (a different value would change the head).
// Every other payer's head passes through unchanged; a lineage or padding slot's leaf is 0 (a
// lineage share is fixed by the event before it and the registered splits, so the tree holds
// only events) and moves no head. A lineage slot's amount may be 0 (the share of a tiny event).
//
// Outputs for the batch's sums (the caller adds them up: additions cost nothing):
//   debit[p]          amount if the event is payer p's, else 0
//   assetAmount[a]    amount if the event is asset a's, else 0
//   assetShare[a][k]  share k (k >= 1) if the event is asset a's, else 0; share 0 is the
//                     asset's amount minus the others, so the caller derives it from the sums
// and for LineageLinks: the selected asset's id, its parent (0: none) and the last entry's share
// (the parent's share when there is a parent).
//
// Not enforced here: that the selected slots are in use (PayerSlot, AssetSlot: an empty slot has
// no events), that the payer's last head is signed (PayerSlot), bps <= 10000 (AssetSlot).
template EventSlot(P, A, K, D) {
    signal input payer[P];
    signal input asset[A];
    signal input seq;
    signal input amount;
    signal input ref;
    signal input assetId[A];
    signal input splitBps[A][K];
    signal input headBefore[P];
    signal input lineage;
    signal input splitParent[A];

    signal output isReal;
    signal output selectedAssetId;
    signal output parentAsset;
    signal output parentShare;
    signal output headAfter[P];
    signal output leaf;
    signal output debit[P];
    signal output assetAmount[A];
    signal output assetShare[A][K];

    // Rule 1: an event sits in exactly one payer slot and one asset slot, a lineage share in one
    // asset slot only.
    component payerSel = Selector(P);
    for (var p = 0; p < P; p++) payerSel.in[p] <== payer[p];
    signal isEvent <== payerSel.sum;
    if (D == 0) {
        lineage === 0;
    } else {
        lineage * (lineage - 1) === 0;
    }
    isReal <== isEvent + lineage;
    isReal * (isReal - 1) === 0;
    component assetSel = Selector(A);
    for (var a = 0; a < A; a++) assetSel.in[a] <== asset[a];
    assetSel.sum === isReal;

    // The selected slots' values: asset id, its parent, bps and the payer's head before.
    signal prevTerm[P];
    var prev = 0;
    for (var p = 0; p < P; p++) {
        prevTerm[p] <== payer[p] * headBefore[p];
        prev += prevTerm[p];
    }
    signal assetTerm[A];
    var id = 0;
    for (var a = 0; a < A; a++) {
        assetTerm[a] <== asset[a] * assetId[a];
        id += assetTerm[a];
    }
    selectedAssetId <== id;
    var parent = 0;
    if (D > 0) {
        signal parentTerm[A];
        for (var a = 0; a < A; a++) {
            parentTerm[a] <== asset[a] * splitParent[a];
            parent += parentTerm[a];
        }
    }
    parentAsset <== parent;
    signal bpsTerm[A][K];
    signal bps[K];
    bps[0] <== 0;                 // recipient 0 takes what is left: its bps is not needed
    for (var k = 1; k < K; k++) {
        var b = 0;
        for (var a = 0; a < A; a++) {
            bpsTerm[a][k] <== asset[a] * splitBps[a][k];
            b += bpsTerm[a][k];
        }
        bps[k] <== b;
    }

    // Rule 1: 0 < amount for an event, amount = 0 for padding (the bound is EventShares'); a
    // lineage share may be 0 (its inverse is then 0).
    signal amountInverse <-- amount != 0 && isEvent == 1 ? 1 / amount : 0;
    amount * amountInverse === isEvent;
    (1 - isReal) * amount === 0;

    // Rule 4: exact shares.
    component shares = EventShares(K);
    shares.amount <== amount;
    for (var k = 0; k < K; k++) shares.bps[k] <== bps[k];

    // Rule 2: one hash extends the payer's chain; it is the new head and the leaf.
    component hasher = Poseidon(3);
    hasher.inputs[0] <== prev;
    hasher.inputs[1] <== seq * 784637716923335095479473677900958302012794430558004314112 + ref; // seq * 2^189 + ref
    hasher.inputs[2] <== id * 158456325028528675187087900672 + amount;                      // id * 2^97 + amount
    for (var p = 0; p < P; p++) {
        headAfter[p] <== headBefore[p] + payer[p] * (hasher.out - headBefore[p]);
    }
    // Rule 6: lineage and padding slots contribute a 0 leaf.
    leaf <== isEvent * hasher.out;
    parentShare <== shares.share[K - 1];

    // Rule 5's terms: the debit of the event's payer, the amount and shares of its asset.
    for (var p = 0; p < P; p++) debit[p] <== payer[p] * amount;
    for (var a = 0; a < A; a++) {
        assetAmount[a] <== asset[a] * amount;
        assetShare[a][0] <== 0;
        for (var k = 1; k < K; k++) assetShare[a][k] <== asset[a] * shares.share[k];
    }
}
