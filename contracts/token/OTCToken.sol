// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";
import {ERC20Permit} from "@openzeppelin/contracts/token/ERC20/extensions/ERC20Permit.sol";
import {ERC20Votes} from "@openzeppelin/contracts/token/ERC20/extensions/ERC20Votes.sol";
import {Nonces} from "@openzeppelin/contracts/utils/Nonces.sol";
import {Checkpoints} from "@openzeppelin/contracts/utils/structs/Checkpoints.sol";
import {IOTCToken} from "../../interfaces/IOTCToken.sol";
import {Governed} from "../governance/Governed.sol";
import {BPS} from "../libraries/Constants.sol";

/// @title OTCToken
/// @notice The OpenOTC protocol token. See {IOTCToken}.
contract OTCToken is IOTCToken, ERC20, ERC20Permit, ERC20Votes, Governed {
    using Checkpoints for Checkpoints.Trace208;

    uint256 public constant MAX_INFLATION_BPS = 200; // 2% of supply per window
    uint256 public constant INFLATION_WINDOW = 365 days;

    mapping(address account => bool) private _minters;

    /// @dev Cumulative amount minted through {mint}, checkpointed by timestamp, so the amount
    ///      minted in any window is a difference of two lookups (O(log n), no loop).
    Checkpoints.Trace208 private _cumulativeMinted;

    constructor(
        address governance_,
        address treasury,
        uint256 initialSupply
    ) ERC20("OpenOTC", "OTC") ERC20Permit("OpenOTC") Governed(governance_) {
        if (treasury == address(0)) revert TokenZeroAddress();
        _mint(treasury, initialSupply);
    }

    // ---------------------------------------------------------------- minting

    /// @inheritdoc IOTCToken
    function grantMinter(address account) external onlyGovernance {
        if (account == address(0)) revert TokenZeroAddress();
        if (_minters[account]) revert TokenMinterUnchanged(account);
        _minters[account] = true;
        emit MinterGranted(account);
    }

    /// @inheritdoc IOTCToken
    function revokeMinter(address account) external onlyGovernanceOrGuardian {
        if (!_minters[account]) revert TokenMinterUnchanged(account);
        _minters[account] = false;
        emit MinterRevoked(account, msg.sender);
    }

    /// @inheritdoc IOTCToken
    function mint(address to, uint256 amount) external {
        if (!_minters[msg.sender]) revert TokenNotMinter(msg.sender);
        uint256 available = mintable();
        if (amount > available) revert TokenInflationCapExceeded(amount, available);
        _cumulativeMinted.push(clock(), uint208(_cumulativeMinted.latest() + amount));
        _mint(to, amount);
        emit InflationMinted(msg.sender, to, amount);
    }

    /// @inheritdoc IOTCToken
    function isMinter(address account) external view returns (bool) {
        return _minters[account];
    }

    /// @inheritdoc IOTCToken
    function mintedInWindow() public view returns (uint256) {
        uint256 now_ = clock();
        // The window is (now - INFLATION_WINDOW, now]; before the chain is a window old,
        // everything minted so far is inside it.
        uint256 before = now_ > INFLATION_WINDOW
            ? _cumulativeMinted.upperLookupRecent(uint48(now_ - INFLATION_WINDOW))
            : 0;
        return _cumulativeMinted.latest() - before;
    }

    /// @inheritdoc IOTCToken
    function mintable() public view returns (uint256) {
        uint256 minted = mintedInWindow();
        uint256 supply = totalSupply();
        uint256 base = supply > minted ? supply - minted : 0;
        uint256 cap = (base * MAX_INFLATION_BPS) / BPS;
        return cap > minted ? cap - minted : 0;
    }

    // ---------------------------------------------------------------- votes clock

    /// @notice Votes are checkpointed by timestamp, so governance periods are in seconds.
    function clock() public view override returns (uint48) {
        return uint48(block.timestamp);
    }

    // solhint-disable-next-line func-name-mixedcase
    function CLOCK_MODE() public pure override returns (string memory) {
        return "mode=timestamp";
    }

    // ---------------------------------------------------------------- required overrides

    function _update(address from, address to, uint256 value) internal override(ERC20, ERC20Votes) {
        super._update(from, to, value);
    }

    function nonces(address owner) public view override(ERC20Permit, Nonces) returns (uint256) {
        return super.nonces(owner);
    }
}
