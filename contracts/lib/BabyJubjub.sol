// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

/// @notice Baby Jubjub (twisted Edwards over the BN254 scalar field) as circomlib defines it.
library BabyJubjub {
    uint256 internal constant Q = 21888242871839275222246405745257275088548364400416034343698204186575808495617;
    uint256 internal constant A = 168700;
    uint256 internal constant D = 168696;

    /// @notice a*x^2 + y^2 == 1 + d*x^2*y^2 (mod q). Small-order keys pass here; the circuit's
    ///         verifier rejects them (8*key must not be the identity).
    function onCurve(uint256 x, uint256 y) internal pure returns (bool) {
        if (x >= Q || y >= Q) return false;
        uint256 x2 = mulmod(x, x, Q);
        uint256 y2 = mulmod(y, y, Q);
        uint256 lhs = addmod(mulmod(A, x2, Q), y2, Q);
        uint256 rhs = addmod(1, mulmod(D, mulmod(x2, y2, Q), Q), Q);
        return lhs == rhs;
    }
}
