"""select_packages: the one rule for which packages a command acts on."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from relnox.errors import ConfigError
from relnox.project.discovery import load_workspace
from relnox.project.selection import Rule, select_packages
from tests.conftest import run_relnox
from tests.shapes import commit, git, project, repo

MEMBERS = '[tool.uv.workspace]\nmembers = ["libs/*"]\n'


def _names(selection: object) -> list[str]:
    return [p.name for p in selection.packages]  # type: ignore[attr-defined]


def _workspace(tmp_path: Path, relnox: str = '[tool.relnox]\nlockstep = [["g-*"]]\n') -> Path:
    files = {
        "pyproject.toml": MEMBERS + relnox,
        "libs/a/pyproject.toml": project("a", "1.0.0"),
        "libs/b/pyproject.toml": project("b", "2.0.0"),
        "libs/g1/pyproject.toml": project("g-one", "0.1.0"),
        "libs/g2/pyproject.toml": project("g-two", "0.1.0"),
    }
    return repo(
        tmp_path / "r", files, tags=["a-v1.0.0", "b-v2.0.0", "g-one-v0.1.0", "g-two-v0.1.0"]
    )


def test_changed_is_what_is_not_released_yet(tmp_path: Path) -> None:
    root = _workspace(tmp_path)
    commit(root, {"libs/b/pyproject.toml": project("b", "2.1.0")})
    ws = load_workspace(root)
    assert _names(select_packages(ws, changed=True)) == ["b"]
    # a named member brings its lockstep group
    assert _names(select_packages(ws, ["g-one"], changed=True)) == ["b", "g-one", "g-two"]
    git(root, "tag", "b-v2.1.0")  # tagged on HEAD: still this release's
    assert _names(select_packages(load_workspace(root), changed=True)) == ["b"]
    commit(root, {"x.txt": "later"})
    assert select_packages(load_workspace(root), changed=True).packages == ()


def test_bumping_adds_what_changed_since_its_last_tag(tmp_path: Path) -> None:
    root = _workspace(tmp_path)
    commit(root, {"libs/a/src/a/extra.py": "X = 1\n"})  # changed, version still released
    ws = load_workspace(root)
    assert _names(select_packages(ws, changed=True)) == []
    assert _names(select_packages(ws, changed=True, bumping=True)) == ["a"]


def test_without_changed_the_named_or_all_in_release_order(tmp_path: Path) -> None:
    ws = load_workspace(_workspace(tmp_path))
    assert _names(select_packages(ws)) == [p.name for p in ws.packages]
    assert _names(select_packages(ws, ["b", "a"])) == ["a", "b"]


def test_a_bump_refuses_part_of_a_configured_lockstep_group(tmp_path: Path) -> None:
    ws = load_workspace(_workspace(tmp_path))
    with pytest.raises(ConfigError, match="lockstep keeps g-one, g-two on one version"):
        select_packages(ws, ["g-one"], rule=Rule.BUMP)
    assert _names(select_packages(ws, ["g-one", "g-two"], rule=Rule.BUMP)) == ["g-one", "g-two"]


def test_a_lockstep_group_naming_no_package_is_a_warning(tmp_path: Path) -> None:
    """A misspelt group (``gee-*`` for ``g-one``/``g-two``) is said on every listing, naming
    the setting; the packages are listed and released as before."""
    root = _workspace(tmp_path, '[tool.relnox]\nlockstep = [["gee-*"], ["a", "b"]]\n')
    done = run_relnox("packages", cwd=root)
    assert done.returncode == 0, done.stderr
    (line,) = [line for line in done.stderr.splitlines() if "names no package" in line]
    assert "pyproject.toml: [tool.relnox] lockstep group ['gee-*'] names no package" in line
    assert all(name in done.stdout for name in ("a", "b", "g-one", "g-two"))


def test_a_bump_moves_a_shared_tag_group_and_says_so(tmp_path: Path) -> None:
    files = {
        "pyproject.toml": MEMBERS + '[tool.relnox]\ntag-format = "v{version}"\n',
        "libs/a/pyproject.toml": project("a", "1.0.0"),
        "libs/b/pyproject.toml": project("b", "1.0.0"),
    }
    ws = load_workspace(repo(tmp_path / "r", files, tags=["v1.0.0"]))
    selection = select_packages(ws, ["a"], rule=Rule.BUMP)
    assert _names(selection) == ["a", "b"]
    assert any("b moves with a" in note for note in selection.notes), selection.notes


def test_a_large_shared_tag_group_is_named_in_a_short_line(tmp_path: Path) -> None:
    """Seventy packages on one tag: the note that they move together names three and
    counts the rest, through the command a maintainer runs."""
    files = {"pyproject.toml": MEMBERS + '[tool.relnox]\ntag-format = "v{version}"\n'}
    for n in range(8):
        files[f"libs/p{n}/pyproject.toml"] = project(f"pkg{n}", "1.0.0")
    root = repo(tmp_path / "r", files, tags=["v1.0.0"])
    done = run_relnox("bump", "--part", "minor", "--package", "pkg0", "--dry-run", cwd=root)
    assert done.returncode == 0, done.stderr
    (note,) = [line for line in (done.stdout + done.stderr).splitlines() if "move with" in line]
    assert note.startswith("note: pkg1, pkg2, pkg3 and 4 more move with pkg0: they share the tag")


def test_members_reading_one_version_file_move_together(tmp_path: Path) -> None:
    """Two members whose hatch ``path = "../../VERSION"`` is one file, each with tags of
    its own: the file is shown as the repository's VERSION, and a bump of one moves the
    other (writing the file once), said in a note; released alone, each is itself."""
    hatch = '[tool.hatch.version]\npath = "../../VERSION"\npattern = "(?P<version>.+)"\n'
    files = {
        "pyproject.toml": MEMBERS,
        "VERSION": "1.2.0\n",
        "libs/a/pyproject.toml": project("a", None, extra=hatch),
        "libs/b/pyproject.toml": project("b", None, extra=hatch),
    }
    ws = load_workspace(repo(tmp_path / "r", files, tags=["a-v1.2.0", "b-v1.2.0"]))
    assert {p.primary.path for p in ws.packages if p.primary} == {ws.root / "VERSION"}
    bumped = select_packages(ws, ["a"], rule=Rule.BUMP)
    assert _names(bumped) == ["a", "b"]
    assert bumped.notes == (
        "note: b moves with a: they read one version file, VERSION; give each its own "
        "version file to decide otherwise",
    )
    assert _names(select_packages(ws, ["a"])) == ["a"]


def test_two_lines_that_share_the_tags_names_at_two_versions_move_apart(tmp_path: Path) -> None:
    """A package tagged ``v2.x`` and one whose ``v{version}`` tags it shares at another
    version (a core at 2.46.0 beside the library at 2.14.0a0): no lockstep group, so a
    bump of one is not refused as a group with diverged versions; one line says both
    readings and the setting that moves them together."""
    import json

    from tests.conftest import run_relnox

    files = {
        "pyproject.toml": '[project]\nname = "lib"\nversion = "2.14.0a0"\n\n'
        '[build-system]\nrequires = ["hatchling"]\nbuild-backend = "hatchling.build"\n\n'
        '[tool.hatch.build.targets.wheel]\npackages = ["lib"]\n\n'
        '[tool.uv.workspace]\nmembers = ["core"]\n\n[tool.relnox]\ntag-format = "v{version}"\n',
        "lib/__init__.py": "",
        "core/pyproject.toml": project("lib-core", "2.46.0"),
        "core/lib_core/__init__.py": "",
    }
    root = repo(tmp_path / "r", files, tags=["v2.13.0"])
    done = run_relnox("bump", "-p", "lib-core", "--part", "minor", "--dry-run", "--json", cwd=root)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["versions"] == {"lib-core": "2.47.0"}
    said = run_relnox("bump", "-p", "lib-core", "--part", "minor", "--dry-run", cwd=root)
    (line,) = [line for line in said.stdout.splitlines() if "moves on its own" in line]
    assert "lib (2.14.0a0) share its tag v{version}" in line
    assert '[tool.relnox] lockstep = [["lib-core", "lib"]]' in line


def _dev_tool(tmp_path: Path, dev: str) -> Path:
    """A library and its lockstep twin, tagged at their releases; a lint plugin no tag ever
    released, a member only because the library's ``dev`` requires it."""

    def files(version: str) -> dict[str, str]:
        lib = project("lib", version, extra=dev, requires=[f"lib-c=={version}"])
        return {"lib/pyproject.toml": lib, "lib_c/pyproject.toml": project("lib-c", version)}

    root = repo(
        tmp_path / "r",
        {
            "pyproject.toml": '[build-system]\nrequires = ["setuptools"]\n',
            **files("1.0.0"),
            "tools/lint-plugin/pyproject.toml": project("lint-plugin", "0.0.2"),
        },
        tags=["1.0.0"],
    )
    commit(root, files("1.0.1"), "1.0.1")
    commit(root, {**files("1.0.2.dev1"), "lib/src/lib/x.py": "X = 1\n"})
    return root


@pytest.mark.parametrize(
    "dev",
    [
        '[project.optional-dependencies]\ndev = ["lint-plugin"]\n',
        '[dependency-groups]\nlint = ["lint-plugin"]\n',
    ],
)
def test_a_release_leaves_a_dev_tool_no_tag_released_unless_named(tmp_path: Path, dev: str) -> None:
    root = _dev_tool(tmp_path, dev)
    if "dependency-groups" in dev:  # only a workspace file makes a group's requirement a member
        commit(
            root, {"pyproject.toml": '[tool.uv.workspace]\nmembers = ["lib", "lib_c", "tools/*"]\n'}
        )
    listed = run_relnox("packages", cwd=root, check=True).stdout
    assert "lint-plugin" in listed  # still a package
    planned = run_relnox("plan", cwd=root, check=True).stdout
    row = next(line for line in planned.splitlines() if line.startswith("lint-plugin"))
    assert row.split()[3] == "no", planned
    note = "lint-plugin is left out: no tag released it and only lib"
    assert note in planned and "(--package lint-plugin) to release it" in planned, planned
    bumped = run_relnox("bump", "--part", "patch", "--dry-run", cwd=root, check=True)
    assert "lib: 1.0.2.dev1 -> 1.0.2" in bumped.stdout
    assert "lint-plugin: " not in bumped.stdout and note in bumped.stdout + bumped.stderr
    checked = json.loads(run_relnox("doctor", "--json", cwd=root).stdout)["checks"]
    assert not [c for c in checked if c["check"].endswith(" lint-plugin")], checked
    assert any(note in c["detail"] for c in checked), checked
    named = run_relnox("bump", "--part", "patch", "--dry-run", "-p", "lint-plugin", cwd=root)
    assert "lint-plugin: 0.0.2 -> 0.0.3" in named.stdout, named.stdout + named.stderr


def test_a_package_whose_version_stayed_over_the_family_s_releases_stays(tmp_path: Path) -> None:
    """A demo (``gallery``) never tagged whose version file said 0.0.1 at each of the
    family's releases (v1.0.0, v1.1.0) while core and plugin moved: plan and bump leave it, one note saying
    why and the setting that includes it; named, or listed in ``packages``, it moves."""
    workspace = '[tool.uv.workspace]\nmembers = ["core", "plugin", "gallery"]\n'

    def family(version: str) -> dict[str, str]:
        return {
            "core/pyproject.toml": project("core", version),
            "plugin/pyproject.toml": project("plugin", version),
        }

    files = {"pyproject.toml": workspace, **family("1.0.0")}
    root = repo(tmp_path / "r", {**files, "gallery/pyproject.toml": project("gallery", "0.0.1")})
    git(root, "tag", "v1.0.0")
    commit(root, family("1.1.0"), "v1.1.0")
    commit(root, {"core/x.py": "X = 1\n"})
    note = (
        "gallery is left out: no tag released it and its version (0.0.1) stayed at the "
        "releases v1.0.0, v1.1.0; name it (--package gallery) to release it, or list it in "
        "[tool.relnox] packages"
    )
    planned = run_relnox("plan", cwd=root, check=True).stdout
    assert note in planned, planned
    bumped = run_relnox("bump", "--part", "minor", "--dry-run", cwd=root, check=True)
    assert "core: 1.1.0 -> 1.2.0" in bumped.stdout and "gallery: " not in bumped.stdout
    assert bumped.stdout.count(note) + bumped.stderr.count(note) == 1
    named = run_relnox("bump", "--part", "minor", "--dry-run", "-p", "gallery", cwd=root)
    assert "gallery: 0.0.1 -> 0.1.0" in named.stdout, named.stdout + named.stderr
    listed = '[tool.relnox]\npackages = ["core", "plugin", "gallery"]\n'
    commit(root, {"pyproject.toml": workspace + listed})
    bumped = run_relnox("bump", "--part", "minor", "--dry-run", cwd=root, check=True)
    assert "gallery: 0.0.1 -> 0.1.0" in bumped.stdout and note not in bumped.stdout + bumped.stderr
