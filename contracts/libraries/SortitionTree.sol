// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @title SortitionTree
/// @notice A K-ary sum tree (K = 4) for drawing leaves at random, weighted by their weights,
///         in O(log n) storage reads per draw and O(log n) writes per weight change.
///
/// Layout. Leaves never move: leaf `i` keeps index `i` for the life of the tree, so a caller
/// can use the leaf index as a permanent id. Nodes are stored by level, four siblings to a
/// storage word, each as a 64-bit lane: word (level, g) holds nodes 4g .. 4g+3 of that level.
/// Level 0 holds the leaves' weights; node j of level l + 1 is the sum of the four lanes of
/// word (l, j). The root is the sum of the top word's lanes and is not stored. A draw reads one
/// word per level: for 1,000 leaves that is 5 reads, where a binary tree needs 10.
///
/// Growth. With L stored levels the tree holds 4^L leaves. Pushing leaf 4^L adds level L,
/// whose first lane takes the old root's sum; no existing word moves.
///
/// Bounds. Every lane (a subtree's sum) must fit in 64 bits; an update that would overflow a
/// lane reverts, and so does a push that would move a root of 2^64 or more into a lane. Callers pick a weight unit so that the total weight stays below 2^64.
library SortitionTree {
    uint256 internal constant K = 4;
    uint256 private constant _LANE_BITS = 64;
    uint256 private constant _LANE_MASK = type(uint64).max;

    struct Tree {
        uint64 leaves; // leaves pushed so far
        uint8 levels; // stored levels; level 0 holds the leaves
        mapping(uint256 key => uint256 word) words; // key = level << 64 | word index
    }

    /// @notice `leaf` was never pushed.
    error SortitionTreeUnknownLeaf(uint256 leaf, uint256 leaves);
    /// @notice The update would make a subtree's sum exceed 2^64 - 1.
    error SortitionTreeOverflow(uint256 leaf, uint256 weight);
    /// @notice Nothing to draw from: the total weight is zero.
    error SortitionTreeEmpty();

    /// @notice Appends a leaf with `weight` and returns its index.
    function push(Tree storage tree, uint64 weight) internal returns (uint256 leaf) {
        leaf = tree.leaves;
        uint256 levels = tree.levels;
        tree.leaves = uint64(leaf + 1);
        if (levels == 0) {
            tree.levels = 1;
            levels = 1;
        } else if (leaf == K ** levels) {
            // The tree is full: the old root becomes the first node of a new top level, as a
            // lane, so it must fit in one.
            uint256 root = _sum(tree.words[_key(levels - 1, 0)]);
            if (root > _LANE_MASK) revert SortitionTreeOverflow(leaf, weight);
            tree.words[_key(levels, 0)] = root;
            tree.levels = uint8(levels + 1);
            levels += 1;
        }
        if (weight != 0) _add(tree, levels, leaf, weight);
    }

    /// @notice Sets the weight of an existing leaf.
    function set(Tree storage tree, uint256 leaf, uint64 weight) internal {
        uint256 leaves = tree.leaves;
        if (leaf >= leaves) revert SortitionTreeUnknownLeaf(leaf, leaves);
        uint256 current = weightOf(tree, leaf);
        if (weight > current) {
            _add(tree, tree.levels, leaf, weight - current);
        } else if (weight < current) {
            _subtract(tree, tree.levels, leaf, current - weight);
        }
    }

    /// @notice Draws a leaf with probability weight / total, from a uniform 256-bit `random`.
    /// @dev The modulo bias is below total / 2^256, with total < 2^66.
    function draw(Tree storage tree, uint256 random) internal view returns (uint256 leaf) {
        uint256 levels = tree.levels;
        if (levels == 0) revert SortitionTreeEmpty();
        uint256 level = levels - 1;
        uint256 word = tree.words[_key(level, 0)];
        uint256 rootSum = _sum(word);
        if (rootSum == 0) revert SortitionTreeEmpty();
        uint256 target = random % rootSum;
        uint256 position = 0; // index of the word being read, within its level
        while (true) {
            uint256 child = 0;
            // Walk the lanes left to right; target < sum of the word, so a lane is found before
            // the fourth, or the fourth holds it.
            for (; child < K - 1; ++child) {
                uint256 weight = (word >> (child * _LANE_BITS)) & _LANE_MASK;
                if (target < weight) break;
                target -= weight;
            }
            position = position * K + child;
            if (level == 0) return position;
            level -= 1;
            word = tree.words[_key(level, position)];
        }
    }

    /// @notice The sum of all weights.
    function total(Tree storage tree) internal view returns (uint256) {
        uint256 levels = tree.levels;
        return levels == 0 ? 0 : _sum(tree.words[_key(levels - 1, 0)]);
    }

    /// @notice The weight of `leaf` (0 for a leaf never pushed).
    function weightOf(Tree storage tree, uint256 leaf) internal view returns (uint64) {
        return node(tree, 0, leaf);
    }

    /// @notice The sum stored for node `index` of `level` (level 0: the leaves).
    function node(Tree storage tree, uint256 level, uint256 index) internal view returns (uint64) {
        return uint64((tree.words[_key(level, index / K)] >> ((index % K) * _LANE_BITS)) & _LANE_MASK);
    }

    function _add(Tree storage tree, uint256 levels, uint256 leaf, uint256 delta) private {
        uint256 index = leaf;
        for (uint256 level = 0; level < levels; ++level) {
            uint256 key = _key(level, index / K);
            uint256 shift = (index % K) * _LANE_BITS;
            uint256 word = tree.words[key];
            uint256 lane = ((word >> shift) & _LANE_MASK) + delta;
            if (lane > _LANE_MASK) revert SortitionTreeOverflow(leaf, delta);
            tree.words[key] = (word & ~(_LANE_MASK << shift)) | (lane << shift);
            index /= K;
        }
    }

    function _subtract(Tree storage tree, uint256 levels, uint256 leaf, uint256 delta) private {
        uint256 index = leaf;
        for (uint256 level = 0; level < levels; ++level) {
            uint256 key = _key(level, index / K);
            uint256 shift = (index % K) * _LANE_BITS;
            uint256 word = tree.words[key];
            // Every ancestor's lane is at least the leaf's current weight, which is >= delta.
            uint256 lane = ((word >> shift) & _LANE_MASK) - delta;
            tree.words[key] = (word & ~(_LANE_MASK << shift)) | (lane << shift);
            index /= K;
        }
    }

    function _sum(uint256 word) private pure returns (uint256) {
        return (word & _LANE_MASK) + ((word >> 64) & _LANE_MASK) + ((word >> 128) & _LANE_MASK) + (word >> 192);
    }

    function _key(uint256 level, uint256 index) private pure returns (uint256) {
        return (level << 64) | index;
    }
}
