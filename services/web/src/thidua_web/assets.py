"""Vendored browser assets: npm packages pinned by version and by the SHA-256 of their tarball,
packed once into the cache (`npm pack`) and copied into static/vendor/ (git-ignored), from where the
console serves them itself (no CDN). scripts/bootstrap runs this; so do the e2e tests.

    uv run python -m thidua_web.assets [cache]     # default cache: .local/cache

- htmx: the pages' partial updates.
- Apache ECharts: the dashboards' charts, with its Vietnamese locale (i18n/langVI.js registers
  the locale "VI" on the global `echarts`), and its licence next to it.
"""

import hashlib
import shutil
import subprocess
import sys
import tarfile
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[4]
VENDOR = Path(__file__).parent / "static" / "vendor"


@dataclass(frozen=True)
class Package:
    """An npm package: `files` maps a file in the tarball to the name served under /static/vendor/."""

    name: str
    version: str
    sha256: str
    files: dict[str, str]

    @property
    def tarball(self) -> str:
        return f"{self.name}-{self.version}.tgz"


HTMX = Package(
    "htmx.org",
    "2.0.4",
    "a34988d1b9f005a458d593aa8d7486537cb878b8ac3b82703db1268983123ecc",
    {"package/dist/htmx.min.js": "htmx.min.js"},
)
ECHARTS = Package(
    "echarts",
    "6.1.0",
    "681aff88cc1038c3fa941a3a53d1b177a52250b05335efc607d6105ae13be481",
    {
        "package/dist/echarts.min.js": "echarts.min.js",
        "package/i18n/langVI.js": "echarts-langVI.js",
        "package/LICENSE": "echarts-LICENSE.txt",
    },
)
PACKAGES = (HTMX, ECHARTS)
# axe-core: the accessibility checker the end-to-end tests run in the browser on every page
# (tests/e2e/a11y.py). Never served by the console: fetched and checked like the others, not installed.
AXE = Package(
    "axe-core",
    "4.14.1",
    "e6b0ce02b84d892e2e33e403485e7f3d6c29e2be6df65daf44d89ba564139745",
    {"package/axe.min.js": "axe.min.js"},
)
# kept for readers of the first version of this module
HTMX_VERSION, HTMX_SHA256, FILES = HTMX.version, HTMX.sha256, HTMX.files


def package(cache: Path, pkg: Package = HTMX) -> Path:
    """The npm tarball in the cache, packed the first time and checked against the pinned digest."""
    folder = cache.resolve() / "npm"
    tarball = folder / pkg.tarball
    if not tarball.exists():
        if shutil.which("npm") is None:
            raise RuntimeError(f"npm is required to fetch {pkg.name} (apt-get install npm)")
        folder.mkdir(parents=True, exist_ok=True)
        subprocess.run(
            ["npm", "pack", f"{pkg.name}@{pkg.version}", "--pack-destination", str(folder), "--silent"], check=True
        )
    digest = hashlib.sha256(tarball.read_bytes()).hexdigest()
    if digest != pkg.sha256:
        tarball.unlink()
        raise RuntimeError(f"{pkg.tarball} has SHA-256 {digest}, expected {pkg.sha256}")
    return tarball


def install(
    cache: Path = REPO / ".local" / "cache", vendor: Path = VENDOR, packages: tuple[Package, ...] = PACKAGES
) -> Path:
    """Copy the pinned files of every package into `vendor` (idempotent); returns the folder."""
    for pkg in packages:
        if all((vendor / name).exists() for name in pkg.files.values()):
            continue
        tarball = package(cache, pkg)
        vendor.mkdir(parents=True, exist_ok=True)
        with tarfile.open(tarball) as tar:
            for member, name in pkg.files.items():
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
