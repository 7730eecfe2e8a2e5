// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IGoverned} from "./IGoverned.sol";

/// @title ITokenRegistry
/// @notice The governed list of tokens OpenOTC trades (0x whitepaper, section 4.1.2): for each
///         token its address, name, symbol, decimals and a metadata hash (e.g. the IPFS hash
///         of a JSON document with its logo and website). Addresses and symbols are unique, so
///         users and front ends can resolve a ticker to exactly one contract.
/// @dev Adding, updating and removing happen only through the governance timelock. Decimals
///      are read from the token and must equal the value the proposal states, so a proposal
///      cannot list a token under wrong units.
interface ITokenRegistry is IGoverned {
    struct TokenInfo {
        address token;
        string name;
        string symbol;
        uint8 decimals;
        bytes32 metadataHash;
    }

    /// @notice `token` was listed.
    event TokenAdded(address indexed token, string name, string symbol, uint8 decimals, bytes32 metadataHash);

    /// @notice `token`'s name, symbol or metadata hash changed.
    event TokenUpdated(address indexed token, string name, string symbol, bytes32 metadataHash);

    /// @notice `token` was delisted.
    event TokenRemoved(address indexed token, string symbol);

    /// @notice `token` is already listed.
    error RegistryTokenAlreadyListed(address token);

    /// @notice `token` is not listed.
    error RegistryTokenNotListed(address token);

    /// @notice `symbol` already belongs to the listed token `owner`.
    error RegistrySymbolTaken(string symbol, address owner);

    /// @notice No listed token has `symbol`.
    error RegistrySymbolNotListed(string symbol);

    /// @notice The proposal states `stated` decimals but the token reports `actual`.
    error RegistryDecimalsMismatch(address token, uint8 stated, uint8 actual);

    /// @notice `token` has no code or does not answer `decimals()`.
    error RegistryNotAToken(address token);

    /// @notice Name or symbol is empty, or longer than MAX_STRING_LENGTH bytes.
    error RegistryInvalidString(string value);

    /// @notice Longest name or symbol accepted, in bytes.
    /// @return The limit in bytes.
    function MAX_STRING_LENGTH() external view returns (uint256);

    /// @notice Lists `token`. Governance only. `decimals` must equal `token.decimals()`.
    /// @param token The token contract.
    /// @param name Its display name, 1 to {MAX_STRING_LENGTH} bytes.
    /// @param symbol Its symbol, unique in the registry, 1 to {MAX_STRING_LENGTH} bytes.
    /// @param decimals Its decimals, as the token reports them.
    /// @param metadataHash Hash of off-chain metadata (logo, links), or zero.
    function addToken(
        address token,
        string calldata name,
        string calldata symbol,
        uint8 decimals,
        bytes32 metadataHash
    ) external;

    /// @notice Changes a listed token's name, symbol and metadata hash. Governance only.
    ///         Decimals are re-read from the token and must still match.
    /// @param token The listed token.
    /// @param name Its new name.
    /// @param symbol Its new symbol, unique in the registry.
    /// @param metadataHash Its new metadata hash.
    function updateToken(address token, string calldata name, string calldata symbol, bytes32 metadataHash) external;

    /// @notice Delists `token`, freeing its symbol. Governance only.
    /// @param token The listed token.
    function removeToken(address token) external;

    /// @notice Whether `token` is listed.
    /// @param token The token.
    /// @return True if `token` is listed.
    function isListed(address token) external view returns (bool);

    /// @notice The entry of a listed token; reverts with {RegistryTokenNotListed} otherwise.
    /// @param token The token.
    /// @return Its entry.
    function getToken(address token) external view returns (TokenInfo memory);

    /// @notice The entry whose symbol is `symbol` (exact, case-sensitive match); reverts with
    ///         {RegistrySymbolNotListed} otherwise.
    /// @param symbol The symbol.
    /// @return The entry of the token holding `symbol`.
    function getTokenBySymbol(string calldata symbol) external view returns (TokenInfo memory);

    /// @notice How many tokens are listed.
    /// @return The number of listed tokens.
    function tokenCount() external view returns (uint256);

    /// @notice Up to `limit` entries starting at position `offset` of the listing; an offset
    ///         at or past the end gives an empty page. The order changes when a token is removed
    ///         (the last entry takes its place).
    /// @param offset Position of the first entry.
    /// @param limit Largest number of entries returned.
    /// @return page The entries at positions offset .. offset + limit - 1 that exist.
    function listTokens(uint256 offset, uint256 limit) external view returns (TokenInfo[] memory page);
}
