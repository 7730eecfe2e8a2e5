// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IArbitrable} from "@kleros/erc-792/contracts/IArbitrable.sol";
import {IArbitrator} from "@kleros/erc-792/contracts/IArbitrator.sol";

/// @notice A minimal third-party ERC-792 arbitrable: opens disputes, appeals them, records
///         rulings. Stands for any integrator of the court; `setRejectRulings` makes `rule`
///         revert, as a hostile or broken integrator would.
contract TestArbitrable is IArbitrable {
    IArbitrator public immutable arbitrator;
    mapping(uint256 disputeId => uint256) public rulings;
    mapping(uint256 disputeId => bool) public ruled;
    bool public rejectRulings;

    error TestArbitrableRejected();
    error TestArbitrableNotArbitrator(address caller);

    constructor(IArbitrator arbitrator_) {
        arbitrator = arbitrator_;
    }

    function createDispute(uint256 choices) external payable returns (uint256) {
        return arbitrator.createDispute{value: msg.value}(choices, "");
    }

    function appeal(uint256 disputeId) external payable {
        arbitrator.appeal{value: msg.value}(disputeId, "");
    }

    function setRejectRulings(bool reject) external {
        rejectRulings = reject;
    }

    function rule(uint256 disputeId, uint256 ruling) external {
        if (rejectRulings) revert TestArbitrableRejected();
        if (msg.sender != address(arbitrator)) revert TestArbitrableNotArbitrator(msg.sender);
        rulings[disputeId] = ruling;
        ruled[disputeId] = true;
        emit Ruling(arbitrator, disputeId, ruling);
    }
}
