"""A project that is not released but whose version the history moved with every release
(a private tool of the workspace): a bump moves it too, and says why and what leaves it."""

from __future__ import annotations

import json
from pathlib import Path

from relnox.project.discovery import discover
from tests.conftest import run_relnox
from tests.shapes import commit, project, repo

HATCH = '\n[tool.hatch.build.targets.wheel]\npackages = ["src/{0}"]\n'
PRIVATE = 'classifiers = ["Private :: Do Not Upload"]\n'


def _workspace(tmp_path: Path, settings: str = "") -> Path:
    """``acme-core`` released at 1.0.0 and 1.1.0; its private ``acme-tools`` (a dynamic
    version in its module) said each release's version at its tag."""
    tools = project(
        "acme-tools",
        dynamic=True,
        extra=HATCH.format("tools") + '\n[tool.hatch.version]\npath = "src/tools/__init__.py"\n',
    ).replace('dynamic = ["version"]\n', 'dynamic = ["version"]\n' + PRIVATE)

    def files(version: str) -> dict[str, str]:
        return {
            "pyproject.toml": '[project]\nname = "ws"\nversion = "0.0.0"\n\n[tool.uv]\n'
            'package = false\n\n[tool.uv.workspace]\nmembers = ["packages/*"]\n' + settings,
            "packages/core/pyproject.toml": project(
                "acme-core", version, extra=HATCH.format("core")
            ),
            "packages/core/src/core/__init__.py": "",
            "packages/tools/pyproject.toml": tools,
            "packages/tools/src/tools/__init__.py": f'__version__ = "{version}"\n',
        }

    root = repo(tmp_path / "r", files("1.0.0"), tags=["acme-core-v1.0.0"])
    commit(root, files("1.1.0"), "acme-core-v1.1.0", message="Release 1.1.0")
    return root


def test_a_private_member_the_history_moved_with_each_release_moves_with_the_bump(
    tmp_path: Path,
) -> None:
    root = _workspace(tmp_path)
    done = run_relnox("bump", "--part", "minor", "--dry-run", "--json", cwd=root, check=True)
    plan = json.loads(done.stdout)
    assert plan["versions"] == {"acme-core": "1.2.0"}
    assert "packages/tools/src/tools/__init__.py" in plan["files"]
    for command in (["packages"], ["bump", "--part", "minor", "--dry-run"]):
        done = run_relnox(*command, cwd=root, check=True)
        (line,) = [
            line
            for line in (done.stdout + done.stderr).splitlines()
            if "packages/tools/src/tools/__init__.py (acme-tools) is not released" in line
        ]
        assert "acme-core-v1.0.0, acme-core-v1.1.0" in line
        assert 'unreleased-versions = "keep" leaves it' in line


def test_unreleased_versions_keep_leaves_it(tmp_path: Path) -> None:
    root = _workspace(tmp_path, '\n[tool.relnox]\nunreleased-versions = "keep"\n')
    done = run_relnox("bump", "--part", "minor", "--dry-run", "--json", cwd=root, check=True)
    assert "packages/tools/src/tools/__init__.py" not in json.loads(done.stdout)["files"]


def _templated(tmp_path: Path, settings: str = "") -> Path:
    """A package whose repository moves a manifest template's version (read by no build)
    from each release to the next, at v1.0.0, v1.1.0 and v1.2.0."""

    def files(version: str) -> dict[str, str]:
        return {
            "pyproject.toml": project("acme", version) + settings,
            "src/acme/__init__.py": "",
            "template/Cargo.template.toml": '[package]\nname = "acme-{{SUFFIX}}"\n'
            f'version = "{version}"\n\n[dependencies]\nserde = {{ version = "1.0" }}\n',
        }

    root = repo(tmp_path / "t", files("1.0.0"), tags=["v1.0.0"])
    commit(root, files("1.1.0"), "v1.1.0", message="Release 1.1.0")
    commit(root, files("1.2.0"), "v1.2.0", message="Release 1.2.0")
    return root


def test_a_file_the_history_moved_from_each_release_to_the_next_moves_with_the_bump(
    tmp_path: Path,
) -> None:
    root = _templated(tmp_path)
    done = run_relnox("bump", "--part", "patch", "--dry-run", "--json", cwd=root, check=True)
    assert "template/Cargo.template.toml" in json.loads(done.stdout)["files"]
    said = run_relnox("bump", "--part", "patch", "--dry-run", cwd=root, check=True)
    (line,) = [
        line
        for line in (said.stdout + said.stderr).splitlines()
        if "template/Cargo.template.toml moved from each release" in line
    ]
    assert "v1.0.0, v1.1.0, v1.2.0" in line and 'unreleased-versions = "keep"' in line
    run_relnox("bump", "--part", "patch", "--allow-dirty", cwd=root, check=True)
    manifest = (root / "template/Cargo.template.toml").read_text(encoding="utf-8")
    assert 'version = "1.2.1"' in manifest and 'serde = { version = "1.0" }' in manifest


def test_unreleased_versions_keep_leaves_a_moved_file(tmp_path: Path) -> None:
    root = _templated(tmp_path, '\n[tool.relnox]\nunreleased-versions = "keep"\n')
    done = run_relnox("bump", "--part", "patch", "--dry-run", "--json", cwd=root, check=True)
    assert "template/Cargo.template.toml" not in json.loads(done.stdout)["files"]


def test_plan_and_check_versions_do_not_look_for_the_copies_and_say_the_same(
    tmp_path: Path,
) -> None:
    root = _workspace(tmp_path)
    assert discover(root, moved=False).moved == ()
    (said,) = {note for _name, note in discover(root).moved}
    assert "acme-tools" in said
    for command in (["plan"], ["plan", "--part", "minor"], ["check-versions"]):
        done = run_relnox(*command, cwd=root, check=True)
        assert "acme-tools" not in done.stdout + done.stderr
        assert "acme-core" in done.stdout


def test_an_unknown_unreleased_versions_rule_is_refused_by_plan_too(tmp_path: Path) -> None:
    root = _workspace(tmp_path, '\n[tool.relnox]\nunreleased-versions = "always"\n')
    for command in (["packages"], ["plan"], ["check-versions"]):
        done = run_relnox(*command, cwd=root)
        assert done.returncode != 0
        assert "unreleased-versions = 'always' is none of history, keep" in done.stderr
