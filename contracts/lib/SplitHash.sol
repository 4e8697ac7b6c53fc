// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {PoseidonT3, PoseidonT4, PoseidonT5, PoseidonT6} from "./Poseidon.sol";

/// @notice splitHash = Poseidon(assetId, entry_1..entry_K), entry = recipientId * 2^14 + bps, padded
///         with 0 entries to K; a parent asset takes the last entry as parentAssetId * 2^46 + bps
///         (docs/protocol.md §3); the circuit opens the same hash (circuits/lib/asset_slot.circom).
library SplitHash {
    /// @notice K outside 1..4: no Poseidon width of this library hashes assetId and K entries.
    error SplitHash__UnsupportedK(uint256 k);

    /// @dev Above the 14 bits of bps and the 32 of an account id (core/split.ts PARENT_SHIFT).
    uint256 internal constant PARENT_SHIFT = 46;

    /// @notice The split hash of `assetId`'s split. The caller has checked the split: at most K
    ///         recipients, or K - 1 beside a parent (`parentAsset` 0: none, `parentBps` then 0).
    function compute(
        uint64 assetId,
        uint32[] memory recipientIds,
        uint16[] memory bps,
        uint64 parentAsset,
        uint16 parentBps,
        uint256 k
    ) internal pure returns (uint256) {
        if (k == 0 || k > 4) revert SplitHash__UnsupportedK(k);
        uint256[5] memory e;
        e[0] = assetId;
        for (uint256 i; i < recipientIds.length; i++) {
            e[i + 1] = (uint256(recipientIds[i]) << 14) | bps[i];
        }
        if (parentAsset != 0) e[k] = (uint256(parentAsset) << PARENT_SHIFT) | parentBps;
        if (k == 1) return PoseidonT3.hash([e[0], e[1]]);
        if (k == 2) return PoseidonT4.hash([e[0], e[1], e[2]]);
        if (k == 3) return PoseidonT5.hash([e[0], e[1], e[2], e[3]]);
        return PoseidonT6.hash([e[0], e[1], e[2], e[3], e[4]]);
    }
}
