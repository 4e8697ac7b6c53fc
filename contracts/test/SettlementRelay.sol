// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

/// @notice Forwards a call, as a relay, a multisig or a smart account would: tests settle batches
///         through it so that the settlement transaction's input is not a settleBatch call.
contract SettlementRelay {
    /// @notice Calls `target` with `data`; a revert bubbles up unchanged.
    function forward(address target, bytes calldata data) external returns (bytes memory result) {
        bool ok;
        (ok, result) = target.call(data);
        if (!ok) {
            assembly ("memory-safe") {
                revert(add(result, 32), mload(result))
            }
        }
    }
}
