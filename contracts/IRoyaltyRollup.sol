// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

/// @title IRoyaltyRollup
/// @notice Escrow, split registry and proven batch settlement of the royalty rollup
///         (docs/protocol.md). Errors and events of RoyaltyRollup live here.
interface IRoyaltyRollup {
    /// @notice A batch's public data as the settlement call carries it. Slots are padded with
    ///         zeros; `payers` holds strictly increasing non-zero addresses, then zeros.
    struct BatchData {
        uint256 eventsRoot;
        address[] payers;
        uint256[] oldHeads;
        uint256[] newHeads;
        uint64[] assetIds;
        uint256[] splitHashes;
        uint256[] packed;
    }

    error RoyaltyRollup__AlreadyRegistered(address payer);
    error RoyaltyRollup__NotRegistered(address payer);
    error RoyaltyRollup__KeyNotOnCurve();
    error RoyaltyRollup__ZeroAmount();
    error RoyaltyRollup__WrongValue(uint256 expected, uint256 sent);
    error RoyaltyRollup__EthNotAccepted();
    error RoyaltyRollup__TransferFailed();
    error RoyaltyRollup__NothingPending();
    error RoyaltyRollup__TooEarly(uint256 availableAt);
    error RoyaltyRollup__InsufficientEscrow(address payer, uint256 escrow, uint256 needed);
    error RoyaltyRollup__AssetExists(uint64 assetId);
    /// @notice `assetId` is not registered (the asset itself, a settled batch's asset slot, or the
    ///         parent a split names).
    error RoyaltyRollup__UnknownAsset(uint64 assetId);
    error RoyaltyRollup__NotAssetOwner(uint64 assetId);
    /// @notice A split breaks the rule named in `rule` (recipient count, bps sum, parent bps, ...).
    error RoyaltyRollup__BadSplit(string rule);
    error RoyaltyRollup__WrongBatchNumber(uint256 expected, uint256 got);
    error RoyaltyRollup__BadBatchShape(string field);
    error RoyaltyRollup__PayersNotSorted();
    error RoyaltyRollup__StalePayerHead(address payer, uint256 stored, uint256 claimed);
    error RoyaltyRollup__WrongSplitHash(uint64 assetId, uint256 stored, uint256 claimed);
    error RoyaltyRollup__InvalidProof();
    error RoyaltyRollup__Reentrancy();
    error RoyaltyRollup__NotOperator(address caller, uint256 openToAllAt);
    error RoyaltyRollup__ZeroOperator();
    error RoyaltyRollup__EmptyBatch();
    error RoyaltyRollup__SmallOrderKey();
    error RoyaltyRollup__AmountTooLarge(uint256 amount, uint256 max);
    error RoyaltyRollup__EscrowOverflow(address payer, uint256 escrow, uint256 credit);
    error RoyaltyRollup__TokenHasNoCode(address token);
    error RoyaltyRollup__BalanceOverflow(uint32 accountId);
    /// @notice Registering `assetId` under its parent would give it lineage level `level`, above
    ///         the circuit's depth `maxDepth` (`maxLineageDepth`): a share of its events would climb
    ///         more parents than a batch can route.
    error RoyaltyRollup__LineageTooDeep(uint64 assetId, uint256 level, uint256 maxDepth);
    /// @notice A split update of `assetId` (lineage level `level`, fixed at registration) names
    ///         `parentAsset`, whose level `parentLevel` is not strictly below: a parent must sit
    ///         lower, so that no lineage cycles (the asset itself included) or grows past the depth.
    error RoyaltyRollup__ParentLevelTooHigh(uint64 assetId, uint64 parentAsset, uint256 parentLevel, uint256 level);

    event PayerRegistered(address indexed payer, uint256 pubKeyX, uint256 pubKeyY, uint256 keyHash);
    event KeyRotationRequested(address indexed payer, uint256 pubKeyX, uint256 pubKeyY, uint256 keyHash, uint256 effectiveAt);
    event Deposited(address indexed payer, uint256 amount, uint256 escrow);
    event WithdrawalRequested(address indexed payer, uint256 amount, uint256 availableAt);
    event Withdrawn(address indexed payer, uint256 amount, uint256 escrow);
    event AccountRegistered(uint32 indexed accountId, address indexed account);
    /// @notice An asset and its split: recipients' account ids and bps, and the parent asset with
    ///         its bps (`parentAsset` 0 and `parentBps` 0 without one); `level` is the asset's lineage
    ///         level (0 without a parent, else the parent's + 1), `splitHash` what settlement checks.
    event AssetRegistered(
        uint64 indexed assetId,
        address indexed owner,
        uint32[] recipientIds,
        uint16[] bps,
        uint64 parentAsset,
        uint16 parentBps,
        uint8 level,
        uint256 splitHash
    );
    /// @notice A requested split of `assetId` (same fields as `AssetRegistered`), applicable from
    ///         `effectiveAt` by `applySplitUpdate`.
    event SplitUpdateRequested(
        uint64 indexed assetId,
        uint32[] recipientIds,
        uint16[] bps,
        uint64 parentAsset,
        uint16 parentBps,
        uint256 splitHash,
        uint256 effectiveAt
    );
    /// @notice The whole settlement, arguments and proof, so that chain watchers and verifiers need
    ///         only logs: nobody decodes or traces the settlement transaction, which may come
    ///         through a relay, a multisig or a smart account.
    event BatchSettled(uint256 indexed batchNumber, BatchData batch, uint256[8] proof);
    event OperatorChanged(address indexed previous, address indexed next);
    event Claimed(address indexed account, address indexed to, uint256 amount);
    event KeyRotated(address indexed payer, uint256 keyHash);
    event SplitUpdated(uint64 indexed assetId, uint256 splitHash);

    /// @notice Registers the caller as a payer with its Baby Jubjub EdDSA key.
    function registerPayer(uint256 pubKeyX, uint256 pubKeyY) external;

    /// @notice Asks for a new key; it replaces the old one after the key delay.
    function requestKeyRotation(uint256 pubKeyX, uint256 pubKeyY) external;

    /// @notice Makes a requested key rotation effective once its delay has passed; anyone may call.
    function applyKeyRotation(address payer) external;

    /// @notice Adds to the caller's escrow (ETH: send `amount` as value; ERC-20: approve first).
    function deposit(uint256 amount) external payable;

    /// @notice Starts a withdrawal of `amount`; executable after the withdrawal delay.
    function requestWithdrawal(uint256 amount) external;

    /// @notice Pays out a matured withdrawal request (capped by the escrow left after settlements).
    function withdraw() external;

    /// @notice Registers an asset owned by the caller with its royalty split: 1..K distinct non-zero
    ///         recipients, or 1..K-1 beside a parent asset, whose share is split again by the
    ///         parent's own split (docs/protocol.md §3). All bps, the parent's included, sum to 10000.
    ///         The asset's lineage level (0 without a parent, else the parent's + 1, at most
    ///         `maxLineageDepth`) is fixed here for good.
    /// @param assetId Non-zero id of the new asset.
    /// @param recipients Recipient addresses; each gets an account id on first appearance.
    /// @param bps Basis points per recipient; the first recipient also takes rounding remainders.
    /// @param parentAsset A registered asset to pass a share to, or 0 for none.
    /// @param parentBps The parent's basis points: positive with a parent, 0 without.
    function registerAsset(
        uint64 assetId,
        address[] calldata recipients,
        uint16[] calldata bps,
        uint64 parentAsset,
        uint16 parentBps
    ) external;

    /// @notice Replaces an asset's split after the split delay (batches proven against the old
    ///         split can still settle until then). Only the owner may. Same rules as
    ///         `registerAsset`; a parent must have a lineage level strictly below the asset's own,
    ///         which never changes (so an asset registered without a parent never gets one).
    /// @param assetId The asset, owned by the caller.
    /// @param recipients Recipient addresses; each gets an account id on first appearance.
    /// @param bps Basis points per recipient; the first recipient also takes rounding remainders.
    /// @param parentAsset A registered asset of a lower level to pass a share to, or 0 for none.
    /// @param parentBps The parent's basis points: positive with a parent, 0 without.
    function updateSplit(
        uint64 assetId,
        address[] calldata recipients,
        uint16[] calldata bps,
        uint64 parentAsset,
        uint16 parentBps
    ) external;

    /// @notice Makes a requested split update effective once its delay has passed; anyone may call.
    function applySplitUpdate(uint64 assetId) external;

    /// @notice Settles the next batch: checks its public data against storage, verifies the
    ///         Groth16 proof, debits payers, credits recipients and records the events root.
    ///         Only the operator may call it, or anyone once no batch has settled for
    ///         `forcedSettlementDelay` seconds.
    function settleBatch(uint256 batchNumber, BatchData calldata batch, uint256[8] calldata proof) external;

    /// @notice Hands the settlement right to `next`; only the operator may.
    function setOperator(address next) external;

    /// @notice Pays the caller's claimable royalties to the caller.
    function claim() external;

    /// @notice Pays `account`'s claimable royalties to `account`; anyone may trigger it.
    function claimFor(address account) external;
}
