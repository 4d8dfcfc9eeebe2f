"""doctor on a healthy repository and on one broken in each checked way."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from invoke.context import Context
from invoke.exceptions import Exit

from relnox.project.discovery import load_workspace
from relnox.release.doctor import doctor
from relnox.release.doctor_package import (
    ERROR,
    OK,
    WARN,
    heading_like,
    missing_metadata,
    readme_problem,
)
from relnox.release.tagging import TagOptions, apply_tags, plan_tags
from relnox.sample import demo_specs, git_commit_all, git_init, write_workspace
from tests.build_support import shared
from tests.conftest import run_relnox
from tests.shapes import commit, project, repo

CORE = Path("packages") / "demo-core"


def git(repo: Path, *args: str) -> str:
    proc = subprocess.run(["git", *args], cwd=repo, capture_output=True, text=True, check=True)
    return proc.stdout.strip()


def lock_text(versions: dict[str, str]) -> str:
    entries = "".join(
        f'\n[[package]]\nname = "{name}"\nversion = "{version}"\n'
        f'source = {{ editable = "packages/{name}" }}\n'
        for name, version in versions.items()
    )
    return 'version = 1\nrequires-python = ">=3.9"\n' + entries


def _released_and_pushed(directory: Path) -> dict[str, Any]:
    with pytest.MonkeyPatch.context() as mp:  # as the tests' own environment asks
        mp.setenv("RELNOX_ASK_BACKEND", "0")
        root = write_workspace(directory / "ws", demo_specs())
        git_init(root)
        (root / "uv.lock").write_text(
            lock_text({"demo-core": "0.1.0", "demo-agents": "0.1.0", "demo-runtime": "0.1.0"}),
            encoding="utf-8",
        )
        git_commit_all(root, "Lock")
        ws = load_workspace(root)
        apply_tags(plan_tags(ws, TagOptions(missing=True)))
        bare = directory / "remote.git"
        git(directory, "init", "-q", "--bare", str(bare))
        git(root, "remote", "add", "origin", str(bare))
        git(root, "push", "-q", "-u", "origin", "main", "--tags")
    return {}


@pytest.fixture
def healthy(tmp_path_factory: pytest.TempPathFactory, tmp_path: Path) -> Path:
    """Released (tagged) and pushed, with a current uv.lock and a changelog: made once per
    run, each test given its own copy of the repository and of its remote."""
    made, _ = shared(tmp_path_factory, "doctor-healthy", _released_and_pushed)
    root = shutil.copytree(made / "ws", tmp_path / "ws", symlinks=True)
    bare = shutil.copytree(made / "remote.git", tmp_path / "remote.git", symlinks=True)
    git(root, "remote", "set-url", "origin", str(bare))
    return root


def statuses(root: Path) -> dict[str, str]:
    return {c.check: c.status for c in doctor(root).checks}


def test_healthy_repo_has_every_check_ok(healthy: Path) -> None:
    report = doctor(healthy)
    assert report.errors == () and report.warnings == (), report.checks
    names = {c.check for c in report.checks}
    for expected in (
        "working tree",
        "branch",
        "history",
        "version sources",
        "metadata demo-core",
        "readme demo-core",
        "tags demo-core",
        "changelog demo-runtime",
        "uv.lock",
    ):
        assert expected in names
    proc = run_relnox("doctor", cwd=healthy, check=True)
    assert re.search(r"doctor: \d+ checks, no errors, 0 warning\(s\)", proc.stdout)


def _dirty(root: Path) -> None:
    readme = root / CORE / "README.md"
    readme.write_text(readme.read_text() + "\nAn edit not committed.\n", encoding="utf-8")


def _behind(root: Path) -> None:
    (root / "more.txt").write_text("x\n", encoding="utf-8")
    git_commit_all(root, "More")
    git(root, "push", "-q")
    git(root, "reset", "-q", "--hard", "HEAD~1")


def _sources_disagree(root: Path) -> None:
    init = root / CORE / "demo_core" / "__init__.py"
    init.write_text(init.read_text().replace('"0.1.0"', '"0.1.1"'), encoding="utf-8")
    git_commit_all(root, "Half a bump")


def _no_description(root: Path) -> None:
    pyproject = root / CORE / "pyproject.toml"
    lines = pyproject.read_text().splitlines(keepends=True)
    pyproject.write_text("".join(x for x in lines if not x.startswith("description")))
    git_commit_all(root, "Drop description")


def _bad_readme(root: Path) -> None:
    pyproject = root / CORE / "pyproject.toml"
    pyproject.write_text(pyproject.read_text().replace("README.md", "README.rst"))
    (root / CORE / "README.rst").write_text("Title\n=====\n\n.. no-such-directive::\n")
    git_commit_all(root, "RST readme")


def _newer_tag(root: Path) -> None:
    git(root, "tag", "-a", "demo-core-v0.3.0", "-m", "ahead of pyproject")


def _tag_on_wrong_commit(root: Path) -> None:
    for path in (root / CORE / "pyproject.toml", root / CORE / "demo_core" / "__init__.py"):
        path.write_text(path.read_text().replace('"0.1.0"', '"0.2.0"'))
    changelog = root / "CHANGELOG.md"
    changelog.write_text(
        changelog.read_text().replace("## [0.1.0]", "## [0.2.0]\n\n- x\n\n## [0.1.0]")
    )
    git_commit_all(root, "Bump core")
    git(root, "tag", "-a", "demo-core-v0.2.0", "-m", "too early", "HEAD~1")
    git(root, "push", "-q")


def _stale_lock(root: Path) -> None:
    (root / "uv.lock").write_text(
        lock_text({"demo-core": "0.0.9", "demo-agents": "0.1.0"}), encoding="utf-8"
    )
    git_commit_all(root, "Old lock")
    git(root, "push", "-q")


def _no_changelog_entry(root: Path) -> None:
    (root / "CHANGELOG.md").write_text("# Changelog\n\n## [Unreleased]\n\n## [0.0.1]\n\n- old\n")
    _require_changelog(root)  # without the opt-in a missing section is a warning
    git_commit_all(root, "Lose the entry")
    git(root, "push", "-q")


def _require_changelog(root: Path) -> None:
    pyproject = root / "pyproject.toml"
    pyproject.write_text(
        pyproject.read_text() + "\n[tool.relnox.doctor]\nrequire-changelog = true\n",
        encoding="utf-8",
    )


BROKEN = {
    "working tree": _dirty,
    "branch": _behind,
    "version sources": _sources_disagree,
    "readme demo-core": _bad_readme,
    "tags demo-core": _newer_tag,
    "uv.lock": _stale_lock,
    "changelog demo-core": _no_changelog_entry,
}


@pytest.mark.parametrize("check", list(BROKEN))
def test_each_broken_way_is_an_error(healthy: Path, check: str) -> None:
    BROKEN[check](healthy)
    found = statuses(healthy)
    assert found.get(check) == ERROR, doctor(healthy).checks
    assert found["workspace"] == OK


def test_a_tag_made_before_the_move_into_a_src_layout_reads_its_version_there(
    tmp_path: Path,
) -> None:
    """The release was tagged while the module sat at the top (``movish/__init__.py``, a
    setup.py); the project moved into ``src/`` since: the tag's version is read from the
    module where it was (was: 'tag v2.4.0 points at a commit whose version is unknown')."""
    setup_py = "from setuptools import setup\nimport movish\nsetup(name='movish', version=movish.__version__, packages=['movish'])\n"
    root = repo(
        tmp_path / "r",
        {"setup.py": setup_py, "movish/__init__.py": '__version__ = "2.4.0"\n'},
        tags=["v2.4.0"],
    )
    git(root, "rm", "-q", "setup.py", "movish/__init__.py")
    extra = '[tool.setuptools.dynamic]\nversion = {attr = "movish.__version__"}\n'
    commit(
        root,
        {
            "pyproject.toml": project("movish", None, backend="setuptools", extra=extra),
            "src/movish/__init__.py": '__version__ = "2.4.0"\n',
        },
    )
    [row] = [c for c in doctor(root).checks if c.check == "tags movish"]
    assert row.status == OK and row.detail.startswith("v2.4.0 matches (already released)"), row


def test_tag_on_a_commit_with_another_version(healthy: Path) -> None:
    _tag_on_wrong_commit(healthy)
    [row] = [c for c in doctor(healthy).checks if c.check == "tags demo-core"]
    assert row.status == ERROR
    assert "points at a commit whose version is 0.1.0" in row.detail


def test_shallow_clone_hints_at_fetch_depth(healthy: Path, tmp_path: Path) -> None:
    clone = tmp_path / "shallow"
    git(tmp_path, "clone", "-q", "--depth", "1", f"file://{healthy}", str(clone))
    [row] = [c for c in doctor(clone).checks if c.check == "history"]
    assert row.status == ERROR
    assert "fetch-depth: 0" in row.detail


def test_doctor_task_exits_non_zero_with_the_table(healthy: Path) -> None:
    from relnox.invoke import doctor as doctor_task

    _dirty(healthy)
    with pytest.raises(Exit) as info:
        doctor_task(Context(), root=str(healthy))
    assert info.value.code == 1
    message = str(info.value.message)
    assert "first: working tree: uncommitted changes to tracked files: " in message
    assert "packages/demo-core/README.md; commit or stash them" in message


def test_untracked_files_do_not_make_the_tree_dirty(healthy: Path) -> None:
    """tbump's rule: nox's __pycache__/, an un-ignored dist/, a scratch file never block."""
    (healthy / "__pycache__").mkdir()
    (healthy / "__pycache__" / "noxfile.cpython-311.pyc").write_bytes(b"\0")
    (healthy / "dist").mkdir()
    (healthy / "dist" / "demo_core-0.1.0.tar.gz").write_bytes(b"\0")
    (healthy / "scratch.txt").write_text("x\n", encoding="utf-8")
    [row] = [c for c in doctor(healthy).checks if c.check == "working tree"]
    assert row.status == OK, row


@pytest.mark.slow
def test_a_missing_changelog_section_is_a_warning_unless_required(healthy: Path) -> None:
    (healthy / "CHANGELOG.md").write_text("# Changelog\n\n## [0.0.1]\n\n- old\n")
    git_commit_all(healthy, "Lose the entry")
    git(healthy, "push", "-q")
    [row] = [c for c in doctor(healthy).checks if c.check == "changelog demo-core"]
    assert row.status == WARN and "require-changelog" in row.detail, row
    proc = run_relnox("doctor", cwd=healthy, check=True)
    assert "no errors, 3 warning(s)" in proc.stdout
    _require_changelog(healthy)
    [row] = [c for c in doctor(healthy).checks if c.check == "changelog demo-core"]
    assert row.status == ERROR, row
    (healthy / "pyproject.toml").write_text(
        (healthy / "pyproject.toml").read_text().replace("= true", '= "yes"')
    )
    [row] = [c for c in doctor(healthy).checks if c.check == "changelog demo-core"]
    assert row.status == ERROR and "must be true or false" in row.detail


def test_a_missing_license_is_a_warning(healthy: Path) -> None:
    pyproject = healthy / CORE / "pyproject.toml"
    pyproject.write_text(
        "".join(
            line
            for line in pyproject.read_text().splitlines(keepends=True)
            if not line.startswith("license") and "License ::" not in line
        )
    )
    git_commit_all(healthy, "No license")
    git(healthy, "push", "-q")
    checks = {c.check: c for c in doctor(healthy).checks}
    assert checks["metadata demo-core"].status == OK
    assert checks["license demo-core"].status == WARN
    assert 'add license = "MIT"' in checks["license demo-core"].detail


def test_a_missing_description_or_readme_is_a_warning(healthy: Path) -> None:
    _no_description(healthy)
    pyproject = healthy / CORE / "pyproject.toml"
    pyproject.write_text(
        "".join(x for x in pyproject.read_text().splitlines(True) if not x.startswith("readme"))
    )
    (healthy / CORE / "README.md").unlink()
    git_commit_all(healthy, "No readme")
    git(healthy, "push", "-q")
    report = doctor(healthy)
    checks = {c.check: c for c in report.checks}
    assert checks["metadata demo-core"].status == WARN
    assert checks["metadata demo-core"].detail.startswith(
        "packages/demo-core/pyproject.toml lacks description, readme; an index accepts that"
    )
    assert "readme demo-core" not in checks
    assert not [c for c in report.checks if c.status == ERROR], report.checks


@pytest.mark.parametrize(
    "heading",
    [
        "## [0.1.0] - 2026-01-01",
        "## [0.1.0](https://github.com/o/r/releases/tag/v0.1.0) - 2026-01-01",
        "## 0.1.0 (2026-01-01)",
        "## v0.1.0",
        "### 0.1.0",
        "## Release v0.1.0 (2026-08-18)",
        "## demo-core 0.1.0 (2026-01-01)",
        "## Version 0.1.0",
        "0.1.0\n=====",
        "0.1.0 (2026-01-01)\n------------------",
        "## [demo-core 0.1.0, demo-agents 0.1.0, demo-runtime 0.1.0] - 2026-01-01",
    ],
)
def test_changelog_headings_as_real_projects_write_them(healthy: Path, heading: str) -> None:
    (healthy / "CHANGELOG.md").write_text(
        f"# Changelog\n\n{heading}\n\n- First release.\n", encoding="utf-8"
    )
    _require_changelog(healthy)
    git_commit_all(healthy, "Changelog style")
    git(healthy, "push", "-q")
    rows = [c for c in doctor(healthy).checks if c.check.startswith("changelog ")]
    assert rows and all(r.status == OK for r in rows), rows


def test_metadata_and_readme_helpers(tmp_path: Path) -> None:
    assert missing_metadata({"project": {"name": "x"}}) == [
        "version",
        "description",
        "readme",
        "license",
        "requires-python",
    ]
    poetry = {
        "tool": {
            "poetry": {
                "name": "x",
                "version": "1",
                "description": "d",
                "readme": "README.md",
                "license": "MIT",
                "dependencies": {"python": ">=3.9"},
            }
        }
    }
    assert missing_metadata(poetry) == []
    classifier = {
        "project": {
            "name": "x",
            "dynamic": ["version", "readme"],
            "description": "d",
            "requires-python": ">=3.9",
            "classifiers": ["License :: OSI Approved :: MIT License"],
        }
    }
    assert missing_metadata(classifier) == []
    good = tmp_path / "README.rst"
    good.write_text("Title\n=====\n\nFine text.\n", encoding="utf-8")
    assert readme_problem(good) is None
    assert readme_problem(tmp_path / "missing.md") == "missing.md does not exist"
    odd = tmp_path / "README.adoc"
    odd.write_text("= Title\n", encoding="utf-8")
    assert "unknown readme type" in (readme_problem(odd) or "")


def test_a_readme_declared_plain_text_is_not_rendered_as_its_suffix_says(tmp_path: Path) -> None:
    """The shape: ``[tool.setuptools.dynamic] readme = {file = ["README.rst"],
    content-type = "text/plain"}`` over a README.rst with a raw directive PyPI's reST
    renderer refuses: the index shows it as plain text, so it renders; declared (or
    named) reST, it does not."""
    readme = "Title\n=====\n\n.. raw:: html\n\n    <img src='x.png'>\n\nText.\n"
    plain = '[tool.setuptools.dynamic]\nreadme = {file = ["README.rst"], content-type = "%s"}\n'
    extra = plain % "text/plain"
    pyproject = project("xonshish", "1.0.0", backend="setuptools", extra=extra).replace(
        'version = "1.0.0"', 'version = "1.0.0"\ndynamic = ["readme"]'
    )
    files = {"pyproject.toml": pyproject, "README.rst": readme, "xonshish/__init__.py": ""}
    root = repo(tmp_path / "r", files)
    rows = {c.check: c for c in doctor(root).checks}
    assert rows["readme xonshish"].status == OK, rows["readme xonshish"].detail
    commit(root, {"pyproject.toml": pyproject.replace("text/plain", "text/x-rst")})
    rows = {c.check: c for c in doctor(root).checks}
    assert rows["readme xonshish"].status == ERROR
    assert '"raw" directive disabled' in rows["readme xonshish"].detail


@pytest.mark.slow
@pytest.mark.parametrize("unreleased", [False, True])
def test_what_relnox_bump_commits_passes_relnox_doctor(healthy: Path, unreleased: bool) -> None:
    """bump (which commits by default) then doctor: no error, whatever the changelog had."""
    section = "## [Unreleased]\n\n- A change.\n\n" if unreleased else ""
    (healthy / "CHANGELOG.md").write_text(
        f"# Changelog\n\n{section}## [0.1.0] - 2026-01-01\n\n- First.\n", encoding="utf-8"
    )
    git_commit_all(healthy, "Changelog")
    git(healthy, "push", "-q")
    bumped = run_relnox("bump", "--part", "minor", cwd=healthy, check=True)
    assert "commit" in bumped.stdout
    assert git(healthy, "status", "--porcelain", "--untracked-files=no") == ""  # committed
    assert git(healthy, "log", "-1", "--format=%s").startswith("Release ")
    proc = run_relnox("doctor", cwd=healthy)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    rows = {c.check: c for c in doctor(healthy).checks}
    assert rows["changelog demo-core"].status == (OK if unreleased else WARN)
    assert rows["working tree"].status == OK
    again = run_relnox("bump", "--part", "patch", cwd=healthy)  # the next bump is not refused
    assert again.returncode == 0, again.stderr


def test_bump_no_commit_leaves_the_edits(healthy: Path) -> None:
    head = git(healthy, "rev-parse", "HEAD")
    proc = run_relnox("bump", "--part", "minor", "--no-commit", cwd=healthy, check=True)
    assert "demo-core: 0.1.0 -> 0.2.0" in proc.stdout
    assert git(healthy, "rev-parse", "HEAD") == head
    assert "packages/demo-core/pyproject.toml" in git(healthy, "status", "--porcelain")


SETUP_CFG = """[metadata]
name = signals
version = attr: signals.__version__
description = Signals for asyncio
long_description = file: README.rst
license = Apache 2.0

[options]
python_requires = >=3.9
packages = signals
"""


def test_setup_cfg_metadata_and_an_rst_changelog(tmp_path: Path) -> None:
    root = repo(
        tmp_path / "r",
        {
            "pyproject.toml": '[build-system]\nrequires = ["setuptools"]\n'
            'build-backend = "setuptools.build_meta"\n',
            "setup.cfg": SETUP_CFG,
            "signals/__init__.py": '__version__ = "1.4.0"\n',
            "README.rst": "signals\n=======\n\nText.\n",
            "CHANGES.rst": "1.4.0 (2026-01-02)\n==================\n\n- Things.\n",
        },
        tags=["v1.4.0"],
    )
    found = {row.check: row for row in doctor(root).checks}
    assert found["metadata signals"].status == OK, found["metadata signals"]
    assert found["changelog signals"].detail == "CHANGES.rst has a section for 1.4.0"
    cfg = root / "setup.cfg"
    cfg.write_text(SETUP_CFG.replace("description = Signals for asyncio\n", ""))
    row = {r.check: r for r in doctor(root).checks}["metadata signals"]
    assert row.status == WARN and row.detail.startswith("setup.cfg lacks description;")
    assert row.detail.endswith("add them to [metadata] and [options]")


def test_a_poetry_project_is_told_to_add_metadata_to_its_own_table(tmp_path: Path) -> None:
    """A project declared in ``[tool.poetry]`` alone (no ``[project]``) that lacks a
    description is told to add it there, not to a ``[project]`` table it does not have."""
    poetry = (
        '[tool.poetry]\nname = "signals"\nversion = "1.4.0"\ndescription = ""\n'
        'authors = ["A <a@example.invalid>"]\nreadme = "README.md"\nlicense = "MIT"\n\n'
        '[tool.poetry.dependencies]\npython = ">=3.9"\n\n'
        '[build-system]\nrequires = ["poetry-core"]\nbuild-backend = "poetry.core.masonry.api"\n'
    )
    files = {"pyproject.toml": poetry, "signals/__init__.py": "", "README.md": "# signals\n"}
    root = repo(tmp_path / "r", files, tags=["v1.4.0"])
    row = {r.check: r for r in doctor(root).checks}["metadata signals"]
    assert row.status == WARN and row.detail.startswith("pyproject.toml lacks description;")
    assert row.detail.endswith("add them to [tool.poetry]")


FLIT_METADATA = (
    '[build-system]\nrequires = ["flit_core"]\nbuild-backend = "flit_core.buildapi"\n\n'
    '[tool.flit.metadata]\nmodule = "picklish"\ndist-name = "pickle-ish"\n'
    'description-file = "README.md"\nrequires-python = ">=3.8"\nlicense = "BSD-3-Clause"\n'
)


def test_flit_s_own_metadata_table_is_read_and_flit_core_4_refusing_it_is_an_error(
    tmp_path: Path,
) -> None:
    """A pyproject.toml with no [project], flit's older ``[tool.flit.metadata]``
    (``module``, ``dist-name``) and ``__version__`` in the module. relnox said there was no
    package to release; it reads the project flit_core 3 builds, and doctor says that
    flit_core 4, which a bare ``flit_core`` requirement lets in, refuses that table."""
    files = {
        "pyproject.toml": FLIT_METADATA,
        "picklish/__init__.py": '"""Pickles."""\n__version__ = "3.2.0.dev0"\n',
        "README.md": "# picklish\n",
        "CHANGES.md": "3.1.2\n=====\n\n- Things.\n",
    }
    root = repo(tmp_path / "r", files, tags=["v3.1.2"])
    (pkg,) = load_workspace(root).packages
    assert (pkg.name, pkg.version, pkg.import_packages) == (
        "pickle-ish",
        "3.2.0.dev0",
        ("picklish",),
    )
    assert pkg.locations[0].path == root / "picklish/__init__.py"
    assert pkg.requires_python == ">=3.8"
    rows = [row for row in doctor(root).checks if row.check == "metadata pickle-ish"]
    assert [row.status for row in rows] == [ERROR, OK]
    assert "[tool.flit.metadata] is refused by flit_core 4" in rows[0].detail
    assert 'require "flit_core>=3.2,<4"' in rows[0].detail
    pinned = FLIT_METADATA.replace('["flit_core"]', '["flit_core>=3.2,<4"]')
    (root / "pyproject.toml").write_text(pinned)
    rows = [row for row in doctor(root).checks if row.check == "metadata pickle-ish"]
    assert [row.status for row in rows] == [OK]


@pytest.mark.parametrize(
    ("folder", "spelling"),
    [
        ("doc/source/release", "{}-notes.rst"),
        ("CHANGELOG", "{}.md"),
        ("doc/whatsnew", "v{}.rst"),
        ("docs/source/release-notes", "{}.rst"),
    ],
)
def test_a_page_of_notes_per_release_is_the_changelog(
    tmp_path: Path, folder: str, spelling: str
) -> None:
    """Docs with ``doc/source/release/2.0.0-notes.rst``, ``CHANGELOG/2.0.0.md`` or
    ``doc/whatsnew/v2.0.0.rst``, one page per release, and no CHANGELOG.md; doctor said there
    was no changelog. The development version's coming release has its page; without one,
    doctor names the page to write, spelled as the others are."""
    page = f"{folder}/{spelling}".format
    files = {
        "pyproject.toml": project("sciish", "2.0.0.dev0"),
        "sciish/__init__.py": "",
        page("1.17.0"): "SciPy 1.17.0 Release Notes\n====\n",
        page("1.18.1"): "SciPy 1.18.1 Release Notes\n====\n",
        page("2.0.0"): "SciPy 2.0.0 Release Notes\n====\n",
    }
    root = repo(tmp_path / "r", files, tags=["v1.18.1"])
    row = {r.check: r for r in doctor(root).checks}["changelog sciish"]
    assert (row.status, row.detail) == ("ok", f"{page('2.0.0')} is the page of 2.0.0")
    (root / page("2.0.0")).unlink()
    row = {r.check: r for r in doctor(root).checks}["changelog sciish"]
    assert row.status == WARN
    assert row.detail.startswith(f"no {page('2.0.0')}; write 2.0.0's notes there")


def test_a_page_of_notes_per_major_line_is_the_changelog(tmp_path: Path) -> None:
    """Docs whose ``docs/releasenotes/version10.md`` titled ``# v10`` holds ``## v10.12.0``
    and the others of the line, and no CHANGELOG.md; doctor said there was no changelog. The
    newest line's page is read as the changelog, and a heading to add is copied from a
    release's, not from the page's title."""
    files = {
        "pyproject.toml": project("pikeish", "10.12.0"),
        "pikeish/__init__.py": "",
        "docs/releasenotes/version9.md": "# v9\n\n## v9.11.0\n\n- Old.\n",
        "docs/releasenotes/version10.md": "# v10\n\nIntro.\n\n## v10.12.0\n\n- New.\n",
    }
    root = repo(tmp_path / "r", files, tags=["v10.12.0"])
    row = {r.check: r for r in doctor(root).checks}["changelog pikeish"]
    assert (row.status, row.detail) == (
        "ok",
        "docs/releasenotes/version10.md has a section for 10.12.0",
    )
    row = {r.check: r for r in doctor(root, version="10.13.0").checks}["changelog pikeish"]
    assert row.status == WARN and "add '## v10.13.0'" in row.detail


def test_unreleased_entries_of_a_released_version_are_the_next_release_s(
    tmp_path: Path,
) -> None:
    """The shape: its files say 0.15.3, tagged already, and CHANGELOG.md
    has Unreleased entries (no 0.15.3 section); doctor said they become 0.15.3's section on
    bump, but a bump gives the next version."""
    changelog = "# Changelog\n\n## [Unreleased]\n\n- A fix.\n\n## [0.15.2] - 2025-08-06\n\n- Old.\n"
    files = {
        "pyproject.toml": project("utilish", "0.15.3"),
        "utilish/__init__.py": "",
        "CHANGELOG.md": changelog,
    }
    root = repo(tmp_path / "r", files, tags=["v0.15.3"])
    row = {r.check: r for r in doctor(root).checks}["changelog utilish"]
    assert (
        row.detail == "CHANGELOG.md: Unreleased entries become the next release's section on bump"
    )
    commit(root, {"pyproject.toml": project("utilish", "0.16.0")})
    row = {r.check: r for r in doctor(root).checks}["changelog utilish"]
    assert row.detail == "CHANGELOG.md: Unreleased entries become 0.16.0's section on bump"


def test_an_rst_version_section_is_read_and_its_style_suggested(tmp_path: Path) -> None:
    """A reStructuredText changelog of ``Version 3.2.0`` sections over underlines."""
    changes = (
        "Version 3.2.0\n-------------\n\nUnreleased\n\n-   Fix a thing.\n\n\n"
        "Version 3.1.0\n-------------\n\nReleased 2025-01-01\n\n-   Older.\n"
    )
    files = {
        "pyproject.toml": '[build-system]\nrequires = ["setuptools"]\n'
        'build-backend = "setuptools.build_meta"\n',
        "setup.cfg": SETUP_CFG.replace("1.4.0", "3.2.0"),
        "signals/__init__.py": '__version__ = "3.2.0"\n',
        "README.rst": "signals\n=======\n\nText.\n",
        "CHANGES.rst": changes,
    }
    root = repo(tmp_path / "r", files, tags=["v3.1.0"])
    row = {r.check: r for r in doctor(root).checks}["changelog signals"]
    assert row.detail == "CHANGES.rst has a section for 3.2.0", row
    older = changes.replace("3.2.0", "3.0.9").replace("Unreleased", "Released 2024-12-01")
    (root / "CHANGES.rst").write_text(older, encoding="utf-8")
    row = {r.check: r for r in doctor(root).checks}["changelog signals"]
    assert row.status == WARN
    assert "add 'Version 3.2.0' underlined with -------------" in row.detail, row
    assert "##" not in row.detail


def test_metadata_declared_in_setup_py_is_left_to_twine_check(tmp_path: Path) -> None:
    root = repo(
        tmp_path / "r",
        {
            "setup.py": 'from setuptools import setup\nsetup(name="legacy", version="2.0.1")\n',
            "README.md": "# legacy\n",
        },
    )
    row = {r.check: r for r in doctor(root).checks}["metadata legacy"]
    assert row.status == WARN and "setup.py declares the metadata in code" in row.detail


def test_a_setup_py_project_without_pyproject_is_bumped_in_setup_py(tmp_path: Path) -> None:
    root = repo(
        tmp_path / "r",
        {"setup.py": 'from setuptools import setup\nsetup(name="legacy", version="2.0.1")\n'},
        tags=["v2.0.1"],
    )
    proc = run_relnox("bump", "--part", "minor", "--dry-run", cwd=root)
    assert proc.returncode == 0, proc.stderr
    assert '+setup(name="legacy", version="2.1.0")' in proc.stdout


@pytest.mark.slow
def test_doctor_for_some_packages_and_as_json(healthy: Path) -> None:
    _newer_tag(healthy)  # a problem of demo-core only
    proc = run_relnox("doctor", "--package", "demo-agents", "--json", cwd=healthy)
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    assert data["schema"] == 1 and data["errors"] == 0
    names = {row["check"] for row in data["checks"]}
    assert "tags demo-agents" in names and not any("demo-core" in n for n in names)
    whole = run_relnox("doctor", "--json", cwd=healthy)
    assert whole.returncode == 1 and json.loads(whole.stdout)["errors"] == 1
    assert "tags demo-core" in whole.stderr
    unknown = run_relnox("doctor", "--package", "nope", cwd=healthy)
    assert unknown.returncode == 1 and "nope" in unknown.stdout + unknown.stderr


@pytest.mark.slow
def test_doctor_asks_the_index_when_told(healthy: Path, tmp_path: Path) -> None:
    from relnox.tools.index_server import LocalIndex

    with LocalIndex(tmp_path / "index-data") as index:
        rows = {r.check: r for r in doctor(healthy, repository=index.url).checks}
        assert rows["index demo-core"].status == OK
        assert "no demo-core yet; a first upload creates it" in rows["index demo-core"].detail
        (index.data_dir / "demo_core-0.1.0-py3-none-any.whl").write_bytes(b"released before")
        rows = {r.check: r for r in doctor(healthy, repository=index.url).checks}
        assert rows["index demo-core"].status == ERROR
        assert (
            "already has demo-core 0.1.0; bump to a new version" in rows["index demo-core"].detail
        )
        rows = {r.check: r for r in doctor(healthy, repository=index.url, version="0.2.0").checks}
        assert rows["index demo-core"].status == OK
        assert "up to 0.1.0; 0.2.0 not there yet" in rows["index demo-core"].detail
        (index.data_dir / "demo_agents-7.0.0.tar.gz").write_bytes(b"someone else's")
        rows = {r.check: r for r in doctor(healthy, repository=index.url).checks}
        assert "may belong to another project" in rows["index demo-agents"].detail
    rows = {r.check: r for r in doctor(healthy, repository=index.url).checks}  # index down
    assert rows["index"].status == ERROR and "index demo-core" not in rows
    # no index row without --repository:
    assert not any(r.startswith("index ") for r in {c.check for c in doctor(healthy).checks})


def test_a_setup_py_project_is_not_expected_in_a_lock_of_dependency_groups(
    tmp_path: Path,
) -> None:
    """pyproject.toml holds only [dependency-groups] and tool settings, setup.py builds
    the package: uv locks the groups and never the package, so nothing is missing."""
    setup = "from setuptools import setup\nsetup(name='sdk', version='2.0.0')\n"
    lock = 'version = 1\nrequires-python = ">=3.9"\n\n[manifest]\n\n[[package]]\nname = "pytest"\n'
    files = {
        "setup.py": setup,
        "pyproject.toml": '[dependency-groups]\ndev = ["pytest"]\n',
        "uv.lock": lock,
    }
    root = repo(tmp_path / "r", files)
    (check,) = [c for c in doctor(root).checks if c.check == "uv.lock"]
    assert check.status == OK, check
    (root / "pyproject.toml").write_text('[project]\nname = "sdk"\nversion = "2.0.0"\n')
    (check,) = [c for c in doctor(root).checks if c.check == "uv.lock"]
    assert check.status == ERROR and "sdk is missing" in check.detail


def test_metadata_setup_py_holds_is_named_there_though_setup_cfg_has_a_metadata_table(
    tmp_path: Path,
) -> None:
    """setup() passes the name, version, description and requires-python; setup.cfg's
    ``[metadata]`` holds only ``license_files``: the missing readme is setup.py's to add."""
    setup = (
        "from setuptools import setup\nsetup(name='legacy', version='2.0.1', "
        "description='Legacy.', python_requires='>=3.9')\n"
    )
    files = {"setup.cfg": "[metadata]\nlicense_files = LICENSE\n", "setup.py": setup}
    root = repo(tmp_path / "r", files)
    found = json.loads(run_relnox("doctor", "--json", cwd=root).stdout)
    (row,) = [c for c in found["checks"] if c["check"] == "metadata legacy"]
    assert row["status"] == WARN and row["detail"].startswith("setup.py lacks readme;"), row
    assert row["detail"].endswith("add them to setup()")


def test_metadata_split_between_setup_cfg_and_setup_py_is_read_from_both(tmp_path: Path) -> None:
    """setuptools merges setup.cfg's ``[metadata]`` with setup()'s keywords: a setup.cfg
    holding only ``license_files`` lacks nothing that setup.py passes."""
    setup = (
        "import setuptools\nNAME = 'legacy'\n"
        "setuptools.setup(name=NAME, version='2.0.1', description='Legacy.',\n"
        "    long_description=open('README.md').read(), python_requires='>=3.9')\n"
    )
    files = {
        "setup.cfg": "[metadata]\nlicense_files = LICENSE\n",
        "setup.py": setup,
        "README.md": "# legacy\n",
    }
    root = repo(tmp_path / "r", files)
    rows = {r.check: r for r in doctor(root).checks}
    assert rows["metadata legacy"].status == OK, rows["metadata legacy"]
    assert "license legacy" not in rows
    (root / "setup.py").write_text(setup.replace("version='2.0.1', ", ""), encoding="utf-8")
    (root / "setup.cfg").write_text("[metadata]\nversion = 2.0.1\n", encoding="utf-8")
    rows = {r.check: r for r in doctor(root).checks}
    assert (rows["metadata legacy"].status, rows["license legacy"].status) == (OK, WARN)
    (root / "setup.py").write_text(setup.replace("setuptools.setup(", "setuptools.setup(**kw, "))
    row = {r.check: r for r in doctor(root).checks}["metadata legacy"]
    assert row.status == WARN and "setup.py declares the metadata in code" in row.detail
    filled = "kw = {}\nkw['long_description'] = 'x'\n"  # a dict filled in after it is made
    (root / "setup.py").write_text(
        filled + setup.replace("setuptools.setup(", "setuptools.setup(**kw, ")
    )
    row = {r.check: r for r in doctor(root).checks}["metadata legacy"]
    assert row.status == WARN and "setup.py declares the metadata in code" in row.detail
    # a setup() in each branch (with its C extension, or pure): each passes what it names
    branches = (
        "import os\nfrom setuptools import Extension, setup\n"
        "if os.environ.get('PURE'):\n    setup()\nelse:\n"
        "    setup(ext_modules=[Extension('legacy._speedups', ['legacy/_speedups.c'])])\n"
    )
    metadata = (
        "[metadata]\nname = legacy\nversion = 2.0.1\ndescription = Legacy.\n"
        "long_description = file: README.md\nlicense = MIT\n\n[options]\npython_requires = >=3.9\n"
    )
    (root / "setup.py").write_text(branches, encoding="utf-8")
    (root / "setup.cfg").write_text(metadata, encoding="utf-8")
    assert {r.check: r for r in doctor(root).checks}["metadata legacy"].status == OK
    (root / "setup.py").write_text(branches.replace("setup()", "setup(description='Pure.')"))
    assert {r.check: r for r in doctor(root).checks}["metadata legacy"].status == OK


@pytest.mark.parametrize(
    ("version", "release"),
    [("3.2.0.dev", "3.2.0"), ("3.2.0rc1.dev2", "3.2.0rc1"), ("3.2.0+dev", "3.2.0")],
)
def test_a_development_version_is_written_under_the_section_of_its_release(
    tmp_path: Path, version: str, release: str
) -> None:
    """``version = "3.2.0.dev"`` with a ``Version 3.2.0`` / ``Unreleased`` section (over
    underlines): the section is that version's, not a missing one; without it, the
    heading suggested is the release's, never the ``.dev`` one's."""
    changes = (
        f"Version {release}\n-------------\n\nUnreleased\n\n-   Fix a thing.\n\n\n"
        "Version 3.1.0\n-------------\n\nReleased 2025-01-01\n\n-   Older.\n"
    )
    files = {
        "pyproject.toml": '[build-system]\nrequires = ["setuptools"]\n'
        'build-backend = "setuptools.build_meta"\n',
        "setup.cfg": SETUP_CFG,
        "signals/__init__.py": f'__version__ = "{version}"\n',
        "README.rst": "signals\n=======\n\nText.\n",
        "CHANGES.rst": changes,
    }
    root = repo(tmp_path / "r", files, tags=["3.1.0"])
    row = {r.check: r for r in doctor(root).checks}["changelog signals"]
    assert row.status == OK, row
    assert row.detail == f"CHANGES.rst has a section for {release}, the release of {version}"
    older = changes.replace(release, "3.1.1").replace("Unreleased", "Released 2025-02-01")
    (root / "CHANGES.rst").write_text(older, encoding="utf-8")
    row = {r.check: r for r in doctor(root).checks}["changelog signals"]
    assert row.status == WARN
    assert f"no section for {release} and" in row.detail, row
    assert f"add 'Version {release}' underlined" in row.detail, row


def test_a_pre_release_is_written_under_the_section_of_its_final_release(
    tmp_path: Path,
) -> None:
    """The shape: at ``2.4.0rc1`` its changelog's newest section is ``Version 2.4.0``,
    written ahead for the release candidates and the release; doctor said there was no
    section for 2.4.0rc1. A section of the rc itself still wins."""
    changes = (
        "Version 2.4.0\n-------------\n\n* New.\n\n\nVersion 2.3.0\n-------------\n\n* Older.\n"
    )
    files = {
        "pyproject.toml": '[build-system]\nrequires = ["setuptools"]\n'
        'build-backend = "setuptools.build_meta"\n',
        "setup.cfg": SETUP_CFG,
        "signals/__init__.py": '__version__ = "2.4.0rc1"\n',
        "README.rst": "signals\n=======\n\nText.\n",
        "CHANGES.rst": changes,
    }
    root = repo(tmp_path / "r", files, tags=["2.3.0"])
    row = {r.check: r for r in doctor(root).checks}["changelog signals"]
    assert (row.status, row.detail) == (
        OK,
        "CHANGES.rst has a section for 2.4.0, the release 2.4.0rc1 leads to",
    )
    (root / "CHANGES.rst").write_text(changes.replace("2.4.0", "2.5.0"), encoding="utf-8")
    row = {r.check: r for r in doctor(root).checks}["changelog signals"]
    assert row.status == WARN and "no section for 2.4.0rc1" in row.detail


@pytest.mark.parametrize(
    ("version", "heading", "status"),
    [
        ("7.0.0.dev0", "## 7.0.0 (unreleased)", OK),
        ("2.4.0+dev", "## [2.4.0]", OK),
        ("3.7rc0.dev0", "## 3.7rc0", OK),
        ("7.0.0.dev0", "## 6.0.3", WARN),
    ],
)
def test_a_development_version_is_covered_by_its_release_s_section(
    tmp_path: Path, version: str, heading: str, status: str
) -> None:
    """main at 7.0.0.dev0 works toward 7.0.0: a section for the
    release is the one it needs, and the one the warning asks for."""
    files = {
        "pyproject.toml": f'[project]\nname = "devpkg"\nversion = "{version}"\n'
        'description = "d"\n\n[build-system]\nrequires = ["hatchling"]\n'
        'build-backend = "hatchling.build"\n',
        "devpkg/__init__.py": "",
        "CHANGELOG.md": f"# Changelog\n\n{heading}\n\n- work\n",
    }
    root = repo(tmp_path / "r", files, tags=["v6.0.3"])
    [row] = [c for c in doctor(root).checks if c.check == "changelog devpkg"]
    assert row.status == status, row
    if status == WARN:
        assert row.detail.startswith("CHANGELOG.md has no section for 7.0.0 and no Unreleased")


def test_a_development_version_s_section_is_named_as_the_bump_spells_its_release(
    tmp_path: Path,
) -> None:
    """6.1.dev0 after v6.0.0 is released as 6.1.0 (the releases are three numbers long): the
    section doctor asks for is the version the bump gives, from the one next-version rule."""
    files = {
        "pyproject.toml": '[project]\nname = "devpkg"\nversion = "6.1.dev0"\n'
        'description = "d"\n\n[build-system]\nrequires = ["hatchling"]\n'
        'build-backend = "hatchling.build"\n',
        "devpkg/__init__.py": "",
        "CHANGELOG.md": "# Changelog\n\n## 6.0.0\n\n- work\n",
    }
    root = repo(tmp_path / "r", files, tags=["v6.0.0"])
    [row] = [c for c in doctor(root).checks if c.check == "changelog devpkg"]
    assert row.status == WARN, row
    assert row.detail.startswith("CHANGELOG.md has no section for 6.1.0 and no Unreleased"), row


def test_a_readme_setup_py_builds_on_is_a_warning_not_an_error(tmp_path: Path) -> None:
    """setup.py's ``long_description=make_long_description()`` fills in README.rst's
    ``.. include::`` (this shape): README.rst alone does not render, but it is not what
    is uploaded, so doctor warns and leaves it to build-all's twine check."""
    setup_py = (
        "from setuptools import setup\n\n\ndef make_long_description():\n"
        "    text = open('README.rst').read()\n"
        "    return text.replace('.. include:: docs/about.rst', open('docs/about.rst').read())\n"
        "\n\nsetup(name='incl', version='1.0', packages=['incl'],\n"
        "      long_description=make_long_description())\n"
    )
    files = {
        "pyproject.toml": '[build-system]\nrequires = ["setuptools"]\n'
        'build-backend = "setuptools.build_meta"\n',
        "setup.cfg": "[metadata]\nlong_description_content_type = text/x-rst\n",
        "setup.py": setup_py,
        "README.rst": "incl\n====\n\n.. include:: docs/about.rst\n",
        "docs/about.rst": "About.\n",
        "incl/__init__.py": "",
    }
    root = repo(tmp_path / "r", files)
    [row] = [c for c in doctor(root).checks if c.check == "readme incl"]
    assert row.status == WARN and "setup.py (long_description=...) builds the" in row.detail, row
    (root / "setup.cfg").write_text("[metadata]\nlong_description = file: README.rst\n")
    [row] = [c for c in doctor(root).checks if c.check == "readme incl"]
    assert row.status == ERROR, row


def test_a_readme_a_metadata_hook_builds_on_is_a_warning_not_an_error(tmp_path: Path) -> None:
    """The shape: ``dynamic = ["readme"]`` and a hatch metadata hook that
    drops README.rst's raw HTML (GitHub's sponsor logos) before it is uploaded: README.rst
    alone does not render, but it is not what is uploaded, so doctor warns and leaves it to
    build-all's twine check. setuptools' dynamic readme file is uploaded as it is."""
    pyproject = project("hooked", "1.0", extra="\n[tool.hatch.metadata.hooks.custom]\n")
    pyproject = pyproject.replace('version = "1.0"', 'version = "1.0"\ndynamic = ["readme"]')
    files = {
        "pyproject.toml": pyproject,
        "README.rst": "hooked\n======\n\n.. raw:: html\n\n   <p>logos</p>\n",
        "hooked/__init__.py": "",
    }
    root = repo(tmp_path / "r", files)
    [row] = [c for c in doctor(root).checks if c.check == "readme hooked"]
    assert row.status == WARN and "a metadata hook of the build backend" in row.detail, row
    setuptools = project("hooked", "1.0", backend="setuptools")
    setuptools = setuptools.replace('version = "1.0"', 'version = "1.0"\ndynamic = ["readme"]')
    setuptools += '\n[tool.setuptools.dynamic]\nreadme = {file = ["README.rst"]}\n'
    (root / "pyproject.toml").write_text(setuptools)
    [row] = [c for c in doctor(root).checks if c.check == "readme hooked"]
    assert row.status == ERROR, row


def test_a_readme_nothing_uploads_is_not_checked_for_rendering(tmp_path: Path) -> None:
    """The shape: setup.py's ``long_description=`` is commented out and setup.cfg names
    no readme, so README.rst is no project page; its rendering was an error. Passing it
    makes it one again."""
    setup_py = (
        "from setuptools import setup\n\n\ndef readme():\n    return open('README.rst').read()\n"
        "\n\nsetup(name='plain', version='1.0', packages=['plain'])\n"
    )
    files = {
        "pyproject.toml": '[build-system]\nrequires = ["setuptools"]\n'
        'build-backend = "setuptools.build_meta"\n',
        "setup.py": setup_py,
        "setup.cfg": "[metadata]\nlicense_file = LICENSE\n",
        "README.rst": "plain\n=====\n\nplain as part of a subscription\n=======\n",
        "plain/__init__.py": "",
    }
    root = repo(tmp_path / "r", files)
    assert not [c for c in doctor(root).checks if c.check == "readme plain"]
    passed = setup_py.replace("packages=['plain']", "packages=['plain'], long_description=readme()")
    (root / "setup.py").write_text(passed)
    [row] = [c for c in doctor(root).checks if c.check == "readme plain"]
    assert row.status in (WARN, ERROR) and "does not render" in row.detail, row


def test_a_readme_written_in_pyproject_is_the_project_page_not_the_readme_file(
    tmp_path: Path,
) -> None:
    """``readme = {text = "...", content-type = "text/x-rst"}``: the project page is the text
    in the table, and README.md beside it (markdown that is no valid reStructuredText) is
    the repository's page; doctor read README.md as reStructuredText and called it an error."""
    readme = '\nreadme = {text = """\nInline\n======\n\nText.\n""", content-type = "text/x-rst"}\n'
    pyproject = project("inline", "1.0").replace('version = "1.0"', f'version = "1.0"{readme}')
    files = {
        "pyproject.toml": pyproject,
        "README.md": "Title\n-----\n\n- item:\n  continued\n    indented more\n",
        "inline/__init__.py": "",
    }
    root = repo(tmp_path / "r", files)
    assert not [c for c in doctor(root).checks if c.check == "readme inline"]


def test_pbr_takes_the_version_from_the_tags_and_its_setup_cfg_names_count(
    tmp_path: Path,
) -> None:
    """The shape: no pyproject.toml, ``setup(setup_requires=["pbr"], pbr=True)``, and
    setup.cfg's ``[metadata]`` says ``summary`` and ``description_file`` (pbr's names) and
    no version. The version is the tag's (relnox refused: "setup.py computes the
    version"), and doctor does not ask for a version, description or readme there; a
    setup.cfg version is pbr's own and is read as before."""
    setup_py = (
        "import setuptools\n\nsetuptools.setup(python_requires='>=3.10', "
        "setup_requires=['pbr>=2.0.0'], pbr=True)\n"
    )
    cfg = (
        "[metadata]\nname = sentry\nsummary = Finds things.\ndescription_file =\n"
        "    README.rst\nlicense = Apache-2.0\n"
    )
    files = {
        "setup.py": setup_py,
        "setup.cfg": cfg,
        "README.rst": "sentry\n======\n\nFinds things.\n",
        "sentry/__init__.py": "",
    }
    root = repo(tmp_path / "r", files, tags=["1.9.4"])
    (pkg,) = load_workspace(root).packages
    assert (pkg.version, pkg.version_source) == ("1.9.4", "vcs")
    assert "pbr" in pkg.evidence
    [row] = [c for c in doctor(root).checks if c.check == "metadata sentry"]
    assert row.status == OK, row
    (root / "setup.cfg").write_text(cfg.replace("[metadata]\n", "[metadata]\nversion = 2.0.0\n"))
    (pkg,) = load_workspace(root).packages
    assert (pkg.version, pkg.version_source) != ("1.9.4", "vcs")


def test_setuptools_aliases_in_setup_cfg_count_as_the_fields_they_stand_for(
    tmp_path: Path,
) -> None:
    """mock's setup.cfg says ``summary`` (setuptools' alias of description) and
    ``home-page`` with no pbr: doctor said it lacked a description."""
    setup_py = (
        "import setuptools\n\nsetuptools.setup(version='5.2.0', "
        "long_description=open('README.rst').read())\n"
    )
    cfg = (
        "[metadata]\nname = mockish\nsummary = Mocks things.\nhome-page = https://example.org\n"
        "classifier =\n    License :: OSI Approved :: BSD License\n\n"
        "[options]\npython_requires = >=3.6\n"
    )
    files = {
        "setup.py": setup_py,
        "setup.cfg": cfg,
        "README.rst": "mockish\n=======\n\nMocks.\n",
        "mockish/__init__.py": "",
    }
    root = repo(tmp_path / "r", files, tags=["5.2.0"])
    [row] = [c for c in doctor(root).checks if c.check == "metadata mockish"]
    assert row.status == OK, row


def test_a_tag_on_the_commit_before_its_release_commit_is_a_release(tmp_path: Path) -> None:
    """The shape: its release bot tags the merged commit, then commits "Release
    0.324.0" on top, release after release; the tag's commit still says the old version.
    doctor called that an error ("delete or move that tag"); a tag whose next commit does
    not set it still is (and so is one tag made too early in a history that tags release
    commits: test_tag_on_a_commit_with_another_version)."""
    from tests.shapes import commit, project

    root = repo(tmp_path / "r", {"pyproject.toml": project("berry", "0.323.1")}, tags=["0.323.1"])
    commit(root, {"berry.py": "x = 0\n"}, "0.323.2", message="fix")
    commit(root, {"pyproject.toml": project("berry", "0.323.2")}, message="Release 0.323.2")
    commit(root, {"berry.py": "x = 1\n"}, "0.324.0", message="feature")
    commit(root, {"pyproject.toml": project("berry", "0.324.0")}, message="Release 0.324.0")
    [row] = [c for c in doctor(root).checks if c.check == "tags berry"]
    assert row.status == OK and "tags the commit right before" in row.detail, row
    commit(root, {"berry.py": "x = 2\n"}, "0.325.0", message="later")
    commit(root, {"berry.py": "x = 3\n"}, message="more")
    commit(root, {"pyproject.toml": project("berry", "0.325.0")}, message="Release 0.325.0")
    [row] = [c for c in doctor(root).checks if c.check == "tags berry"]
    assert row.status == ERROR and "delete or move that tag" in row.detail, row


STAMPS = (
    "on:\n  push:\n    tags: ['*']\njobs:\n  pypi:\n    steps:\n"
    '      - run: sed -i "s/version=.*/version=\\"$TAG\\"/" pyproject.toml\n'
    "      - run: uv build\n      - uses: pypa/gh-action-pypi-publish@release/v1\n"
)


@pytest.mark.parametrize("stamps", [True, False])
def test_a_tag_before_the_release_commit_is_a_release_when_the_workflow_stamps_it(
    tmp_path: Path, stamps: bool
) -> None:
    """The shape: tag 3.3.1 on a commit whose pyproject says 3.3.0, its publishing
    workflow seds the tag's version into pyproject.toml and builds, and a bot commits
    "Update versions for 3.3.1" after; release after release. doctor said to delete the
    tag (a workflow builds the tagged commit); a workflow that writes the version first
    builds the release. One that does not leaves the error."""
    from tests.shapes import commit, project

    workflow = STAMPS if stamps else STAMPS.replace("pyproject.toml", "README.md")
    files = {"pyproject.toml": project("dsp", "3.2.0"), ".github/workflows/release.yml": workflow}
    root = repo(tmp_path / "r", files, tags=["3.2.0"])
    commit(root, {"dsp.py": "x = 1\n"}, "3.2.1", message="fix")
    commit(root, {"pyproject.toml": project("dsp", "3.2.1")}, message="Update versions for 3.2.1")
    commit(root, {"dsp.py": "x = 2\n"}, "3.3.1", message="fix")
    commit(root, {"pyproject.toml": project("dsp", "3.3.1")}, message="Update versions for 3.3.1")
    [row] = [c for c in doctor(root).checks if c.check == "tags dsp"]
    if stamps:
        assert row.status == OK and "tags the commit right before" in row.detail, row
    else:
        assert row.status == ERROR and "delete or move that tag" in row.detail, row


def test_a_package_released_beside_the_uv_workspace_is_not_expected_in_its_lock(
    tmp_path: Path,
) -> None:
    """A root project whose uv workspace has one member, and ``integrations/aws`` that no
    workspace lists but its tags release: uv never locks it, so it is not missing; a
    member that is missing still is."""
    from tests.shapes import project

    lock = (
        'version = 1\nrequires-python = ">=3.9"\n\n'
        '[[package]]\nname = "flow"\nversion = "3.8.0"\nsource = { editable = "." }\n\n'
        '[[package]]\nname = "flow-core"\nversion = "1.0.0"\nsource = { editable = "core" }\n'
    )
    members = '[tool.uv.workspace]\nmembers = ["core"]\n'
    files = {
        "pyproject.toml": project("flow", "3.8.0", extra=members),
        "core/pyproject.toml": project("flow-core", "1.0.0"),
        "integrations/aws/pyproject.toml": project("flow-aws", "0.7.11"),
        "uv.lock": lock,
    }
    root = repo(tmp_path / "r", files, tags=["3.8.0", "flow-core-v1.0.0", "flow-aws-0.7.11"])
    assert "flow-aws" in [p.name for p in load_workspace(root).packages]
    (check,) = [c for c in doctor(root).checks if c.check == "uv.lock"]
    assert check.status == OK, check
    (root / "uv.lock").write_text(lock.split('\n\n[[package]]\nname = "flow-core"')[0] + "\n")
    (check,) = [c for c in doctor(root).checks if c.check == "uv.lock"]
    assert check.status == ERROR and check.detail.startswith("out of date (flow-core is missing)")


PUBLISH = (
    "on:\n  push:\n    tags:\n      - 'v[0-9]+.[0-9]+.[0-9]+*'\n"
    "      - '!v[0-9]+.[0-9]+.[0-9]-rc0'\n"
    "jobs:\n  pypi:\n    steps:\n      - run: hatch publish\n"
)
DOCKER = "on:\n  push:\n    tags:\n      - 'v[0-9]+.[0-9]+.[0-9]+*'\njobs: {}\n"


@pytest.mark.parametrize("publish", [PUBLISH, PUBLISH.replace("-rc0'", "-rc1'")])
def test_a_tag_the_publishing_workflow_skips_is_a_marker_not_a_wrong_release(
    tmp_path: Path, publish: str
) -> None:
    """``v3.2.0-rc0`` on the commit before VERSION.txt says 3.2.0-rc0 (a branch-off
    marker; its PyPI workflow skips ``-rc0`` tags, a docker workflow does not publish): a
    warning that it is a marker, not an error telling to delete it. A workflow that does
    publish on the tag leaves it the error it is."""
    pyproject = (
        '[project]\nname = "hay"\ndynamic = ["version"]\n[build-system]\n'
        'requires = ["hatchling"]\nbuild-backend = "hatchling.build"\n'
        '[tool.hatch.version]\npath = "VERSION.txt"\npattern = "(?P<version>.+)"\n'
    )
    files = {
        "pyproject.toml": pyproject,
        "VERSION.txt": "3.1.0-rc0\n",
        "hay/__init__.py": "",
        ".github/workflows/pypi.yml": publish,
        ".github/workflows/docker.yml": DOCKER,
    }
    root = repo(tmp_path / "r", files, tags=["v3.0.0", "v3.1.0-rc0", "v3.2.0-rc0"])
    (root / "VERSION.txt").write_text("3.2.0-rc0\n")
    subprocess.run(["git", "commit", "-qam", "unstable 3.2"], cwd=root, check=True)
    [row] = [c for c in doctor(root).checks if c.check == "tags hay"]
    if "-rc0'" in publish:
        assert row.status == WARN
        assert row.detail.startswith("tag v3.2.0-rc0 marks a commit at 3.1.0-rc0, and no ")
        assert "a marker, not the release of 3.2.0-rc0" in row.detail
    else:
        assert (row.status, row.detail) == (
            ERROR,
            "tag v3.2.0-rc0 points at a commit whose version is 3.1.0-rc0; delete or move that tag",
        )


def test_a_direct_reference_among_the_dependencies_is_a_warning(tmp_path: Path) -> None:
    """The shape between releases: ``poetry-core @ git+https://...`` in [project]
    dependencies. PyPI refuses such an upload: doctor warns, naming the requirement; a
    direct reference in a dependency group (never in the metadata) is not named."""
    from tests.shapes import project

    extra = (
        '[project.optional-dependencies]\ncli = ["clee @ https://example.invalid/clee.whl"]\n'
        '[dependency-groups]\ndev = ["tool @ git+https://example.invalid/tool.git"]\n'
    )
    files = {
        "pyproject.toml": project(
            "poetish",
            "2.5.0",
            requires=["core @ git+https://example.invalid/core.git"],
            extra=extra,
        ),
        "poetish/__init__.py": "",
    }
    root = repo(tmp_path / "r", files, tags=["2.4.1"])
    row = {r.check: r for r in doctor(root).checks}["dependencies poetish"]
    assert row.status == WARN, row
    assert "'core @ git+https://example.invalid/core.git'" in row.detail
    assert "'clee @ https://example.invalid/clee.whl'" in row.detail
    assert "tool @" not in row.detail and "PyPI and TestPyPI refuse" in row.detail


def test_towncrier_s_changelog_file_and_its_overlined_titles_are_read(tmp_path: Path) -> None:
    """The shape: ``[tool.towncrier] filename = "docs/changelog.rst"`` (no CHANGELOG.md
    at the root), whose releases are reST titles over- and underlined with ``*``, each with
    underlined sub-sections. doctor reads that file and its section; a missing one is
    suggested in the same style, and fragments waiting after a tagged release are the next
    release's, not the tagged one's."""
    from tests.shapes import project

    changes = (
        "#################\n Release History\n#################\n\n"
        ".. towncrier release notes start\n\n"
        "**********************\n v4.58.0 (2026-07-21)\n**********************\n\n"
        "Bug fixes - 4.58.0\n==================\n\n- Fix a thing.\n\n"
        "**********************\n v4.57.2 (2026-07-20)\n**********************\n\n"
        "Features - 4.57.2\n=================\n\n- Older.\n"
    )
    extra = '[tool.towncrier]\nname = "toxish"\nfilename = "docs/changelog.rst"\n'
    files = {
        "pyproject.toml": project("toxish", "4.58.0", extra=extra),
        "toxish/__init__.py": "",
        "docs/changelog.rst": changes,
    }
    root = repo(tmp_path / "r", files, tags=["4.57.2", "4.58.0"])
    row = {r.check: r for r in doctor(root).checks}["changelog toxish"]
    assert row.detail == "docs/changelog.rst has a section for 4.58.0", row
    notes = run_relnox("release-notes", "4.58.0", "-o", "-", cwd=root, check=True).stdout
    assert "- Fix a thing." in notes and "Older" not in notes
    (root / "docs/changelog.rst").write_text(changes.replace("4.58.0", "4.56.0"))
    row = {r.check: r for r in doctor(root).checks}["changelog toxish"]
    assert row.status == WARN
    assert "add 'v4.58.0 (YYYY-MM-DD)' over- and underlined with ****" in row.detail, row
    # fragments waiting while 4.58.0 is tagged already: they are the next release's section
    (root / "newsfragments").mkdir()
    (root / "newsfragments/1.bugfix.rst").write_text("Fix another thing.\n")
    row = {r.check: r for r in doctor(root).checks}["changelog toxish"]
    assert row.detail == (
        "newsfragments: 1 towncrier fragment becomes the next release's section on towncrier build"
    ), row


@pytest.mark.parametrize(
    ("heading", "hint"),
    [
        (
            "## [1.52.0](https://github.com/o/r/compare/1.51.0...1.52.0)",
            "'## [1.53.0](https://github.com/o/r/compare/1.52.0...1.53.0)'",
        ),
        (
            "## [v1.52.0](https://github.com/o/r/compare/v1.51.0...v1.52.0) (2026-01-02)",
            "'## [v1.53.0](https://github.com/o/r/compare/v1.52.0...v1.53.0) (YYYY-MM-DD)'",
        ),
        ("## 1.52.0 (2026-01-02)", "'## 1.53.0 (YYYY-MM-DD)'"),
        # a date in words was copied into the suggestion: '## v1.53.0 (2025 Des 9)'
        ("## v1.52.0 (2025 Des 9)", "'## v1.53.0 (YYYY-MM-DD)'"),
        ("## Version 1.52.0 - July 29, 2026", "'## Version 1.53.0 - YYYY-MM-DD'"),
        ("## 1.52.0 [2026/01/02]", "'## 1.53.0 [YYYY-MM-DD]'"),
        # a link to the release's page on the index kept the old version
        (
            "## [Version 1.52.0](https://example.org/project/o/1.52.0/) (2026-06-13)",
            "'## [Version 1.53.0](https://example.org/project/o/1.53.0/) (YYYY-MM-DD)'",
        ),
    ],
)
def test_the_suggested_heading_links_the_new_releases_changes(
    tmp_path: Path, heading: str, hint: str
) -> None:
    """The shape: each release heading links its compare view; the heading doctor
    suggests for the next version compares the last release with it, not the two before."""
    path = tmp_path / "CHANGELOG.md"
    path.write_text(f"# Changelog\n\n## [Unreleased]\n\n{heading}\n\n- Old.\n", encoding="utf-8")
    assert heading_like(path, "1.53.0") == hint


def test_the_heading_suggested_for_a_rest_changelog_with_no_section_is_rest(
    tmp_path: Path,
) -> None:
    """A CHANGES.rst with no release section to copy: the hint is a reST title, not
    Markdown's ``## [1.0.0]`` (which reST would print as text)."""
    path = tmp_path / "CHANGES.rst"
    path.write_text("Changelog\n=========\n\nNothing yet.\n", encoding="utf-8")
    title = "1.0.0 (YYYY-MM-DD)"
    assert heading_like(path, "1.0.0") == (
        f"'{title}' underlined with {'-' * len(title)} (or entries under 'Unreleased' "
        "underlined with ----------)"
    )
    assert heading_like(tmp_path / "CHANGELOG.md", "1.0.0").startswith("## [1.0.0]")


def test_a_restructuredtext_changelog_with_no_release_is_asked_for_an_underlined_heading(
    tmp_path: Path,
) -> None:
    """The shape: CHANGES is reStructuredText (``MOVED`` over and under ``=====``) with
    no release section to copy; doctor asked for Markdown's ``## [1.19.2]`` there."""
    from relnox.release.doctor_package import heading_like

    rst = tmp_path / "CHANGES"
    rst.write_text("=====\nMOVED\n=====\n\nPlease see the docs.\n", encoding="utf-8")
    assert heading_like(rst, "1.19.2").startswith(
        "'1.19.2 (YYYY-MM-DD)' underlined with -------------------"
    )
    md = tmp_path / "CHANGELOG.md"
    md.write_text("# Changelog\n\nNothing yet.\n", encoding="utf-8")
    assert heading_like(md, "1.19.2").startswith("## [1.19.2]")


@pytest.mark.parametrize(("make", "said"), [("dir", "a directory"), ("link", "a link to nothing")])
def test_a_changelog_that_is_no_file_is_said_so(healthy: Path, make: str, said: str) -> None:
    """CHANGELOG.md a directory or a link to nothing: doctor said there was no CHANGELOG.md."""
    changelog = healthy / "CHANGELOG.md"
    changelog.unlink()
    changelog.mkdir() if make == "dir" else changelog.symlink_to(healthy / "gone.md")
    rows = [c for c in doctor(healthy).checks if c.check.startswith("changelog ")]
    assert rows, rows
    assert all(
        r.detail.startswith(f"CHANGELOG.md is {said} where the changelog should be") for r in rows
    ), rows


def _tagged_on(root: Path, version: str, day: str) -> None:
    """A commit setting ``version`` and its lightweight tag, both made on ``day``."""
    commit(root, {"pyproject.toml": project("daily", version)}, message=version)
    when = f"{day}T15:00:00Z"
    env = {**os.environ, "GIT_AUTHOR_DATE": when, "GIT_COMMITTER_DATE": when}
    amend = ["git", "commit", "-q", "--amend", "--no-edit", "--date", when]
    subprocess.run(amend, cwd=root, env=env, check=True, capture_output=True)
    git(root, "tag", version)


@pytest.mark.parametrize(
    ("versions", "dated"), [(("2025.9.25", "2025.12.19"), True), (("1.1.0", "1.2.0"), False)]
)
def test_a_dev_version_after_its_release_in_this_history_is_no_other_branch(
    tmp_path: Path, versions: tuple[str, str], dated: bool
) -> None:
    """Back to development: 2025.12.19 is tagged, then the file says
    2025.12.19.dev1. The tag is in HEAD's history, not on another branch (doctor said
    'merge that branch'); with versions that are release days a bump gives today's date,
    so it is no error."""
    root = repo(tmp_path / "r", {"README.md": "daily\n"})
    days = ("2025-09-25", "2025-12-19")
    for version, day in zip(versions, days, strict=True):
        _tagged_on(root, version, day)
    commit(root, {"pyproject.toml": project("daily", f"{versions[-1]}.dev1")})
    [row] = [c for c in doctor(root).checks if c.check == "tags daily"]
    if dated:
        assert row.status == OK and "development after 2025.12.19" in row.detail, row
    else:
        assert row.status == ERROR and "on another branch" not in row.detail, row
        assert "which tag 1.2.0 in this branch's history already released" in row.detail


def test_a_dev_version_of_a_short_release_names_the_tag_as_written(tmp_path: Path) -> None:
    """A maintenance branch: the file says 5.25.dev0 (the release sets its version at build
    time) and ``5.25.0`` tags a commit of this history; doctor named a tag ``5.25`` that
    does not exist and said it was on another branch."""
    root = repo(tmp_path / "r", {"pyproject.toml": project("daily", "5.25.dev0")}, tags=["5.24.0"])
    commit(root, {"README.md": "daily\n"}, "5.25.0")
    commit(root, {"README.md": "daily, later\n"})
    [row] = [c for c in doctor(root).checks if c.check == "tags daily"]
    assert row.status == ERROR, row
    assert row.detail == (
        "5.25.dev0 leads to 5.25, which tag 5.25.0 in this branch's history already "
        "released; set the version above 5.25.0"
    )


def test_doctor_asks_git_as_often_for_many_packages_as_for_few(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Large monorepos (hundreds of packages, each tagged ``name_1.2.3``):
    doctor asked git per package whether its tag exists, which commit it names (twice) and
    its version file there, four processes each (600 packages: 2,400, 7.6 s). One read of
    the tags and one ``cat-file`` answer them all."""
    from relnox.tools import git as git_tool

    calls: list[tuple[str, ...]] = []
    asked = git_tool.run

    def counted(where: Path, *args: str, **kwargs: Any) -> Any:
        calls.append(args)
        return asked(where, *args, **kwargs)

    monkeypatch.setattr(git_tool, "run", counted)
    per_size = []
    for count in (3, 12):
        files = {"pyproject.toml": '[tool.uv.workspace]\nmembers = ["packages/*"]\n'}
        names = [f"pkg{i:02d}" for i in range(count)]
        for name in names:
            files[f"packages/{name}/pyproject.toml"] = project(name, "1.0.0")
            files[f"packages/{name}/{name}/__init__.py"] = ""
        root = repo(tmp_path / str(count), files, [f"{name}_1.0.0" for name in names])
        calls.clear()
        report = doctor(root)
        assert [c.status for c in report.checks if c.check.startswith("tags ")] == ["ok"] * count
        per_size.append(sum(1 for c in calls if c[:1] in (("rev-parse",), ("show",))))
    assert per_size[0] == per_size[1]


def test_the_tag_a_development_version_waits_for_is_its_release_s(tmp_path: Path) -> None:
    """A branch saying the next release plus ``+dev`` (or ``.dev0``) waits for the release's
    tag (``v2.4.0``); doctor named ``v2.4.0+dev``, a tag nobody makes."""
    files = {"pyproject.toml": project("devline", "2.4.0+dev"), "devline/__init__.py": ""}
    root = repo(tmp_path / "r", files, tags=["v2.3.1"])
    [row] = [c for c in doctor(root).checks if c.check == "tags devline"]
    assert row.status == OK and row.detail.startswith(
        "v2.4.0 (the release of 2.4.0+dev) not created yet"
    ), row
    # ``0.14-dev`` after ``0.13.0``: the bump releases it as 0.14.0, so it waits for v0.14.0
    files = {"pyproject.toml": project("devline", "0.14-dev"), "devline/__init__.py": ""}
    root = repo(tmp_path / "short", files, tags=["v0.13.0"])
    [row] = [c for c in doctor(root).checks if c.check == "tags devline"]
    assert row.detail.startswith("v0.14.0 (the release of 0.14-dev) not created yet"), row


def test_a_lock_per_package_reads_each_pyproject_once_and_only_the_locks_own_entries(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Servers side by side, each with its own uv.lock of many third-party entries: the
    lock check parses each package's pyproject.toml once at most (not once per lock) and
    no third-party entry; a lock whose project is behind its pyproject.toml is still an
    error, and one whose local entry has no version (a dynamic one) is current."""
    import importlib
    from collections import Counter

    doctor_module = importlib.import_module("relnox.release.doctor")

    def lock(name: str, version: str | None) -> str:
        third = "".join(
            f'\n[[package]]\nname = "dep{n}"\nversion = "1.{n}"\n'
            f'source = {{ registry = "https://example.invalid/simple" }}\n'
            f'dependencies = [\n    {{ name = "dep{n + 1}", source = {{ editable = "x" }} }},\n]\n'
            for n in range(5)
        )
        own = f'version = "{version}"\n' if version else ""
        local = f'\n[[package]]\nname = "{name}"\n{own}source = {{ editable = "." }}\n'
        meta = '\n[package.metadata]\nrequires-dist = [{ name = "dep0" }]\n'
        return 'version = 1\nrequires-python = ">=3.9"\n' + third + local + meta

    files: dict[str, str] = {}
    for n in range(4):
        files[f"src/srv{n}/pyproject.toml"] = project(f"srv{n}", "1.0.0")
        files[f"src/srv{n}/uv.lock"] = lock(f"srv{n}", "1.0.0" if n else None)
    root = repo(tmp_path / "r", files)
    parsed: Counter[str] = Counter()
    real = doctor_module.load_toml

    def counted(path: Path) -> dict[str, object]:
        parsed[path.relative_to(root).as_posix()] += 1
        return dict(real(path))

    monkeypatch.setattr(doctor_module, "load_toml", counted)
    checks = [c for c in doctor(root).checks if c.check.startswith("uv.lock")]
    assert [c.status for c in checks] == [OK] * 4, checks
    assert not any(p.endswith("uv.lock") for p in parsed), parsed
    assert max(parsed.values()) == 1, parsed
    (root / "src/srv2/uv.lock").write_text(lock("srv2", "0.9.0"), encoding="utf-8")
    (stale,) = [c for c in doctor(root).checks if c.check == "uv.lock src/srv2"]
    assert stale.status == ERROR and "srv2 0.9.0 != 1.0.0" in stale.detail, stale
