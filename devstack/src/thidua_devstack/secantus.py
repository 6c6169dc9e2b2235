"""The local MongoDB stand-in: SecantusDB, always run as a separate process (it is GPL, so product
code never imports it). Production uses MongoDB.

Two builds of the same server exist. The Rust one (crate `secantus-mdb`, binary `secantusd-rs`) is
built once from crates.io with the machine's cargo and cached; it costs about 8 minutes of
compiling the first time and serves intake and scoring many times faster than the Python one
(`secantusd-py`, from PyPI, installed with the workspace), which is what runs when cargo is
missing or `THIDUA_SECANTUS=py` asks for it."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

CRATE = "secantus-mdb"
VERSION = "0.5.3-beta.196"  # pinned; the crate's own Cargo.lock pins its dependencies (--locked)


def _root(cache: Path) -> Path:
    return cache.resolve() / f"secantus-rs-{VERSION}"


def rust_binary(cache: Path) -> Path | None:
    exe = _root(cache) / "bin" / "secantusd-rs"
    return exe if exe.exists() else None


def install(cache: Path) -> Path:
    """Build the Rust server into the cache unless it is there already; returns the binary."""
    exe = rust_binary(cache)
    if exe:
        return exe
    cargo = shutil.which("cargo") or str(Path.home() / ".cargo" / "bin" / "cargo")
    if not Path(cargo).exists():
        raise RuntimeError("cargo is required to build SecantusDB's Rust server (THIDUA_SECANTUS=py avoids it)")
    root = _root(cache)
    subprocess.run(
        # --ignore-rust-version: the crate asks for rustc 1.98 but builds and passes our whole
        # suite with the 1.95 these machines have
        [cargo, "install", CRATE, "--version", VERSION, "--locked", "--ignore-rust-version", "--root", str(root)],
        check=True,
    )
    exe = rust_binary(cache)
    if exe is None:
        raise RuntimeError(f"cargo install did not produce secantusd-rs under {root}")
    return exe


def command(cache: Path, host: str, port: int, home: Path, sync_on_commit: bool = False) -> list[str]:
    """The server's command line: the Rust build when it is installed (or THIDUA_SECANTUS_BIN names
    a binary), else the Python one. Each keeps its data in a folder of its own under `home`."""
    choice = os.environ.get("THIDUA_SECANTUS", "rs")
    exe = os.environ.get("THIDUA_SECANTUS_BIN") or (str(rust_binary(cache) or "") if choice == "rs" else "")
    if exe:
        return [
            exe,
            "--host",
            host,
            "--port",
            str(port),
            "--storage-path",
            str(home / "secantus-rs"),
            "--log-level",
            "WARNING",
            "--cache-size",
            "512M",
            # issue 15: exactly once — fsync the log on each commit, so that a write acknowledged
            # with j:true survives a kill -9 (off by default: it costs throughput)
            *(["--sync-on-commit"] if sync_on_commit else []),
        ]
    py = shutil.which("secantusd-py", path=str(Path(sys.executable).parent)) or "secantusd-py"
    return [py, "--host", host, "--port", str(port), "--storage-path", str(home / "secantus"), "--log-level", "WARNING"]
