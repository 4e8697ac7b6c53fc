pragma circom 2.2.0;

// Selector(n): n bits, each forced to 0 or 1, and their sum. The caller decides what the sum
// must be (1 for "exactly one", a flag for "exactly one if real").
template Selector(n) {
    signal input in[n];
    signal output sum;

    var total = 0;
    for (var i = 0; i < n; i++) {
        in[i] * (in[i] - 1) === 0;
        total += in[i];
    }
    sum <== total;
}
