"""Vendored browser assets: htmx from npm, pinned by version and by the SHA-256 of its package,
packed once into the cache (`npm pack`) and copied into static/vendor/ (git-ignored), from where the
console serves it itself (no CDN). scripts/bootstrap runs this; so do the e2e tests.

    uv run python -m thidua_web.assets [cache]     # default cache: .local/cache
"""

import hashlib
import shutil
import subprocess
import sys
import tarfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[4]
VENDOR = Path(__file__).parent / "static" / "vendor"
HTMX_VERSION = "2.0.4"
HTMX_SHA256 = "a34988d1b9f005a458d593aa8d7486537cb878b8ac3b82703db1268983123ecc"
# file in the package -> name served under /static/vendor/
FILES = {"package/dist/htmx.min.js": "htmx.min.js"}


def package(cache: Path) -> Path:
    """The npm tarball in the cache, packed the first time and checked against the pinned digest."""
    folder = cache.resolve() / "npm"
    tarball = folder / f"htmx.org-{HTMX_VERSION}.tgz"
    if not tarball.exists():
        if shutil.which("npm") is None:
            raise RuntimeError("npm is required to fetch htmx (apt-get install npm)")
        folder.mkdir(parents=True, exist_ok=True)
        subprocess.run(
            ["npm", "pack", f"htmx.org@{HTMX_VERSION}", "--pack-destination", str(folder), "--silent"], check=True
        )
    digest = hashlib.sha256(tarball.read_bytes()).hexdigest()
    if digest != HTMX_SHA256:
        tarball.unlink()
        raise RuntimeError(f"htmx.org-{HTMX_VERSION}.tgz has SHA-256 {digest}, expected {HTMX_SHA256}")
    return tarball


def install(cache: Path = REPO / ".local" / "cache", vendor: Path = VENDOR) -> Path:
    """Copy the pinned files into `vendor` (idempotent); returns the folder."""
    if all((vendor / name).exists() for name in FILES.values()):
        return vendor
    tarball = package(cache)
    vendor.mkdir(parents=True, exist_ok=True)
    with tarfile.open(tarball) as tar:
        for member, name in FILES.items():
            source = tar.extractfile(member)
            if source is None:
                raise RuntimeError(f"{member} is missing from {tarball.name}")
            (vendor / name).write_bytes(source.read())
    return vendor


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    print(install(Path(argv[0])) if argv else install())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
