"""version_bump end to end: every version source, dependents, uv.lock, changelogs, git."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest

from relnox.bump import BumpOptions, apply_bump, plan_bump
from relnox.errors import ConfigError, GitError, RelnoxError, VersionError
from relnox.project.discovery import load_workspace
from relnox.release.doctor import doctor
from relnox.sample import (
    ProjectSpec,
    git_commit_all,
    git_env,
    git_init,
    write_project,
    write_workspace,
)
from tests.bump_support import error_lines, git_state, run_git, snapshot, write_files
from tests.conftest import run_relnox
from tests.shapes import commit, git, project, repo

DAY = date(2026, 5, 3)

# -- one project per version source ----------------------------------------------------


def _project_version(root: Path) -> set[str]:
    write_project(root, ProjectSpec("srcpkg", "1.2.3", "hatchling"))
    return {"pyproject.toml", "srcpkg/__init__.py"}


def _poetry(root: Path) -> set[str]:
    write_project(root, ProjectSpec("srcpkg", "1.2.3", "poetry"))
    return {"pyproject.toml", "srcpkg/__init__.py"}


def _flit(root: Path) -> set[str]:
    write_project(root, ProjectSpec("srcpkg", "1.2.3", "flit"))
    return {"srcpkg/__init__.py"}


HEAD = '[project]\nname = "srcpkg"\ndynamic = ["version"]\n'


def _hatch_path(root: Path) -> set[str]:
    write_files(
        root,
        {
            "pyproject.toml": HEAD + '\n[tool.hatch.version]\npath = "src/srcpkg/__about__.py"\n'
            '\n[build-system]\nrequires = ["hatchling"]\nbuild-backend = "hatchling.build"\n',
            "src/srcpkg/__init__.py": "from srcpkg.__about__ import __version__\n",
            "src/srcpkg/__about__.py": '__version__ = "1.2.3"\n',
        },
    )
    return {"src/srcpkg/__about__.py"}


def _setuptools_attr(root: Path) -> set[str]:
    write_files(
        root,
        {
            "pyproject.toml": HEAD
            + '\n[tool.setuptools.dynamic]\nversion = { attr = "srcpkg._version.__version__" }\n'
            '\n[build-system]\nrequires = ["setuptools>=61"]\n'
            'build-backend = "setuptools.build_meta"\n',
            "srcpkg/__init__.py": "",
            "srcpkg/_version.py": "__version__: str = '1.2.3'  # keep in step\n",
        },
    )
    return {"srcpkg/_version.py"}


def _setuptools_file(root: Path) -> set[str]:
    write_files(
        root,
        {
            "pyproject.toml": HEAD
            + '\n[tool.setuptools.dynamic]\nversion = { file = "VERSION" }\n',
            "VERSION": "1.2.3\n",
            "srcpkg/__init__.py": "",
        },
    )
    return {"VERSION"}


def _pdm_file(root: Path) -> set[str]:
    write_files(
        root,
        {
            "pyproject.toml": HEAD + '\n[tool.pdm.version]\nsource = "file"\n'
            'path = "srcpkg/__init__.py"\n\n[build-system]\nrequires = ["pdm-backend"]\n'
            'build-backend = "pdm.backend"\n',
            "srcpkg/__init__.py": '"""Doc."""\n\n__version__ = "1.2.3"\n',
        },
    )
    return {"srcpkg/__init__.py"}


def _module_literals(root: Path) -> set[str]:
    write_files(
        root,
        {
            "pyproject.toml": '[project]\nname = "srcpkg"\nversion = "1.2.3"\n',
            "src/srcpkg/__init__.py": "from ._version import __version__\n",
            "src/srcpkg/_version.py": '__version__ = "1.2.3"\n',
            "src/srcpkg/__about__.py": '__title__ = "srcpkg"\n__version__ = "1.2.3"\n',
        },
    )
    return {"pyproject.toml", "src/srcpkg/_version.py", "src/srcpkg/__about__.py"}


def _version_files(root: Path) -> set[str]:
    write_files(
        root,
        {
            "pyproject.toml": '[project]\nname = "srcpkg"\nversion = "1.2.3"\n\n[tool.relnox]\n'
            'version-files = ["docs/conf.py", '
            '{ path = "README.md", search = "pip install srcpkg=={version}" }]\n',
            "docs/conf.py": 'project = "srcpkg"\nversion = "1.2.3"\n',
            "README.md": "# srcpkg\n\n    pip install srcpkg==1.2.3\n\nNeeds tool 1.2.3 or newer.\n",
        },
    )
    return {"pyproject.toml", "docs/conf.py", "README.md"}


SOURCES: dict[str, Callable[[Path], set[str]]] = {
    "project.version": _project_version,
    "tool.poetry.version": _poetry,
    "flit": _flit,
    "hatch": _hatch_path,
    "setuptools-attr": _setuptools_attr,
    "setuptools-file": _setuptools_file,
    "pdm": _pdm_file,
    "module literals": _module_literals,
    "version-files": _version_files,
}


@pytest.mark.slow
@pytest.mark.parametrize("source", list(SOURCES))
def test_every_version_source_is_bumped(tmp_path: Path, source: str) -> None:
    root = tmp_path / "proj"
    root.mkdir()
    expected = SOURCES[source](root)
    git_init(root)
    before = snapshot(root)
    workspace = load_workspace(root)
    assert workspace.packages[0].version == "1.2.3"
    plan = plan_bump(workspace, BumpOptions(part="minor", commit=True))
    assert {p.relative_to(root).as_posix() for p in plan.files} == expected
    result = apply_bump(plan)
    assert result.versions == {"srcpkg": ("1.2.3", "1.3.0")}
    after = load_workspace(root).packages[0]  # sources still agree
    assert after.version == "1.3.0"
    assert {loc.value for loc in after.locations} == {"1.3.0"}
    changed = {rel for rel, digest in snapshot(root).items() if before.get(rel) != digest}
    assert changed == expected
    assert run_git(root, "status", "--porcelain") == ""
    if source == "version-files":
        assert "Needs tool 1.2.3 or newer." in (root / "README.md").read_text()


VCS_CONFIGS = {
    "hatch-vcs": '[tool.hatch.version]\nsource = "vcs"\n\n[build-system]\n'
    'requires = ["hatchling", "hatch-vcs"]\nbuild-backend = "hatchling.build"\n',
    "setuptools-scm": "[tool.setuptools_scm]\n\n[build-system]\n"
    'requires = ["setuptools>=64", "setuptools-scm>=8"]\n'
    'build-backend = "setuptools.build_meta"\n',
    "pdm-scm": '[tool.pdm.version]\nsource = "scm"\n\n[build-system]\n'
    'requires = ["pdm-backend"]\nbuild-backend = "pdm.backend"\n',
}


def test_a_tag_versioned_bump_that_edits_its_changelog_says_only_no_file_holds_the_version(
    tmp_path: Path,
) -> None:
    """The version is the tag; the changelog's Unreleased section is still edited: the
    note says no file holds the version, not that no file is edited."""
    pyproject = HEAD.replace("srcpkg", "acme") + "\n" + VCS_CONFIGS["hatch-vcs"]
    log = "# Changelog\n\n## Unreleased\n\n- A fix.\n\n## 0.1.0\n\n- First.\n"
    files = {"pyproject.toml": pyproject, "acme/__init__.py": "", "CHANGELOG.md": log}
    root = repo(tmp_path / "r", files, tags=["v0.1.0"])
    commit(root, {"acme/fix.py": ""}, message="Fix")
    out = run_relnox("bump", "--part", "patch", "--dry-run", cwd=root, check=True).stdout
    assert "+## 0.1.1" in out
    assert (
        "note: acme is versioned by git tags; its bump is the tag v0.1.1; no file holds its version"
    ) in out


@pytest.mark.parametrize("backend", list(VCS_CONFIGS))
def test_vcs_versioned_package_is_bumped_by_its_next_tag(tmp_path: Path, backend: str) -> None:
    root = write_files(
        tmp_path / "vcs",
        {"pyproject.toml": HEAD + "\n" + VCS_CONFIGS[backend], "srcpkg/__init__.py": ""},
    )
    git_init(root)
    run_git(root, "tag", "-a", "-m", "first", "v0.1.0")
    workspace = load_workspace(root)
    assert workspace.packages[0].version == "0.1.0"
    before = snapshot(root)
    plan = plan_bump(workspace, BumpOptions(part="minor"))
    assert plan.edits == [] and plan.tags == ["v0.2.0"]
    described = "\n".join(plan.describe())
    assert "versioned by git tags" in described and "v0.2.0" in described
    apply_bump(plan)
    assert snapshot(root) == before
    assert run_git(root, "cat-file", "-t", "v0.2.0") == "tag"
    assert load_workspace(root).packages[0].version == "0.2.0"


# -- a workspace with internal dependencies and a uv.lock ------------------------------

UV_LOCK = """version = 1
revision = 2
requires-python = ">=3.9"

[manifest]
members = [
    "ws-agents",
    "ws-cli",
    "ws-core",
    "ws-poet",
]

[[package]]
name = "ws-agents"
version = "1.0.0"
source = { editable = "packages/agents" }
dependencies = [
    { name = "ws-core" },
]

[package.metadata]
requires-dist = [{ name = "ws-core", editable = "packages/core" }]

[[package]]
name = "ws-cli"
version = "2.1.0"
source = { editable = "packages/cli" }

[[package]]
name = "ws-core"
version = "0.3.0"
source = { editable = "packages/core" }

[[package]]
name = "ws-poet"
version = "0.9.0"
source = { editable = "packages/poet" }
"""


def _deps_workspace(root: Path) -> Path:
    specs = [
        ProjectSpec("ws-core", "0.3.0", dir="core"),
        ProjectSpec(
            "ws-agents", "1.0.0", "setuptools", requires=["ws-core>=0.3.0,<0.4.0"], dir="agents"
        ),
        ProjectSpec("ws-cli", "2.1.0", requires=["ws-agents>=1.0"], dir="cli"),
    ]
    write_workspace(root, specs, members_dir="packages")
    cli = root / "packages/cli/pyproject.toml"
    cli.write_text(
        cli.read_text().replace(
            "[project.scripts]" if "[project.scripts]" in cli.read_text() else "[build-system]",
            '[project.optional-dependencies]\npinned = ["ws-core==0.3.0"]\n\n'
            '[dependency-groups]\ndev = ["ws-core ~= 0.3.0"]\n\n[build-system]',
        )
    )
    write_files(
        root,
        {
            "packages/poet/pyproject.toml": "[tool.poetry]\n"
            'name = "ws-poet"\nversion = "0.9.0"\ndescription = "poetry member"\n'
            'authors = ["a <a@b.invalid>"]\n\n[tool.poetry.dependencies]\npython = ">=3.9"\n'
            "ws-core = { version = '^0.3.0', path = \"../core\", develop = true }\n\n"
            '[build-system]\nrequires = ["poetry-core"]\nbuild-backend = "poetry.core.masonry.api"\n',
            "packages/poet/ws_poet/__init__.py": "",
            "packages/core/CHANGELOG.md": "# ws-core\n\n## Unreleased\n\n- Faster.\n",
            "uv.lock": UV_LOCK,
        },
    )
    git_init(root)
    return root


def test_dependents_are_rewritten_and_uv_lock_follows(tmp_path: Path) -> None:
    root = _deps_workspace(tmp_path / "ws")
    workspace = load_workspace(root)
    plan = plan_bump(workspace, BumpOptions(part="minor", packages=["ws-core"], today=DAY))
    assert plan.versions == {"ws-core": ("0.3.0", "0.4.0")}
    assert sorted(plan.rewrites) == [
        "ws-agents requires ws-core>=0.4.0,<0.5.0 (was ws-core>=0.3.0,<0.4.0) "
        "in packages/agents/pyproject.toml",
        "ws-cli requires ws-core ~= 0.4.0 (was ws-core ~= 0.3.0) in packages/cli/pyproject.toml",
        "ws-cli requires ws-core==0.4.0 (was ws-core==0.3.0) in packages/cli/pyproject.toml",
        "ws-poet requires ws-core ^0.4.0 (was ws-core ^0.3.0) in packages/poet/pyproject.toml",
    ]
    hints = [n for n in plan.notes if "is not bumped but its requirement changed" in n]
    assert [h.split()[1] for h in hints] == ["ws-agents", "ws-cli", "ws-poet"]
    assert "relnox bump --package ws-agents --part patch" in hints[0]
    described = "\n".join(plan.describe())
    assert (
        '-    "ws-core>=0.3.0,<0.4.0",' in described
        and '+    "ws-core>=0.4.0,<0.5.0",' in described
    )
    lock_before = (root / "uv.lock").read_bytes()
    apply_bump(plan)
    lock = (root / "uv.lock").read_text()
    assert lock == UV_LOCK.replace(
        'name = "ws-core"\nversion = "0.3.0"', 'name = "ws-core"\nversion = "0.4.0"'
    )
    assert lock.encode() != lock_before
    poet = (root / "packages/poet/pyproject.toml").read_text()
    assert "ws-core = { version = '^0.4.0', path = \"../core\", develop = true }" in poet
    assert (
        "## Unreleased\n\n## [0.4.0] - 2026-05-03\n\n- Faster."
        in (root / "packages/core/CHANGELOG.md").read_text()
    )
    # ws-core keeps its own changelog: the workspace's root changelog is not touched
    assert "## [0.4.0]" not in (root / "CHANGELOG.md").read_text()
    reloaded = load_workspace(root)
    assert reloaded.get("ws-core").version == "0.4.0"
    assert reloaded.get("ws-agents").version == "1.0.0"  # rewritten, not bumped


def test_independent_versions_title_the_root_changelog_per_package(tmp_path: Path) -> None:
    root = _deps_workspace(tmp_path / "ws")
    plan = plan_bump(load_workspace(root), BumpOptions(part="patch", today=DAY))
    assert plan.versions["ws-cli"] == ("2.1.0", "2.1.1")
    apply_bump(plan)
    text = (root / "CHANGELOG.md").read_text()
    # ws-core writes its own changelog; every other package shares the root one
    assert "## [ws-agents 1.0.1, ws-cli 2.1.1, ws-poet 0.9.1] - 2026-05-03" in text


def test_crlf_files_with_comments_keep_every_byte_but_the_version(tmp_path: Path) -> None:
    pyproject = (
        b"# The project, CRLF on purpose\r\n[project]\r\nname = 'crlf-pkg'  # literal quotes\r\n"
        b"version = '1.0.0' # bumped by relnox\r\n\r\n[tool.other]\r\nkeep = \"1.0.0\"\r\n"
    )
    init = b'"""CRLF module."""\r\n\r\n__version__ = "1.0.0"  # same\r\n'
    root = write_files(
        tmp_path / "crlf", {"pyproject.toml": pyproject, "crlf_pkg/__init__.py": init}
    )
    git_init(root)
    apply_bump(plan_bump(load_workspace(root), BumpOptions(part="patch")))
    assert (root / "pyproject.toml").read_bytes() == pyproject.replace(
        b"version = '1.0.0'", b"version = '1.0.1'"
    )
    assert (root / "crlf_pkg/__init__.py").read_bytes() == init.replace(b"1.0.0", b"1.0.1")


LINKS = "[Unreleased]: https://github.com/o/r/compare/{old}...HEAD\n[0.1.0]: https://x/0.1.0\n"


def test_changelog_compare_links_follow_the_new_tag_in_a_crlf_file(tmp_path: Path) -> None:
    log = (
        "# Changelog\n\n## [Unreleased]\n\n- New.\n\n## [1.0.0] - 2026-01-01\n\n"
        + LINKS.format(old="v1.0.0")
    ).replace("\n", "\r\n")
    root = write_files(
        tmp_path / "linked",
        {"pyproject.toml": '[project]\nname = "linked"\nversion = "1.0.0"\n', "CHANGELOG.md": log},
    )
    git_init(root)
    plan = plan_bump(load_workspace(root), BumpOptions(part="minor", today=DAY))
    assert "+[1.1.0]: https://github.com/o/r/compare/v1.0.0...v1.1.0" in "\n".join(plan.describe())
    apply_bump(plan)
    assert (root / "CHANGELOG.md").read_bytes() == log.replace(
        "- New.", "## [1.1.0] - 2026-05-03\r\n\r\n- New."
    ).replace(
        "v1.0.0...HEAD\r\n",
        "v1.1.0...HEAD\r\n[1.1.0]: https://github.com/o/r/compare/v1.0.0...v1.1.0\r\n",
    ).encode()


def test_a_dev_version_releases_its_written_section_and_doctor_accepts_it(
    tmp_path: Path,
) -> None:
    """The shape: pyproject says 2.3.0.dev, CHANGES.rst already has ``Version 2.3.0``
    with ``Unreleased`` under it. doctor finds the section the dev version leads to (it
    warned 'no section for 2.3.0.dev'); the bump to 2.3.0 dates the status line (it left
    the changelog alone)."""
    log = (
        "Version 2.3.0\n-------------\n\nUnreleased\n\n-   New.\n\n\n"
        "Version 2.2.0\n-------------\n\nReleased 2024-04-16\n\n-   Old.\n"
    )
    root = repo(
        tmp_path / "pallets",
        {
            "pyproject.toml": project("pallets", "2.3.0.dev", backend="setuptools"),
            "CHANGES.rst": log,
        },
        tags=["2.2.0"],
    )
    [row] = [c for c in doctor(root).checks if c.check == "changelog pallets"]
    assert (row.status, row.detail) == (
        "ok",
        "CHANGES.rst has a section for 2.3.0, the release of 2.3.0.dev",
    )
    plan = plan_bump(load_workspace(root), BumpOptions(part="minor", today=DAY))
    apply_bump(plan)
    assert (root / "CHANGES.rst").read_text() == log.replace("Unreleased", "Released 2026-05-03", 1)


def test_changelog_links_use_package_tags_and_skip_a_per_package_root_title(
    tmp_path: Path,
) -> None:
    root = _deps_workspace(tmp_path / "ws")
    core_log = root / "packages/core/CHANGELOG.md"
    core_log.write_text(core_log.read_text() + "\n" + LINKS.format(old="ws-core-v0.3.0"))
    root_log = root / "CHANGELOG.md"
    root_log.write_text(root_log.read_text() + "\n" + LINKS.format(old="ws-core-v0.3.0"))
    git_commit_all(root, "Link the changelogs")
    root_before = root_log.read_text()
    apply_bump(plan_bump(load_workspace(root), BumpOptions(part="patch", today=DAY)))
    assert core_log.read_text().endswith(
        "[Unreleased]: https://github.com/o/r/compare/ws-core-v0.3.1...HEAD\n"
        "[0.3.1]: https://github.com/o/r/compare/ws-core-v0.3.0...ws-core-v0.3.1\n"
        "[0.1.0]: https://x/0.1.0\n"
    )
    root_after = root_log.read_text()
    assert "## [ws-agents 1.0.1, ws-cli 2.1.1, ws-poet 0.9.1]" in root_after
    assert root_after.endswith(LINKS.format(old="ws-core-v0.3.0"))
    assert root_after.count("]: ") == root_before.count("]: ")


def test_lockstep_moves_every_package_to_one_version(tmp_path: Path) -> None:
    specs = [
        ProjectSpec("ls-a", "0.1.0"),
        ProjectSpec("ls-b", "0.3.0", requires=["ls-a>=0.1.0,<0.2.0"]),
        ProjectSpec("ls-c", "0.2.5", "poetry"),
    ]
    root = write_workspace(
        tmp_path / "ls", specs, relnox='lockstep = true\ntag-format = "v{version}"'
    )
    git_init(root)
    workspace = load_workspace(root)
    with pytest.raises(RelnoxError, match=r"diverged versions .*relnox bump --to 0\.3\.0"):
        plan_bump(workspace, BumpOptions(part="minor", commit=True, tag=True, today=DAY))
    plan = plan_bump(workspace, BumpOptions(to="0.4.0", commit=True, tag=True, today=DAY))
    assert {name: new for name, (_, new) in plan.versions.items()} == dict.fromkeys(
        ("ls-a", "ls-b", "ls-c"), "0.4.0"
    )
    assert plan.tags == ["v0.4.0"]
    apply_bump(plan)
    assert {p.version for p in load_workspace(root).packages} == {"0.4.0"}
    assert "ls-a>=0.4.0,<0.5.0" in (root / "packages/ls-b/pyproject.toml").read_text()
    assert run_git(root, "log", "-1", "--format=%s") == "Release 0.4.0"
    with pytest.raises(RelnoxError, match="lockstep keeps ls-a, ls-b, ls-c on one version"):
        plan_bump(load_workspace(root), BumpOptions(part="patch", packages=["ls-a"]))


@pytest.mark.slow
def test_pre_release_sequence_through_the_command(make_project: Callable[..., Path]) -> None:
    root = make_project(ProjectSpec("seq-pkg", "1.0.0"))
    seen = []
    for args in (
        ["--pre", "alpha"],
        ["--part", "pre"],
        ["--part", "pre", "--pre", "rc"],
        ["--part", "release"],
    ):
        proc = run_relnox("bump", *args, "--commit", "--json", cwd=root, check=True)
        seen.append(load_workspace(root).packages[0].version)
        assert '"dry_run": false' in proc.stdout
    assert seen == ["1.0.1a1", "1.0.1a2", "1.0.1rc1", "1.0.1"]
    assert run_git(root, "status", "--porcelain") == ""


def test_semver_scheme_writes_semver(tmp_path: Path) -> None:
    root = write_files(
        tmp_path / "sv",
        {
            "pyproject.toml": '[project]\nname = "sv-pkg"\nversion = "2.0.0"\n\n'
            '[tool.relnox]\nversion-scheme = "semver"\n',
            "sv_pkg/__init__.py": '__version__ = "2.0.0"\n',
        },
    )
    git_init(root)
    apply_bump(plan_bump(load_workspace(root), BumpOptions(part="pre", pre="alpha", commit=True)))
    assert 'version = "2.0.1-alpha.0"' in (root / "pyproject.toml").read_text()
    plan = plan_bump(load_workspace(root), BumpOptions(part="pre", commit=True, tag=True))
    assert plan.tags == ["v2.0.1-alpha.1"]
    apply_bump(plan)
    assert '__version__ = "2.0.1-alpha.1"' in (root / "sv_pkg/__init__.py").read_text()


def test_dry_run_changes_nothing(tmp_path: Path) -> None:
    root = _deps_workspace(tmp_path / "ws")
    before, state = snapshot(root), git_state(root)
    proc = run_relnox(  # -v: each file's diff (four packages moving: counted without)
        "-v", "bump", "--part", "minor", "--dry-run", "--commit", "--tag", cwd=root, check=True
    )
    assert snapshot(root) == before and git_state(root) == state
    out = proc.stdout
    assert "ws-core: 0.3.0 -> 0.4.0" in out
    assert "--- a/packages/core/pyproject.toml" in out and '+version = "0.4.0"' in out
    assert "--- a/uv.lock" in out
    assert (
        "git commit -m 'Release ws-core 0.4.0, ws-agents 1.1.0, ws-cli 2.2.0, ws-poet 0.10.0'"
        in out
    )
    assert "git tag -a -m 'Release ws-core 0.4.0' -- ws-core-v0.4.0" in out
    assert "dry run: nothing was changed" in out


def test_commit_and_annotated_tag(make_workspace: Callable[..., Path]) -> None:
    root = make_workspace([ProjectSpec("ct-core", "0.1.0"), ProjectSpec("ct-app", "0.1.0")])
    head = run_git(root, "rev-parse", "HEAD")
    plan = plan_bump(
        load_workspace(root),
        BumpOptions(part="minor", commit=True, tag=True, message="Ship {summary}"),
    )
    result = apply_bump(plan)
    assert sorted(result.tags) == ["ct-app-v0.2.0", "ct-core-v0.2.0"]
    assert result.commit == run_git(root, "rev-parse", "HEAD") != head
    assert run_git(root, "log", "-1", "--format=%s") == "Ship 0.2.0"
    for tag in result.tags:
        assert run_git(root, "cat-file", "-t", tag) == "tag"  # annotated
        assert run_git(root, "rev-parse", f"{tag}^{{commit}}") == result.commit
    assert run_git(root, "status", "--porcelain") == ""
    assert set(run_git(root, "show", "--name-only", "--format=", "HEAD").splitlines()) == {
        p.relative_to(root).as_posix() for p in result.files
    }


def test_push_to_a_bare_remote(make_project: Callable[..., Path], tmp_path: Path) -> None:
    root = make_project(ProjectSpec("push-pkg", "0.1.0"))
    remote = tmp_path / "remote.git"
    run_git(tmp_path, "init", "-q", "--bare", str(remote))
    run_git(root, "remote", "add", "origin", str(remote))
    run_git(root, "push", "-q", "origin", "main")
    proc = run_relnox(
        "bump", "--part", "patch", "--commit", "--tag", "--push", cwd=root, check=True
    )
    assert "git push --atomic -- origin HEAD refs/tags/v0.1.1" in proc.stdout
    local = run_git(root, "rev-parse", "HEAD")
    assert run_git(remote, "rev-parse", "main") == local
    assert run_git(remote, "cat-file", "-t", "v0.1.1") == "tag"
    assert run_git(remote, "rev-parse", "v0.1.1^{commit}") == local


def test_push_of_many_tags_goes_three_a_push(
    make_workspace: Callable[..., Path], tmp_path: Path
) -> None:
    """The branch with the first three tags in one atomic push, the rest three at most a
    push: GitHub starts no tag workflow for a push of more than three tags."""
    from relnox.sample import generated_specs

    root = make_workspace(generated_specs(4))
    remote = tmp_path / "remote.git"
    run_git(tmp_path, "init", "-q", "--bare", str(remote))
    hook = remote / "hooks" / "pre-receive"
    hook.write_text('#!/bin/sh\nwc -l >> "$GIT_DIR/pushes"\n', encoding="utf-8")
    hook.chmod(0o755)
    run_git(root, "remote", "add", "origin", str(remote))
    run_git(root, "push", "-q", "origin", "main")
    run_relnox("bump", "--part", "patch", "--tag", "--push", cwd=root, check=True)
    counts = [int(n) for n in (remote / "pushes").read_text(encoding="utf-8").split()]
    assert counts == [1, 4, 1]  # main; main and three tags; the fourth tag
    assert len(run_git(remote, "tag").split()) == 4


def test_a_failing_commit_hook_rolls_everything_back(make_workspace: Callable[..., Path]) -> None:
    root = make_workspace(
        [
            ProjectSpec("rb-core", "0.1.0"),
            ProjectSpec("rb-app", "0.1.0", requires=["rb-core>=0.1.0,<0.2.0"]),
        ]
    )
    hook = root / ".git/hooks/pre-commit"
    hook.write_text("#!/bin/sh\necho 'pre-commit: refusing this commit' >&2\nexit 1\n")
    hook.chmod(0o755)
    before, state = snapshot(root), git_state(root)
    proc = run_relnox("bump", "--part", "minor", "--commit", "--tag", cwd=root)
    assert proc.returncode == 1
    lines = error_lines(proc.stderr)
    assert len(lines) == 1 and "Traceback" not in proc.stderr
    assert "pre-commit: refusing this commit" in lines[0] and "the bump was undone" in lines[0]
    assert snapshot(root) == before
    assert git_state(root) == state  # same HEAD, no tag, clean index and tree


def test_a_failing_hook_that_edits_a_bumped_file_still_rolls_everything_back(
    make_workspace: Callable[..., Path],
) -> None:
    """A hook (a formatter) that rewrites a file the bump staged, then fails: the index then
    differs from both the file and HEAD, and the index is put back all the same."""
    root = make_workspace([ProjectSpec("rh-core", "0.1.0")])
    hook = root / ".git/hooks/pre-commit"
    hook.write_text(
        '#!/bin/sh\nfor f in $(git diff --cached --name-only); do echo "# fmt" >> "$f"; done\n'
        "exit 1\n"
    )
    hook.chmod(0o755)
    before, state = snapshot(root), git_state(root)
    proc = run_relnox("bump", "--part", "minor", "--commit", "--tag", cwd=root)
    assert proc.returncode == 1
    lines = error_lines(proc.stderr)
    assert len(lines) == 1 and "Traceback" not in proc.stderr
    assert "every file is as it was" in lines[0], lines[0]
    assert snapshot(root) == before
    assert git_state(root) == state  # same HEAD, no tag, clean index and tree


def test_a_failing_push_rolls_back_commit_and_tags(
    make_project: Callable[..., Path], tmp_path: Path
) -> None:
    root = make_project(ProjectSpec("np-pkg", "0.1.0"))
    run_git(root, "remote", "add", "origin", str(tmp_path / "missing.git"))
    before, state = snapshot(root), git_state(root)
    plan = plan_bump(
        load_workspace(root), BumpOptions(part="patch", commit=True, tag=True, push=True)
    )
    with pytest.raises(GitError, match=r"git push failed.*the bump was undone"):
        apply_bump(plan)
    assert snapshot(root) == before and git_state(root) == state


def test_a_failing_write_restores_the_files_already_written(
    make_project: Callable[..., Path],
) -> None:
    """A real write error: the child may write at most 64 KiB per file, the changelog is bigger."""
    root = make_project(ProjectSpec("wf-pkg", "0.1.0"), git=False)
    (root / "CHANGELOG.md").write_text("# Log\n\n## Unreleased\n\n" + "- entry\n" * 20000)
    git_init(root)
    before, state = snapshot(root), git_state(root)
    code = (
        "import resource, signal, sys\n"
        "signal.signal(signal.SIGXFSZ, signal.SIG_IGN)\n"
        "resource.setrlimit(resource.RLIMIT_FSIZE, (65536, 65536))\n"
        "from relnox.cli import main\n"
        "sys.argv = ['relnox', 'bump', '--part', 'minor']\n"
        "main()\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], cwd=root, capture_output=True, text=True)
    assert proc.returncode == 1, proc.stderr
    lines = error_lines(proc.stderr)
    assert (
        len(lines) == 1
        and "could not write" in lines[0]
        and "CHANGELOG.md (File too large)" in lines[0]
        and "undone" in lines[0]
    )
    assert snapshot(root) == before and git_state(root) == state


@pytest.mark.slow
def test_changed_only_bumps_packages_changed_since_their_tag(
    make_workspace: Callable[..., Path],
) -> None:
    root = make_workspace([ProjectSpec("ch-a", "0.1.0"), ProjectSpec("ch-b", "0.1.0")])
    for name in ("ch-a", "ch-b"):
        run_git(root, "tag", "-a", "-m", name, f"{name}-v0.1.0")
    (root / "packages/ch-b/ch_b/extra.py").write_text("X = 1\n")
    git_commit_all(root, "Change b")
    plan = plan_bump(load_workspace(root), BumpOptions(part="patch", changed_only=True))
    assert list(plan.versions) == ["ch-b"]
    run_git(root, "tag", "-a", "-m", "b", "ch-b-v0.1.1")
    proc = run_relnox("bump", "--part", "patch", "--changed", "--commit", cwd=root, check=True)
    assert "nothing to bump" in proc.stdout


def test_changed_also_releases_a_dependent_whose_pin_must_move(
    make_workspace: Callable[..., Path],
) -> None:
    """A major bump of pin-core moves pin-web's ``<2.0``: pin-web's files on the index
    would exclude the new core, so ``--changed`` gives it a patch release too; pin-app,
    whose range admits 2.0, and pin-other are left alone."""
    root = make_workspace(
        [
            ProjectSpec("pin-core", "1.0.0"),
            ProjectSpec("pin-web", "0.4.0", requires=["pin-core>=1.0,<2.0"]),
            ProjectSpec("pin-app", "3.0.0", requires=["pin-core>=1.0"]),
            ProjectSpec("pin-cli", "0.2.0", requires=["pin-web>=0.4,<0.4.1"]),
            ProjectSpec("pin-other", "0.1.0"),
        ]
    )
    for name, version in (("pin-core", "1.0.0"), ("pin-web", "0.4.0"), ("pin-app", "3.0.0"),
                          ("pin-cli", "0.2.0"), ("pin-other", "0.1.0")):  # fmt: skip
        run_git(root, "tag", "-a", "-m", name, f"{name}-v{version}")
    (root / "packages/pin-core/pin_core/extra.py").write_text("X = 1\n")
    git_commit_all(root, "Change core")
    plan = plan_bump(load_workspace(root), BumpOptions(part="major", changed_only=True))
    assert {n: v[1] for n, v in plan.versions.items()} == {
        "pin-core": "2.0.0",
        "pin-web": "0.4.1",  # its pin moved
        "pin-cli": "0.2.1",  # its pin on pin-web 0.4.1 moved in turn
    }
    assert "pin-web requires pin-core>=2.0,<3.0" in " ".join(plan.rewrites)
    assert not [n for n in plan.notes if "is not bumped but its requirement changed" in n]
    # without --changed a named package is bumped alone, and the dependents are named
    plan = plan_bump(load_workspace(root), BumpOptions(part="major", packages=["pin-core"]))
    assert list(plan.versions) == ["pin-core"]
    assert any("pin-web is not bumped but its requirement changed" in n for n in plan.notes)


def test_outside_git_files_change_but_git_flags_are_refused(
    make_project: Callable[..., Path],
) -> None:
    root = make_project(ProjectSpec("nogit-pkg", "0.1.0"), git=False)
    with pytest.raises(GitError, match="not a git repository, so --commit/--tag cannot run"):
        plan_bump(load_workspace(root), BumpOptions(part="patch", commit=True, tag=True))
    apply_bump(plan_bump(load_workspace(root), BumpOptions(part="patch")))
    assert load_workspace(root).packages[0].version == "0.1.1"


def test_the_core_imports_neither_nox_nor_invoke() -> None:
    code = (
        "import sys, relnox.bump.plan, relnox.bump.apply, relnox.versions.arithmetic, relnox.project.pins\n"
        "import relnox.bump.changelog, relnox.project.uvlock\n"
        "bad = [m for m in ('nox', 'invoke') if m in sys.modules]\n"
        "assert not bad, bad\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_allow_dirty_commits_only_the_bump(make_project: Callable[..., Path]) -> None:
    root = make_project(ProjectSpec("dirty-pkg", "0.1.0"))
    (root / "notes.txt").write_text("staged, not part of the release\n")
    run_git(root, "add", "notes.txt")
    (root / "README.md").write_text("edited, not staged\n")
    proc = run_relnox("bump", "--part", "patch", "--commit", "--force", cwd=root, check=True)
    assert "dirty-pkg: 0.1.0 -> 0.1.1" in proc.stdout
    committed = set(run_git(root, "show", "--name-only", "--format=", "HEAD").splitlines())
    assert committed == {"pyproject.toml", "dirty_pkg/__init__.py"}
    status = sorted(run_git(root, "status", "--porcelain").split("\n"))
    assert status == ["A  notes.txt", "M README.md"]  # the first blank is stripped by run_git


def test_sign_flags_are_planned(make_project: Callable[..., Path]) -> None:
    root = make_project(ProjectSpec("sign-pkg", "0.1.0"))
    described = "\n".join(
        plan_bump(
            load_workspace(root), BumpOptions(part="patch", commit=True, tag=True, sign=True)
        ).describe()
    )
    assert "git commit -S -m 'Release sign-pkg 0.1.1'" in described
    assert "git tag -s -m 'Release 0.1.1' -- v0.1.1" in described
    with pytest.raises(GitError, match="--sign signs the commit and tags"):
        plan_bump(load_workspace(root), BumpOptions(part="patch", sign=True))
    with pytest.raises(GitError, match="--tag without --commit"):
        plan_bump(load_workspace(root), BumpOptions(part="patch", tag=True))


def test_lockstep_groups_move_together_and_the_rest_independently(tmp_path: Path) -> None:
    from tests.shapes import project, repo

    files = {
        "pyproject.toml": '[tool.uv.workspace]\nmembers = ["libs/*"]\n'
        '[tool.relnox]\nlockstep = [["core", "core-*"]]\n',
        "libs/core/pyproject.toml": project("core", "1.0.0"),
        "libs/core-extra/pyproject.toml": project("core-extra", "1.0.0"),
        "libs/plugin/pyproject.toml": project("plugin", "0.3.0"),
    }
    root = repo(tmp_path / "r", files)
    ws = load_workspace(root)
    assert [p.name for p in ws.group_of(ws.get("core-extra"))] == ["core", "core-extra"]
    assert plan_bump(ws, BumpOptions(part="minor", packages=["plugin"])).versions == {
        "plugin": ("0.3.0", "0.4.0")
    }
    assert plan_bump(ws, BumpOptions(part="minor", packages=["core", "core-extra"])).versions == {
        "core": ("1.0.0", "1.1.0"),
        "core-extra": ("1.0.0", "1.1.0"),
    }
    with pytest.raises(ConfigError, match="cannot be bumped without core-extra"):
        plan_bump(ws, BumpOptions(part="minor", packages=["core"]))
    (root / "libs/core-extra/pyproject.toml").write_text(project("core-extra", "1.2.0"))
    ws = load_workspace(root)
    with pytest.raises(
        VersionError,
        match=r"diverged versions \(1\.0\.0: core; 1\.2\.0: core-extra\).*"
        r"--package core --package core-extra --to 1\.2\.0",
    ):
        plan_bump(ws, BumpOptions(part="minor", packages=["core", "core-extra"]))
    whole = plan_bump(ws, BumpOptions(part="minor", allow_dirty=True))  # the group left out
    assert whole.versions == {"plugin": ("0.3.0", "0.4.0")}
    aligned = plan_bump(
        ws, BumpOptions(to="1.2.0", packages=["core", "core-extra"], allow_dirty=True)
    )
    assert aligned.versions["core"] == ("1.0.0", "1.2.0")


def _linked_version(root: Path, target: Path) -> Path:
    """A hatch project whose version file is a symbolic link to ``target``."""
    write_files(
        root,
        {
            "pyproject.toml": HEAD + '\n[tool.hatch.version]\npath = "src/srcpkg/__about__.py"\n'
            '\n[build-system]\nrequires = ["hatchling"]\nbuild-backend = "hatchling.build"\n',
            "src/srcpkg/__init__.py": "",
        },
    )
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text('__version__ = "1.2.3"\n', encoding="utf-8")
    (root / "src/srcpkg/__about__.py").symlink_to(target)
    git_init(root)
    return root


def test_a_version_file_linked_inside_the_repository_is_bumped_and_committed_as_its_target(
    tmp_path: Path,
) -> None:
    root = _linked_version(tmp_path / "repo", tmp_path / "repo" / "VERSION.py")
    result = apply_bump(plan_bump(load_workspace(root), BumpOptions(part="minor", commit=True)))
    assert result.commit is not None
    assert (root / "VERSION.py").read_text(encoding="utf-8") == '__version__ = "1.3.0"\n'
    assert (root / "src/srcpkg/__about__.py").is_symlink()
    assert run_git(root, "status", "--porcelain") == ""  # the target is in the commit
    assert run_git(root, "show", "--name-only", "--format=", "HEAD") == "VERSION.py"


def test_a_package_directory_linked_into_a_sibling_is_bumped_once_where_it_lives(
    tmp_path: Path,
) -> None:
    """``libs/skinny/mlflow -> ../../mlflow`` (mlflow-skinny ships the main package's code
    from a linked directory): its ``version.py`` is one file for both packages, edited and
    added once where it lives (git takes no path beyond a link), and the commit is whole."""
    setuptools = (
        '[build-system]\nrequires = ["setuptools"]\nbuild-backend = "setuptools.build_meta"\n'
    )
    find = '\n[tool.setuptools.packages.find]\ninclude = ["app", "app.*"]\n'
    root = repo(
        tmp_path / "r",
        {
            "pyproject.toml": setuptools
            + '[project]\nname = "app"\nversion = "3.9.0"\ndependencies = ["app-skinny==3.9.0"]\n'
            + find,
            "libs/skinny/pyproject.toml": setuptools
            + '[project]\nname = "app-skinny"\nversion = "3.9.0"\n'
            + find,
            "app/__init__.py": "",
            "app/version.py": 'VERSION = "3.9.0"\n',
        },
    )
    (root / "libs/skinny/app").symlink_to("../../app")
    commit(root, {}, "v3.9.0", message="link the skinny package")
    ws = load_workspace(root)
    assert [p.name for p in ws.packages] == ["app-skinny", "app"]
    result = apply_bump(plan_bump(ws, BumpOptions(part="minor", commit=True)))
    assert result.commit is not None
    assert (root / "app/version.py").read_text(encoding="utf-8") == 'VERSION = "3.10.0"\n'
    assert run_git(root, "status", "--porcelain") == ""
    shown = run_git(root, "show", "--name-only", "--format=", "HEAD").split()
    assert sorted(shown) == ["app/version.py", "libs/skinny/pyproject.toml", "pyproject.toml"]


def test_a_version_file_linked_outside_the_repository_is_never_written(tmp_path: Path) -> None:
    outside = tmp_path / "elsewhere" / "version.py"
    root = _linked_version(tmp_path / "repo", outside)
    before = snapshot(root)
    with pytest.raises(ConfigError) as info:
        plan_bump(load_workspace(root), BumpOptions(part="minor", dry_run=True))
    message = str(info.value)
    assert message.startswith(f"{root / 'src/srcpkg/__about__.py'}: a symbolic link to {outside}")
    assert "outside the repository" in message and "\n" not in message
    assert outside.read_text(encoding="utf-8") == '__version__ = "1.2.3"\n'
    assert snapshot(root) == before


@pytest.mark.parametrize(
    ("tags", "part", "expected"),
    [
        ((), "minor", "0.34.0"),  # 2.4.0+dev: the release it leads to
        ((), "patch", "0.34.0"),
        (("v0.33.0", "v0.34.0"), "minor", "0.35.0"),  # 0.34.0+dev: work since 0.34.0
        (("v0.33.0", "v0.34.0"), "patch", "0.34.1"),
    ],
)
def test_a_local_dev_label_leads_to_its_release_or_follows_it(
    tmp_path: Path, tags: tuple[str, ...], part: str, expected: str
) -> None:
    """``X+dev`` says either "on the way to X" (X not released) or "after X" (X tagged):
    the tags decide, and a bump never gives a version already released."""
    from tests.shapes import project, repo

    root = repo(tmp_path / "r", {"pyproject.toml": project("trioish", "0.34.0+dev")}, tags)
    plan = plan_bump(load_workspace(root), BumpOptions(part=part))
    assert plan.versions["trioish"] == ("0.34.0+dev", expected)


@pytest.mark.parametrize(
    ("tags", "part", "expected"),
    [
        (("4.15.0",), "minor", "4.16.0rc2"),  # rc2 not tagged: the release it leads to
        (("4.15.0", "4.16.0rc2"), "minor", "4.16.0"),  # after rc2: its final
        (("4.15.0", "4.16.0rc2"), "patch", "4.16.0"),
        (("4.15.0", "4.16.0rc2"), "pre", "4.16.0rc3"),
    ],
)
def test_a_dev_release_of_a_tagged_version_marks_work_since_it(
    tmp_path: Path, tags: tuple[str, ...], part: str, expected: str
) -> None:
    """The shape: once 4.16.0rc2 is tagged the file says ``4.16.0rc2.dev``
    (work since it, though PEP 440 sorts it below): a bump starts from the release, never
    giving the tagged version back. Before the tag the same text leads to it."""
    root = repo(tmp_path / "r", {"pyproject.toml": project("typingish", "4.15.0")}, tags[:1])
    commit(root, {"pyproject.toml": project("typingish", "4.16.0rc2")}, *tags[1:])
    commit(root, {"pyproject.toml": project("typingish", "4.16.0rc2.dev")}, message="dev")
    plan = plan_bump(load_workspace(root), BumpOptions(part=part))
    assert plan.versions["typingish"] == ("4.16.0rc2.dev", expected)


def _released_on(root: Path, version: str, day: str) -> None:
    """A commit setting ``version`` and its lightweight tag, both made on ``day``."""
    (root / "pyproject.toml").write_text(project("calnox", version), encoding="utf-8")
    when = f"{day}T15:00:00Z"
    env = {**git_env(), "GIT_AUTHOR_DATE": when, "GIT_COMMITTER_DATE": when}
    for args in (["add", "-A"], ["commit", "-q", "-m", version], ["tag", version]):
        subprocess.run(["git", *args], cwd=root, env=env, check=True, capture_output=True)


def _calnox(root: Path, releases: list[tuple[str, str]]) -> Path:
    write_files(root, {"README.md": "calnox\n"})
    git_init(root)
    for version, day in releases:
        _released_on(root, version, day)
    return root


PADDED = [("2026.07.11", "2026-07-11"), ("2026.08.17", "2026-08-18")]


@pytest.mark.parametrize(
    ("releases", "expected", "dated"),
    [
        # The shape: each version is the day it was tagged, zero-padded
        (PADDED, "2026.12.05", True),
        # the same, unpadded
        ([("2026.7.1", "2026-07-01"), ("2026.8.17", "2026-08-17")], "2026.12.5", True),
        # a year and month with a counter, each tagged in its month (2025.9.1,
        # tagged on the 20th): this month's first
        ([("2025.9.0", "2025-09-02"), ("2025.9.1", "2025-09-20")], "2026.12.0", True),
        # a month's release tagged in the first days of the next
        # (2025.12.0 on 2026-01-06) is still its month's (it gave 2026.6.0)
        (
            [("2025.12.0", "2026-01-06"), ("2026.3.0", "2026-03-16"), ("2026.5.0", "2026-05-14")],
            "2026.12.0",
            True,
        ),
        # the same in this very month: its next
        ([("2026.11.0", "2026-11-02"), ("2026.12.0", "2026-12-01")], "2026.12.1", True),
        # two-digit years
        ([("25.9.0", "2025-09-18"), ("25.11.0", "2025-11-20")], "26.12.0", True),
        # a two-digit month and counter (26.06.00): spelled so (it wrote 26.12.0)
        ([("26.04.00", "2026-04-08"), ("26.06.00", "2026-06-10")], "26.12.00", True),
        # days with two-digit years, unpadded as 24.8.19 shows (it gave
        # this month's count, 26.12.0)
        (
            [("24.8.19", "2024-08-19"), ("25.10.21", "2025-10-21"), ("25.11.29", "2025-11-29")],
            "26.12.5",
            True,
        ),
        # a month's count from 1 (2025.4.1, 2025.9.1): this
        # month's first is .1 (it gave 2026.12.0); the next in this month follows it
        ([("2025.4.1", "2025-04-15"), ("2025.9.1", "2025-09-08")], "2026.12.1", True),
        ([("2025.9.1", "2025-09-08"), ("2026.12.1", "2026-12-02")], "2026.12.2", True),
        # a month whose releases start past 1 (days tagged at once: 2023.12.14,
        # 2023.12.23) says nothing of where a month's count starts: from 0
        ([("2023.12.14", "2023-12-24"), ("2023.12.23", "2023-12-24")], "2026.12.0", True),
        # one such release alone may be a coincidence: no date
        ([("2025.9.0", "2025-09-02")], "2025.10.0", False),
        # a year and a count of its releases (25.4.0 in October): this year's first,
        # counted as the history starts each year
        (
            [
                ("24.1.0", "2024-01-29"),
                ("24.2.0", "2024-08-06"),
                ("25.1.0", "2025-01-16"),
                ("25.4.0", "2025-10-14"),
            ],
            "26.1.0",
            True,
        ),
        # a year counted from 0 long ago (16.0.0), from 1 since: this year's
        # first as the newest year starts it (was 26.0.0)
        (
            [
                ("15.0.0", "2015-12-18"),
                ("16.0.0", "2016-01-05"),
                ("16.1.0", "2016-04-19"),
                ("21.1.0", "2021-08-29"),
                ("23.1.0", "2023-08-15"),
                ("25.1.0", "2025-06-03"),
            ],
            "26.1.0",
            True,
        ),
        # two parts, each year from 0; within the year, its next
        ([("25.0", "2025-01-26"), ("25.1", "2025-04-26"), ("26.0", "2026-01-30")], "26.1", True),
        # a year's count that never restarts (25.9 then 26.10): no calendar
        (
            [("25.8.0", "2025-03-01"), ("25.9.0", "2025-06-01"), ("26.10.0", "2026-02-01")],
            "26.11.0",
            False,
        ),
        # a year.month.day version tagged months later is no date either
        ([("2026.1.5", "2026-03-30")], "2026.2.0", False),
        # one number, YYYYMMDD (was 20251230.1): today's, spelled so
        ([("20251107", "2025-11-07"), ("20251230", "2025-12-30")], "20261205", True),
    ],
)
def test_versions_that_are_their_release_days_bump_to_today(
    tmp_path: Path, releases: list[tuple[str, str]], expected: str, dated: bool
) -> None:
    """--part minor of a package whose versions are the days they were tagged gives
    today's date in the project's spelling (it gave 2026.9.0 after 2026.08.17); versions
    that only look like dates bump as before."""
    root = _calnox(tmp_path / "calnox", releases)
    today = date(2026, 12, 5)
    plan = plan_bump(load_workspace(root), BumpOptions(part="minor", today=today))
    assert plan.versions["calnox"] == (releases[-1][0], expected)
    said = ("the days they were", "the months they were", "the years they were")
    assert any(any(words in note for words in said) for note in plan.notes) == dated
    if releases[-1][0] == "25.4.0":  # a patch of a year's release is an ordinary patch
        patch = plan_bump(load_workspace(root), BumpOptions(part="patch", today=today))
        assert patch.versions["calnox"][1] == "25.4.1"
    # a pre-release is asked for by --pre, and bumps as before
    rc = plan_bump(load_workspace(root), BumpOptions(part="minor", pre="rc", today=today))
    assert rc.versions["calnox"][1].endswith("rc1")  # PEP 440: a new series at 1


def test_a_release_day_version_released_today_is_refused(tmp_path: Path) -> None:
    root = _calnox(tmp_path / "calnox", PADDED)
    with pytest.raises(VersionError, match=r"today's date gives 2026\.8\.17, which is not higher"):
        plan_bump(load_workspace(root), BumpOptions(part="patch", today=date(2026, 8, 17)))
    write_files(root, {"calnox.py": "x = 1\n"})
    git_commit_all(root, "work since the release")
    rows = run_relnox("plan", "--part", "patch", "--json", cwd=root, check=True)
    assert f'"next_version": "{date.today():%Y.%m.%d}"' in rows.stdout


def test_a_zero_padded_calendar_version_is_bumped_and_tagged_as_the_history_spells_it(
    tmp_path: Path,
) -> None:
    """The shape: ``__version__ = "2026.07.22"`` read by setup.py, tags of the same
    spelling. A patch bump writes ``2026.07.23`` and tags it so; ``--to 2026.08.15`` is
    written as given, never as PEP 440's normal ``2026.8.15``."""
    from tests.shapes import repo

    setup = (
        "from setuptools import setup\nfrom certish import __version__\n\n"
        "setup(name='certish', version=__version__, packages=['certish'])\n"
    )
    files = {
        "setup.py": setup,
        "pyproject.toml": '[build-system]\nrequires = ["setuptools"]\n'
        'build-backend = "setuptools.build_meta"\n',
        "certish/__init__.py": '__version__ = "2026.07.22"\n',
    }
    root = repo(tmp_path / "r", files, tags=["2026.06.17", "2026.07.22"])
    ws = load_workspace(root)
    assert ws.packages[0].version == "2026.07.22"
    plan = plan_bump(ws, BumpOptions(part="patch"))
    assert plan.versions == {"certish": ("2026.07.22", "2026.07.23")}
    assert ws.tag_for(ws.packages[0], "2026.07.23") == "2026.07.23"
    apply_bump(plan_bump(ws, BumpOptions(to="2026.08.15")))
    assert (root / "certish/__init__.py").read_text() == '__version__ = "2026.08.15"\n'


@pytest.mark.parametrize(("part", "expected"), [("minor", "1.11.0"), ("patch", "1.10.8")])
def test_a_development_sentinel_above_every_release_bumps_from_the_last_release(
    tmp_path: Path, part: str, expected: str
) -> None:
    """``1!0+dev`` between releases (a main branch's sentinel; a release branch writes the
    real version): its own release ``1!0`` would outrank every later version, so a bump
    starts from the last release, 1.10.7."""
    from tests.shapes import commit, project, repo

    root = repo(tmp_path / "r", {"pyproject.toml": project("flowish", "1.10.7")}, ["1.10.7"])
    commit(root, {"pyproject.toml": project("flowish", "1!0+dev")})
    plan = plan_bump(load_workspace(root), BumpOptions(part=part))
    assert plan.versions["flowish"] == ("1!0+dev", expected)


def test_a_development_sentinel_without_a_release_of_its_own_is_never_released_as_is(
    tmp_path: Path,
) -> None:
    """A monorepo with every package at ``1!0+dev`` (python_modules/*, libraries too),
    released from a release branch under tags (1.9.5) that name no package. No release of
    the package gives a version to start from, and a patch bump gave ``1!0``, which would
    outrank every version ever published; it is refused, naming --to, which now replaces
    the sentinel (it refused anything below 1!0+dev), and tag-format."""
    from relnox.errors import VersionError
    from tests.shapes import project, repo

    files = {
        "pyproject.toml": "[tool.ruff]\nline-length = 100\n",
        "python_modules/flowish/pyproject.toml": project("flowish", "1!0+dev"),
        "python_modules/libraries/flowish-aws/pyproject.toml": project(
            "flowish-aws", "1!0+dev", requires=["flowish"]
        ),
    }
    root = repo(tmp_path / "r", files, ["1.9.4", "1.9.5"])
    with pytest.raises(VersionError) as info:
        plan_bump(load_workspace(root), BumpOptions(part="patch"))
    message = str(info.value)
    assert message.startswith("flowish: 1!0+dev is a development sentinel (epoch 1, release 0)")
    assert "so the bump gave 1!0, which would outrank every version" in message
    assert "(--to)" in message and "tag-format" in message
    plan = plan_bump(load_workspace(root), BumpOptions(to="1.9.6"))
    assert plan.versions["flowish"] == ("1!0+dev", "1.9.6")


def test_requirements_in_a_setup_cfg_order_the_release_and_follow_a_bump(tmp_path: Path) -> None:
    """setup.cfg projects side by side (``python/widgets``, ``python/ext``): the
    ``install_requires`` and ``extras_require`` lines on each other order the release, a
    pin that a bump leaves behind is rewritten in its line and nothing else moves, and
    doctor's pin check reads them too."""
    build = '[build-system]\nrequires = ["setuptools"]\nbuild-backend = "setuptools.build_meta"\n'
    widgets_cfg = (
        "[metadata]\nname = widgets\nversion = 8.1.8\n\n"
        "[options]\npackages = find:\ninstall_requires =\n"
        "  comm>=0.1.3\n  # the extension, released with it\n"
        "  widgets_ext~=4.0.14  # kept in step\n\n"
        "[options.extras_require]\ntest =\n  pytest\n  widgets_ext[test]>=4\n"
        "  widgets>=8  # its own name: no dependency\n"
    )
    root = tmp_path / "r"
    write_files(
        root,
        {
            "python/widgets/pyproject.toml": build,
            "python/widgets/setup.cfg": widgets_cfg,
            "python/widgets/widgets/__init__.py": "",
            "python/ext/pyproject.toml": build,
            "python/ext/setup.cfg": "[metadata]\nname = widgets_ext\nversion = 4.0.15\n",
            "python/ext/widgets_ext/__init__.py": "",
        },
    )
    workspace = load_workspace(root)
    assert [p.name for p in workspace.packages] == ["widgets-ext", "widgets"]
    assert workspace.get("widgets").internal_deps == ("widgets-ext",)
    plan = plan_bump(workspace, BumpOptions(part="minor", packages=["widgets-ext"], today=DAY))
    assert plan.rewrites == [
        "widgets requires widgets_ext~=4.1.0 (was widgets_ext~=4.0.14) in python/widgets/setup.cfg"
    ]
    apply_bump(plan)
    assert (root / "python/widgets/setup.cfg").read_text() == widgets_cfg.replace(
        "widgets_ext~=4.0.14  #", "widgets_ext~=4.1.0  #"
    )
    assert load_workspace(root).get("widgets-ext").version == "4.1.0"
    write_files(root, {"python/widgets/setup.cfg": widgets_cfg.replace("~=4.0.14", "~=4.2.0")})
    doctor = run_relnox("doctor", cwd=root)
    assert "python/widgets/setup.cfg requires 'widgets_ext~=4.2.0', which does not admit" in (
        doctor.stdout
    )


def test_a_dash_spelled_pre_release_keeps_its_spelling_in_the_file_and_the_tag(
    tmp_path: Path,
) -> None:
    """VERSION.txt says ``3.2.0-rc0`` and the tags are ``v3.1.0-rc3``: the next
    pre-release is written ``3.2.0-rc1`` and tagged ``v3.2.0-rc1``, not ``3.2.0rc1``."""
    pyproject = (
        '[project]\nname = "hay"\ndynamic = ["version"]\n[build-system]\n'
        'requires = ["hatchling"]\nbuild-backend = "hatchling.build"\n'
        '[tool.hatch.version]\npath = "VERSION.txt"\npattern = "(?P<version>.+)"\n'
    )
    files = {"pyproject.toml": pyproject, "VERSION.txt": "3.1.0-rc3\n", "hay/__init__.py": ""}
    root = repo(tmp_path / "r", files, tags=["v3.1.0-rc3"])
    commit(root, {"VERSION.txt": "3.2.0-rc0\n"})
    bump = plan_bump(load_workspace(root), BumpOptions(part="pre", commit=True, tag=True))
    assert bump.versions == {"hay": ("3.2.0-rc0", "3.2.0-rc1")}
    assert bump.tags == ["v3.2.0-rc1"]
    assert [e.after for e in bump.edits] == [b"3.2.0-rc1\n"]


def _bumped(
    tmp_path: Path, name: str, version: str, path: str, text: str, tag: str, part: str = "minor"
) -> str:
    """``path`` (holding ``text``) as a ``--part`` bump of the package ``name`` at
    ``version``, released as ``tag``, writes it."""
    module = f"{name.replace('-', '_')}/__init__.py"
    files = {"pyproject.toml": project(name, version), module: "", path: text}
    root = repo(tmp_path / "r", files, tags=[tag])
    bump = plan_bump(load_workspace(root), BumpOptions(part=part, today=DAY))
    (edit,) = [e for e in bump.edits if e.path.name == Path(path).name]
    return edit.after.decode()


def test_a_changelog_s_own_heading_style_is_followed(tmp_path: Path) -> None:
    """A RELEASE.md: ``# Upcoming Release`` above ``# Release 0.11.0``; the bump
    moves the entries under ``# Release 0.12.0``, as the file writes its releases, and a
    fresh Upcoming Release stays on top."""
    text = "# Upcoming Release\n* Fixed a thing.\n\n# Release 0.11.0\n* Migrated.\n"
    assert _bumped(tmp_path, "airflow-plugin", "0.11.0", "RELEASE.md", text, "0.11.0") == (
        "# Upcoming Release\n\n# Release 0.12.0\n* Fixed a thing.\n\n# Release 0.11.0\n* Migrated.\n"
    )


def test_a_to_be_released_heading_is_the_unreleased_section(tmp_path: Path) -> None:
    """A CHANGES.rst: ``To be released`` over its underline, above
    ``5.0.0 (2024-09-01)``; the bump moves the entries under ``5.1.0 (date)``, as the file
    writes its releases, and a fresh To be released stays on top."""
    changes = (
        "Changelog\n=========\n\nTo be released\n------------------\n- Fixed a thing.\n\n"
        "5.0.0 (2024-09-01)\n------------------\n- Migrated.\n"
    )
    after = _bumped(tmp_path, "modelish", "5.0.0", "CHANGES.rst", changes, "5.0.0")
    assert after.startswith("Changelog\n=========\n\nTo be released\n------------------\n\n")
    assert f"\n\n5.1.0 ({DAY})\n------------------\n- Fixed a thing.\n\n5.0.0 (" in after


@pytest.mark.parametrize("heading", ["v(next)", "vNext", "Next release", "Next version"])
def test_a_next_heading_is_the_unreleased_section(tmp_path: Path, heading: str) -> None:
    """A CHANGES.rst: ``v(next)`` over ``---`` above ``v18.10.0``; relnox said
    there was no Unreleased section. Its entries go under ``v18.11.0`` as the file
    titles its releases, and the next heading stays on top. A ``Next
    version`` over ``===`` is the same section."""
    under = "-" * len(heading)
    changes = f"{heading}\n{under}\n\n* Dropped 3.8.\n\nv18.10.0\n--------\n\n* Old.\n"
    after = _bumped(tmp_path, "cherry", "18.10.0", "CHANGES.rst", changes, "v18.10.0")
    assert after == changes.replace(
        f"{under}\n\n* Dropped", f"{under}\n\nv18.11.0\n--------\n\n* Dropped"
    )


def test_a_latest_heading_is_the_unreleased_section(tmp_path: Path) -> None:
    """A docs/history.rst: ``Latest`` over its underline holds the entries, above
    ``3.7.2`` over ``-----``; relnox read no Unreleased section, so a bump wrote no
    section and doctor asked for one. The entries go under ``3.7.3``, worded as the
    releases below are, and a fresh ``Latest`` stays on top."""
    history = (
        "Change Log\n==========\n\nLatest\n------\n- ENH: a thing\n\n3.7.2\n-----\n- BUG: old\n"
    )
    after = _bumped(tmp_path, "projish", "3.7.2", "docs/history.rst", history, "3.7.2", "patch")
    assert after == (
        "Change Log\n==========\n\nLatest\n------\n\n3.7.3\n-----\n- ENH: a thing\n\n"
        "3.7.2\n-----\n- BUG: old\n"
    )


def test_a_pending_section_of_another_version_is_named_when_a_patch_comes_first(
    tmp_path: Path,
) -> None:
    """The shape: the changelog's newest section is ``2.2.0 (unreleased)``
    and a patch release, 2.1.2, is made first; relnox said the file has no Unreleased
    section. It names the section it has, whose version it is, and leaves it alone; a
    minor bump dates it."""
    changes = (
        "Changes\n=======\n\n2.2.0 (unreleased)\n------------------\n\n- New thing.\n\n"
        "2.1.1 (2025-05-19)\n------------------\n\n- Fix.\n"
    )
    files = {
        "pyproject.toml": project("shapeish", "2.1.1"),
        "shapeish/__init__.py": "",
        "CHANGES.txt": changes,
    }
    root = repo(tmp_path / "r", files, tags=["2.1.1"])
    ws = load_workspace(root)
    patch = plan_bump(ws, BumpOptions(part="patch", today=DAY))
    assert not [e for e in patch.edits if e.path.name == "CHANGES.txt"]
    assert (
        "note: CHANGES.txt's unreleased section is 2.2.0's, not 2.1.2's; it is left as it "
        "is: bump --to 2.2.0, or retitle it 2.1.2"
    ) in patch.notes
    minor = plan_bump(ws, BumpOptions(part="minor", today=DAY))
    (edit,) = [e for e in minor.edits if e.path.name == "CHANGES.txt"]
    assert f"\n2.2.0 ({DAY})\n------------------\n\n- New thing." in edit.after.decode()


def test_a_section_written_ahead_without_a_date_is_named_not_missing(tmp_path: Path) -> None:
    """A RELEASE_NOTES.rst with ``Changes from 2.14.2 to 2.14.3`` written ahead,
    with no date to fill in; relnox said the file has no Unreleased section. It says the
    release's section is there, and leaves it."""
    notes = (
        "Changes from 2.14.2 to 2.14.3\n-----------------------------\n\n* A change.\n\n"
        "Changes from 2.14.1 to 2.14.2\n-----------------------------\n\n* A fix.\n"
    )
    files = {
        "pyproject.toml": project("numish", "2.14.3.dev0"),
        "numish/__init__.py": "",
        "RELEASE_NOTES.rst": notes,
    }
    root = repo(tmp_path / "r", files, tags=["v2.14.2"])
    bump = plan_bump(load_workspace(root), BumpOptions(part="patch", today=DAY))
    assert not [e for e in bump.edits if e.path.name == "RELEASE_NOTES.rst"]
    assert "note: RELEASE_NOTES.rst has 2.14.3's section already; it is left as it is" in (
        bump.notes
    )


@pytest.mark.parametrize(("part", "title"), [("patch", "0.9.7"), ("minor", "0.10.0")])
def test_the_section_of_the_development_version_becomes_the_release_s(
    tmp_path: Path, part: str, title: str
) -> None:
    """POT's RELEASES.md keeps the coming release's notes under ``## 0.9.7.dev0`` (the
    version it is at) and renames it at release; relnox said the file had no Unreleased
    section and left ``0.9.7.dev0`` in it."""
    notes = "# Releases\n\n## 0.9.7.dev0\n\n- New solver.\n\n## 0.9.6\n\n- Old.\n"
    after = _bumped(tmp_path, "potish", "0.9.7.dev0", "RELEASES.md", notes, "0.9.6", part)
    assert after == notes.replace("0.9.7.dev0", title)


def test_a_pin_in_a_requirements_file_read_as_dynamic_dependencies_follows_a_bump(
    tmp_path: Path,
) -> None:
    """A root package whose dependencies come from ``requirements.txt``
    (hatch-requirements-txt) pinning ``client_lib==2.6.0`` of ``client/python``, and a
    setuptools project reading ``[tool.setuptools.dynamic]`` files: both lines order the
    release, and a bump of the client rewrites each pin in its line."""
    hook = (
        '[build-system]\nrequires = ["hatchling", "hatch-requirements-txt"]\n'
        'build-backend = "hatchling.build"\n\n[project]\nname = "app"\nversion = "6.25.0"\n'
        'dynamic = ["dependencies", "optional-dependencies"]\n\n'
        '[tool.hatch.metadata.hooks.requirements_txt]\nfilename = "requirements.txt"\n\n'
        "[tool.hatch.metadata.hooks.requirements_txt.optional-dependencies]\n"
        'oauth = ["requirements-oauth.txt"]\n'
    )
    tool = (
        '[build-system]\nrequires = ["setuptools"]\nbuild-backend = "setuptools.build_meta"\n\n'
        '[project]\nname = "tool"\nversion = "1.0.0"\ndynamic = ["dependencies"]\n\n'
        '[tool.setuptools.dynamic]\ndependencies = {file = ["reqs/base.txt"]}\n'
    )
    from tests.shapes import project

    requirements = "# pins\nanyio>=3,<5\nclient_lib==2.6.0  # the client of this repository\n"
    root = tmp_path / "r"
    write_files(
        root,
        {
            "pyproject.toml": hook + '\n[tool.uv.workspace]\nmembers = ["client/python", "tool"]\n',
            "requirements.txt": requirements,
            "requirements-oauth.txt": "-r requirements.txt\nauthlib\n",
            "client/python/pyproject.toml": project("client-lib", "2.6.0"),
            "tool/pyproject.toml": tool,
            "tool/reqs/base.txt": "client-lib>=2.6,<2.7\n",
        },
    )
    workspace = load_workspace(root)
    assert workspace.packages[0].name == "client-lib"
    assert workspace.get("app").internal_deps == ("client-lib",)
    assert workspace.get("tool").internal_deps == ("client-lib",)
    plan = plan_bump(workspace, BumpOptions(part="minor", packages=["client-lib"], today=DAY))
    assert sorted(plan.rewrites) == [
        "app requires client_lib==2.7.0 (was client_lib==2.6.0) in requirements.txt",
        "tool requires client-lib>=2.7,<2.8 (was client-lib>=2.6,<2.7) in tool/reqs/base.txt",
    ]
    apply_bump(plan)
    assert (root / "requirements.txt").read_text() == requirements.replace("2.6.0", "2.7.0")


def test_a_short_dev_version_is_released_as_long_as_the_project_tags_releases(
    tmp_path: Path,
) -> None:
    """The shape: ``__version__ = '0.14-dev'`` while its releases are tagged 0.13.0,
    0.13.4; its changelog is docs/changelog.rst, the next section written ahead as
    ``Release 0.14 (in development)``. --part minor gives 0.14.0 (it gave 0.14), and the
    changelog's heading loses "(in development)" (relnox found no changelog)."""
    notes = "Release Notes\n=============\n\nRelease 0.13\n============\n\n* Old.\n"
    root = repo(
        tmp_path / "bottle",
        {
            "pyproject.toml": project("bottle", "0.13.4"),
            "docs/changelog.rst": notes,
            "bottle/__init__.py": "",
        },
        tags=["0.13.0", "0.13.4"],
    )
    ahead = notes.replace(
        "Release 0.13\n",
        "Release 0.14 (in development)\n" + "=" * 29 + "\n\n* New.\n\nRelease 0.13\n",
    )
    commit(root, {"pyproject.toml": project("bottle", "0.14-dev"), "docs/changelog.rst": ahead})
    for part in ("minor", "patch"):
        plan = plan_bump(load_workspace(root), BumpOptions(part=part, today=DAY))
        assert plan.versions["bottle"] == ("0.14-dev", "0.14.0")
        [edit] = [e for e in plan.edits if e.path.name == "changelog.rst"]
        assert b"Release 0.14\n=====" in edit.after
        assert b"(in development)" not in edit.after
    # a project that tags its minor releases short keeps the short spelling
    git(root, "tag", "-d", "0.13.0")
    git(root, "tag", "0.13")
    plan = plan_bump(load_workspace(root), BumpOptions(part="minor", today=DAY))
    assert plan.versions["bottle"] == ("0.14-dev", "0.14")
    # long once (0.13.0), short since (0.13.4 then 0.14.1 and 0.15): the
    # newest release of the shape decides (it gave 0.16.0)
    git(root, "tag", "-d", "0.13")
    git(root, "tag", "0.13.0")
    commit(root, {"pyproject.toml": project("bottle", "0.15")}, "0.14.1", "0.15")
    commit(root, {"pyproject.toml": project("bottle", "0.16.dev0")})
    plan = plan_bump(load_workspace(root), BumpOptions(part="minor", today=DAY))
    assert plan.versions["bottle"] == ("0.16.dev0", "0.16")


def test_a_changelog_whose_entries_sit_under_its_title_gets_the_release_heading(
    tmp_path: Path,
) -> None:
    """The shape: CHANGELOG.rst's new entries sit under its title, above the newest
    release; bump heads them with the new version's heading (it noted no Unreleased
    section and wrote nothing)."""
    log = "Changelog\n=========\n\n* New.\n\n1.0.0 (2025-09-09)\n------------------\n\n* Old.\n"
    root = repo(
        tmp_path / "cov",
        {"pyproject.toml": project("cov", "1.0.0"), "CHANGELOG.rst": log, "cov/__init__.py": ""},
        tags=["v1.0.0"],
    )
    plan = plan_bump(load_workspace(root), BumpOptions(part="minor", today=DAY))
    [edit] = [e for e in plan.edits if e.path.name == "CHANGELOG.rst"]
    assert edit.after.decode().startswith(
        "Changelog\n=========\n\n1.1.0 (2026-05-03)\n------------------\n\n* New.\n"
    )
    assert not any("Unreleased" in note for note in plan.notes)


def test_an_in_development_section_is_released_in_the_style_of_the_last_release(
    tmp_path: Path,
) -> None:
    """The shape: CHANGES.rst's next entries sit under ``In development`` over ``---``
    and releases read ``Release 1.5.3 - 2025/12/15``; bump writes ``Release 1.6.0 -
    2026/05/03`` the same way (it found no Unreleased section; an underlined heading was
    always written ``1.6.0 (2026-05-03)``), and doctor counts the entries."""
    log = (
        "Release Notes\n=============\n\nIn development\n--------------\n\n- New.\n\n"
        "Release 1.5.3 - 2025/12/15\n--------------------------\n\n- Old.\n"
    )
    root = repo(
        tmp_path / "jl",
        {"pyproject.toml": project("jl", "1.6.dev0"), "CHANGES.rst": log, "jl/__init__.py": ""},
        tags=["1.5.0", "1.5.3"],
    )
    [row] = [c for c in doctor(root).checks if c.check == "changelog jl"]
    assert (row.status, row.detail) == (
        "ok",
        "CHANGES.rst: Unreleased entries become 1.6.0's section on bump",
    )
    plan = plan_bump(load_workspace(root), BumpOptions(part="minor", today=DAY))
    [edit] = [e for e in plan.edits if e.path.name == "CHANGES.rst"]
    assert edit.after.decode() == log.replace(
        "- New.", "Release 1.6.0 - 2026/05/03\n--------------------------\n\n- New."
    )
    # its title once read ``Latest changes``, over the releases: no Unreleased section (a bump
    # to the next development version wrote ``Release 1.6.dev0`` under it)
    released = f"Latest changes\n==============\n\n{log[log.index('Release 1.5.3') :]}"
    released += "\nRelease 1.0.0a1\n---------------\n\n- First.\n"  # pre-releases get sections
    commit(root, {"CHANGES.rst": released, "pyproject.toml": project("jl", "1.5.3")})
    plan = plan_bump(load_workspace(root), BumpOptions(to="1.6.dev0"))
    assert [e.path.name for e in plan.edits] == ["pyproject.toml"]
    assert not any("CHANGES.rst" in note for note in plan.notes)  # nothing to release


def test_a_section_written_ahead_is_dated_by_the_bump(tmp_path: Path) -> None:
    """The shape end to end: the bump that releases 1.2.0 dates its section."""
    log = (
        "# Changelog\n\n## Version 1.2.0\n\n- New.\n\n## Version 1.1.1 (June 27, 2025)\n\n- Old.\n"
    )
    root = repo(
        tmp_path / "geo",
        {"pyproject.toml": project("geo", "1.1.1"), "CHANGELOG.md": log, "geo/__init__.py": ""},
        tags=["v1.1.1"],
    )
    plan = plan_bump(load_workspace(root), BumpOptions(part="minor", today=DAY))
    [edit] = [e for e in plan.edits if e.path.name == "CHANGELOG.md"]
    assert edit.after.decode() == log.replace(
        "## Version 1.2.0\n", "## Version 1.2.0 (May 3, 2026)\n"
    )


def test_a_changes_in_product_changelog_is_read_and_its_style_followed(tmp_path: Path) -> None:
    """A CHANGES.rst: ``Changes in Apache Libcloud in development`` (its
    Unreleased) above ``Changes in Apache Libcloud 3.8.0``, reST titles underlined with
    ``-``. doctor finds the Unreleased entries, and the bump writes ``Changes in Apache
    Libcloud 3.8.1`` underlined the same way, not ``3.8.1 (date)``."""
    changes = (
        "Changelog\n=========\n\n"
        "Changes in Apache Libcloud in development\n-----------------------------------------\n\n"
        "Common\n~~~~~~\n\n- A fix.\n\n"
        "Changes in Apache Libcloud 3.8.0\n--------------------------------\n\n- Old.\n"
    )
    files = {
        "pyproject.toml": project("apache-libcloud", "3.8.1.dev0"),
        "apache_libcloud/__init__.py": "",
        "CHANGES.rst": changes,
    }
    root = repo(tmp_path / "r", files, tags=["v3.8.0"])
    row = {c.check: c for c in doctor(root).checks}["changelog apache-libcloud"]
    assert row.detail == "CHANGES.rst: Unreleased entries become 3.8.1's section on bump"
    bump = plan_bump(load_workspace(root), BumpOptions(part="patch", today=DAY))
    (edit,) = [e for e in bump.edits if e.path.name == "CHANGES.rst"]
    assert edit.after.decode() == changes.replace(
        "-----\n\nCommon",
        "-----\n\nChanges in Apache Libcloud 3.8.1\n--------------------------------\n\nCommon",
        1,
    )


def test_a_part_bump_past_a_next_version_no_tag_released_says_so(tmp_path: Path) -> None:
    """The shape: its release script tags 1.52.0 and leaves every package at
    1.53.0; ``--part minor`` gives 1.54.0, past a version never released, and says so in
    one note for the packages sharing it. A version far past the last tag (tags no longer
    made: a package at 1.24.5, tagged up to v1.17.3) and a package at its tagged release
    say nothing."""
    files = {
        "pyproject.toml": '[tool.uv.workspace]\nmembers = ["client", "dbt"]\n',
        "client/pyproject.toml": project("ol-client", "1.52.0"),
        "dbt/pyproject.toml": project("ol-dbt", "1.52.0", requires=["ol-client==1.52.0"]),
    }
    root = repo(tmp_path / "r", files, tags=["1.52.0"])
    commit(root, {k: v.replace("1.52.0", "1.53.0") for k, v in files.items()})
    plan = plan_bump(load_workspace(root), BumpOptions(part="minor", today=DAY))
    assert [n for n in plan.notes if "no tag released" in n] == [
        "note: ol-client, ol-dbt are at 1.53.0, which no tag released (the last release is "
        "1.52.0): --part minor gives 1.54.0, past it; to release 1.53.0 as it is, run relnox "
        "release without --part"
    ]
    commit(root, {}, "1.53.0")
    plan = plan_bump(load_workspace(root), BumpOptions(part="minor", today=DAY))
    assert not [n for n in plan.notes if "no tag released" in n]
    old = repo(tmp_path / "old", {"pyproject.toml": project("old", "1.24.5")}, tags=["v1.17.3"])
    plan = plan_bump(load_workspace(old), BumpOptions(part="minor", today=DAY))
    assert not [n for n in plan.notes if "no tag released" in n]


def _lock(*entries: tuple[str, str, str]) -> str:
    """A uv.lock of ``(name, version, source)`` entries."""
    text = 'version = 1\nrevision = 3\nrequires-python = ">=3.10"\n'
    for name, version, source in entries:
        text += f'\n[[package]]\nname = "{name}"\nversion = "{version}"\nsource = {source}\n'
    return text


def test_each_packages_own_uv_lock_follows_a_bump_and_doctor_checks_it(tmp_path: Path) -> None:
    """The shape: no root project, each ``libs/*`` a uv project with its own
    ``uv.lock``; a partner's lock holds core as an editable path. A bump of core moves
    core's entry in both locks (not the registry's ``requests``), and doctor names a
    stale one by its directory."""
    files = {
        "libs/core/pyproject.toml": project("lc-core", "0.3.0"),
        "libs/core/uv.lock": _lock(("lc-core", "0.3.0", '{ editable = "." }')),
        "libs/partner/pyproject.toml": project("lc-partner", "0.1.0", requires=["lc-core"]),
        "libs/partner/uv.lock": _lock(
            ("lc-core", "0.3.0", '{ editable = "../core" }'),
            ("lc-partner", "0.1.0", '{ editable = "." }'),
            ("requests", "0.3.0", '{ registry = "https://example.org/simple" }'),
        ),
    }
    root = repo(tmp_path / "r", files, tags=["lc-core==0.3.0", "lc-partner==0.1.0"])
    checks = {c.check: c for c in doctor(root).checks}
    assert checks["uv.lock libs/core"].status == "ok"
    plan = plan_bump(load_workspace(root), BumpOptions(part="minor", packages=("lc-core",)))
    apply_bump(plan)
    assert (root / "libs/core/uv.lock").read_text() == files["libs/core/uv.lock"].replace(
        "0.3.0", "0.4.0"
    )
    partner = (root / "libs/partner/uv.lock").read_text()
    assert 'name = "lc-core"\nversion = "0.4.0"' in partner
    assert 'name = "requests"\nversion = "0.3.0"' in partner
    write_files(root, {"libs/core/uv.lock": files["libs/core/uv.lock"]})
    git_commit_all(root, "stale lock")
    row = {c.check: c for c in doctor(root).checks}["uv.lock libs/core"]
    assert row.detail == (
        "out of date (lc-core 0.3.0 != 0.4.0); run uv lock in libs/core and commit it"
    )


def test_a_lock_entry_left_behind_its_package_stays_behind_and_is_said(tmp_path: Path) -> None:
    """A repository whose ``uv.lock`` still says 2.48.0 for its own package at 2.52.0
    does not keep the lock in step at releases: the bump leaves that entry as it is,
    and says so, while an entry in step moves."""
    files = {
        "pyproject.toml": project("lagged", "2.52.0"),
        "lagged/__init__.py": "",
        "uv.lock": _lock(("lagged", "2.48.0", '{ editable = "." }')),
    }
    root = repo(tmp_path / "r", files, tags=["v2.52.0"])
    done = run_relnox("bump", "--part", "patch", cwd=root)
    assert done.returncode == 0, done.stderr
    assert (root / "uv.lock").read_text() == files["uv.lock"]
    assert "uv.lock holds lagged 2.48.0, behind the package" in done.stdout + done.stderr
    assert 'version = "2.52.1"' in (root / "pyproject.toml").read_text()
    write_files(root, {"uv.lock": _lock(("lagged", "2.52.1", '{ editable = "." }'))})
    git_commit_all(root, "lock in step")
    done = run_relnox("bump", "--part", "patch", cwd=root)
    assert done.returncode == 0, done.stderr
    assert 'name = "lagged"\nversion = "2.52.2"' in (root / "uv.lock").read_text()


def test_a_new_pre_release_label_starts_where_the_history_starts_them(tmp_path: Path) -> None:
    """The shape: every pre-release tag is numbered from 1 (4.3.0a1,
    4.3.0b1, 4.3.0rc1); --pre beta gives 4.4.0b1, not b0, whatever an older line did
    (4.2.0rc0). A newest line with a 0 keeps 0."""
    root = repo(
        tmp_path / "fal",
        {"pyproject.toml": project("fal", "4.3.0"), "fal/__init__.py": ""},
        tags=["4.3.0a1", "4.3.0b1", "4.3.0rc1", "4.3.0"],
    )
    commit(root, {"pyproject.toml": project("fal", "4.4.0.dev1")})
    plan = plan_bump(load_workspace(root), BumpOptions(part="minor", pre="beta", today=DAY))
    assert plan.versions["fal"] == ("4.4.0.dev1", "4.4.0b1")
    git(root, "tag", "4.2.0rc0", "HEAD~1")
    plan = plan_bump(load_workspace(root), BumpOptions(part="minor", pre="beta", today=DAY))
    assert plan.versions["fal"] == ("4.4.0.dev1", "4.4.0b1")
    git(root, "tag", "4.4.0a0", "HEAD")
    plan = plan_bump(load_workspace(root), BumpOptions(part="minor", pre="beta", today=DAY))
    assert plan.versions["fal"] == ("4.4.0.dev1", "4.4.0b0")


def test_a_released_lines_alpha_from_0_leaves_the_rc_series_numbered_from_1(
    tmp_path: Path,
) -> None:
    """The shape: 2.0.0rc1 (rc numbered from 1), then 2.1.0a0 (alpha from 0) and 2.1.0
    released: --pre rc of the next line gives 2.2.0rc1, as the rc series did, not rc0 as the
    newest line's alpha; a line still in pre-release (2.2.0a0) keeps its 0."""
    root = repo(
        tmp_path / "ot",
        {"pyproject.toml": project("ot", "2.1.0"), "ot/__init__.py": ""},
        tags=["2.0.0rc1", "2.0.0", "2.1.0a0", "2.1.0"],
    )
    plan = plan_bump(load_workspace(root), BumpOptions(part="minor", pre="rc", today=DAY))
    assert plan.versions["ot"] == ("2.1.0", "2.2.0rc1")
    commit(root, {"pyproject.toml": project("ot", "2.2.0a0")}, "2.2.0a0")
    plan = plan_bump(load_workspace(root), BumpOptions(pre="rc", today=DAY))
    assert plan.versions["ot"] == ("2.2.0a0", "2.2.0rc0")


def test_the_split_starts_note_names_the_series_that_decided(tmp_path: Path) -> None:
    """2.0.0rc1 (rc from 1), then 2.1.0a0 (alpha from 0) and 2.1.0 released: --pre rc gives
    2.2.0rc1 because the rc series started at 1; the note said "as its newest line's did",
    whose alpha started at 0. It names the rc series now; a line still in pre-release
    (2.2.0a0, alpha from 0) decides for a beta, and the note says so."""
    root = repo(
        tmp_path / "ot",
        {"pyproject.toml": project("ot", "2.1.0"), "ot/__init__.py": ""},
        tags=["2.0.0rc1", "2.0.0", "2.1.0a0", "2.1.0"],
    )

    def note(*flags: str) -> str:
        out = run_relnox("bump", "--dry-run", *flags, cwd=root, check=True).stdout
        return next(line for line in out.splitlines() if "pre-release series" in line)

    assert note("--part", "minor", "--pre", "rc") == (
        "note: ot's pre-release series started at 0 (2.1.0a0) and at 1 (2.0.0rc1); 2.2.0rc1 "
        "starts as its own rc series did (2.0.0rc1), and [tool.relnox] pre-release-start = 0 "
        "gives 2.2.0rc0"
    )
    commit(root, {"pyproject.toml": project("ot", "2.2.0a0")}, "2.2.0a0")
    assert "2.2.0b0 starts as its newest line's did, and" in note("--pre", "beta")


def test_a_history_whose_pre_release_series_started_at_0_and_at_1_says_both(
    tmp_path: Path,
) -> None:
    """Series numbered from 1 (4.3.0b1, 4.3.0rc1) after one from 0 (4.2.0a0): the beta series
    of the released newest line decides, --pre beta gives 4.4.0b1, and one note says the other reading and the setting
    that gives it; [tool.relnox] pre-release-start = 0 decides instead (4.4.0b0, no note). A
    history numbered one way says nothing more."""
    said = "started at 0 (4.2.0a0) and at 1 (4.3.0rc1, 4.3.0b1)"

    def bumped(settings: str = "") -> tuple[str, list[str]]:
        commit(root, {"pyproject.toml": project("fal", "4.4.0.dev1") + settings})
        plan = plan_bump(load_workspace(root), BumpOptions(part="minor", pre="beta", today=DAY))
        return plan.versions["fal"][1], [n for n in plan.notes if "pre-release series" in n]

    root = repo(
        tmp_path / "fal",
        {"pyproject.toml": project("fal", "4.3.0"), "fal/__init__.py": ""},
        tags=["4.3.0b1", "4.3.0rc1", "4.3.0"],
    )
    assert bumped() == ("4.4.0b1", [])
    git(root, "tag", "4.2.0a0", "HEAD~1")
    assert bumped() == (
        "4.4.0b1",
        [
            f"note: fal's pre-release series {said}; 4.4.0b1 starts as its own b series did "
            "(4.3.0b1), and [tool.relnox] pre-release-start = 0 gives 4.4.0b0"
        ],
    )
    assert bumped("\n[tool.relnox]\npre-release-start = 0\n") == ("4.4.0b0", [])


def test_a_package_no_tag_releases_numbers_its_pre_releases_as_its_file_did(
    tmp_path: Path,
) -> None:
    """No tag in the repository: the moves of the version literal are the releases, and its
    pre-release series started at 1 (1.8.0b1, 1.8.0rc1), so --pre beta gives 1.9.0b1, not
    1.9.0b0. Before, with no tag to read, the number started at 0."""
    root = repo(tmp_path / "pg", {"pyproject.toml": project("pg", "1.7.0"), "pg/__init__.py": ""})
    for version in ("1.8.0b1", "1.8.0b2", "1.8.0rc1", "1.8.0"):
        commit(root, {"pyproject.toml": project("pg", version)})
    plan = plan_bump(load_workspace(root), BumpOptions(part="minor", pre="beta", today=DAY))
    assert plan.versions["pg"] == ("1.8.0", "1.9.0b1")
    plan = plan_bump(load_workspace(root), BumpOptions(part="minor", today=DAY))
    assert plan.versions["pg"] == ("1.8.0", "1.9.0")


@pytest.mark.parametrize(
    ("written", "settings", "args", "expected"),
    [
        ("1.6.0.dev0", "", ["--pre", "rc"], "1.6.0rc1"),  # PEP 440: a series from 1
        ("1.6.0.dev0", "pre-release-start = 0", ["--pre", "rc"], "1.6.0rc0"),
        (
            "2.0.0",
            'version-scheme = "semver"',
            ["--part", "patch", "--pre", "alpha"],
            "2.0.1-alpha.0",
        ),
        (
            "2.0.0",
            "pre-release-start = 1\nversion-scheme = 'semver'",
            ["--part", "patch", "--pre", "alpha"],
            "2.0.1-alpha.1",
        ),
    ],
)
def test_a_first_pre_release_with_no_history_starts_as_its_spelling_does(
    tmp_path: Path, written: str, settings: str, args: list[str], expected: str
) -> None:
    """The shape: 1.5.0 tagged, the files at 1.6.0.dev0, no pre-release anywhere in the
    history; the maintainers made 1.6.0rc1 and relnox proposed 1.6.0rc0. A PEP 440 series
    starts at 1 now, a semver one (2.0.1-alpha.0) at 0; pre-release-start decides over both."""
    extra = f"\n[tool.relnox]\n{settings}\n" if settings else ""
    files = {"pyproject.toml": project("pk", "1.5.0") + extra, "pk/__init__.py": ""}
    root = repo(tmp_path / "pk", files, tags=["v1.5.0"])
    commit(root, {"pyproject.toml": project("pk", written) + extra})
    out = run_relnox("bump", *args, "--dry-run", "--json", cwd=root, check=True).stdout
    assert json.loads(out)["versions"] == {"pk": expected}


def test_pre_release_start_is_0_or_1(tmp_path: Path) -> None:
    root = repo(
        tmp_path / "p",
        {"pyproject.toml": project("p") + '\n[tool.relnox]\npre-release-start = "1"\n'},
    )
    with pytest.raises(ConfigError, match="pre-release-start = '1'; write 0"):
        load_workspace(root)


def test_a_version_written_ahead_of_its_release_is_said_before_a_bump_skips_it(
    tmp_path: Path,
) -> None:
    """The shape: once 1.19.1 is tagged rel_1_19_1 the file says 1.19.2, the release
    to make; --part patch gives 1.19.3 and says, once, that it skips 1.19.2 and how to
    release it as written (2.9.0 after 2.8.0 was said twice, with two
    different ways). A version further on is said by the other note, with relnox tag. A
    version that is released, or a dev version, is not said."""
    root = repo(
        tmp_path / "al",
        {"pyproject.toml": project("al", "1.19.1"), "al/__init__.py": ""},
        tags=["rel_1_19_0", "rel_1_19_1"],
    )
    commit(root, {"pyproject.toml": project("al", "1.19.2")}, message="Version 1.19.2 placeholder")
    plan = plan_bump(load_workspace(root), BumpOptions(part="patch", today=DAY))
    assert plan.versions["al"] == ("1.19.2", "1.19.3")
    said = [n for n in plan.notes if "1.19.2" in n and "1.19.3" in n]
    assert said == [
        "note: al is at 1.19.2, which no tag released (the last release is rel_1_19_1): --part "
        "patch gives 1.19.3, past it; to release 1.19.2 as it is, run relnox release without "
        "--part"
    ]
    commit(root, {"pyproject.toml": project("al", "1.19.5")})
    plan = plan_bump(load_workspace(root), BumpOptions(part="patch", today=DAY))
    said = [n for n in plan.notes if "1.19.5" in n]
    assert len(said) == 1 and said[0].startswith("note: al 1.19.5 is written but not released")
    git(root, "tag", "rel_1_19_5")
    plan = plan_bump(load_workspace(root), BumpOptions(part="patch", today=DAY))
    assert not any("written but not released" in note for note in plan.notes)


def test_a_root_changelog_titled_by_the_main_lines_versions_keeps_that_title(
    tmp_path: Path,
) -> None:
    """The shape: analyzer and anonymizer released together under one bare tag
    (2.2.363), image-redactor at a version of its own, and one root CHANGELOG.md whose
    release headings are the main line's versions (``## [2.2.363] - date``): the next
    section is ``[2.2.364]``, not a list of every package."""
    log = (
        "# Changelog\n\n## [unreleased]\n\n### Analyzer\n- Faster.\n\n### Image Redactor\n"
        "- Sharper.\n\n## [2.2.363] - 2026-01-01\n\n- Old.\n"
    )
    files = {
        "pyproject.toml": '[tool.relnox]\npackages = ["presidio-*"]\n',
        "CHANGELOG.md": log,
        "presidio-analyzer/pyproject.toml": project("presidio-analyzer", "2.2.363"),
        "presidio-anonymizer/pyproject.toml": project("presidio-anonymizer", "2.2.363"),
        "presidio-image-redactor/pyproject.toml": project(
            "presidio-image-redactor", "0.0.59", requires=["presidio-analyzer>=2.2"]
        ),
    }
    root = repo(tmp_path / "r", files, tags=["2.2.363"])
    plan = plan_bump(load_workspace(root), BumpOptions(part="patch", today=DAY))
    assert plan.versions["presidio-image-redactor"] == ("0.0.59", "0.0.60")
    apply_bump(plan)
    text = (root / "CHANGELOG.md").read_text()
    assert "## [unreleased]\n\n## [2.2.364] - 2026-05-03\n\n### Analyzer\n- Faster." in text


def test_a_group_versioned_by_release_days_moves_to_today_whatever_each_file_says(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The shape: the release job sets every server to the day's
    version (2026.4.20) on a commit it tags off main, where the files keep 0.6.3 and 0.6.2.
    The servers share those tags, so they are one group, and a --part bump gives today's
    date to each (the group's diverged files were refused)."""

    def servers(fetch: str, time: str) -> dict[str, str]:
        return {
            "src/fetch/pyproject.toml": project("srv-fetch", fetch),
            "src/time/pyproject.toml": project("srv-time", time),
        }

    monkeypatch.setenv("GIT_COMMITTER_DATE", "2026-04-01T00:00:00+00:00")
    root = repo(tmp_path / "r", servers("0.6.2", "0.6.2"))
    for day in ("2026.4.10", "2026.4.20"):
        git(root, "checkout", "-q", "-b", f"release-{day}")
        year, month, date_ = (int(n) for n in day.split("."))
        monkeypatch.setenv("GIT_COMMITTER_DATE", f"{year}-{month:02}-{date_:02}T12:00:00+00:00")
        commit(root, servers(day, day), day)
        git(root, "checkout", "-q", "main")
    monkeypatch.setenv("GIT_COMMITTER_DATE", "2026-04-25T00:00:00+00:00")
    commit(root, servers("0.6.3", "0.6.2"))
    plan = plan_bump(load_workspace(root), BumpOptions(part="patch", today=DAY))
    assert plan.versions == {
        "srv-fetch": ("0.6.3", "2026.5.3"),
        "srv-time": ("0.6.2", "2026.5.3"),
    }


def test_a_placeholder_the_release_stamps_at_build_time_bumps_from_the_last_release(
    tmp_path: Path,
) -> None:
    """The shape: pyproject.toml keeps ``0.0.1`` and the release workflow writes
    the tag's version into it at build time, so the file says 0.0.1 at 6.0.1 and 6.0.2:
    a bump starts from the last release (6.1.0 for minor), said in a note, and doctor
    names the placeholder instead of calling the tags a mistake."""
    root = repo(tmp_path / "r", {"pyproject.toml": project("corsish", "0.0.1")}, ["6.0.1"])
    commit(root, {"README.md": "fix\n"}, "6.0.2")
    commit(root, {"CHANGELOG.md": "# Changes\n\n## 6.0.2\n\n- fix\n"})
    ws = load_workspace(root)
    plan = plan_bump(ws, BumpOptions(part="minor"))
    assert plan.versions["corsish"] == ("0.0.1", "6.1.0")
    assert any("0.0.1 at 6.0.2 and 6.0.1" in note for note in plan.notes)
    assert plan_bump(ws, BumpOptions(part="patch")).versions["corsish"][1] == "6.0.3"
    checks = {c.check: c for c in doctor(root).checks}
    assert checks["tags corsish"].status == "warn"
    assert "placeholder" in checks["tags corsish"].detail
    assert "the release after 6.0.2" in checks["changelog corsish"].detail
    assert "like '## 6.0.3'" in checks["changelog corsish"].detail


def test_a_placeholder_the_release_stamps_is_left_as_it_is_and_the_bump_is_the_tag(
    tmp_path: Path,
) -> None:
    """The file says the placeholder ``0.0.0+develop`` at the releases 6.0.1 and 6.0.2 (the
    release workflow stamps the tag's version at build time): a bump leaves the file as
    the maintainers do and makes the tag, as for a version from tags (it wrote 6.0.3 into
    the placeholder)."""
    root = repo(tmp_path / "r", {"pyproject.toml": project("corsish", "0.0.0+develop")}, ["6.0.1"])
    commit(root, {"README.md": "fix\n"}, "6.0.2")
    commit(root, {"README.md": "fix 2\n"})
    bump = run_relnox("bump", "--part", "patch", "--dry-run", cwd=root, check=True).stdout
    assert "corsish: 0.0.0+develop -> 6.0.3" in bump or "-> 6.0.3" in bump
    assert '+version = "6.0.3"' not in bump and "git commit" not in bump
    assert "git tag -a -m 'Release 6.0.3' -- 6.0.3" in bump
    run_relnox("bump", "--part", "patch", "--commit", "--tag", cwd=root, check=True)
    assert git(root, "tag", "--points-at", "HEAD").split() == ["6.0.3"]
    assert 'version = "0.0.0+develop"' in (root / "pyproject.toml").read_text()


def _lock_of(version: str) -> str:
    return (
        "# generated by cargo\nversion = 4\n\n"
        f'[[package]]\nname = "native-bindings"\nversion = "{version}"\n'
    )


def _placeholder_crate(root: Path) -> Path:
    """maturin reads ``Cargo.toml``'s ``0.1.0``, which the release workflow replaces at build
    time, while the module's ``__version__`` says each release (1.5.8, 1.5.9)."""
    files = {
        "pyproject.toml": project("native", None, backend="maturin"),
        "Cargo.toml": '[package]\nname = "native-bindings"\nversion = "0.1.0"\n',
        "Cargo.lock": _lock_of("0.1.0"),
        "native/__init__.py": '__version__ = "1.5.8"\n',
    }
    repo(root, files, ["1.5.8"])
    commit(root, {"native/__init__.py": '__version__ = "1.5.9"\n'}, "1.5.9")
    commit(root, {"README.md": "fix\n"})
    return root


def test_a_placeholder_crate_version_keeps_its_lock_entry(tmp_path: Path) -> None:
    """The bump is the tag: the crate and its ``Cargo.lock`` entry keep the placeholder (the
    lock moved to 1.5.10 alone, behind a manifest left at 0.1.0)."""
    root = _placeholder_crate(tmp_path / "r")
    plan = plan_bump(load_workspace(root), BumpOptions(part="patch"))
    assert plan.versions == {"native": ("0.1.0", "1.5.10")}
    assert "Cargo.lock" not in [edit.path.name for edit in plan.edits]
    apply_bump(plan)
    assert (root / "Cargo.lock").read_text() == _lock_of("0.1.0")


def test_a_placeholder_crate_version_stays_and_the_module_copy_saying_the_releases_moves(
    tmp_path: Path,
) -> None:
    """The module's ``__version__`` said 1.5.8 and 1.5.9 at their tags: it moves to the new
    version (a note said it was set to 1.5.10, but no edit wrote it), the crate stays."""
    root = _placeholder_crate(tmp_path / "r")
    plan = plan_bump(load_workspace(root), BumpOptions(part="patch"))
    assert [edit.path.relative_to(root).as_posix() for edit in plan.edits] == ["native/__init__.py"]
    assert "note: native is versioned by git tags; its bump is the tag 1.5.10" in plan.notes
    apply_bump(plan)
    assert (root / "native/__init__.py").read_text() == '__version__ = "1.5.10"\n'
    assert 'version = "0.1.0"' in (root / "Cargo.toml").read_text()


def test_a_module_copy_saying_the_last_release_beside_a_placeholder_is_in_step(
    tmp_path: Path,
) -> None:
    """check-versions passes and nothing warns: the module's 1.5.9 is the last release, the
    crate's 0.1.0 a placeholder (it was an error, "native/__init__.py says '1.5.9' but
    Cargo.toml says '0.1.0'", which no edit of the files could fix); a copy at neither is
    still drift."""
    root = _placeholder_crate(tmp_path / "r")
    done = run_relnox("check-versions", cwd=root)
    assert done.returncode == 0 and "says '1.5.9'" not in done.stdout + done.stderr, done
    commit(root, {"native/__init__.py": '__version__ = "1.4.0"\n'})
    (pkg,) = load_workspace(root).packages
    assert [loc.value for loc in pkg.drift] == ["1.4.0"]


def test_a_file_each_release_moved_beside_a_placeholder_moves_too(tmp_path: Path) -> None:
    """The deployment file said each release (1.5.7, 1.5.8, 1.5.9) beside the module's
    ``__version__`` while the crate kept its placeholder: the bump moves it from the last
    release to the new one (it was left: the history was read for the placeholder, 0.1.0,
    which no release moved)."""

    def release(version: str) -> dict[str, str]:
        return {
            "native/__init__.py": f'__version__ = "{version}"\n',
            "deploy/main.tf": f'variable "image" {{\n  default = "native:{version}"\n}}\n',
        }

    files = {
        "pyproject.toml": project("native", None, backend="maturin"),
        "Cargo.toml": '[package]\nname = "native-bindings"\nversion = "0.1.0"\n',
        **release("1.5.7"),
    }
    root = repo(tmp_path / "r", files, ["1.5.7"])
    for version in ("1.5.8", "1.5.9"):
        commit(root, release(version), version)
    commit(root, {"README.md": "fix\n"})
    plan = plan_bump(load_workspace(root), BumpOptions(part="patch"))
    edited = [edit.path.relative_to(root).as_posix() for edit in plan.edits]
    assert sorted(edited) == ["deploy/main.tf", "native/__init__.py"]
    apply_bump(plan)
    assert (root / "deploy/main.tf").read_text() == release("1.5.10")["deploy/main.tf"]


def test_a_version_file_that_named_its_last_release_is_not_a_placeholder(tmp_path: Path) -> None:
    """A file that said 6.0.1 at its tag and now says less is a mistake, not a placeholder:
    the bump is refused as before."""
    root = repo(tmp_path / "r", {"pyproject.toml": project("corsish", "6.0.1")}, ["6.0.1"])
    commit(root, {"pyproject.toml": project("corsish", "0.0.1")}, "6.0.2")
    with pytest.raises(VersionError, match=r"is not above 6\.0\.2"):
        plan_bump(load_workspace(root), BumpOptions(part="minor"))


def test_a_file_one_package_reads_and_another_s_bumpversion_lists_is_edited_once(
    tmp_path: Path,
) -> None:
    """The shape: the root's ``[tool.bumpversion]`` lists the subproject's
    ``version.py`` beside its own, and the subproject's setup.py reads that file's
    ``__version__``. Both packages edit one line: the second edit found the version gone
    ('no longer where it was read; rerun the command') on every bump; it is made once."""
    extra = (
        '[tool.hatch.version]\npath = "core/version.py"\n\n'
        '[tool.bumpversion]\ncurrent_version = "2.4.0.dev14"\n\n'
        '[[tool.bumpversion.files]]\nfilename = "core/version.py"\n\n'
        '[[tool.bumpversion.files]]\nfilename = "sub/plugin/version.py"\n\n'
        '[tool.relnox]\npackages = [".", "sub/plugin"]\n'
    )
    version = '# managed\n__version__ = "2.4.0.dev14"\n'
    setup_py = (
        "import re\nfrom setuptools import setup\n\n"
        "def find_version(path):\n"
        "    text = open(path).read()\n"
        '    return re.search(r\'^__version__ = "([^"]*)"\', text, re.M).group(1)\n\n'
        "setup(name='core-plugin', version=find_version('version.py'), packages=[])\n"
    )
    files = {
        "pyproject.toml": project("core", None, extra=extra),
        "core/__init__.py": "",
        "core/version.py": version,
        "sub/plugin/setup.py": setup_py,
        "sub/plugin/version.py": version,
    }
    root = repo(tmp_path / "r", files, tags=["v2.3.1"])
    ws = load_workspace(root)
    assert sorted(p.name for p in ws.packages) == ["core", "core-plugin"]
    apply_bump(plan_bump(ws, BumpOptions(part="minor")))
    for path in ("core/version.py", "sub/plugin/version.py"):
        assert (root / path).read_text() == version.replace("2.4.0.dev14", "2.4.0")


def test_doctor_names_the_release_after_a_placeholder_as_the_bump_would(tmp_path: Path) -> None:
    """The placeholder shape, with 6.0.3 already released from another branch: the bump steps
    over it to 6.0.4, and doctor's example heading is the same release (one next version)."""
    root = repo(tmp_path / "r", {"pyproject.toml": project("corsish", "0.0.1")}, ["6.0.1"])
    commit(root, {"README.md": "fix\n"}, "6.0.2")
    git(root, "checkout", "-q", "-b", "maint")
    commit(root, {"README.md": "hotfix\n"}, "6.0.3")
    git(root, "checkout", "-q", "-")
    commit(root, {"CHANGELOG.md": "# Changes\n\n## 6.0.2\n\n- fix\n"})
    assert plan_bump(load_workspace(root), BumpOptions(part="patch")).versions["corsish"] == (
        "0.0.1",
        "6.0.4",
    )
    checks = {c.check: c for c in doctor(root).checks}
    assert "like '## 6.0.4'" in checks["changelog corsish"].detail


def test_one_packages_refusal_leaves_it_out_of_a_whole_workspace_bump(tmp_path: Path) -> None:
    """In a ``src/*`` workspace, ``late`` says 1.0.0 while ``late-v1.5.0`` was released from
    another branch: its patch (1.0.1) is refused, which refused the whole workspace's bump.
    Now the others are bumped and a note says why ``late`` is left out; named alone
    (``--package late``), it is refused as before."""
    files = {
        "src/core/pyproject.toml": project("core", "2.0.0"),
        "src/late/pyproject.toml": project("late", "1.0.0"),
    }
    root = repo(tmp_path / "r", files, tags=["core-v2.0.0"])
    git(root, "checkout", "-q", "-b", "other")
    commit(root, {"src/late/pyproject.toml": project("late", "1.5.0")}, "late-v1.5.0")
    git(root, "checkout", "-q", "main")
    commit(root, {"src/core/work.txt": "1"})
    out = run_relnox("bump", "--part", "patch", "--dry-run", cwd=root, check=True).stdout
    assert "core: 2.0.0 -> 2.0.1" in out and "late: 1.0.0 ->" not in out
    assert "warning: late is left out of this bump: late: 1.0.1 is not above 1.5.0" in out
    quiet = run_relnox("-q", "bump", "--part", "patch", "--dry-run", cwd=root, check=True)
    assert "warning: late is left out of this bump" in quiet.stdout  # -q keeps it
    alone = run_relnox("bump", "--package", "late", "--part", "patch", "--dry-run", cwd=root)
    assert alone.returncode != 0 and "late: 1.0.1 is not above 1.5.0" in alone.stderr


def test_a_group_whose_next_version_fails_is_left_out_of_a_whole_workspace_bump(
    tmp_path: Path,
) -> None:
    """A configured lockstep group whose versions diverged has no next version (an error,
    not a refusal), which stopped the whole workspace's bump. Now the others are bumped and
    one warning names the group, why and the fix; named with -p, it fails as before."""
    files = {
        "pyproject.toml": '[tool.relnox]\nlockstep = [["grp-a", "grp-b"]]\n',
        "src/core/pyproject.toml": project("core", "2.0.0"),
        "src/grp-a/pyproject.toml": project("grp-a", "1.0.0"),
        "src/grp-b/pyproject.toml": project("grp-b", "1.1.0"),
    }
    root = repo(tmp_path / "r", files, tags=["core-v2.0.0"])
    out = run_relnox("bump", "--part", "patch", "--dry-run", cwd=root, check=True).stdout
    assert "core: 2.0.0 -> 2.0.1" in out and "grp-a: 1.0.0 ->" not in out
    assert (
        "warning: grp-a, grp-b are left out of this bump: lockstep group with diverged "
        "versions (1.0.0: grp-a; 1.1.0: grp-b); align them first with relnox bump "
        "--package grp-a --package grp-b --to 1.1.0"
    ) in out
    named = ("-p", "grp-a", "-p", "grp-b")
    alone = run_relnox("bump", *named, "--part", "patch", "--dry-run", cwd=root)
    assert alone.returncode == 1 and "lockstep group with diverged versions" in alone.stderr


def test_to_without_a_package_refuses_independent_packages_at_different_versions(
    tmp_path: Path,
) -> None:
    """``bump --to 3.0.0`` on a workspace of independent packages at 2.0.0 and 1.0.0 moved
    every one of them to 3.0.0 without a word. Now it is refused in one line naming -p; at
    one version now, or named, they move."""
    files = {
        "src/core/pyproject.toml": project("core", "2.0.0"),
        "src/late/pyproject.toml": project("late", "1.0.0"),
    }
    root = repo(tmp_path / "r", files, tags=["core-v2.0.0", "late-v1.0.0"])
    refused = run_relnox("bump", "--to", "3.0.0", "--dry-run", cwd=root)
    assert refused.returncode == 2 and error_lines(refused.stderr) == [
        "relnox: error: --to 3.0.0 would move every package to it, and they are at "
        "different versions (2.0.0: core; 1.0.0: late); name the ones that move with "
        "--package (-p), e.g. relnox bump -p core --to 3.0.0"
    ]
    one = plan_bump(load_workspace(root), BumpOptions(to="3.0.0", packages=["late"]))
    assert one.versions == {"late": ("1.0.0", "3.0.0")}
    commit(root, {"src/late/pyproject.toml": project("late", "2.0.0")})
    both = plan_bump(load_workspace(root), BumpOptions(to="3.0.0"))
    assert both.versions == {"core": ("2.0.0", "3.0.0"), "late": ("2.0.0", "3.0.0")}
