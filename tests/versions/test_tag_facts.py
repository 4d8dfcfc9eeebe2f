"""A package's release history read as evidence (issue 53): its releases are the tags in its
own convention, ordered by the history; a tag its files never said, or a release they went
back from, is a note, never the last release nor a reason to refuse a bump."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from tests.conftest import run_relnox
from tests.shapes import git, project
from tests.versions.test_history import History


def _rows(root: Path, command: str) -> dict[str, dict[str, Any]]:
    """``relnox <command> --json``'s rows, by package name."""
    found = json.loads(run_relnox(command, "--json", cwd=root, check=True).stdout)
    return {row["name"]: row for row in found["packages"]}


def _last_tags(root: Path) -> dict[str, tuple[str, str]]:
    """Each package's last tag as ``packages`` and ``plan`` say it."""
    packages, planned = _rows(root, "packages"), _rows(root, "plan")
    return {name: (row["last_tag"], planned[name]["last_tag"]) for name, row in packages.items()}


def _dry_run(root: Path, *args: str) -> str:
    proc = run_relnox("bump", *args, "--dry-run", cwd=root)
    assert proc.returncode == 0, proc.stderr
    return proc.stdout + proc.stderr


def test_a_tag_of_the_name_glued_to_a_number_is_no_release(tmp_path: Path) -> None:
    """Releases tagged ``name/1.21.0``; a tag ``name13`` on a commit whose pyproject says
    1.20.1 is not release 13: not the last release, no refusal ("1.21.1 is not above 13"),
    a warning naming the setting. The same on a hotfix branch."""
    repo = History(tmp_path / "r", {"pyproject.toml": project("name", "1.20.0")})
    git(repo.root, "tag", "name/1.20.0")
    repo.commit({"pyproject.toml": project("name", "1.20.1")}, "name13")
    repo.commit({"pyproject.toml": project("name", "1.21.0")}, "name/1.21.0")
    repo.commit({"work.txt": "1"})
    assert _last_tags(repo.root) == {"name": ("name/1.21.0", "name/1.21.0")}
    out = _dry_run(repo.root, "--part", "patch")
    assert "name: 1.21.0 -> 1.21.1" in out
    assert "name13 are not its releases" in out and "tag-format" in out
    git(repo.root, "checkout", "-q", "-b", "hotfix/1.21.x", "name/1.21.0")
    repo.commit({"fix.txt": "1"}, "name14")
    assert _last_tags(repo.root) == {"name": ("name/1.21.0", "name/1.21.0")}
    assert "name: 1.21.0 -> 1.21.1" in _dry_run(repo.root, "--part", "patch")


def test_a_release_the_files_went_back_from_is_withdrawn(tmp_path: Path) -> None:
    """``v1.0.0`` tagged, then the files went back to the 0.7 line and 0.7.1 was released:
    v1.0.0 is named withdrawn and the bump continues 0.7.x; 1.0.0 itself stays taken."""
    repo = History(tmp_path / "r", {"pyproject.toml": project("lib", "0.7.0")})
    git(repo.root, "tag", "v0.7.0")
    repo.commit({"pyproject.toml": project("lib", "1.0.0")}, "v1.0.0")
    repo.commit({"pyproject.toml": project("lib", "0.7.0")}, message="Revert 1.0")
    repo.commit({"pyproject.toml": project("lib", "0.7.1")}, "v0.7.1")
    repo.commit({"work.txt": "1"})
    assert _last_tags(repo.root) == {"lib": ("v0.7.1", "v0.7.1")}
    out = _dry_run(repo.root, "--part", "patch")
    assert "lib: 0.7.1 -> 0.7.2" in out and "v1.0.0 is taken as withdrawn" in out
    assert "maintenance release" not in out  # nothing above 0.7 was released elsewhere
    refused = run_relnox("bump", "--to", "1.0.0", "--dry-run", cwd=repo.root)
    assert refused.returncode != 0 and "1.0.0 was already released" in refused.stderr
    # the release commit of v1.0.0 reverted, the files back at 0.6.0, then a new line, 0.7.0,
    # released: withdrawn too (the bump refused 0.7.1, "not above 1.0.0", and doctor failed)
    repo = History(tmp_path / "next", {"pyproject.toml": project("lib", "0.6.0")})
    git(repo.root, "tag", "v0.6.0")
    repo.commit({"pyproject.toml": project("lib", "1.0.0")}, "v1.0.0")
    repo.commit({"pyproject.toml": project("lib", "0.6.0")}, message="Revert 1.0")
    repo.commit({"pyproject.toml": project("lib", "0.7.0")}, "v0.7.0")
    out = _dry_run(repo.root, "--part", "patch")
    assert "lib: 0.7.0 -> 0.7.1" in out and "v1.0.0 is taken as withdrawn" in out
    doctor = run_relnox("doctor", cwd=repo.root)
    assert "is newer than 0.7.0" not in doctor.stdout + doctor.stderr


def test_pre_releases_rank_by_the_history(tmp_path: Path) -> None:
    """``v0.38.0-beta.4`` (semver spelling) after ``v0.37.1`` is the last release, and a
    final ``v1.8.0`` made on a release branch ranks above its own ``v1.8.0-rc6`` that main
    (versioned by its tags) holds: packages and plan say the same."""
    repo = History(tmp_path / "beta", {"pyproject.toml": project("lib", "0.37.0")})
    git(repo.root, "tag", "v0.37.0")
    repo.commit({"pyproject.toml": project("lib", "0.37.1")}, "v0.37.1")
    repo.commit({"pyproject.toml": project("lib", "0.38.0b4")}, "v0.38.0-beta.4")
    repo.commit({"work.txt": "1"})
    assert _last_tags(repo.root) == {"lib": ("v0.38.0-beta.4", "v0.38.0-beta.4")}
    assert _rows(repo.root, "packages")["lib"]["last_release"] == "0.38.0b4"

    vcs = '[tool.hatch.version]\nsource = "vcs"\n'
    files = {"pyproject.toml": project("lib", None, backend="hatch-vcs", extra=vcs)}
    repo = History(tmp_path / "rc", files)
    git(repo.root, "tag", "v1.7.0")
    repo.commit({"a.txt": "1"}, "v1.8.0-rc6")
    git(repo.root, "checkout", "-q", "-b", "release-1.8")
    repo.commit({"CHANGES.txt": "1.8.0"}, "v1.8.0")
    git(repo.root, "checkout", "-q", "main")
    repo.commit({"b.txt": "1"})
    assert _last_tags(repo.root) == {"lib": ("v1.8.0", "v1.8.0")}
    assert _rows(repo.root, "packages")["lib"]["last_release"] == "1.8.0"


def test_a_pre_release_tagged_on_a_branch_that_main_then_says_is_the_last_release(
    tmp_path: Path,
) -> None:
    """``v2.0.0-beta.1`` made on a release branch above the last final ``v1.12.0``, then
    main's files moved to 2.0.0b1 (a mirror of the branch's bump): the beta is the last
    release packages and plan say, not the final below it."""
    repo = History(tmp_path / "r", {"pyproject.toml": project("lib", "1.12.0")})
    git(repo.root, "tag", "v1.12.0")
    repo.commit({"work.txt": "1"})
    git(repo.root, "checkout", "-q", "-b", "release/v2.0.0-beta.1")
    repo.commit({"pyproject.toml": project("lib", "2.0.0b1")}, "v2.0.0-beta.1")
    git(repo.root, "checkout", "-q", "main")
    repo.commit({"pyproject.toml": project("lib", "2.0.0b1")}, message="Mirror 2.0.0b1")
    assert _last_tags(repo.root) == {"lib": ("v2.0.0-beta.1", "v2.0.0-beta.1")}
    assert _rows(repo.root, "packages")["lib"]["last_release"] == "2.0.0b1"


def test_a_maintenance_line_is_above_its_own_releases(tmp_path: Path) -> None:
    """A branch cut from main after 1.0.1, its files set back to the 0.12 line (and a
    plugin's to 0.7), while main releases 1.1.0: --to 0.12.4 is accepted, and --part patch
    bumps the plugin's version.py on its 0.7 line too."""
    members = '[tool.uv.workspace]\nmembers = ["plugin"]\n'
    path = '[tool.hatch.version]\npath = "src/acme_plugin/version.py"\n'

    def files(core: str, plugin: str) -> dict[str, str]:
        return {
            "pyproject.toml": project("acme", core, extra=members),
            "plugin/pyproject.toml": project("acme-plugin", None, dynamic=True, extra=path),
            "plugin/src/acme_plugin/version.py": f'__version__ = "{plugin}"\n',
        }

    repo = History(tmp_path / "r", files("0.12.2", "0.7.0"))
    git(repo.root, "tag", "v0.12.2")
    git(repo.root, "tag", "plugin-v0.7.0")
    repo.commit(files("0.12.3", "0.7.1"), "v0.12.3", "plugin-v0.7.1")
    repo.commit(files("1.0.0", "1.0.0"), "v1.0.0", "plugin-v1.0.0")
    repo.commit(files("1.0.1", "1.0.1"), "v1.0.1", "plugin-v1.0.1")
    git(repo.root, "checkout", "-q", "-b", "maint-0.12")
    repo.commit(files("0.12.3", "0.7.1"), message="the 0.12 line")
    repo.commit({"fix.txt": "1"}, message="fix")
    git(repo.root, "checkout", "-q", "main")
    repo.commit({**files("1.1.0", "1.1.0"), "feature.txt": "1"}, "v1.1.0", "plugin-v1.1.0")
    git(repo.root, "checkout", "-q", "maint-0.12")
    assert _last_tags(repo.root) == {
        "acme": ("v0.12.3", "v0.12.3"),
        "acme-plugin": ("plugin-v0.7.1", "plugin-v0.7.1"),
    }
    out = _dry_run(repo.root, "--to", "0.12.4", "--package", "acme")
    assert "acme: 0.12.3 -> 0.12.4" in out and "is a maintenance release" in out
    out = _dry_run(repo.root, "--part", "patch")
    assert "acme-plugin: 0.7.1 -> 0.7.2" in out
    assert '+__version__ = "0.7.2"' in out


def test_packages_released_under_one_tag_share_it_and_short_prefixes_are_conventions(
    tmp_path: Path,
) -> None:
    """Four packages released together by ``py-1.43.2`` (three below ``py/``, one in
    ``bindings/``) all get that last tag and its convention, never ``{name}-v``; a new
    extension beside ``workflow-v1.17.5`` for ``acme-ext-workflow`` is spelled so too."""

    def together(version: str) -> dict[str, str]:
        return {
            "py/alpha/pyproject.toml": project("acme-alpha", version),
            "py/beta/pyproject.toml": project("acme-beta", version),
            "py/gamma/pyproject.toml": project("acme-gamma", version),
            "bindings/delta/pyproject.toml": project("acme-delta", version),
        }

    repo = History(tmp_path / "py", together("1.43.0"))
    git(repo.root, "tag", "py-1.43.0")
    repo.commit(together("1.43.1"), "py-1.43.1")
    repo.commit(together("1.43.2"), "py-1.43.2")
    repo.commit({"work.txt": "1"})
    rows = _rows(repo.root, "packages")
    assert {name: row["tag_format"] for name, row in rows.items()} == dict.fromkeys(
        ("acme-alpha", "acme-beta", "acme-gamma", "acme-delta"), "py-{version}"
    )
    assert set(_last_tags(repo.root).values()) == {("py-1.43.2", "py-1.43.2")}
    out = _dry_run(repo.root, "--part", "patch", "--tag")
    assert "py-1.43.3" in out and "-v1.43.3" not in out

    members = '[tool.uv.workspace]\nmembers = ["ext/*"]\n'

    def extensions(version: str) -> dict[str, str]:
        return {
            "pyproject.toml": project("acme", version, extra=members),
            "ext/acme-ext-workflow/pyproject.toml": project("acme-ext-workflow", version),
            "ext/acme-ext-search/pyproject.toml": project("acme-ext-search", version),
        }

    repo = History(tmp_path / "ext", extensions("1.17.4"))
    for tag in ("v1.17.4", "workflow-v1.17.4", "search-v1.17.4"):
        git(repo.root, "tag", tag)
    repo.commit(extensions("1.17.5"), "v1.17.5", "workflow-v1.17.5", "search-v1.17.5")
    repo.commit({"ext/acme-ext-store/pyproject.toml": project("acme-ext-store", "1.17.5")})
    formats = {name: row["tag_format"] for name, row in _rows(repo.root, "packages").items()}
    assert formats == {
        "acme": "v{version}",
        "acme-ext-workflow": "workflow-v{version}",
        "acme-ext-search": "search-v{version}",
        "acme-ext-store": "store-v{version}",
    }


def test_floating_minor_tags_beside_full_ones_do_not_drop_the_zero(tmp_path: Path) -> None:
    """A release tool adds floating ``v1`` and ``v1.1`` tags beside each ``v1.1.N`` and moves
    them to every patch. ``v1.1`` then reads as 1.1.0's short tag, newer than ``v1.1.0``:
    relnox concluded a release ending in .0 is tagged without it and ``--part minor`` wrote
    ``version = "1.2"``. A short tag beside its version's full one is an alias."""
    repo = History(tmp_path / "r", {"pyproject.toml": project("lib", "1.0.0")})
    git(repo.root, "tag", "v1.0.0")
    repo.commit({"pyproject.toml": project("lib", "1.0.1")}, "v1.0.1", "v1.0")
    repo.commit({"pyproject.toml": project("lib", "1.1.0")}, "v1.1.0")
    repo.commit({"pyproject.toml": project("lib", "1.1.1")}, "v1.1.1")
    git(repo.root, "tag", "-a", "-m", "floating", "v1.1")
    git(repo.root, "tag", "-a", "-m", "floating", "v1")
    repo.commit({"work.txt": "1"})
    out = _dry_run(repo.root, "--part", "minor", "--tag")
    assert "lib: 1.1.1 -> 1.2.0" in out and 'version = "1.2.0"' in out
    assert "-- v1.2.0\n" in out


def test_bare_tags_on_the_same_commits_as_the_v_tags_are_no_other_releases(
    tmp_path: Path,
) -> None:
    """Releases tagged both ``1.1.0`` and ``v1.1.0`` on the same commits while the version
    lived in setup.cfg (pyproject.toml then named only a tool's ``minversion``), later ones
    ``v2.1.0`` only: the bare tags are another spelling of the same releases, not "not its
    releases"; the convention and last release are v2.1.0's."""
    old = '[tool.pytest.ini_options]\nminversion = "6.0"\n'
    repo = History(tmp_path / "r", {"pyproject.toml": old, "setup.cfg": "[metadata]\n"})
    for version in ("1.0.0", "1.1.0"):
        cfg = f"[metadata]\nname = lib\nversion = {version}\n"
        repo.commit({"setup.cfg": cfg}, version, f"v{version}")
    for version in ("2.0.0", "2.1.0"):
        repo.commit({"pyproject.toml": project("lib", version), "setup.cfg": ""}, f"v{version}")
    repo.commit({"work.txt": "1"})
    proc = run_relnox("packages", cwd=repo.root, check=True)
    assert "not its releases" not in proc.stdout + proc.stderr
    assert _last_tags(repo.root) == {"lib": ("v2.1.0", "v2.1.0")}
    assert "lib: 2.1.0 -> 2.1.1" in _dry_run(repo.root, "--part", "patch")


def test_a_pre_release_line_the_files_went_back_from_is_withdrawn(tmp_path: Path) -> None:
    """In a ``src/*`` workspace, ``evals`` released 0.1.0rc1 then 0.2.0rc1 and 0.2.0rc2 from
    release branches, and main's files went back from 0.2.0.dev0 to 0.1.0.dev0: the 0.2.0
    pre-releases are named withdrawn, the bump continues 0.1 and the sibling is bumped too."""
    core = {"src/core/pyproject.toml": project("core", "1.2.0")}
    repo = History(
        tmp_path / "r", {**core, "src/evals/pyproject.toml": project("evals", "0.1.0.dev0")}
    )
    git(repo.root, "tag", "core-v1.2.0")
    for line, versions in (("0.1", ["0.1.0rc1"]), ("0.2", ["0.2.0rc1", "0.2.0rc2"])):
        repo.commit({"src/evals/pyproject.toml": project("evals", f"{line}.0.dev0")})
        git(repo.root, "checkout", "-q", "-b", f"release/{line}")
        for version in versions:
            files = {"src/evals/pyproject.toml": project("evals", version)}
            repo.commit(files, f"evals-v{version}")
        git(repo.root, "checkout", "-q", "main")
    repo.commit({"src/evals/pyproject.toml": project("evals", "0.1.0.dev0")}, message="Revert")
    out = _dry_run(repo.root, "--part", "patch")
    assert "core: 1.2.0 -> 1.2.1" in out and "evals: 0.1.0.dev0 -> 0.1.0" in out
    assert "evals-v0.2.0rc1, evals-v0.2.0rc2 are taken as withdrawn" in out


def test_a_version_string_that_is_not_the_packages_version_says_no_release(
    tmp_path: Path,
) -> None:
    """A stray pre-release tag ``v2.0.0rc1`` on a commit whose version file says
    ``__version__ = "1.0.1"`` beside ``MIN_SERVER = "2.0.0rc1"``: the files said 1.0.1 there,
    not 2.0.0rc1, so the last release is v1.0.0 and the next patch 1.0.2."""
    extra = '\n[tool.hatch.version]\npath = "lib/__init__.py"\n'
    files = {"pyproject.toml": project("lib", dynamic=True, extra=extra)}
    repo = History(tmp_path / "r", {**files, "lib/__init__.py": '__version__ = "1.0.0"\n'})
    git(repo.root, "tag", "v1.0.0")
    said = '__version__ = "1.0.1"\nMIN_SERVER = "2.0.0rc1"\n'
    repo.commit({"lib/__init__.py": said}, "v2.0.0rc1")
    repo.commit({"work.txt": "1"})
    assert _last_tags(repo.root) == {"lib": ("v1.0.0", "v1.0.0")}
    assert "lib: 1.0.1 -> 1.0.2" in _dry_run(repo.root, "--part", "patch")


def test_a_tag_padded_with_a_zero_is_the_release_the_files_say(tmp_path: Path) -> None:
    """Releases tagged ``0.9.43.0``, ``0.9.44.0`` while the files say ``0.9.44``: the same
    version (PEP 440 pads with zeros), so 0.9.44.0 is the last release, not one the files
    went back from (it was named withdrawn and 0.9.43.0 taken as the last)."""
    repo = History(tmp_path / "r", {"pyproject.toml": project("lib", "0.9.43")})
    git(repo.root, "tag", "0.9.43.0")
    repo.commit({"pyproject.toml": project("lib", "0.9.44")}, "0.9.44.0")
    repo.commit({"work.txt": "1"})
    assert _last_tags(repo.root) == {"lib": ("0.9.44.0", "0.9.44.0")}
    out = _dry_run(repo.root, "--part", "patch")
    assert "lib: 0.9.44 -> 0.9.45" in out and "withdrawn" not in out


def test_a_member_that_left_its_own_tags_for_the_roots_is_released_under_them(
    tmp_path: Path,
) -> None:
    """A member released under its own ``sim-7.x`` tags, then at versions of its own (8.0.0,
    8.1.0, 8.2.0) under the root's ``3.x.0`` tags: its last release is 3.2.0's 8.2.0, not
    sim-7.1.0 (plan counted every commit since that one), and the next is 8.2.1."""
    members = '\n[tool.uv.workspace]\nmembers = ["sim"]\n'
    repo = History(
        tmp_path / "r",
        {
            "pyproject.toml": project("core", "2.0.0") + members,
            "sim/pyproject.toml": project("sim", "7.0.0"),
        },
    )
    git(repo.root, "tag", "2.0.0")
    git(repo.root, "tag", "sim-7.0.0")
    repo.commit({"sim/pyproject.toml": project("sim", "7.1.0")}, "sim-7.1.0")
    for minor in (0, 1, 2):
        files = {
            "pyproject.toml": project("core", f"3.{minor}.0") + members,
            "sim/pyproject.toml": project("sim", f"8.{minor}.0"),
        }
        repo.commit(files, f"3.{minor}.0")
    repo.commit({"work.txt": "1"})
    assert _last_tags(repo.root) == {"core": ("3.2.0", "3.2.0"), "sim": ("3.2.0", "3.2.0")}
    assert "sim: 8.2.0 -> 8.2.1" in _dry_run(repo.root, "--part", "patch")


def test_a_tag_of_a_branch_without_the_package_is_no_release_of_it(tmp_path: Path) -> None:
    """A C++ project with its Python package in ``python/``, released as ``v0.1.0`` and
    ``v0.2.0`` (after ``v0.2.0rc1``, tagged where the file already said 0.2.0); a build
    branch holding no ``python/`` at all was tagged ``1.0.0``. That tag is no release of
    the package: new tags stay ``v{version}``, 0.2.1 is no maintenance release below
    1.0.0, and one warning names the tag."""
    version = "python/src/acme/_version.py"
    dynamic = '\n[tool.setuptools.dynamic]\nversion = {attr = "acme._version.__version__"}\n'
    files = {"python/pyproject.toml": project("acme", None, backend="setuptools", extra=dynamic)}
    repo = History(tmp_path / "r", {**files, version: '__version__ = "0.1.0"\n'})
    git(repo.root, "tag", "v0.1.0")
    repo.commit({version: '__version__ = "0.2.0"\n'}, "v0.2.0rc1")  # its file says 0.2.0
    repo.commit({"python/README": "0.2.0\n"}, "v0.2.0")
    git(repo.root, "checkout", "-q", "--orphan", "build")
    git(repo.root, "rm", "-rqf", ".")
    repo.commit({"BUILD": "cc_library()\n"}, "1.0.0")
    git(repo.root, "checkout", "-q", "main")
    out = _dry_run(repo.root, "--part", "patch", "--allow-dirty")
    assert "acme: 0.2.0 -> 0.2.1" in out and "git tag -a -m" not in out
    assert "maintenance" not in out and "1.0.0 are not its releases" in out
    assert _rows(repo.root, "packages")["acme"]["tag_format"] == "v{version}"


def test_a_release_withdrawn_by_every_package_of_one_tag_is_one_warning(tmp_path: Path) -> None:
    """Three packages released together under one tag: ``v1.0.0`` withdrawn for each of
    them is one warning naming the three, not three lines saying the same."""

    def files(version: str) -> dict[str, str]:
        root = '[tool.uv.workspace]\nmembers = ["a", "b", "c"]\n\n[tool.relnox]\n'
        found = {"pyproject.toml": root + 'tag-format = "v{version}"\n'}
        return found | {f"{n}/pyproject.toml": project(f"kit-{n}", version) for n in "abc"}

    repo = History(tmp_path / "r", files("0.7.0"))
    git(repo.root, "tag", "v0.7.0")
    repo.commit(files("1.0.0"), "v1.0.0")
    repo.commit(files("0.7.0"), message="Revert 1.0")
    repo.commit(files("0.7.1"), "v0.7.1")
    said = run_relnox("packages", cwd=repo.root, check=True).stderr.splitlines()
    assert [line.partition(": v1.0.0")[0] for line in said if "withdrawn" in line] == [
        "warning: kit-a, kit-b, kit-c"
    ]
