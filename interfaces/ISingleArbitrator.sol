// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IArbitrator} from "@kleros/erc-792/contracts/IArbitrator.sol";

/// @title ISingleArbitrator
/// @notice An ERC-792 arbitrator where one configured address - a DAO, a multisig - rules.
///         A real deployment option for small markets: any ERC-792 arbitrable contract (the
///         OpenOTC escrow first) can send its disputes here.
/// @dev No appeals: a ruling is final when given ({appealCost} is type(uint256).max and
///      {appeal} reverts). The arbitration fee paid with {createDispute} is the ruler's income
///      for deciding; the ruler withdraws it with {withdrawFees}. The arbitrator never holds or
///      touches the disputed funds, which stay in the arbitrable contract.
interface ISingleArbitrator is IArbitrator {
    /// @notice The ruler set the arbitration cost.
    event ArbitrationCostSet(uint256 cost);

    /// @notice The ruler decided `disputeId` with `ruling`.
    event Ruled(uint256 indexed disputeId, uint256 ruling);

    /// @notice The ruler withdrew `amount` of collected fees to `to`.
    event FeesWithdrawn(address indexed to, uint256 amount);

    error ArbitratorNotRuler(address caller);
    error ArbitratorInsufficientFee(uint256 sent, uint256 cost);
    error ArbitratorUnknownDispute(uint256 disputeId);
    error ArbitratorAlreadyRuled(uint256 disputeId);
    error ArbitratorInvalidRuling(uint256 disputeId, uint256 ruling, uint256 choices);
    error ArbitratorAppealNotSupported();
    error ArbitratorZeroAddress();
    error ArbitratorTransferFailed(address to, uint256 amount);

    /// @notice The address that rules. Immutable.
    /// @return The ruler.
    function ruler() external view returns (address);

    /// @notice Decides a dispute and calls the arbitrable's `rule`. Ruler only; once per dispute.
    /// @param disputeId The dispute.
    /// @param ruling The ruling, 0 (refused) up to the dispute's number of choices; its
    ///        meaning is the arbitrable's (the escrow's are its `RULING_*` views).
    function giveRuling(uint256 disputeId, uint256 ruling) external;

    /// @notice Sets the cost of new disputes. Ruler only.
    /// @param cost The fee a new dispute must pay, in wei.
    function setArbitrationCost(uint256 cost) external;

    /// @notice Sends the collected fees to `to`. Ruler only. Fails with
    ///         {ArbitratorTransferFailed} if `to` refuses the ETH.
    /// @param to The recipient of the whole ETH balance.
    function withdrawFees(address payable to) external;

    /// @notice The contract that created `disputeId`.
    /// @param disputeId The dispute.
    /// @return The arbitrable contract the ruling is sent to.
    function arbitrableOf(uint256 disputeId) external view returns (address);

    /// @notice How many disputes exist.
    /// @return The number of disputes (ids are 0 .. count-1).
    function disputeCount() external view returns (uint256);
}
