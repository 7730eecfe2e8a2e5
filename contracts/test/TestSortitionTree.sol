// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {SortitionTree} from "../libraries/SortitionTree.sol";

/// @notice Exposes SortitionTree for tests: the library itself, through a contract.
contract TestSortitionTree {
    using SortitionTree for SortitionTree.Tree;

    SortitionTree.Tree private _tree;

    function push(uint64 weight) external returns (uint256) {
        return _tree.push(weight);
    }

    function pushMany(uint64[] calldata weights) external {
        for (uint256 i = 0; i < weights.length; ++i) {
            _tree.push(weights[i]);
        }
    }

    function set(uint256 leaf, uint64 weight) external {
        _tree.set(leaf, weight);
    }

    function draw(uint256 random) external view returns (uint256) {
        return _tree.draw(random);
    }

    /// @notice Draws `count` leaves from keccak256(seed, i) and returns them.
    function drawMany(bytes32 seed, uint256 count) external view returns (uint256[] memory leaves) {
        leaves = new uint256[](count);
        for (uint256 i = 0; i < count; ++i) {
            leaves[i] = _tree.draw(uint256(keccak256(abi.encode(seed, i))));
        }
    }

    function total() external view returns (uint256) {
        return _tree.total();
    }

    function weightOf(uint256 leaf) external view returns (uint64) {
        return _tree.weightOf(leaf);
    }

    function node(uint256 level, uint256 index) external view returns (uint64) {
        return _tree.node(level, index);
    }

    function leaves() external view returns (uint256) {
        return _tree.leaves;
    }

    function levels() external view returns (uint256) {
        return _tree.levels;
    }
}
