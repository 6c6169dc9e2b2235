"""scripts/check catches what it is there to catch. Each contract of the static checks is run, with
the repository's own configuration (pyproject.toml), on a tiny tree in a temporary folder holding
one seeded violation: the tool must fail on it and pass on the same tree without it (so neither
result is a foregone conclusion). Seconds each: never the whole repository."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
PYPROJECT = REPO / "pyproject.toml"
BIN = Path(sys.executable).parent
SERVICES = ("thidua_intake", "thidua_scoring", "thidua_notify", "thidua_reporting")


def run(args: list[str], cwd: Path, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        args, cwd=cwd, capture_output=True, text=True, timeout=120, env={**os.environ, **env}, check=False
    )


def write(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)


def test_scripts_check_runs_every_tool_and_ci_runs_it_before_the_tests():
    script = (REPO / "scripts" / "check").read_text()
    for command in ("ruff check", "ruff format --check", "mypy", "lint-imports"):
        assert command in script, command
    ci = (REPO / ".ci" / "run").read_text()
    assert ci.index("./scripts/check") < ci.index("./scripts/test -p no:cacheprovider")
    hooks = (REPO / ".pre-commit-config.yaml").read_text()
    for step in ("lint", "format", "types", "imports"):
        assert f"entry: scripts/check {step}" in hooks, step


# -- import-linter ---------------------------------------------------------------------------------


def importlinter_config() -> str:
    """The [tool.importlinter] tables of pyproject.toml, as they are."""
    lines, keep = [], False
    for line in PYPROJECT.read_text().splitlines():
        if line.startswith("["):
            keep = line.strip("[]").startswith("tool.importlinter")
        if keep:
            lines.append(line)
    assert lines, "no [tool.importlinter] in pyproject.toml"
    return "\n".join(lines) + "\n"


# the smallest tree with every module the contracts name: all of them kept
EMPTY_MODULES = """
    thidua_common/__init__ thidua_common/http thidua_common/mongo thidua_common/kafka
    thidua_intake/submissions/__init__ thidua_intake/registrations/__init__ thidua_intake/ratings/__init__
    thidua_intake/reviews/__init__ thidua_intake/units/__init__ thidua_intake/units/service
    thidua_intake/campaigns/__init__ thidua_intake/campaigns/service thidua_intake/nominations/__init__
    thidua_intake/commendation_config/__init__ thidua_scoring/scorers/__init__ thidua_scoring/plan
    thidua_intake/commendation/__init__ thidua_intake/commendation/awards/__init__
    thidua_intake/commendation/awards/rules
""".split()  # the last: a rules module one level deeper (were nominations moved under commendation/)
CLEAN_TREE = {
    **{f"{module}.py": "" for module in EMPTY_MODULES},
    "thidua_common/i18n.py": "",
    **{f"{s}/__init__.py": "import thidua_common.i18n\n" for s in SERVICES},
    "thidua_intake/submissions/rules.py": "from thidua_common import i18n\n",
    "thidua_intake/nominations/service.py": "from ..campaigns import service\n",
    "thidua_scoring/engine.py": "from thidua_common import i18n\n",
    "thidua_scoring/plan.py": "from thidua_common import i18n\n",
}

SEEDED_IMPORTS = {  # file of the tiny tree: (the contract it breaks, the import appended to it)
    "thidua_notify/compose.py": ("services-independent", "from thidua_scoring import engine"),
    "thidua_common/helpers.py": ("common-imports-no-service", "import thidua_intake"),
    "thidua_intake/submissions/rules.py": ("rules-free-of-io", "import pymongo"),
    "thidua_intake/commendation/awards/rules.py": ("rules-free-of-io", "from fastapi import HTTPException"),
    "thidua_scoring/engine.py": ("rules-free-of-io", "from thidua_common import kafka"),
    "thidua_intake/nominations/service.py": ("commendation-through-declared-modules", "from ..units import service"),
}


def lint_imports(root: Path, contract: str) -> subprocess.CompletedProcess[str]:
    (root / "pyproject.toml").write_text(importlinter_config())
    return run(
        [str(BIN / "lint-imports"), "pyproject.toml", "--contract", contract, "--no-cache"],
        cwd=root,
        PYTHONPATH=str(root),  # the tiny tree's packages, not the installed ones
    )


@pytest.mark.parametrize("name", SEEDED_IMPORTS)
def test_import_linter_contract_fails_on_a_seeded_violation(tmp_path, name):
    contract, line = SEEDED_IMPORTS[name]
    write(tmp_path, CLEAN_TREE)
    clean = lint_imports(tmp_path, contract)
    assert clean.returncode == 0, clean.stdout + clean.stderr
    assert "KEPT" in clean.stdout
    path = tmp_path / name
    path.write_text((path.read_text() if path.exists() else "") + line + "\n")
    broken = lint_imports(tmp_path, contract)
    assert broken.returncode == 1, broken.stdout + broken.stderr
    assert "BROKEN" in broken.stdout


# -- ruff --------------------------------------------------------------------------------------------


def test_ruff_fails_on_an_unused_import_and_on_unformatted_code(tmp_path):
    write(tmp_path, {"clean.py": "import os\n\nprint(os.sep)\n"})
    config = ["--config", str(PYPROJECT)]
    assert run([str(BIN / "ruff"), "check", *config, "clean.py"], cwd=tmp_path).returncode == 0
    assert run([str(BIN / "ruff"), "format", "--check", *config, "clean.py"], cwd=tmp_path).returncode == 0
    write(tmp_path, {"seeded.py": "import os\nimport sys\n\nprint(os.sep)\n", "ugly.py": "x = {  'a':1 }\n"})
    lint = run([str(BIN / "ruff"), "check", *config, "seeded.py"], cwd=tmp_path)
    assert lint.returncode == 1 and "F401" in lint.stdout, lint.stdout + lint.stderr
    fmt = run([str(BIN / "ruff"), "format", "--check", *config, "ugly.py"], cwd=tmp_path)
    assert fmt.returncode == 1, fmt.stdout + fmt.stderr


# -- mypy ---------------------------------------------------------------------------------------------


def test_mypy_is_strict_for_the_shared_library_and_checks_the_rest(tmp_path):
    """The same untyped function: an error in thidua_common (strict), accepted in devstack (checked);
    a wrong type is an error in both."""
    untyped = "def double(x):\n    return x * 2\n"
    wrong = 'count: int = "three"\n'
    write(
        tmp_path,
        {
            "thidua_common/__init__.py": "",
            "thidua_common/seeded.py": untyped,
            "thidua_common/wrong.py": wrong,
            "thidua_devstack/__init__.py": "",
            "thidua_devstack/seeded.py": untyped,
            "thidua_devstack/wrong.py": wrong,
        },
    )
    result = run(
        [
            str(BIN / "mypy"),
            "--config-file",
            str(PYPROJECT),
            "--cache-dir",
            str(tmp_path / ".mypy-cache"),
            "thidua_common",
            "thidua_devstack",
        ],
        cwd=tmp_path,
    )
    errors = {line.split(":")[0] for line in result.stdout.splitlines() if ": error:" in line}
    assert result.returncode == 1, result.stdout + result.stderr
    assert errors == {"thidua_common/seeded.py", "thidua_common/wrong.py", "thidua_devstack/wrong.py"}, result.stdout
    assert "[no-untyped-def]" in result.stdout and "[assignment]" in result.stdout
