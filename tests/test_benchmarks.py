"""The benchmark scripts still start: each one's imports and argument parser run.

``benchmarks/`` is not run by the gate (its figures take minutes and need a quiet
machine), so a change to a stage's face could break a script unseen; ``--help`` runs
every import and the parser without building, installing or serving anything.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.shapes import commit, git, project, repo

BENCHMARKS = Path(__file__).resolve().parents[1] / "benchmarks"
SCRIPTS = sorted(p for p in BENCHMARKS.glob("*.py") if not p.name.startswith("_"))


def _replay(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """``benchmarks/replay.py`` run on the repository ``root`` as a maintainer runs it."""
    return subprocess.run(
        [sys.executable, str(BENCHMARKS / "replay.py"), str(root), *args],
        capture_output=True,
        text=True,
        cwd=BENCHMARKS.parent,
        check=False,
        timeout=300,
    )


def _dated(monkeypatch: pytest.MonkeyPatch, month: int) -> None:
    """Commits from here on made on the first of ``month`` 2026 (the replay keeps older tags)."""
    for variable in ("GIT_AUTHOR_DATE", "GIT_COMMITTER_DATE"):
        monkeypatch.setenv(variable, f"2026-{month:02}-01T12:00:00+00:00")


def test_there_are_benchmarks() -> None:
    assert len(SCRIPTS) >= 5, SCRIPTS


@pytest.mark.parametrize("script", SCRIPTS, ids=[p.stem for p in SCRIPTS])
def test_each_benchmark_starts(script: Path) -> None:
    done = subprocess.run(
        [sys.executable, str(script), "--help"],
        capture_output=True,
        text=True,
        cwd=BENCHMARKS.parent,
        check=False,
        timeout=120,
    )
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    assert "usage:" in done.stdout, done.stdout[-2000:]


def test_the_stage_timers_find_what_they_time() -> None:
    """``--stages`` wraps relnox's functions by name: each name must still exist where the
    timers look for it (a function made lazy or moved broke ``build_all.py --stages`` once,
    after its figures had run for a minute). The timers are put in and taken out again."""
    builds = (
        "import _stages, relnox.builds.run as run\n"
        "before = run.load_workspace\n"
        "with _stages._timers(_stages._Clock()):\n"
        "    assert run.load_workspace is not before\n"
        "assert run.load_workspace is before\n"
    )
    verify = (  # each module's timed functions exist where _verify_stages looks for them
        "import importlib, _verify_stages as s\n"
        "for module, timed in s.TIMED.items():\n"
        "    owner = importlib.import_module(module)\n"
        "    for dotted, _ in timed:\n"
        "        found = owner\n"
        "        for part in dotted.split('.'):\n"
        "            found = getattr(found, part)\n"
        "        assert callable(found), (module, dotted)\n"
    )
    for code in (builds, "import _publish_stages as s; s.install()", verify):
        done = subprocess.run(
            [sys.executable, "-c", code],
            capture_output=True,
            text=True,
            cwd=BENCHMARKS,
            check=False,
            timeout=120,
        )
        assert done.returncode == 0, done.stderr[-2000:]


def test_the_replay_leaves_out_a_release_tagged_on_the_root_commit(tmp_path: Path) -> None:
    """A repository whose first tag names its root commit: that release has no commit before
    it to replay from, so the replay leaves it out and replays the next (``git tag --merged
    <root>^`` failed and the replay stopped with a traceback)."""
    root = repo(tmp_path / "r", {"pyproject.toml": project("acme", "1.0.0")}, tags=["v1.0.0"])
    commit(root, {"pyproject.toml": project("acme", "1.1.0")}, "v1.1.0", message="Release")
    done = _replay(root, "--tags", "-n", "2")
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.splitlines()[-1] == "r: 1/1 ok (100%), 0 skipped", done.stdout


def test_the_replay_counts_no_move_where_a_changelog_s_new_section_went_above_the_last(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A tag-versioned package's changelog whose release put a new section between markers,
    above the last one's: the diff takes ``## 1.0.0`` out and puts it back lower, which is no
    move of the version (the replay counted the changelog as a file the release moved, and
    relnox, leaving a changelog with no Unreleased section, as missing it)."""

    def changelog(*sections: str) -> str:
        first, *rest = sections
        older = "".join(f"## {s}\n\n- Change {s}\n\n" for s in rest)
        latest = f"## {first}\n\n- Change {first}\n\n"
        return f"# Changes\n\n<!-- START -->\n\n{latest}<!-- END -->\n\n{older}"

    pyproject = (
        project("acme", None, backend="hatch-vcs") + '[tool.hatch.version]\nsource = "vcs"\n'
    )
    files = {"pyproject.toml": pyproject, "CHANGES.md": changelog("0.9.0")}
    _dated(monkeypatch, 1)
    root = repo(tmp_path / "r", files, tags=["v0.9.0"])
    for month, sections in ((2, ("1.0.0", "0.9.0")), (3, ("1.1.0", "1.0.0", "0.9.0"))):
        _dated(monkeypatch, month)
        commit(root, {"CHANGES.md": changelog(*sections)}, f"v{sections[0]}", message="Release")
    done = _replay(root, "--tags", "-n", "1")
    assert done.stdout.splitlines()[-1] == "r: 1/1 ok (100%), 0 skipped", done.stdout + done.stderr


def test_the_replay_skips_a_next_version_written_ahead_and_retargeted(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """After v1.0.0 the files say 1.0.1 ahead of its release, then 1.1.0, which v1.1.0 tags
    later: 1.0.1 was never released, so its move to 1.1.0 retargets the next version and is
    no release to replay (it was replayed as one: 1.0.1 -> 1.1.0)."""
    root = repo(tmp_path / "r", {"pyproject.toml": project("acme", "1.0.0")}, tags=["v1.0.0"])
    for version in ("1.0.1", "1.1.0"):
        commit(root, {"pyproject.toml": project("acme", version)}, message=f"Start {version}")
    commit(root, {"NEWS": "1.1.0\n"}, "v1.1.0", message="Release 1.1.0")
    done = _replay(root, "-n", "2")
    assert "1.0.1 -> 1.1.0: skip: no tag released 1.0.1" in done.stdout, done.stdout + done.stderr


def test_the_replay_of_a_bare_tag_asks_for_the_packages_of_its_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two lines in one workspace, each tagged bare at its own versions on one commit (v1.1.0
    for a's 1.x, v0.2b0 for b's 0.x): a tag's release is of the packages at its last version,
    so the replay names them (it asked relnox to move every package, which relnox refuses
    for packages at different versions)."""

    def files(a: str, b: str) -> dict[str, str]:
        return {"a/pyproject.toml": project("a", a), "b/pyproject.toml": project("b", b)}

    members = '[tool.uv.workspace]\nmembers = ["a", "b"]\n'
    _dated(monkeypatch, 1)
    first = {"pyproject.toml": members, **files("1.0.0", "0.1b0")}
    root = repo(tmp_path / "r", first, tags=["v1.0.0", "v0.1b0"])
    _dated(monkeypatch, 2)
    commit(root, files("1.1.0", "0.2b0"), "v1.1.0", "v0.2b0", message="Release")
    done = _replay(root, "--tags", "-n", "2")
    assert done.stdout.splitlines()[-1] == "r: 2/2 ok (100%), 0 skipped", done.stdout + done.stderr


def test_the_replay_reads_a_release_tagged_on_a_merge_commit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A release of two packages prepared on a branch and tagged on the merge commit that
    brought it in: the files it moved are the merge's diff from the branch it was merged into.
    The replay read the merge's combined diff, which lists no file, and counted relnox's move
    of the package whose last release was not this tag convention's as extra."""

    def both(a: str, b: str) -> dict[str, str]:
        return {"a/pyproject.toml": project("a", a), "b/pyproject.toml": project("b", b)}

    _dated(monkeypatch, 1)
    root_toml = '[tool.uv.workspace]\nmembers = ["a", "b"]\n\n[tool.relnox]\nlockstep = true\n'
    root = repo(tmp_path / "r", {"pyproject.toml": root_toml, **both("1.0.0", "0.9.0")})
    git(root, "tag", "a-v1.0.0")
    _dated(monkeypatch, 2)
    commit(root, both("1.0.0", "1.0.0"), "b-v1.0.0", message="b catches up")
    git(root, "checkout", "-q", "-b", "release")
    commit(root, both("1.0.1", "1.0.1"), message="Release 1.0.1")
    git(root, "checkout", "-q", "-")
    commit(root, {"README.md": "two packages\n"}, message="docs")
    git(root, "merge", "-q", "--no-ff", "-m", "Merge the release", "release")
    git(root, "tag", "a-v1.0.1")
    git(root, "tag", "b-v1.0.1")
    done = _replay(root, "--tags", "--prefix", "a-v", "-n", "1")
    assert done.stdout.splitlines()[-1] == "r: 1/1 ok (100%), 0 skipped", done.stdout + done.stderr


def test_the_replay_reads_a_release_of_a_package_whose_version_file_holds_a_placeholder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """maturin reads ``Cargo.toml``'s 0.1.0, which the release workflow replaces at build
    time, and each release moves the module's ``__version__``: relnox bumps from the last
    release, so its release is replayed (it was skipped: 1.1.0 is no package's version)."""

    def init(version: str) -> dict[str, str]:
        return {"native/__init__.py": f'__version__ = "{version}"\n'}

    files = {
        "pyproject.toml": project("native", None, backend="maturin"),
        "Cargo.toml": '[package]\nname = "native-bindings"\nversion = "0.1.0"\n',
        **init("1.0.0"),
    }
    _dated(monkeypatch, 1)
    root = repo(tmp_path / "r", files, tags=["1.0.0"])
    for month, version in ((2, "1.1.0"), (3, "1.2.0")):
        _dated(monkeypatch, month)
        commit(root, init(version), version, message=f"Release {version}")
    done = _replay(root, "-n", "1")
    assert done.stdout.splitlines()[-1] == "r: 1/1 ok (100%), 0 skipped", done.stdout + done.stderr


def test_the_replay_reads_a_version_literal_bound_in_a_chain(tmp_path: Path) -> None:
    """``VERSION = __version__ = "1.1.0"``: the chained literal moved at the release is one
    the replay reads (it read only ``__version__ = "..."``, so a repository that tags none of
    its releases had none to replay)."""
    pyproject = project("acme", None) + '[tool.hatch.version]\npath = "src/acme/__init__.py"\n'
    files = {
        "pyproject.toml": pyproject,
        "src/acme/__init__.py": 'VERSION = __version__ = "1.0.0"\n',
    }
    root = repo(tmp_path / "r", files)
    init = {"src/acme/__init__.py": 'VERSION = __version__ = "1.1.0"\n'}
    commit(root, init, message="Release 1.1.0")
    done = _replay(root, "-n", "1")
    assert done.stdout.splitlines()[-1] == "r: 1/1 ok (100%), 0 skipped", done.stdout + done.stderr


def test_the_replay_counts_no_move_in_a_lock_written_as_requirements_without_its_header(
    tmp_path: Path,
) -> None:
    """A release that re-locked ``requirements.txt`` (pip-compile's output, its header taken
    off, a ``# via`` line under each requirement) moved ``acme==1.0.0`` there with every other
    pin: the locker's work, not a copy of the version (the replay counted it as a file the
    release moved, and relnox as missing it)."""

    def files(version: str, certifi: str) -> dict[str, str]:
        lock = (
            f"acme=={version}\n    # via -r requirements.in\ncertifi=={certifi}\n    # via acme\n"
        )
        return {"pyproject.toml": project("acme", version), "requirements.txt": lock}

    root = repo(tmp_path / "r", files("1.0.0", "2025.1.1"), tags=["v1.0.0"])
    commit(root, files("1.1.0", "2025.2.2"), "v1.1.0", message="Release 1.1.0")
    done = _replay(root, "-n", "1")
    assert done.stdout.splitlines()[-1] == "r: 1/1 ok (100%), 0 skipped", done.stdout + done.stderr


def test_the_replay_of_a_tag_with_a_short_prefix_asks_for_the_package_it_names(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Packages tagged by a short prefix (``rtc-v1.0.1`` for ``acme`` in ``acme-rtc/``) at
    different versions: the replay asked for a package named ``rtc``, which relnox does not
    know, dropped it and asked relnox to move every package, which relnox refuses for
    packages at different versions; now it asks for the one package relnox tags so."""

    def files(rtc: str, api: str) -> dict[str, str]:
        return {
            "acme-rtc/pyproject.toml": project("acme", rtc),
            "acme-api/pyproject.toml": project("acme-api", api),
        }

    members = '[tool.uv.workspace]\nmembers = ["acme-api", "acme-rtc"]\n'
    _dated(monkeypatch, 1)
    root = repo(tmp_path / "r", {"pyproject.toml": members, **files("1.0.0", "2.0.0")})
    git(root, "tag", "rtc-v1.0.0")
    git(root, "tag", "api-v2.0.0")
    _dated(monkeypatch, 2)
    commit(root, files("1.0.1", "2.0.0"), "rtc-v1.0.1", message="Release rtc")
    _dated(monkeypatch, 3)
    commit(root, files("1.0.2", "2.0.0"), "rtc-v1.0.2", message="Release rtc")
    done = _replay(root, "--tags", "--prefix", "rtc-v", "-n", "1")
    assert done.stdout.splitlines()[-1] == "r: 1/1 ok (100%), 0 skipped", done.stdout + done.stderr
