pragma circom 2.2.0;

include "lib/asset_slot.circom";
include "lib/batch_totals.circom";
include "lib/event_slot.circom";
include "lib/lineage_links.circom";
include "lib/merkle_root.circom";
include "lib/payer_slot.circom";
include "lib/routing.circom";

// RoyaltyBatch(N, K, A, P, R, D, TREE_ARITY): one batch of royalty events, proven correct
// (docs/protocol.md §7).
//
// It proves that every event was authorised by its payer, that every share was computed by the
// published rounding rule from the registered split, up the asset's lineage of at most D parents,
// and that the public debits and credits are exactly the sums of those shares. docs/protocol.md gives every encoding and the packing.
//
// Sizes: N event slots, K recipients per split, A asset slots, P payer slots, R recipient slots,
// D lineage levels (parents a share may climb), eventsRoot tree of arity TREE_ARITY (circuits/params.json treeArity, 16) and the least depth that
// holds N leaves.
//
// Public outputs (the contract applies or records them):
//   eventsRoot        Poseidon Merkle root of the N event hashes (padding leaves 0, and 0 past N);
//                     an event's hash is its payer's head after it
//   newHead[P]        each payer's chain head after its last event in the batch
//   packed[W]         debits[P], credits[R] and recipient account ids[R], packed
// Public inputs (the contract supplies them from its storage):
//   keyHash[P]        Poseidon(domain, payer, Ax, Ay) of each payer slot; 0 = empty slot
//   oldHead[P]        each payer's settled chain head (its genesis head Poseidon(domain, payer)
//                     before its first batch); 0 for an empty slot
//   splitHash[A]      Poseidon(assetId, entries) of each asset slot; 0 = empty slot
// Private inputs:
//   domain            Poseidon(chainId, rollupAddress); bound by every used slot's keyHash (and,
//                     through every payer's genesis head, by every chain: no event hashes it)
//   payerAddress[P], pubKeyX[P], pubKeyY[P]     opening of keyHash
//   sigR8x[P], sigR8y[P], sigS[P]               EdDSA-Poseidon signature over newHead
//   assetId[A], splitRecipient[A][K], splitBps[A][K], splitParent[A]   opening of splitHash
//                                               (splitParent: the last entry's parent asset, 0 none)
//   recipientId[R]                              account id of each recipient slot; 0 = empty
//   route[A][K][R]                              one-hot: which recipient slot an entry pays
//   eventPayer[N][P], eventAsset[N][A]          one-hot slot selectors; all 0 = padding
//   eventLineage[N]                             1: a parent's share of the slot before (no payer)
//   eventSeq[N], eventAmount[N], eventRef[N]    the event fields not given by the selectors
//
// Phases, each a template of circuits/lib/ tested on its own: (1) EventSlot per event:
// selectors, amount range, shares, event hash (= new head and leaf); (2) PayerSlot: key
// opening, signature over the final head; (3) AssetSlot: split opening and rules; (4) Routing of
// each split entry's total to its recipient slot; (5) BatchTotals: conservation, packing;
// (6) MerkleRoot: the events tree; (7) LineageLinks: each parent's share is the next slot. This
// file only wires them and sums their per-event terms.
//
// Rules (docs/protocol.md §7): 1 amount range and slot membership, 2 payer chains and
// signatures, 3 split openings, 4 exact shares, 5 debits/credits/conservation, 6 eventsRoot,
// 7 lineage.
//
// Not enforced here (enforced elsewhere or harmless):
//   - padding slots may sit anywhere; the sequencer puts them last. Padding has amount 0,
//     changes no head, debit or credit, and contributes a 0 leaf.
//   - seq numbers are hashed, not compared: the chain and its signature fix every event. Neither
//     seq nor ref is range-checked: only their packed value is hashed (EventSlot).
//   - payer slots with equal addresses: the contract requires strictly increasing addresses.
//   - equal recipient ids in two slots: credits are added by the contract, so nothing is lost.
template RoyaltyBatch(N, K, A, P, R, D, TREE_ARITY) {
    var LOG_N = 0;
    for (var n = 1; n < N; n *= 2) LOG_N++;
    var TOTAL_BITS = 97 + LOG_N;     // amounts < 10000 * 2^83 < 2^97 (EventShares)

    signal output eventsRoot;
    signal output newHead[P];
    signal output packed[packedWordCount(P, R, TOTAL_BITS)];

    signal input keyHash[P];
    signal input oldHead[P];
    signal input splitHash[A];

    signal input domain;

    signal input payerAddress[P];
    signal input pubKeyX[P];
    signal input pubKeyY[P];
    signal input sigR8x[P];
    signal input sigR8y[P];
    signal input sigS[P];
    signal input assetId[A];
    signal input splitRecipient[A][K];
    signal input splitBps[A][K];
    signal input splitParent[A];
    signal input recipientId[R];
    signal input route[A][K][R];
    signal input eventPayer[N][P];
    signal input eventAsset[N][A];
    signal input eventLineage[N];
    signal input eventSeq[N];
    signal input eventAmount[N];
    signal input eventRef[N];

    // ---- (1) events: each slot checked and hashed by EventSlot, its terms summed here ----
    component events[N];
    signal running[N + 1][P];
    signal leaf[N];
    for (var p = 0; p < P; p++) running[0][p] <== oldHead[p];

    var payerEvents[P];
    var assetEvents[A];
    var debit[P];
    var assetAmount[A];
    var assetShare[A][K];
    for (var p = 0; p < P; p++) { payerEvents[p] = 0; debit[p] = 0; }
    for (var a = 0; a < A; a++) {
        assetEvents[a] = 0;
        assetAmount[a] = 0;
        for (var k = 0; k < K; k++) assetShare[a][k] = 0;
    }

    for (var e = 0; e < N; e++) {
        events[e] = EventSlot(P, A, K, D);
        for (var p = 0; p < P; p++) {
            events[e].payer[p] <== eventPayer[e][p];
            events[e].headBefore[p] <== running[e][p];
        }
        for (var a = 0; a < A; a++) {
            events[e].asset[a] <== eventAsset[e][a];
            events[e].assetId[a] <== assetId[a];
            for (var k = 0; k < K; k++) events[e].splitBps[a][k] <== splitBps[a][k];
            events[e].splitParent[a] <== splitParent[a];
        }
        events[e].lineage <== eventLineage[e];
        events[e].seq <== eventSeq[e];
        events[e].amount <== eventAmount[e];
        events[e].ref <== eventRef[e];

        for (var p = 0; p < P; p++) {
            running[e + 1][p] <== events[e].headAfter[p];
            payerEvents[p] += eventPayer[e][p];
            debit[p] += events[e].debit[p];
        }
        for (var a = 0; a < A; a++) {
            assetEvents[a] += eventAsset[e][a];
            assetAmount[a] += events[e].assetAmount[a];
            for (var k = 1; k < K; k++) assetShare[a][k] += events[e].assetShare[a][k];
        }
        leaf[e] <== events[e].leaf;
    }

    // ---- (2) payer slots ----
    component payers[P];
    for (var p = 0; p < P; p++) {
        payers[p] = PayerSlot();
        payers[p].domain <== domain;
        payers[p].keyHash <== keyHash[p];
        payers[p].oldHead <== oldHead[p];
        payers[p].address <== payerAddress[p];
        payers[p].pubKeyX <== pubKeyX[p];
        payers[p].pubKeyY <== pubKeyY[p];
        payers[p].sigR8x <== sigR8x[p];
        payers[p].sigR8y <== sigR8y[p];
        payers[p].sigS <== sigS[p];
        payers[p].finalHead <== running[N][p];
        payers[p].eventCount <== payerEvents[p];
        newHead[p] <== payers[p].newHead;
    }

    // ---- (3) asset slots ----
    component assets[A];
    for (var a = 0; a < A; a++) {
        assets[a] = AssetSlot(K, D);
        assets[a].splitHash <== splitHash[a];
        assets[a].assetId <== assetId[a];
        for (var k = 0; k < K; k++) {
            assets[a].recipient[k] <== splitRecipient[a][k];
            assets[a].bps[k] <== splitBps[a][k];
        }
        assets[a].parent <== splitParent[a];
        assets[a].eventCount <== assetEvents[a];
    }

    // ---- (4) routing: each entry with a recipient pays exactly one recipient slot with its id ----
    component routing = Routing(A, K, R);
    for (var a = 0; a < A; a++) {
        for (var k = 0; k < K; k++) {
            // entry total: recipient 0 takes the asset's amounts minus the others' shares
            var total = assetShare[a][k];
            if (k == 0) {
                total = assetAmount[a];
                for (var j = 1; j < K; j++) total -= assetShare[a][j];
            }
            routing.entryTotal[a][k] <== total;
            routing.recipient[a][k] <== splitRecipient[a][k];
            routing.recipientEmpty[a][k] <== assets[a].recipientEmpty[k];
            for (var r = 0; r < R; r++) routing.route[a][k][r] <== route[a][k][r];
        }
    }
    for (var r = 0; r < R; r++) routing.recipientId[r] <== recipientId[r];

    // ---- (5) conservation and packing ----
    component totals = BatchTotals(P, R, TOTAL_BITS);
    for (var p = 0; p < P; p++) totals.debit[p] <== debit[p];
    for (var r = 0; r < R; r++) {
        totals.credit[r] <== routing.credit[r];
        totals.recipientId[r] <== recipientId[r];
    }
    for (var w = 0; w < packedWordCount(P, R, TOTAL_BITS); w++) packed[w] <== totals.words[w];

    // ---- (6) events tree ----
    component tree = MerkleRoot(N, TREE_ARITY);
    for (var e = 0; e < N; e++) tree.leaves[e] <== leaf[e];
    eventsRoot <== tree.root;

    // ---- (7) lineage: each parent's share is the lineage slot right after (none when D = 0) ----
    if (D > 0) {
        component lineage = LineageLinks(N, D);
        for (var e = 0; e < N; e++) {
            lineage.lineage[e] <== eventLineage[e];
            lineage.assetId[e] <== events[e].selectedAssetId;
            lineage.amount[e] <== eventAmount[e];
            lineage.parentAsset[e] <== events[e].parentAsset;
            lineage.parentShare[e] <== events[e].parentShare;
        }
    }
}
