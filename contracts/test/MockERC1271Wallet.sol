// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IERC1271} from "@openzeppelin/contracts/interfaces/IERC1271.sol";
import {ECDSA} from "@openzeppelin/contracts/utils/cryptography/ECDSA.sol";

/// @notice Test-only EIP-1271 contract wallet: a signature is valid when its owner key signed the
///         digest. With `junk` set it answers every query with a wrong magic value.
contract MockERC1271Wallet is IERC1271 {
    address public immutable owner;
    bool public junk;

    constructor(address owner_) {
        owner = owner_;
    }

    function setJunk(bool junk_) external {
        junk = junk_;
    }

    function isValidSignature(bytes32 digest, bytes memory signature) external view returns (bytes4) {
        if (junk) return 0xdeadbeef;
        (address signer, ECDSA.RecoverError err, ) = ECDSA.tryRecover(digest, signature);
        return err == ECDSA.RecoverError.NoError && signer == owner ? IERC1271.isValidSignature.selector : bytes4(0);
    }
}
