"""ci-init's GitLab pipeline (relnox/ci/gitlab.py): written by the real ``relnox ci-init``,
valid for GitLab's CI schema (the one check-jsonschema ships), its tag rule the workflows'
rule, ID tokens in the publish jobs only; and run, job by job, by ``gitlab-ci-local`` in
shell mode against pypiservers on 127.0.0.1 (skipped where gitlab-ci-local or rsync is
missing, failed when ``CI`` is set: .ci/run installs them)."""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from relnox.ci.gitlab import PIPELINE, TOP
from relnox.ci.init import generate
from relnox.project.discovery import load_workspace
from relnox.sample import ProjectSpec, git_commit_all, git_init, write_project, write_workspace
from relnox.tools.index_server import LocalIndex
from tests.ci.conftest import PINNED, locked
from tests.ci.native_projects import RUST_ENV, write_bin_crate
from tests.conftest import run_relnox
from tests.release.test_release_pr import serve
from tests.shapes import git, project, repo
from tests.tools.test_gitlab import FakeGitLab

GITLAB = '\n[tool.relnox.ci]\nforge = "gitlab"\n'


def validate(*paths: Path) -> None:
    """GitLab's CI schema, as vendored by check-jsonschema, accepts every file."""
    proc = subprocess.run(
        [sys.executable, "-m", "check_jsonschema", "--builtin-schema", "vendor.gitlab-ci"]
        + [str(p) for p in paths],
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr


def init(root: Path, ci: str = "") -> dict[str, Any]:
    """``relnox ci-init`` on ``root`` (GitLab), its files schema-checked; the pipeline."""
    with (root / "pyproject.toml").open("a", encoding="utf-8") as fh:
        fh.write("\n" + PINNED + 'forge = "gitlab"\n' + ci)
    run_relnox("ci-init", cwd=root, check=True)
    validate(root / PIPELINE, root / TOP)
    assert (root / TOP).read_text(encoding="utf-8") == f"include:\n  - local: {PIPELINE}\n"
    doc: dict[str, Any] = yaml.safe_load((root / PIPELINE).read_text(encoding="utf-8"))
    return doc


def jobs(doc: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {name: job for name, job in doc.items() if not name.startswith(".")}


def test_a_single_package_pipeline_is_valid_and_only_publish_jobs_hold_an_id_token(
    tmp_path: Path,
) -> None:
    root = write_project(tmp_path / "single", ProjectSpec("failextract", "1.0.0"))
    git_init(root)
    doc = init(root)
    tokens = {name: job.get("id_tokens") for name, job in jobs(doc).items()}
    assert tokens.pop("relnox-pypi") == {"PYPI_ID_TOKEN": {"aud": "pypi"}}
    assert tokens.pop("relnox-testpypi") == {"TESTPYPI_ID_TOKEN": {"aud": "testpypi"}}
    assert set(tokens.values()) == {None}
    assert doc["relnox-pypi"]["environment"]["name"] == "pypi"
    every_script = yaml.safe_dump(doc)
    assert "ID_TOKEN" not in every_script.replace("_ID_TOKEN:", "")  # never read by a script
    for job in jobs(doc).values():
        assert "nox -s " in "\n".join(job["script"])
    # nox with uv, as relnox's own README installs it (a noxfile on uv needs it)
    assert "python -m pip install 'nox[uv]' relnox==" in "\n".join(doc[".relnox"]["before_script"])
    tag_rule = doc["relnox-plan"]["rules"][0]["if"]
    assert tag_rule == "$CI_COMMIT_TAG =~ /^(?:v[0-9][^\\/]*)$/"


def test_a_workspace_with_per_package_tags_a_lockstep_group_and_per_project_environments(
    tmp_path: Path,
) -> None:
    specs = [ProjectSpec("alpha", "1.0.0"), ProjectSpec("beta", "1.0.0")]
    root = write_workspace(tmp_path / "ws", specs)
    git_init(root)
    doc = init(root, 'environments = "per-project"\n')
    matrix = doc["relnox-pypi"]["parallel"]["matrix"]
    assert [m["ENVIRONMENT"] for m in matrix] == ["pypi-alpha", "pypi-beta"]
    assert doc["relnox-pypi"]["environment"]["name"] == "$ENVIRONMENT"
    lockstep = write_workspace(tmp_path / "lock", specs)
    with (lockstep / "pyproject.toml").open("a", encoding="utf-8") as fh:
        fh.write('\n[tool.relnox]\nlockstep = true\ntag-format = "v{version}"\n')
    git_init(lockstep)
    assert init(lockstep)["relnox-plan"]["rules"][0]["if"].startswith("$CI_COMMIT_TAG =~ /^(?:v")


def test_a_maturin_package_gets_a_wheel_job_a_python(tmp_path: Path) -> None:
    root = repo(tmp_path / "native", {"pyproject.toml": project("fastcore", backend="maturin")})
    doc = init(root, 'python-versions = ["3.12", "3.13"]\n')
    wheels = doc["relnox-wheels-fastcore"]
    assert wheels["parallel"]["matrix"] == [{"PYTHON": ["3.12", "3.13"]}]
    assert any(
        "maturin build --release --manifest-path ./Cargo.toml" in s for s in wheels["script"]
    )
    assert "relnox-wheels-fastcore" in doc["relnox-pypi"]["needs"]
    # maturin's Python-first layout: the crate is rust/Cargo.toml, and the job builds that
    maturin = '\n[tool.maturin]\npython-source = "python"\n'
    crate = '[package]\nname = "fastcore"\nversion = "1.0.0"\n'
    first = {"pyproject.toml": project("fastcore", backend="maturin", extra=maturin)}
    root = repo(tmp_path / "first", {**first, "rust/Cargo.toml": crate})
    script = init(root)["relnox-wheels-fastcore"]["script"]
    assert any("maturin build --release --manifest-path ./rust/Cargo.toml" in s for s in script)


def test_the_release_merge_request_mode_adds_its_job_on_the_branch(tmp_path: Path) -> None:
    root = write_project(tmp_path / "mr", ProjectSpec("failextract", "1.0.0"))
    git_init(root)
    doc = init(root, 'mode = "release-pr"\n')
    job = doc["relnox-release-mr"]
    assert job["rules"] == doc["relnox-auto-tag"]["rules"]
    assert "CI_COMMIT_TAG == null" in job["rules"][0]["if"]
    assert job["script"][-1] == "nox -s release_pr -- --repository pypi"
    assert "id_tokens" not in job
    script = "\n".join(job["script"])
    assert "$RELNOX_PUSH_TOKEN" in script and "git push" not in script


def test_the_users_gitlab_ci_file_is_never_overwritten(tmp_path: Path) -> None:
    """A ``.gitlab-ci.yml`` of the user's makes the repository a GitLab one; it stays."""
    own = "test:\n  script: [pytest]\n"
    root = repo(tmp_path / "r", {"pyproject.toml": project("web", "1.0.0"), TOP: own})
    with (root / "pyproject.toml").open("a", encoding="utf-8") as fh:
        fh.write("\n" + PINNED)
    proc = run_relnox("ci-init", cwd=root, check=True)
    assert (root / TOP).read_text(encoding="utf-8") == own
    assert f"local: {PIPELINE}" in proc.stdout and not (root / ".github").exists()
    validate(root / PIPELINE)


def test_the_users_stages_that_leave_out_or_reorder_relnox_s_are_said(tmp_path: Path) -> None:
    """The user's ``.gitlab-ci.yml`` sets ``stages:`` without build (GitLab then refuses the
    pipeline: stage not found), or with test before build (relnox-verify needs a job of a
    later stage): ci-init said to keep the stages if set, whatever they were. It says which
    one is missing, or that their order is wrong, and doctor says the same; stages that
    hold build, test and deploy in that order, among others, say nothing."""
    own = "stages:\n  - lint\n  - test  # the default\n  - deploy\n\ntest:\n  script: [pytest]\n"
    root = repo(tmp_path / "r", {"pyproject.toml": project("web", "1.0.0") + GITLAB, TOP: own})
    with (root / "pyproject.toml").open("a", encoding="utf-8") as fh:
        fh.write(PINNED.removeprefix("[tool.relnox.ci]\n"))
    said = " ".join(run_relnox("ci-init", cwd=root, check=True).stdout.split())
    assert f"{TOP}: its stages: (lint, test, deploy) lack build, where relnox's jobs run" in said
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "CI")
    reordered = "stages: [test, build, deploy]\n\ntest:\n  script: [pytest]\n"
    (root / TOP).write_text(reordered, encoding="utf-8")
    git(root, "commit", "-q", "-am", "stages")
    done = run_relnox("doctor", cwd=root)
    assert done.returncode != 0
    assert "its stages: (test, build, deploy) do not run build, test, deploy in that order" in (
        " ".join(done.stdout.split())
    )
    fine = "stages:\n  - lint\n  - build\n  - test\n  - deploy\n  - pages\n"
    (root / TOP).write_text(fine + "test:\n  script: [pytest]\n", encoding="utf-8")
    git(root, "commit", "-q", "-am", "stages again")
    assert "its stages:" not in run_relnox("doctor", cwd=root).stdout


def test_the_pipeline_never_fires_on_another_projects_tags(tmp_path: Path) -> None:
    """Python tags ``core-v*`` beside a Swift tool's ``lume/v*`` and a web app's
    ``web@*``: the rule is the workflows' tag filter, as a regular expression."""
    files = {
        "pyproject.toml": '[tool.uv.workspace]\nmembers = ["libs/python/*"]\n',
        "libs/python/core/pyproject.toml": project("cua-core", "0.1.9"),
        "libs/lume/Package.swift": "// swift\n",
        TOP: "include: []\n",
    }
    root = repo(tmp_path / "r", files, tags=["core-v0.1.9", "lume/v0.2.1", "web@1.0.0"])
    rule = yaml.safe_load(generate(load_workspace(root))[PIPELINE])["relnox-plan"]["rules"][0]
    found = re.fullmatch(r"\$CI_COMMIT_TAG =~ /(.*)/", rule["if"])
    assert found
    expression = re.compile(found.group(1).replace("\\/", "/"))
    assert expression.match("core-v0.2.0")
    assert not any(expression.match(t) for t in ("lume/v0.2.2", "web@1.0.1", "v1.0", "core"))


# ---- the jobs, run by gitlab-ci-local -------------------------------------------------


def gitlab_ci_local() -> str:
    """gitlab-ci-local and rsync, or a skip (a failure in CI, which installs them)."""
    program = shutil.which("gitlab-ci-local")
    missing = [
        n for n, p in (("gitlab-ci-local", program), ("rsync", shutil.which("rsync"))) if not p
    ]
    if missing:
        why = f"running the GitLab pipeline needs {', '.join(missing)} (npm install -g gitlab-ci-local@4.55; apt-get install rsync)"
        if os.environ.get("CI"):
            pytest.fail(why, pytrace=False)
        pytest.skip(why)
    assert program
    return program


#: the jobs' ``python``: the runner's, except that a ``python -m pip install ARGS`` that
#: already ran and passed in this test run is not run again (the runner's interpreter
#: lives for the run, so it would be pip's "Requirement already satisfied"), as
#: tests/ci/harness.py does for the GitHub jobs, one install at a time under the same lock
#: (tests/ci/conftest.py's pip_installs); an install naming a path is always run
RUNNER_PYTHON = """#!/usr/bin/env bash
real={real}
state={state}
if [ "$1 $2 $3" = "-m pip install" ]; then
  key=$(printf '%s\\n' "$@" | sha256sum | cut -d' ' -f1)
  for arg in "${{@:4}}"; do [ -e "$arg" ] && exec "$real" "$@"; done
  exec 9>>{lock}
  flock 9
  if grep -qx "$key" "$state" 2>/dev/null; then
    echo "python $* ran and passed earlier in this session: already satisfied, not run again"
    exit 0
  fi
  "$real" "$@" || exit
  echo "$key" >> "$state"
  exit 0
fi
exec "$real" "$@"
"""


def runner_shim(runner: Path) -> Path:
    """The directory of :data:`RUNNER_PYTHON` for the runner's bin directory ``runner``."""
    home = runner.parent.parent  # shared by the run's processes (tests/ci/conftest.py)
    shim = home / "gitlab-shim"
    script = shim / "python"
    with locked(home / "gitlab-shim.lock"):
        if not script.exists():
            shim.mkdir(exist_ok=True)
            text = RUNNER_PYTHON.format(
                real=shlex.quote(str(runner / "python")),
                state=shlex.quote(str(home / "gitlab-pip-installed")),
                lock=shlex.quote(str(home / "pip-installs.lock")),
            )
            making = shim / "python.making"
            making.write_text(text, encoding="utf-8")
            making.chmod(0o755)
            making.rename(script)
    return shim


def run_jobs(root: Path, runner: Path, *args: str, env: dict[str, str] | None = None) -> str:
    """gitlab-ci-local on ``root``: each job in its own copy (shell isolation), the runner's
    Python first on PATH (through :func:`runner_shim`); the whole log, after it passed."""
    base = {**os.environ, **(env or {})}
    path = os.pathsep.join((str(runner_shim(runner)), str(runner), base["PATH"]))
    proc = subprocess.run(
        [gitlab_ci_local(), "--shell-isolation", "--state-dir", "../gitlab-ci-local", *args],
        cwd=root,
        capture_output=True,
        text=True,
        env={**base, "PATH": path},
        timeout=900,
    )
    log = proc.stdout + proc.stderr
    assert proc.returncode == 0, log[-6000:]
    return log


@pytest.fixture
def runner(relnox_wheel: Path, runner_python: Path) -> tuple[Path, Path]:
    """A wheel of this checkout (the relnox the jobs install) and the runner's Python
    (tests/ci/conftest.py: shared with the GitHub workflow harness)."""
    gitlab_ci_local()
    return relnox_wheel, runner_python


@pytest.fixture
def indexes(tmp_path: Path) -> Iterator[tuple[LocalIndex, LocalIndex]]:
    """PyPI and TestPyPI: two pypiservers on 127.0.0.1."""
    pypi, testpypi = LocalIndex(tmp_path / "pypi"), LocalIndex(tmp_path / "testpypi")
    for index in (pypi, testpypi):
        index.start()
    yield pypi, testpypi
    for index in (pypi, testpypi):
        index.stop()


def on_gitlab(
    root: Path, wheel: Path, indexes: tuple[LocalIndex, LocalIndex], ci: str = ""
) -> Path:
    """ci-init's pipeline for ``root`` (the indexes, this relnox), committed; ``origin``
    a bare clone."""
    pypi, testpypi = indexes
    python = f"{sys.version_info.major}.{sys.version_info.minor}"
    with (root / "pyproject.toml").open("a", encoding="utf-8") as fh:
        fh.write(
            f'{GITLAB}python-versions = ["{python}"]\n{ci}'
            f'relnox-requirement = "relnox @ {wheel.as_uri()}"\n'
            "[tool.relnox.repositories]\n"
            f'pypi = {{ upload = "{pypi.url}", simple = "{pypi.simple_url}" }}\n'
            f'testpypi = {{ upload = "{testpypi.url}", simple = "{testpypi.simple_url}" }}\n'
        )
    git_init(root)
    run_relnox("ci-init", cwd=root, check=True)
    validate(root / PIPELINE)
    git_commit_all(root, "CI from relnox ci-init")
    origin = root.parent / "origin.git"
    subprocess.run(["git", "clone", "-q", "--bare", str(root), str(origin)], check=True)
    subprocess.run(["git", "remote", "add", "origin", str(origin)], cwd=root, check=True)
    return origin


def files(index: LocalIndex) -> list[str]:
    return sorted(p.name for p in index.data_dir.iterdir())


def passed(log: str, *names: str) -> None:
    for job in names:
        assert re.search(rf"PASS\s+{re.escape(job)}", log), log[-3000:]


JOB_TOKEN = "glcbt-harness-job-token-0123456789"


def tag_pipeline(
    root: Path, python: Path, tag: str, env: dict[str, str] | None = None
) -> tuple[str, dict[str, Any]]:
    """The pipeline of a pushed ``tag``, its GitLab release made on a stand-in of GitLab's
    releases API with the job's token (never in the log): the log, the releases made."""
    with serve(FakeGitLab()) as gitlab:
        api = f"CI_API_V4_URL=http://127.0.0.1:{gitlab.server_port}/api/v4"
        variables = [api, "CI_PROJECT_ID=7", f"CI_JOB_TOKEN={JOB_TOKEN}", f"CI_COMMIT_TAG={tag}"]
        log = run_jobs(root, python, *(a for v in variables for a in ("--variable", v)), env=env)
    assert gitlab.tokens == {JOB_TOKEN} and JOB_TOKEN not in log
    return log, gitlab.releases


@pytest.mark.slow
def test_the_pipeline_runs_build_verify_publish_release_and_auto_tag(
    tmp_path: Path, runner: tuple[Path, Path], indexes: tuple[LocalIndex, LocalIndex]
) -> None:
    """A lockstep group's release: auto-tag tags it, the tag pipeline publishes every
    member (one pipeline run for both: each takes 15-30 s)."""
    wheel, python = runner
    specs = [ProjectSpec(name, "0.9.0") for name in ("core", "plugin-a", "plugin-b")]
    root = write_workspace(tmp_path / "lock", specs)
    with (root / "pyproject.toml").open("a", encoding="utf-8") as fh:
        fh.write('\n[tool.relnox]\nlockstep = true\ntag-format = "v{version}"\n')
    origin = on_gitlab(root, wheel, indexes)
    run_relnox("bump", "--to", "1.0.0", cwd=root, check=True)  # the release commit
    # a push to main: auto-tag tags the version and pushes the tag, the token only in
    # git's environment
    secret = "glpat-harness-push-token-0123456789"
    log = run_jobs(root, python, "--variable", f"RELNOX_PUSH_TOKEN={secret}", "relnox-auto-tag")
    assert secret not in log
    tags = subprocess.run(["git", "tag"], cwd=origin, capture_output=True, text=True).stdout
    assert tags.split() == ["v1.0.0"], log[-3000:]
    subprocess.run(["git", "fetch", "-q", "--tags", "origin"], cwd=root, check=True)
    # the tag pipeline: plan, build, verify, publish (routed by version), release
    log, releases = tag_pipeline(root, python, "v1.0.0")
    assert list(releases) == ["v1.0.0"]
    assert all(name in releases["v1.0.0"]["description"] for name in ("core", "plugin-a"))
    passed(log, "relnox-plan", "relnox-build", "relnox-verify", "relnox-pypi", "relnox-release")
    assert not re.search(r"(PASS|FAIL)\s+relnox-auto-tag", log)
    pypi, testpypi = indexes
    assert files(pypi) == sorted(
        f"{stem}-1.0.0{suffix}"
        for stem in ("core", "plugin_a", "plugin_b")
        for suffix in ("-py3-none-any.whl", ".tar.gz")
    )
    assert files(testpypi) == []


@pytest.mark.slow
def test_a_workspace_tag_pipeline_builds_in_shards_and_releases_its_package_only(
    tmp_path: Path, runner: tuple[Path, Path], indexes: tuple[LocalIndex, LocalIndex]
) -> None:
    wheel, python = runner
    specs = [ProjectSpec(name, "1.0.0") for name in ("alpha", "beta", "gamma")]
    root = write_workspace(tmp_path / "ws", specs)
    on_gitlab(root, wheel, indexes, "shards = 2\n")
    for name in ("alpha", "beta"):
        subprocess.run(["git", "tag", f"{name}-v1.0.0"], cwd=root, check=True)
    log, releases = tag_pipeline(root, python, "alpha-v1.0.0")
    assert list(releases) == ["alpha-v1.0.0"]
    passed(log, "relnox-shards", "relnox-build-shard: [1/2]", "relnox-build-shard: [2/2]")
    passed(log, "relnox-build", "relnox-pypi", "relnox-release")
    pypi, _ = indexes
    assert files(pypi) == ["alpha-1.0.0-py3-none-any.whl", "alpha-1.0.0.tar.gz"]


def test_doctor_checks_the_pipelines_tag_rule_and_id_tokens(tmp_path: Path) -> None:
    root = write_project(tmp_path / "doc", ProjectSpec("failextract", "1.0.0"))
    git_init(root)
    init(root)
    git_commit_all(root, "CI")
    shown = run_relnox("doctor", cwd=root).stdout
    assert re.search(r"gitlab pipeline.*tag rule fits the tags", shown), shown
    pipeline = root / PIPELINE
    text = pipeline.read_text(encoding="utf-8")
    text = text.replace("/^(?:v[0-9]", "/^(?:release-[0-9]")  # a rule missing v1.0.0
    text = text.replace("  id_tokens:\n    PYPI_ID_TOKEN:\n      aud: pypi\n", "")
    verify = "relnox-verify:\n"
    text = text.replace(verify, verify + "  id_tokens:\n    X_ID_TOKEN:\n      aud: x\n")
    pipeline.write_text(text, encoding="utf-8")
    git_commit_all(root, "CI edited by hand")
    done = run_relnox("doctor", cwd=root)
    assert done.returncode != 0
    assert "does not match v1.0.0" in done.stdout
    assert "relnox-pypi has no ID token PYPI_ID_TOKEN with aud: pypi" in done.stdout
    assert "relnox-verify hold(s) an ID token" in done.stdout


@pytest.mark.slow
def test_a_maturin_packages_tag_pipeline_builds_its_wheel_in_the_wheel_job(
    tmp_path: Path, runner: tuple[Path, Path], indexes: tuple[LocalIndex, LocalIndex]
) -> None:
    """A maturin binary crate: the build job makes the sdist, the wheel job (one a Python
    of the matrix) the wheel with maturin, checked by verify-install; PyPI gets both."""
    wheel, python = runner
    root = write_bin_crate(tmp_path / "rs", "fast-rs", "1.0.0")
    on_gitlab(root, wheel, indexes)
    subprocess.run(["git", "tag", "v1.0.0"], cwd=root, check=True)
    log, _ = tag_pipeline(root, python, "v1.0.0", RUST_ENV)
    passed(log, "relnox-build", "relnox-wheels-fast-rs", "relnox-verify", "relnox-pypi")
    names = files(indexes[0])
    assert len(names) == 2 and names[1] == "fast_rs-1.0.0.tar.gz", names
    assert re.fullmatch(r"fast_rs-1\.0\.0-py3-none-.*linux.*\.whl", names[0]), names


def test_a_gitlab_origin_gets_the_pipeline_and_the_pending_publisher_advice(
    tmp_path: Path,
) -> None:
    """No setting: the origin remote on a GitLab host picks GitLab; the advice names the
    project path, the top-level pipeline file and the environments."""
    root = write_project(tmp_path / "remote", ProjectSpec("failextract", "1.0.0"))
    git_init(root)
    git(root, "remote", "add", "origin", "git@gitlab.example.org:group/sub/failextract.git")
    with (root / "pyproject.toml").open("a", encoding="utf-8") as fh:
        fh.write("\n" + PINNED)
    said = " ".join(run_relnox("ci-init", cwd=root, check=True).stdout.split())
    assert (root / PIPELINE).is_file() and not (root / ".github").exists()
    assert "add a GitLab trusted publisher" in said
    assert "project group/sub/failextract, the top-level pipeline file .gitlab-ci.yml" in said
    assert "protect the environments testpypi, pypi" in said
    scripts = "\n".join(
        line
        for job in yaml.safe_load((root / PIPELINE).read_text("utf-8")).values()
        for line in job.get("script", [])
    )
    # no script reads a token into a command line: ID tokens reach uv by the environment,
    # the job token relnox's own request header, the push token git's GIT_CONFIG_*
    assert "CI_JOB_TOKEN" not in scripts and "ID_TOKEN" not in scripts
    assert scripts.count("$RELNOX_PUSH_TOKEN") == 2  # the check it is set, and printf


@pytest.mark.slow
def test_the_release_merge_request_job_opens_the_merge_request(
    tmp_path: Path, runner: tuple[Path, Path], indexes: tuple[LocalIndex, LocalIndex]
) -> None:
    """``mode = "release-pr"``: a push to main with a feature commit; the job pushes the
    release branch (1.0.0 -> 1.1.0) and opens its merge request on a stand-in of GitLab's
    API with the push token, which never shows in the log."""
    wheel, python = runner
    root = write_project(tmp_path / "mr", ProjectSpec("failextract", "1.0.0"))
    origin = on_gitlab(root, wheel, indexes, 'mode = "release-pr"\n')
    git(root, "tag", "v1.0.0")
    (root / "failextract" / "widget.py").parent.mkdir(exist_ok=True)
    (root / "failextract" / "widget.py").write_text("X = 1\n", encoding="utf-8")
    git_commit_all(root, "feat: the widget")
    git(root, "push", "-q", "origin", "main", "--tags")
    secret = "glpat-harness-mr-token-0123456789"
    with serve(FakeGitLab()) as gitlab:
        variables = [
            f"CI_API_V4_URL=http://127.0.0.1:{gitlab.server_port}/api/v4",
            "CI_PROJECT_ID=7",
            f"RELNOX_PUSH_TOKEN={secret}",
        ]
        log = run_jobs(
            root, python, *(a for v in variables for a in ("--variable", v)), "relnox-release-mr"
        )
    assert secret not in log and gitlab.tokens == {secret}
    [made] = gitlab.requests.values()
    assert (made["source_branch"], made["target_branch"]) == ("relnox/release", "main")
    assert made["title"] == "Release failextract 1.1.0", made
    pyproject = git(origin, "show", "relnox/release:pyproject.toml")
    assert 'version = "1.1.0"' in pyproject
