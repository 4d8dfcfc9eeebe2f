"""build_all when things go wrong: backend failures, a file missing from the sdist,
empty wheels, --keep-going through a graph with a failure in the middle."""

from __future__ import annotations

import ctypes
import json
import os
import platform
import select
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from relnox.artifacts.manifest import read_manifest
from relnox.builds.run import BuildOptions, build_all
from relnox.report import MANY
from relnox.sample import (
    ProjectSpec,
    generated_specs,
    git_commit_all,
    git_init,
    write_project,
    write_workspace,
)
from tests.build_support import edit, shared, summarize
from tests.conftest import run_relnox

pytestmark = pytest.mark.slow  # builds, serves or makes environments

#  fx-base <- fx-broken <- fx-top     and independent: fx-alone, fx-nobackend,
#  fx-sdistmiss, fx-emptywheel, fx-setempty
SPECS = [
    ProjectSpec("fx-base"),
    ProjectSpec("fx-broken", backend="setuptools", requires=["fx-base>=0.1.0"]),
    ProjectSpec("fx-top", requires=["fx-broken>=0.1.0"]),
    ProjectSpec("fx-alone", backend="flit"),
    ProjectSpec("fx-nobackend"),
    ProjectSpec("fx-sdistmiss"),
    ProjectSpec("fx-emptywheel"),
    ProjectSpec("fx-setempty", backend="setuptools"),
]


def _workspace(directory: Path) -> Path:
    root = write_workspace(directory / "ws", SPECS)
    pkgs = root / "packages"
    (pkgs / "fx-broken/setup.py").write_text("from setuptools import setup\nsetup(name=\n")
    edit(pkgs / "fx-nobackend/pyproject.toml", '"hatchling.build"', '"nowhere_backend.api"')
    # the wheel needs data/extra.txt, which the sdist leaves out
    (pkgs / "fx-sdistmiss/data").mkdir()
    (pkgs / "fx-sdistmiss/data/extra.txt").write_text("needed\n")
    with (pkgs / "fx-sdistmiss/pyproject.toml").open("a") as fh:
        fh.write(
            '\n[tool.hatch.build.targets.sdist]\nexclude = ["data"]\n'
            "\n[tool.hatch.build.targets.wheel.force-include]\n"
            '"data/extra.txt" = "fx_sdistmiss/extra.txt"\n'
        )
    # a mis-named module directory: hatchling finds nothing to ship
    (pkgs / "fx-emptywheel/fx_emptywheel").rename(pkgs / "fx-emptywheel/fx_empty_wheel")
    # setuptools told to ship no package: an empty wheel, caught by relnox's checks
    with (pkgs / "fx-setempty/pyproject.toml").open("a") as fh:
        fh.write("\n[tool.setuptools]\npackages = []\n")
    (pkgs / "fx-alone/tests").mkdir()
    (pkgs / "fx-alone/tests/test_alone.py").write_text("def test_fails():\n    assert False\n")
    with (pkgs / "fx-alone/pyproject.toml").open("a") as fh:
        fh.write('\n[dependency-groups]\ntest = ["pytest"]\n')
    git_init(root)
    return root


def _keep_going(directory: Path) -> dict[str, Any]:
    root = _workspace(directory)
    return summarize(build_all(root, BuildOptions(jobs=2, keep_going=True, test=True)))


@pytest.fixture(scope="module")
def kept(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Any]]:
    directory, summary = shared(tmp_path_factory, "failures", _keep_going)
    return directory / "ws", summary


def test_keep_going_builds_every_package_it_can(kept: tuple[Path, dict[str, Any]]) -> None:
    root, summary = kept
    status = {name: o["status"] for name, o in summary["outcomes"].items()}
    assert status == {
        "fx-base": "built",
        "fx-alone": "built",
        "fx-broken": "failed",
        "fx-top": "skipped",
        "fx-nobackend": "failed",
        "fx-sdistmiss": "failed",
        "fx-emptywheel": "failed",
        "fx-setempty": "failed",
    }
    assert summary["outcomes"]["fx-top"]["reason"] == "needs fx-broken, which failed"
    assert summary["skipped"] == ["fx-top"]
    assert {r.name for r in read_manifest(root / "dist").packages} == {"fx-base", "fx-alone"}
    built = {p.name for p in (root / "dist").glob("*.*") if "manifest" not in p.name.lower()}
    assert built == {
        "fx_base-0.1.0.tar.gz",
        "fx_base-0.1.0-py3-none-any.whl",
        "fx_alone-0.1.0.tar.gz",
        "fx_alone-0.1.0-py3-none-any.whl",
    }  # nothing of a failed package reaches dist/


def test_the_error_lists_every_package_not_built(kept: tuple[Path, dict[str, Any]]) -> None:
    error = kept[1]["error"]
    assert error.startswith("6 of 8 package(s) not built:")
    for name in ("fx-broken", "fx-nobackend", "fx-sdistmiss", "fx-emptywheel", "fx-setempty"):
        assert f"{name} 0.1.0: " in error
    assert "fx-top: skipped (needs fx-broken, which failed)" in error


def test_a_backend_failure_shows_the_package_and_the_backends_last_lines(
    kept: tuple[Path, dict[str, Any]],
) -> None:
    error = kept[1]["outcomes"]["fx-broken"]["error"]
    assert error.startswith(
        "fx-broken 0.1.0: the build backend setuptools.build_meta failed to build the sdist"
    )
    assert "its last lines:" in error and "SyntaxError" in error


def test_a_bad_build_backend_is_named(kept: tuple[Path, dict[str, Any]]) -> None:
    error = kept[1]["outcomes"]["fx-nobackend"]["error"]
    assert "fx-nobackend 0.1.0: the build backend nowhere_backend.api failed" in error
    assert "Backend 'nowhere_backend.api' is not available" in error
    assert "No module named 'nowhere_backend'" in error


def test_a_file_missing_from_the_sdist_fails_the_wheel(kept: tuple[Path, dict[str, Any]]) -> None:
    error = kept[1]["outcomes"]["fx-sdistmiss"]["error"]
    assert "failed to build the wheel" in error and "extra.txt" in error
    # established: the same wheel builds from the source tree (test_wheel_only_builds_...)
    assert error.endswith(
        "(the wheel builds from the source tree but not from the sdist, which leaves out a "
        "file the wheel needs; check the sdist target's include settings or MANIFEST.in)"
    )


def test_empty_wheels_are_errors(kept: tuple[Path, dict[str, Any]]) -> None:
    outcomes = kept[1]["outcomes"]
    hatch = outcomes["fx-emptywheel"]["error"]
    assert (
        "fx-emptywheel 0.1.0: the build backend hatchling.build failed to build the wheel" in hatch
    )
    assert "Unable to determine which files to ship" in hatch
    # no package directory: the source tree fails the same way, the sdist is not the cause;
    # the backend's own message is the message, the package named once
    assert "sdist" not in hatch and "MANIFEST.in" not in hatch
    assert hatch.count("fx-emptywheel") == 1
    assert outcomes["fx-emptywheel"]["reason"].startswith("the build backend hatchling.build")
    setuptools = outcomes["fx-setempty"]["error"]
    assert setuptools.startswith("fx-setempty 0.1.0: 1 problem(s) in the built files:")
    assert "fx_setempty-0.1.0-py3-none-any.whl: the wheel is empty" in setuptools


def test_failing_tests_without_strict_warn_and_build(kept: tuple[Path, dict[str, Any]]) -> None:
    outcomes = kept[1]["outcomes"]
    assert outcomes["fx-alone"]["tests"] == "failed" and outcomes["fx-alone"]["status"] == "built"
    assert outcomes["fx-base"]["tests"] == "none"


def test_without_keep_going_the_first_failure_stops_the_build(
    kept: tuple[Path, dict[str, Any]], tmp_path: Path
) -> None:
    """The largest package starts first (fx-broken, with its setup.py): its failure
    leaves the others not run, and the one that needs it skipped."""
    root = kept[0]
    names = ["fx-base", "fx-broken", "fx-top", "fx-alone"]
    result = build_all(root, BuildOptions(packages=names, jobs=1, out=tmp_path / "d"))
    status = {o.package.name: o.status for o in result.outcomes}
    assert status == {
        "fx-base": "not run",
        "fx-broken": "failed",
        "fx-top": "skipped",
        "fx-alone": "not run",
    }
    with pytest.raises(Exception, match="--keep-going builds every package it can"):
        result.raise_for_failures()


def test_a_package_whose_need_fails_never_reaches_dist(
    kept: tuple[Path, dict[str, Any]], tmp_path: Path
) -> None:
    """Without --test fx-top is built beside fx-broken, not after it; when fx-broken
    fails, fx-top is skipped as before and none of its files reach dist/ or the manifest."""
    out = tmp_path / "d"
    names = ["fx-base", "fx-broken", "fx-top"]
    result = build_all(kept[0], BuildOptions(packages=names, jobs=2, keep_going=True, out=out))
    outcomes = {o.package.name: o for o in result.outcomes}
    assert {n: o.status for n, o in outcomes.items()} == {
        "fx-base": "built",
        "fx-broken": "failed",
        "fx-top": "skipped",
    }
    assert outcomes["fx-top"].reason == "needs fx-broken, which failed"
    assert {r.name for r in read_manifest(out).packages} == {"fx-base"}
    assert sorted(p.name for p in out.iterdir()) == [
        "fx_base-0.1.0-py3-none-any.whl",
        "fx_base-0.1.0.tar.gz",
    ]


def test_wheel_only_builds_from_the_source_tree(
    kept: tuple[Path, dict[str, Any]], tmp_path: Path
) -> None:
    result = build_all(kept[0], BuildOptions(packages=["fx-sdistmiss"], sdist=False, out=tmp_path))
    assert not result.not_built
    assert result.to_json()["files"] == ["fx_sdistmiss-0.1.0-py3-none-any.whl"]


def test_the_command_exits_1_with_the_reason(
    kept: tuple[Path, dict[str, Any]], tmp_path: Path
) -> None:
    root = kept[0]
    proc = run_relnox(
        "build-all", "--package", "fx-base", "--package", "fx-broken", "--keep-going",
        "--out", str(tmp_path), "--json", "-v", cwd=root,
    )  # fmt: skip
    assert proc.returncode == 1
    assert json.loads(proc.stdout)["failed"] == ["fx-broken"]
    assert proc.stderr.count("relnox: error: 1 of 2 package(s) not built:") == 1
    assert "fx-broken 0.1.0: the build backend setuptools.build_meta failed" in proc.stderr
    assert "  [fx-broken 0.1.0] " in proc.stderr  # -v streamed the backend's output as it ran
    # ... so the error does not say it again, and the log line names the package once
    assert proc.stderr.count("SyntaxError") == 1 and "its output is above" in proc.stderr
    (failed,) = [line for line in proc.stderr.splitlines() if ": FAILED after " in line]
    assert failed.count("fx-broken") == 1
    assert (
        'File "' + str(Path(__file__).parents[2] / "relnox") not in proc.stderr
    )  # no relnox traceback


def test_a_setup_py_importing_pkg_resources_is_told_the_pin(tmp_path: Path) -> None:
    """``from pkg_resources import ...`` in setup.py with no pyproject.toml: the
    legacy backend's newest setuptools has none since 82, and the failure says what to pin
    before the backend's own lines."""
    from tests.shapes import repo

    setup = (
        "raise ModuleNotFoundError(\"No module named 'pkg_resources'\")  # setuptools 82's\n"
        "setup(name='old', version='1.0.0')\n"
    )
    root = repo(tmp_path / "r", {"setup.py": setup, "old/__init__.py": ""})
    result = summarize(build_all(root, BuildOptions(keep_going=True, out=tmp_path / "d")))
    (error,) = [o["error"] for o in result["outcomes"].values()]
    assert (
        'the build imports pkg_resources, which setuptools removed in 82: pin "setuptools<82" '
        "in [build-system] requires of its pyproject.toml, or import importlib.metadata instead"
        "; its last lines:\n"
    ) in error


def test_a_wheel_build_importing_a_module_nothing_provides_names_the_build_requirement(
    tmp_path: Path,
) -> None:
    """bumpver's setup.py imports lib3to6 for bdist_wheel, which its build requirements do
    not list: the failure names the module and the setting (it said a file may be missing
    from the sdist). A module of the project the sdist left out keeps that hint."""
    from tests.shapes import repo

    setup = (
        "import sys\nfrom setuptools import setup\n\n"
        "if any(arg.startswith('bdist') for arg in sys.argv):\n    import {module}\n\n"
        "setup(name='calish', version='1.0.0', packages=['calish'])\n"
    )
    files = {"setup.py": setup.format(module="nowhere3to6"), "calish/__init__.py": ""}
    root = repo(tmp_path / "r", files)
    result = summarize(build_all(root, BuildOptions(keep_going=True, out=tmp_path / "d")))
    (error,) = [o["error"] for o in result["outcomes"].values()]
    assert "the build imports nowhere3to6, which neither its build environment nor" in error
    assert "MANIFEST.in" not in error
    local = {"setup.py": setup.format(module="helper"), "calish/__init__.py": "", "helper.py": ""}
    root = repo(tmp_path / "local", local)
    result = summarize(build_all(root, BuildOptions(keep_going=True, out=tmp_path / "d2")))
    (error,) = [o["error"] for o in result["outcomes"].values()]
    assert "MANIFEST.in" in error and "neither its build environment" not in error


def test_a_build_failing_beside_a_submodule_not_checked_out_names_it(tmp_path: Path) -> None:
    from tests.shapes import git, project, repo

    # a native build reads a dependency kept as a git submodule; the clone left it empty
    setup = "from pathlib import Path\nfrom setuptools import setup\n"
    setup += "Path('ext/dep/dep.h').read_text()\nsetup()\n"
    files = {
        "pyproject.toml": project("fx-sub", backend="setuptools"),
        "setup.py": setup,
        "fx_sub/__init__.py": "",
    }
    root = repo(tmp_path / "r", files)
    head = git(root, "rev-parse", "HEAD")
    (root / "ext/dep").mkdir(parents=True)
    git(root, "update-index", "--add", "--cacheinfo", f"160000,{head},ext/dep")
    git(root, "commit", "-q", "-m", "submodule")

    summary = summarize(build_all(root, BuildOptions(keep_going=True)))
    error = summary["outcomes"]["fx-sub"]["error"]
    assert "failed to build the sdist" in error
    assert "ext/dep: git submodule(s) not checked out" in error
    assert "git submodule update --init --recursive" in error


def test_a_build_requiring_a_package_of_the_workspace_says_it_comes_from_the_index(
    tmp_path: Path,
) -> None:
    """An in-repository build plugin (``sib-app`` names ``sib-plug`` in its
    ``[build-system] requires``): build environments take requirements from the index,
    never a package's sources, so the failure names that package and the two fixes; the
    plugin itself builds."""
    from tests.shapes import repo

    def pyproject(name: str, requires: str) -> str:
        return (
            f'[build-system]\nrequires = [{requires}]\nbuild-backend = "hatchling.build"\n'
            f'[project]\nname = "{name}"\nversion = "0.1.0"\n'
            f'[tool.hatch.build.targets.wheel]\npackages = ["src/{name.replace("-", "_")}"]\n'
        )

    files = {
        "pyproject.toml": '[tool.uv.workspace]\nmembers = ["plug", "app"]\n',
        "plug/pyproject.toml": pyproject("sib-plug", '"hatchling"'),
        "plug/src/sib_plug/__init__.py": "",
        "app/pyproject.toml": pyproject("sib-app", '"hatchling", "sib-plug>=0.1"'),
        "app/src/sib_app/__init__.py": "",
    }
    root = repo(tmp_path / "r", files)
    result = summarize(build_all(root, BuildOptions(keep_going=True, out=tmp_path / "d")))
    assert result["failed"] == ["sib-app"], result
    error = result["outcomes"]["sib-app"]["error"]
    assert error.endswith(
        "(sib-plug: a package of this workspace, which a build environment never takes from "
        "its sources, only from the index: publish it first (relnox publish --package "
        "sib-plug), or point sib-app's [build-system] at it in-tree (backend-path))"
    ), error


#: an in-tree backend: hatchling's, but its wheel hook says what the file ``lie`` asks
LYING_BACKEND = """\
import os, shutil
from hatchling import build as _hatchling
from hatchling.build import *  # noqa

_LIE = open(os.path.join(os.path.dirname(__file__), "lie")).read().strip()

def build_wheel(directory, config_settings=None, metadata_directory=None):
    name = _hatchling.build_wheel(directory, config_settings, metadata_directory)
    if _LIE == "missing":
        os.unlink(os.path.join(directory, name))
        return name
    outside = os.path.join(directory, "..", name)
    shutil.move(os.path.join(directory, name), outside)
    return outside if _LIE == "absolute" else "../" + name
"""


@pytest.mark.parametrize(
    ("lie", "shown", "why"),
    [
        ("missing", "lie_pkg-0.1.0-py3-none-any.whl", "no such file is there"),
        ("absolute", "../lie_pkg-0.1.0-py3-none-any.whl", "that name leads out of"),
        ("parent", "../lie_pkg-0.1.0-py3-none-any.whl", "that name leads out of"),
    ],
)
def test_a_backend_naming_a_file_it_did_not_build_in_its_directory_is_refused(
    tmp_path: Path, lie: str, shown: str, why: str
) -> None:
    """The wheel hook's answer is a file name in the directory it was given: a name of no
    file there, or leading out of it, is one line naming the backend, never a traceback,
    and nothing reaches dist/ (relnox moves the named file there)."""
    root = write_project(tmp_path / "lie", ProjectSpec("lie-pkg"))
    edit(root / "pyproject.toml", '"hatchling.build"', '"lying"\nbackend-path = ["_backend"]')
    (root / "_backend").mkdir()
    (root / "_backend/lying.py").write_text(LYING_BACKEND)
    (root / "_backend/lie").write_text(lie)
    git_init(root)
    proc = run_relnox("build-all", "--wheel-only", cwd=root)
    assert proc.returncode == 1 and "Traceback" not in proc.stderr
    assert (
        f"lie-pkg 0.1.0: the build backend lying returned {shown!r} as the wheel it built, but "
        f"{why}"
    ) in proc.stderr
    assert "fix the backend" in proc.stderr
    assert not any((root / "dist").glob("*.whl"))


def test_a_failed_build_leaves_nothing_in_the_machines_temporary_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A backend that writes its archive to a temporary file first (hatchling does) and
    fails before moving it: the file was in the build's own scratch, removed with it, so
    nothing is left in the temporary directory of the machine."""
    from tests.shapes import repo

    backend = (
        "import tempfile\n"
        "def build_sdist(directory, config_settings=None):\n"
        "    fd, name = tempfile.mkstemp(prefix='leak-', suffix='.tar.gz')\n"
        "    raise RuntimeError('failed after writing ' + name)\n"
    )
    pyproject = (
        '[build-system]\nrequires = []\nbuild-backend = "leaky"\nbackend-path = ["."]\n\n'
        '[project]\nname = "fx-leak"\nversion = "0.1.0"\n'
    )
    root = repo(tmp_path / "r", {"pyproject.toml": pyproject, "leaky.py": backend})
    machine = tmp_path / "machine-tmp"
    machine.mkdir()
    monkeypatch.setenv("TMPDIR", str(machine))
    summary = summarize(build_all(root, BuildOptions(keep_going=True, out=tmp_path / "d")))
    assert "failed after writing " in summary["outcomes"]["fx-leak"]["error"]
    assert [p.name for p in machine.rglob("leak-*")] == []


#: an in-tree backend (hatchling's hooks) whose sdist hook says so on a FIFO and waits
BLOCKING_BACKEND = """\
import os, threading
from hatchling.build import *  # noqa: F403
from hatchling.build import build_sdist as _build_sdist


def build_sdist(sdist_directory, config_settings=None):
    with open(os.environ["BLOCK_FIFO"], "w") as fh:
        fh.write("blocking")
    threading.Event().wait()
    return _build_sdist(sdist_directory, config_settings)
"""


def _blocked_build(tmp_path: Path) -> tuple[Path, subprocess.Popen[str], tuple[int, int]]:
    """``build-all --test`` of two packages, started; returns once the second package's
    sdist hook blocks (the first one's files in dist/): the workspace, the command and the
    two ends of the FIFO the hook said so on (closed by the caller)."""
    specs = [ProjectSpec("stop-first"), ProjectSpec("stop-then", requires=["stop-first>=0.1.0"])]
    root = write_workspace(tmp_path / "ws", specs)
    then = root / "packages/stop-then"
    edit(then / "pyproject.toml", '"hatchling.build"', '"blocking"\nbackend-path = ["_b"]')
    (then / "_b").mkdir()
    (then / "_b/blocking.py").write_text(BLOCKING_BACKEND, encoding="utf-8")
    git_init(root)
    fifo = tmp_path / "blocking"
    os.mkfifo(fifo)
    told = os.open(fifo, os.O_RDONLY | os.O_NONBLOCK)
    ours = os.open(fifo, os.O_WRONLY)  # a writer always: reads wait, never end
    # --test starts a package after the ones it needs are done, their files in dist/
    command = subprocess.Popen(
        [sys.executable, "-m", "relnox", "build-all", "--test"],
        cwd=root,
        env={**os.environ, "BLOCK_FIFO": str(fifo)},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    if not select.select([told], [], [], 180)[0]:
        command.kill()
        command.communicate()
        os.close(told)
        os.close(ours)
        pytest.fail("the hook never blocked")
    return root, command, (told, ours)


def _stopped(command: subprocess.Popen[str], fifo: tuple[int, int], stop: Any) -> str:
    """``stop(command)``, then the command's stderr once it ended (killed after 60 s)."""
    try:
        stop(command)
        _, err = command.communicate(timeout=60)
    finally:
        if command.poll() is None:
            command.kill()
            command.communicate()
        for fd in fifo:
            os.close(fd)
    return err


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
def test_a_stopped_build_records_the_packages_whose_files_it_left_in_dist(
    tmp_path: Path, signum: int
) -> None:
    """A build-all stopped after one package's files were in dist/ wrote no manifest:
    publish and verify-install took those files as another tool's, with no stale check,
    and published them after the package's sources had changed. They are now recorded as
    the build's (commit, inputs), so the stale check and the next build's reuse see them."""
    root, command, fifo = _blocked_build(tmp_path)
    err = _stopped(command, fifo, lambda c: c.send_signal(signum))
    assert command.returncode in (130, -signal.SIGTERM), err
    assert "Traceback" not in err, err
    dist = root / "dist"
    assert sorted(p.name for p in dist.iterdir()) == [
        "stop_first-0.1.0-py3-none-any.whl",
        "stop_first-0.1.0.tar.gz",
    ]
    manifest = read_manifest(dist)
    assert manifest is not None and [r.name for r in manifest.packages] == ["stop-first"]
    # the sources change: the files left are stale, not another tool's to take
    (root / "packages/stop-first/stop_first/__init__.py").write_text("X = 2\n")
    git_commit_all(root, "change stop-first")
    verify = run_relnox("verify-install", "-p", "stop-first", cwd=root)
    assert verify.returncode == 1, verify.stdout + verify.stderr
    assert "changed since their files were built: stop-first" in verify.stderr, verify.stderr


#: tgkill(2)'s number, a signal to one thread of a process (os has no call for it)
TGKILL = {"x86_64": 234, "aarch64": 131}.get(platform.machine())


@pytest.mark.skipif(TGKILL is None or sys.platform != "linux", reason="tgkill: Linux x86_64/arm64")
def test_a_stop_the_kernel_hands_to_another_thread_ends_the_build(tmp_path: Path) -> None:
    """A SIGTERM the kernel delivered to a worker thread, not the main one: Python runs the
    handler only in the main thread, which waited for the worker, which waited for the
    blocked hook, for ever. The hook is now killed at once and the command ends by the
    signal, as when the main thread takes it."""
    assert TGKILL is not None
    _, command, fifo = _blocked_build(tmp_path)
    libc = ctypes.CDLL(None, use_errno=True)

    def to_a_worker(command: subprocess.Popen[str]) -> None:
        threads = sorted(int(t) for t in os.listdir(f"/proc/{command.pid}/task"))
        assert len(threads) > 1, threads
        assert libc.syscall(TGKILL, command.pid, threads[-1], signal.SIGTERM) == 0

    err = _stopped(command, fifo, to_a_worker)
    assert command.returncode == -signal.SIGTERM, err
    assert "Traceback" not in err, err
    assert "relnox: stopped (SIGTERM)" in err, err


def test_one_failed_build_is_the_finding_and_those_it_held_back_are_counted(
    tmp_path: Path,
) -> None:
    """The first package's backend is missing: its row and its error are what to read; the
    packages not built for it were a row and an error line each."""
    specs = generated_specs(MANY + 2)
    root = write_workspace(tmp_path / "ws", specs)
    pyproject = root / "packages" / "gen-pkg0" / "pyproject.toml"
    text = pyproject.read_text()
    pyproject.write_text(text.replace('build-backend = "', 'build-backend = "nonexistent_'))
    git_init(root)
    proc = run_relnox("build-all", "-j", "1", cwd=root)
    assert proc.returncode == 1 and "Traceback (most recent" not in proc.stderr
    rows = [line for line in proc.stdout.splitlines() if line.startswith("gen-pkg")]
    assert len(rows) == 1 and rows[0].startswith("gen-pkg0 ") and "failed: " in rows[0]
    assert "4 skipped, 1 not run (-v lists them)" in proc.stdout.splitlines()
    error = proc.stderr[proc.stderr.index("relnox: error: ") :].splitlines()
    assert error[0] == f"relnox: error: {MANY + 2} of {MANY + 2} package(s) not built:"
    assert error[-3:] == [  # a line each before
        "4 skipped: gen-pkg1, gen-pkg2, gen-pkg4 and 1 more (each needs one not built)",
        "1 not run: gen-pkg3 (stopped after a failure)",
        "(--keep-going builds every package it can)",
    ]
