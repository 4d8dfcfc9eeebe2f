"""Whether a bump edits the changelog, read from the history: release commits that never
edited it (its section written ahead by hand, or rebuilt by a job after each release) keep
it that way, said in one line naming the setting that decides."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import run_relnox
from tests.shapes import commit, project, repo

RELEASES = ("1.0.0", "1.1.0", "1.2.0")
EDIT = '\n[tool.relnox]\nchangelog-edit = "edit"\n'


def _single(version: str, settings: str) -> dict[str, str]:
    return {"pyproject.toml": project("acme", version) + settings, "src/acme/__init__.py": ""}


def _history(
    tmp_path: Path,
    log: Callable[[int], str],
    name: str,
    settings: str = "",
    *,
    edited: bool = False,
    files: Callable[[str, str], dict[str, str]] = _single,
    tag: str = "v{}",
) -> Path:
    """A package (``files`` of its version) released at :data:`RELEASES`, each by a commit
    that moves its version (and, with ``edited``, writes ``log(i)`` too); without ``edited``
    a commit before each release writes the changelog as ``log(i)``; ``log(3)`` is the
    tree's."""
    root = repo(tmp_path / "r", {**files("0.9.0", settings), name: log(0)})
    for i, version in enumerate(RELEASES):
        moved = files(version, settings)
        if not edited:
            commit(root, {name: log(i)}, message="Update changelog")
            commit(root, moved, tag.format(version), message=f"Bump to {version}")
        else:
            commit(root, {**moved, name: log(i)}, tag.format(version), message="Release")
        commit(root, {"notes.txt": f"after {version}\n"}, message="Work")
    commit(root, {name: log(len(RELEASES))}, message="Update changelog")
    return root


def _ahead(i: int) -> str:
    """Each release's section written and dated before its release commit; the next one's
    (1.3.0) written but not dated yet."""
    titles = [f"{v} (2026-0{n + 1}-01)" for n, v in enumerate(RELEASES[: i + 1])]
    if i == len(RELEASES):
        titles.append("1.3.0")
    body = "".join(f"{t}\n{'-' * len(t)}\n\n* Change.\n\n" for t in reversed(titles))
    return f"Changelog\n=========\n\n{body}"


def _rebuilt(i: int) -> str:
    """A changelog a job rebuilds after each release: the entries stay under Unreleased
    until the release is tagged, then get its section."""
    done = "".join(f"## v{v}\n\n* Change.\n\n" for v in reversed(RELEASES[:i]))
    return f"# Changelog\n\n## Unreleased\n\n* Next.\n\n{done}"


def _bump(root: Path) -> tuple[dict[str, object], str]:
    """The bump's dry-run plan (``--json``) and what its dry run prints."""
    done = run_relnox("bump", "--to", "1.3.0", "--dry-run", "--json", cwd=root, check=True)
    text = run_relnox("bump", "--to", "1.3.0", "--dry-run", cwd=root, check=True)
    return json.loads(done.stdout), text.stdout + text.stderr


def _kept_line(output: str, name: str) -> str:
    (line,) = [line for line in output.splitlines() if f"{name} is left as it is" in line]
    return line


def test_a_changelog_the_release_commits_never_edited_is_left_with_its_reason(
    tmp_path: Path,
) -> None:
    for name, log in (("Changelog.rst", _ahead), ("CHANGELOG.md", _rebuilt)):
        root = _history(tmp_path / name, log, name)
        plan, output = _bump(root)
        assert plan["versions"] == {"acme": "1.3.0"}
        assert name not in plan["files"]  # type: ignore[operator]
        line = _kept_line(output, name)
        assert "the release commits of v1.0.0, v1.1.0, v1.2.0 did not edit it" in line
        assert '[tool.relnox] changelog-edit = "edit" writes 1.3.0\'s section' in line
    # doctor gives the bump's answer, not "Unreleased entries become 1.3.0's section"
    commit(root, _single("1.3.0", ""), message="Set the next version")
    doctor = run_relnox("doctor", "-v", cwd=root)
    said = _kept_line(doctor.stdout + doctor.stderr, "CHANGELOG.md")
    assert "the release commits of v1.0.0, v1.1.0, v1.2.0 did not edit it" in said


def test_a_changelog_no_commit_edited_across_three_releases_is_left(tmp_path: Path) -> None:
    """A package's CHANGELOG.md with an Unreleased section, written once and edited by no
    commit since, not even at the three releases after it: the bump leaves it as the
    maintainers did (it moved its entries into a 1.3.0 section)."""
    log = "# Changelog\n\n## Unreleased\n\n* Next.\n"
    root = repo(tmp_path / "r", {**_single("0.9.0", ""), "CHANGELOG.md": log})
    for version in RELEASES:
        commit(root, _single(version, ""), f"v{version}", message=f"Bump to {version}")
        commit(root, {"notes.txt": f"after {version}\n"}, message="Work")
    plan, output = _bump(root)
    assert "CHANGELOG.md" not in plan["files"]  # type: ignore[operator]
    assert "the release commits of v1.0.0, v1.1.0, v1.2.0 did not edit it" in output


def test_changelog_edit_edit_writes_the_section_whatever_the_history(tmp_path: Path) -> None:
    settings = '\n[tool.relnox]\nchangelog-edit = "edit"\n'
    for name, log in (("Changelog.rst", _ahead), ("CHANGELOG.md", _rebuilt)):
        root = _history(tmp_path / name, log, name, settings)
        plan, output = _bump(root)
        assert name in plan["files"]  # type: ignore[operator]
        assert "left as it is" not in output


def test_release_commits_that_edited_the_changelog_keep_the_bump_editing_it(
    tmp_path: Path,
) -> None:
    root = _history(tmp_path, _rebuilt, "CHANGELOG.md", edited=True)
    plan, output = _bump(root)
    assert "CHANGELOG.md" in plan["files"]  # type: ignore[operator]
    assert "left as it is" not in output


def test_changelog_edit_keep_leaves_it_and_a_wrong_value_is_named(tmp_path: Path) -> None:
    root = _history(
        tmp_path / "k",
        _rebuilt,
        "CHANGELOG.md",
        '\n[tool.relnox]\nchangelog-edit = "keep"\n',
        edited=True,
    )
    plan, output = _bump(root)
    assert "CHANGELOG.md" not in plan["files"]  # type: ignore[operator]
    assert 'left as it is ([tool.relnox] changelog-edit = "keep")' in _kept_line(
        output, "CHANGELOG.md"
    )
    root = _history(
        tmp_path / "w", _rebuilt, "CHANGELOG.md", '\n[tool.relnox]\nchangelog-edit = "never"\n'
    )
    done = run_relnox("bump", "--to", "1.3.0", "--dry-run", cwd=root)
    assert done.returncode != 0
    assert "changelog-edit = 'never' is none of history, edit, keep" in done.stderr


def _workspace(version: str, settings: str) -> dict[str, str]:
    """``acme-core`` (at ``version``) and ``acme-cli`` (at 0.1.0), one changelog at the top."""
    members = {"core": version, "cli": "0.1.0"}
    return {
        "pyproject.toml": '[project]\nname = "ws"\nversion = "0.0.0"\n\n[tool.uv]\n'
        'package = false\n\n[tool.uv.workspace]\nmembers = ["packages/*"]\n' + settings,
        **{
            f"packages/{m}/pyproject.toml": project(f"acme-{m}", v)
            + f'\n[tool.hatch.build.targets.wheel]\npackages = ["src/{m}"]\n'
            for m, v in members.items()
        },
        **{f"packages/{m}/src/{m}/__init__.py": "" for m in members},
    }


@pytest.mark.parametrize("name", ["CHANGELOG.md", "packages/core/CHANGELOG.md"])
def test_a_workspace_changelog_its_release_commits_never_edited_is_left(
    tmp_path: Path, name: str
) -> None:
    """The top changelog of every member, or a member's own."""
    root = _history(tmp_path, _rebuilt, name, files=_workspace, tag="acme-core-v{}")
    done = run_relnox(
        "bump", "-p", "acme-core", "--to", "1.3.0", "--dry-run", "--json", cwd=root, check=True
    )
    assert name not in json.loads(done.stdout)["files"]
    done = run_relnox("bump", "-p", "acme-core", "--to", "1.3.0", "--dry-run", cwd=root)
    line = _kept_line(done.stdout + done.stderr, name)
    assert "acme-core-v1.0.0, acme-core-v1.1.0, acme-core-v1.2.0 did not edit it" in line


def test_an_unreleased_heading_the_last_release_retitled_is_retitled(tmp_path: Path) -> None:
    """At each release the maintainers retitle ``*unreleased*`` as the release (the tag's
    changelog has ``1.0 - 2026-01-02`` and no Unreleased) and open a new one after: the
    bump retitles it too, said in a note; ``changelog-edit = "edit"`` writes under it."""
    released = "Changelog\n---------\n\n1.0 - 2026-01-02\n~~~~~~~~~~~~~~~~\n\n* Old.\n"
    root = repo(
        tmp_path / "r",
        {"pyproject.toml": project("acme", "1.0"), "CHANGELOG.rst": released},
        tags=["1.0"],
    )
    opened = released.replace("\n\n1.0", "\n\n*unreleased*\n~~~~~~~~~~~~\n\n* New.\n\n1.0", 1)
    commit(root, {"pyproject.toml": project("acme", "1.1.dev0"), "CHANGELOG.rst": opened})
    out = run_relnox("bump", "--part", "minor", "--dry-run", cwd=root, check=True).stdout
    assert "-*unreleased*\n-~~~~~~~~~~~~\n+1.1 - " in out
    assert "note: CHANGELOG.rst: its Unreleased heading becomes 1.1's, as at 1.0" in out
    commit(root, {"pyproject.toml": project("acme", "1.1.dev0", extra=EDIT)})
    edit = run_relnox("bump", "--part", "minor", "--dry-run", cwd=root, check=True).stdout
    assert "-*unreleased*" not in edit and "+1.1 - " in edit


@pytest.mark.parametrize("over", ["Development version\n===================", "# Unreleased"])
def test_a_permanent_unreleased_heading_over_the_releases_stays(tmp_path: Path, over: str) -> None:
    """The tag's changelog had the Unreleased heading, empty, over the releases (a heading
    kept at the top for good): the bump writes the release's heading below it, adorned as
    the releases are, the entries under it; the permanent heading is not retitled."""
    rst = "=" in over
    release = "1.0.0 (2024-01-01)\n------------------" if rst else "## 1.0.0 (2024-01-01)"
    released = f"{over}\n\n{release}\n\n- First.\n"
    name = "CHANGES.rst" if rst else "CHANGELOG.md"
    root = repo(
        tmp_path / "r", {"pyproject.toml": project("acme", "1.0.0"), name: released}, ["v1.0.0"]
    )
    commit(root, {name: released.replace("\n\n", "\n\n- Fix.\n\n", 1)})
    out = run_relnox("bump", "--part", "patch", "--dry-run", cwd=root, check=True).stdout
    diff = [line for line in out.splitlines() if line[:1] in "+-" and line[:4] not in "+++ --- "]
    assert [line for line in diff if line.startswith("-")] == ['-version = "1.0.0"']
    added = [line[1:] for line in diff if line.startswith("+") and line != "+"]
    assert added[1].startswith("1.0.1 (" if rst else "## 1.0.1 (")  # below the heading kept
    assert not rst or added[2] == "-" * len(added[1])  # adorned as the releases are
    assert "its Unreleased heading becomes" not in out
