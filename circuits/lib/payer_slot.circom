pragma circom 2.2.0;

include "circomlib/circuits/comparators.circom";
include "circomlib/circuits/eddsaposeidon.circom";
include "circomlib/circuits/poseidon.circom";

// PayerSlot(): one payer of the batch (rule 2).
//
// The slot is in use iff its public keyHash is non-zero; the contract passes 0 for empty slots.
// In use: Poseidon(domain, address, Ax, Ay) must equal keyHash (binding the deployment's domain,
// the address and the key to what the contract stores), and the EdDSA-Poseidon signature must verify over finalHead, the payer's head
// after its last event in the batch. Since finalHead was chained from the public oldHead through
// every event of this payer (the caller does that), one signature authorises them all.
// Empty: no event may select the slot (eventCount = 0) and the head does not move.
//
// Not enforced here: that addresses of used slots differ (the contract requires strictly
// increasing payer addresses), that the key is on the curve (the contract checks at registration;
// the verifier rejects small-order keys).
template PayerSlot() {
    signal input domain;
    signal input keyHash;
    signal input oldHead;
    signal input address;
    signal input pubKeyX;
    signal input pubKeyY;
    signal input sigR8x;
    signal input sigR8y;
    signal input sigS;
    signal input finalHead;
    signal input eventCount;
    signal output newHead;

    component empty = IsZero();
    empty.in <== keyHash;
    signal enabled <== 1 - empty.out;

    component keyHasher = Poseidon(4);
    keyHasher.inputs[0] <== domain;
    keyHasher.inputs[1] <== address;
    keyHasher.inputs[2] <== pubKeyX;
    keyHasher.inputs[3] <== pubKeyY;
    component keyCheck = ForceEqualIfEnabled();
    keyCheck.enabled <== enabled;
    keyCheck.in[0] <== keyHasher.out;
    keyCheck.in[1] <== keyHash;

    component signature = EdDSAPoseidonVerifier();
    signature.enabled <== enabled;
    signature.Ax <== pubKeyX;
    signature.Ay <== pubKeyY;
    signature.S <== sigS;
    signature.R8x <== sigR8x;
    signature.R8y <== sigR8y;
    signature.M <== finalHead;

    eventCount * empty.out === 0;
    newHead <== finalHead;
}
