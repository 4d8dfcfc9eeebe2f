"""verify_install with real wheels, real fresh environments and a real local index."""

from __future__ import annotations

import json
import logging
import os
import shutil
import subprocess
import sys
import threading
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from relnox.errors import RelnoxError, VerifyError
from relnox.files import file_digest
from relnox.project.discovery import load_workspace
from relnox.sample import ProjectSpec, demo_specs, write_workspace
from relnox.tools.index_server import LOCAL_INDEX_ENV, LocalIndex
from relnox.verify import VerifyOptions
from relnox.verify.plan import plan_verify
from relnox.verify.report import PackageResult, VerifyReport, closing_message
from relnox.verify.run import run_plan, verify_install
from tests.conftest import run_relnox
from tests.verify_support import build_release

pytestmark = pytest.mark.slow

#: a version no index has: whatever installs it can only have come from dist/
VERSION = "7.3.0"
GOOD_CONFIG = """
[tool.relnox.verify]
commands = ["vfyrlx-runtime --help", ["python", "-c", "import vfyrlx_agents"]]
"""


@pytest.fixture(scope="module")
def good(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """core <- agents <- runtime (a console script) at 7.3.0, built once with uv."""
    root = tmp_path_factory.mktemp("good") / "ws"
    write_workspace(root, demo_specs("vfyrlx", VERSION), relnox=GOOD_CONFIG)
    build_release(root)
    return root


BROKEN = [
    ProjectSpec("vfybad-empty", VERSION, "setuptools"),  # its wheel ships no module (see below)
    ProjectSpec(
        "vfybad-version",
        VERSION,
        "hatchling",
        extra_files={
            "vfybad_version/__init__.py": "from vfybad_version._meta import __version__\n",
            "vfybad_version/_meta.py": '__version__ = "0.0.1"\n',
        },
    ),
    ProjectSpec(
        "vfybad-script",
        VERSION,
        "hatchling",
        script=True,
        extra_files={
            "vfybad_script/__init__.py": f'__version__ = "{VERSION}"\n\n\n'
            "def main() -> int:\n"
            '    raise RuntimeError("the script is broken")\n'
        },
    ),
    ProjectSpec(
        "vfybad-alias",
        VERSION,
        "hatchling",
        script=True,
        extra_files={  # a deprecated alias: it says where to go and exits 1, even on --help
            "vfybad_alias/__init__.py": f'__version__ = "{VERSION}"\n\n\n'
            "def main() -> int:\n"
            '    print("Hint: use vfybad-fine instead")\n'
            "    return 1\n"
        },
    ),
    ProjectSpec("vfybad-fine", VERSION, "hatchling"),
]


@pytest.fixture(scope="module")
def broken(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Five packages: no module in the wheel, a wrong __version__, a crashing script, a
    script that exits 1 on purpose, one fine."""
    root = tmp_path_factory.mktemp("broken") / "ws"
    write_workspace(root, BROKEN)
    pyproject = root / "packages" / "vfybad-empty" / "pyproject.toml"
    pyproject.write_text(
        pyproject.read_text(encoding="utf-8") + "\n[tool.setuptools]\npackages = []\n",
        encoding="utf-8",
    )
    build_release(root)
    return root


def by_name(report: VerifyReport) -> dict[str, PackageResult]:
    return {r.name: r for r in report.results}


# -- a good release ----------------------------------------------------------------------


def test_release_installs_with_its_new_siblings_from_dist(good: Path) -> None:
    report = verify_install(load_workspace(good), VerifyOptions(offline=True))

    assert report.ok, "\n".join(report.describe())
    assert [r.name for r in report.results] == ["vfyrlx-core", "vfyrlx-agents", "vfyrlx-runtime"]
    for result in report.results:
        module = result.name.replace("-", "_")
        assert result.version == VERSION
        assert result.kind == "wheel"
        assert result.artifact.endswith(f"{module}-{VERSION}-py3-none-any.whl")
        assert {"metadata", f"import {module}", f"{module}.__version__"} <= set(result.passed)
    # agents needs core>=7.3.0,<7.4.0: no index has it and --offline forbids one, so the
    # core it imported is the new one from dist/
    assert "script vfyrlx-runtime" in by_name(report)["vfyrlx-runtime"].passed
    assert [c.name for c in report.commands] == [
        "command vfyrlx-runtime --help",
        "command python -c 'import vfyrlx_agents'",
    ]
    assert all(c.ok for c in report.commands)
    assert report.installer == "uv"
    assert report.python == ".".join(map(str, sys.version_info[:3]))
    data = report.to_json()
    assert data["ok"] is True and data["failed"] == []
    assert data["packages"] == ["vfyrlx-core", "vfyrlx-agents", "vfyrlx-runtime"]


def test_one_package_gets_its_siblings_from_dist(good: Path) -> None:
    report = verify_install(
        load_workspace(good), VerifyOptions(packages=["vfyrlx-runtime"], offline=True)
    )

    assert report.ok, "\n".join(report.describe())
    assert [r.name for r in report.results] == ["vfyrlx-runtime"]
    assert report.commands == []  # the release-wide commands need the whole release


def test_sdists_build_into_the_same_wheels(good: Path) -> None:
    report = verify_install(load_workspace(good), VerifyOptions(offline=True, sdist=True))

    assert report.ok, "\n".join(report.describe())
    from_sdist = [r for r in report.results if r.kind == "sdist"]
    assert [r.name for r in from_sdist] == ["vfyrlx-core", "vfyrlx-agents", "vfyrlx-runtime"]
    for result in from_sdist:
        assert result.artifact.endswith(f"-{VERSION}.tar.gz")
        assert {"build wheel from sdist", "same files as wheel", "metadata"} <= set(result.passed)
    assert len([r for r in report.results if r.kind == "wheel"]) == 3


def test_pip_is_the_fallback_installer(good: Path) -> None:
    report = verify_install(
        load_workspace(good),
        VerifyOptions(packages=["vfyrlx-agents"], offline=True, installer="pip"),
    )

    assert report.ok, "\n".join(report.describe())
    assert report.installer == "pip"
    assert "import vfyrlx_agents" in report.results[0].passed


def test_a_tampered_artifact_is_refused_before_anything_is_installed(
    good: Path, tmp_path: Path
) -> None:
    dist = shutil.copytree(good / "dist", tmp_path / "dist")
    shutil.copytree(good / ".relnox", tmp_path / ".relnox")  # the manifest, beside dist/
    wheel = next(dist.glob("vfyrlx_core-*.whl"))
    wheel.write_bytes(wheel.read_bytes() + b"\0")

    with pytest.raises(VerifyError, match=r"vfyrlx_core-7\.3\.0-py3-none-any\.whl: sha256 differs"):
        verify_install(load_workspace(good), VerifyOptions(dist_dir=dist, offline=True))


def test_a_wheel_whose_metadata_lies_is_refused_though_the_manifest_vouches_for_it(
    good: Path, tmp_path: Path
) -> None:
    """A wheel swapped for one whose METADATA names another project (or version), its
    sha256 written over in the build manifest: the record holds no proof of build-all's
    check on these bytes, so the file must still be what its name says. It was installed,
    as the other project, and its dependents failed as if the index had lost it."""
    dist = shutil.copytree(good / "dist", tmp_path / "dist")
    shutil.copytree(good / ".relnox", tmp_path / ".relnox")
    wheel = next(dist.glob("vfyrlx_core-*.whl"))
    with zipfile.ZipFile(wheel) as whl:
        items = {i.filename: whl.read(i) for i in whl.infolist()}
    meta = next(n for n in items if n.endswith(".dist-info/METADATA"))
    items[meta] = items[meta].replace(b"Name: vfyrlx-core", b"Name: someone-else")
    with zipfile.ZipFile(wheel, "w") as whl:
        for name, data in items.items():
            whl.writestr(name, data)
    manifest = tmp_path / ".relnox" / "dist" / "build-manifest.json"
    data = json.loads(manifest.read_text())
    for record in (f for p in data["packages"] for f in p["files"]):
        if record["filename"] == wheel.name:
            record.update(sha256=file_digest(wheel), size=wheel.stat().st_size)
    manifest.write_text(json.dumps(data))

    with pytest.raises(VerifyError, match=r"metadata Name is 'someone-else', not 'vfyrlx-core'"):
        verify_install(load_workspace(good), VerifyOptions(dist_dir=dist, offline=True))


def test_a_fifo_named_as_a_wheel_is_refused_without_waiting_on_it(
    good: Path, tmp_path: Path
) -> None:
    """The install started ahead (while the plan is read) passed a fifo named as a wheel
    to the installer, which waited on it for the whole --timeout (600 s) after the plan
    had refused the directory; the guess now takes no such file."""
    dist = shutil.copytree(good / "dist", tmp_path / "dist")
    shutil.copytree(good / ".relnox", tmp_path / ".relnox")
    wheel = next(dist.glob("vfyrlx_core-*.whl"))
    wheel.unlink()
    os.mkfifo(wheel)
    proc = subprocess.run(
        [sys.executable, "-m", "relnox", "verify-install", "--dist", str(dist), "--offline"],
        cwd=good,
        capture_output=True,
        text=True,
        timeout=60,  # a bound for the test alone: the run takes seconds, not --timeout
        check=False,
    )
    assert proc.returncode == 1 and "Traceback" not in proc.stderr, proc.stderr
    assert f"- {wheel.name}  (recorded by build-all, missing)" in proc.stderr


def test_a_wheel_changed_after_the_plan_is_not_installed(
    good: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The wheels are installed from dist/ where they are (no copy), each with the sha256
    of the build manifest: a file that changes between the plan and the install fails the
    install, though the installer's cache may know the file's path, and though the user
    turned uv's hash checks off."""
    monkeypatch.setenv("UV_NO_VERIFY_HASHES", "1")
    dist = shutil.copytree(good / "dist", tmp_path / "dist")
    shutil.copytree(good / ".relnox", tmp_path / ".relnox")
    workspace = load_workspace(good)
    options = VerifyOptions(dist_dir=dist, offline=True, packages=["vfyrlx-core"])
    assert run_plan(plan_verify(workspace, options)).ok  # cached by uv under this path
    plan = plan_verify(workspace, options)
    wheel = next(dist.glob("vfyrlx_core-*.whl"))
    with zipfile.ZipFile(wheel, "a") as whl:
        whl.writestr("vfyrlx_core/extra.py", "CHANGED = True\n")

    report = run_plan(plan)

    assert not report.ok
    [failed] = report.results[0].failed
    assert failed.name == "install"
    assert "hash" in failed.detail.lower()


def test_the_plan_names_every_file_and_installs_nothing(good: Path) -> None:
    plan = plan_verify(load_workspace(good), VerifyOptions(offline=True, sdist=True))

    text = "\n".join(plan.describe())
    assert [r.kind for r in plan.rounds] == ["wheel", "sdist"]
    assert f"vfyrlx_core-{VERSION}-py3-none-any.whl" in text
    assert f"vfyrlx_core-{VERSION}.tar.gz" in text
    assert "command: vfyrlx-runtime --help" in text
    assert plan.rounds[0].targets[2].facts is not None
    assert plan.rounds[0].targets[2].facts.scripts == ("vfyrlx-runtime",)


# -- a broken release ----------------------------------------------------------------------


def test_each_broken_package_fails_its_own_check(broken: Path) -> None:
    report = verify_install(load_workspace(broken), VerifyOptions(offline=True))
    results = by_name(report)

    assert not report.ok
    empty = results["vfybad-empty"]
    assert [c.name for c in empty.failed] == ["import vfybad_empty"]
    assert "No module named 'vfybad_empty'" in empty.failed[0].detail
    assert "metadata" in empty.passed

    version = results["vfybad-version"]
    assert [c.name for c in version.failed] == ["vfybad_version.__version__"]
    assert "'0.0.1', expected 7.3.0" in version.failed[0].detail

    script = results["vfybad-script"]
    assert [c.name for c in script.failed] == ["script vfybad-script"]
    assert "RuntimeError: the script is broken" in script.failed[0].detail
    assert "import vfybad_script" in script.passed
    assert "script-args" not in script.failed[0].detail  # a traceback: the script is broken

    alias = results["vfybad-alias"]  # it ran and chose to exit 1: the setting is named
    assert [c.name for c in alias.failed] == ["script vfybad-alias"]
    assert alias.failed[0].detail.startswith(
        "ran without a traceback but exited non-zero on --help"
    )
    assert "script-args = { vfybad-alias = false }" in closing_message(report)

    assert results["vfybad-fine"].ok
    assert sorted(report.to_json()["failed"]) == [
        "vfybad-alias",
        "vfybad-empty",
        "vfybad-script",
        "vfybad-version",
    ]


def test_relnox_verify_install_prints_the_failures_and_exits_1(broken: Path) -> None:
    proc = run_relnox("verify-install", "--offline", cwd=broken)

    assert proc.returncode == 1, proc.stdout + proc.stderr
    out = proc.stdout
    assert f"ok    vfybad-fine {VERSION}: metadata, import vfybad_fine" in out
    assert f"FAIL  vfybad-empty {VERSION}: import vfybad_empty failed" in out
    assert f"artifact: {broken / 'dist' / f'vfybad_empty-{VERSION}-py3-none-any.whl'}" in out
    assert "ModuleNotFoundError: No module named 'vfybad_empty'" in out
    assert "RuntimeError: the script is broken" in out
    assert "1/5 package checks passed" in out
    assert "relnox: error: verify-install failed:" in proc.stderr
    assert (
        "  - the package itself: vfybad-empty, vfybad-script, vfybad-version; see the lines above"
        in proc.stderr
    )
    assert "script-args = { vfybad-alias = false }" in proc.stderr  # ran, refused --help
    assert "vfybad-fine" not in proc.stderr


def test_uv_offline_set_by_the_user_installs_from_uv_s_cache(good: Path) -> None:
    """UV_OFFLINE=1 (a cache-only machine): uv refuses --refresh-package then, and the
    release's own wheels are local files, so nothing needs refreshing."""
    proc = run_relnox("verify-install", cwd=good, env={**os.environ, "UV_OFFLINE": "1"})

    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "3/3 package checks passed" in proc.stdout


def test_a_setting_the_installer_refuses_with_relnox_s_command_is_named_once(
    good: Path, tmp_path: Path
) -> None:
    """uv's offline = true in a config file refuses --refresh-package: the setting is the
    cause, said once, and no package is installed alone to find a culprit."""
    config = tmp_path / "uv.toml"
    config.write_text("offline = true\n", encoding="utf-8")
    env = {**os.environ, "UV_CONFIG_FILE": str(config)}
    proc = run_relnox("verify-install", cwd=good, env=env)

    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "cannot be used with `--refresh`" in " ".join(proc.stdout.split())  # uv wraps it
    assert "installing each package alone" not in proc.stderr
    assert proc.stderr.count("relnox: error:") == 1
    assert "because of an installer setting of this machine, not the packages" in proc.stderr
    assert "the package itself" not in proc.stderr


# -- from an index -----------------------------------------------------------------------


@pytest.fixture
def local_index(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[LocalIndex]:
    with LocalIndex(tmp_path / "index") as index:
        monkeypatch.setenv(LOCAL_INDEX_ENV, index.url)
        yield index


def upload(index: LocalIndex, files: list[Path]) -> None:
    subprocess.run(
        [sys.executable, "-m", "twine", "upload", "--non-interactive"]
        + ["--repository-url", index.upload_url, "-u", "relnox", "-p", "unused"]
        + [str(f) for f in files],
        check=True,
        capture_output=True,
    )


class UploadWhenWaiting(logging.Handler):
    """Uploads the release the moment relnox says it waits for it: a real late upload."""

    def __init__(self, index: LocalIndex, files: list[Path]) -> None:
        super().__init__(logging.INFO)
        self.upload = threading.Thread(target=upload, args=(index, files))

    def emit(self, record: logging.LogRecord) -> None:
        if "retrying" in record.getMessage() and self.upload.ident is None:
            self.upload.start()


def test_a_just_uploaded_release_is_verified_from_the_index(
    good: Path, local_index: LocalIndex
) -> None:
    logger = logging.getLogger("relnox")
    uploader = UploadWhenWaiting(local_index, sorted((good / "dist").glob("vfyrlx*")))
    level = logger.level
    logger.addHandler(uploader)
    logger.setLevel(logging.INFO)
    try:
        report = verify_install(
            load_workspace(good),
            VerifyOptions(index="local", extra_index=local_index.simple_url, wait=60),
        )
    finally:
        logger.removeHandler(uploader)
        logger.setLevel(level)
        if uploader.upload.ident is not None:
            uploader.upload.join()

    assert uploader.upload.ident is not None, "relnox never waited for the upload"
    assert report.ok, "\n".join(report.describe())
    for result in report.results:
        assert result.kind == "index"
        assert result.artifact == f"{result.name}=={VERSION} from local"
        assert {"metadata", f"import {result.name.replace('-', '_')}"} <= set(result.passed)
    assert "script vfyrlx-runtime" in by_name(report)["vfyrlx-runtime"].passed


def test_a_version_missing_from_the_index_fails_after_the_wait(
    good: Path, local_index: LocalIndex
) -> None:
    report = verify_install(
        load_workspace(good),
        VerifyOptions(packages=["vfyrlx-core"], index=local_index.simple_url, wait=0),
    )

    assert not report.ok
    [failed] = report.results[0].failed
    assert failed.name == "install"
    assert local_index.simple_url in failed.detail


def _swapped(wheel: Path, out: Path) -> None:
    """``wheel`` with other code in its first module, under the same name, its RECORD
    rewritten to match: what a tampered index serves, consistent in itself."""
    import base64
    import hashlib

    with zipfile.ZipFile(wheel) as source:
        members = {info.filename: source.read(info) for info in source.infolist()}
    module = next(n for n in members if n.endswith("/__init__.py"))
    members[module] += b"\nSWAPPED = True\n"
    record = next(n for n in members if n.endswith(".dist-info/RECORD"))
    digest = base64.urlsafe_b64encode(hashlib.sha256(members[module]).digest()).rstrip(b"=")
    lines = [
        f"{module},sha256={digest.decode()},{len(members[module])}"
        if line.startswith(module + ",")
        else line
        for line in members[record].decode().splitlines()
    ]
    members[record] = ("\n".join(lines) + "\n").encode()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for name, data in members.items():
            target.writestr(name, data)


def _serve_swapped(good: Path, local_index: LocalIndex) -> str:
    """vfyrlx-core's files on the index, its wheel swapped (:func:`_swapped`); the wheel's name."""
    local_index.data_dir.mkdir(parents=True, exist_ok=True)
    wheel = ""
    for file in sorted((good / "dist").glob("vfyrlx_core-*")):
        if file.name.endswith(".whl"):
            _swapped(file, local_index.data_dir / file.name)
            wheel = file.name
        else:
            shutil.copy2(file, local_index.data_dir / file.name)
    return wheel


def test_a_release_swapped_on_the_index_is_not_verified_from_it(
    good: Path, local_index: LocalIndex
) -> None:
    """The index serves a wheel of the release's name with other bytes (its RECORD
    consistent): the index lists another sha256 than the build manifest's, and the verify
    fails naming the file, though the swapped wheel would install and import."""
    wheel = _serve_swapped(good, local_index)
    report = verify_install(
        load_workspace(good),
        VerifyOptions(packages=["vfyrlx-core"], index=local_index.simple_url, wait=0),
    )

    assert not report.ok
    [failed] = report.results[0].failed
    assert failed.name == "install"
    assert wheel in failed.detail and "other bytes than the release" in failed.detail


def test_a_swapped_file_is_found_where_the_index_lists_no_sha256(
    good: Path, local_index: LocalIndex
) -> None:
    """The same swap behind an index whose pages give no hashes (a plain file server, an
    old proxy): relnox downloads each release file the page lists and hashes it."""
    import re

    from tests.fault_server import FaultServer, Reply, Seen

    def no_hashes(seen: Seen, reply: Reply) -> Reply:
        if not seen.path.startswith("/simple/"):
            return reply
        return Reply(reply.status, reply.headers, re.sub(rb"#sha256=[0-9a-f]+", b"", reply.body))

    wheel = _serve_swapped(good, local_index)
    with FaultServer(upstream=local_index.url, rewrite=no_hashes) as bare:
        report = verify_install(
            load_workspace(good),
            VerifyOptions(packages=["vfyrlx-core"], index=f"{bare.url}simple/", wait=0),
        )
        downloaded = [s.path for s in bare.seen if s.path.startswith("/packages/")]

    assert not report.ok
    [failed] = report.results[0].failed
    assert wheel in failed.detail and "other bytes than the release" in failed.detail
    assert any(path.endswith(wheel) for path in downloaded)


# -- usage errors ----------------------------------------------------------------------------


def test_usage_errors_are_raised_before_anything_runs(tmp_path: Path) -> None:
    root = write_workspace(tmp_path / "ws", [ProjectSpec("vfyplan-core", VERSION)])
    workspace = load_workspace(root)
    base = workspace.config.source.read_text(encoding="utf-8")

    with pytest.raises(
        VerifyError, match=r"ws[/\\]dist: no such directory; build the release first"
    ):
        plan_verify(workspace, VerifyOptions())
    with pytest.raises(VerifyError, match="--offline cannot be combined with --index"):
        plan_verify(workspace, VerifyOptions(index="http://127.0.0.1:9/simple/", offline=True))
    with pytest.raises(RelnoxError, match="unknown package 'nope'"):
        plan_verify(workspace, VerifyOptions(packages=["nope"]))
    with pytest.raises(VerifyError, match="unknown installer 'conda'"):
        plan_verify(workspace, VerifyOptions(installer="conda"))
    # a malformed number is a usage error (exit 2), even where no workspace is found; so
    # is one no wait can take (nan, inf and 1e9 ended in a traceback from select/poll)
    (tmp_path / "empty").mkdir()
    bad = [("--wait", "abc"), ("--timeout", "abc"), ("--timeout", "nan"), ("--timeout", "inf")]
    for flag, value in [*bad, ("--wait", "1e9"), ("--timeout", "-1")]:
        proc = run_relnox("verify-install", flag, value, cwd=tmp_path / "empty")
        assert proc.returncode == 2, proc.stderr
        assert proc.stderr == (
            f"relnox: error: {flag} {value!r} is not a number of seconds from 0 to 86400 "
            f"(a day); write e.g. {flag} 120\n"
        )
    # and so in [tool.relnox.verify], where TOML writes inf and nan too
    # 1 and 400 zeros: an int no float holds (an OverflowError traceback)
    for value in ("inf", "nan", "1e300", "-1", "1" + "0" * 400):
        text = f"{base}\n[tool.relnox.verify]\ntimeout = {value}\n"
        workspace.config.source.write_text(text, encoding="utf-8")
        with pytest.raises(VerifyError, match=r"\[tool.relnox.verify\]: timeout = .* must be"):
            plan_verify(load_workspace(root), VerifyOptions())
    with pytest.raises(VerifyError, match=r"--timeout = inf must be a number of seconds"):
        plan_verify(workspace, VerifyOptions(timeout=float("inf")))
    # a quote left open in a command or the script arguments (shlex's ValueError: a traceback)
    text = f'{base}\n[tool.relnox.verify]\ncommands = ["tool \\"unclosed"]\n'
    workspace.config.source.write_text(text, encoding="utf-8")
    with pytest.raises(VerifyError, match=r"commands: 'tool \"unclosed' cannot be split into"):
        plan_verify(load_workspace(root), VerifyOptions())
    workspace.config.source.write_text(base, encoding="utf-8")
    with pytest.raises(VerifyError, match=r"--script-args: \"'open\" cannot be split into"):
        plan_verify(load_workspace(root), VerifyOptions(script_args="'open"))


def test_verify_settings_are_read_and_checked(tmp_path: Path) -> None:
    config = """
[tool.relnox.verify]
commands = ["tool --version"]
script-args = { "vfycfg-core" = "--version", other = false }
"""
    root = write_workspace(tmp_path / "ws", [ProjectSpec("vfycfg-core", VERSION)], relnox=config)
    plan = plan_verify(
        load_workspace(root), VerifyOptions(index="http://127.0.0.1:9/simple/", wait=0)
    )

    assert plan.commands == (("tool", "--version"),)
    bin_dir = tmp_path / "bin"
    argv = plan.script_args.argv
    assert argv(bin_dir, "vfycfg-core") == (str(bin_dir / "vfycfg-core"), "--version")
    assert argv(bin_dir, "other") is None
    assert argv(bin_dir, "third") == (str(bin_dir / "third"), "--help")
    assert plan.rounds[0].index_url == "http://127.0.0.1:9/simple/"

    bad = write_workspace(
        tmp_path / "bad",
        [ProjectSpec("vfycfg-core", VERSION)],
        relnox='[tool.relnox.verify]\ncommands = "x"',
    )
    with pytest.raises(VerifyError, match="commands must be a list"):
        plan_verify(load_workspace(bad), VerifyOptions(index="http://127.0.0.1:9/simple/"))


def test_the_release_commands_run_when_package_names_every_package(tmp_path: Path) -> None:
    """--package naming every package (a one-package repository's native wheel job names
    its one, ci-init's) is the whole release: the commands run; naming some skips them."""
    config = '[tool.relnox.verify]\ncommands = ["tool --version"]\n'
    index = "http://127.0.0.1:9/simple/"
    specs = [ProjectSpec("vfyone-core", VERSION), ProjectSpec("vfyone-extra", VERSION)]
    root = write_workspace(tmp_path / "one", specs[:1], relnox=config)
    plan = plan_verify(
        load_workspace(root), VerifyOptions(packages=["vfyone-core"], index=index, wait=0)
    )
    assert plan.commands == (("tool", "--version"),)
    root = write_workspace(tmp_path / "two", specs, relnox=config)
    both = plan_verify(
        load_workspace(root),
        VerifyOptions(packages=["vfyone-core", "vfyone-extra"], index=index, wait=0),
    )
    assert both.commands == (("tool", "--version"),)
    some = plan_verify(
        load_workspace(root), VerifyOptions(packages=["vfyone-core"], index=index, wait=0)
    )
    assert some.commands == ()


_SPOILS = {  # a package's own code ends the check or writes over what it found
    "garbage": "atexit.register(lambda: open(sys.argv[-1], 'w').write('{\"packages\": ['))",
    "wrong-shape": "atexit.register(lambda: open(sys.argv[-1], 'w').write('{\"packages\": 7}'))",
    "wrong-keys": "atexit.register(lambda: open(sys.argv[-1], 'w').write("
    '\'{"packages": [{"name": "vfyspoil-pkg", "modules": [{}]}]}\'))',
    "silent-exit": "os._exit(0)",
}


@pytest.mark.parametrize("spoil", sorted(_SPOILS))
def test_a_package_that_spoils_the_check_s_findings_fails_in_one_line(
    spoil: str, tmp_path: Path
) -> None:
    """The findings file is where the packages' code can write (an ``atexit`` handler runs
    after the check wrote it), and their code can end the check before it writes: the
    package fails its check process, said in a line, never a traceback."""
    root = tmp_path / "ws"
    init = f'import atexit, os, sys\n__version__ = "{VERSION}"\n{_SPOILS[spoil]}\n'
    spec = ProjectSpec("vfyspoil-pkg", VERSION, extra_files={"vfyspoil_pkg/__init__.py": init})
    write_workspace(root, [spec])
    build_release(root)
    proc = run_relnox("verify-install", "--offline", cwd=root)
    assert proc.returncode == 1 and "Traceback" not in proc.stderr, proc.stderr
    assert "FAIL  vfyspoil-pkg 7.3.0: check process failed" in proc.stdout
    said = proc.stdout.split("check process:\n", 1)[1].splitlines()[0].strip()
    if spoil == "silent-exit":
        assert said.startswith("exited 0 without writing its findings to "), proc.stdout
    else:
        assert said.startswith("its findings in ") and "not what the check writes" in said


@pytest.mark.skipif((os.cpu_count() or 1) < 2, reason="one core: one check process")
def test_a_package_that_ends_its_check_process_fails_alone(tmp_path: Path) -> None:
    """With two cores the imports are dealt out to two check processes: a package whose
    import ends its process fails its check, and the package checked in the other
    process still passes (one check process failed them both)."""
    root = tmp_path / "ws"
    init = f'import os\n__version__ = "{VERSION}"\nos._exit(0)\n'
    specs = [
        ProjectSpec("vfyalone-exits", VERSION, extra_files={"vfyalone_exits/__init__.py": init}),
        ProjectSpec("vfyalone-fine", VERSION),
    ]
    write_workspace(root, specs)
    build_release(root)
    proc = run_relnox("verify-install", "--offline", "-v", cwd=root)

    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "checking 2 package(s) in 2 processes side by side" in proc.stderr
    assert f"FAIL  vfyalone-exits {VERSION}: check process failed" in proc.stdout
    assert f"ok    vfyalone-fine {VERSION}: metadata, import vfyalone_fine" in proc.stdout
    assert "the package itself: vfyalone-exits;" in proc.stderr


def test_the_check_process_writes_no_bytecode_into_the_throwaway_environment(
    tmp_path: Path,
) -> None:
    """``python -I`` ignores ``PYTHONDONTWRITEBYTECODE``: the check process says so itself
    (``-B``), so the thousands of modules a large release imports are not compiled to files
    in an environment that is deleted right after. The package tells what it saw."""
    root, seen = tmp_path / "ws", tmp_path / "seen.txt"
    init = (
        f'import sys\n__version__ = "{VERSION}"\n'
        f"open({str(seen)!r}, 'w').write(str(sys.dont_write_bytecode))\n"
    )
    write_workspace(
        root, [ProjectSpec("vfybc-pkg", VERSION, extra_files={"vfybc_pkg/__init__.py": init})]
    )
    build_release(root)
    proc = run_relnox("verify-install", "--offline", cwd=root)

    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert seen.read_text() == "True"
