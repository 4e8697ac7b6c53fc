// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {PoseidonT3, PoseidonT4, PoseidonT5, PoseidonT6} from "./Poseidon.sol";

/// @notice splitHash = Poseidon(assetId, entry_1..entry_K), entry = recipientId * 2^14 + bps
///         (docs/protocol.md §3); the circuit opens the same hash (circuits/lib/asset_slot.circom).
library SplitHash {
    error SplitHash__UnsupportedK(uint256 k);

    function compute(uint64 assetId, uint32[] memory recipientIds, uint16[] memory bps, uint256 k)
        internal
        pure
        returns (uint256)
    {
        uint256[5] memory e;
        e[0] = assetId;
        for (uint256 i; i < recipientIds.length; i++) {
            e[i + 1] = (uint256(recipientIds[i]) << 14) | bps[i];
        }
        if (k == 1) return PoseidonT3.hash([e[0], e[1]]);
        if (k == 2) return PoseidonT4.hash([e[0], e[1], e[2]]);
        if (k == 3) return PoseidonT5.hash([e[0], e[1], e[2], e[3]]);
        if (k == 4) return PoseidonT6.hash([e[0], e[1], e[2], e[3], e[4]]);
        revert SplitHash__UnsupportedK(k);
    }
}
