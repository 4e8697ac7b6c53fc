pragma circom 2.2.0;

include "circomlib/circuits/bitify.circom";
include "circomlib/circuits/comparators.circom";
include "circomlib/circuits/poseidon.circom";
include "lib/asset_slot.circom";
include "lib/event_shares.circom";
include "lib/merkle_root.circom";
include "lib/payer_slot.circom";
include "lib/public_packing.circom";
include "lib/selector.circom";

// RoyaltyBatch(N, K, A, P, R): one batch of royalty events, proven correct (DESIGN §5).
//
// It proves that every event was authorised by its payer, that every share was computed by the
// published rounding rule from the registered split, and that the public debits and credits are
// exactly the sums of those shares. docs/protocol.md gives every encoding and the packing.
//
// Sizes: N event slots, K recipients per split, A asset slots, P payer slots, R recipient slots,
// eventsRoot tree of arity TREE_ARITY (16) and the least depth that holds N leaves.
//
// Public outputs (the contract applies or records them):
//   eventsRoot        Poseidon Merkle root of the N event hashes (padding leaves 0, and 0 past N);
//                     an event's hash is its payer's head after it
//   newHead[P]        each payer's chain head after its last event in the batch
//   packed[W]         debits[P], credits[R] and recipient account ids[R], packed
// Public inputs (the contract supplies them from its storage):
//   keyHash[P]        Poseidon(domain, payer, Ax, Ay) of each payer slot; 0 = empty slot
//   oldHead[P]        each payer's settled chain head (the domain before its first batch); 0 for
//                     an empty slot
//   splitHash[A]      Poseidon(assetId, entries) of each asset slot; 0 = empty slot
// Private inputs:
//   domain            Poseidon(chainId, rollupAddress); bound by every used slot's keyHash (and,
//                     as every payer's genesis head, by every chain: no event hashes it)
//   payerAddress[P], pubKeyX[P], pubKeyY[P]     opening of keyHash
//   sigR8x[P], sigR8y[P], sigS[P]               EdDSA-Poseidon signature over newHead
//   assetId[A], splitRecipient[A][K], splitBps[A][K]   opening of splitHash
//   recipientId[R]                              account id of each recipient slot; 0 = empty
//   route[A][K][R]                              one-hot: which recipient slot an entry pays
//   eventPayer[N][P], eventAsset[N][A]          one-hot slot selectors; all 0 = padding
//   eventSeq[N], eventAmount[N], eventRef[N]    the event fields not given by the selectors
//
// Phases: (1) per event: selectors, amount range, shares, event hash (= new head and leaf);
// (2) per payer slot: key opening, signature over the final head; (3) per asset slot: split
// opening and rules; (4) routing of each split entry's total to its recipient slot; (5) debits,
// credits, conservation, packing; (6) the events tree.
//
// Rules (DESIGN §5): 1 amount range and slot membership, 2 payer chains and signatures, 3 split
// openings, 4 exact shares, 5 debits/credits/conservation, 6 eventsRoot.
//
// Not enforced here (enforced elsewhere or harmless):
//   - padding slots may sit anywhere; the sequencer puts them last. Padding has amount 0,
//     changes no head, debit or credit, and contributes a 0 leaf.
//   - seq numbers are hashed, not compared: the chain and its signature fix every event.
//   - payer slots with equal addresses: the contract requires strictly increasing addresses.
//   - equal recipient ids in two slots: credits are added by the contract, so nothing is lost.
template RoyaltyBatch(N, K, A, P, R) {
    var TREE_ARITY = 16;          // circuits/params.json treeArity
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
    signal input recipientId[R];
    signal input route[A][K][R];
    signal input eventPayer[N][P];
    signal input eventAsset[N][A];
    signal input eventSeq[N];
    signal input eventAmount[N];
    signal input eventRef[N];

    // ---- (1) events ----
    component payerSel[N];
    component assetSel[N];
    signal isReal[N];
    signal payerTerm[N][P];
    signal assetTerm[N][A];
    signal bpsTerm[N][A][K];
    signal eventBps[N][K];
    signal amountInverse[N];
    component shares[N];
    component eventHasher[N];
    signal prevTerm[N][P];
    signal running[N + 1][P];
    signal leaf[N];
    signal debitTerm[N][P];
    signal amountTerm[N][A];
    signal shareTerm[N][A][K];

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
        // Rule 1: a real event sits in exactly one payer slot and one asset slot.
        payerSel[e] = Selector(P);
        for (var p = 0; p < P; p++) payerSel[e].in[p] <== eventPayer[e][p];
        isReal[e] <== payerSel[e].sum;
        isReal[e] * (isReal[e] - 1) === 0;
        assetSel[e] = Selector(A);
        for (var a = 0; a < A; a++) assetSel[e].in[a] <== eventAsset[e][a];
        assetSel[e].sum === isReal[e];

        var payer = 0;
        for (var p = 0; p < P; p++) {
            payerTerm[e][p] <== eventPayer[e][p] * payerAddress[p];
            payer += payerTerm[e][p];
            payerEvents[p] += eventPayer[e][p];
        }
        var asset = 0;
        for (var a = 0; a < A; a++) {
            assetTerm[e][a] <== eventAsset[e][a] * assetId[a];
            asset += assetTerm[e][a];
            assetEvents[a] += eventAsset[e][a];
        }
        eventBps[e][0] <== 0;
        for (var k = 1; k < K; k++) {
            var b = 0;
            for (var a = 0; a < A; a++) {
                bpsTerm[e][a][k] <== eventAsset[e][a] * splitBps[a][k];
                b += bpsTerm[e][a][k];
            }
            eventBps[e][k] <== b;
        }

        // Rule 1: 0 < amount for real events, amount = 0 for padding; amount < 10000 * 2^83 in EventShares.
        amountInverse[e] <-- eventAmount[e] != 0 ? 1 / eventAmount[e] : 0;
        eventAmount[e] * amountInverse[e] === isReal[e];
        (1 - isReal[e]) * eventAmount[e] === 0;

        // Rule 4: exact shares.
        shares[e] = EventShares(K);
        shares[e].amount <== eventAmount[e];
        for (var k = 0; k < K; k++) shares[e].bps[k] <== eventBps[e][k];

        // Rule 2: one hash per event extends its payer's chain; the hash is the new head and the
        // leaf. assetId * 2^97 + amount is injective: amount < 10000 * 2^83 (EventShares) and
        // assetId < 2^64 (the contract's type, opened through splitHash).
        var prev = 0;
        for (var p = 0; p < P; p++) {
            prevTerm[e][p] <== eventPayer[e][p] * running[e][p];
            prev += prevTerm[e][p];
        }
        eventHasher[e] = Poseidon(5);
        eventHasher[e].inputs[0] <== prev;
        eventHasher[e].inputs[1] <== payer;
        eventHasher[e].inputs[2] <== eventSeq[e];
        eventHasher[e].inputs[3] <== asset * 158456325028528675187087900672 + eventAmount[e]; // 2^97
        eventHasher[e].inputs[4] <== eventRef[e];
        for (var p = 0; p < P; p++) {
            running[e + 1][p] <== running[e][p] + eventPayer[e][p] * (eventHasher[e].out - running[e][p]);
        }

        // Rule 6: padding contributes a 0 leaf.
        leaf[e] <== isReal[e] * eventHasher[e].out;

        // Rule 5: accumulate debits per payer and shares per (asset, entry).
        for (var p = 0; p < P; p++) {
            debitTerm[e][p] <== eventPayer[e][p] * eventAmount[e];
            debit[p] += debitTerm[e][p];
        }
        for (var a = 0; a < A; a++) {
            amountTerm[e][a] <== eventAsset[e][a] * eventAmount[e];
            assetAmount[a] += amountTerm[e][a];
            for (var k = 1; k < K; k++) {
                shareTerm[e][a][k] <== eventAsset[e][a] * shares[e].share[k];
                assetShare[a][k] += shareTerm[e][a][k];
            }
        }
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
        assets[a] = AssetSlot(K);
        assets[a].splitHash <== splitHash[a];
        assets[a].assetId <== assetId[a];
        for (var k = 0; k < K; k++) {
            assets[a].recipient[k] <== splitRecipient[a][k];
            assets[a].bps[k] <== splitBps[a][k];
        }
        assets[a].eventCount <== assetEvents[a];
    }

    // ---- (4) routing: each entry with a recipient pays exactly one recipient slot with its id ----
    component recipientBits[R];
    for (var r = 0; r < R; r++) {
        recipientBits[r] = Num2Bits(32);
        recipientBits[r].in <== recipientId[r];
    }
    component routeSel[A][K];
    signal routeId[A][K][R];
    signal routeCredit[A][K][R];
    var credit[R];
    for (var r = 0; r < R; r++) credit[r] = 0;
    for (var a = 0; a < A; a++) {
        for (var k = 0; k < K; k++) {
            // entry total: recipient 0 takes the asset's amounts minus the others' shares
            var total = assetShare[a][k];
            if (k == 0) {
                total = assetAmount[a];
                for (var j = 1; j < K; j++) total -= assetShare[a][j];
            }
            routeSel[a][k] = Selector(R);
            var id = 0;
            for (var r = 0; r < R; r++) {
                routeSel[a][k].in[r] <== route[a][k][r];
                routeId[a][k][r] <== route[a][k][r] * recipientId[r];
                id += routeId[a][k][r];
                routeCredit[a][k][r] <== route[a][k][r] * total;
                credit[r] += routeCredit[a][k][r];
            }
            routeSel[a][k].sum === 1 - assets[a].recipientEmpty[k];
            id === splitRecipient[a][k];
        }
    }

    // ---- (5) conservation and packing ----
    var debitSum = 0;
    var creditSum = 0;
    for (var p = 0; p < P; p++) debitSum += debit[p];
    for (var r = 0; r < R; r++) creditSum += credit[r];
    creditSum === debitSum;

    component pack = PackPublic(P, R, TOTAL_BITS);
    for (var p = 0; p < P; p++) pack.debit[p] <== debit[p];
    for (var r = 0; r < R; r++) {
        pack.credit[r] <== credit[r];
        pack.recipientId[r] <== recipientId[r];
    }
    for (var w = 0; w < packedWordCount(P, R, TOTAL_BITS); w++) packed[w] <== pack.words[w];

    // ---- (6) events tree ----
    component tree = MerkleRoot(N, TREE_ARITY);
    for (var e = 0; e < N; e++) tree.leaves[e] <== leaf[e];
    eventsRoot <== tree.root;
}
