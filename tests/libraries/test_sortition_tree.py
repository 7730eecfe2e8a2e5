"""SortitionTree (contracts/libraries/SortitionTree.sol) through its harness TestSortitionTree.

The library is a 4-ary sum tree: leaves keep their index for life, nodes are 64-bit lanes packed
four to a storage word, level l + 1 node j is the sum of level l nodes 4j .. 4j+3, the root is the
sum of the top word and is not stored, and a new level is added when leaf 4^levels is pushed.

Every test compares the chain with a plain Python model:

- a leaf list (weights by index) gives every stored node: node(l, j) is the sum of the leaves
  4^l * j .. 4^l * (j + 1) - 1, so lanes past the last leaf read zero;
- the reference draw is `reference_draw`: target = r % total, then walk the leaves in index order
  subtracting weights and return the first leaf with target < weight. It equals the tree walk
  (each level only skips whole subtrees in index order), so the contract must agree exactly.

Speed. Ape sends a transaction in ~70-100 ms on this chain; a raw web3 transaction takes ~15 ms.
Unit tests use ape (return values, decoded custom errors through the shared `reverts`); the
property, statistical and large-tree tests build trees and read nodes through `RawTree`: raw
transactions, and eth_calls sent as one JSON-RPC batch.
"""

import math
from dataclasses import dataclass
from itertools import accumulate

import pytest
from eth_abi import decode, encode
from eth_utils import keccak
from hypothesis import given
from hypothesis import strategies as st
from web3.exceptions import ContractLogicError

MAX64 = 2**64 - 1
UINT256_MAX = 2**256 - 1
K = 4


# ---------------------------------------------------------------- the Python model


def levels_for(leaves: int) -> int:
    """Stored levels for `leaves` leaves: the smallest L >= 1 with 4^L >= leaves (0 if none)."""
    if leaves == 0:
        return 0
    levels = 1
    while K**levels < leaves:
        levels += 1
    return levels


def model_node(weights: list[int], level: int, index: int) -> int:
    """The sum the tree must store for node `index` of `level`: its subtree's leaves."""
    span = K**level
    return sum(weights[index * span : (index + 1) * span])


def words_at(leaves: int, level: int) -> int:
    """Storage words in use at `level` (= nodes in use at level + 1)."""
    return -(-leaves // K ** (level + 1))


def lanes_fit(weights: list[int]) -> bool:
    """Whether every stored lane (every node of every stored level, the root excluded) of a tree
    holding `weights` fits in 64 bits."""
    levels = levels_for(len(weights))
    return all(
        model_node(weights, level, j) <= MAX64
        for level in range(levels)
        for j in range(K * words_at(len(weights), level))
    )


def reference_draw(weights: list[int], random: int) -> int:
    total = sum(weights)
    assert total > 0
    target = random % total
    for leaf, weight in enumerate(weights):
        if target < weight:
            return leaf
        target -= weight
    raise AssertionError("unreachable: target < total")


def boundary_randoms(weights: list[int]) -> list[int]:
    """r on both sides of every cumulative sum (the last unit of a leaf's range and the first of
    the next), plus wrap-arounds of the modulo and the extremes of uint256."""
    total = sum(weights)
    randoms = {0, 1, total - 1, total, total + 1, 2 * total - 1, UINT256_MAX, UINT256_MAX - 1}
    for cumulative in accumulate(weights):
        randoms |= {cumulative - 1, cumulative, cumulative + total}
    return sorted(r for r in randoms if 0 <= r <= UINT256_MAX)


def draw_random(seed: bytes, i: int) -> int:
    """What TestSortitionTree.drawMany feeds draw: uint256(keccak256(abi.encode(seed, i)))."""
    return int.from_bytes(keccak(encode(["bytes32", "uint256"], [seed, i])), "big")


# ---------------------------------------------------------------- chi-square


def chi_square_survival(statistic: float, dof: int) -> float:
    """P(X >= statistic) for X ~ chi-square(dof), exactly: Q(dof / 2, statistic / 2), the
    regularized upper incomplete gamma function, by its power series when x < a + 1 and by its
    continued fraction (modified Lentz) otherwise (Numerical Recipes 6.2). scipy is not in the
    project's environment; `test_chi_square_survival__matches_closed_forms` checks this one."""
    a, x = dof / 2, statistic / 2
    if x <= 0:
        return 1.0
    log_prefactor = a * math.log(x) - x - math.lgamma(a)
    if x < a + 1:
        term = total = 1 / a
        n = a
        while abs(term) > abs(total) * 1e-15:
            n += 1
            term *= x / n
            total += term
        return max(0.0, 1 - total * math.exp(log_prefactor))
    tiny = 1e-300
    b = x + 1 - a
    c = 1 / tiny
    d = 1 / b
    h = d
    for i in range(1, 10_000):
        an = -i * (i - a)
        b += 2
        d = an * d + b
        d = tiny if abs(d) < tiny else d
        c = b + an / c
        c = tiny if abs(c) < tiny else c
        d = 1 / d
        delta = d * c
        h *= delta
        if abs(delta - 1) < 1e-15:
            break
    return math.exp(log_prefactor) * h


# ---------------------------------------------------------------- raw access


@dataclass(frozen=True)
class Reverted:
    data: bytes


_VIEWS = {
    "node": (["uint256", "uint256"], "uint64"),
    "weightOf": (["uint256"], "uint64"),
    "draw": (["uint256"], "uint256"),
    "total": ([], "uint256"),
    "leaves": ([], "uint256"),
    "levels": ([], "uint256"),
}


def _call_data(name: str, types: list[str], args) -> str:
    selector = keccak(text=f"{name}({','.join(types)})")[:4]
    return "0x" + (selector + encode(types, list(args))).hex()


def _error_data(error, *args) -> bytes:
    abi = error.abi
    types = [i.canonical_type for i in abi.inputs]
    return keccak(text=abi.selector)[:4] + encode(types, list(args))


class RawTree:
    """TestSortitionTree through raw web3: transactions without ape's overhead, and views as
    batched eth_calls (`reads`), each result an int or `Reverted(revert data)`."""

    def __init__(self, tree, sender, web3):
        self.tree = tree
        self.address = str(tree.address)
        self.sender = str(sender.address)
        self.web3 = web3

    def _send(self, name, types, args):
        request = {"from": self.sender, "to": self.address, "data": _call_data(name, types, args)}
        tx_hash = self.web3.eth.send_transaction(request)
        receipt = self.web3.eth.wait_for_transaction_receipt(tx_hash, poll_latency=0.001)
        assert receipt.status == 1, f"{name}{args} failed"

    def push_many(self, weights, chunk=50):
        # Anvil's cost per leaf grows with the transaction's size: chunks of 50 are the fastest.
        for start in range(0, len(weights), chunk):
            self._send("pushMany", ["uint64[]"], [list(weights[start : start + chunk])])

    def push(self, weight):
        self._send("push", ["uint64"], [weight])

    def set(self, leaf, weight):
        self._send("set", ["uint256", "uint64"], [leaf, weight])

    def dry_run(self, name, types, args) -> bytes | None:
        """The revert data of the transaction `name(args)` would be, or None if it succeeds."""
        request = {"from": self.sender, "to": self.address, "data": _call_data(name, types, args)}
        try:
            self.web3.eth.call(request)
        except ContractLogicError as err:
            return bytes.fromhex(str(err.data or "0x").removeprefix("0x"))
        return None

    def reads(self, calls):
        """`reads([("node", 1, 0), ("total",)])`: one JSON-RPC batch of eth_calls."""
        if not calls:
            return []
        requests = []
        for name, *args in calls:
            types, _ = _VIEWS[name]
            request = {"to": self.address, "data": _call_data(name, types, args)}
            requests.append(("eth_call", [request, "latest"]))
        responses = self.web3.provider.make_batch_request(requests)
        assert isinstance(responses, list), f"batch refused: {responses}"
        results = []
        for (name, *_), response in zip(calls, responses, strict=True):
            if "error" in response:
                results.append(Reverted(bytes.fromhex(response["error"]["data"][2:])))
            else:
                (value,) = decode([_VIEWS[name][1]], bytes.fromhex(response["result"][2:]))
                results.append(value)
        return results

    def read(self, name, *args):
        return self.reads([(name, *args)])[0]


# ---------------------------------------------------------------- fixtures


@pytest.fixture(scope="session")
def new_tree(project, deployer, chain):
    """`new_tree(weights=())`: a fresh harness with `weights` pushed (leaves 0 .. n-1), wrapped
    in a RawTree; the ape contract is `.tree`."""

    def create(weights=()):
        raw = RawTree(deployer.deploy(project.TestSortitionTree), deployer, chain.provider.web3)
        raw.push_many(list(weights))
        return raw

    return create


def assert_matches_model(raw: RawTree, weights: list[int]):
    """Leaves, levels, total, every leaf weight, every stored node (padding lanes included) and
    the parent = sum-of-four-children relation at every stored level. Level 0 is read through
    weightOf (the library's weightOf is node(0, leaf)), the levels above through node."""
    n = len(weights)
    levels = levels_for(n)
    assert raw.reads([("leaves",), ("levels",), ("total",)]) == [n, levels, sum(weights)]
    if n == 0:
        return
    positions = [(level, j) for level in range(levels) for j in range(K * words_at(n, level))]
    calls = [("weightOf", j) if level == 0 else ("node", level, j) for level, j in positions]
    nodes = dict(zip(positions, raw.reads(calls), strict=True))
    assert [nodes[(0, leaf)] for leaf in range(n)] == weights, "weightOf differs from the model"
    for (level, j), value in nodes.items():
        assert value == model_node(weights, level, j), f"node({level}, {j})"
    for level in range(levels - 1):
        for j in range(words_at(n, level)):
            children = sum(nodes[(level, K * j + c)] for c in range(K))
            assert nodes[(level + 1, j)] == children, f"node({level + 1}, {j}) != its children"
    assert sum(nodes[(levels - 1, c)] for c in range(K)) == sum(weights), "root != top word"


def assert_draws_match_reference(raw: RawTree, weights: list[int], randoms):
    randoms = list(randoms)
    drawn = raw.reads([("draw", r) for r in randoms])
    expected = [reference_draw(weights, r) for r in randoms]
    mismatches = [(r, d, e) for r, d, e in zip(randoms, drawn, expected, strict=True) if d != e]
    assert not mismatches, f"(random, drawn, reference): {mismatches[:5]}"


# ---------------------------------------------------------------- push and growth


def test_push__returns_consecutive_indices_from_zero(new_tree, deployer):
    tree = new_tree().tree
    for expected, weight in enumerate([7, 0, 3, 0, 0, 9]):
        assert tree.push(weight, sender=deployer).return_value == expected
    assert tree.leaves() == 6


def test_new_tree__has_no_leaves_no_levels_and_zero_total(new_tree):
    raw = new_tree()
    assert raw.reads([("leaves",), ("levels",), ("total",), ("weightOf", 0)]) == [0, 0, 0, 0]


def test_levels__grow_by_one_at_1_5_17_and_65_leaves(new_tree):
    """Capacity is 4^levels: the first leaf makes level 0, leaf index 4^L adds level L."""
    raw = new_tree()
    seen = {}
    for n in range(1, 18):
        raw.push(n)
        seen[n] = raw.read("levels")
    assert seen == {n: 1 if n <= 4 else 2 if n <= 16 else 3 for n in range(1, 18)}
    raw.push_many([1] * (64 - 17))
    assert raw.reads([("leaves",), ("levels",)]) == [64, 3]
    raw.push(1)
    assert raw.reads([("leaves",), ("levels",)]) == [65, 4]


def test_growth__carries_the_old_root_into_the_new_level_and_moves_no_leaf(new_tree):
    weights = [5, 0, 11, 2]
    raw = new_tree(weights)
    assert raw.read("levels") == 1
    raw.push(6)
    weights.append(6)
    assert raw.reads([("node", 1, 0), ("node", 1, 1), ("total",)]) == [18, 6, 24]
    assert_matches_model(raw, weights)


def test_push__zero_weight_leaf_is_counted_but_adds_nothing(new_tree):
    raw = new_tree([4, 4, 4, 4])
    raw.push(0)
    assert raw.reads([("leaves",), ("levels",), ("total",)]) == [5, 2, 16]
    assert_matches_model(raw, [4, 4, 4, 4, 0])


# ---------------------------------------------------------------- total, weightOf, node


def test_total__equals_the_sum_of_all_weights(new_tree):
    weights = [(i * 37) % 101 for i in range(23)]
    raw = new_tree(weights)
    assert raw.read("total") == sum(weights)
    assert_matches_model(raw, weights)


def test_weight_of__returns_each_leaf_weight_and_zero_past_the_last_leaf(new_tree):
    weights = [3, 0, 2**40, 1, MAX64]
    raw = new_tree(weights)
    assert raw.reads([("weightOf", i) for i in range(7)]) == weights + [0, 0]


# ---------------------------------------------------------------- set


def test_set__increase_updates_the_leaf_its_ancestors_and_the_total(new_tree, deployer):
    weights = [1] * 20  # three levels
    raw = new_tree(weights)
    raw.tree.set(17, 10, sender=deployer)
    weights[17] = 10
    assert raw.reads([("weightOf", 17), ("node", 1, 4), ("node", 2, 1), ("total",)]) == [
        10,
        13,
        13,
        29,
    ]
    assert_matches_model(raw, weights)


def test_set__decrease_updates_the_leaf_its_ancestors_and_the_total(new_tree, deployer):
    weights = [9] * 20
    raw = new_tree(weights)
    raw.tree.set(2, 4, sender=deployer)
    weights[2] = 4
    assert raw.reads([("weightOf", 2), ("node", 1, 0), ("node", 2, 0), ("total",)]) == [
        4,
        31,
        139,
        175,
    ]
    assert_matches_model(raw, weights)


def test_set__to_zero_and_back_restores_the_tree(new_tree, deployer):
    weights = [3, 8, 1, 6, 2, 7]
    raw = new_tree(weights)
    raw.tree.set(1, 0, sender=deployer)
    assert_matches_model(raw, [3, 0, 1, 6, 2, 7])
    raw.tree.set(1, 8, sender=deployer)
    assert_matches_model(raw, weights)


def test_set__same_weight_changes_nothing(new_tree, deployer):
    weights = [3, 8, 1, 6, 2, 7]
    raw = new_tree(weights)
    raw.tree.set(4, 2, sender=deployer)
    raw.tree.set(5, 7, sender=deployer)
    assert_matches_model(raw, weights)


def test_set__unknown_leaf_reverts_with_the_leaf_and_the_leaf_count(new_tree, deployer, reverts):
    tree = new_tree([1, 2, 3]).tree
    with reverts(tree.SortitionTreeUnknownLeaf, leaf=3, leaves=3):
        tree.set(3, 1, sender=deployer)
    with reverts(tree.SortitionTreeUnknownLeaf, leaf=UINT256_MAX, leaves=3):
        tree.set(UINT256_MAX, 0, sender=deployer)


def test_set__on_an_empty_tree_reverts_unknown_leaf(new_tree, deployer, reverts):
    tree = new_tree().tree
    with reverts(tree.SortitionTreeUnknownLeaf, leaf=0, leaves=0):
        tree.set(0, 5, sender=deployer)


# ---------------------------------------------------------------- overflow


def test_push__making_a_lane_exceed_64_bits_reverts_with_the_leaf_and_weight(
    new_tree, deployer, reverts
):
    # Leaves 4 and 5 share lane node(1, 1): 1 + MAX64 does not fit.
    raw = new_tree([0, 0, 0, 0, 1])
    with reverts(raw.tree.SortitionTreeOverflow, leaf=5, weight=MAX64):
        raw.tree.push(MAX64, sender=deployer)
    assert_matches_model(raw, [0, 0, 0, 0, 1])


def test_set__overflow_reports_the_delta_added_not_the_new_weight(new_tree, deployer, reverts):
    # node(1, 1) = 10 + 3; raising leaf 5 from 3 to MAX64 - 2 adds MAX64 - 5, making it MAX64 + 8.
    weights = [0, 0, 0, 0, 10, 3]
    raw = new_tree(weights)
    with reverts(raw.tree.SortitionTreeOverflow, leaf=5, weight=MAX64 - 5):
        raw.tree.set(5, MAX64 - 2, sender=deployer)
    assert_matches_model(raw, weights)


def test_lane__may_hold_exactly_two_to_the_64_minus_one(new_tree, deployer):
    weights = [0, 0, 0, 0, 1]
    raw = new_tree(weights)
    raw.tree.push(MAX64 - 1, sender=deployer)
    weights.append(MAX64 - 1)
    assert raw.read("node", 1, 1) == MAX64
    assert_matches_model(raw, weights)


def test_root__is_not_a_lane_and_may_exceed_64_bits(new_tree):
    """Four full leaves under a one-level tree: the root (the top word's sum) is 4 * MAX64."""
    weights = [MAX64] * 4
    raw = new_tree(weights)
    assert raw.read("total") == 4 * MAX64
    assert_draws_match_reference(raw, weights, boundary_randoms(weights))


def test_growth__with_a_root_above_64_bits__reverts_and_keeps_the_tree(new_tree):
    weights = [2**63] * 4  # each lane fits; the root is 2^65
    raw = new_tree(weights)
    assert raw.read("total") == 2**65
    # Growing would move the old root into a 64-bit lane of the new top level.
    refusal = raw.dry_run("push", ["uint64"], [1])
    assert refusal == _error_data(raw.tree.SortitionTreeOverflow, 4, 1)
    assert_matches_model(raw, weights)


# ---------------------------------------------------------------- draw


def test_draw__no_leaves_reverts_empty(new_tree, reverts):
    tree = new_tree().tree
    with reverts(tree.SortitionTreeEmpty):
        tree.draw(0)


def test_draw__only_zero_weights_reverts_empty(new_tree, reverts):
    tree = new_tree([0] * 6).tree
    with reverts(tree.SortitionTreeEmpty):
        tree.draw(12345)


def test_draw__all_weights_set_back_to_zero_reverts_empty(new_tree, deployer, reverts):
    raw = new_tree([0, 5, 0, 0, 0, 2])
    raw.set(1, 0)
    raw.set(5, 0)
    with reverts(raw.tree.SortitionTreeEmpty):
        raw.tree.draw(7)


def test_draw__single_leaf__always_returns_it(new_tree):
    raw = new_tree([3])
    randoms = [0, 1, 2, 3, 4, 2**128 + 1, UINT256_MAX]
    assert raw.reads([("draw", r) for r in randoms]) == [0] * len(randoms)


def test_draw__single_weighted_leaf_among_zeros__always_returns_it(new_tree):
    raw = new_tree([0] * 13 + [1] + [0] * 6)
    randoms = [0, 1, 2, 2**200, UINT256_MAX]
    assert raw.reads([("draw", r) for r in randoms]) == [13] * len(randoms)


# Leaves over three levels, zeros at the start and end of words, in whole zero words, and last.
PERIOD_WEIGHTS = [0, 3, 0, 5, 1, 0, 0, 7, 0, 0, 0, 0, 2, 4, 9, 1, 6, 0, 2, 0]


def test_draw__over_one_period_draws_each_leaf_exactly_weight_times(new_tree):
    """r = 0 .. total - 1 covers every target once: each leaf is drawn exactly `weight` times,
    in index order, so zero-weight leaves never; and every draw equals the reference."""
    raw = new_tree(PERIOD_WEIGHTS)
    total = sum(PERIOD_WEIGHTS)
    drawn = raw.reads([("draw", r) for r in range(total)])
    expected = [leaf for leaf, weight in enumerate(PERIOD_WEIGHTS) for _ in range(weight)]
    assert drawn == expected


def test_draw__matches_the_reference_at_every_boundary(new_tree):
    raw = new_tree(PERIOD_WEIGHTS)
    assert_draws_match_reference(raw, PERIOD_WEIGHTS, boundary_randoms(PERIOD_WEIGHTS))


def test_draw__depends_only_on_random_modulo_total(new_tree):
    raw = new_tree(PERIOD_WEIGHTS)
    total = sum(PERIOD_WEIGHTS)
    randoms = [5, 5 + total, 5 + 1000 * total, 5 + (UINT256_MAX // total - 1) * total]
    assert set(raw.reads([("draw", r) for r in randoms])) == {reference_draw(PERIOD_WEIGHTS, 5)}


def test_draw__is_deterministic_and_matches_the_reference_for_hashed_randoms(new_tree):
    raw = new_tree(PERIOD_WEIGHTS)
    seed = keccak(text="openotc/tests/sortition-tree/determinism")
    first = list(raw.tree.drawMany(seed, 300))
    assert list(raw.tree.drawMany(seed, 300)) == first
    assert first == [reference_draw(PERIOD_WEIGHTS, draw_random(seed, i)) for i in range(300)]


def test_draw__follows_weight_changes(new_tree):
    weights = list(PERIOD_WEIGHTS)
    raw = new_tree(weights)
    for leaf, weight in [(1, 0), (0, 4), (19, 3), (14, 0), (8, 1)]:
        raw.set(leaf, weight)
        weights[leaf] = weight
    assert_draws_match_reference(raw, weights, range(sum(weights)))
    assert_draws_match_reference(raw, weights, boundary_randoms(weights))


# ---------------------------------------------------------------- random operation sequences

small_weights = st.integers(min_value=0, max_value=1_000)
# Near the lane limit: a few of these overflow a lane, or push the root past 2^64.
huge_weights = st.integers(min_value=2**62, max_value=MAX64)
any_weights = st.one_of(st.just(0), small_weights, small_weights, small_weights, huge_weights)
operations = st.one_of(
    st.tuples(st.just("push"), any_weights),
    # The leaf is taken modulo (leaves + 1): leaf == leaves is the unknown-leaf case.
    st.tuples(st.just("set"), st.integers(min_value=0, max_value=63), any_weights),
)


# Initial sizes on both sides of the level boundaries (4, 16) and the empty tree.
initial_trees = st.sampled_from([0, 1, 3, 4, 5, 12, 15, 16, 17, 24]).flatmap(
    lambda n: st.lists(small_weights, min_size=n, max_size=n)
)


@given(
    initial=initial_trees,
    ops=st.lists(operations, max_size=14),
    randoms=st.lists(st.integers(min_value=0, max_value=UINT256_MAX), min_size=4, max_size=4),
)
def test_random_pushes_and_sets__tree_always_matches_the_model(new_tree, initial, ops, randoms):
    """After pushMany(initial) and random pushes and sets (increases, decreases, to zero,
    unknown leaves, lane overflows): every weight, every node, the child sums, the total and
    draws (random and at every boundary) agree with the model. A refused operation must be
    refused with the exact error the model predicts, and change nothing."""
    raw = new_tree(initial)
    weights = list(initial)
    overflow, unknown = raw.tree.SortitionTreeOverflow, raw.tree.SortitionTreeUnknownLeaf
    for op in ops:
        if op[0] == "push":
            (_, weight) = op
            leaf, after = len(weights), [*weights, weight]
            call, expected_delta = ("push", ["uint64"], [weight]), weight
            if leaf >= 1 and leaf == K ** levels_for(leaf) and sum(weights) > MAX64:
                # Growing would move a root above 64 bits into a lane: refused.
                assert raw.dry_run(*call) == _error_data(overflow, leaf, weight)
                continue
        else:
            (_, hint, weight) = op
            leaf = hint % (len(weights) + 1)
            if leaf == len(weights):
                refusal = raw.dry_run("set", ["uint256", "uint64"], [leaf, weight])
                assert refusal == _error_data(unknown, leaf, len(weights))
                continue
            after = list(weights)
            after[leaf] = weight
            call = ("set", ["uint256", "uint64"], [leaf, weight])
            expected_delta = weight - weights[leaf]
        if not lanes_fit(after):
            assert expected_delta > 0
            assert raw.dry_run(*call) == _error_data(overflow, leaf, expected_delta)
            continue
        getattr(raw, call[0])(*call[2])
        weights = after
        assert raw.read("total") == sum(weights)

    assert_matches_model(raw, weights)
    if sum(weights) == 0:
        empty = _error_data(raw.tree.SortitionTreeEmpty)
        assert raw.reads([("draw", r) for r in randoms]) == [Reverted(empty)] * len(randoms)
    else:
        assert_draws_match_reference(raw, weights, randoms + boundary_randoms(weights))


# ---------------------------------------------------------------- distribution


def test_chi_square_survival__matches_closed_forms():
    for x in [0.01, 0.5, 1.0, 3.0, 7.5, 20.0, 60.0]:
        assert math.isclose(chi_square_survival(x, 2), math.exp(-x / 2), rel_tol=1e-9)
        assert math.isclose(chi_square_survival(x, 1), math.erfc(math.sqrt(x / 2)), rel_tol=1e-9)
        closed_4 = math.exp(-x / 2) * (1 + x / 2)
        assert math.isclose(chi_square_survival(x, 4), closed_4, rel_tol=1e-9)
    # Tabulated: the 0.001 critical value of chi-square(33) is 63.870.
    assert math.isclose(chi_square_survival(63.870, 33), 0.001, rel_tol=1e-3)


# 40 leaves over three levels: weights 5 .. 60, and leaves 3, 10, 17, 24, 31 and 38 at zero.
STAT_WEIGHTS = [0 if i % 7 == 3 else 5 + (i * 37) % 56 for i in range(40)]
STAT_SEED = keccak(text="openotc/tests/sortition-tree/chi-square")  # fixed: the test is exact
STAT_DRAWS = 4_000
STAT_REJECT_BELOW = 0.001  # p-value under which the fit is rejected


def test_draw__frequencies_fit_the_weights(new_tree):
    """drawMany(STAT_SEED, 4000): zero-weight leaves are never drawn, every draw equals the
    reference, and the counts pass a chi-square goodness-of-fit test against the weights
    (dof = weighted leaves - 1 = 33, reject if p < 0.001; every expected count is >= 17)."""
    raw = new_tree(STAT_WEIGHTS)
    drawn = list(raw.tree.drawMany(STAT_SEED, STAT_DRAWS))
    assert len(drawn) == STAT_DRAWS
    expected_draws = [reference_draw(STAT_WEIGHTS, draw_random(STAT_SEED, i)) for i in range(4000)]
    assert drawn == expected_draws

    counts = [0] * len(STAT_WEIGHTS)
    for leaf in drawn:
        counts[leaf] += 1
    zero_leaves = [leaf for leaf, weight in enumerate(STAT_WEIGHTS) if weight == 0]
    assert zero_leaves == [3, 10, 17, 24, 31, 38]
    assert [counts[leaf] for leaf in zero_leaves] == [0] * len(zero_leaves)

    total = sum(STAT_WEIGHTS)
    weighted = [leaf for leaf, weight in enumerate(STAT_WEIGHTS) if weight > 0]
    expected = {leaf: STAT_DRAWS * STAT_WEIGHTS[leaf] / total for leaf in weighted}
    assert min(expected.values()) >= 5, "chi-square needs expected counts of 5 or more"
    statistic = sum((counts[leaf] - e) ** 2 / e for leaf, e in expected.items())
    p_value = chi_square_survival(statistic, len(weighted) - 1)
    assert p_value >= STAT_REJECT_BELOW, f"chi2 = {statistic:.2f}, p = {p_value:.2e}"


# ---------------------------------------------------------------- a large tree


def test_thousand_leaves__five_levels_exact_sums_and_a_set_on_the_last_leaf_reaches_the_root(
    new_tree,
):
    weights = [(i * 7919) % 1_000 for i in range(1_000)]  # 0 .. 999; only leaf 0 weighs zero
    raw = new_tree(weights)
    assert raw.reads([("leaves",), ("levels",), ("total",)]) == [1_000, 5, sum(weights)]
    # The top stored level holds the four 256-leaf subtrees (the last one 232 leaves).
    top = raw.reads([("node", 4, c) for c in range(K)])
    assert top == [sum(weights[c * 256 : (c + 1) * 256]) for c in range(K)]

    # Leaf 999's ancestors: node(l, 999 >> 2l) = (1, 249), (2, 62), (3, 15), (4, 3).
    path = [("node", level, 999 >> (2 * level)) for level in range(5)]
    before = raw.reads(path)
    assert before == [model_node(weights, level, 999 >> (2 * level)) for level in range(5)]
    new_weight = weights[999] + 123_456
    raw.set(999, new_weight)
    weights[999] = new_weight
    assert raw.reads(path) == [value + 123_456 for value in before]
    assert raw.read("total") == sum(weights)
    assert raw.read("draw", sum(weights) - 1) == 999
    assert_matches_model(raw, weights)
    assert_draws_match_reference(raw, weights, [0, sum(weights) - 123_457, 2**255 + 17])

    # Filling the fifth level to 1,024 leaves keeps five levels; leaf 1,024 adds the sixth.
    raw.push_many([1] * 24)
    assert raw.reads([("leaves",), ("levels",)]) == [1_024, 5]
    raw.push(2)
    assert raw.reads([("leaves",), ("levels",), ("node", 5, 0), ("node", 5, 1)]) == [
        1_025,
        6,
        sum(weights) + 24,
        2,
    ]
