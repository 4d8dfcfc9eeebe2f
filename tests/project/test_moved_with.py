"""A project that is not released but whose version the history moved with every release
(a private tool of the workspace): a bump moves it too, and says why and what leaves it."""

from __future__ import annotations

import json
import os
import re
from collections.abc import Callable
from pathlib import Path

import pytest

from relnox.project.discovery import discover
from tests.conftest import run_relnox
from tests.shapes import commit, git, project, repo

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


def _released_from_branches(root: Path, files: Callable[[str], dict[str, str]]) -> Path:
    """v0.1b0 .. v0.3b0, each released from a branch of its own while main said the next
    one's dev version; main at 0.3b0.dev."""
    root = repo(root, files("0.1b0.dev"))
    for n in (1, 2, 3):
        git(root, "checkout", "-q", "-b", f"release/0.{n}")
        commit(root, files(f"0.{n}b0"), f"v0.{n}b0", message=f"Release 0.{n}b0")
        git(root, "checkout", "-q", "main")
        if n < 3:
            commit(root, files(f"0.{n + 1}b0.dev"), message=f"Start 0.{n + 1}b0")
    return root


def _betas(tmp_path: Path) -> Path:
    """A package released only as betas, each from a release branch (``v0.1b0`` .. ``v0.3b0``,
    none on main), while main says the next one's dev version; its repository moves a
    template's version, the pre-release section of a settings file (beside a stable
    section of another version line) and a generated list of pins at every release."""

    def files(version: str) -> dict[str, str]:
        return {
            "pyproject.toml": project("acme-beta", version),
            "src/acme_beta/__init__.py": "",
            "template/version.py": f'__version__ = "{version}"\n',
            "dists.ini": f"[stable]\nversion=1.3.0.dev\n\n[prerelease]\nversion={version}\n",
            "src/acme_beta/pins.py": f'PINS = [\n    "acme-beta-http=={version}",\n'
            f'    "acme-beta-sql=={version}",\n]\nLIBRARIES = ["sqlalchemy >= 1.4"]\n',
            "src/acme_beta/since.py": f'NOW = [\n    "a=={version}",\n    "b=={version}",\n]\n'
            'FIRST = "0.1b0"\n',
        }

    return _released_from_branches(tmp_path / "b", files)


def test_the_history_of_a_package_released_as_betas_moves_its_copies_on_main(
    tmp_path: Path,
) -> None:
    root = _betas(tmp_path)
    done = run_relnox("bump", "--to", "0.4b0.dev", "--dry-run", "--json", cwd=root, check=True)
    assert {"template/version.py", "dists.ini"} <= set(json.loads(done.stdout)["files"])
    run_relnox("bump", "--to", "0.4b0.dev", cwd=root, check=True)
    assert (root / "dists.ini").read_text() == (
        "[stable]\nversion=1.3.0.dev\n\n[prerelease]\nversion=0.4b0.dev\n"
    )
    assert (root / "template/version.py").read_text() == '__version__ = "0.4b0.dev"\n'


def test_a_file_whose_every_copy_of_the_release_moved_moves_whole(tmp_path: Path) -> None:
    """A generated list of pins on the siblings says the release on several lines, each its
    own: the history moved all of them at every release, so the bump moves each. A file
    that kept saying an old release beside them (``FIRST``) is no copy."""
    root = _betas(tmp_path)
    done = run_relnox("bump", "--to", "0.4b0.dev", "--dry-run", "--json", cwd=root, check=True)
    assert "src/acme_beta/since.py" not in json.loads(done.stdout)["files"]
    run_relnox("bump", "--to", "0.4b0.dev", cwd=root, check=True)
    assert (root / "src/acme_beta/pins.py").read_text() == (
        'PINS = [\n    "acme-beta-http==0.4b0.dev",\n    "acme-beta-sql==0.4b0.dev",\n]\n'
        'LIBRARIES = ["sqlalchemy >= 1.4"]\n'
    )


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


def _family(tmp_path: Path, kept: str = "") -> Path:
    """``acme-beta`` released as betas from branches, pinning ``acme-conventions`` (a project
    of another repository released in step) at its own version at every release; ``kept``:
    a pin that said the same version only now."""

    def files(version: str, now: bool = False) -> dict[str, str]:
        pins = [f"acme-conventions == {version}", "requests == 2.31.0"]
        pins += [f"{kept} == {version}"] if kept and now else [f"{kept} == 0.0.9"] if kept else []
        return {
            "pyproject.toml": project("acme-beta", version, requires=pins),
            "src/acme_beta/__init__.py": "",
        }

    root = _released_from_branches(tmp_path / "f", files)
    commit(root, files("0.3b0.dev", now=True))
    return root


def test_an_exact_pin_on_another_repositorys_project_that_moved_at_each_release_moves(
    tmp_path: Path,
) -> None:
    """The history pinned ``acme-conventions`` at the package's version at v0.1b0, v0.2b0
    and v0.3b0: the bump moves the pin with the version and says why; a pin that said the
    version only now (``acme-extra``) and a pin on another version stay."""
    root = _family(tmp_path, kept="acme-extra")
    said = run_relnox("bump", "--to", "0.4b0.dev", "--dry-run", cwd=root, check=True)
    (line,) = [
        line
        for line in (said.stdout + said.stderr).splitlines()
        if "pinned acme-conventions" in line
    ]
    assert "v0.1b0, v0.2b0, v0.3b0" in line and 'unreleased-versions = "keep"' in line
    run_relnox("bump", "--to", "0.4b0.dev", cwd=root, check=True)
    text = (root / "pyproject.toml").read_text(encoding="utf-8")
    assert '"acme-conventions == 0.4b0.dev"' in text and 'version = "0.4b0.dev"' in text
    assert '"acme-extra == 0.3b0.dev"' in text and '"requests == 2.31.0"' in text


def test_unreleased_versions_keep_leaves_an_outside_pin(tmp_path: Path) -> None:
    root = _family(tmp_path)
    (root / "pyproject.toml").write_text(
        (root / "pyproject.toml").read_text() + '\n[tool.relnox]\nunreleased-versions = "keep"\n'
    )
    commit(root, {}, message="keep")
    run_relnox("bump", "--to", "0.4b0.dev", cwd=root, check=True)
    assert '"acme-conventions == 0.3b0.dev"' in (root / "pyproject.toml").read_text()


def test_a_file_the_history_moved_at_each_release_of_a_tag_versioned_package_moves(
    tmp_path: Path,
) -> None:
    """A package versioned by its git tags (hatch-vcs) whose docs show the release in a
    pre-commit example (``rev: 26.3.1``) and a version output: the release commit before each
    of the last three tags moved both, so the bump's release commit moves them before its
    tag; "no file of it is edited" was said and the docs stayed at the last release."""
    pyproject = project("acme", None, backend="hatch-vcs", extra=HATCH.format("acme"))
    pyproject += '\n[tool.hatch.version]\nsource = "vcs"\n'

    def docs(version: str) -> dict[str, str]:
        return {
            "docs/integrations.md": f"```yaml\n- repo: acme\n  rev: {version}\n```\n",
            "docs/usage.md": f"$ acme --version\nacme, {version}\n$ acme --need {version}\n",
        }

    files = {"pyproject.toml": pyproject, "src/acme/__init__.py": "", **docs("26.1.0")}
    root = repo(tmp_path / "r", files, tags=["26.1.0"])
    for version in ("26.3.0", "26.3.1", "26.5.0"):
        # a guide added at 26.3.1 saying it and moved at 26.5.0: a copy too
        guide = {"docs/guide.md": f"  rev: {version}\n"} if version != "26.3.0" else {}
        if version == "26.5.0":
            # one made after 26.3.1 saying it and moved at 26.5.0 too; a page made at 26.5.0
            # saying it only is the release's own page, not a copy
            commit(root, {"docs/notebooks.md": "  rev: 26.3.1\n"}, message="Add a guide")
            guide |= {"docs/notebooks.md": f"  rev: {version}\n", "docs/new.md": "# 26.5.0\n"}
        commit(root, {**docs(version), **guide}, version, message=f"Prepare release {version}")
    done = run_relnox("bump", "--to", "26.5.1", "--dry-run", "--json", cwd=root, check=True)
    moved = {"docs/integrations.md", "docs/usage.md", "docs/guide.md", "docs/notebooks.md"}
    assert moved <= set(json.loads(done.stdout)["files"])
    assert "docs/new.md" not in json.loads(done.stdout)["files"]
    run_relnox("bump", "--to", "26.5.1", cwd=root, check=True)
    assert (root / "docs/integrations.md").read_text() == docs("26.5.1")["docs/integrations.md"]
    assert (root / "docs/usage.md").read_text() == docs("26.5.1")["docs/usage.md"]
    assert (root / "docs/guide.md").read_text() == "  rev: 26.5.1\n"
    assert git(root, "describe", "--tags", "--exact-match") == "26.5.1"


def _dynamic_poetry(version: str) -> dict[str, str]:
    """A poetry-dynamic-versioning project (its version from tags) saying ``version`` in
    ``[tool.poetry]``."""
    pyproject = (
        f'[tool.poetry]\nname = "acme"\nversion = "{version}"\ndescription = ""\n'
        "authors = []\n\n[tool.poetry-dynamic-versioning]\nenable = true\n\n"
        '[build-system]\nrequires = ["poetry-core", "poetry-dynamic-versioning"]\n'
        'build-backend = "poetry_dynamic_versioning.backend"\n'
    )
    return {"pyproject.toml": pyproject, "acme/__init__.py": ""}


@pytest.mark.parametrize("moved", [True, False])
def test_the_poetry_version_of_a_tag_versioned_package_moved_at_each_release_moves(
    tmp_path: Path, moved: bool
) -> None:
    """A package whose build takes its version from tags (poetry-dynamic-versioning) whose
    maintainers moved its ``[tool.poetry] version`` to each tagged version: a copy the bump
    moves, with its note (it was left: its own pyproject.toml counted as written already);
    one the history left at its placeholder ``0.0.0`` stays."""
    said = (lambda version: version) if moved else (lambda _version: "0.0.0")
    root = repo(tmp_path / "r", _dynamic_poetry(said("1.0.0")), tags=["v1.0.0"])
    for version in ("1.1.0", "1.1.1"):
        commit(root, _dynamic_poetry(said(version)), f"v{version}", message=f"Release {version}")
    commit(root, {"README.md": "acme\n"}, message="work")
    done = run_relnox("bump", "--part", "patch", "--dry-run", "--json", cwd=root, check=True)
    assert json.loads(done.stdout)["version"] == "1.1.2"
    assert json.loads(done.stdout)["files"] == (["pyproject.toml"] if moved else [])
    if moved:
        plain = run_relnox("bump", "--part", "patch", "--dry-run", cwd=root, check=True)
        assert "pyproject.toml moved from each release to the next" in plain.stdout + plain.stderr
        assert 'unreleased-versions = "keep"' in plain.stdout + plain.stderr


def test_a_moved_floor_whose_cap_the_release_reaches_keeps_a_range_that_admits_it(
    tmp_path: Path,
) -> None:
    """A requirement on a project of another repository released in step, its floor moved
    to each release and capped at the next minor (``engine>=1.0.1,<1.1.0``): a minor
    release moves the cap too (``>=1.1.0,<1.2.0``), never ``>=1.1.0,<1.1.0``."""

    def files(version: str) -> dict[str, str]:
        return {
            "pyproject.toml": project("acme", version),
            "src/acme/__init__.py": "",
            "requirements/runtime.txt": f"acme-engine>={version},<1.1.0\nother>=2\n",
        }

    root = repo(tmp_path / "c", files("1.0.0"), tags=["v1.0.0"])
    commit(root, files("1.0.1"), "v1.0.1", message="Release 1.0.1")
    commit(root, files("1.0.2"), "v1.0.2", message="Release 1.0.2")
    run_relnox("bump", "--part", "minor", "--allow-dirty", cwd=root, check=True)
    said = (root / "requirements/runtime.txt").read_text(encoding="utf-8")
    assert said == "acme-engine>=1.1.0,<1.2.0\nother>=2\n"


def test_a_file_moved_at_each_release_candidate_moves_with_the_next_one(tmp_path: Path) -> None:
    """A package released as 2.0.0, then as candidates of 2.1.0 (rc1, rc2, rc3), each of
    which moved a workflow's version line: the next candidate, and the final release,
    move it too (its last releases are its candidates, not its finals before them)."""

    def files(version: str) -> dict[str, str]:
        return {
            "pyproject.toml": project("acme", version),
            "src/acme/__init__.py": "",
            ".github/workflows/release.yml": f"env:\n  release_version: '{version}'\n",
        }

    root = repo(tmp_path / "rc", files("2.0.0"), tags=["v2.0.0"])
    for n in (1, 2, 3):
        commit(root, files(f"2.1.0rc{n}"), f"v2.1.0rc{n}", message=f"Release 2.1.0rc{n}")
    for ask in (["--pre", "rc"], ["--to", "2.1.0"]):
        done = run_relnox("bump", *ask, "--dry-run", "--json", cwd=root, check=True)
        assert ".github/workflows/release.yml" in json.loads(done.stdout)["files"]


def test_a_line_moved_from_a_candidate_to_its_final_release_is_seen_beside_the_final(
    tmp_path: Path,
) -> None:
    """A workflow saying both the release it makes and the final one it leads to
    (``release_version: '1.1.0rc1'`` beside ``final_release_version: '1.1.0'``): the move
    from 1.1.0rc1 to 1.1.0 leaves as many "1.1.0" in the file, and is a move all the same."""

    def files(version: str, final: str) -> dict[str, str]:
        return {
            "pyproject.toml": project("acme", version),
            "src/acme/__init__.py": "",
            ".github/workflows/release.yml": (
                f"env:\n  release_version: '{version}'\n  final_release_version: '{final}'\n"
            ),
        }

    root = repo(tmp_path / "rf", files("1.1.0rc1", "1.1.0"), tags=["v1.1.0rc1"])
    commit(root, files("1.1.0", "1.1.0"), "v1.1.0", message="Release 1.1.0")
    commit(root, files("1.2.0rc1", "1.2.0"), "v1.2.0rc1", message="Release 1.2.0rc1")
    done = run_relnox("bump", "--pre", "rc", "--dry-run", "--json", cwd=root, check=True)
    assert ".github/workflows/release.yml" in json.loads(done.stdout)["files"]


def test_a_patch_released_from_a_backport_branch_leaves_the_copies_of_main_s_line(
    tmp_path: Path,
) -> None:
    """v1.0.0 .. v1.2.0 released on main, each moving a manifest's version line; v1.2.1
    released from a backport branch that main does not hold: on main the last releases
    are main's (the backport's line says nothing of main's copies), so the manifest moves."""

    def files(version: str) -> dict[str, str]:
        return {
            "pyproject.toml": project("acme", version),
            "src/acme/__init__.py": "",
            "conda/meta.yaml": f"package:\n  version: '{version}'\n",
        }

    root = repo(tmp_path / "bp", files("1.0.0"), tags=["v1.0.0"])
    commit(root, files("1.1.0"), "v1.1.0", message="Release 1.1.0")
    commit(root, files("1.2.0"), "v1.2.0", message="Release 1.2.0")
    git(root, "checkout", "-q", "-b", "backport-1.2.1")
    commit(root, files("1.2.1"), "v1.2.1", message="Release 1.2.1")
    git(root, "checkout", "-q", "main")
    done = run_relnox("bump", "--part", "minor", "--dry-run", "--json", cwd=root, check=True)
    assert "conda/meta.yaml" in json.loads(done.stdout)["files"]


def test_a_capped_floor_on_another_repositorys_project_moved_at_each_release_moves(
    tmp_path: Path,
) -> None:
    """The dependencies of a tag-versioned package require a project of another repository
    released with it, floored at each release and capped at the next patch
    (``acme-engine >= 1.0.2,<1.0.3`` at v1.0.2): the bump moves the floor and the cap."""

    def files(version: str, cap: str) -> dict[str, str]:
        pin = f"acme-engine >= {version},<{cap}"
        return {
            "pyproject.toml": project("acme", None, backend="hatch-vcs", requires=[pin])
            + '\n[tool.hatch.version]\nsource = "vcs"\n',
            "src/acme/__init__.py": "",
        }

    root = repo(tmp_path / "cp", files("1.0.0", "1.0.1"), tags=["v1.0.0"])
    commit(root, files("1.0.1", "1.0.2"), "v1.0.1", message="Release 1.0.1")
    commit(root, files("1.0.2", "1.0.3"), "v1.0.2", message="Release 1.0.2")
    done = run_relnox("bump", "--part", "patch", "--dry-run", cwd=root, check=True)
    assert '+dependencies = ["acme-engine >= 1.0.3,<1.0.4"]' in done.stdout.splitlines()


def test_a_candidate_no_tag_released_yet_moves_the_copies_of_its_final_release(
    tmp_path: Path,
) -> None:
    """v1.0.0 .. v1.2.0 each moved a workflow's version line; the files then went to
    1.3.0rc1, which no tag released yet: the final 1.3.0 moves the workflow too."""

    def files(version: str) -> dict[str, str]:
        return {
            "pyproject.toml": project("acme", version),
            "src/acme/__init__.py": "",
            ".github/workflows/release.yml": f"env:\n  release_version: '{version}'\n",
        }

    root = repo(tmp_path / "un", files("1.0.0"), tags=["v1.0.0"])
    commit(root, files("1.1.0"), "v1.1.0", message="Release 1.1.0")
    commit(root, files("1.2.0"), "v1.2.0", message="Release 1.2.0")
    commit(root, files("1.3.0rc1"), message="Release 1.3.0rc1")
    done = run_relnox("bump", "--to", "1.3.0", "--dry-run", "--json", cwd=root, check=True)
    assert ".github/workflows/release.yml" in json.loads(done.stdout)["files"]
    # or to 1.2.0.99, a development marker spelled as a fourth number: the same
    commit(root, files("1.2.0.99"), message="Start 1.3.0")
    done = run_relnox("bump", "--part", "minor", "--dry-run", "--json", cwd=root, check=True)
    assert ".github/workflows/release.yml" in json.loads(done.stdout)["files"]


def test_the_note_on_several_moved_files_speaks_of_them(tmp_path: Path) -> None:
    def files(version: str) -> dict[str, str]:
        return {
            "pyproject.toml": project("acme", version),
            "src/acme/__init__.py": "",
            "setup.cfg": f"[metadata]\nrequires_dist =\n    acme-engine>={version}\n",
            "conda/meta.yaml": f"package:\n  version: '{version}'\n",
        }

    root = repo(tmp_path / "two", files("1.0.0"), tags=["v1.0.0"])
    commit(root, files("1.1.0"), "v1.1.0", message="Release 1.1.0")
    commit(root, files("1.2.0"), "v1.2.0", message="Release 1.2.0")
    said = run_relnox("bump", "--part", "patch", "--dry-run", cwd=root, check=True)
    assert "conda/meta.yaml, setup.cfg moved from each release to the next" in said.stdout
    assert "so a bump moves them too" in said.stdout and "leaves them" in said.stdout


def test_a_line_moved_at_each_release_is_a_copy_whatever_its_indentation(
    tmp_path: Path,
) -> None:
    """A native module's ``m.add("__version_ex__", "1.0.0")?;`` moved with each release;
    between two releases a refactoring indented it deeper: still the same copy, moved."""
    rust = 'fn init(m) {{\n{}m.add("__version_ex__", "{}")?;\n}}\n'
    root = repo(
        tmp_path / "r",
        {"pyproject.toml": project("acme", "1.0.0"), "src/lib.rs": rust.format("    ", "1.0.0")},
        tags=["v1.0.0"],
    )
    for version, indent in (("1.1.0", "        "), ("1.2.0", "        ")):
        files = {
            "pyproject.toml": project("acme", version),
            "src/lib.rs": rust.format(indent, version),
        }
        commit(root, files, f"v{version}")
    done = run_relnox("bump", "--part", "patch", "--dry-run", cwd=root, check=True).stdout
    assert '+        m.add("__version_ex__", "1.2.1")?;' in done


def _dev_after_release(tmp_path: Path, marker: str = "", tag: str = "1.{}.0") -> Path:
    """Releases 1.0.0 .. 1.2.0 (tagged ``tag``), each pinning ``acme-binary`` (built from the
    same sources by another name) at the release, the files then moved on to the next
    ``.dev1`` with the pin; at ``1.2.1.dev1``."""

    def files(version: str) -> dict[str, str]:
        pins = [f"acme-binary == {version}{marker}", "requests == 2.31.0"]
        return {"pyproject.toml": project("acme", version, requires=pins), "src/acme/a.py": ""}

    root = repo(tmp_path / "r", files("1.0.0"), tags=[tag.format(0)])
    for minor in (1, 2):
        commit(root, files(f"1.{minor}.0.dev1"))
        commit(root, files(f"1.{minor}.0"), tag.format(minor))
    commit(root, files("1.2.1.dev1"))
    return root


def test_an_outside_pin_moves_from_the_next_releases_dev_version(tmp_path: Path) -> None:
    """At ``1.2.1.dev1`` the bump moves the pin too, as each release did."""
    root = _dev_after_release(tmp_path)
    run_relnox("bump", "--part", "patch", cwd=root, check=True)
    text = (root / "pyproject.toml").read_text(encoding="utf-8")
    assert '"acme-binary == 1.2.1"' in text and '"requests == 2.31.0"' in text


def test_an_outside_pin_with_a_marker_moves(tmp_path: Path) -> None:
    """The pin is for one implementation (``; implementation_name != 'pypy'``): it moves,
    its marker kept."""
    root = _dev_after_release(tmp_path, "; implementation_name != 'pypy'")
    run_relnox("bump", "--part", "patch", cwd=root, check=True)
    text = (root / "pyproject.toml").read_text(encoding="utf-8")
    assert "\"acme-binary == 1.2.1; implementation_name != 'pypy'\"" in text


def test_an_outside_pin_moves_where_the_tags_spell_the_releases_short(tmp_path: Path) -> None:
    """Tags ``1.0`` to ``1.2`` name 1.0.0 to 1.2.0, which the pin said: a pin's version and a
    tag's compare as versions, so the bump moves the pin."""
    root = _dev_after_release(tmp_path, tag="1.{}")
    run_relnox("bump", "--part", "patch", cwd=root, check=True)
    assert '"acme-binary == 1.2.1"' in (root / "pyproject.toml").read_text(encoding="utf-8")


def test_a_moved_line_is_the_one_spelled_as_the_release_not_an_earlier_match(
    tmp_path: Path,
) -> None:
    """A front-end manifest saying the release twice under one key: first as npm spells it
    (``"version": "1.1.0-alpha.1"``), then as Python does (``"version": "1.1.0a1"``). The line
    the history moved is the second; the bump writes it, and leaves the npm one as it was."""

    def files(version: str, npm: str) -> dict[str, str]:
        manifest = f'{{\n  "version": "{npm}",\n  "py": {{\n    "version": "{version}"\n  }}\n}}\n'
        return {
            "pyproject.toml": project("acme", version),
            "src/acme/__init__.py": "",
            "app/package.json": manifest,
        }

    root = repo(tmp_path / "js", files("1.0.0", "1.0.0"), tags=["v1.0.0"])
    for n in (0, 1):
        commit(root, files(f"1.1.0a{n}", f"1.1.0-alpha.{n}"), f"v1.1.0a{n}", message="Release")
    run_relnox("bump", "--pre", "alpha", cwd=root, check=True)
    assert (root / "app/package.json").read_text() == files("1.1.0a2", "1.1.0-alpha.1")[
        "app/package.json"
    ]


def test_a_line_a_final_release_spells_alike_twice_still_moves_with_a_pre_release(
    tmp_path: Path,
) -> None:
    """The manifest above after 0.9.0 and 1.0.0 (both lines say the final alike, so every
    line saying it moved) then 1.1.0a0 (only the Python-spelled one says it): the releases
    agree on that line, and the next alpha moves it."""

    def files(version: str, npm: str) -> dict[str, str]:
        manifest = f'{{\n  "version": "{npm}",\n  "py": {{\n    "version": "{version}"\n  }}\n}}\n'
        return {"pyproject.toml": project("acme", version), "app/package.json": manifest}

    root = repo(tmp_path / "js", files("0.9.0", "0.9.0"), tags=["v0.9.0"])
    commit(root, files("1.0.0", "1.0.0"), "v1.0.0", message="Release")
    commit(root, files("1.1.0a0", "1.1.0-alpha.0"), "v1.1.0a0", message="Release")
    run_relnox("bump", "--pre", "alpha", cwd=root, check=True)
    assert (root / "app/package.json").read_text() == files("1.1.0a1", "1.1.0-alpha.0")[
        "app/package.json"
    ]


def test_a_generated_man_page_whose_version_and_day_moved_at_each_release_moves_both(
    tmp_path: Path,
) -> None:
    """A man page's title line says the release's day and version (``.TH ACME "1"
    "2021\\-03\\-01" "acme 1.1.0"``), both moved at each release (two of them made the same
    day): a bump moves the version and writes the day it runs, spelled alike."""
    days = {"1.0.0": "2021\\-01\\-04", "1.1.0": "2021\\-03\\-01", "1.2.0": "2021\\-03\\-01"}

    def files(version: str) -> dict[str, str]:
        page = f'.TH ACME "1" "{days[version]}" "acme {version}" "Acme"\n.SH NAME\nacme\n'
        return {"pyproject.toml": project("acme", version), "docs/acme.1": page}

    root = repo(tmp_path / "man", files("1.0.0"), tags=["v1.0.0"])
    commit(root, files("1.1.0"), "v1.1.0", message="Release 1.1.0")
    commit(root, files("1.2.0"), "v1.2.0", message="Release 1.2.0")
    run_relnox("bump", "--part", "patch", "--allow-dirty", cwd=root, check=True)
    title = (root / "docs/acme.1").read_text(encoding="utf-8").splitlines()[0]
    assert re.fullmatch(r'\.TH ACME "1" "\d{4}\\-\d{2}\\-\d{2}" "acme 1\.2\.1" "Acme"', title)
    assert days["1.2.0"] not in title


def test_the_files_a_bump_asks_git_about_are_named_in_one_order_at_every_run(
    tmp_path: Path,
) -> None:
    """Files a release made, each saying its version on two lines: which of them still say
    the last release is one ``git grep`` over them, and its ``-v`` line names them in the
    same order whatever the interpreter's hash seed (a set's order once decided it); so
    does the one ``git log`` asking how those saying it on one line were made."""
    root = repo(tmp_path / "r", {"pyproject.toml": project("acme", "0.9.0")}, tags=["v0.9.0"])
    for version in ("1.0.0", "1.1.0", "1.2.0"):
        notes = {f"notes/{version}/{n}.txt": f"x {version}\ny {version}\n" for n in "abcdefgh"}
        notes |= {f"notes/{version}/{n}.md": f"z {version}\n" for n in "abcdefgh"}
        commit(root, {"pyproject.toml": project("acme", version), **notes}, f"v{version}")
    greps: set[tuple[str, ...]] = set()
    for seed in "1234":
        env = {**os.environ, "PYTHONHASHSEED": seed}
        done = run_relnox("bump", "--part", "patch", "--dry-run", "-v", cwd=root, env=env)
        asked = (" grep -l -F ", " log --reverse ")  # not the docs switcher's grep
        greps.add(tuple(line for line in done.stderr.splitlines() if any(a in line for a in asked)))
    assert len(greps) == 1 and len(next(iter(greps))) == 3, greps


def test_the_shared_changelog_of_members_is_the_changelog_rules_not_a_moved_copy(
    tmp_path: Path,
) -> None:
    """A workspace's members share the root's CHANGELOG.md, whose ``[Unreleased]`` link a
    commit of its own moved to each release before its tag (v1.0.0 .. v1.2.0), not the
    release commit: the changelog rule leaves it, and the bump does not move it as a copy
    of the version (it did, against the rule's own note)."""

    def log(version: str) -> str:
        return f"# Changelog\n\n## [Unreleased](https://example.invalid/compare/{version}...HEAD)\n"

    root = repo(
        tmp_path / "r",
        {
            "pyproject.toml": '[tool.uv.workspace]\nmembers = ["packages/*"]\n',
            "packages/core/pyproject.toml": project("acme-core", "1.0.0"),
            "packages/core/src/acme_core/__init__.py": "",
        },
    )
    for version in ("1.0.0", "1.1.0", "1.2.0"):
        commit(root, {"packages/core/pyproject.toml": project("acme-core", version)})
        commit(root, {"CHANGELOG.md": log(version)}, f"v{version}", message="changelog")
    done = run_relnox("bump", "--part", "minor", "--dry-run", cwd=root, check=True)
    assert "CHANGELOG.md is left as it is" in done.stdout + done.stderr
    assert "CHANGELOG.md moved" not in done.stdout + done.stderr
    plan = run_relnox("bump", "--part", "minor", "--dry-run", "--json", cwd=root, check=True)
    assert json.loads(plan.stdout)["files"] == ["packages/core/pyproject.toml"]


def test_each_changelog_is_read_once_for_the_copies_of_every_package(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Three members, each with a file its releases moved: every package's copies are
    judged against the workspace's changelogs, read once (a bump of a real 73-package
    workspace read them once per package, 5,256 times, 2.9 s -> 17 s)."""
    from relnox.project import changelog_file, moved_with
    from relnox.project.moved_with import copies_moved
    from relnox.project.workspace import Package, Workspace

    names = ("a", "b", "c")
    files = {"pyproject.toml": '[tool.uv.workspace]\nmembers = ["packages/*"]\n'}
    root = repo(tmp_path / "r", files)
    for minor in range(3):
        for major, n in enumerate(names, 1):  # its own line: only its own file says it
            version = f"{major}.{minor}.0"
            commit(
                root,
                {
                    f"packages/{n}/pyproject.toml": project(f"acme-{n}", version),
                    f"packages/{n}/src/acme_{n}/__init__.py": "",
                    f"packages/{n}/VERSION.txt": f"release {version}\n",
                },
                f"acme-{n}-v{version}",
            )
    calls: list[str] = []
    real = changelog_file.changelog_of

    def counted(ws: Workspace, pkg: Package) -> Path:
        calls.append(pkg.name)
        return real(ws, pkg)

    monkeypatch.setattr(changelog_file, "changelog_of", counted)
    monkeypatch.setattr(moved_with, "changelog_of", counted, raising=False)  # bound by name
    workspace = discover(root)
    moved = {
        p.name: [str(c.path) for c in copies_moved(workspace, p)[0]] for p in workspace.packages
    }
    assert moved == {f"acme-{n}": [str(root / f"packages/{n}/VERSION.txt")] for n in names}
    assert sorted(calls) == [f"acme-{n}" for n in names], calls


def test_a_file_that_said_only_releases_stays_at_a_bump_to_a_development_version(
    tmp_path: Path,
) -> None:
    """The shape: after each release the version goes to the next one's ``.dev0``, and a
    generated help text names the release (``Client/1.1.0``) only when it is made; between
    releases it said the last one. A bump to the next ``.dev0`` leaves it, a release moves it."""

    def files(version: str, shown: str) -> dict[str, str]:
        return {
            "pyproject.toml": project("acme", version),
            "src/acme/__init__.py": "",
            "docs/help.txt": f"usage: acme\n  --agent  (default: Client/{shown})\n",
        }

    root = repo(tmp_path / "r", files("1.0.0", "1.0.0"), tags=["v1.0.0"])
    for minor in (1, 2):
        commit(root, files(f"1.{minor}.0.dev0", f"1.{minor - 1}.0"), message="Start")
        commit(root, files(f"1.{minor}.0", f"1.{minor}.0"), f"v1.{minor}.0", message="Release")
    done = run_relnox("bump", "--to", "1.3.0.dev0", "--dry-run", "--json", cwd=root, check=True)
    assert json.loads(done.stdout)["files"] == ["pyproject.toml"]
    said = run_relnox("bump", "--to", "1.3.0.dev0", "--dry-run", cwd=root, check=True).stdout
    kept = "docs/help.txt said only releases between v1.0.0 and v1.2.0, while the version said"
    assert f"{kept} 1.2.0.dev0, so a bump to a development version leaves it" in said, said
    done = run_relnox("bump", "--part", "minor", "--dry-run", "--json", cwd=root, check=True)
    assert "docs/help.txt" in json.loads(done.stdout)["files"]


def test_a_crate_moved_with_a_maturin_package_is_found_in_cargo_s_spelling(
    tmp_path: Path,
) -> None:
    """A maturin package in a subfolder reads its version from its Cargo.toml; the Rust
    crate beside it said each release with it, and both say ``0.4.0-dev.0`` now (Cargo's
    spelling of 0.4.0.dev0): the crate is a copy, written in Cargo's spelling."""

    def files(version: str) -> dict[str, str]:
        crate = '[package]\nname = "{0}"\nversion = "' + version + '"\nedition = "2021"\n'
        return {
            "core/Cargo.toml": crate.format("acme-core"),
            "core/src/lib.rs": "",
            "bindings/python/pyproject.toml": project("acme", None, backend="maturin"),
            "bindings/python/Cargo.toml": crate.format("acme-python"),
            "bindings/python/src/lib.rs": "",
        }

    root = repo(tmp_path / "rs", files("0.1.0"), tags=["v0.1.0"])
    for n in (2, 3):
        commit(root, files(f"0.{n}.0"), f"v0.{n}.0", message=f"Release 0.{n}.0")
    commit(root, files("0.4.0-dev.0"), message="Start 0.4.0")
    run_relnox("bump", "--part", "minor", "--allow-dirty", cwd=root, check=True)
    assert (root / "core/Cargo.toml").read_text() == files("0.4.0")["core/Cargo.toml"]
    git(root, "tag", "v0.4.0")
    run_relnox("bump", "--to", "0.5.0.dev0", "--allow-dirty", cwd=root, check=True)
    assert (root / "core/Cargo.toml").read_text() == files("0.5.0-dev.0")["core/Cargo.toml"]


def test_a_post_release_that_left_a_copy_at_its_version_does_not_break_the_copy_s_history(
    tmp_path: Path,
) -> None:
    """A page moved at v1.0.0 -> v1.1.0 -> v1.2.0, left at 1.1.0 by the post-release between
    (the same version released again): it moves with the next release."""

    def files(version: str, said: str) -> dict[str, str]:
        return {
            "pyproject.toml": project("acme", version),
            "src/acme/__init__.py": "",
            "docs/index.md": f"# Acme\n\nThe current release is {said} (stable)\n",
        }

    root = repo(tmp_path / "p", files("1.0.0", "1.0.0"), tags=["v1.0.0"])
    commit(root, files("1.1.0", "1.1.0"), "v1.1.0", message="Release 1.1.0")
    commit(root, files("1.1.0.post1", "1.1.0"), "v1.1.0.post1", message="Release 1.1.0.post1")
    commit(root, files("1.2.0", "1.2.0"), "v1.2.0", message="Release 1.2.0")
    done = run_relnox("bump", "--part", "patch", "--dry-run", "--json", cwd=root, check=True)
    assert json.loads(done.stdout)["versions"] == {"acme": "1.2.1"}
    assert "docs/index.md" in json.loads(done.stdout)["files"]


def _four_releases(tmp_path: Path, readme: list[str], short: bool = True) -> Path:
    """``acme`` 4.1.0 to 4.4.0 tagged ``4.1`` to ``4.4`` (X.Y for X.Y.0; else ``v4.1.0``), its
    README's install line saying ``readme``'s version at each."""

    def files(version: str, said: str) -> dict[str, str]:
        return {
            "pyproject.toml": project("acme", version),
            "src/acme/__init__.py": "",
            "README.md": f"# Acme\n\nInstall it:\n\n    pip install acme=={said}\n",
        }

    tag = "4.{}" if short else "v4.{}.0"
    root = repo(tmp_path / "four", files("4.1.0", readme[0]), tags=[tag.format(1)])
    for minor, said in enumerate(readme[1:], start=2):
        commit(root, files(f"4.{minor}.0", said), tag.format(minor), message=f"Release 4.{minor}.0")
    return root


def test_a_copy_of_the_release_tagged_short_moves_with_the_bump(tmp_path: Path) -> None:
    """Tags ``4.3`` and ``4.4`` name 4.3.0 and 4.4.0, which the README says: the line moved
    from each release to the next (one version, however it is spelled), so a bump moves it."""
    root = _four_releases(tmp_path, ["4.1.0", "4.2.0", "4.3.0", "4.4.0"])
    done = run_relnox("bump", "--part", "minor", "--dry-run", "--json", cwd=root, check=True)
    plan = json.loads(done.stdout)
    assert (plan["versions"], sorted(plan["files"])) == (
        {"acme": "4.5.0"},
        ["README.md", "pyproject.toml"],
    )


def test_a_copy_that_lagged_and_was_moved_to_the_release_moved_with_it(tmp_path: Path) -> None:
    """The README forgotten at 4.2 (still 4.1.0) and moved from 4.1.0 to 4.3.0 at the next
    release: moved with that release all the same, so it moves with the bump."""
    root = _four_releases(tmp_path, ["4.1.0", "4.1.0", "4.3.0", "4.4.0"], short=False)
    done = run_relnox("bump", "--part", "minor", "--dry-run", "--json", cwd=root, check=True)
    assert "README.md" in json.loads(done.stdout)["files"]


def test_a_line_left_at_an_old_release_and_moved_once_to_the_last_stays(tmp_path: Path) -> None:
    """A README's line left at 4.1.0 by 4.2 and 4.3 and moved to 4.4.0 at the last release (a
    version retargeted when its file changes, as LaTeX packages' are): one move is no sign
    that it moves with every release, so the bump leaves it."""
    root = _four_releases(tmp_path, ["4.1.0", "4.1.0", "4.1.0", "4.4.0"], short=False)
    done = run_relnox("bump", "--part", "minor", "--dry-run", "--json", cwd=root, check=True)
    assert sorted(json.loads(done.stdout)["files"]) == ["pyproject.toml"]


def test_a_copy_rewritten_at_a_release_and_moved_at_the_next_moves_with_it(
    tmp_path: Path,
) -> None:
    """A man page's title said an old release until 4.3 rewrote it (another text before the
    version, the release's day) and 4.4 moved it from 4.3.0: a line written at 4.3 saying it
    and moved at the next, as a file made there, so the bump moves it (it needed a move at
    each of the last two releases, and was left); a page saying 4.1.0 since stays."""

    def files(version: str, page: str) -> dict[str, str]:
        return {
            "pyproject.toml": project("acme", version),
            "src/acme/__init__.py": "",
            "docs/acme.1": page + ".SH NAME\nacme\n",
            "docs/old.md": "Added in acme 4.1.0\n",
        }

    old = '.TH ACME "1" "2024-01-02" "acme 4.1.0" "Acme"\n'
    root = repo(tmp_path / "man", files("4.1.0", old), tags=["v4.1.0"])
    commit(root, files("4.2.0", old), "v4.2.0", message="Release 4.2.0")
    page = '.TH ACME "1" "2024-0{}-01" "acme \\- a tool {}" "Acme"\n'
    commit(root, files("4.3.0", page.format(3, "4.3.0")), "v4.3.0", message="Release 4.3.0")
    commit(root, files("4.4.0", page.format(4, "4.4.0")), "v4.4.0", message="Release 4.4.0")
    done = run_relnox("bump", "--part", "minor", "--dry-run", "--json", cwd=root, check=True)
    assert sorted(json.loads(done.stdout)["files"]) == ["docs/acme.1", "pyproject.toml"]


def test_a_copy_made_after_a_release_tagged_short_moves_with_the_bump(tmp_path: Path) -> None:
    """A page made after the release tagged ``4.3``, saying 4.3.0, and moved to 4.4.0 at the
    next: made saying that release (a tag's version and a line's compare as versions), so
    it moves with the bump."""
    root = _four_releases(tmp_path, ["4.1.0", "4.2.0", "4.3.0", "4.3.0"])
    git(root, "tag", "-d", "4.4")
    git(root, "reset", "-q", "--hard", "HEAD~1")
    commit(root, {"docs/install.md": "Install acme 4.3.0 with pip\n"}, message="Install page")
    readme = "# Acme\n\nInstall it:\n\n    pip install acme==4.4.0\n"
    files = {"pyproject.toml": project("acme", "4.4.0"), "README.md": readme}
    commit(root, {**files, "docs/install.md": "Install acme 4.4.0 with pip\n"}, "4.4")
    done = run_relnox("bump", "--part", "minor", "--dry-run", "--json", cwd=root, check=True)
    assert "docs/install.md" in json.loads(done.stdout)["files"]


def test_a_badge_and_a_compare_link_that_moved_at_each_release_move_to_the_version_s_end(
    tmp_path: Path,
) -> None:
    """A README's badge (``/v1.2.0.svg``) and compare link (``v1.2.0...main``) moved from
    each release to the next: the version ends before ``.svg`` and ``...``, so the bump moves
    both; "1.2.0.svg" was read as the version and the README was left."""

    def files(version: str) -> dict[str, str]:
        readme = (
            f"![since](https://img.shields.io/github/commits-since/acme/acme/v{version}.svg)\n"
            f"[changes](https://github.com/acme/acme/compare/v{version}...main)\n"
        )
        return {"pyproject.toml": project("acme", version), "README.md": readme}

    root = repo(tmp_path / "r", files("1.0.0"), tags=["v1.0.0"])
    for version in ("1.1.0", "1.2.0"):
        commit(root, files(version), f"v{version}", message=f"Release {version}")
    run_relnox("bump", "--part", "patch", "--allow-dirty", cwd=root, check=True)
    assert (root / "README.md").read_text() == files("1.2.1")["README.md"]


def test_a_floor_on_another_repositorys_project_raised_at_each_release_moves(
    tmp_path: Path,
) -> None:
    """A server released in step with its client from another repository: each release
    raised the floor on the client to its own version, in the dependencies and again in an
    extra (``"acme-client>=1.2.0"``). relnox moved exact pins and capped floors so, not a floor
    alone, and the release left both floors behind. Both move; a floor on another project at
    another version stays."""

    def files(version: str) -> dict[str, str]:
        floor = f"acme-client>={version}"
        extra = f'\n[project.optional-dependencies]\nui = ["{floor}", "pandas>=2.0.0"]\n'
        text = project("acme", version, requires=[floor, "requests>=2.31.0"])
        text = text.replace("\n\n[build-system]", f"{extra}\n[build-system]")
        return {"pyproject.toml": text, "src/acme/a.py": ""}

    root = repo(tmp_path / "r", files("1.0.0"), tags=["v1.0.0"])
    for minor in (1, 2):
        commit(root, files(f"1.{minor}.0"), f"v1.{minor}.0")
    run_relnox("bump", "--part", "patch", cwd=root, check=True)
    assert (root / "pyproject.toml").read_text(encoding="utf-8") == files("1.2.1")["pyproject.toml"]


def test_a_copy_the_releases_left_at_their_development_version_moves_with_the_bump(
    tmp_path: Path,
) -> None:
    """A test module asserting the version said 4.1.0.dev at the tag of 4.1.0 (no number after
    ``.dev``) and 4.3.0.dev at 4.3.0's, releases that left it at their development version,
    and moved on at the next: not taken for a copy before ("4.1.0.dev" was read as 4.1.0 and
    a trailing ``.dev``, "4.3.0.dev" as no version of 4.3.0), so the bump left it behind; now
    it moves."""

    def files(version: str, said: str) -> dict[str, str]:
        return {
            "pyproject.toml": project("acme", version),
            "src/acme/__init__.py": "",
            "src/acme/version_test.py": f'def test_version():\n    assert __version__ == "{said}"\n',
        }

    root = repo(tmp_path / "lag", files("4.1.0", "4.1.0.dev"), tags=["v4.1.0"])
    commit(root, files("4.2.0", "4.2.0"), "v4.2.0", message="Release 4.2.0")
    commit(root, files("4.3.0", "4.3.0.dev"), "v4.3.0", message="Release 4.3.0")
    commit(root, files("4.4.0.dev0", "4.4.0.dev0"), message="Start 4.4.0")
    done = run_relnox("bump", "--to", "4.4.0", "--dry-run", "--json", cwd=root, check=True)
    assert sorted(json.loads(done.stdout)["files"]) == [
        "pyproject.toml",
        "src/acme/version_test.py",
    ]


def _shared_requirements(tmp_path: Path) -> Path:
    """``acme-core`` and ``acme-ext`` of one workspace, at 1.2.0 each, and an example's
    requirements naming both: the history moved every line of it at ``acme-core``'s releases
    (its two lines and the other's, behind it or released with it), and only its own line at
    ``acme-ext``'s release from 0.9.0 to 1.1.0 (``acme-core``'s said 1.0.0, no older one)."""

    def files(core: str, ext: str) -> dict[str, str]:
        return {
            "pyproject.toml": '[project]\nname = "ws"\nversion = "0.0.0"\n\n[tool.uv]\n'
            'package = false\n\n[tool.uv.workspace]\nmembers = ["packages/*"]\n',
            "packages/core/pyproject.toml": project("acme-core", core, extra=HATCH.format("core")),
            "packages/core/src/core/__init__.py": "",
            "packages/ext/pyproject.toml": project("acme-ext", ext, extra=HATCH.format("ext")),
            "packages/ext/src/ext/__init__.py": "",
            "examples/requirements.txt": f"acme-core>={core}\nacme-core[cli]>={core}\n"
            f"acme-ext>={ext}\nrich>=13.0\n",
        }

    root = repo(tmp_path / "s", files("1.0.0", "0.9.0"), ["acme-core-v1.0.0", "acme-ext-v0.9.0"])
    for version in ("1.1.0", "1.2.0"):
        commit(root, files(version, version), f"acme-core-v{version}", f"acme-ext-v{version}")
    return root


def test_two_packages_moving_one_file_whole_and_by_its_line_make_one_edit(
    tmp_path: Path,
) -> None:
    """One package's copy is the file's every line saying the version, the other's is its own
    line: both rewrite that line to the same version, so the bump writes it once instead of
    refusing the second edit as a version no longer where it was read."""
    root = _shared_requirements(tmp_path)
    done = run_relnox("bump", "--to", "1.3.0", "--dry-run", "--json", cwd=root, check=True)
    assert "examples/requirements.txt" in json.loads(done.stdout)["files"]
    run_relnox("bump", "--to", "1.3.0", "--allow-dirty", cwd=root, check=True)
    assert (root / "examples/requirements.txt").read_text(encoding="utf-8") == (
        "acme-core>=1.3.0\nacme-core[cli]>=1.3.0\nacme-ext>=1.3.0\nrich>=13.0\n"
    )


def _plugin_in_step(tmp_path: Path, steps: int) -> Path:
    """``acme`` released at 1.0.0 (its plugin, no workspace file declares, at 0.5.0 of its
    own), then two development versions, the plugin in step with the last ``steps`` of them."""

    def files(version: str, plugin: str) -> dict[str, str]:
        return {
            "pyproject.toml": project("acme", version),
            "src/acme/__init__.py": "",
            "plugins/acme_extra/pyproject.toml": project("acme-extra", plugin),
            "plugins/acme_extra/src/acme_extra/__init__.py": "",
        }

    root = repo(tmp_path / "p", files("1.0.0", "0.5.0"), tags=["v1.0.0"])
    for n in (0, 1):
        dev = f"1.1.0.dev{n}"
        commit(root, files(dev, dev if n >= 2 - steps else "0.5.0"), message=f"Bump to {dev}")
    return root


def test_a_project_moved_in_step_with_the_last_two_development_versions_moves_with_the_bump(
    tmp_path: Path,
) -> None:
    root = _plugin_in_step(tmp_path, steps=2)
    done = run_relnox("bump", "--to", "1.1.0.dev2", "--dry-run", "--json", cwd=root, check=True)
    plan = json.loads(done.stdout)
    assert plan["versions"] == {"acme": "1.1.0.dev2"}
    assert "plugins/acme_extra/pyproject.toml" in plan["files"]
    said = run_relnox("packages", cwd=root, check=True)
    (line,) = [
        line
        for line in (said.stdout + said.stderr).splitlines()
        if "plugins/acme_extra/pyproject.toml (acme-extra) is not released" in line
    ]
    assert "acme's version at each of its last two moves" in line
    assert 'unreleased-versions = "keep" leaves it' in line


def test_a_project_in_step_with_one_development_version_only_keeps_its_own(
    tmp_path: Path,
) -> None:
    root = _plugin_in_step(tmp_path, steps=1)
    done = run_relnox("bump", "--to", "1.1.0.dev2", "--dry-run", "--json", cwd=root, check=True)
    assert json.loads(done.stdout)["files"] == ["pyproject.toml"]


def _dev_line(tmp_path: Path) -> Path:
    """``acme`` on main at development versions only (its releases tagged on branches main never
    holds): a test module moved with the version at its last two moves, a README at the last."""

    def files(version: str, readme: str) -> dict[str, str]:
        return {
            "pyproject.toml": project("acme", version),
            "src/acme/__init__.py": "",
            "tests/test_version.py": f'def test_version():\n    assert VERSION == "{version}"\n',
            "README.md": f"acme {readme}\n",
        }

    root = repo(tmp_path / "d", files("1.0.dev", "1.0.dev"))
    commit(root, files("1.1.dev", "1.0.dev"), message="Bump to 1.1.dev")
    commit(root, files("1.2.dev", "1.2.dev"), message="Bump to 1.2.dev")
    return root


def test_a_file_moved_with_the_last_two_development_versions_moves_with_the_bump(
    tmp_path: Path,
) -> None:
    root = _dev_line(tmp_path)
    done = run_relnox("bump", "--to", "1.3.dev", "--dry-run", "--json", cwd=root, check=True)
    assert sorted(json.loads(done.stdout)["files"]) == ["pyproject.toml", "tests/test_version.py"]
    said = run_relnox("bump", "--to", "1.3.dev", "--dry-run", cwd=root, check=True)
    (line,) = [
        line
        for line in (said.stdout + said.stderr).splitlines()
        if "tests/test_version.py moved with the version at each of its last two moves" in line
    ]
    assert 'unreleased-versions = "keep" leaves it' in line


def test_a_copy_moved_at_the_one_release_since_the_first_moves_and_one_left_stays(
    tmp_path: Path,
) -> None:
    """A package released twice (v1.0.0, v1.1.0): a Go ``version.go`` const said each
    release's version at its tag, moved at the one release since the first; another file said
    1.0.0 then stayed. The rule read three releases and found nothing, though three releases
    accept a copy made after the first that moved once; now every release the package has is
    enough: the one moved, the one the maintainers stopped moving stays."""

    def files(version: str, stopped: str) -> dict[str, str]:
        return {
            "pyproject.toml": project("acme", version, extra=HATCH.format("acme")),
            "src/acme/__init__.py": "",
            "go/version.go": f'package acme\n\nconst Version = "{version}"\n',
            "go/client.go": f'package acme\n\nconst UserAgent = "acme/{stopped}"\n',
        }

    root = repo(tmp_path / "r", files("1.0.0", "1.0.0"), tags=["v1.0.0"])
    commit(root, files("1.1.0", "1.0.0"), "v1.1.0", message="Release 1.1.0")
    done = run_relnox("bump", "--part", "minor", "--dry-run", "--json", cwd=root, check=True)
    assert sorted(json.loads(done.stdout)["files"]) == ["go/version.go", "pyproject.toml"]
    said = run_relnox("bump", "--part", "minor", "--dry-run", cwd=root, check=True).stdout
    assert (
        "note: go/version.go moved from each release to the next at v1.0.0, v1.1.0, so a bump "
        'moves it too; [tool.relnox] unreleased-versions = "keep" leaves it'
    ) in said


def test_a_declared_member_too_new_for_a_history_moves_with_its_lockstep_group(
    tmp_path: Path,
) -> None:
    """``acme`` and ``acme-a`` released together under ``v{version}``; private members the
    workspace declares: ``acme-b`` made at 1.1.0 after v1.1.0 and moved with v1.2.0 (one move),
    ``acme-c`` made at 1.2.0 after v1.2.0 (none), ``acme-d`` at 0.9.0 until it joined at v1.2.0.
    The history rule needs the member at each of the group's last releases, so none moved; now
    b and c, too new to have said another version at a release, move with the group, and d,
    whose history says it did not move with the group, stays."""

    def member(name: str, version: str) -> dict[str, str]:
        text = project(name, version, extra=HATCH.format(name.replace("-", "_")))
        folder = f"pkgs/{name.removeprefix('acme-')}"
        return {f"{folder}/pyproject.toml": text.replace("dependencies", PRIVATE + "dependencies")}

    def files(version: str, **private: str) -> dict[str, str]:
        found = {
            "pyproject.toml": '[tool.uv.workspace]\nmembers = ["pkgs/*"]\n',
            "pkgs/core/pyproject.toml": project("acme", version, extra=HATCH.format("acme")),
            "pkgs/a/pyproject.toml": project("acme-a", version, extra=HATCH.format("acme_a")),
        }
        for name, said in private.items():
            found |= member(f"acme-{name}", said)
        return found

    root = repo(tmp_path / "r", files("1.0.0", d="0.9.0"), tags=["v1.0.0"])
    commit(root, files("1.1.0", d="0.9.0"), "v1.1.0", message="Release 1.1.0")
    commit(root, files("1.1.0", b="1.1.0", d="0.9.0"), message="Add acme-b")
    commit(root, files("1.2.0", b="1.2.0", d="1.2.0"), "v1.2.0", message="Release 1.2.0")
    commit(root, files("1.2.0", b="1.2.0", c="1.2.0", d="1.2.0"), message="Add acme-c")
    done = run_relnox("bump", "--part", "minor", "--dry-run", "--json", cwd=root, check=True)
    plan = json.loads(done.stdout)
    assert plan["versions"] == {"acme": "1.3.0", "acme-a": "1.3.0"}
    assert sorted(plan["files"]) == [
        "pkgs/a/pyproject.toml",
        "pkgs/b/pyproject.toml",
        "pkgs/c/pyproject.toml",
        "pkgs/core/pyproject.toml",
    ]
    said = run_relnox("packages", cwd=root, check=True).stdout
    assert (
        "pkgs/b/pyproject.toml (acme-b) is not released but said acme-a's version at each "
        "release since it was made (v1.2.0), so a bump moves it with acme-a, acme" in said
    ), said
    assert (
        "pkgs/c/pyproject.toml (acme-c) is not released but said acme-a's version, its "
        "lockstep group's, since it was made after v1.2.0" in said
    ), said
