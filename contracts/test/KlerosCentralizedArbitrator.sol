// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

// The ERC-792 package's own example arbitrator, compiled as it ships: its `appeal` charges twice
// what its `appealCost` states. Tests use it to check the escrow's appeal path against an
// arbitrator that is not OpenOTC's.
import {CentralizedArbitratorWithAppeal} from "@kleros/erc-792/contracts/examples/CentralizedArbitratorWithAppeal.sol";

/// @notice CentralizedArbitratorWithAppeal under a name of this suite.
// solhint-disable-next-line no-empty-blocks
contract KlerosCentralizedArbitrator is CentralizedArbitratorWithAppeal {}
