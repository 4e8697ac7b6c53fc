pragma circom 2.2.0;

include "circomlib/circuits/bitify.circom";

// BelowDenominator(): 0 <= in < 10000, the basis-point denominator.
// Two 14-bit decompositions: in < 2^14 and in + (2^14 - 10000) < 2^14. Cheaper than LessThan
// on a separately range-checked value (28 constraints instead of 29).
template BelowDenominator() {
    signal input in;

    component low = Num2Bits(14);
    low.in <== in;
    component high = Num2Bits(14);
    high.in <== in + 16384 - 10000;
}
