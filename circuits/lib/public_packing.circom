pragma circom 2.2.0;

// Public-input packing (docs/protocol.md, "Public inputs"): the layout of core/packing.ts.
// A word holds up to 253 bits; each word takes as many totals (debits, then credits, totalBits
// each) as fit, then as many 32-bit recipient ids as fit; once totals run out, ids only.
//
// Packing is injective only if every value is below its width. The caller guarantees it:
// debits are sums of N range-checked amounts, credits are bounded by the debits (conservation,
// all shares non-negative), recipient ids are range-checked to 32 bits.

function packedWordCount(P, R, totalBits) {
    var t = 0;
    var i = 0;
    var words = 0;
    while (t < P + R || i < R) {
        var offset = 0;
        while (t < P + R && offset + totalBits <= 253) { t++; offset += totalBits; }
        while (i < R && offset + 32 <= 253) { i++; offset += 32; }
        words++;
    }
    return words;
}

template PackPublic(P, R, totalBits) {
    signal input debit[P];
    signal input credit[R];
    signal input recipientId[R];
    signal output words[packedWordCount(P, R, totalBits)];

    var acc[packedWordCount(P, R, totalBits)];
    var t = 0;
    var i = 0;
    var w = 0;
    while (t < P + R || i < R) {
        var offset = 0;
        acc[w] = 0;
        while (t < P + R && offset + totalBits <= 253) {
            if (t < P) {
                acc[w] += debit[t] * (2 ** offset);
            } else {
                acc[w] += credit[t - P] * (2 ** offset);
            }
            t++;
            offset += totalBits;
        }
        while (i < R && offset + 32 <= 253) {
            acc[w] += recipientId[i] * (2 ** offset);
            i++;
            offset += 32;
        }
        words[w] <== acc[w];
        w++;
    }
}
