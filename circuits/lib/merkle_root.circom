pragma circom 2.2.0;

include "circomlib/circuits/poseidon.circom";

// MerkleRoot(leafCount, arity): root of the smallest full tree of arity^depth >= leafCount
// leaves, each node Poseidon of its children in order, leaves past leafCount 0: the layout of
// zk-kit's IMT with that depth, arity and zero value 0 (rule 6). A node whose children are all
// past the end is the zero subtree's root, a constant the compiler folds (no constraints), so a
// batch pays only for the nodes above its leaves.
template MerkleRoot(leafCount, arity) {
    signal input leaves[leafCount];
    signal output root;

    var depth = 0;
    for (var w = 1; w < leafCount; w *= arity) depth++;

    // zero[d]: root of an all-zero subtree of height d (Poseidon of constants: no constraints).
    signal zero[depth + 1];
    component zeroNode[depth];
    zero[0] <== 0;
    for (var d = 0; d < depth; d++) {
        zeroNode[d] = Poseidon(arity);
        for (var c = 0; c < arity; c++) zeroNode[d].inputs[c] <== zero[d];
        zero[d + 1] <== zeroNode[d].out;
    }

    var nodeCount = 0;
    var width = leafCount;
    for (var d = 0; d < depth; d++) {
        width = (width + arity - 1) \ arity;
        nodeCount += width;
    }
    component nodes[nodeCount];
    // Values of the current level; vars holding signals keep unused slots out of the circuit.
    var level[leafCount];
    for (var i = 0; i < leafCount; i++) level[i] = leaves[i];

    var n = 0;
    width = leafCount;
    for (var d = 0; d < depth; d++) {
        var parents = (width + arity - 1) \ arity;
        for (var i = 0; i < parents; i++) {
            nodes[n + i] = Poseidon(arity);
            for (var c = 0; c < arity; c++) {
                var child = i * arity + c;
                if (child < width) {
                    nodes[n + i].inputs[c] <== level[child];
                } else {
                    nodes[n + i].inputs[c] <== zero[d];
                }
            }
        }
        for (var i = 0; i < parents; i++) level[i] = nodes[n + i].out;
        n += parents;
        width = parents;
    }
    root <== level[0];
}
