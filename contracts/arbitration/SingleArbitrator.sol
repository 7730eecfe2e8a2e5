// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {IArbitrable} from "@kleros/erc-792/contracts/IArbitrable.sol";
import {IArbitrator} from "@kleros/erc-792/contracts/IArbitrator.sol";
import {ISingleArbitrator} from "../../interfaces/ISingleArbitrator.sol";
import {Transfers} from "../libraries/Transfers.sol";

/// @title SingleArbitrator
/// @notice ERC-792 arbitrator ruled by one address. See {ISingleArbitrator}.
contract SingleArbitrator is ISingleArbitrator {
    struct DisputeRecord {
        IArbitrable arbitrable;
        uint64 choices;
        DisputeStatus status;
        uint256 ruling;
    }

    address private immutable _ruler;
    uint256 private _cost;
    DisputeRecord[] private _disputes;

    modifier onlyRuler() {
        if (msg.sender != _ruler) revert ArbitratorNotRuler(msg.sender);
        _;
    }

    constructor(address ruler_, uint256 cost) {
        if (ruler_ == address(0)) revert ArbitratorZeroAddress();
        _ruler = ruler_;
        _cost = cost;
        emit ArbitrationCostSet(cost);
    }

    /// @inheritdoc IArbitrator
    function createDispute(uint256 choices, bytes calldata) external payable returns (uint256 disputeId) {
        if (msg.value < _cost) revert ArbitratorInsufficientFee(msg.value, _cost);
        disputeId = _disputes.length;
        _disputes.push(DisputeRecord(IArbitrable(msg.sender), SafeCast.toUint64(choices), DisputeStatus.Waiting, 0));
        emit DisputeCreation(disputeId, IArbitrable(msg.sender));
    }

    /// @inheritdoc ISingleArbitrator
    function giveRuling(uint256 disputeId, uint256 ruling) external onlyRuler {
        DisputeRecord storage record = _record(disputeId);
        if (record.status == DisputeStatus.Solved) revert ArbitratorAlreadyRuled(disputeId);
        if (ruling > record.choices) revert ArbitratorInvalidRuling(disputeId, ruling, record.choices);
        record.status = DisputeStatus.Solved;
        record.ruling = ruling;
        emit Ruled(disputeId, ruling);
        record.arbitrable.rule(disputeId, ruling);
    }

    /// @inheritdoc ISingleArbitrator
    function setArbitrationCost(uint256 cost) external onlyRuler {
        _cost = cost;
        emit ArbitrationCostSet(cost);
    }

    /// @inheritdoc ISingleArbitrator
    function withdrawFees(address payable to) external onlyRuler {
        if (to == address(0)) revert ArbitratorZeroAddress();
        uint256 amount = address(this).balance;
        emit FeesWithdrawn(to, amount);
        Transfers.sendEth(to, amount, ArbitratorTransferFailed.selector);
    }

    /// @inheritdoc IArbitrator
    function appeal(uint256, bytes calldata) external payable {
        revert ArbitratorAppealNotSupported();
    }

    /// @inheritdoc IArbitrator
    function arbitrationCost(bytes calldata) external view returns (uint256) {
        return _cost;
    }

    /// @inheritdoc IArbitrator
    function appealCost(uint256, bytes calldata) external pure returns (uint256) {
        return type(uint256).max; // not appealable
    }

    /// @inheritdoc IArbitrator
    function appealPeriod(uint256) external pure returns (uint256 start, uint256 end) {
        return (0, 0);
    }

    /// @inheritdoc IArbitrator
    function disputeStatus(uint256 disputeId) external view returns (DisputeStatus) {
        return _record(disputeId).status;
    }

    /// @inheritdoc IArbitrator
    function currentRuling(uint256 disputeId) external view returns (uint256) {
        return _record(disputeId).ruling;
    }

    /// @inheritdoc ISingleArbitrator
    function ruler() external view returns (address) {
        return _ruler;
    }

    /// @inheritdoc ISingleArbitrator
    function arbitrableOf(uint256 disputeId) external view returns (address) {
        return address(_record(disputeId).arbitrable);
    }

    /// @inheritdoc ISingleArbitrator
    function disputeCount() external view returns (uint256) {
        return _disputes.length;
    }

    function _record(uint256 disputeId) private view returns (DisputeRecord storage) {
        if (disputeId >= _disputes.length) revert ArbitratorUnknownDispute(disputeId);
        return _disputes[disputeId];
    }
}
