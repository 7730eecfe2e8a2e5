"""Exact revert assertions: the custom error's selector and every one of its arguments.

`ape.reverts` alone passes when it cannot decode the revert (an error bubbling up through a
contract whose ABI does not declare it) and ignores argument names the error does not have;
these helpers check the raw revert data against the error's ABI instead."""

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import cache

import ape
import pytest
from ape.exceptions import CustomError
from eth_abi import decode, encode
from eth_utils import keccak, to_checksum_address, to_hex
from hexbytes import HexBytes
from web3.exceptions import ContractCustomError, ContractLogicError


def normalise(value):
    """Addresses (strings of 42 characters, or anything with an `address`) checksummed; any
    other value as it is."""
    if isinstance(value, str) and value.startswith("0x") and len(value) == 42:
        return _checksummed(value)
    if hasattr(value, "address"):
        return _checksummed(str(value.address))
    return value


@cache
def _checksummed(address: str) -> str:
    return to_checksum_address(address)


def selector(abi) -> HexBytes:
    return HexBytes(keccak(text=abi.selector)[:4])


def _raw_revert_data(message: str) -> HexBytes:
    """Revert data ape left undecoded: plain hex (a failed transaction), or
    "custom error 0x<selector>: <data>" (a reverting view, as anvil reports it)."""
    if message.startswith("custom error "):
        prefix, _, rest = message[len("custom error ") :].partition(":")
        message = prefix.strip() + rest.strip().removeprefix("0x")
    try:
        return HexBytes(message)
    except ValueError:  # a revert string or no data at all
        return HexBytes(b"")


def _actual_error(exc, error) -> tuple[bytes, dict]:
    """The selector and named arguments of the error `exc` carries."""
    if isinstance(exc, CustomError):
        return selector(exc.abi), {k: normalise(v) for k, v in exc.inputs.items()}
    data = _raw_revert_data(str(exc.revert_message))
    names = [i.name for i in error.abi.inputs]
    types = [i.canonical_type for i in error.abi.inputs]
    values = decode(types, data[4:]) if data[:4] == selector(error.abi) else ()
    return data[:4], {n: normalise(v) for n, v in zip(names, values, strict=False)}


def assert_reverted_with(exc, error, inputs: dict) -> None:
    expected_inputs = {k: normalise(v) for k, v in inputs.items()}
    declared = {i.name for i in error.abi.inputs}
    assert set(expected_inputs) == declared, f"assert every argument of {error.abi.signature}"
    actual, actual_inputs = _actual_error(exc, error)
    expected = selector(error.abi)
    assert actual == expected, f"expected {error.abi.signature}, got {exc.revert_message!r}"
    assert actual_inputs == expected_inputs


@contextmanager
def reverts(error, **inputs) -> Iterator:
    """`with reverts(proxy.ProxyUnauthorized, caller=stranger.address):` - the exact custom
    error with all of its arguments."""
    with ape.reverts(error, **inputs) as info:
        yield info
    assert_reverted_with(info.value, error, inputs)


_ERROR_LAYOUTS: dict[int, tuple] = {}  # id(error ABI) -> (the ABI, selector, names, types)
_ENCODED: dict[tuple, HexBytes] = {}  # (selector, argument values) -> revert data


def encode_error(error, **inputs) -> HexBytes:
    """The exact revert data of `error` with all of its arguments (the stateful suites compute
    thousands: the error's selector, names and types are computed once per ABI)."""
    abi = error.abi
    layout = _ERROR_LAYOUTS.get(id(abi))
    if layout is None:
        names = [i.name for i in abi.inputs]
        types = [i.canonical_type for i in abi.inputs]
        layout = _ERROR_LAYOUTS[id(abi)] = (abi, bytes(selector(abi)), names, types)
    _, error_selector, names, types = layout
    assert len(inputs) == len(names) and set(inputs) == set(
        names
    ), f"give every argument of {abi.signature}"
    values = tuple(normalise(inputs[n]) for n in names)
    try:
        return _ENCODED[(error_selector, values)]
    except TypeError:  # an argument that cannot be a key (a list)
        return HexBytes(error_selector + encode(types, values))
    except KeyError:
        if len(_ENCODED) > 100_000:
            _ENCODED.clear()
        data = _ENCODED[(error_selector, values)] = HexBytes(error_selector + encode(types, values))
        return data


def dry_runner(chain) -> Callable[..., HexBytes | None]:
    """`run(method, *args, sender=...)`: the call's revert data on the current state (`eth_call`,
    nothing mined), or None when it succeeds."""

    def run(method, *args, sender) -> HexBytes | None:
        request = {
            "from": str(sender.address),
            "to": str(method.contract.address),
            "data": to_hex(method.encode_input(*args)),
        }
        try:
            chain.provider.web3.eth.call(request)
        except ContractLogicError as err:
            return HexBytes(err.data or b"")
        return None

    return run


def constructor_revert(chain, container, *args, sender) -> tuple[str, dict]:
    """The custom error (name, inputs) with which deploying `container` reverts, simulated with
    eth_call (a reverting deployment sent through ape asks the explorer for a contract type)."""
    txn = container.constructor.serialize_transaction(*args, sender=sender)
    with pytest.raises(ContractCustomError) as raised:
        chain.provider.web3.eth.call({"from": sender.address, "data": txn.data})
    data = HexBytes(raised.value.data)
    abi = container.contract_type.errors[data[:4]]
    return abi.name, chain.provider.network.ecosystem.decode_calldata(abi, data[4:])
