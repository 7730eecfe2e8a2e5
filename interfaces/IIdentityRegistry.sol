// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IGoverned} from "./IGoverned.sol";

/// @title IIdentityRegistry
/// @notice Decentralized identity with verification levels. Issuers that governance approves
///         (KYC providers, DID verifiers) sign EIP-712 attestations off-chain - "subject has
///         level L, DID hash H, until time T" - and anyone (usually the subject) submits them.
///         Other OpenOTC contracts read {levelOf} and {limitOf} to size what an account may
///         trade or borrow, so a larger trade needs a stronger verification. Each level has,
///         per token, a limit per transaction and a rolling limit per VOLUME_PERIOD (see
///         {Limits}); the contract that moves the tokens keeps the account's running volume.
/// @dev Levels run from 0 (unverified) to MAX_LEVEL. Each account holds at most one current
///      attestation; a newer one, from any approved issuer, replaces it. {levelOf} is 0 once the
///      attestation expires (valid while block.timestamp < expiresAt), once its issuer revokes
///      it, and once governance or a guardian removes its issuer. Every attestation carries the
///      issuer's current nonce for the subject, consumed on submission and advanced again by a
///      revocation, so an attestation can be submitted once and a revoked one never revives.
///      Signatures go through OpenZeppelin SignatureChecker: EOAs (ECDSA, high-s rejected) and
///      EIP-1271 contract wallets as issuers. The EIP-712 domain is name "OpenOTC Identity",
///      version "1", this chain and this contract.
interface IIdentityRegistry is IGoverned {
    struct Attestation {
        address subject;
        address issuer;
        uint8 level;
        bytes32 didHash;
        uint64 expiresAt;
        uint256 nonce;
    }

    /// @notice Limits of one token at one level, in the token's own units. `perTransaction`
    ///         bounds one transaction; `perPeriod` bounds the volume of an account's
    ///         transactions over a rolling VOLUME_PERIOD (30 days), so splitting a large
    ///         transaction into small ones does not pass it. type(uint256).max means no limit.
    struct Limits {
        uint256 perTransaction;
        uint256 perPeriod;
    }

    struct Identity {
        address issuer;
        uint8 level;
        uint64 expiresAt;
        bytes32 didHash;
    }

    /// @notice `issuer` attested `subject` at `level` until `expiresAt`.
    event Attested(address indexed subject, address indexed issuer, uint8 level, bytes32 didHash, uint64 expiresAt);

    /// @notice `issuer` revoked its attestations of `subject`.
    event AttestationRevoked(address indexed subject, address indexed issuer);

    /// @notice Governance approved `issuer`.
    event IssuerAdded(address indexed issuer);

    /// @notice `issuer` lost its approval; `by` is governance or a guardian.
    event IssuerRemoved(address indexed issuer, address indexed by);

    /// @notice Governance set the limits of `token` for accounts at `level`.
    event LimitSet(address indexed token, uint8 indexed level, uint256 perTransaction, uint256 perPeriod);

    /// @notice `issuer` is not an approved issuer.
    error IdentityUnknownIssuer(address issuer);

    /// @notice `issuer` is already approved.
    error IdentityIssuerAlreadyAdded(address issuer);

    /// @notice `level` is above MAX_LEVEL.
    error IdentityInvalidLevel(uint8 level);

    /// @notice The attestation expired at `expiresAt` (at or before now).
    error IdentityAttestationExpired(uint64 expiresAt);

    /// @notice The attestation's nonce is `given`, the issuer's current nonce for the subject is
    ///         `expected` (already used, revoked, or not yet reached).
    error IdentityInvalidNonce(uint256 expected, uint256 given);

    /// @notice The signature is not `issuer`'s over the attestation.
    error IdentityInvalidSignature(address issuer);

    /// @notice The subject is the zero address.
    error IdentityZeroSubject();

    /// @notice The caller is neither an approved issuer nor the issuer of the subject's current
    ///         attestation.
    error IdentityNotIssuer(address caller);

    /// @notice Highest verification level (3).
    /// @return The highest level an attestation can grant.
    function MAX_LEVEL() external view returns (uint8);

    /// @notice Submits `attestation` signed by its issuer. Anyone may call.
    /// @param attestation The attestation: subject, issuer, level, DID hash, expiry, nonce.
    /// @param signature The issuer's EIP-712 signature of {attestationDigest} (or EIP-1271 data).
    function attest(Attestation calldata attestation, bytes calldata signature) external;

    /// @notice Revokes the caller's attestations of `subject`: clears the current one if the
    ///         caller issued it and invalidates any the caller signed but nobody submitted.
    /// @param subject The account whose attestations by the caller are revoked.
    function revoke(address subject) external;

    /// @notice Approves `issuer`. Governance only.
    /// @param issuer The issuer to approve.
    function addIssuer(address issuer) external;

    /// @notice Removes `issuer`; its attestations stop counting at once. Governance or a guardian.
    /// @param issuer The issuer to remove.
    function removeIssuer(address issuer) external;

    /// @notice Sets the largest amount of `token` (in its own units) that an account at `level`
    ///         may move in one transaction, and over a rolling VOLUME_PERIOD. Governance only.
    ///         Unset limits are 0: no trading. Use type(uint256).max for no limit.
    /// @param token The token.
    /// @param level The verification level, 0 to {MAX_LEVEL}.
    /// @param perTransaction The largest amount per transaction, in `token` units.
    /// @param perPeriod The largest volume over a rolling VOLUME_PERIOD, in `token` units.
    function setLimit(address token, uint8 level, uint256 perTransaction, uint256 perPeriod) external;

    /// @notice The account's verification level now (0 if none, expired, revoked or issuer removed).
    /// @param account The account.
    /// @return The level its current attestation grants now.
    function levelOf(address account) external view returns (uint8);

    /// @notice The account's level now and the limits of `token` at that level.
    /// @param account The account.
    /// @param token The token.
    /// @return level The account's level (as {levelOf}).
    /// @return limits The limits of `token` at `level`.
    function limitOf(address account, address token) external view returns (uint8 level, Limits memory limits);

    /// @notice The account's level now and its per-transaction limit of `token`: {limitOf}
    ///         without the per-period limit, one storage read fewer for contracts that need
    ///         only this (the lending market's borrow size).
    /// @param account The account.
    /// @param token The token.
    /// @return level The account's level (as {levelOf}).
    /// @return perTransaction The largest amount of `token` per transaction at `level`.
    function transactionLimitOf(
        address account,
        address token
    ) external view returns (uint8 level, uint256 perTransaction);

    /// @notice The limits of `token` for accounts at `level`.
    /// @param token The token.
    /// @param level The verification level.
    /// @return The limits of `token` per transaction and per VOLUME_PERIOD at `level`.
    function limit(address token, uint8 level) external view returns (Limits memory);

    /// @notice The length of the rolling window of {Limits.perPeriod}.
    /// @return 30 days, in seconds.
    function VOLUME_PERIOD() external view returns (uint256);

    /// @notice The account's stored attestation, whether or not it still counts.
    /// @param account The account.
    /// @return Its stored issuer, level, expiry and DID hash (zero if none).
    function identityOf(address account) external view returns (Identity memory);

    /// @notice Whether `issuer` is approved.
    /// @param issuer The issuer.
    /// @return True if `issuer` is approved.
    function isIssuer(address issuer) external view returns (bool);

    /// @notice The nonce the next attestation of `subject` by `issuer` must carry.
    /// @param issuer The issuer.
    /// @param subject The subject.
    /// @return The nonce of the next attestation of `subject` by `issuer`.
    function nonceOf(address issuer, address subject) external view returns (uint256);

    /// @notice The EIP-712 digest an issuer signs for `attestation`.
    /// @param attestation The attestation.
    /// @return Its EIP-712 typed-data hash under this contract's domain.
    function attestationDigest(Attestation calldata attestation) external view returns (bytes32);
}
