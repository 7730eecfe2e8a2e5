"""A throwaway local chain (an anvil process) with its own chain id, for the two-chain swap
demo and tests: the first chain is ape's own node, the second one is started here."""

from __future__ import annotations

import shutil
import socket
import subprocess
import time

from web3 import Web3


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class LocalChain:
    """`with LocalChain(chain_id=31338) as web3:` runs anvil on a free port for the block."""

    def __init__(self, chain_id: int, block_time: float | None = None):
        self.chain_id = chain_id
        self.block_time = block_time
        self.process: subprocess.Popen | None = None
        self.web3: Web3 | None = None

    def __enter__(self) -> Web3:
        anvil = shutil.which("anvil")
        if anvil is None:
            raise RuntimeError("anvil is not on PATH (run `make setup`; it comes from npm)")
        port = _free_port()
        command = [anvil, "--port", str(port), "--chain-id", str(self.chain_id), "--silent"]
        if self.block_time:
            command += ["--block-time", str(self.block_time)]
        self.process = subprocess.Popen(
            command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        self.web3 = Web3(Web3.HTTPProvider(f"http://127.0.0.1:{port}"))
        deadline = time.monotonic() + 30
        while not self._ready():
            if time.monotonic() > deadline or self.process.poll() is not None:
                self.__exit__(None, None, None)
                raise RuntimeError(f"anvil did not start on port {port}")
            time.sleep(0.1)
        return self.web3

    def _ready(self) -> bool:
        try:
            return self.web3.eth.chain_id == self.chain_id
        except Exception:  # not listening yet
            return False

    def __exit__(self, *_exc) -> None:
        if self.process is not None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
            self.process = None


def fund(web3: Web3, address: str, wei: int) -> None:
    """Sets an account's ether balance (local nodes only)."""
    web3.provider.make_request("anvil_setBalance", [address, hex(wei)])


def advance(web3: Web3, seconds: int) -> None:
    """Moves the chain's clock forward and mines a block (local nodes only)."""
    web3.provider.make_request("evm_increaseTime", [seconds])
    web3.provider.make_request("evm_mine", [])


def artifact(project, name: str) -> tuple[list, str]:
    """(ABI as JSON dicts, deployment bytecode) of a compiled contract of the ape project."""
    contract_type = getattr(project, name).contract_type
    abi = [
        item.model_dump(by_alias=True, mode="json", exclude_none=True) for item in contract_type.abi
    ]
    return abi, contract_type.deployment_bytecode.bytecode
