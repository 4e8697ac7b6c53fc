pragma circom 2.2.0;

include "circomlib/circuits/bitify.circom";
include "selector.circom";

// Routing(A, K, R): each split entry's total goes to the one recipient slot holding its
// recipient's account id (rule 5).
//
// Every recipient slot's id is below 2^32 (the packing's width). An entry with a recipient
// (recipientEmpty 0) selects exactly one slot (one-hot `route`), and that slot's id must be the
// entry's recipient; an entry without one selects none. A slot's credit is the sum of the entry
// totals routed to it.
//
// Not enforced here: distinct ids across slots (credits are added up by the contract, so a
// repeated id loses nothing); that entry totals are non-negative (EventShares makes every share
// so).
template Routing(A, K, R) {
    signal input entryTotal[A][K];
    signal input recipient[A][K];
    signal input recipientEmpty[A][K];
    signal input recipientId[R];
    signal input route[A][K][R];
    signal output credit[R];

    component idBits[R];
    for (var r = 0; r < R; r++) {
        idBits[r] = Num2Bits(32);
        idBits[r].in <== recipientId[r];
    }
    component routeSel[A][K];
    signal routeId[A][K][R];
    signal routeCredit[A][K][R];
    var sum[R];
    for (var r = 0; r < R; r++) sum[r] = 0;
    for (var a = 0; a < A; a++) {
        for (var k = 0; k < K; k++) {
            routeSel[a][k] = Selector(R);
            var id = 0;
            for (var r = 0; r < R; r++) {
                routeSel[a][k].in[r] <== route[a][k][r];
                routeId[a][k][r] <== route[a][k][r] * recipientId[r];
                id += routeId[a][k][r];
                routeCredit[a][k][r] <== route[a][k][r] * entryTotal[a][k];
                sum[r] += routeCredit[a][k][r];
            }
            routeSel[a][k].sum === 1 - recipientEmpty[a][k];
            id === recipient[a][k];
        }
    }
    for (var r = 0; r < R; r++) credit[r] <== sum[r];
}
