// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @title IAtomicSwap
/// @notice Hashed timelock contracts (HTLCs) for atomic swaps of ETH and ERC-20 tokens across
///         chains: funds locked for a recipient under a sha256 hashlock and a timelock.
///
/// A swap across two chains, step by step (the SDK `openotc.swap` drives it):
/// 1. The initiator picks a secret preimage and locks its asset on chain A for the participant,
///    under hashlock = sha256(preimage) and a timelock T_A.
/// 2. The participant sees the lock event (EtherSwapLocked or TokenSwapLocked, indexed by
///    hashlock, recipient and sender),
///    checks the terms, and locks its asset on chain B for the initiator under the same
///    hashlock and a timelock T_B that ends well before T_A.
/// 3. The initiator claims on chain B with the preimage, which the SwapClaimed event reveals.
/// 4. The participant (or anyone for it) claims on chain A with that preimage, before T_A.
/// If a side walks away, each sender takes its funds back with {refund} once its timelock has
/// passed; a recipient can also release the sender early by signing a cooperative refund.
///
/// sha256, not keccak256, so the same secret also unlocks Bitcoin-style HTLCs.
///
/// Storage: one slot per open swap: `swapId = keccak256(abi.encode(swap))`, a commitment to
/// all its terms. Every call about a swap passes its terms (as emitted when locked): the whole
/// {Swap}, or, when the recipient claims ({claim}, {claimToken}) or the sender refunds
/// ({refund}, {refundToken}) for itself, all but what the contract derives (the caller's own
/// address, and on a claim the hashlock, sha256(preimage)); the id is the same either way.
/// Claiming or refunding clears the slot (its gas refund keeps both cheap), so identical terms
/// could be locked again, which only a careless sender would do: the preimage of a claimed
/// hashlock is public. A swap refunded with the recipient's signature is marked instead and
/// can never be locked again, or the old signature would refund the new lock too.
///
/// Claims: anyone may submit {claimFor} (a relayer, a watchtower), and anyone {refundFor}; the
/// funds always go to the swap's recipient on a claim and to its sender on a refund, so seeing
/// a preimage in the mempool gains an attacker nothing. A caller's own {claim} or {refund}
/// names itself as the recipient or the sender: nobody else can use it to move the swap.
/// Claims are accepted while block.timestamp < timelock; refunds from timelock on.
///
/// Nothing privileged: the contract has no owner, no fee and no upgrade path.
interface IAtomicSwap {
    /// @notice The terms of a swap; its id is keccak256(abi.encode(swap)).
    struct Swap {
        bytes32 hashlock; // sha256(preimage)
        address token; // address(0) for ETH
        uint256 amount;
        address sender; // locked the funds; receives a refund
        address recipient; // receives the funds on claim
        uint256 timelock; // unix time: claims before it, refunds from it
    }

    /// @notice An ETH swap was locked (its token is address(0)).
    event EtherSwapLocked(
        bytes32 indexed hashlock,
        address indexed recipient,
        address indexed sender,
        uint256 amount,
        uint256 timelock
    );
    /// @notice An ERC-20 swap was locked.
    event TokenSwapLocked(
        bytes32 indexed hashlock,
        address indexed recipient,
        address indexed sender,
        address token,
        uint256 amount,
        uint256 timelock
    );
    /// @notice A swap under `hashlock` was claimed: `preimage` is now public, for the other
    ///         chain's leg.
    event SwapClaimed(bytes32 indexed hashlock, bytes32 preimage);
    /// @notice The swap was returned to its sender.
    event SwapRefunded(bytes32 indexed swapId);

    error SwapZeroAmount();
    error SwapZeroAddress();
    error SwapZeroHashlock();
    error SwapTimelockInPast(uint256 timelock, uint256 now_);
    error SwapTimelockTooFar(uint256 timelock, uint256 latest);
    error SwapAlreadyExists(bytes32 swapId);
    error SwapNotFound(bytes32 swapId);
    error SwapWrongPreimage(bytes32 hashlock, bytes32 preimageHash);
    error SwapExpired(bytes32 swapId, uint256 timelock);
    error SwapNotExpired(bytes32 swapId, uint256 timelock);
    error SwapFeeOnTransferToken(address token, uint256 expected, uint256 received);
    error SwapInvalidRefundSignature(bytes32 swapId, address recipient);
    error SwapBatchLengthMismatch(uint256 preimages, uint256 swaps);
    error SwapTransferFailed(address to, uint256 amount);

    /// @notice Locks msg.value ETH for `recipient` under `hashlock` until `timelock`; the
    ///         caller is the swap's sender.
    /// @param hashlock sha256 of the secret preimage.
    /// @param recipient Who receives the ETH on claim.
    /// @param timelock Unix time from which the sender may refund; at most {MAX_TIMELOCK} away.
    /// @return The swap id, keccak256(abi.encode(swap)).
    function lock(bytes32 hashlock, address recipient, uint256 timelock) external payable returns (bytes32);

    /// @notice Locks `amount` of `token` (pulled from the caller, who approved this contract)
    ///         for `recipient`. Tokens that deliver another amount than `amount` (fee on
    ///         transfer) are refused with {SwapFeeOnTransferToken}.
    /// @param hashlock sha256 of the secret preimage.
    /// @param token The ERC-20 token to lock.
    /// @param amount The amount of `token` to lock.
    /// @param recipient Who receives the tokens on claim.
    /// @param timelock Unix time from which the sender may refund; at most {MAX_TIMELOCK} away.
    /// @return The swap id, keccak256(abi.encode(swap)).
    function lockToken(
        bytes32 hashlock,
        address token,
        uint256 amount,
        address recipient,
        uint256 timelock
    ) external returns (bytes32);

    /// @notice Pays an ETH swap to its recipient, the caller, given the preimage of its
    ///         hashlock, before the timelock. The terms not passed are derived: the hashlock is
    ///         sha256(preimage), the recipient is the caller. A wrong preimage or a caller that
    ///         is not the recipient names a swap that was never locked ({SwapNotFound}).
    /// @param preimage The secret whose sha256 is the swap's hashlock.
    /// @param amount The swap's amount of wei.
    /// @param sender The swap's sender.
    /// @param timelock The swap's timelock.
    function claim(bytes32 preimage, uint256 amount, address sender, uint256 timelock) external;

    /// @notice {claim} for an ERC-20 swap: pays `amount` of `token` to the caller, the recipient.
    /// @param preimage The secret whose sha256 is the swap's hashlock.
    /// @param token The swap's token.
    /// @param amount The swap's amount of `token`.
    /// @param sender The swap's sender.
    /// @param timelock The swap's timelock.
    function claimToken(bytes32 preimage, address token, uint256 amount, address sender, uint256 timelock) external;

    /// @notice Pays the swap to its recipient, given the preimage of its hashlock, before the
    ///         timelock. Anyone may call (a relayer, a watchtower); a preimage whose sha256 is
    ///         not the hashlock is refused with {SwapWrongPreimage}.
    /// @param preimage The secret whose sha256 is the swap's hashlock.
    /// @param swap The swap's terms, as emitted when locked.
    function claimFor(bytes32 preimage, Swap calldata swap) external;

    /// @notice Returns an ETH swap to its sender, the caller, once the timelock has passed. The
    ///         sender is the caller: another caller names a swap that was never locked
    ///         ({SwapNotFound}).
    /// @param hashlock The swap's hashlock.
    /// @param amount The swap's amount of wei.
    /// @param recipient The swap's recipient.
    /// @param timelock The swap's timelock.
    function refund(bytes32 hashlock, uint256 amount, address recipient, uint256 timelock) external;

    /// @notice {refund} for an ERC-20 swap: returns `amount` of `token` to the caller, the
    ///         sender.
    /// @param hashlock The swap's hashlock.
    /// @param token The swap's token.
    /// @param amount The swap's amount of `token`.
    /// @param recipient The swap's recipient.
    /// @param timelock The swap's timelock.
    function refundToken(bytes32 hashlock, address token, uint256 amount, address recipient, uint256 timelock) external;

    /// @notice Returns the swap to its sender once the timelock has passed. Anyone may call.
    /// @param swap The swap's terms, as emitted when locked.
    function refundFor(Swap calldata swap) external;

    /// @notice Returns the swap to its sender at any time (and bars its terms for ever), with
    ///         the recipient's EIP-712
    ///         signature of Refund(bytes32 swapId) (domain "OpenOTC AtomicSwap", version "1",
    ///         this chain, this contract; EIP-1271 wallets accepted). Anyone may call.
    /// @param swap The swap's terms, as emitted when locked.
    /// @param recipientSignature The recipient's signature of {refundDigest} of the swap id.
    function refundCooperatively(Swap calldata swap, bytes calldata recipientSignature) external;

    /// @notice {claimFor} for each (preimage, swap) pair, in one transaction.
    /// @param preimages The preimage of each swap, in the order of `swaps`.
    /// @param swaps The swaps' terms.
    function claimBatch(bytes32[] calldata preimages, Swap[] calldata swaps) external;

    /// @notice {refundFor} for each swap, in one transaction.
    /// @param swaps The swaps' terms.
    function refundBatch(Swap[] calldata swaps) external;

    /// @notice Latest timelock a lock accepts, from now.
    /// @return The longest timelock in seconds from the lock's block.
    function MAX_TIMELOCK() external view returns (uint256);

    /// @notice The id of a swap.
    /// @param swap The swap's terms.
    /// @return keccak256(abi.encode(swap)).
    function swapIdOf(Swap calldata swap) external pure returns (bytes32);

    /// @notice Whether a swap with this id is locked and not yet claimed or refunded.
    /// @param swapId The swap id.
    /// @return True while the swap can be claimed or refunded.
    function isOpen(bytes32 swapId) external view returns (bool);

    /// @notice The EIP-712 digest the recipient signs to allow a cooperative refund.
    /// @param swapId The swap id.
    /// @return The typed-data hash of Refund(swapId) under this contract's domain.
    function refundDigest(bytes32 swapId) external view returns (bytes32);
}
