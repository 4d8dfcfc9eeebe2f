"""Projects below a package that no workspace file declares: which are examples, said once."""

from __future__ import annotations

import json
from pathlib import Path

from tests.conftest import run_relnox
from tests.shapes import project, repo

EXAMPLES = {"example_plugin": "example-plugin", "plugin_example": "plugin-example"}


def _with_examples(root: Path, extra: str = "") -> Path:
    """One package at the root; example plugin projects requiring it in folders named for
    examples, and a project beside it that is not one (``server/``)."""
    files = {
        "pyproject.toml": project("acme", extra=extra),
        "src/acme/__init__.py": "",
        "server/pyproject.toml": project("acme-server"),
        "examples/foo/pyproject.toml": project("foo", requires=["acme"]),
    }
    for folder, name in EXAMPLES.items():
        files[f"{folder}/pyproject.toml"] = project(name, "0.1.0", requires=["acme"])
    return repo(root, files)


def test_example_projects_are_not_released_as_examples_said_once(tmp_path: Path) -> None:
    """A note each offering to release ``example_plugin`` and ``plugin_example`` before
    ('... is not a member of this workspace; add "example_plugin" to [tool.relnox] packages
    to release it with relnox'): now one note, the reason an example, and the setting."""
    root = _with_examples(tmp_path / "single")
    proc = run_relnox("packages", cwd=root, check=True)
    notes = [line for line in proc.stdout.splitlines() if line.startswith("  note: ")]
    assert notes == [
        '  note: server/pyproject.toml (acme-server) is not a member of this workspace; add "server" '
        "to [tool.relnox] packages to release it with relnox",
        "  note: example_plugin (example-plugin), plugin_example (plugin-example): an example "
        "(its folder's name says so), declared by no workspace file, so not released; list those "
        "to release in [tool.relnox] packages",
    ], proc.stdout
    listed = json.loads(run_relnox("packages", "--json", cwd=root, check=True).stdout)
    assert [p["name"] for p in listed["packages"]] == ["acme"]
    why = {u["name"]: u["why"] for u in listed["not_released"]}
    assert why == {
        "acme-server": "no workspace file declares it",
        **{name: why["example-plugin"] for name in EXAMPLES.values()},
    }
    assert why["example-plugin"].startswith("an example")


def test_an_example_a_workspace_or_the_settings_name_is_released(tmp_path: Path) -> None:
    """No guess takes away a package a workspace declares or [tool.relnox] names."""
    members = '[tool.uv.workspace]\nmembers = ["plugin_example"]\n'
    root = _with_examples(tmp_path / "uv", extra=members)
    listed = json.loads(run_relnox("packages", "--json", cwd=root, check=True).stdout)
    assert "plugin-example" in [p["name"] for p in listed["packages"]]
    why = {u["name"]: u["why"] for u in listed["not_released"]}
    assert sorted(why) == ["acme-server", "example-plugin"]
    assert why["example-plugin"].startswith("an example"), why
    named = '[tool.relnox]\npackages = [".", "example_plugin"]\n'
    root = _with_examples(tmp_path / "named", extra=named)
    listed = json.loads(run_relnox("packages", "--json", cwd=root, check=True).stdout)
    assert [p["name"] for p in listed["packages"]] == ["acme", "example-plugin"]
    assert listed["not_released"] == []


def test_a_member_glob_matching_a_folder_with_no_project_is_a_finding(tmp_path: Path) -> None:
    """``members = ["packages/*"]`` matching ``packages/notes/`` (a README, no pyproject.toml),
    which uv refuses, was passed over in silence: now a finding on that folder naming both
    fixes, every other package still listed. A hidden folder, or one holding only files git
    ignores (``__pycache__`` left behind), uv passes over too, and so does relnox."""
    members = '[tool.uv.workspace]\nmembers = ["packages/*"]\n'
    root = repo(
        tmp_path / "ws",
        {
            "pyproject.toml": project("acme", extra=members),
            ".gitignore": "__pycache__/\n",
            "packages/a/pyproject.toml": project("acme-a"),
            "packages/notes/README.md": "notes\n",
            "packages/.cache/state": "x\n",
        },
    )
    (root / "packages/old/__pycache__").mkdir(parents=True)
    (root / "packages/old/__pycache__/m.pyc").write_bytes(b"")
    proc = run_relnox("packages", "--json", cwd=root)
    assert proc.returncode == 1, proc.stderr
    assert [p["name"] for p in json.loads(proc.stdout)["packages"]] == ["acme", "acme-a"]
    assert proc.stderr.strip().splitlines() == [
        f"relnox: error: {root / 'pyproject.toml'}: [tool.uv.workspace] members entry "
        "'packages/*' matches packages/notes/, which holds no pyproject.toml (uv refuses the "
        'workspace); add "packages/notes" to [tool.uv.workspace] exclude, or give it a '
        "pyproject.toml"
    ]
    excluded = members + 'exclude = ["packages/notes"]\n'
    (root / "pyproject.toml").write_text(project("acme", extra=excluded))
    proc = run_relnox("packages", "--json", cwd=root, check=True)
    assert [p["name"] for p in json.loads(proc.stdout)["packages"]] == ["acme", "acme-a"]


def test_packages_four_folders_deep_below_a_root_without_a_project(tmp_path: Path) -> None:
    """No root project, client packages four folders deep (``clients/python/sdk/foo``): the scan
    stopped at three and found nothing ("no pyproject.toml here or in the directories below").
    Now each is found; two sharing one name are one finding naming both and the setting that
    decides, and the others are listed and bumped all the same."""
    root = repo(
        tmp_path / "clients",
        {
            "clients/python/sdk/foo/pyproject.toml": project("acme-foo", "1.0.0"),
            "clients/python/legacy/foo/pyproject.toml": project("acme-foo", "0.9.0"),
            "clients/python/sdk/bar/pyproject.toml": project("acme-bar", "2.0.0"),
            "clients/python/sdk/bar/src/acme_bar/__init__.py": "",
            "clients/js/node_modules/a/b/pyproject.toml": project("vendored", "1.0.0"),
        },
    )
    proc = run_relnox("packages", "--json", cwd=root)
    shown = json.loads(proc.stdout)
    assert [p["name"] for p in shown["packages"]] == ["acme-bar"], proc.stderr
    assert shown["problems"] == [
        f"{root}/clients/python/legacy/foo/pyproject.toml and clients/python/sdk/foo/pyproject.toml:"
        " the project name 'acme-foo' is used by both; give each package its own name, or name "
        "the one to release in [tool.relnox] packages"
    ]
    bump = run_relnox("bump", "--package", "acme-bar", "--part", "minor", "--dry-run", cwd=root)
    assert bump.returncode == 0, bump.stderr
    assert "2.1.0" in bump.stdout
