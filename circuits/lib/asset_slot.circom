pragma circom 2.2.0;

include "circomlib/circuits/bitify.circom";
include "circomlib/circuits/comparators.circom";
include "circomlib/circuits/poseidon.circom";

// AssetSlot(K, D): the split of one asset used in the batch (rule 3); D = 0: no parent entry.
//
// The slot is in use iff its public splitHash is non-zero; the contract passes 0 for empty slots.
// In use: Poseidon(assetId, e_1..e_K) with e_k = recipient_k * 2^14 + bps_k equals splitHash (the
// contract computed it at registration, so the split is the registered one), the basis points sum
// to 10000, and an entry without a recipient (id 0) has 0 bps. The last entry may instead name a
// parent asset: e_K = recipient_K * 2^14 + parent * 2^46 + bps_K, with recipient_K 0 (docs/protocol.md
// §3); it then has bps and pays no account. Each bps is below 2^14, which makes the entry encoding
// injective and bounds every product in EventShares.
// Empty: no event may select the slot.
//
// Not enforced here: distinct or non-zero recipients of used entries (the contract rejects such
// splits at registration); recipient ids below 2^32 (routing matches them against range-checked
// recipient slots, so a forged id can never receive a credit); the parent below 2^64 (once an
// event uses the slot, LineageLinks equals it to the next slot's asset id, which the contract
// bounds): with both bounds the last entry's three parts are unique.
template AssetSlot(K, D) {
    signal input splitHash;
    signal input assetId;
    signal input recipient[K];
    signal input bps[K];
    signal input parent;
    signal input eventCount;
    signal output recipientEmpty[K];

    component empty = IsZero();
    empty.in <== splitHash;
    signal enabled <== 1 - empty.out;

    component hasher = Poseidon(K + 1);
    hasher.inputs[0] <== assetId;
    component bpsBits[K];
    component noRecipient[K];
    var bpsSum = 0;
    for (var k = 0; k < K; k++) {
        bpsBits[k] = Num2Bits(14);
        bpsBits[k].in <== bps[k];
        var parentPart = k == K - 1 ? parent * 70368744177664 : 0;   // parent * 2^46
        hasher.inputs[k + 1] <== recipient[k] * 16384 + parentPart + bps[k];
        noRecipient[k] = IsZero();
        noRecipient[k].in <== recipient[k];
        if (k < K - 1 || D == 0) bps[k] * noRecipient[k].out === 0;
        recipientEmpty[k] <== noRecipient[k].out;
        bpsSum += bps[k];
    }
    // The last entry has bps only if it names an account or a parent (D = 0: no parent).
    if (D == 0) {
        parent === 0;
    } else {
        component noTarget = IsZero();
        noTarget.in <== recipient[K - 1] + parent * 4294967296;         // + parent * 2^32
        bps[K - 1] * noTarget.out === 0;
    }

    component hashCheck = ForceEqualIfEnabled();
    hashCheck.enabled <== enabled;
    hashCheck.in[0] <== hasher.out;
    hashCheck.in[1] <== splitHash;
    (bpsSum - 10000) * enabled === 0;

    eventCount * empty.out === 0;
}
