pragma circom 2.2.0;

include "circomlib/circuits/poseidon.circom";

// MerkleRoot(depth, arity): root of a full tree of arity^depth leaves, each node Poseidon of its
// children in order: the layout of zk-kit's IMT with that depth and arity (rule 6). Padding
// leaves are 0, as in an IMT whose zero value is 0.
template MerkleRoot(depth, arity) {
    var leafCount = arity ** depth;
    signal input leaves[leafCount];
    signal output root;

    var nodeCount = 0;
    var width = leafCount;
    for (var level = 0; level < depth; level++) {
        width = width \ arity;
        nodeCount += width;
    }
    component nodes[nodeCount];
    // Values of the current level; vars holding signals keep unused slots out of the circuit.
    var level[leafCount];
    for (var i = 0; i < leafCount; i++) level[i] = leaves[i];

    var n = 0;
    width = leafCount;
    for (var d = 0; d < depth; d++) {
        width = width \ arity;
        for (var i = 0; i < width; i++) {
            nodes[n] = Poseidon(arity);
            for (var c = 0; c < arity; c++) nodes[n].inputs[c] <== level[i * arity + c];
            n++;
        }
        for (var i = 0; i < width; i++) level[i] = nodes[n - width + i].out;
    }
    root <== level[0];
}
