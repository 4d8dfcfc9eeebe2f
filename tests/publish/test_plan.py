"""publish() against a real pypiserver on 127.0.0.1 (with a password file), in process."""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
import zipfile
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

import pytest
from uv import find_uv_bin

from relnox._proc import Result
from relnox.artifacts.manifest import read_manifest
from relnox.builds.run import BuildOptions, build_all
from relnox.errors import BuildError, PublishError, RelnoxError
from relnox.project.discovery import load_workspace
from relnox.publish import PublishOptions
from relnox.publish.model import PublishPlan
from relnox.publish.report import HELD_BACK, NOT_ATTEMPTED, SKIPPED, UPLOADED, PublishResult
from relnox.publish.route import route_for_tag
from relnox.sample import ProjectSpec, git_init, write_project, write_workspace
from relnox.tools.credentials import Credentials
from relnox.tools.index_server import LocalIndex, write_htpasswd
from relnox.tools.network import NetworkSettings
from relnox.tools.repositories import Repository, resolve
from relnox.tools.upload import watched_runner
from tests.publish.conftest import TOKEN
from tests.publish_support import (
    USER,
    break_wheel,
    build_release,
    copy_tree,
    faulty_proxy,
    publish_with,
)

pytestmark = pytest.mark.slow  # builds, serves or makes environments

CORE_WHEEL, CORE_SDIST = "demo_core-0.1.0-py3-none-any.whl", "demo_core-0.1.0.tar.gz"


@pytest.fixture
def relnox_log() -> Iterator[list[str]]:
    """Every record the core logs, without the adapters' redacting filter."""
    lines: list[str] = []
    handler = logging.Handler(logging.DEBUG)
    handler.emit = lambda record: lines.append(record.getMessage())  # type: ignore[method-assign]
    logger = logging.getLogger("relnox")
    old_level = logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG)
    yield lines
    logger.removeHandler(handler)
    logger.setLevel(old_level)


def env(password: str = TOKEN, **extra: str) -> dict[str, str]:
    return {**os.environ, "TWINE_USERNAME": USER, "TWINE_PASSWORD": password, **extra}


def run(
    ws: Path,
    repository: str | Repository | None,
    environ: Mapping[str, str] | None = None,
    **kwargs: Any,
) -> PublishResult:
    return publish_with(
        load_workspace(ws),
        repository=repository,
        environ=env() if environ is None else environ,
        retry_delay=0.01,
        sleep=lambda seconds: None,
        **{"transport": "twine", **kwargs},
    )


def on_index(index: LocalIndex) -> list[str]:
    return sorted(p.name for p in index.data_dir.iterdir())


def statuses(result: PublishResult) -> dict[str, str]:
    return {o.file.filename: o.status for o in result.outcomes}


def test_upload_in_dependency_order_wheels_first_then_a_rerun_skips_everything(
    ws: Path, index: LocalIndex
) -> None:
    with faulty_proxy(index.url) as proxy:
        result = run(ws, proxy.url)
        assert result.ok and len(result.uploaded) == 8 and not result.skipped
        names = [name for name, _ in proxy.uploads]
        assert sorted(names) == sorted(result.uploaded)
        packages = [n.split("-")[0] for n in names]
        # tier 0 (core, extra: in parallel), then agents, then runtime; each package's
        # wheel before its sdist, and nothing before every file of what it needs
        assert set(packages[:4]) == {"demo_core", "demo_extra"}
        assert packages[4:] == ["demo_agents"] * 2 + ["demo_runtime"] * 2
        for package in set(packages):
            mine = [n for n in names if n.startswith(package + "-")]
            assert mine[0].endswith(".whl") and mine[1].endswith(".tar.gz")
        assert on_index(index) == sorted(names)

        report = json.loads((ws / ".relnox" / "dist" / "publish-report.json").read_text())
        assert (
            report["ok"]
            and sorted(report["uploaded"]) == sorted(names)
            and report["credentials"] == "TWINE_USERNAME/TWINE_PASSWORD"
        )
        core = report["packages"][0]
        assert (
            core["page"]
            == f"{index.url.replace(str(index.port), str(proxy.url.split(':')[-1].rstrip('/')))}simple/demo-core/"
        )
        manifest = read_manifest(ws / "dist")
        assert {f["filename"]: f["sha256"] for f in core["files"]} == {
            a.filename: a.sha256 for a in manifest.get("demo-core").files
        }
        assert [row["status"] for row in result.rows()] == [UPLOADED] * 4

        again = run(ws, proxy.url)
        assert again.ok and again.uploaded == [] and sorted(again.skipped) == sorted(names)
        assert len(proxy.uploads) == 8  # nothing was sent again
        assert [row["status"] for row in again.rows()] == [SKIPPED] * 4


def _different_wheel(original: Path, target: Path) -> Path:
    with zipfile.ZipFile(original) as src, zipfile.ZipFile(target, "w") as dst:
        for item in src.infolist():
            dst.writestr(item, src.read(item.filename))
        dst.writestr("demo_core/extra.py", "CHANGED = True\n")
    return target


def test_a_file_with_different_content_on_the_index_refuses_the_whole_release(
    ws: Path, index: LocalIndex, tmp_path: Path
) -> None:
    (tmp_path / "other").mkdir()
    foreign = _different_wheel(ws / "dist" / CORE_WHEEL, tmp_path / "other" / CORE_WHEEL)
    upload = watched_runner(NetworkSettings())(
        [
            sys.executable,
            "-m",
            "twine",
            "upload",
            "--repository-url",
            index.upload_url,
            "--non-interactive",
            str(foreign),
        ],
        env(),
    )
    assert upload.returncode == 0, upload.output
    for dry_run in (True, False):
        with pytest.raises(
            PublishError, match=r"versions on an index are immutable, so bump the version"
        ) as info:
            run(ws, index.url, dry_run=dry_run)
        assert CORE_WHEEL in str(info.value) and "nothing was uploaded" in str(info.value)
    assert on_index(index) == [CORE_WHEEL]
    assert not (ws / ".relnox" / "dist" / "publish-report.json").exists()


def test_wrong_password_is_a_403_that_names_the_variable_and_hides_the_token(
    ws: Path, index: LocalIndex, relnox_log: list[str]
) -> None:
    wrong = "relnox-WRONG-token-0002"
    result = run(ws, index.url, env(wrong), verbose=True, keep_going=False)
    # tier 0 (core and extra) is tried, in parallel; no later tier starts
    assert not result.ok and CORE_WHEEL in result.failed
    assert set(statuses(result).values()) == {"failed", NOT_ATTEMPTED, HELD_BACK}
    assert "HTTP 403" in (result.error or "") and "TWINE_USERNAME/TWINE_PASSWORD" in (
        result.error or ""
    )
    report = (ws / ".relnox" / "dist" / "publish-report.json").read_text()
    assert CORE_WHEEL in json.loads(report)["failed"]
    everything = "\n".join(
        [report, result.error or "", *relnox_log, *(o.error or "" for o in result.outcomes)]
    )
    assert "403 Forbidden" in everything  # twine's own output was logged
    assert wrong not in everything and TOKEN not in everything
    assert on_index(index) == []


def test_a_server_failing_midway_then_a_rerun_completes_without_duplicates(
    ws: Path, index: LocalIndex
) -> None:
    with faulty_proxy(index.url, lambda n, name: 500 if n >= 3 else None) as broken:
        first = run(ws, broken.url, retries=1, jobs=1, keep_going=False)
    # tier 0 one package at a time: core's two files pass, extra's wheel meets the 500s
    assert not first.ok and first.uploaded == ["demo_core-0.1.0-py3-none-any.whl", CORE_SDIST]
    assert first.failed == ["demo_extra-0.1.0-py3-none-any.whl"]
    assert sum(s == NOT_ATTEMPTED for s in statuses(first).values()) == 5
    assert "kept failing" in (first.error or "") and "run the same command again" in (
        first.error or ""
    )
    with faulty_proxy(index.url) as healthy:
        second = run(ws, healthy.url)
    assert (
        second.ok and sorted(second.skipped) == sorted(first.uploaded) and len(second.uploaded) == 6
    )
    assert sorted(broken.stored + healthy.stored) == on_index(index)  # each file stored once
    assert len(on_index(index)) == 8 and all(status != 400 for _, status in healthy.uploads)


def test_a_server_dying_midway_then_a_rerun_after_restart(ws: Path, tmp_path: Path) -> None:
    htpasswd = write_htpasswd(tmp_path / "ht2", {USER: TOKEN})
    index = LocalIndex(tmp_path / "data2", password_file=htpasswd).start()
    try:
        uploads = 0

        def dies_after_two(argv: Sequence[str], environ: Mapping[str, str]) -> Result:
            nonlocal uploads
            result = watched_runner(NetworkSettings())(argv, environ)
            if "upload" in argv:
                uploads += 1
                if uploads == 2:  # after demo-core's two twine runs
                    index.stop()
            return result

        first = run(
            ws,
            index.url,
            run=dies_after_two,
            retries=1,
            packages=["demo-core", "demo-agents"],
            wait=None,  # straight on to agents, into the dead server
        )
        assert not first.ok and first.uploaded == [CORE_WHEEL, CORE_SDIST]
        assert first.failed == ["demo_agents-0.1.0-py3-none-any.whl"] and "kept failing" in (
            first.error or ""
        )
        index = LocalIndex(index.data_dir, port=index.port, password_file=htpasswd).start()
        second = run(ws, index.url, packages=["demo-core", "demo-agents"])
        assert (
            second.ok and second.skipped == [CORE_WHEEL, CORE_SDIST] and len(second.uploaded) == 2
        )
    finally:
        index.stop()


def test_transient_failures_are_retried_and_a_lost_answer_is_not_a_duplicate(
    ws: Path, index: LocalIndex
) -> None:
    # 429 is retried by relnox (with backoff); after a 5xx twine posts again itself
    with faulty_proxy(index.url, lambda n, name: 429 if n == 1 else None) as proxy:
        proxy.lost_answers = {3}  # the sdist is stored, but the client hears 500
        result = run(ws, proxy.url, packages=["demo-core"])
    assert result.ok and result.uploaded == [CORE_WHEEL, CORE_SDIST]
    attempts = {o.file.filename: o.attempts for o in result.outcomes}
    assert attempts == {CORE_WHEEL: 2, CORE_SDIST: 1}  # twine runs that included it
    assert proxy.stored == [CORE_WHEEL, CORE_SDIST]
    assert [status for _, status in proxy.uploads] == [429, 200, 500, 400]


def test_keep_going_continues_with_packages_that_do_not_need_the_failed_one(
    ws: Path, index: LocalIndex
) -> None:
    def agents_refused(n: int, name: str) -> int | None:
        return 422 if name.startswith("demo_agents") else None

    extra = ["demo_extra-0.1.0-py3-none-any.whl", "demo_extra-0.1.0.tar.gz"]
    with faulty_proxy(index.url, agents_refused) as proxy:
        stop = run(ws, proxy.url, packages=["demo-core", "demo-agents", "demo-runtime"])
        assert stop.failed == ["demo_agents-0.1.0-py3-none-any.whl"] and stop.uploaded == [
            CORE_WHEEL,
            CORE_SDIST,
        ]
        assert "twine could not upload" in (stop.error or "")
        going = run(ws, proxy.url)  # the default: what does not need agents goes on
    assert going.skipped == [CORE_WHEEL, CORE_SDIST]
    assert going.uploaded == extra
    assert going.failed == ["demo_agents-0.1.0-py3-none-any.whl"] and going.held_back == [
        "demo-runtime"
    ]
    assert statuses(going)["demo_agents-0.1.0.tar.gz"] == NOT_ATTEMPTED
    assert statuses(going)["demo_runtime-0.1.0.tar.gz"] == HELD_BACK
    assert {r["package"]: r["status"] for r in going.rows()} == {
        "demo-core": SKIPPED,
        "demo-agents": "failed",
        "demo-extra": UPLOADED,
        "demo-runtime": HELD_BACK,
    }
    assert on_index(index) == sorted(going.skipped + going.uploaded)


def result_credentials() -> Credentials:
    return Credentials("PYPI_TOKEN", "password", "__token__", "x" * 8)


def _add_config(ws: Path, text: str) -> None:
    pyproject = ws / "pyproject.toml"
    pyproject.write_text(pyproject.read_text() + "\n" + text.strip() + "\n")


def test_confirmation_before_a_production_index(ws: Path, index: LocalIndex) -> None:
    _add_config(
        ws,
        f'[tool.relnox.repositories]\nprod = {{ upload = "{index.upload_url}", simple = "{index.simple_url}", confirm = true }}',
    )
    with pytest.raises(PublishError, match="no terminal to ask on; pass --yes"):
        run(ws, "prod", packages=["demo-core", "demo-agents"])
    asked: list[str] = []

    def say_no(message: str) -> bool:
        asked.append(message)
        return False

    with pytest.raises(PublishError, match="cancelled; nothing was uploaded"):
        run(ws, "prod", packages=["demo-core", "demo-agents"], confirm=say_no)
    assert on_index(index) == []
    assert asked == [
        "About to upload 4 files of 2 packages to prod. This cannot be undone. Continue? (yes/no)"
    ]
    result = run(ws, "prod", packages=["demo-core"], confirm=lambda m: True)
    assert result.ok and len(result.uploaded) == 2
    assert run(ws, "prod", packages=["demo-core"]).skipped == [
        CORE_WHEEL,
        CORE_SDIST,
    ]  # nothing to ask about
    # PyPI itself always asks, naming it
    files = tuple(o.file for o in result.outcomes)
    plan = PublishPlan(
        resolve("pypi"),
        result_credentials(),
        (),
        files,
        read_manifest(ws / "dist"),
        load_workspace(ws),
        PublishOptions(),
    )
    assert (
        plan.confirmation()
        == "About to upload 2 files of 1 package to PyPI. This cannot be undone. Continue? (yes/no)"
    )


def test_dry_run_does_the_preflight_and_uploads_nothing(ws: Path, index: LocalIndex) -> None:
    with faulty_proxy(index.url) as proxy:
        result = run(ws, proxy.url, dry_run=True)
    assert (
        result.dry_run
        and set(statuses(result).values()) == {"would-upload"}
        and len(result.outcomes) == 8
    )
    assert (
        proxy.uploads == []
        and on_index(index) == []
        and not (ws / ".relnox" / "dist" / "publish-report.json").exists()
    )
    assert result.report_path is None and result.summary()["dry_run"] is True
    for wait in (float("inf"), float("nan"), -1.0, 1e9):  # from Python: no flag bounded it
        with pytest.raises(PublishError, match=r"PublishOptions\(wait=.*0 to 86400 \(a day\)"):
            run(ws, index.url, wait=wait)
    assert on_index(index) == []


def test_a_dry_run_without_credentials_warns_and_goes_on(
    ws: Path, index: LocalIndex, relnox_log: list[str]
) -> None:
    # uploads would go to a remote index (never contacted); its listing is the local one
    remote = Repository("remote", "https://remote.invalid/legacy/", index.simple_url)
    result = run(ws, remote, dict(os.environ), dry_run=True, packages=["demo-core"])
    assert result.credentials.startswith("none found") and len(result.outcomes) == 2
    assert any("no credentials for uploading to remote" in line for line in relnox_log)
    with pytest.raises(PublishError, match="no credentials for uploading to remote"):
        run(ws, remote, dict(os.environ), packages=["demo-core"])


def test_routing_by_tag(release: Path, tmp_path: Path) -> None:
    workspace = load_workspace(release)
    assert workspace.tag_format == "{name}-v{version}"
    for tag, target, package in [
        ("v1.0.0rc1", "testpypi", None),
        ("refs/tags/v2.1.0-alpha.0", "testpypi", None),
        ("1.0.0.dev3", "testpypi", None),
        ("v1.0.0", "pypi", None),
        ("demo-core-v0.2.0b1", "testpypi", "demo-core"),
        ("demo-agents-v0.2.0", "pypi", "demo-agents"),
    ]:
        route = route_for_tag(tag, workspace)
        assert (route.repository, route.package) == (target, package), tag
    configured = copy_tree(release, tmp_path / "configured")
    _add_config(configured, '[tool.relnox.publish]\nprerelease = "staging"\nfinal = "local"')
    ws = load_workspace(configured)
    assert route_for_tag("v3.0.0rc2", ws).repository == "staging"
    assert route_for_tag("v3.0.0", ws).repository == "local"


@pytest.fixture(scope="module")
def prerelease(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = write_workspace(
        tmp_path_factory.mktemp("pre") / "ws",
        [ProjectSpec("pre-lib", "0.2.0rc1")],
        relnox='tag-format = "v{version}"',
    )
    build_release(root)
    return root


def test_a_prerelease_tag_goes_to_testpypi(prerelease: Path, tmp_path: Path) -> None:
    htpasswd = write_htpasswd(tmp_path / "ht", {"__token__": TOKEN})
    ws = copy_tree(prerelease, tmp_path / "ws")
    with LocalIndex(tmp_path / "test-index", password_file=htpasswd) as fake_testpypi:
        # "testpypi" is redirected to the local index; the route and the token variable are real
        _add_config(ws, f'[tool.relnox.repositories]\ntestpypi = "{fake_testpypi.url}"')
        environ = {**os.environ, "GITHUB_REF": "refs/tags/v0.2.0rc1", "TEST_PYPI_TOKEN": TOKEN}
        result = run(ws, None, environ)
        assert (
            result.ok
            and result.repository.name == "testpypi"
            and result.credentials == "TEST_PYPI_TOKEN"
        )
        assert on_index(fake_testpypi) == sorted(result.uploaded) and len(result.uploaded) == 2
        with pytest.raises(PublishError, match=r"tag v0.3.0rc1 is for version 0.3.0rc1"):
            run(ws, None, {**environ, "GITHUB_REF": "refs/tags/v0.3.0rc1"})


def test_the_record_of_build_alls_check_spares_a_second_one_only_while_it_proves_it(
    tmp_path: Path, index: LocalIndex, relnox_log: list[str]
) -> None:
    root = write_workspace(tmp_path / "ws", [ProjectSpec("proof-core"), ProjectSpec("proof-app")])
    git_init(root)
    build_all(root, BuildOptions(jobs=2)).raise_for_failures()
    manifest_path = root / ".relnox" / "dist" / "build-manifest.json"
    data = json.loads(manifest_path.read_text())
    assert all(len(p["checked"]) == 64 for p in data["packages"])  # markdown readmes: clean
    run(root, index.url, dry_run=True)
    assert "4 files checked, 4 of them by the record of the same check" in "\n".join(relnox_log)
    relnox_log.clear()
    data["packages"][0]["checked"] = "0" * 64  # a record that proves nothing: checked again
    manifest_path.write_text(json.dumps(data))
    run(root, index.url, dry_run=True)
    assert "4 files checked, 2 of them by the record of the same check" in "\n".join(relnox_log)
    # a file changed after the build, with its sha256 written over in the manifest: the
    # proof (of the old bytes) no longer matches, so the check runs and finds it
    manifest_path.write_text(json.dumps({**data, "packages": data["packages"][::-1]}))
    wheel = "proof_core-0.1.0-py3-none-any.whl"
    break_wheel(root, wheel)
    with pytest.raises(BuildError, match=f"{wheel}: twine check: the long description"):
        run(root, index.url)
    assert on_index(index) == []


def test_preflight_refuses_changed_or_stale_artifacts(ws: Path, tmp_path: Path) -> None:
    nowhere = "http://127.0.0.1:9/"  # preflight fails before asking any index
    with pytest.raises(RelnoxError, match="unknown package 'nope'"):
        run(ws, nowhere, packages=["nope"])
    # a wheel whose metadata fails twine check --strict
    dist = ws / "dist"
    manifest_path = ws / ".relnox" / "dist" / "build-manifest.json"
    original = manifest_path.read_text()
    broken = tmp_path / CORE_WHEEL
    with zipfile.ZipFile(dist / CORE_WHEEL) as src, zipfile.ZipFile(broken, "w") as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename.endswith("METADATA"):
                data = data.replace(
                    b"Description-Content-Type: text/markdown",
                    b"Description-Content-Type: text/x-rst",
                )
                data += b"\n\nBroken\n=====\n\n.. unknown-directive::\n\n`unclosed\n"
            dst.writestr(item, data)
    import hashlib

    old_sha = hashlib.sha256((dist / CORE_WHEEL).read_bytes()).hexdigest()
    broken.replace(dist / CORE_WHEEL)
    new_sha = hashlib.sha256((dist / CORE_WHEEL).read_bytes()).hexdigest()
    manifest_path.write_text(original.replace(old_sha, new_sha))
    with pytest.raises(
        BuildError,
        match=rf"{CORE_WHEEL}: twine check: the long description has reStructuredText errors",
    ):
        run(ws, nowhere, packages=["demo-core"])
    # ...and the same file against the original manifest: its hash changed
    manifest_path.write_text(original)
    with pytest.raises(BuildError, match="sha256 differs"):
        run(ws, nowhere, packages=["demo-core"])
    # a version bump after the build: the artifacts are of another version
    agents = ws / "packages" / "demo-agents"
    for path in (agents / "pyproject.toml", agents / "demo_agents" / "__init__.py"):
        path.write_text(
            path.read_text()
            .replace('version = "0.1.0"', 'version = "0.2.0"')
            .replace('__version__ = "0.1.0"', '__version__ = "0.2.0"')
        )
    with pytest.raises(
        PublishError,
        match=r"built at 0\.1\.0 but its pyproject says 0\.2\.0; artifacts of other versions are refused",
    ):
        run(ws, nowhere, packages=["demo-agents"])


def test_one_run_of_several_tags_publishes_each_package_at_its_own_version(
    tmp_path: Path, index: LocalIndex
) -> None:
    """auto-tag's one run on core-v0.2.0 names every package of its tags: core is checked
    against the tag's version, agents (tagged agents-v0.1.1 at the same commit) at its own."""
    root = write_workspace(
        tmp_path / "ws",
        [
            ProjectSpec("tv-core", "0.2.0"),
            ProjectSpec("tv-agents", "0.1.1", requires=["tv-core>=0.2.0"]),
        ],
    )
    build_release(root)
    _add_config(
        root,
        f'[tool.relnox.repositories]\npypi = {{ upload = "{index.upload_url}", '
        f'simple = "{index.simple_url}" }}',
    )
    environ = env(GITHUB_REF="refs/tags/tv-core-v0.2.0")
    result = run(root, None, environ, packages=["tv-core", "tv-agents"])
    assert result.ok and result.repository.name == "pypi"
    assert on_index(index) == [
        "tv_agents-0.1.1-py3-none-any.whl",
        "tv_agents-0.1.1.tar.gz",
        "tv_core-0.2.0-py3-none-any.whl",
        "tv_core-0.2.0.tar.gz",
    ]
    with pytest.raises(PublishError, match=r"tag tv-core-v0.3.0 is for version 0.3.0"):
        run(root, None, {**environ, "GITHUB_REF": "refs/tags/tv-core-v0.3.0"}, packages=["tv-core"])


def test_a_tag_versioned_package_built_past_its_tag_is_published_at_the_built_version(
    tmp_path: Path, index: LocalIndex
) -> None:
    """A setuptools-scm package built on a commit after its tag v1.0.0 (a manual release
    run from a branch) is 1.0.1.dev1, which is what its backend
    builds there; publish refused it ("built at 1.0.1.dev1 but its pyproject says 1.0.0"),
    comparing it with the last tag, as verify-install and the dist reader no longer do."""
    root = write_project(tmp_path / "scm", ProjectSpec("scm-pub", "1.0.0", "setuptools"))
    pyproject = root / "pyproject.toml"
    text = pyproject.read_text().replace('version = "1.0.0"', 'dynamic = ["version"]')
    text = text.replace('requires = ["setuptools', 'requires = ["setuptools-scm>=8", "setuptools')
    pyproject.write_text(text + '\n[tool.setuptools_scm]\nlocal_scheme = "no-local-version"\n')
    (root / "scm_pub" / "__init__.py").write_text('"""scm-pub."""\n')
    git_init(root)
    subprocess.run(["git", "tag", "v1.0.0"], cwd=root, check=True)
    (root / "README.md").write_text("# scm-pub\n\nMore.\n")
    subprocess.run(["git", "commit", "-qam", "more"], cwd=root, check=True)
    workspace = load_workspace(root)
    assert workspace.get("scm-pub").vcs_versioned
    subprocess.run(
        [find_uv_bin(), "build", "-q", "--out-dir", str(root / "dist")],
        check=True,
        capture_output=True,
        cwd=root,
    )
    result = run(root, index.url)
    assert result.ok
    assert on_index(index) == ["scm_pub-1.0.1.dev1-py3-none-any.whl", "scm_pub-1.0.1.dev1.tar.gz"]
