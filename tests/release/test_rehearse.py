"""rehearse's final install from the 'PyPI' stand-in keeps the options the release was given."""

from __future__ import annotations

import importlib
import re
from pathlib import Path
from types import SimpleNamespace

import pytest

from relnox.release.model import ReleaseRun
from relnox.release.pipeline import ReleaseError, ReleaseOptions, ReleaseResult, StageReport
from relnox.sample import ProjectSpec, git_commit_all, git_env, git_init, write_project
from relnox.tools import git
from relnox.verify import VerifyOptions
from tests.conftest import run_relnox

steps_module = importlib.import_module("relnox.release.steps")
rehearse_module = importlib.import_module(
    "relnox.release.rehearse"
)  # relnox.release.rehearse: the function


class _Report:
    ok = True
    results = checked = ("one",)

    def skipped_note(self) -> str:
        return ""


def test_the_final_install_check_keeps_extras_and_the_extra_index(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``rehearse --extras cli``: the last install is ``[cli]`` too, not the bare package."""
    root = write_project(tmp_path / "p", ProjectSpec("failextract", "1.0.0"))
    seen: list[VerifyOptions] = []

    def plan(workspace: object, options: VerifyOptions) -> VerifyOptions:
        seen.append(options)  # the index is a stand-in: nothing is installed
        return options

    stand_in = SimpleNamespace(plan=plan, run=lambda plan, runtime=None: _Report())
    monkeypatch.setattr(rehearse_module, "VERIFY", stand_in)
    result = ReleaseResult(root, versions={"failextract": "1.0.0"})
    stages: list[StageReport] = []
    options = ReleaseOptions(extras=("cli",), extra_index="https://mirror.example.invalid/simple/")
    rehearse_module._final_check(result, root, "http://127.0.0.1:9/", stages.append, options)
    assert seen[0].extras == ("cli",)
    assert seen[0].extra_index == "https://mirror.example.invalid/simple/"
    assert [s.name for s in stages] == ["install-from-index"]


def test_verify_from_the_test_index_gets_the_extra_index_with_its_login(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The login of ``--extra-index`` reaches the installer of the verify-test round: only
    the round's record (what it checked) holds the URL redacted."""
    root = write_project(tmp_path / "p", ProjectSpec("failextract", "1.0.0"))
    git_init(root)
    seen: list[VerifyOptions] = []

    def plan(workspace: object, options: VerifyOptions) -> VerifyOptions:
        seen.append(options)  # the index is a stand-in: nothing is installed
        return options

    report = SimpleNamespace(
        ok=True, results=("one",), checked=("one",), seconds=0.0, skipped_note=lambda: ""
    )
    stand_in = SimpleNamespace(plan=plan, run=lambda plan, runtime=None: report)
    monkeypatch.setattr(steps_module, "VERIFY", stand_in)
    extra = "https://reader:s3cret@mirror.example.invalid/simple/"
    run = ReleaseRun(root, ReleaseOptions(extra_index=extra))
    steps_module._verify(run, "http://127.0.0.1:9/")
    assert seen[0].extra_index == extra


def test_a_rehearsal_of_a_version_tagged_on_an_older_commit_fails_at_the_start(
    tmp_path: Path,
) -> None:
    """``rehearse`` without --part releases the current version: tagged on an older commit,
    the real release would publish it again with a tag naming other code. Refused before
    any stage, with the tag, its commit and the next step (the real command, a real repo)."""
    root = write_project(tmp_path / "p", ProjectSpec("tagged-pkg", "0.1.0"))
    git_init(root)
    run_relnox("tag", "--missing", cwd=root, check=True)
    tagged = git.git(root, "rev-parse", "HEAD")
    (root / "README.md").write_text("# tagged-pkg\n\nChanged since 0.1.0.\n")
    git_commit_all(root, "a change after the release")
    head = git.git(root, "rev-parse", "HEAD")
    done = run_relnox("rehearse", cwd=root)
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert done.stderr.strip().splitlines()[-1] == (
        f"relnox: error: tagged-pkg 0.1.0 is tagged v0.1.0 on commit {tagged[:12]}, not on "
        f"HEAD ({head[:12]}): released from other code, so HEAD needs a new version; bump "
        "first (relnox rehearse --part patch, or relnox bump --part patch --commit), or delete "
        "the tag (git tag -d v0.1.0) if that release never happened"
    )
    assert "== " not in done.stderr  # no stage ran


def test_a_rehearsal_refuses_only_a_tag_on_another_commit(tmp_path: Path) -> None:
    """No tag yet, or the tag on HEAD itself (the release of this very commit): no refusal."""
    root = write_project(tmp_path / "p", ProjectSpec("fresh-pkg", "0.1.0"))
    git_init(root)
    rehearse_module._refuse_tagged_elsewhere(root, ReleaseOptions())
    run_relnox("tag", "--missing", cwd=root, check=True)
    rehearse_module._refuse_tagged_elsewhere(root, ReleaseOptions())
    git.git(root, "commit", "-q", "--allow-empty", "-m", "later", env=git_env())
    with pytest.raises(ReleaseError, match=re.escape("fresh-pkg 0.1.0 is tagged v0.1.0 on commit")):
        rehearse_module._refuse_tagged_elsewhere(root, ReleaseOptions())


@pytest.mark.slow
def test_a_rehearsal_gets_through_a_version_copy_its_bump_rewrites(tmp_path: Path) -> None:
    """``__version__`` behind pyproject.toml: doctor's error says relnox bump rewrites it,
    and a rehearsal that bumps goes on (a warning), instead of stopping before the bump."""
    root = write_project(tmp_path / "p", ProjectSpec("drift-pkg", "0.1.0"))
    init = root / "drift_pkg" / "__init__.py"
    init.write_text(init.read_text().replace('__version__ = "0.1.0"', '__version__ = "0.0.9"'))
    git_init(root)
    assert "relnox bump rewrites it" in run_relnox("doctor", cwd=root).stdout
    done = run_relnox("rehearse", "--part", "patch", cwd=root)
    assert done.returncode == 0, done.stderr
    repaired = [line for line in done.stderr.splitlines() if "bump repairs it" in line]
    assert repaired and "relnox-rehearse-" not in repaired[0]  # the clone goes; said from it
    assert "drift-pkg                0.1.0 -> 0.1.1" in done.stdout


@pytest.mark.slow
def test_a_failed_verify_stage_is_a_short_error_naming_its_log(tmp_path: Path) -> None:
    """A verify that fails in a rehearsal: the error says why in a few short lines, with no
    path of the deleted clone, and names the log that keeps the whole listing."""
    from relnox.sample import write_workspace

    root = write_workspace(
        tmp_path / "ws",
        [
            ProjectSpec("pin-x", "0.1.7"),
            ProjectSpec("pin-a", "0.1.7", requires=["pin-x==0.1.6"]),
            ProjectSpec("pin-c", "0.1.7", requires=["pin-a>=0.1"]),
        ],
    )
    git_init(root)
    done = run_relnox("rehearse", cwd=root)
    assert done.returncode == 1 and "Traceback" not in done.stderr
    error = done.stderr[done.stderr.index("relnox: error: stage verify failed") :].splitlines()
    assert len(error) <= 10 and all(len(line) <= 200 for line in error), error
    assert not any("relnox-rehearse-" in line for line in error), error
    assert "(the whole message: .relnox/rehearse/verify.log)" in error
    assert "FAIL  pin-a 0.1.7" in (root / ".relnox/rehearse/verify.log").read_text()


@pytest.mark.slow
def test_a_rehearsal_of_many_packages_fits_on_one_screen(tmp_path: Path) -> None:
    """Eight generated packages (MANY or more: a stage says as many lines for 70, its
    repeated lines counted): one screen, no line over 200 characters, no path into the
    rehearsal's clone, gone when the line is read (61 lines on 8 packages and 74 on 70
    before; the audit's record was named in the deleted clone, doctor's history warning
    was 215 characters)."""
    from relnox.sample import generated_specs, write_workspace

    root = write_workspace(tmp_path / "ws", generated_specs(8))
    git_init(root)
    done = run_relnox("rehearse", "--part", "patch", cwd=root)
    assert done.returncode == 0, done.stderr
    lines = [*done.stdout.splitlines(), *done.stderr.splitlines()]
    assert len(lines) <= 47, "\n".join(lines)  # 61 on integ
    assert all(len(line) <= 200 for line in lines)
    assert "relnox-rehearse-" not in done.stdout + done.stderr
    assert not any(line.endswith(": 8/8 done") for line in lines)  # the closing line says it


@pytest.mark.slow
def test_a_rehearsal_fails_where_pypi_refuses_the_files(tmp_path: Path) -> None:
    """A package classified ``Private :: Do Not Upload``: the real publish to TestPyPI and
    PyPI refuses it before any upload, and the rehearsal did not (its local indexes take
    anything). Its publish-test stage now fails the same way, a line for each file naming
    it, the package and the fix."""
    root = write_project(tmp_path / "p", ProjectSpec("shut-pkg", "0.1.0"))
    pyproject = root / "pyproject.toml"
    text = pyproject.read_text()
    pyproject.write_text(
        text.replace("[project]\n", '[project]\nclassifiers = ["Private :: Do Not Upload"]\n', 1)
    )
    git_init(root)
    done = run_relnox("rehearse", "--part", "patch", cwd=root)
    assert done.returncode == 1 and "Traceback" not in done.stderr, done.stderr
    error = done.stderr[done.stderr.index("relnox: error: stage publish-test failed: ") :]
    lines = error.removeprefix("relnox: error: stage publish-test failed: ").splitlines()
    files = ("shut_pkg-0.1.1-py3-none-any.whl: shut-pkg: ", "shut_pkg-0.1.1.tar.gz: shut-pkg: ")
    assert [line.startswith(files) for line in lines] == [True, True, False], lines
    said = ("which TestPyPI refuses", "remove the classifier")
    assert all(all(words in line for words in said) for line in lines[:2]), lines
    assert "[ok] publish-test" not in done.stdout and "uploading" not in done.stderr


@pytest.mark.slow
def test_a_package_verify_skipped_is_not_counted_as_checked(tmp_path: Path) -> None:
    """A package whose requires-python no interpreter here meets is skipped by each verify
    (a line says why); the stages said "1 package(s) installed and checked" all the same.
    They count what was checked now, and name what was skipped."""
    root = write_project(tmp_path / "p", ProjectSpec("later-pkg", "0.1.0"))
    pyproject = root / "pyproject.toml"
    text = pyproject.read_text()
    pyproject.write_text(text.replace('requires-python = ">=3.9"', 'requires-python = ">=3.99"'))
    git_init(root)
    done = run_relnox("rehearse", "--part", "patch", cwd=root)
    assert done.returncode == 0, done.stderr
    rows = {line.split()[1]: line for line in done.stdout.splitlines() if line.startswith("[")}
    for stage in ("verify", "verify-test", "install-from-index"):
        assert " 0 package(s) installed " in rows[stage], rows[stage]
        assert rows[stage].endswith(", 1 skipped (later-pkg)"), rows[stage]


def test_a_rehearsal_s_error_before_its_stages_names_the_repository_s_file(tmp_path: Path) -> None:
    """pyproject.toml that is not TOML: the error named the temporary clone's file, gone by
    the time it is read; it names the repository's own now."""
    root = write_project(tmp_path / "p", ProjectSpec("bad-pkg", "0.1.0"))
    pyproject = root / "pyproject.toml"
    pyproject.write_text(pyproject.read_text() + "[project]\nname = 'again'\n")
    git_init(root)
    done = run_relnox("rehearse", "--part", "patch", cwd=root)
    assert done.returncode == 1 and "Traceback" not in done.stderr, done.stderr
    error = done.stderr.strip().splitlines()[-1]
    assert error.startswith(f"relnox: error: {pyproject}: invalid TOML"), error


@pytest.mark.slow
def test_a_failed_build_shows_the_backend_s_error_line_not_its_first_lines(
    tmp_path: Path,
) -> None:
    """A backend that prints its checks, then the error (a library not found): the stage's
    error showed the first lines of that output and cut the one that says what failed. It
    shows the error line now; the log keeps the whole output."""
    backend = (
        "import sys\n"
        "def _fail(*args, **kwargs):\n"
        "    for n in range(30):\n"
        "        print(f'Checking compiler flag -W{n}: YES', file=sys.stderr)\n"
        "    print('../ext/meson.build:31:12: ERROR: Dependency \"zlib\" not found', file=sys.stderr)\n"
        "    print('A full log can be found at /tmp/meson-log.txt', file=sys.stderr)\n"
        "    raise SystemExit(1)\n"
        "build_sdist = build_wheel = _fail\n"
    )
    root = write_project(
        tmp_path / "p", ProjectSpec("ext-pkg", "0.1.0", extra_files={"backend/failing.py": backend})
    )
    pyproject = root / "pyproject.toml"
    text = pyproject.read_text()
    start = text.index("[build-system]")
    end = text.index("\n[", start + 1) if "\n[" in text[start + 1 :] else len(text)
    system = (
        '[build-system]\nrequires = []\nbuild-backend = "failing"\nbackend-path = ["backend"]\n'
    )
    pyproject.write_text(text[:start] + system + text[end:])
    git_init(root)
    done = run_relnox("rehearse", "--part", "patch", cwd=root)
    assert done.returncode == 1 and "Traceback" not in done.stderr, done.stderr
    error = done.stderr[done.stderr.index("relnox: error: stage build failed") :]
    assert 'ERROR: Dependency "zlib" not found' in error, error
    assert len(error.splitlines()) <= 12, error
    log = (root / ".relnox/rehearse/build.log").read_text()
    assert "-W29: YES" in log and "-W29: YES" not in error  # the lines cut, kept there
