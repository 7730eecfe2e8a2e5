// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {EIP712} from "@openzeppelin/contracts/utils/cryptography/EIP712.sol";
import {SignatureChecker} from "@openzeppelin/contracts/utils/cryptography/SignatureChecker.sol";
import {IIdentityRegistry} from "../../interfaces/IIdentityRegistry.sol";
import {Governed} from "../governance/Governed.sol";

/// @title IdentityRegistry
/// @notice Issuer-signed verification levels and per-level transaction limits.
///         See {IIdentityRegistry}.
contract IdentityRegistry is IIdentityRegistry, Governed, EIP712 {
    uint8 public constant MAX_LEVEL = 3;
    uint256 public constant VOLUME_PERIOD = 30 days;

    bytes32 private constant _ATTESTATION_TYPEHASH =
        keccak256(
            "Attestation(address subject,address issuer,uint8 level,bytes32 didHash,uint64 expiresAt,uint256 nonce)"
        );

    mapping(address issuer => bool) private _issuers;
    mapping(address account => Identity) private _identities;
    mapping(address issuer => mapping(address subject => uint256)) private _nonces;
    mapping(address token => mapping(uint8 level => Limits)) private _limits;

    constructor(address governance_) Governed(governance_) EIP712("OpenOTC Identity", "1") {}

    // ---------------------------------------------------------------- attestations

    /// @inheritdoc IIdentityRegistry
    function attest(Attestation calldata a, bytes calldata signature) external {
        if (a.subject == address(0)) revert IdentityZeroSubject();
        if (!_issuers[a.issuer]) revert IdentityUnknownIssuer(a.issuer);
        if (a.level > MAX_LEVEL) revert IdentityInvalidLevel(a.level);
        if (a.expiresAt <= block.timestamp) revert IdentityAttestationExpired(a.expiresAt);
        uint256 expected = _nonces[a.issuer][a.subject];
        if (a.nonce != expected) revert IdentityInvalidNonce(expected, a.nonce);
        if (!SignatureChecker.isValidSignatureNow(a.issuer, attestationDigest(a), signature)) {
            revert IdentityInvalidSignature(a.issuer);
        }

        _nonces[a.issuer][a.subject] = expected + 1;
        _identities[a.subject] = Identity(a.issuer, a.level, a.expiresAt, a.didHash);
        emit Attested(a.subject, a.issuer, a.level, a.didHash, a.expiresAt);
    }

    /// @inheritdoc IIdentityRegistry
    function revoke(address subject) external {
        bool issuedCurrent = _identities[subject].issuer == msg.sender;
        if (!_issuers[msg.sender] && !issuedCurrent) revert IdentityNotIssuer(msg.sender);

        ++_nonces[msg.sender][subject];
        if (issuedCurrent) delete _identities[subject];
        emit AttestationRevoked(subject, msg.sender);
    }

    // ---------------------------------------------------------------- governance

    /// @inheritdoc IIdentityRegistry
    function addIssuer(address issuer) external onlyGovernance {
        if (_issuers[issuer]) revert IdentityIssuerAlreadyAdded(issuer);
        _issuers[issuer] = true;
        emit IssuerAdded(issuer);
    }

    /// @inheritdoc IIdentityRegistry
    function removeIssuer(address issuer) external onlyGovernanceOrGuardian {
        if (!_issuers[issuer]) revert IdentityUnknownIssuer(issuer);
        _issuers[issuer] = false;
        emit IssuerRemoved(issuer, msg.sender);
    }

    /// @inheritdoc IIdentityRegistry
    function setLimit(address token, uint8 level, uint256 perTransaction, uint256 perPeriod) external onlyGovernance {
        if (level > MAX_LEVEL) revert IdentityInvalidLevel(level);
        _limits[token][level] = Limits(perTransaction, perPeriod);
        emit LimitSet(token, level, perTransaction, perPeriod);
    }

    // ---------------------------------------------------------------- views

    /// @inheritdoc IIdentityRegistry
    function levelOf(address account) public view returns (uint8) {
        Identity storage id = _identities[account];
        if (id.expiresAt <= block.timestamp || !_issuers[id.issuer]) return 0;
        return id.level;
    }

    /// @inheritdoc IIdentityRegistry
    function limitOf(address account, address token) external view returns (uint8 level, Limits memory limits) {
        level = levelOf(account);
        limits = _limits[token][level];
    }

    /// @inheritdoc IIdentityRegistry
    function transactionLimitOf(
        address account,
        address token
    ) external view returns (uint8 level, uint256 perTransaction) {
        level = levelOf(account);
        perTransaction = _limits[token][level].perTransaction;
    }

    /// @inheritdoc IIdentityRegistry
    function limit(address token, uint8 level) external view returns (Limits memory) {
        return _limits[token][level];
    }

    /// @inheritdoc IIdentityRegistry
    function identityOf(address account) external view returns (Identity memory) {
        return _identities[account];
    }

    /// @inheritdoc IIdentityRegistry
    function isIssuer(address issuer) external view returns (bool) {
        return _issuers[issuer];
    }

    /// @inheritdoc IIdentityRegistry
    function nonceOf(address issuer, address subject) external view returns (uint256) {
        return _nonces[issuer][subject];
    }

    /// @inheritdoc IIdentityRegistry
    function attestationDigest(Attestation calldata a) public view returns (bytes32) {
        return
            _hashTypedDataV4(
                keccak256(
                    abi.encode(_ATTESTATION_TYPEHASH, a.subject, a.issuer, a.level, a.didHash, a.expiresAt, a.nonce)
                )
            );
    }
}
