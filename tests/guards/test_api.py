"""The API check: a real git repository, its last release tag and griffe."""

from __future__ import annotations

import builtins
from pathlib import Path
from typing import Any

import pytest

from relnox.guards.api import ApiError, api_change, bumped_part, check_bump
from relnox.project.discovery import load_workspace
from relnox.release.doctor import doctor
from tests.conftest import run_relnox
from tests.shapes import commit, project, repo

MODULE = '''"""A library."""

__version__ = "{version}"


def keep(x: int) -> int:
    return x


def drop(y: str) -> str:
    return y
'''


def _released(tmp_path: Path, version: str = "1.0.0", relnox: str = "") -> Path:
    """``apilib`` released at ``version`` (tag v{version}); nothing changed since."""
    files = {
        "pyproject.toml": project("apilib", version, extra=relnox),
        "src/apilib/__init__.py": MODULE.format(version=version),
    }
    return repo(tmp_path / "apilib", files, tags=[f"v{version}"])


def _drop_function(root: Path, version: str = "1.0.0") -> None:
    text = MODULE.format(version=version).split("\n\ndef drop")[0] + "\n"
    commit(root, {"src/apilib/__init__.py": text}, message="drop drop()")


def test_a_removal_is_refused_under_minor_and_accepted_under_major(tmp_path: Path) -> None:
    root = _released(tmp_path)
    _drop_function(root)
    workspace = load_workspace(root)
    change = api_change(workspace, workspace.get("apilib"))
    assert change.tag == "v1.0.0" and change.demands == "major"
    assert any("drop" in b for b in change.breakages), change.breakages
    with pytest.raises(ApiError, match=r"minor bump.*drop.*--part major"):
        check_bump(workspace, {"apilib": ("1.0.0", "1.1.0")})
    with pytest.raises(ApiError, match="patch bump"):
        check_bump(workspace, {"apilib": ("1.0.0", "1.0.1")})
    [ok] = check_bump(workspace, {"apilib": ("1.0.0", "2.0.0")})
    assert ok.demands == "major"


def test_an_addition_demands_a_minor(tmp_path: Path) -> None:
    root = _released(tmp_path)
    commit(
        root,
        {"src/apilib/__init__.py": MODULE.format(version="1.0.0") + "\n\ndef new() -> None: ...\n"},
    )
    workspace = load_workspace(root)
    change = api_change(workspace, workspace.get("apilib"))
    assert (change.breakages, change.added, change.demands) == ([], ["apilib.new"], "minor")
    with pytest.raises(ApiError, match="--part minor"):
        check_bump(workspace, {"apilib": ("1.0.0", "1.0.1")})


def test_zero_x_follows_the_declared_policy(tmp_path: Path) -> None:
    root = _released(tmp_path / "default", "0.3.0")
    _drop_function(root, "0.3.0")
    workspace = load_workspace(root)
    assert check_bump(workspace, {"apilib": ("0.3.0", "0.4.0")})[0].demands == "minor"
    strict = _released(
        tmp_path / "strict", "0.3.0", relnox='[tool.relnox]\napi-zero-policy = "major"\n'
    )
    _drop_function(strict, "0.3.0")
    with pytest.raises(ApiError, match="--part major"):
        check_bump(load_workspace(strict), {"apilib": ("0.3.0", "0.4.0")})


def test_bumped_part() -> None:
    assert [bumped_part("1.2.3", v) for v in ("2.0.0", "1.3.0", "1.2.4")] == [
        "major",
        "minor",
        "patch",
    ]


def test_the_bump_command_refuses_and_writes_nothing(tmp_path: Path) -> None:
    root = _released(tmp_path)
    _drop_function(root)
    before = (root / "pyproject.toml").read_text(encoding="utf-8")
    refused = run_relnox("bump", "--part", "minor", "--check-api", cwd=root)
    assert refused.returncode == 1
    assert "Traceback" not in refused.stderr
    assert "apilib 1.0.0 -> 1.1.0 is a minor bump" in refused.stderr
    assert "--part major" in refused.stderr
    assert (root / "pyproject.toml").read_text(encoding="utf-8") == before
    done = run_relnox("bump", "--part", "major", "--check-api", "--json", cwd=root)
    assert done.returncode == 0, done.stderr
    assert '"api": {\n    "apilib": "major"' in done.stdout
    plan = run_relnox("plan", "--api", cwd=root, check=True)
    header, *rows = plan.stdout.splitlines()
    assert header.split()[-1] == "api"
    assert [r.split()[-1] for r in rows if r.startswith("apilib")] == ["major"]


def test_doctor_finds_it_when_configured(tmp_path: Path) -> None:
    root = _released(tmp_path, relnox="[tool.relnox]\ncheck-api = true\n")
    _drop_function(root)
    text = (root / "pyproject.toml").read_text(encoding="utf-8")
    commit(root, {"pyproject.toml": text.replace('version = "1.0.0"', 'version = "1.1.0"')})
    (root / "src/apilib/__init__.py").write_text(
        MODULE.format(version="1.1.0").split("\n\ndef drop")[0] + "\n", encoding="utf-8"
    )
    commit(root, {}, message="version")
    rows = [c for c in doctor(root).checks if c.check == "api apilib"]
    assert [r.status for r in rows] == ["error"]
    assert "--part major" in rows[0].detail


def test_without_griffe_the_error_names_the_extra(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = _released(tmp_path)
    real_import = builtins.__import__

    def no_griffe(name: str, *args: Any, **kwargs: Any) -> Any:
        if name == "griffe":
            raise ImportError(name)
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_griffe)
    workspace = load_workspace(root)
    with pytest.raises(ApiError, match=r"relnox\[api\]"):
        api_change(workspace, workspace.get("apilib"))


@pytest.mark.parametrize(
    ("released", "breaks", "added", "policy", "part"),
    [
        ("1.4.0", True, False, "minor", "major"),
        ("0.4.0", True, False, "minor", "minor"),
        ("0.4.0", True, False, "major", "major"),
        ("1.4.0", False, True, "minor", "minor"),
        ("1.4.0", False, False, "minor", "patch"),
    ],
)
def test_the_part_a_change_demands(
    released: str, breaks: bool, added: bool, policy: str, part: str
) -> None:
    from relnox.guards.api import ApiChange, demanded

    change = ApiChange("x", released, f"v{released}")
    change.breakages = ["x.f: removed"] if breaks else []
    change.added = ["x.g"] if added else []
    assert demanded(change, released, policy) == part


def test_release_with_check_api_refuses_the_bump_before_writing(tmp_path: Path) -> None:
    from relnox.errors import RelnoxError
    from relnox.release.pipeline import ReleaseOptions, release

    root = _released(tmp_path, relnox="[tool.relnox]\ncheck-api = true\n")
    _drop_function(root)
    before = (root / "pyproject.toml").read_text(encoding="utf-8")
    options = ReleaseOptions(part="minor", skip=frozenset({"doctor"}))
    with pytest.raises(RelnoxError) as info:
        release(root, options)
    assert str(info.value).startswith("stage bump failed: apilib 1.0.0 -> 1.1.0 is a minor bump")
    assert (root / "pyproject.toml").read_text(encoding="utf-8") == before
