pragma circom 2.2.0;

include "public_packing.circom";

// BatchTotals(P, R, totalBits): conservation and the packed public words (rule 5).
//
// The credits add up to the debits exactly, and debits[P], credits[R] and recipient ids[R] are
// packed into the public words of core/packing.ts. Both are linear: no constraints after --O2.
//
// Not enforced here: the widths packing needs (PackPublic's caller's guarantee): debits are sums
// of N amounts below 2^97, so below 2^totalBits; credits are sums of non-negative shares that add
// up to the debits; ids are range-checked by Routing.
template BatchTotals(P, R, totalBits) {
    signal input debit[P];
    signal input credit[R];
    signal input recipientId[R];
    signal output words[packedWordCount(P, R, totalBits)];

    var debitSum = 0;
    var creditSum = 0;
    for (var p = 0; p < P; p++) debitSum += debit[p];
    for (var r = 0; r < R; r++) creditSum += credit[r];
    creditSum === debitSum;

    component pack = PackPublic(P, R, totalBits);
    for (var p = 0; p < P; p++) pack.debit[p] <== debit[p];
    for (var r = 0; r < R; r++) {
        pack.credit[r] <== credit[r];
        pack.recipientId[r] <== recipientId[r];
    }
    for (var w = 0; w < packedWordCount(P, R, totalBits); w++) words[w] <== pack.words[w];
}
