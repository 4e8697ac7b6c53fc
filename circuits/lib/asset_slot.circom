pragma circom 2.2.0;

include "circomlib/circuits/bitify.circom";
include "circomlib/circuits/comparators.circom";
include "circomlib/circuits/poseidon.circom";

// AssetSlot(K): the split of one asset used in the batch (rule 3).
//
// The slot is in use iff its public splitHash is non-zero; the contract passes 0 for empty slots.
// In use: Poseidon(assetId, e_1..e_K) with e_k = recipient_k * 2^14 + bps_k equals splitHash (the
// contract computed it at registration, so the split is the registered one), the basis points sum
// to 10000, and an entry without a recipient (id 0) has 0 bps. Each bps is below 2^14, which makes
// the entry encoding injective and bounds every product in EventShares.
// Empty: no event may select the slot.
//
// Not enforced here: distinct or non-zero recipients of used entries (the contract rejects such
// splits at registration); recipient ids below 2^32 (routing matches them against range-checked
// recipient slots, so a forged id can never receive a credit).
template AssetSlot(K) {
    signal input splitHash;
    signal input assetId;
    signal input recipient[K];
    signal input bps[K];
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
        hasher.inputs[k + 1] <== recipient[k] * 16384 + bps[k];
        noRecipient[k] = IsZero();
        noRecipient[k].in <== recipient[k];
        bps[k] * noRecipient[k].out === 0;
        recipientEmpty[k] <== noRecipient[k].out;
        bpsSum += bps[k];
    }
    component hashCheck = ForceEqualIfEnabled();
    hashCheck.enabled <== enabled;
    hashCheck.in[0] <== hasher.out;
    hashCheck.in[1] <== splitHash;
    (bpsSum - 10000) * enabled === 0;

    eventCount * empty.out === 0;
}
