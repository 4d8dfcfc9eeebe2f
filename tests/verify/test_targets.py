"""verify_install per package: namespace packages descended, an interpreter by
requires-python (or skipped), extras, one package not failing the others, and a closing
message naming the real cause. Real builds, real fresh environments, offline."""

from __future__ import annotations

import os
import platform
import subprocess
import sys
from pathlib import Path

import pytest

from relnox.builds.run import BuildOptions, build_all
from relnox.errors import VerifyError
from relnox.project.discovery import load_workspace
from relnox.sample import ProjectSpec, write_workspace
from relnox.tools.envs import find_python
from relnox.tools.index_server import LocalIndex
from relnox.verify import VerifyOptions
from relnox.verify.in_env import import_names
from relnox.verify.report import (
    ARGS,
    EXTRA,
    INTERPRETER,
    MACHINE,
    NETWORK,
    PACKAGE,
    closing_message,
    failure_cause,
)
from relnox.verify.run import verify_install
from relnox.verify.smoke import Check
from relnox.verify.targets import parse_extras, satisfies
from tests.conftest import run_relnox
from tests.verify_support import uv_build

pytestmark = pytest.mark.slow

THIS = platform.python_version()


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


# -- namespace packages ----------------------------------------------------------------


def test_import_names_descend_namespace_packages() -> None:
    paths = [
        "ns/plugin/__init__.py",
        "ns/plugin/impl.py",
        "ns/loose.py",
        "deep/er/still/__init__.py",
        "pkg/__init__.py",
        "pkg/sub/mod.py",
        "single.py",
        "_native.cpython-311-x86_64-linux-gnu.so",
        "extras.pth",
        "data/schema.json",
        "__pycache__/single.cpython-311.pyc",
        "name-1.0.dist-info/RECORD",
        "name-1.0.data/purelib/plugin/__init__.py",
        "not-an-identifier/x.py",
    ]
    assert import_names(paths) == [
        "_native",
        "deep.er.still",
        "ns.loose",
        "ns.plugin",
        "pkg",
        "plugin",
        "single",
    ]


@pytest.fixture(scope="module")
def plugins(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One project shipping two plugins of the namespace ``nsx``; one's import raises."""
    root = tmp_path_factory.mktemp("ns") / "nsx-plugins"
    (root / "src" / "nsx" / "good").mkdir(parents=True)
    (root / "src" / "nsx" / "bad").mkdir(parents=True)
    (root / "src" / "nsx" / "good" / "__init__.py").write_text('__version__ = "1.0.0"\n')
    (root / "src" / "nsx" / "bad" / "__init__.py").write_text(
        'raise ImportError("the bad plugin cannot load its backend")\n'
    )
    (root / "README.md").write_text("# nsx-plugins\n\nTwo plugins.\n")
    (root / "pyproject.toml").write_text(
        "[project]\n"
        'name = "nsx-plugins"\nversion = "1.0.0"\ndescription = "Plugins."\n'
        'readme = "README.md"\nrequires-python = ">=3.9"\n\n'
        '[build-system]\nrequires = ["hatchling"]\nbuild-backend = "hatchling.build"\n\n'
        '[tool.hatch.build.targets.wheel]\npackages = ["src/nsx"]\n'
    )
    uv_build(root, root / "dist")
    return root


def test_a_namespace_plugin_whose_import_raises_fails(plugins: Path) -> None:
    report = verify_install(load_workspace(plugins), VerifyOptions(offline=True))
    assert not report.ok
    (result,) = report.results
    assert "import nsx.good" in result.passed
    assert [c.name for c in result.failed] == ["import nsx.bad"]
    assert "ImportError: the bad plugin cannot load its backend" in result.failed[0].detail
    assert closing_message(report).startswith(
        "verify-install failed because of the package itself: nsx-plugins;"
    )


# -- requires-python, one package not failing the others ---------------------------------


@pytest.fixture(scope="module")
def mixed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """core <- app; future needs Python >=3.99; other excludes this very interpreter;
    needy needs a distribution no index here has."""
    root = write_workspace(
        tmp_path_factory.mktemp("mixed") / "ws",
        [
            ProjectSpec("mixpy-core"),
            ProjectSpec("mixpy-app", requires=["mixpy-core>=0.1.0"], script=True),
            ProjectSpec("mixpy-future"),
            ProjectSpec("mixpy-other"),
            ProjectSpec("mixpy-needy"),
        ],
    )
    packages = root / "packages"
    _edit(packages / "mixpy-future/pyproject.toml", '">=3.9"', '">=3.99"')
    _edit(packages / "mixpy-other/pyproject.toml", '">=3.9"', f'"!={THIS}"')
    _edit(
        packages / "mixpy-needy/pyproject.toml",
        "dependencies = [\n]",
        'dependencies = [\n    "relnox-no-such-distribution>=1",\n]',
    )
    build_all(root, BuildOptions(jobs=2)).raise_for_failures()
    return root


def test_each_package_gets_an_interpreter_its_requires_python_allows(mixed: Path) -> None:
    report = verify_install(load_workspace(mixed), VerifyOptions(offline=True))
    results = {r.name: r for r in report.results}
    text = "\n".join(report.describe())

    assert results["mixpy-core"].ok and not results["mixpy-core"].skipped, text
    assert results["mixpy-app"].ok and "script mixpy-app" in results["mixpy-app"].passed, text
    future = results["mixpy-future"]
    assert future.ok and future.skipped == "needs Python >=3.99, none found"
    assert "skip  mixpy-future 0.1.0: skipped, needs Python >=3.99, none found" in text
    other = results["mixpy-other"]
    found, why_not = find_python(f"!={THIS}")
    if found is None:  # this machine has one interpreter only, or uv cannot search
        assert other.skipped == f"needs Python !={THIS}, {why_not}"
    else:  # checked with another interpreter, in an environment of its own
        assert other.ok and not other.skipped, text
        assert len(report.python.split(", ")) == 2
    # needy's dependency is nowhere: its install fails, and only its own
    needy = results["mixpy-needy"]
    assert [c.name for c in needy.failed] == ["install"]
    assert failure_cause(needy.failed[0]) == NETWORK
    assert report.to_json()["failed"] == ["mixpy-needy"]
    assert closing_message(report).startswith(
        "verify-install failed because of the network or the index: installing mixpy-needy"
    )


def test_a_dependency_the_index_lacks_is_named_and_its_dependents_blame_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An index that answered 'no such distribution' was reported as the network or the
    index for every package (a connection to check), and a package that failed only for
    its release sibling too; now the missing dependency is named, and the sibling."""
    root = write_workspace(
        tmp_path / "ws",
        [ProjectSpec("lack-needy"), ProjectSpec("lack-user", requires=["lack-needy>=0.1.0"])],
    )
    _edit(
        root / "packages" / "lack-needy" / "pyproject.toml",
        "dependencies = [\n]",
        'dependencies = [\n    "relnox-no-such-distribution>=1",\n]',
    )
    build_all(root, BuildOptions(jobs=2)).raise_for_failures()
    with LocalIndex(tmp_path / "index") as index:  # an index that answers, and has nothing
        monkeypatch.setenv("UV_DEFAULT_INDEX", index.simple_url)
        monkeypatch.setenv("PIP_INDEX_URL", index.simple_url)
        report = verify_install(load_workspace(root), VerifyOptions())
    assert not report.ok
    message = closing_message(report)
    assert (
        "a dependency no index has: installing lack-needy needs relnox-no-such-distribution, "
        "which the index asked says it does not have" in message
    ), message
    assert "another package of this release: lack-user need(s) one whose own install" in message
    assert "the network" not in message


def test_every_package_skipped_is_a_report_not_a_traceback(mixed: Path) -> None:
    """No interpreter for the only package chosen (>=3.12 on a 3.11 machine):
    no round runs, and the report says it was skipped."""
    proc = run_relnox("verify-install", "--package", "mixpy-future", "--offline", cwd=mixed)
    assert proc.returncode == 0 and "Traceback" not in proc.stderr, proc.stderr
    assert "0/0 package checks passed, 1 skipped in" in proc.stdout
    assert "Python ?" not in proc.stdout


def test_the_plan_says_what_is_skipped(mixed: Path) -> None:
    proc = run_relnox("verify-install", "--dry-run", "--offline", cwd=mixed)
    assert proc.returncode == 0, proc.stderr
    assert "wheel: skip mixpy-future 0.1.0: needs Python >=3.99, none found" in proc.stdout


def test_a_search_that_failed_is_not_called_none_installed(mixed: Path, tmp_path: Path) -> None:
    """A broken interpreter on PATH (a version manager's shim for a version it has not
    selected) stops uv's search with an error; the skip said "none found" and "no
    installed interpreter satisfies it", which was not what happened."""
    shim = tmp_path / "bin" / "python3.99"
    shim.parent.mkdir()
    shim.write_text("#!/bin/sh\necho 'shim: version not selected' >&2\nexit 127\n")
    shim.chmod(0o755)
    env = {**os.environ, "PATH": f"{shim.parent}{os.pathsep}{os.environ['PATH']}"}
    proc = run_relnox("verify-install", "--dry-run", "--offline", cwd=mixed, env=env)
    assert proc.returncode == 0, proc.stderr
    skip = next(line for line in proc.stdout.splitlines() if "skip mixpy-future" in line)
    assert "none found" not in skip and "uv python find failed" in skip, skip
    assert "bin/python3.99" in skip, skip
    assert "no installed interpreter" not in proc.stderr, proc.stderr


# -- extras ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def tool(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """xtra-tool's console script needs xtra-helper, which only its extra ``cli`` brings."""
    root = write_workspace(
        tmp_path_factory.mktemp("extras") / "ws",
        [ProjectSpec("xtra-helper"), ProjectSpec("xtra-tool", script=True)],
    )
    tool = root / "packages" / "xtra-tool"
    _edit(
        tool / "pyproject.toml",
        "[project.scripts]",
        '[project.optional-dependencies]\ncli = ["xtra-helper>=0.1.0"]\n\n[project.scripts]',
    )
    _edit(
        tool / "xtra_tool" / "__init__.py",
        "    import sys\n",
        "    import sys\n    import xtra_helper\n",
    )
    uv_build(root, root / "dist")
    return root


def test_a_script_that_needs_an_extra_is_checked_with_extras(tool: Path) -> None:
    workspace = load_workspace(tool)
    without = verify_install(workspace, VerifyOptions(packages=["xtra-tool"], offline=True))
    (result,) = without.results
    assert [c.name for c in result.failed] == ["script xtra-tool"]
    assert failure_cause(result.failed[0]) == EXTRA
    # the module it cannot import is a requirement of the extra cli only: that one is named
    # (scripts of a subpackage without its extra), in the check and in the last line
    assert closing_message(without).endswith("check it with --extras xtra-tool[cli]")
    assert (
        "needs the extra xtra-tool[cli] (which requires xtra-helper, the module it cannot "
        "import), which this check did not install; check it with --extras xtra-tool[cli]"
    ) in result.failed[0].detail

    for extras in (["cli"], ["xtra-tool[cli]"]):
        report = verify_install(
            workspace, VerifyOptions(packages=["xtra-tool"], offline=True, extras=extras)
        )
        assert report.ok, "\n".join(report.describe())
        assert "script xtra-tool" in report.results[0].passed

    with pytest.raises(VerifyError, match="no package verified here declares the extra gui"):
        verify_install(
            workspace, VerifyOptions(packages=["xtra-tool"], offline=True, extras=["gui"])
        )
    with pytest.raises(VerifyError, match=r"xtra-tool\[nope\]: xtra-tool declares no such extra"):
        verify_install(
            workspace,
            VerifyOptions(packages=["xtra-tool"], offline=True, extras=["xtra-tool[nope]"]),
        )


def test_extras_through_the_command_line(tool: Path) -> None:
    ok = run_relnox("verify-install", "-p", "xtra-tool", "--offline", "--extras", "cli", cwd=tool)
    assert ok.returncode == 0, ok.stdout + ok.stderr
    failed = run_relnox("verify-install", "-p", "xtra-tool", "--offline", cwd=tool)
    assert failed.returncode == 1
    assert "relnox: error: verify-install failed because of a missing extra: " in failed.stderr


# -- small parts -------------------------------------------------------------------------


def test_extras_and_requires_python_parsing() -> None:
    assert parse_extras(["cli", "a[x,Y_z],b[w]", "Web"]) == (
        ("cli", "web"),
        {"a": ("x", "y-z"), "b": ("w",)},
    )
    with pytest.raises(VerifyError, match="neither an extra"):
        parse_extras(["a[x"])
    assert satisfies(">=3.9", "3.11.7") and not satisfies(">=3.99", "3.11.7")
    assert satisfies(None, "3.11.7") and satisfies("not a specifier", "3.11.7")


def test_failure_causes() -> None:
    assert failure_cause(Check("environment", False, "cannot run python3.99")) == INTERPRETER
    assert (
        failure_cause(
            Check("install", False, "Because the current Python version (3.11.7) does not ...")
        )
        == INTERPRETER
    )
    assert failure_cause(Check("install", False, "Failed to fetch: `http://...`")) == NETWORK
    assert (
        failure_cause(Check("script tool", False, "ModuleNotFoundError: No module named 'x'"))
        == EXTRA
    )
    assert failure_cause(Check("import pkg", False, "SyntaxError: invalid syntax")) == PACKAGE
    # the installer's cache or disk on this machine, never the package's fault
    for said in (
        "error: Failed to initialize cache at `/x/uv`\n  cause: Not a directory (os error 20)",
        "OSError: [Errno 28] No space left on device",
    ):
        assert failure_cause(Check("install", False, said)) == MACHINE
    assert failure_cause(Check("import pkg", False, "No space left on device")) == PACKAGE


def test_a_host_name_that_did_not_resolve_is_the_network() -> None:
    """The resolvers' own words (git and curl, uv through a proxy, musl, macOS, Windows):
    each was read as the package's fault; the closing line now names the network."""
    from relnox.verify.report import PackageResult, VerifyReport

    for said in (
        "fatal: unable to access 'https://git.example.invalid/dep.git/': Could not resolve "
        "host: git.example.invalid",
        "fatal: unable to access 'https://x.invalid/y.git/': Could not resolve proxy: p.invalid",
        "error: Request failed after 3 retries\n  cause: dns error\n  cause: Name does not resolve",
        "Failed to establish a new connection: [Errno 8] nodename nor servname provided, or not known",
        "Failed to establish a new connection: [Errno 11001] getaddrinfo failed",
        "Failed to establish a new connection: [Errno -5] No address associated with hostname",
    ):
        check = Check("install", False, said)
        assert failure_cause(check) == NETWORK, said
        report = VerifyReport([PackageResult("net-pkg", "1.0.0", "wheel", "w.whl", [check])])
        assert closing_message(report).startswith(
            "verify-install failed because of the network or the index: installing net-pkg"
        ), said


@pytest.fixture(scope="module")
def says_extra(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """say-tool's script exits 1 with its own hint when its extra ``cli`` is missing
    (the shape of a CLI that prints ``pip install 'name[cli]'``, no traceback)."""
    root = write_workspace(
        tmp_path_factory.mktemp("says") / "ws",
        [ProjectSpec("say-helper"), ProjectSpec("say-tool", script=True)],
    )
    tool = root / "packages" / "say-tool"
    _edit(
        tool / "pyproject.toml",
        "[project.scripts]",
        '[project.optional-dependencies]\ncli = ["say-helper>=0.1.0"]\n\n[project.scripts]',
    )
    _edit(
        tool / "say_tool" / "__init__.py",
        "    import sys\n",
        "    import sys\n    try:\n        import say_helper  # noqa: F401\n"
        "    except ImportError:\n"
        "        print(\"To use the command line, run: pip install 'say-tool[cli]'\")\n"
        "        return 1\n",
    )
    uv_build(root, root / "dist")
    return root


def test_a_script_that_names_the_extra_it_needs_is_run_again_with_it(
    says_extra: Path, tmp_path: Path
) -> None:
    """The shape: its script exits 1 saying ``pip install 'say-tool[cli]'``. The extra is
    installed and the script run again, which passes on a healthy package; when the extra
    cannot be installed (its dependency is nowhere), the failure is a missing extra, not
    the package's fault, and says --extras."""
    workspace = load_workspace(says_extra)
    asked = verify_install(workspace, VerifyOptions(packages=["say-tool"], offline=True))
    assert asked.ok, "\n".join(asked.describe())
    (result,) = asked.results
    names = [check.name for check in result.checks]
    assert "script say-tool (with say-tool[cli], which it asks for)" in names, names
    alone = tmp_path / "alone"
    alone.mkdir()
    for wheel in (says_extra / "dist").glob("say_tool-*.whl"):
        (alone / wheel.name).write_bytes(wheel.read_bytes())
    options = VerifyOptions(packages=["say-tool"], offline=True, dist_dir=alone)
    (result,) = verify_install(workspace, options).results
    [failed] = result.failed
    assert failed.name == "script say-tool" and failure_cause(failed) == EXTRA
    assert "needs the extra say-tool[cli]" in failed.detail
    assert "could not install; check it with --extras say-tool[cli]" in failed.detail
    report = verify_install(
        workspace, VerifyOptions(packages=["say-tool"], offline=True, extras=["cli"])
    )
    assert report.ok, "\n".join(report.describe())


def test_an_extra_a_script_asks_for_is_installed_from_the_index_too(
    says_extra: Path, tmp_path: Path
) -> None:
    """The shape, verified from the index a release went to (verify-test): its
    script says ``pip install 'say-tool[cli]'``. The extra is installed from that index and the
    script run again, as from dist/ (there it failed as a script refusing --help, the
    index round having no wheel to read the extras from)."""
    with LocalIndex(tmp_path / "index") as index:
        files = [str(f) for f in sorted((says_extra / "dist").glob("say_*"))]
        twine = [sys.executable, "-m", "twine", "upload", "--non-interactive"]
        login = ["--repository-url", index.upload_url, "-u", "relnox", "-p", "unused"]
        subprocess.run([*twine, *login, *files], check=True, capture_output=True)
        options = VerifyOptions(
            packages=["say-tool"], index=index.simple_url, extra_index=index.simple_url, wait=0
        )
        report = verify_install(load_workspace(says_extra), options)
    assert report.ok, "\n".join(report.describe())
    (result,) = report.results
    assert result.kind == "index"
    assert "script say-tool (with say-tool[cli], which it asks for)" in result.passed


def test_a_script_that_runs_but_refuses_its_arguments_names_the_setting(
    tmp_path: Path,
) -> None:
    """A console script that does not take ``--help`` (one that says "No
    recipients specified.", exit 1, no traceback) ran: its fix is the script's own
    script-args, named in the closing message, not "the package itself"."""
    root = write_workspace(tmp_path / "ws", [ProjectSpec("mail-tool", script=True)])
    _edit(
        root / "packages" / "mail-tool" / "mail_tool" / "__init__.py",
        "    import sys\n",
        "    import sys\n    print('No recipients specified.')\n    return 1\n",
    )
    uv_build(root, root / "dist")
    report = verify_install(load_workspace(root), VerifyOptions(offline=True))
    (result,) = report.results
    [failed] = result.failed
    assert failed.name == "script mail-tool" and failure_cause(failed) == ARGS
    assert "No recipients specified." in failed.detail
    assert closing_message(report).endswith(
        "(--help unless set): mail-tool; give them ones they take, or skip them: "
        "[tool.relnox.verify] script-args = { mail-tool = false }"
    )
    with (root / "pyproject.toml").open("a", encoding="utf-8") as fh:
        fh.write("\n[tool.relnox.verify]\nscript-args = { mail-tool = false }\n")
    assert verify_install(load_workspace(root), VerifyOptions(offline=True)).ok


@pytest.fixture(scope="module")
def import_asks_extra(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The shape: the wheel ships a second top-level package (``ask_toold``, as a
    server beside its CLI) whose import raises ``ImportError: ... pip install ask-tool[d]`` when its
    extra's dependency is missing."""
    root = write_workspace(
        tmp_path_factory.mktemp("asks") / "ws", [ProjectSpec("ask-helper"), ProjectSpec("ask-tool")]
    )
    tool = root / "packages" / "ask-tool"
    _edit(
        tool / "pyproject.toml",
        "[build-system]",
        '[project.optional-dependencies]\nd = ["ask-helper>=0.1.0"]\n\n'
        '[tool.hatch.build.targets.wheel]\npackages = ["ask_tool", "ask_toold"]\n\n[build-system]',
    )
    (tool / "ask_toold").mkdir()
    (tool / "ask_toold" / "__init__.py").write_text(
        "try:\n    import ask_helper  # noqa: F401\nexcept ImportError as exc:\n"
        "    raise ImportError(f'{exc}. Install the extra: pip install ask-tool[d]') from None\n",
        encoding="utf-8",
    )
    uv_build(root, root / "dist")
    return root


def test_an_import_that_names_the_extra_it_needs_is_tried_again_with_it(
    import_asks_extra: Path, tmp_path: Path
) -> None:
    """The second package is imported again once ``ask-tool[d]`` is installed, and passes;
    when the extra cannot be installed, the import fails as a missing extra, naming it."""
    workspace = load_workspace(import_asks_extra)
    report = verify_install(workspace, VerifyOptions(packages=["ask-tool"], offline=True))
    assert report.ok, "\n".join(report.describe())
    names = [check.name for check in report.results[0].checks]
    assert "import ask_toold (with ask-tool[d], which it asks for)" in names, names
    alone = tmp_path / "alone"
    alone.mkdir()
    for wheel in (import_asks_extra / "dist").glob("ask_tool-*.whl"):
        (alone / wheel.name).write_bytes(wheel.read_bytes())
    options = VerifyOptions(packages=["ask-tool"], offline=True, dist_dir=alone)
    (result,) = verify_install(workspace, options).results
    [failed] = result.failed
    assert failed.name == "import ask_toold" and failure_cause(failed) == EXTRA
    assert "could not install; check it with --extras ask-tool[d]" in failed.detail


@pytest.mark.parametrize(
    ("specifier", "version", "admitted"),
    [
        ("<3.14", "3.14.0rc1", False),  # no pre-release of the bound
        ("<3.14", "3.13.9", True),
        (">3.13", "3.13.0.post1", False),  # no post-release of the bound
        (">3.13", "3.13.1", True),
        (">=3.14", "3.14.0rc1", False),
        ("==3.12", "3.12.0", True),
        ("!=3.12.0", "3.12", False),
        (">=3.9,<4", "3.11.7", True),
        (">=3.9, <3.11", "3.11.7", False),
        (">=3.9.*", "3.11.7", True),  # malformed: packaging decides (unknown: allowed)
        ("~=3.9", "3.11.7", True),  # another shape: packaging decides
        ("~=3.9.0", "3.11.7", False),
    ],
)
def test_requires_python_examples(specifier: str, version: str, admitted: bool) -> None:
    assert satisfies(specifier, version) is admitted


#: what uv says when the index has no file of a version (a page listing none) or no
#: project of that name at all (a fresh index)
_NO_VERSION = "error: No solution found when resolving dependencies\n  cause: Because there is no version of {name}==1.0 and you require {name}==1.0, we can conclude that your requirements are unsatisfiable."
_NO_PROJECT = "error: No solution found when resolving dependencies\n  cause: Because {name} was not found in the package registry and you require {name}==1.0, we can conclude that your requirements are unsatisfiable."


@pytest.mark.parametrize("said", [_NO_VERSION, _NO_PROJECT])
def test_a_release_the_index_verified_from_lacks_is_said_so(said: str) -> None:
    """verify-install --index before the release was published there (or an index that
    answers a login page with 200, listing no files) blamed 'the package itself: see the
    lines above, fix it and rebuild', or each package's 'another package of this release
    ... whose own install failed'; the index lacks the release, and that is the fix."""
    from relnox.verify.report import PackageResult, VerifyReport

    def failed(name: str) -> PackageResult:
        check = Check("install", False, said.format(name="idx-core"))
        return PackageResult(name, "1.0", "index", f"{name}==1.0 from local", [check])

    report = VerifyReport([failed("idx-core"), failed("idx-app")], installer="uv")
    assert closing_message(report) == (
        "verify-install failed because of the index: it answered it does not have idx-core "
        "of this release, so installing idx-core, idx-app from it failed; publish the "
        "release there first (relnox publish -r INDEX), or check --index (an index that "
        "lists files later: --wait; a page that lists none, such as a login page answered "
        "with 200)"
    )
    # from dist/, a dependency pinned to a version no index has is that dependency's
    check = Check("install", False, _NO_VERSION.format(name="idx-dependency"))
    local = VerifyReport([PackageResult("idx-core", "1.0", "wheel", "x.whl", [check])])
    assert closing_message(local).startswith(
        "verify-install failed because of a dependency no index has: installing idx-core "
        "needs idx-dependency"
    )


def test_a_python_that_does_not_answer_as_one_is_refused_before_anything_is_made(
    tmp_path: Path,
) -> None:
    """--python /bin/false (or a wrapper that fails): verify-install went on to make
    environments with it and blamed every package's requires-python ('cannot install or
    run on the Python of the fresh environment'); one that never answered held the command
    for the probe's 60 s and then uv's own wait."""
    from relnox.errors import VerifyError
    from relnox.verify.targets import by_interpreter

    fake = tmp_path / "python3"
    fake.write_text("#!/bin/sh\necho 'not python' >&2\nexit 3\n")
    fake.chmod(0o755)
    with pytest.raises(VerifyError) as caught:
        by_interpreter([], str(fake), [])
    assert str(caught.value).startswith(
        f"--python {fake}: did not say its version as a Python interpreter does"
    )


def test_a_script_two_packages_declare_runs_once(tmp_path: Path) -> None:
    """Two wheels declaring one console script install one file: it runs once, and both
    packages' results carry its check."""
    ran = tmp_path / "ran.txt"
    root = write_workspace(tmp_path / "ws", [ProjectSpec("twin-a"), ProjectSpec("twin-b")])
    for name in ("twin-a", "twin-b"):
        module = name.replace("-", "_")
        _edit(
            root / "packages" / name / "pyproject.toml",
            "\n[build-system]",
            f'\n[project.scripts]\ntwins = "{module}:main"\n\n[build-system]',
        )
        with (root / "packages" / name / module / "__init__.py").open("a") as fh:
            fh.write(
                f"\n\ndef main() -> int:\n    open({str(ran)!r}, 'a').write('x')\n    return 0\n"
            )
    uv_build(root, root / "dist")
    report = verify_install(load_workspace(root), VerifyOptions(offline=True))
    assert report.ok, report.describe()
    assert ran.read_text(encoding="utf-8") == "x"
    assert all("script twins" in result.passed for result in report.results)


def test_a_direct_reference_that_cannot_be_fetched_is_named_with_its_fix(tmp_path: Path) -> None:
    """A package requiring ``dep @ git+URL`` that the installer cannot fetch: the closing
    line named the package itself (or the network, by the installer's cache) and never the
    reference; now it names the reference and says an index refuses it anyway."""
    gone = (tmp_path / "no-such-repo.git").as_uri()
    root = write_workspace(tmp_path / "ws", [ProjectSpec("direct-app")])
    _edit(
        root / "packages" / "direct-app" / "pyproject.toml",
        "dependencies = [\n]",
        f'dependencies = [\n    "direct-dep @ git+{gone}",\n]',
    )
    with (root / "packages" / "direct-app" / "pyproject.toml").open("a") as pyproject:
        pyproject.write("\n[tool.hatch.metadata]\nallow-direct-references = true\n")
    build_all(root, BuildOptions(jobs=2)).raise_for_failures()
    report = verify_install(load_workspace(root), VerifyOptions())
    assert not report.ok
    message = closing_message(report)
    assert message.startswith(
        f"verify-install failed because of a direct reference: direct-app requires "
        f"direct-dep @ git+{gone}, which the installer fetches from that address"
    ), message
    assert "require a released version of it" in message and "\n" not in message, message


def test_import_names_descend_a_package_shared_the_pkgutil_way() -> None:
    """``acme/__init__.py`` calling ``extend_path`` is shared by many wheels: importing it
    proved nothing of this one; its subpackage is imported instead. A regular package
    whose ``__init__.py`` says anything else is still imported as itself."""
    texts = {
        "acme/__init__.py": "__path__ = __import__('pkgutil').extend_path(__path__, __name__)\n",
        "acme/valkey_server/__init__.py": "",
        "acme/valkey_server/server.py": "",
        "plain/__init__.py": "VERSION = '1'\n",
        "plain/sub/__init__.py": "",
    }
    assert import_names(texts) == ["acme", "plain"]  # nothing to read: as before
    assert import_names(texts, texts.__getitem__) == ["acme.valkey_server", "plain"]


def test_a_module_kept_only_to_raise_is_not_imported(tmp_path: Path) -> None:
    """A package extending its ``__path__`` for plugins (pkgutil) has each module checked by
    an import; one kept only to say where its code went (``raise ImportError("moved...")``)
    failed verify-install by design. It is not imported now; the module beside it is."""
    init = (
        '__version__ = "0.1.0"\nfrom pkgutil import extend_path\n'
        "__path__ = extend_path(__path__, __name__)\n"
    )
    moved = '"""Moved."""\nraise ImportError("tomb_pkg.signals moved: use tomb_pkg.events")\n'
    spec = ProjectSpec(
        "tomb-pkg",
        extra_files={
            "tomb_pkg/__init__.py": init,
            "tomb_pkg/signals.py": moved,
            "tomb_pkg/events.py": "READY = True\n",
        },
    )
    root = write_workspace(tmp_path / "ws", [spec])
    subprocess.run(["git", "init", "-q"], cwd=root, check=True)
    run_relnox("build-all", cwd=root, check=True)
    done = run_relnox("verify-install", "--offline", "-v", cwd=root)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "import tomb_pkg.events" in done.stdout and "tomb_pkg.signals" not in done.stdout
