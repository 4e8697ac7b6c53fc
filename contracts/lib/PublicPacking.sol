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

    function unpack(uint256[] calldata words, uint256 p, uint256 r, uint256 totalBits)
        internal
        pure
        returns (uint256[] memory debits, uint256[] memory credits, uint32[] memory ids)
    {
        debits = new uint256[](p);
        credits = new uint256[](r);
        ids = new uint32[](r);
        uint256 totalMask = (uint256(1) << totalBits) - 1;
        uint256 t;
        uint256 i;
        for (uint256 w; t < p + r || i < r; w++) {
            uint256 word = words[w];
            uint256 offset;
            while (t < p + r && offset + totalBits <= WORD_BITS) {
                uint256 value = (word >> offset) & totalMask;
                if (t < p) debits[t] = value;
                else credits[t - p] = value;
                t++;
                offset += totalBits;
            }
            while (i < r && offset + ID_BITS <= WORD_BITS) {
                ids[i] = uint32(word >> offset);
                i++;
                offset += ID_BITS;
            }
        }
    }
}
