// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

// The Poseidon hashes of poseidon-solidity, as the rollup links them: same library names and the
// same `hash` signatures (so the same selectors), but no code of their own. RoyaltyRollup
// compiles through the IR pipeline, where poseidon-solidity's unrolled rounds would be compiled
// again into 82-116 KB (solc then warns they cannot be deployed); linking to these declarations
// keeps those rounds out of its compilation. `royalty deploy` deploys poseidon-solidity's own
// libraries (compiled without IR: 12-21 KB) and links their addresses here. These bodies never
// run: a rollup linked to a deployed copy of this file would revert on every hash.

error Poseidon__NotLinked();

library PoseidonT3 {
    function hash(uint256[2] memory) public pure returns (uint256) {
        revert Poseidon__NotLinked();
    }
}

library PoseidonT4 {
    function hash(uint256[3] memory) public pure returns (uint256) {
        revert Poseidon__NotLinked();
    }
}

library PoseidonT5 {
    function hash(uint256[4] memory) public pure returns (uint256) {
        revert Poseidon__NotLinked();
    }
}

library PoseidonT6 {
    function hash(uint256[5] memory) public pure returns (uint256) {
        revert Poseidon__NotLinked();
    }
}
