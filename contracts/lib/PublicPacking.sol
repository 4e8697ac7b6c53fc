// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

/// @notice Decodes the packed public words (docs/protocol.md §5, core/packing.ts): each word takes
///         as many totals (debits of P payer slots, then credits of R recipient slots,
///         `totalBits` each) as fit in 253 bits, then as many 32-bit recipient ids as fit.
library PublicPacking {
    uint256 internal constant WORD_BITS = 253;
    uint256 internal constant ID_BITS = 32;

    function wordCount(uint256 p, uint256 r, uint256 totalBits) internal pure returns (uint256 words) {
        uint256 t;
        uint256 i;
        while (t < p + r || i < r) {
            uint256 offset;
            while (t < p + r && offset + totalBits <= WORD_BITS) {
                t++;
                offset += totalBits;
            }
            while (i < r && offset + ID_BITS <= WORD_BITS) {
                i++;
                offset += ID_BITS;
            }
            words++;
        }
    }

    /// @dev `words` must hold `wordCount(p, r, totalBits)` words (the caller checks the length).
    ///      Unchecked: every index stays below its array's length by that count, offsets below 256.
    function unpack(uint256[] calldata words, uint256 p, uint256 r, uint256 totalBits)
        internal
        pure
        returns (uint256[] memory debits, uint256[] memory credits, uint256[] memory ids)
    {
        debits = new uint256[](p);
        credits = new uint256[](r);
        ids = new uint256[](r);
        uint256 totalMask = (uint256(1) << totalBits) - 1;
        uint256 totals = p + r;
        unchecked {
            uint256 t;
            uint256 i;
            for (uint256 w; t < totals || i < r; w++) {
                uint256 word;
                assembly ("memory-safe") {
                    word := calldataload(add(words.offset, shl(5, w)))
                }
                uint256 offset;
                for (; t < totals && offset + totalBits <= WORD_BITS; t++) {
                    uint256 value = (word >> offset) & totalMask;
                    // debits[t] for t < p, else credits[t - p]
                    assembly ("memory-safe") {
                        switch lt(t, p)
                        case 1 { mstore(add(debits, shl(5, add(t, 1))), value) }
                        default { mstore(add(credits, shl(5, add(sub(t, p), 1))), value) }
                    }
                    offset += totalBits;
                }
                for (; i < r && offset + ID_BITS <= WORD_BITS; i++) {
                    uint256 id = (word >> offset) & 0xffffffff;
                    assembly ("memory-safe") {
                        mstore(add(ids, shl(5, add(i, 1))), id)
                    }
                    offset += ID_BITS;
                }
            }
        }
    }
}
