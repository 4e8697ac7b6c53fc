// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

/// @notice Baby Jubjub (twisted Edwards over the BN254 scalar field) as circomlib defines it.
library BabyJubjub {
    uint256 internal constant Q = 21888242871839275222246405745257275088548364400416034343698204186575808495617;
    uint256 internal constant A = 168700;
    uint256 internal constant D = 168696;

    /// @notice a*x^2 + y^2 == 1 + d*x^2*y^2 (mod q). Small-order keys pass here; see isSmallOrder.
    function onCurve(uint256 x, uint256 y) internal pure returns (bool) {
        if (x >= Q || y >= Q) return false;
        uint256 x2 = mulmod(x, x, Q);
        uint256 y2 = mulmod(y, y, Q);
        uint256 lhs = addmod(mulmod(A, x2, Q), y2, Q);
        uint256 rhs = addmod(1, mulmod(D, mulmod(x2, y2, Q), Q), Q);
        return lhs == rhs;
    }

    /// @notice True when 8*(x, y) is the identity: a key of the 8-torsion subgroup, under which
    ///         EdDSA's check holds for any message (anyone could sign). Three doublings in
    ///         projective coordinates (no inversions); the identity is X == 0 and Y == Z.
    function isSmallOrder(uint256 x, uint256 y) internal pure returns (bool) {
        uint256 X = x;
        uint256 Y = y;
        uint256 Z = 1;
        for (uint256 i; i < 3; i++) {
            uint256 b = mulmod(addmod(X, Y, Q), addmod(X, Y, Q), Q);
            uint256 c = mulmod(X, X, Q);
            uint256 d = mulmod(Y, Y, Q);
            uint256 e = mulmod(A, c, Q);
            uint256 f = addmod(e, d, Q);
            uint256 h = mulmod(Z, Z, Q);
            uint256 j = addmod(f, Q - addmod(h, h, Q), Q);
            X = mulmod(addmod(b, Q - addmod(c, d, Q), Q), j, Q);
            Y = mulmod(f, addmod(e, Q - d, Q), Q);
            Z = mulmod(f, j, Q);
        }
        return X == 0 && Z != 0 && Y == Z;
    }
}
