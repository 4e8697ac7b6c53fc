// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IRoyaltyRollup} from "./IRoyaltyRollup.sol";
import {BabyJubjub} from "./lib/BabyJubjub.sol";
import {PoseidonT3, PoseidonT5} from "./lib/Poseidon.sol";
import {PublicPacking} from "./lib/PublicPacking.sol";
import {SplitHash} from "./lib/SplitHash.sol";

interface IERC20Minimal {
    function transfer(address to, uint256 amount) external returns (bool);
    function transferFrom(address from, address to, uint256 amount) external returns (bool);
    function balanceOf(address account) external view returns (uint256);
}

/// @title RoyaltyRollup
/// @notice Holds payers' escrow and recipients' balances, registers royalty splits, and settles
///         proven batches of royalty events (docs/protocol.md). One token per deployment: ETH
///         (token = address(0)) or one ERC-20.
contract RoyaltyRollup is IRoyaltyRollup {
    /// @notice Sizes of the batch circuit this deployment's verifier checks (circuits/params.json).
    /// @param n Event slots N.
    /// @param k Entries per split K (accounts, and a parent asset in the last entry).
    /// @param a Asset slots A.
    /// @param p Payer slots P.
    /// @param r Recipient slots R.
    /// @param d Lineage depth D: the most parent levels a share may climb from an event's asset.
    struct Params {
        uint16 n;
        uint16 k;
        uint16 a;
        uint16 p;
        uint16 r;
        uint8 d;
    }

    /// @dev Settlement touches only the first three slots (key hash, head, escrow); delayed
    ///      changes wait in the others until someone applies them.
    struct Payer {
        uint256 keyHash;
        uint256 head;
        uint128 escrow;
        uint128 pendingWithdrawal;
        uint256 pendingKeyHash;
        uint64 keyEffectiveAt;
        uint64 withdrawalAvailableAt;
    }

    /// @dev Settlement reads only `splitHash` (a parent asset is one more asset slot of the batch,
    ///      checked like any other). `level` is the asset's lineage level, fixed at registration:
    ///      0 without a parent, else its parent's level + 1; every parent named later must sit
    ///      strictly lower, so levels fall along parent links and no lineage cycles or climbs past
    ///      `maxLineageDepth`. It packs into the owner's slot.
    struct Asset {
        uint256 splitHash;
        address owner;
        uint64 splitEffectiveAt;
        uint8 level;
        uint256 pendingSplitHash;
    }

    uint256 private constant BPS_DENOMINATOR = 10_000;
    uint256 private constant MAX_128 = type(uint128).max;

    /// @notice ERC-20 of this deployment, or address(0) for ETH.
    address public immutable token;
    /// @notice snarkjs-generated Groth16 verifier of the batch circuit.
    address public immutable verifier;
    /// @notice Poseidon(chainId, address(this)): every event hash and key hash is bound to it.
    uint256 public immutable domain;
    /// @notice Seconds between a withdrawal or key-rotation request and its effect.
    uint256 public immutable withdrawalDelay;
    /// @notice Seconds between a split update request and its effect.
    uint256 public immutable splitDelay;
    /// @notice Circuit sizes N, K, A, P, R and the packing widths derived from them.
    uint256 public immutable eventSlots;
    uint256 public immutable maxRecipients;
    uint256 public immutable assetSlots;
    uint256 public immutable payerSlots;
    uint256 public immutable recipientSlots;
    uint256 public immutable totalBits;
    uint256 public immutable packedWords;
    /// @notice Lineage depth D of the circuit: the highest level an asset may have (a share climbs
    ///         at most this many parents above an event's asset).
    uint256 public immutable maxLineageDepth;
    bytes4 private immutable verifySelector;
    /// @notice Seconds without a settlement after which anyone may settle (the operator vanished).
    uint256 public immutable forcedSettlementDelay;

    /// @notice Per payer: key hash, settled chain head, escrow and pending changes.
    mapping(address => Payer) public payers;
    /// @notice Per asset: split hash, owner, a pending split update and its lineage level.
    mapping(uint64 => Asset) public assets;
    /// @notice Account id of a recipient address (0: none yet).
    mapping(address => uint32) public accountIdOf;
    /// @notice Recipient addresses by account id - 1.
    address[] public accounts;
    /// @dev Two 128-bit balances per slot (ids 2k+1 and 2k+2): recipients of one split get
    ///      consecutive ids, so one settlement write often credits two of them.
    mapping(uint256 => uint256) private claimablePairs;
    /// @dev One slot, read and written once per settlement: who may settle, the count of settled
    ///      batches and the time of the last settlement (or of the deployment).
    struct Settlement {
        address operator;
        uint48 settledBatches;
        uint48 lastSettledAt;
    }

    Settlement private settlement;
    /// @notice Events root of each settled batch: the anchor of event receipts.
    mapping(uint256 => uint256) public eventsRootOf;
    uint256 private locked = 1;

    modifier nonReentrant() {
        if (locked != 1) revert RoyaltyRollup__Reentrancy();
        locked = 2;
        _;
        locked = 1;
    }

    /// @param token_ ERC-20 of this deployment, or address(0) for ETH.
    /// @param verifier_ snarkjs-generated Groth16 verifier of the circuit with sizes `params`.
    /// @param params Circuit sizes (N, K, A, P, R, D of circuits/params.json).
    /// @param withdrawalDelay_ Seconds between a withdrawal (or key rotation) request and its effect.
    /// @param splitDelay_ Seconds between a split update and its effect.
    /// @param operator_ The only address that may settle, until `forcedSettlementDelay` passes without a settlement.
    /// @param forcedSettlementDelay_ Seconds without a settlement after which anyone may settle.
    constructor(
        address token_,
        address verifier_,
        Params memory params,
        uint256 withdrawalDelay_,
        uint256 splitDelay_,
        address operator_,
        uint256 forcedSettlementDelay_
    ) {
        if (token_ != address(0) && token_.code.length == 0) revert RoyaltyRollup__TokenHasNoCode(token_);
        if (operator_ == address(0)) revert RoyaltyRollup__ZeroOperator();
        token = token_;
        forcedSettlementDelay = forcedSettlementDelay_;
        settlement = Settlement(operator_, 0, uint48(block.timestamp));
        verifier = verifier_;
        withdrawalDelay = withdrawalDelay_;
        splitDelay = splitDelay_;
        eventSlots = params.n;
        maxRecipients = params.k;
        assetSlots = params.a;
        payerSlots = params.p;
        recipientSlots = params.r;
        maxLineageDepth = params.d;
        uint256 logN;
        while ((uint256(1) << logN) < params.n) logN++;
        totalBits = 97 + logN;
        packedWords = PublicPacking.wordCount(params.p, params.r, 97 + logN);
        domain = PoseidonT3.hash([block.chainid, uint256(uint160(address(this)))]);
        uint256 publicCount = 1 + 3 * uint256(params.p) + params.a + packedWords;
        verifySelector = bytes4(
            keccak256(abi.encodePacked("verifyProof(uint256[2],uint256[2][2],uint256[2],uint256[", _decimal(publicCount), "])"))
        );
    }

    // ---------------------------------------------------------------- payers

    /// @inheritdoc IRoyaltyRollup
    function registerPayer(uint256 pubKeyX, uint256 pubKeyY) external {
        Payer storage payer = payers[msg.sender];
        if (payer.keyHash != 0) revert RoyaltyRollup__AlreadyRegistered(msg.sender);
        uint256 keyHash = _keyHash(msg.sender, pubKeyX, pubKeyY);
        payer.keyHash = keyHash;
        // The genesis head Poseidon(domain, payer): every chain starts bound to this payer of this
        // deployment, so no event hashes either (docs/protocol.md §2).
        payer.head = PoseidonT3.hash([domain, uint256(uint160(msg.sender))]);
        emit PayerRegistered(msg.sender, pubKeyX, pubKeyY, keyHash);
    }

    /// @inheritdoc IRoyaltyRollup
    function requestKeyRotation(uint256 pubKeyX, uint256 pubKeyY) external {
        Payer storage payer = _registered(msg.sender);
        uint256 keyHash = _keyHash(msg.sender, pubKeyX, pubKeyY);
        uint256 effectiveAt = block.timestamp + withdrawalDelay;
        payer.pendingKeyHash = keyHash;
        payer.keyEffectiveAt = uint64(effectiveAt);
        emit KeyRotationRequested(msg.sender, pubKeyX, pubKeyY, keyHash, effectiveAt);
    }

    /// @inheritdoc IRoyaltyRollup
    function deposit(uint256 amount) external payable nonReentrant {
        Payer storage payer = _registered(msg.sender);
        if (amount == 0) revert RoyaltyRollup__ZeroAmount();
        if (amount > MAX_128) revert RoyaltyRollup__AmountTooLarge(amount, MAX_128);
        uint256 received = amount;
        if (token == address(0)) {
            if (msg.value != amount) revert RoyaltyRollup__WrongValue(amount, msg.value);
        } else {
            if (msg.value != 0) revert RoyaltyRollup__EthNotAccepted();
            // Credit what arrived: a fee-on-transfer token delivers less than `amount`.
            uint256 before = IERC20Minimal(token).balanceOf(address(this));
            _pull(msg.sender, amount);
            received = IERC20Minimal(token).balanceOf(address(this)) - before;
        }
        uint256 escrow = uint256(payer.escrow) + received;
        if (escrow > MAX_128) revert RoyaltyRollup__EscrowOverflow(msg.sender, payer.escrow, received);
        payer.escrow = uint128(escrow);
        emit Deposited(msg.sender, received, escrow);
    }

    /// @inheritdoc IRoyaltyRollup
    function requestWithdrawal(uint256 amount) external {
        Payer storage payer = _registered(msg.sender);
        if (amount == 0) revert RoyaltyRollup__ZeroAmount();
        if (amount > payer.escrow) revert RoyaltyRollup__InsufficientEscrow(msg.sender, payer.escrow, amount);
        uint256 availableAt = block.timestamp + withdrawalDelay;
        payer.pendingWithdrawal = uint128(amount);
        payer.withdrawalAvailableAt = uint64(availableAt);
        emit WithdrawalRequested(msg.sender, amount, availableAt);
    }

    /// @inheritdoc IRoyaltyRollup
    function withdraw() external nonReentrant {
        Payer storage payer = _registered(msg.sender);
        uint256 amount = payer.pendingWithdrawal;
        if (amount == 0) revert RoyaltyRollup__NothingPending();
        if (block.timestamp < payer.withdrawalAvailableAt) revert RoyaltyRollup__TooEarly(payer.withdrawalAvailableAt);
        // Settlements after the request may have spent part of it: pay what is left.
        if (amount > payer.escrow) amount = payer.escrow;
        payer.escrow -= uint128(amount);
        payer.pendingWithdrawal = 0;
        payer.withdrawalAvailableAt = 0;
        _push(msg.sender, amount);
        emit Withdrawn(msg.sender, amount, payer.escrow);
    }

    // ---------------------------------------------------------------- assets

    /// @inheritdoc IRoyaltyRollup
    function registerAsset(
        uint64 assetId,
        address[] calldata recipients,
        uint16[] calldata bps,
        uint64 parentAsset,
        uint16 parentBps
    ) external {
        if (assetId == 0) revert RoyaltyRollup__BadSplit("assetId must not be 0");
        Asset storage asset = assets[assetId];
        if (asset.owner != address(0)) revert RoyaltyRollup__AssetExists(assetId);
        (uint32[] memory ids, uint256 hash, uint256 parentLevel) =
            _split(assetId, recipients, bps, parentAsset, parentBps);
        // parentLevel <= maxLineageDepth <= 255, so the sum cannot overflow uint256.
        uint256 level = parentAsset == 0 ? 0 : parentLevel + 1;
        if (level > maxLineageDepth) revert RoyaltyRollup__LineageTooDeep(assetId, level, maxLineageDepth);
        asset.owner = msg.sender;
        asset.level = uint8(level);
        asset.splitHash = hash;
        emit AssetRegistered(assetId, msg.sender, ids, bps, parentAsset, parentBps, uint8(level), hash);
    }

    /// @inheritdoc IRoyaltyRollup
    function updateSplit(
        uint64 assetId,
        address[] calldata recipients,
        uint16[] calldata bps,
        uint64 parentAsset,
        uint16 parentBps
    ) external {
        Asset storage asset = assets[assetId];
        if (asset.owner == address(0)) revert RoyaltyRollup__UnknownAsset(assetId);
        if (asset.owner != msg.sender) revert RoyaltyRollup__NotAssetOwner(assetId);
        (uint32[] memory ids, uint256 hash, uint256 parentLevel) =
            _split(assetId, recipients, bps, parentAsset, parentBps);
        // The level never changes: a parent must sit strictly below it (itself included: equal).
        uint256 level = asset.level;
        if (parentAsset != 0 && parentLevel >= level) {
            revert RoyaltyRollup__ParentLevelTooHigh(assetId, parentAsset, parentLevel, level);
        }
        uint256 effectiveAt = block.timestamp + splitDelay;
        asset.pendingSplitHash = hash;
        asset.splitEffectiveAt = uint64(effectiveAt);
        emit SplitUpdateRequested(assetId, ids, bps, parentAsset, parentBps, hash, effectiveAt);
    }

    /// @inheritdoc IRoyaltyRollup
    function applyKeyRotation(address payer) external {
        Payer storage p = payers[payer];
        if (p.keyEffectiveAt == 0) revert RoyaltyRollup__NothingPending();
        if (block.timestamp < p.keyEffectiveAt) revert RoyaltyRollup__TooEarly(p.keyEffectiveAt);
        p.keyHash = p.pendingKeyHash;
        p.pendingKeyHash = 0;
        p.keyEffectiveAt = 0;
        emit KeyRotated(payer, p.keyHash);
    }

    /// @inheritdoc IRoyaltyRollup
    function applySplitUpdate(uint64 assetId) external {
        Asset storage asset = assets[assetId];
        if (asset.splitEffectiveAt == 0) revert RoyaltyRollup__NothingPending();
        if (block.timestamp < asset.splitEffectiveAt) revert RoyaltyRollup__TooEarly(asset.splitEffectiveAt);
        asset.splitHash = asset.pendingSplitHash;
        asset.pendingSplitHash = 0;
        asset.splitEffectiveAt = 0;
        emit SplitUpdated(assetId, asset.splitHash);
    }

    /// @notice The split hash settlement checks.
    function splitHashOf(uint64 assetId) external view returns (uint256) {
        return assets[assetId].splitHash;
    }

    /// @notice The key hash settlement checks: Poseidon(domain, payer, Ax, Ay).
    function keyHashOf(address payer) external view returns (uint256) {
        return payers[payer].keyHash;
    }

    /// @notice Number of the last settled batch (batches settle strictly in order from 1).
    function settledBatches() external view returns (uint256) {
        return settlement.settledBatches;
    }

    /// @notice The address that may settle (anyone may once `forcedSettlementDelay` passed).
    function operator() external view returns (address) {
        return settlement.operator;
    }

    /// @notice Time of the last settlement, or of the deployment before the first.
    function lastSettledAt() external view returns (uint256) {
        return settlement.lastSettledAt;
    }

    /// @inheritdoc IRoyaltyRollup
    function setOperator(address next) external {
        Settlement memory s = settlement;
        if (msg.sender != s.operator) {
            revert RoyaltyRollup__NotOperator(msg.sender, uint256(s.lastSettledAt) + forcedSettlementDelay);
        }
        if (next == address(0)) revert RoyaltyRollup__ZeroOperator();
        settlement.operator = next;
        emit OperatorChanged(s.operator, next);
    }

    /// @notice Number of accounts registered so far (ids run from 1).
    function accountCount() external view returns (uint256) {
        return accounts.length;
    }

    // ---------------------------------------------------------------- settlement

    /// @inheritdoc IRoyaltyRollup
    /// @dev No reentrancy guard: the only external call is a staticcall to the verifier.
    function settleBatch(uint256 batchNumber, BatchData calldata batch, uint256[8] calldata proof) external {
        Settlement memory s = settlement;
        if (msg.sender != s.operator) {
            uint256 openAt = uint256(s.lastSettledAt) + forcedSettlementDelay;
            if (block.timestamp < openAt) revert RoyaltyRollup__NotOperator(msg.sender, openAt);
        }
        if (batchNumber != uint256(s.settledBatches) + 1) {
            revert RoyaltyRollup__WrongBatchNumber(uint256(s.settledBatches) + 1, batchNumber);
        }
        _checkShape(batch);
        // A batch without a payer has no events: nothing for anyone to settle but a number.
        if (batch.payers[0] == address(0)) revert RoyaltyRollup__EmptyBatch();
        if (!_verify(_verifierCall(batch, proof))) revert RoyaltyRollup__InvalidProof();

        (uint256[] memory debits, uint256[] memory credits, uint256[] memory ids) =
            PublicPacking.unpack(batch.packed, payerSlots, recipientSlots, totalBits);
        // Unchecked: indices stay below the checked array lengths; a debit is at most the escrow
        // it is taken from; a credit is below 2^totalBits (< 2^110), so no sum passes 2^256.
        unchecked {
            for (uint256 i; i < payerSlots; i++) {
                address who = batch.payers[i];
                if (who == address(0)) break;
                Payer storage payer = payers[who];
                uint256 escrow = payer.escrow;
                if (escrow < debits[i]) revert RoyaltyRollup__InsufficientEscrow(who, escrow, debits[i]);
                payer.escrow = uint128(escrow - debits[i]);
                payer.head = batch.newHeads[i];
            }
            // Ids need no check: the proof routes credits only to ids of registered splits.
            for (uint256 i; i < recipientSlots; i++) {
                uint256 id = ids[i];
                if (id == 0) continue;
                uint256 key = (id - 1) >> 1;
                uint256 shift = ((id - 1) & 1) << 7;
                uint256 pair = claimablePairs[key];
                uint256 credit = credits[i];
                // A half that would pass 2^128 - 1 must not spill into the neighbouring account.
                if (((pair >> shift) & MAX_128) + credit > MAX_128) revert RoyaltyRollup__BalanceOverflow(uint32(id));
                claimablePairs[key] = pair + (credit << shift);
            }
        }
        settlement = Settlement(s.operator, uint48(batchNumber), uint48(block.timestamp));
        eventsRootOf[batchNumber] = batch.eventsRoot;
        emit BatchSettled(batchNumber, batch, proof);
    }

    // ---------------------------------------------------------------- claims

    /// @inheritdoc IRoyaltyRollup
    function claim() external nonReentrant {
        _claim(msg.sender);
    }

    /// @inheritdoc IRoyaltyRollup
    function claimFor(address account) external nonReentrant {
        _claim(account);
    }

    /// @notice Royalties `account` can claim now.
    function claimable(address account) public view returns (uint256) {
        uint32 id = accountIdOf[account];
        return id == 0 ? 0 : uint128(claimablePairs[(id - 1) >> 1] >> (128 * ((id - 1) & 1)));
    }

    // ---------------------------------------------------------------- internals

    function _claim(address account) private {
        uint256 amount = claimable(account);
        if (amount == 0) revert RoyaltyRollup__NothingPending();
        uint32 id = accountIdOf[account];
        claimablePairs[(id - 1) >> 1] -= amount << (128 * ((id - 1) & 1));
        _push(account, amount);
        emit Claimed(account, account, amount);
    }

    function _checkShape(BatchData calldata batch) private view {
        if (batch.payers.length != payerSlots) revert RoyaltyRollup__BadBatchShape("payers");
        if (batch.oldHeads.length != payerSlots) revert RoyaltyRollup__BadBatchShape("oldHeads");
        if (batch.newHeads.length != payerSlots) revert RoyaltyRollup__BadBatchShape("newHeads");
        if (batch.assetIds.length != assetSlots) revert RoyaltyRollup__BadBatchShape("assetIds");
        if (batch.splitHashes.length != assetSlots) revert RoyaltyRollup__BadBatchShape("splitHashes");
        if (batch.packed.length != packedWords) revert RoyaltyRollup__BadBatchShape("packed");
    }

    /// @dev The verifier's calldata, written in place: selector, proof (a, b, c: 8 words), then the
    ///      public signals in circuit order: eventsRoot, newHead[P], packed[W], keyHash[P],
    ///      oldHead[P], splitHash[A] (the domain is inside every key hash). Everything the proof is
    ///      checked against comes from storage; the calldata copies of old heads and split hashes
    ///      only buy clear errors.
    function _verifierCall(BatchData calldata batch, uint256[8] calldata proof) private view returns (bytes memory data) {
        uint256 p = payerSlots;
        uint256 w = packedWords;
        data = new bytes(4 + 32 * (8 + 1 + 3 * p + assetSlots + w));
        bytes4 selector = verifySelector;
        assembly ("memory-safe") {
            mstore(add(data, 32), selector)
            calldatacopy(add(data, 36), proof, 256)
        }
        _put(data, 0, batch.eventsRoot);
        // Unchecked: every index is below a length _checkShape fixed.
        unchecked {
            address previous;
            for (uint256 i; i < p; i++) {
                address who = batch.payers[i];
                _put(data, 1 + i, batch.newHeads[i]);
                if (who == address(0)) {
                    previous = address(type(uint160).max); // only empty slots may follow
                    continue;
                }
                if (who <= previous) revert RoyaltyRollup__PayersNotSorted();
                previous = who;
                Payer storage payer = payers[who];
                uint256 keyHash = payer.keyHash;
                if (keyHash == 0) revert RoyaltyRollup__NotRegistered(who);
                uint256 head = payer.head;
                uint256 claimed = batch.oldHeads[i];
                if (head != claimed) revert RoyaltyRollup__StalePayerHead(who, head, claimed);
                _put(data, 1 + p + w + i, keyHash);
                _put(data, 1 + 2 * p + w + i, head);
            }
            // The packed words are copied as they are: the proof fixes them.
            uint256[] calldata packed = batch.packed;
            assembly ("memory-safe") {
                calldatacopy(add(data, add(292, shl(5, add(1, p)))), packed.offset, shl(5, w))
            }
            for (uint256 i; i < assetSlots; i++) {
                uint64 assetId = batch.assetIds[i];
                if (assetId == 0) continue;
                uint256 hash = assets[assetId].splitHash;
                if (hash == 0) revert RoyaltyRollup__UnknownAsset(assetId);
                uint256 claimed = batch.splitHashes[i];
                if (hash != claimed) revert RoyaltyRollup__WrongSplitHash(assetId, hash, claimed);
                _put(data, 1 + 3 * p + w + i, hash);
            }
        }
    }

    /// @dev Writes public signal `i` into the verifier call (after the selector and 8 proof words).
    function _put(bytes memory data, uint256 i, uint256 value) private pure {
        assembly ("memory-safe") {
            mstore(add(data, add(292, mul(i, 32))), value)
        }
    }

    function _verify(bytes memory data) private view returns (bool) {
        (bool ok, bytes memory result) = verifier.staticcall(data);
        return ok && result.length == 32 && abi.decode(result, (bool));
    }

    /// @dev Checks a split (docs/protocol.md §3), assigns account ids to its recipients and hashes
    ///      it. With a parent asset: the parent must be registered (its level is returned), its bps
    ///      positive, and the parent takes the last of the K entries, so at most K - 1 accounts.
    function _split(
        uint64 assetId,
        address[] calldata recipients,
        uint16[] calldata bps,
        uint64 parentAsset,
        uint16 parentBps
    ) private returns (uint32[] memory ids, uint256 hash, uint256 parentLevel) {
        uint256 maxAccounts = maxRecipients;
        uint256 sum;
        if (parentAsset == 0) {
            if (parentBps != 0) revert RoyaltyRollup__BadSplit("parent bps without a parent");
        } else {
            Asset storage parent = assets[parentAsset];
            if (parent.owner == address(0)) revert RoyaltyRollup__UnknownAsset(parentAsset);
            if (parentBps == 0) revert RoyaltyRollup__BadSplit("parent bps must be positive");
            parentLevel = parent.level;
            maxAccounts -= 1;
            sum = parentBps;
        }
        uint256 n = recipients.length;
        if (n == 0 || n > maxAccounts) revert RoyaltyRollup__BadSplit("recipient count");
        if (bps.length != n) revert RoyaltyRollup__BadSplit("one bps per recipient");
        ids = new uint32[](n);
        for (uint256 i; i < n; i++) {
            if (recipients[i] == address(0)) revert RoyaltyRollup__BadSplit("zero recipient");
            for (uint256 j; j < i; j++) {
                if (recipients[j] == recipients[i]) revert RoyaltyRollup__BadSplit("duplicate recipient");
            }
            sum += bps[i];
            ids[i] = _accountId(recipients[i]);
        }
        if (sum != BPS_DENOMINATOR) revert RoyaltyRollup__BadSplit("bps must sum to 10000");
        hash = SplitHash.compute(assetId, ids, bps, parentAsset, parentBps, maxRecipients);
    }

    function _accountId(address account) private returns (uint32 id) {
        id = accountIdOf[account];
        if (id != 0) return id;
        accounts.push(account);
        id = uint32(accounts.length);
        accountIdOf[account] = id;
        emit AccountRegistered(id, account);
    }

    function _keyHash(address payer, uint256 x, uint256 y) private view returns (uint256) {
        if (!BabyJubjub.onCurve(x, y)) revert RoyaltyRollup__KeyNotOnCurve();
        if (BabyJubjub.isSmallOrder(x, y)) revert RoyaltyRollup__SmallOrderKey();
        return PoseidonT5.hash([domain, uint256(uint160(payer)), x, y]);
    }

    function _registered(address who) private view returns (Payer storage payer) {
        payer = payers[who];
        if (payer.keyHash == 0) revert RoyaltyRollup__NotRegistered(who);
    }

    function _pull(address from, uint256 amount) private {
        (bool ok, bytes memory data) =
            token.call(abi.encodeCall(IERC20Minimal.transferFrom, (from, address(this), amount)));
        if (!ok || (data.length != 0 && !abi.decode(data, (bool)))) revert RoyaltyRollup__TransferFailed();
    }

    function _push(address to, uint256 amount) private {
        bool ok;
        if (token == address(0)) {
            (ok,) = to.call{value: amount}("");
        } else {
            bytes memory data;
            (ok, data) = token.call(abi.encodeCall(IERC20Minimal.transfer, (to, amount)));
            ok = ok && (data.length == 0 || abi.decode(data, (bool)));
        }
        if (!ok) revert RoyaltyRollup__TransferFailed();
    }

    function _decimal(uint256 value) private pure returns (bytes memory out) {
        if (value == 0) return "0";
        uint256 digits;
        for (uint256 v = value; v != 0; v /= 10) digits++;
        out = new bytes(digits);
        for (; value != 0; value /= 10) out[--digits] = bytes1(uint8(48 + (value % 10)));
    }
}
