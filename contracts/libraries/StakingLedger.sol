// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";

/// @title StakingLedger
/// @notice The court's jurors: a permanent id per address, each juror's stake, locked stake
///         and reputation in one storage word, stake changes recorded while the court is
///         frozen, stake decreases cooling down, and rewards credited but not yet withdrawn.
/// @dev Pure bookkeeping: the caller checks the rules (minimum stake, freeze, periods) and
///      moves the tokens and ETH.
library StakingLedger {
    uint256 internal constant WEIGHT_UNIT = 1e9; // token wei per unit of drawing weight

    /// @dev One slot per juror: what a draw reads and writes.
    struct Account {
        uint96 stake; // includes locked
        uint96 locked;
        uint32 coherent;
        uint32 incoherent;
    }

    struct Cooling {
        uint128 amount;
        uint64 availableAt;
    }

    struct Claimable {
        uint128 tokens;
        uint128 eth;
    }

    struct Ledger {
        mapping(uint256 jurorId => Account) accounts;
        address[] addresses; // by juror id
        mapping(address juror => uint256) idPlusOne;
        mapping(address juror => uint256) delayedPlusOne; // requested stake + 1
        mapping(address juror => Cooling) cooling;
        mapping(address juror => Claimable) claimable;
    }

    /// @notice Gives `juror` the next juror id, which must be `id`.
    /// @param ledger The ledger.
    /// @param juror The new juror's address.
    /// @param id Its id (its leaf in the sortition tree), below 2^32 (seats hold 32-bit ids).
    function register(Ledger storage ledger, address juror, uint256 id) internal {
        ledger.addresses.push(juror);
        ledger.idPlusOne[juror] = uint256(SafeCast.toUint32(id)) + 1;
    }

    /// @notice The drawing weight of an account: its stake scaled by its reputation.
    /// @param account The juror's account.
    /// @return stake * (coherent + 1) / (coherent + incoherent + 1) / WEIGHT_UNIT.
    function weightOf(Account storage account) internal view returns (uint256) {
        uint256 coherent = account.coherent;
        return (uint256(account.stake) * (coherent + 1)) / (coherent + account.incoherent + 1) / WEIGHT_UNIT;
    }

    /// @notice Adds `amount` to what `juror` has cooling, released at `availableAt` at the
    ///         earliest: one release time for everything cooling, the latest, so no earlier
    ///         decrease ever becomes available sooner than its own cooldown allowed.
    /// @param ledger The ledger.
    /// @param juror The juror.
    /// @param amount Tokens of the stake decrease.
    /// @param availableAt Now plus the cooldown in force.
    /// @return cooling The juror's cooling tokens and their release time after this decrease.
    function cool(
        Ledger storage ledger,
        address juror,
        uint256 amount,
        uint256 availableAt
    ) internal returns (Cooling memory cooling) {
        Cooling storage c = ledger.cooling[juror];
        // amount is part of a uint96 stake, and all cooling tokens are part of the token supply
        // held by the court: the sum stays far below 2^128.
        c.amount += uint128(amount);
        // availableAt is a block timestamp plus a cooldown of at most 90 days.
        if (availableAt > c.availableAt) c.availableAt = uint64(availableAt);
        return c;
    }

    /// @notice Removes and returns what `juror` has cooling.
    /// @param ledger The ledger.
    /// @param juror The juror.
    /// @return cooling The tokens that were cooling and their release time.
    function takeCooling(Ledger storage ledger, address juror) internal returns (Cooling memory cooling) {
        cooling = ledger.cooling[juror];
        delete ledger.cooling[juror];
    }

    /// @notice Credits rewards to `juror`.
    /// @param ledger The ledger.
    /// @param juror The juror.
    /// @param tokens Tokens credited (a share of a round's penalties, each below 2^96).
    /// @param eth Wei credited (a share of a round's fees, each below 2^128).
    function credit(Ledger storage ledger, address juror, uint256 tokens, uint256 eth) internal {
        Claimable storage owed = ledger.claimable[juror];
        // Credited tokens and wei are held by the court and owed to this juror: their sums are
        // bounded by the token supply and by the ether in existence, both below 2^128.
        owed.tokens += uint128(tokens);
        owed.eth += uint128(eth);
    }

    /// @notice Removes and returns the rewards credited to `juror`.
    /// @param ledger The ledger.
    /// @param juror The juror.
    /// @return owed The tokens and wei credited.
    function takeClaimable(Ledger storage ledger, address juror) internal returns (Claimable memory owed) {
        owed = ledger.claimable[juror];
        delete ledger.claimable[juror];
    }
}
