pragma circom 2.2.0;

include "circomlib/circuits/bitify.circom";

// BelowDenominator(): 0 <= in < 10000, the basis-point denominator.
//
// 10000 = 16 * 625: in = 16 * high + low with low < 16 (4 bits) and high < 625 (high < 2^10 and
// high + (2^10 - 625) < 2^10), so in <= 16 * 624 + 15 = 9999, and every in below 10000 splits so.
// 24 constraints; two 14-bit checks of in itself (in < 2^14, in + 2^14 - 10000 < 2^14) cost 28.
template BelowDenominator() {
    signal input in;

    signal high <-- in \ 16;
    signal low <-- in % 16;
    in === 16 * high + low;
    component lowBits = Num2Bits(4);
    lowBits.in <== low;
    component highBits = Num2Bits(10);
    highBits.in <== high;
    component highBound = Num2Bits(10);
    highBound.in <== high + 1024 - 625;
}
