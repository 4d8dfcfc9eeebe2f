"""ci-init writes the relnox requirement this relnox was installed from (PEP 610)."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

import relnox
from relnox.ci import requirement
from relnox.ci.init import ci_settings, generate, notes
from relnox.ci.requirement import requirement_from, squatting_warning
from relnox.errors import ConfigError
from relnox.project.discovery import load_workspace
from relnox.sample import ProjectSpec
from tests.ci.conftest import dist_info
from tests.conftest import run_relnox

COMMIT = "0123456789abcdef0123456789abcdef01234567"
V = relnox.__version__


@pytest.mark.parametrize(
    ("direct_url", "expected"),
    [
        (None, f"relnox=={V}"),
        (
            {"url": "https://github.com/o/relnox", "vcs_info": {"vcs": "git", "commit_id": COMMIT}},
            f"relnox @ git+https://github.com/o/relnox@{COMMIT}",
        ),
        (
            {
                "url": "https://github.com/o/mono",
                "vcs_info": {"vcs": "git", "commit_id": COMMIT, "requested_revision": "main"},
                "subdirectory": "py/relnox",
            },
            f"relnox @ git+https://github.com/o/mono@{COMMIT}#subdirectory=py/relnox",
        ),
        (
            {
                "url": "https://files.example.invalid/relnox-1.0-py3-none-any.whl",
                "archive_info": {"hashes": {"sha256": "ab" * 32}},
            },
            "relnox @ https://files.example.invalid/relnox-1.0-py3-none-any.whl#sha256="
            + "ab" * 32,
        ),
    ],
)
def test_the_requirement_follows_the_install(
    tmp_path: Path, direct_url: dict[str, Any] | None, expected: str
) -> None:
    assert requirement_from(dist_info(tmp_path, direct_url)) == expected


@pytest.mark.parametrize(
    ("direct_url", "message"),
    [
        ({"url": "file:///src/relnox", "dir_info": {"editable": True}}, "is an editable install"),
        ({"url": "file:///src/relnox", "dir_info": {}}, "is a local directory"),
        ({"url": "file:///w/relnox-1.0-py3-none-any.whl", "archive_info": {}}, "a local file"),
        (
            {"url": "file:///src/relnox", "vcs_info": {"vcs": "git", "commit_id": COMMIT}},
            "a local git repository",
        ),
        ({"nourl": 1}, r"direct_url.json \(PEP 610\) is unreadable"),
    ],
)
def test_an_install_a_runner_cannot_repeat_is_refused_with_the_choices(
    tmp_path: Path, direct_url: dict[str, Any], message: str
) -> None:
    with pytest.raises(ConfigError, match=message) as caught:
        requirement_from(dist_info(tmp_path, direct_url))
    assert "[tool.relnox.ci] relnox-requirement" in str(caught.value)
    assert "git+" in str(caught.value)


def test_relnox_run_uninstalled_is_refused() -> None:
    with pytest.raises(ConfigError, match="relnox is not installed"):
        requirement_from(None)


def test_the_workflow_installs_what_relnox_came_from(
    make_project: Callable[..., Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = make_project(ProjectSpec("failextract", "1.0.0"))
    vcs = {"url": "https://github.com/o/relnox", "vcs_info": {"vcs": "git", "commit_id": COMMIT}}
    installed = dist_info(tmp_path / "site", vcs)
    monkeypatch.setattr(requirement, "installed_distribution", lambda: installed)
    release = yaml.safe_load(generate(load_workspace(root))[".github/workflows/release.yml"])
    installs = {
        step["run"]
        for job in release["jobs"].values()
        for step in job["steps"]
        if step.get("name") == "Install nox and relnox"
    }
    assert installs == {
        f"python -m pip install 'nox[uv]' 'relnox @ git+https://github.com/o/relnox@{COMMIT}'"
    }
    # a commit pins relnox; nox stays a name installed where id-token: write is held
    [warning] = [n for n in notes(load_workspace(root)) if n.startswith("warning:")]
    assert (
        "install nox[uv] by name" in warning and "relnox" not in warning.split("by name")[0][-30:]
    )


def test_an_editable_relnox_without_a_setting_is_refused(
    make_project: Callable[..., Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = make_project(ProjectSpec("failextract", "1.0.0"))
    editable = dist_info(tmp_path / "site", {"url": root.as_uri(), "dir_info": {"editable": True}})
    monkeypatch.setattr(requirement, "installed_distribution", lambda: editable)
    with pytest.raises(ConfigError, match="editable install"):
        ci_settings(load_workspace(root))
    with (root / "pyproject.toml").open("a", encoding="utf-8") as fh:
        fh.write('\n[tool.relnox.ci]\nrelnox-requirement = "relnox==9.9"\n')
    assert ci_settings(load_workspace(root)).relnox_requirement == "relnox==9.9"


@pytest.mark.slow
def test_the_relnox_command_refuses_an_editable_relnox_in_one_line(
    make_project: Callable[..., Path],
) -> None:
    """This test session's relnox is an editable install: the real case."""
    root = make_project(ProjectSpec("failextract", "1.0.0"))
    proc = run_relnox("ci-init", cwd=root)
    assert proc.returncode == 1, proc.stdout
    [line] = proc.stderr.strip().splitlines()
    assert "editable install" in line and "relnox-requirement" in line
    assert not (root / ".github").exists()


def test_the_squatting_warning_names_every_index_name() -> None:
    warning = squatting_warning(("nox", f"relnox=={V}"))
    assert warning is not None and f"nox, relnox=={V} by name" in warning
    assert squatting_warning((f"relnox @ git+https://github.com/o/relnox@{COMMIT}",)) is None


@pytest.mark.slow
def test_ci_init_prints_the_warning_and_json_has_it(make_project: Callable[..., Path]) -> None:
    root = make_project(ProjectSpec("failextract", "1.0.0"))
    with (root / "pyproject.toml").open("a", encoding="utf-8") as fh:
        fh.write('\n[tool.relnox.ci]\nrelnox-requirement = "relnox==0.1.0"\n')
    proc = run_relnox("ci-init", cwd=root, check=True)
    assert "warning: the publishing jobs hold id-token: write" in proc.stdout
    data = json.loads(run_relnox("ci-init", "--json", "--dry-run", cwd=root, check=True).stdout)
    assert any("relnox==0.1.0 by name" in note for note in data["notes"])
