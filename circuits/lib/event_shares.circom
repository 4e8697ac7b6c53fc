pragma circom 2.2.0;

include "circomlib/circuits/bitify.circom";
include "below_denominator.circom";

// EventShares(K): the royalty split of one event (docs/protocol.md §3), exactly, with no field
// wrap-around.
//
//   share[k] = floor(amount * bps[k] / 10000)        for k = 1..K-1
//   share[0] = amount - sum(share[1..K-1])           (first recipient: own share + remainder)
//
// Recipient 0's floor is never computed: amount minus the others' floors is its share plus the
// remainder by definition. For the others, dividing amount * bps by 10000 directly would need a
// 96-bit range check per share; instead amount is split once as
//   amount = 10000 * alpha + beta,   alpha < 2^83, 0 <= beta < 10000
// so that share[k] = alpha * bps[k] + floor(beta * bps[k] / 10000), and the remaining division
// works on numbers below 10^8: its quotient needs 14 bits, its remainder the [0, 10000) check.
//
// Range checks (rule 4): alpha < 2^83, beta and each remainder in [0, 10000), each small quotient
// < 2^14. alpha and beta bound the amount themselves: amount = 10000 * alpha + beta <
// 10000 * 2^83 (MAX_AMOUNT = 10000 * 2^83 - 1 < 2^97, core/field.ts), so the amount needs no
// decomposition of its own. With those, every equation below holds over the integers (all terms
// < 2^111 << r), so each quotient and remainder is the unique one.
//
// Not enforced here: bps[k] <= 10000 (the asset slot range-checks and sums them), amount > 0
// (the caller knows whether the slot is padding).
template EventShares(K) {
    signal input amount;
    signal input bps[K];          // bps[0] is not needed: recipient 0 takes what is left
    signal output share[K];

    signal alpha <-- amount \ 10000;
    signal beta <-- amount % 10000;
    amount === 10000 * alpha + beta;
    component alphaBits = Num2Bits(83);
    alphaBits.in <== alpha;
    component betaRange = BelowDenominator();
    betaRange.in <== beta;

    signal scaled[K];             // beta * bps[k] < 10^8
    signal quotient[K];
    signal remainder[K];
    signal whole[K];              // alpha * bps[k]
    component quotientBits[K];
    component remainderRange[K];
    var others = 0;
    for (var k = 1; k < K; k++) {
        scaled[k] <== beta * bps[k];
        quotient[k] <-- scaled[k] \ 10000;
        remainder[k] <-- scaled[k] % 10000;
        scaled[k] === 10000 * quotient[k] + remainder[k];
        quotientBits[k] = Num2Bits(14);
        quotientBits[k].in <== quotient[k];
        remainderRange[k] = BelowDenominator();
        remainderRange[k].in <== remainder[k];
        whole[k] <== alpha * bps[k];
        share[k] <== whole[k] + quotient[k];
        others += share[k];
    }
    share[0] <== amount - others;
}
