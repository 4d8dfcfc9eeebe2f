"""The generated workflows, run: every job's steps in order (tests/ci/harness.py).

Each test writes a project, runs the real ``relnox ci-init`` on it, commits the
files, and plays GitHub: the bare ``origin`` is the repository, two pypiservers
stand in for TestPyPI and PyPI (``[tool.relnox.repositories]``), and the relnox
the workflow installs is a wheel of this checkout (``relnox-requirement``). A
flow ends with the files on the local "PyPI", the tag in ``origin`` and the
GitHub release (notes and files). The harness's own rules are tested first.

Each flow declares the modes of ci-init it runs (``@flow``: a trigger, a native wheel
builder, shards, a private index), and its runs must show them;
:func:`test_every_ci_init_mode_has_a_harness_flow` reads the modes from the code, so a
mode ci-init gains fails there until a flow runs it. The native flows build for real: a
maturin ``bindings = "bin"`` crate with cargo (offline) and a C extension with
scikit-build-core (tests/ci/native_projects.py); a missing toolchain fails them.
"""

from __future__ import annotations

import fnmatch
import functools
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

import pytest
import yaml

from relnox.ci.native import BUILDER_ACTIONS, NATIVE_BACKENDS
from relnox.ci.workflows import TRIGGERS, CiSettings
from relnox.sample import (
    ProjectSpec,
    demo_specs,
    git_commit_all,
    git_init,
    write_project,
    write_workspace,
)
from relnox.tools.index_server import LocalIndex, write_htpasswd
from tests.ci.harness import (
    Actions,
    Context,
    WorkflowFailed,
    _combinations,
    _one_interpreter,
    filter_matches,
    parse_outputs,
)
from tests.ci.native_projects import (
    C_SOURCE,
    RUST_ENV,
    write_bin_crate,
    write_c_extension,
    write_setuptools_extension,
)
from tests.conftest import run_relnox

#: the CiSettings fields that only fill values into the files; every other field is a
#: mode of ci-init that a flow below must run
VALUE_SETTINGS = frozenset({"python_versions", "branch", "install", "relnox_requirement", "os"})
#: flow test -> the modes of ci-init it runs (checked against what its runs showed)
FLOWS: dict[str, frozenset[str]] = {}


#: the modes no flow here can run, and why
NOT_RUN = {
    "publish=trusted": "PyPI's trusted publishing and PEP 740 signing need GitHub's OIDC "
    "token and Sigstore; every flow publishes to a local index, which ci-init writes as a "
    "private one (tests/ci/test_workflows.py lints the trusted jobs)",
}


def ci_modes() -> set[str]:
    """Every mode ci-init can write, read from the code: each trigger, each native wheel
    builder, each CiSettings field that is no plain value (shards), and both ways to
    publish (WorkflowBuilder.signs: PyPI's trusted publishing, or a private index's
    secrets)."""
    modes = {f"trigger={t}" for t in TRIGGERS}
    modes |= {f"native={b}" for b in {*NATIVE_BACKENDS.values(), *BUILDER_ACTIONS}}
    modes |= {f.name for f in fields(CiSettings)} - VALUE_SETTINGS - {"trigger"}
    return modes | {"publish=trusted", "publish=private-index"}


def modes_run(actions: Actions) -> set[str]:
    """The modes that ``actions``' runs showed: a run counts once a publish job succeeded."""
    builders = {action: builder for builder, action in BUILDER_ACTIONS.items()}
    found: set[str] = set()
    for run in actions.runs:
        doc = run.doc
        ran = {job for job, result in run.results.items() if result == "success"}
        if doc.get("name") == "Release PR" and ran == set(run.results):
            found.add("mode")  # mode = "release-pr": its workflow made the pull request
        published = ran & {"pypi", "testpypi"}
        if not published:
            continue
        on = doc.get(True) or doc.get("on") or {}  # YAML reads the key "on" as True
        found.add("trigger=release" if "release" in on else "trigger=tag")
        if actions.secrets and any("secrets." in json.dumps(doc["jobs"][j]) for j in published):
            found.add("publish=private-index")  # the index took only the named secrets
        if "build-shard" in ran:
            found.add("shards")
        if any(
            "matrix.environment" in json.dumps(doc["jobs"][j]["environment"]) for j in published
        ):
            found.add("environments")  # environments = "per-project": a job a package
        for job in ran:
            for step in doc["jobs"][job]["steps"]:
                builder = builders.get(str(step.get("uses", "")).split("@")[0])
                if builder:
                    found.add(f"native={builder}")
    return found


def flow(*modes: str) -> Callable[[Callable[..., None]], Callable[..., None]]:
    """Declare the ci-init modes a flow test runs; after the test, its runs must show them."""

    def declare(test: Callable[..., None]) -> Callable[..., None]:
        FLOWS[test.__name__] = frozenset(modes)

        @functools.wraps(test)
        def run(*args: Any, **kwargs: Any) -> None:
            test(*args, **kwargs)
            made: list[Github] = kwargs["github"].made
            seen = set().union(*(modes_run(gh.actions) for gh in made))
            missing = set(modes) - seen
            assert not missing, (
                f"{test.__name__} declares {sorted(missing)}; its runs showed {seen}"
            )

        return run

    return declare


def test_expressions_evaluate_as_github_does() -> None:
    ctx = Context(
        {
            "github": {"ref_type": "tag"},
            "needs": {"plan": {"outputs": {"packages": "a b", "versions": '{"a": "1.0"}'}}},
            "inputs": {},
        },
        {"plan": "success", "wheels": "skipped"},
    )
    assert ctx.condition("github.ref_type == 'tag' && !cancelled() && !failure()")
    assert ctx.condition("contains(format(' {0} ', needs.plan.outputs.packages), ' b ')")
    assert not ctx.condition("contains(format(' {0} ', needs.plan.outputs.packages), ' c ')")
    assert ctx.substitute("v=${{ fromJSON(needs.plan.outputs.versions)['a'] }}") == "v=1.0"
    assert ctx.substitute("${{ inputs.version }}|${{ github.ref_type != 'tag' }}") == "|false"
    assert not ctx.condition("success()")  # a skipped need


def test_push_filters_match_as_github_matches() -> None:
    """``*`` stops at ``/``, ``**`` does not, ``+`` repeats, ``!`` excludes; a push of a ref
    no filter names starts no run."""
    assert filter_matches(["v[0-9]*"], "v1.2.0") and not filter_matches(["v[0-9]*"], "1.2.0")
    assert not filter_matches(["*-v[0-9]*"], "integrations/chroma-v1.0.0")
    assert filter_matches(["**-v[0-9]*"], "integrations/chroma-v1.0.0")
    assert filter_matches(["v[0-9]+.[0-9]+"], "v10.2") and not filter_matches(["v[0-9]+"], "v")
    assert not filter_matches(["v*", "!v*rc*"], "v1.0rc1")


def test_a_push_the_filters_do_not_name_starts_nothing(tmp_path: Path) -> None:
    workflow = tmp_path / "release.yml"
    workflow.write_text(
        "on:\n  push:\n    tags: ['v[0-9]*']\njobs:\n  a:\n    runs-on: ubuntu-latest\n"
        "    steps: [{run: 'true'}]\n",
        encoding="utf-8",
    )
    actions = Actions(tmp_path, tmp_path / "work", Path(sys.executable).parent, dict(os.environ))
    with pytest.raises(WorkflowFailed, match=r"does not run on a push of 1\.0\.0"):
        actions.run(workflow, event="push", ref="refs/tags/1.0.0")


def test_outputs_are_read_as_github_reads_them(tmp_path: Path) -> None:
    path = tmp_path / "out"
    path.write_text("a=1\nnotes<<EOF\nline 1\nline=2\nEOF\nb=x=y\n", encoding="utf-8")
    assert parse_outputs(path) == {"a": "1", "notes": "line 1\nline=2", "b": "x=y"}


def test_a_matrix_runs_this_machines_python_and_linux_runners() -> None:
    """One interpreter and Linux here: a Python axis runs the interpreter's value (else its
    first), an ``os`` axis its Linux runners; a matrix with no Linux runner cannot run."""
    pythons = [{"version": v, "cp": "cp" + v.replace(".", "")} for v in ("3.10", "3.11")]
    job = {"strategy": {"matrix": {"os": ["ubuntu-latest", "windows-latest"], "python": pythons}}}
    ctx = Context({})
    assert _combinations(job, ctx, "3.11.7") == [{"os": "ubuntu-latest", "python": pythons[1]}]
    assert _combinations(job, ctx, "3.13.1") == [{"os": "ubuntu-latest", "python": pythons[0]}]
    plain = {"strategy": {"matrix": {"python-version": ["3.10", "3.11", "3.12"]}}}
    assert _combinations(plain, ctx, "3.12.0") == [{"python-version": "3.12"}]
    with pytest.raises(WorkflowFailed, match="no Linux runner"):
        _combinations({"strategy": {"matrix": {"os": ["macos-latest"]}}}, ctx, "3.11.7")


def test_maturin_builds_for_the_runs_interpreter() -> None:
    args = ["--release", "--interpreter", "python3.10", "python3.11", "--out", "wheelhouse"]
    assert _one_interpreter(args, "/py") == [
        "--release",
        "--interpreter",
        "/py",
        "--out",
        "wheelhouse",
    ]
    assert _one_interpreter(["-i", "python", "--interpreter=python3"], "/py") == [
        "--interpreter",
        "/py",
        "--interpreter=/py",
    ]


@pytest.mark.parametrize(
    ("action", "with_", "env", "error"),
    [
        (
            "PyO3/maturin-action",
            {"target": "aarch64"},
            {},
            r"maturin-action stand-in has no \['target'\]",
        ),
        ("pypa/cibuildwheel", {"only": "cp311-manylinux_x86_64"}, {}, r"has no \['only'\]"),
        ("pypa/cibuildwheel", {}, {"CIBW_TEST_COMMAND": "pytest"}, "has no .'CIBW_TEST_COMMAND'."),
        ("pypa/cibuildwheel", {}, {"CIBW_BUILD": "cp27-*"}, "No build identifiers selected"),
        ("pypa/cibuildwheel", {}, {"CIBW_SKIP": "*linux*"}, "No build identifiers selected"),
    ],
)
def test_native_stand_ins_refuse_what_they_cannot_do_as_the_action_would(
    tmp_path: Path, action: str, with_: dict[str, str], env: dict[str, str], error: str
) -> None:
    """An input the stand-in does not honour fails the step (rather than a build that
    differs from the action's); a CIBW_BUILD/CIBW_SKIP selecting no build fails as
    cibuildwheel does. All before anything is built."""
    actions = Actions(tmp_path, tmp_path, Path(sys.executable).parent, dict(os.environ))
    full_env = {**os.environ, **env}
    with pytest.raises(WorkflowFailed, match=error):
        actions._uses(action, with_, full_env, tmp_path, "", tmp_path, "step")
    assert not (tmp_path / "wheelhouse").exists()


@dataclass
class Github:
    root: Path  # the user's clone
    actions: Actions
    pypi: LocalIndex
    testpypi: LocalIndex

    def tags(self) -> list[str]:
        proc = subprocess.run(
            ["git", "tag"], cwd=self.actions.origin, capture_output=True, text=True, check=True
        )
        return proc.stdout.split()

    def push(self, *refs: str) -> None:
        subprocess.run(
            ["git", "push", "-q", str(self.actions.origin), *refs],
            cwd=self.root,
            check=True,
            capture_output=True,
        )


SECRETS = {"INDEX_USERNAME": "publisher", "INDEX_PASSWORD": "s3cret-harness-token"}


class GithubFactory:
    """``github(root, top, ci=..., protected=...)``: one repository on "GitHub"."""

    def __init__(self, make: Callable[..., Github]) -> None:
        self.make = make
        self.made: list[Github] = []

    def __call__(self, root: Path, top: Path, *, ci: str = "", protected: bool = False) -> Github:
        gh = self.make(root, top, ci=ci, protected=protected)
        self.made.append(gh)
        return gh


@pytest.fixture
def github(tmp_path: Path, relnox_wheel: Path, runner_python: Path) -> Iterator[GithubFactory]:
    started: list[LocalIndex] = []

    def make(root: Path, top: Path, *, ci: str, protected: bool) -> Github:
        password = write_htpasswd(tmp_path / "htpasswd", {"publisher": SECRETS["INDEX_PASSWORD"]})
        pypi = LocalIndex(tmp_path / "pypi", password_file=password if protected else None)
        testpypi = LocalIndex(tmp_path / "testpypi")
        for index in (pypi, testpypi):
            index.start()
            started.append(index)
        with (root / "pyproject.toml").open("a", encoding="utf-8") as fh:
            fh.write(
                f'\n[tool.relnox.ci]\nrelnox-requirement = "relnox @ {relnox_wheel.as_uri()}"\n'
                f"{ci}\n[tool.relnox.repositories]\n"
                f'pypi = {{ upload = "{pypi.url}", simple = "{pypi.simple_url}" }}\n'
                f'testpypi = {{ upload = "{testpypi.url}", simple = "{testpypi.simple_url}" }}\n'
            )
        init = run_relnox("ci-init", cwd=root, check=True)
        git_commit_all(top, "CI from relnox ci-init\n\n" + init.stdout)
        origin = tmp_path / "origin.git"
        subprocess.run(
            ["git", "clone", "-q", "--bare", str(top), str(origin)], check=True, capture_output=True
        )
        subprocess.run(["git", "remote", "add", "origin", str(origin)], cwd=top, check=True)
        actions = Actions(
            origin=origin,
            work=tmp_path / "github-actions",
            python_bin=runner_python,
            base_env={**os.environ, **RUST_ENV},
            secrets=SECRETS if protected else {},
        )
        return Github(top, actions, pypi, testpypi)

    yield GithubFactory(make)
    for index in started:
        index.stop()


def files(index: LocalIndex) -> list[str]:
    return sorted(p.name for p in index.data_dir.iterdir() if p.is_file())


def bump_and_push(gh: Github, root: Path, *args: str) -> None:
    """The maintainer's release commit: ``relnox bump``, pushed to main."""
    run_relnox("bump", *args, cwd=root, check=True)
    gh.push("main")


def auto_tag_then_release(gh: Github, workflows: Path) -> list[str]:
    """A push to main: auto-tag tags and pushes, then starts ONE release.yml run for the tags."""
    gh.actions.run(workflows / "auto-tag.yml", event="push", ref="refs/heads/main")
    [dispatch] = gh.actions.dispatched()
    assert dispatch.workflow == "release.yml"
    tags = dispatch.inputs["tags"].split()
    assert dispatch.ref == tags[0]
    [results] = gh.actions.run_dispatched(workflows)
    assert results["pypi"] == "success" and results["testpypi"] == "skipped", gh.actions.log
    assert results["github-release"] == "success", gh.actions.log
    return tags


@pytest.mark.slow
@flow("trigger=tag")
def test_single_package_tag_flow(tmp_path: Path, github: GithubFactory) -> None:
    root = write_project(tmp_path / "single", ProjectSpec("failextract", "0.9.0"))
    git_init(root)
    gh = github(root, root)
    bump_and_push(gh, root, "--to", "1.0.0")
    tags = auto_tag_then_release(gh, root / ".github" / "workflows")
    assert tags == gh.tags() == ["v1.0.0"]
    assert files(gh.pypi) == ["failextract-1.0.0-py3-none-any.whl", "failextract-1.0.0.tar.gz"]
    assert files(gh.testpypi) == []
    assert "v1.0.0" in gh.actions.releases(), "\n".join(gh.actions.log)
    release = gh.actions.releases()["v1.0.0"]
    assert "notes.md" in release and "failextract-1.0.0.tar.gz" in release


@pytest.mark.slow
@flow("trigger=tag")
def test_a_pushed_tag_starts_the_release(tmp_path: Path, github: GithubFactory) -> None:
    root = write_project(tmp_path / "pushed", ProjectSpec("failextract", "1.1.0rc1"))
    git_init(root)
    gh = github(root, root)
    subprocess.run(["git", "tag", "v1.1.0rc1"], cwd=root, check=True)
    gh.push("v1.1.0rc1")
    workflows = root / ".github" / "workflows"
    results = gh.actions.run(workflows / "release.yml", event="push", ref="refs/tags/v1.1.0rc1")
    assert results["testpypi"] == "success" and results["pypi"] == "skipped", gh.actions.log
    assert files(gh.testpypi) == [
        "failextract-1.1.0rc1-py3-none-any.whl",
        "failextract-1.1.0rc1.tar.gz",
    ]
    assert files(gh.pypi) == []
    assert "prerelease" in gh.actions.releases()["v1.1.0rc1"]


@pytest.mark.slow
@flow("trigger=release")
def test_a_published_release_starts_the_release(tmp_path: Path, github: GithubFactory) -> None:
    root = write_project(tmp_path / "on-release", ProjectSpec("failextract", "1.0.0"))
    git_init(root)
    gh = github(root, root, ci='trigger = "release"')
    subprocess.run(["git", "tag", "v1.0.0"], cwd=root, check=True)
    gh.push("v1.0.0")
    release_dir = gh.actions.github_dir / "releases" / "v1.0.0"
    release_dir.mkdir(parents=True)
    (release_dir / "notes.md").write_text("Written by hand on GitHub.\n", encoding="utf-8")
    payload = {"action": "published", "release": {"tag_name": "v1.0.0", "body": "by hand"}}
    workflows = root / ".github" / "workflows"
    with pytest.raises(WorkflowFailed, match="does not run on push"):
        gh.actions.run(workflows / "release.yml", event="push", ref="refs/tags/v1.0.0")
    results = gh.actions.run(
        workflows / "release.yml", event="release", ref="refs/tags/v1.0.0", payload=payload
    )
    assert results["github-release"] == "success", gh.actions.log
    assert files(gh.pypi) == ["failextract-1.0.0-py3-none-any.whl", "failextract-1.0.0.tar.gz"]
    assert gh.actions.releases()["v1.0.0"] == [
        "failextract-1.0.0-py3-none-any.whl",
        "failextract-1.0.0.tar.gz",
        "notes.md",
    ]
    assert gh.tags() == ["v1.0.0"]
    notes = (release_dir / "notes.md").read_text(encoding="utf-8")
    assert notes.startswith("Written by hand on GitHub.\n")  # kept, then extended once
    assert notes.count("## Installation") == 1 and "failextract==1.0.0" in notes, notes


@pytest.mark.slow
@flow("trigger=tag", "publish=private-index")
def test_private_index_flow_uses_the_named_secrets(tmp_path: Path, github: GithubFactory) -> None:
    """The publish job's credentials come from the secrets ci-init names, or it fails."""
    root = write_project(tmp_path / "private", ProjectSpec("private", "1.0.0"))
    git_init(root)
    gh = github(root, root, protected=True)
    bump_and_push(gh, root, "--part", "major")
    auto_tag_then_release(gh, root / ".github" / "workflows")
    assert files(gh.pypi) == ["private-2.0.0-py3-none-any.whl", "private-2.0.0.tar.gz"]
    assert gh.tags() == ["v2.0.0"]
    joined = "\n".join(gh.actions.log)
    assert SECRETS["INDEX_PASSWORD"] not in joined


@pytest.mark.slow
@flow("trigger=tag")
def test_workspace_in_a_subdirectory_flow(tmp_path: Path, github: GithubFactory) -> None:
    """One push bumps demo-core and demo-agents (which needs the new demo-core): auto-tag
    tags both and starts one release run for both tags, which verifies them together and
    publishes them in dependency tiers; a run per tag would verify demo-agents against an
    index without its new demo-core."""
    top = tmp_path / "repo"
    root = write_workspace(top / "python", demo_specs()[:2])
    git_init(top)
    gh = github(root, top)
    bump_and_push(gh, root, "--part", "minor")
    requires = (root / "packages" / "demo-agents" / "pyproject.toml").read_text(encoding="utf-8")
    assert "demo-core>=0.2.0" in requires  # the dependent needs the version of this push
    tags = auto_tag_then_release(gh, top / ".github" / "workflows")
    assert sorted(tags) == gh.tags() == ["demo-agents-v0.2.0", "demo-core-v0.2.0"]
    assert files(gh.pypi) == [
        "demo_agents-0.2.0-py3-none-any.whl",
        "demo_agents-0.2.0.tar.gz",
        "demo_core-0.2.0-py3-none-any.whl",
        "demo_core-0.2.0.tar.gz",
    ]
    assert files(gh.testpypi) == []
    releases = gh.actions.releases()
    assert releases["demo-core-v0.2.0"] == [
        "demo_core-0.2.0-py3-none-any.whl",
        "demo_core-0.2.0.tar.gz",
        "notes.md",
    ]
    assert releases["demo-agents-v0.2.0"] == [
        "demo_agents-0.2.0-py3-none-any.whl",
        "demo_agents-0.2.0.tar.gz",
        "notes.md",
    ]


@pytest.mark.slow
@flow("trigger=tag", "mode", "environments")
def test_release_pr_flow(
    tmp_path: Path, github: GithubFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """mode = "release-pr": a feat commit on main -> release-pr.yml opens the pull request
    -> merging it -> auto-tag tags exactly its packages -> release.yml publishes them, each
    package from its own environment (environments = "per-project"), both new projects: the
    pull request's body names their publishers."""
    from tests.release.test_release_pr import FakeGitHub, serve

    root = write_workspace(tmp_path / "rpr", demo_specs()[:2])
    git_init(root)
    for spec in demo_specs()[:2]:
        subprocess.run(["git", "tag", f"{spec.name}-v0.1.0"], cwd=root, check=True)
    api = FakeGitHub()
    with serve(api):
        monkeypatch.setenv("GITHUB_API_URL", f"http://127.0.0.1:{api.server_port}")
        per_project = 'environments = "per-project"\n[tool.relnox.publish]\npending-publishers = 3'
        gh = github(root, root, ci=f'mode = "release-pr"\n{per_project}')
        gh.push("main", "--tags")
        (root / "packages" / "demo-core" / "widget.py").write_text("X = 1\n", encoding="utf-8")
        git_commit_all(root, "feat(core): a widget")
        gh.push("main")
        workflows = root / ".github" / "workflows"
        gh.actions.run(workflows / "release-pr.yml", event="push", ref="refs/heads/main")
    (pull,) = api.pulls.values()
    assert pull["head"] == "relnox/release" and "| demo-core | 0.1.0 | 0.2.0 |" in pull["body"]
    assert "| demo-agents | 0.1.0 | 0.1.1 | patch: its pin on demo-core moves |" in pull["body"]
    assert "batch 1 (register now): demo-core, demo-agents" in pull["body"]
    assert "environment pypi-demo-agents, project name demo-agents" in pull["body"]
    subprocess.run(
        ["git", "pull", "-q", "--ff-only", str(gh.actions.origin), "relnox/release"],
        cwd=root,
        check=True,
    )
    gh.push("main")  # the merge
    tags = auto_tag_then_release(gh, workflows)
    assert sorted(tags) == ["demo-agents-v0.1.1", "demo-core-v0.2.0"]
    assert "demo_core-0.2.0.tar.gz" in files(gh.pypi) and "demo_agents-0.1.1.tar.gz" in files(
        gh.pypi
    )


@pytest.mark.slow
@flow("trigger=tag", "shards")
def test_sharded_workspace_flow(tmp_path: Path, github: GithubFactory) -> None:
    """Issue 27: ci-init with ``[tool.relnox.ci] shards = 3``, run end to end from auto-tag:
    the plan splits the release's three packages over three build-shard jobs, the assemble
    job checks and joins their files, verify and publish take the joined dist."""
    top = tmp_path / "repo"
    root = write_workspace(top / "python", demo_specs())
    git_init(top)
    gh = github(root, top, ci="shards = 3")
    bump_and_push(gh, root, "--part", "minor")
    tags = auto_tag_then_release(gh, top / ".github" / "workflows")
    assert sorted(tags) == gh.tags() == [f"demo-{n}-v0.2.0" for n in ("agents", "core", "runtime")]
    shards = sorted(gh.actions.runs[-1].artifacts.glob("shard-[0-9]*"))
    assert [p.name for p in shards] == ["shard-0", "shard-1", "shard-2"], gh.actions.log
    built = [sorted(f.name for f in (shard / "shard").iterdir() if f.is_file()) for shard in shards]
    assert all(len(names) == 2 for names in built)  # one package (wheel + sdist) a shard
    expected = sorted(
        f"demo_{n}-0.2.0{suffix}"
        for n in ("agents", "core", "runtime")
        for suffix in ("-py3-none-any.whl", ".tar.gz")
    )
    assert sorted(name for names in built for name in names) == expected
    assert files(gh.pypi) == expected
    assert files(gh.testpypi) == []


def native_workspace(tmp_path: Path, version: str) -> tuple[Path, Path]:
    """A repository whose uv workspace (in ``python/``) holds a pure package, a maturin
    binary crate and a scikit-build-core C extension, all at ``version``."""
    top = tmp_path / "repo"
    root = write_workspace(top / "python", [ProjectSpec("demo-core", version)])
    write_bin_crate(root / "packages" / "fast-rs", "fast-rs", version)
    write_c_extension(root / "packages" / "fast-ext", "fast-ext", version)
    git_init(top)
    return top, root


def native_files(version: str) -> list[str]:
    """The files of the two native packages: each sdist and this machine's native wheel."""
    major, minor = sys.version_info[:2]
    return [
        f"fast_ext-{version}-cp{major}{minor}-cp{major}{minor}-*linux*.whl",
        f"fast_ext-{version}.tar.gz",
        f"fast_rs-{version}-py3-none-*linux*.whl",
        f"fast_rs-{version}.tar.gz",
    ]


def matches(names: list[str], patterns: list[str]) -> bool:
    """Each name matches its pattern, in order, one for one."""
    return len(names) == len(patterns) and all(
        fnmatch.fnmatchcase(name, pattern) for name, pattern in zip(names, patterns, strict=True)
    )


@pytest.mark.slow
@flow("trigger=tag", "native=maturin", "native=cibuildwheel")
def test_native_workspace_tag_flow(tmp_path: Path, github: GithubFactory) -> None:
    """A push bumps a pure package, a maturin binary crate and a C extension: auto-tag
    tags the three and starts one release run; each native package's wheel job builds
    its wheel (maturin-action, cibuildwheel: real builds here) and checks it with
    verify-install (the binary runs; the extension's verify command calls into it);
    PyPI gets the sdists and the native wheels from one directory."""
    top, root = native_workspace(tmp_path, "1.0.0")
    gh = github(root, top)
    bump_and_push(gh, root, "--part", "minor")
    cargo = (root / "packages" / "fast-rs" / "Cargo.toml").read_text(encoding="utf-8")
    assert 'version = "1.1.0"' in cargo
    tags = auto_tag_then_release(gh, top / ".github" / "workflows")
    expected_tags = ["demo-core-v1.1.0", "fast-ext-v1.1.0", "fast-rs-v1.1.0"]
    assert sorted(tags) == gh.tags() == expected_tags
    pure = ["demo_core-1.1.0-py3-none-any.whl", "demo_core-1.1.0.tar.gz"]
    published = files(gh.pypi)
    assert published[:2] == pure, published
    assert matches(published[2:], native_files("1.1.0")), published
    assert files(gh.testpypi) == []
    # each wheel job's verify-install checked its wheel: the binary ran, the extension's
    # verify command called into it; the verify job checked all three together
    assert "fast-rs 1.1.0: metadata, run fast-rs --version" in gh.actions.output("wheels-fast-rs")
    called = "command python -c 'import fast_ext._core as c; assert c.answer() == 42"
    assert called in gh.actions.output("wheels-fast-ext")
    assert "3/3 package checks passed" in gh.actions.output("verify")
    releases = gh.actions.releases()
    assert matches(releases["fast-rs-v1.1.0"], [*native_files("1.1.0")[2:], "notes.md"])


@pytest.mark.slow
@flow("trigger=release", "native=maturin", "native=cibuildwheel")
def test_native_packages_on_published_releases(tmp_path: Path, github: GithubFactory) -> None:
    """``trigger = "release"``: a GitHub Release published for each native package's tag
    starts a run that builds that package's wheel in its wheel job, verifies it, publishes
    it with its sdist and attaches both to that release."""
    top, root = native_workspace(tmp_path, "1.0.0")
    gh = github(root, top, ci='trigger = "release"')
    workflows = top / ".github" / "workflows"
    for name in ("fast-rs", "fast-ext"):
        tag = f"{name}-v1.0.0"
        subprocess.run(["git", "tag", tag], cwd=top, check=True)
        gh.push(tag)
        release_dir = gh.actions.github_dir / "releases" / tag
        release_dir.mkdir(parents=True)
        (release_dir / "notes.md").write_text(f"{name}, by hand.\n", encoding="utf-8")
        payload = {"action": "published", "release": {"tag_name": tag, "body": "by hand"}}
        results = gh.actions.run(
            workflows / "release.yml", event="release", ref=f"refs/tags/{tag}", payload=payload
        )
        assert results["pypi"] == results["github-release"] == "success", gh.actions.log
        other = "wheels-fast-ext" if name == "fast-rs" else "wheels-fast-rs"
        assert results[f"wheels-{name}"] == "success" and results[other] == "skipped"
    published = files(gh.pypi)
    assert matches(published, native_files("1.0.0")), published
    releases = gh.actions.releases()
    assert matches(releases["fast-ext-v1.0.0"], [*native_files("1.0.0")[:2], "notes.md"])
    assert matches(releases["fast-rs-v1.0.0"], [*native_files("1.0.0")[2:], "notes.md"])
    assert gh.tags() == ["fast-ext-v1.0.0", "fast-rs-v1.0.0"]


@pytest.mark.slow
@flow("trigger=tag", "native=cibuildwheel")
def test_setuptools_extension_flow(tmp_path: Path, github: GithubFactory) -> None:
    """One setuptools package whose setup.py compiles a C extension (this
    shape): its wheel comes from the cibuildwheel job, checked there by its verify
    command, and the build job makes the sdist only (a wheel built there would be
    linux_x86_64 for PyPI to refuse, and no other platform's)."""
    root = write_setuptools_extension(tmp_path / "spt", "spt-ext", "1.0.0")
    git_init(root)
    gh = github(root, root)
    bump_and_push(gh, root, "--part", "minor")
    tags = auto_tag_then_release(gh, root / ".github" / "workflows")
    assert tags == ["v1.1.0"]
    major, minor = sys.version_info[:2]
    published = files(gh.pypi)
    wheel = f"spt_ext-1.1.0-cp{major}{minor}-cp{major}{minor}-*linux*.whl"
    assert matches(published, [wheel, "spt_ext-1.1.0.tar.gz"]), published
    called = "command python -c 'import spt_ext._core as c; assert c.answer() == 42"
    assert called in gh.actions.output("wheels-spt-ext")
    assert gh.actions.runs[-1].results["wheels-spt-ext"] == "success", gh.actions.log


@pytest.mark.slow
@flow("trigger=tag", "native=cibuildwheel")
def test_tags_pushed_together_build_a_tag_versioned_extension_at_its_version(
    tmp_path: Path, github: GithubFactory
) -> None:
    """Two tags pushed by hand, a pure package's and a setuptools-scm C extension's: the
    run of the pure one's tag releases both. The extension's wheel job checked out the run's
    commit alone with that one tag, and setuptools-scm built its wheel as a 0.1.dev
    version; it now fetches every tag, and the wheel is the tag's version."""
    top = tmp_path / "repo"
    root = write_workspace(top, [ProjectSpec("demo-core", "1.0.0")])
    write_setuptools_extension(root / "packages" / "spt-scm", "spt-scm", "1.0.0", scm_root="../..")
    git_init(top)
    gh = github(root, top)
    tags = ["demo-core-v1.0.0", "spt-scm-v1.0.0"]
    for tag in tags:
        subprocess.run(["git", "tag", tag], cwd=top, check=True)
    gh.push("main", *tags)
    workflow = top / ".github" / "workflows" / "release.yml"
    results = gh.actions.run(workflow, event="push", ref=f"refs/tags/{tags[0]}")
    assert results["wheels-spt-scm"] == results["pypi"] == "success", gh.actions.log
    major, minor = sys.version_info[:2]
    published = files(gh.pypi)
    assert matches(
        published,
        [
            "demo_core-1.0.0-py3-none-any.whl",
            "demo_core-1.0.0.tar.gz",
            f"spt_scm-1.0.0-cp{major}{minor}-cp{major}{minor}-*linux*.whl",
            "spt_scm-1.0.0.tar.gz",
        ],
    ), published


@pytest.mark.slow
@flow("trigger=tag", "native=cibuildwheel")
def test_an_extension_whose_sources_are_a_submodule_is_built_with_them(
    tmp_path: Path, github: GithubFactory
) -> None:
    """The shape: the extension's C sources are a git submodule. The build and
    wheel jobs checked out without it: the sdist lacked them and the wheel job's build
    failed; they now check out the submodules, and the release publishes both files."""
    sources = tmp_path / "c-sources"
    sources.mkdir()
    (sources / "core.c").write_text(C_SOURCE, encoding="utf-8")
    git_init(sources)
    root = write_setuptools_extension(tmp_path / "sub", "sub-ext", "1.0.0")
    shutil.rmtree(root / "src")
    git_init(root)
    subprocess.run(
        ["git", "-c", "protocol.file.allow=always", "submodule", "add", "-q", str(sources), "src"],
        cwd=root,
        check=True,
        capture_output=True,
    )
    git_commit_all(root, "C sources as a submodule")
    gh = github(root, root)
    bump_and_push(gh, root, "--part", "minor")
    assert auto_tag_then_release(gh, root / ".github" / "workflows") == ["v1.1.0"]
    major, minor = sys.version_info[:2]
    published = files(gh.pypi)
    wheel = f"sub_ext-1.1.0-cp{major}{minor}-cp{major}{minor}-*linux*.whl"
    assert matches(published, [wheel, "sub_ext-1.1.0.tar.gz"]), published


def test_every_ci_init_mode_has_a_harness_flow() -> None:
    """A mode ci-init gains (a trigger, a native wheel builder, a CiSettings field that is
    no plain value) fails here until a flow test above runs it."""
    assert set(BUILDER_ACTIONS) == set(NATIVE_BACKENDS.values())  # each builder, its action
    covered = set().union(*FLOWS.values())
    missing = ci_modes() - covered - set(NOT_RUN)
    assert not missing, f"ci-init modes no harness flow runs: {sorted(missing)}"
    assert covered <= ci_modes(), covered - ci_modes()
    assert set(NOT_RUN) <= ci_modes() and not set(NOT_RUN) & covered
    tests = {name for name in globals() if name.startswith("test_")}
    assert set(FLOWS) <= tests


@pytest.mark.slow
def test_pre_release_and_final_tags_of_one_push_each_go_their_own_way(
    tmp_path: Path, github: Callable[..., Github]
) -> None:
    """One push releases demo-core 0.2.0rc1 and demo-tools 1.0.0: auto-tag starts one run,
    whose plan routes each package by its own version: the pre-release to the test index
    only, the final version to PyPI; the GitHub release of the rc tag is a pre-release."""
    top = tmp_path / "repo"
    root = write_workspace(
        top, [ProjectSpec("demo-core", "0.1.0"), ProjectSpec("demo-tools", "0.1.0")]
    )
    git_init(top)
    gh = github(root, top)
    before = subprocess.run(
        ["git", "rev-parse", "HEAD"], cwd=top, capture_output=True, text=True, check=True
    ).stdout.strip()
    run_relnox("bump", "--package", "demo-core", "--to", "0.2.0rc1", cwd=root, check=True)
    run_relnox("bump", "--package", "demo-tools", "--to", "1.0.0", cwd=root, check=True)
    gh.push("main")  # one push of both bump commits: auto-tag compares with its before
    workflows = top / ".github" / "workflows"
    gh.actions.run(
        workflows / "auto-tag.yml", event="push", ref="refs/heads/main", payload={"before": before}
    )
    [dispatch] = gh.actions.dispatched()
    assert sorted(dispatch.inputs["tags"].split()) == ["demo-core-v0.2.0rc1", "demo-tools-v1.0.0"]
    [results] = gh.actions.run_dispatched(workflows)
    assert results["testpypi"] == results["pypi"] == "success", gh.actions.log
    assert results["github-release"] == "success", gh.actions.log
    assert files(gh.testpypi) == [
        "demo_core-0.2.0rc1-py3-none-any.whl",
        "demo_core-0.2.0rc1.tar.gz",
    ]
    assert files(gh.pypi) == ["demo_tools-1.0.0-py3-none-any.whl", "demo_tools-1.0.0.tar.gz"]
    releases = gh.actions.releases()
    assert "prerelease" in releases["demo-core-v0.2.0rc1"]
    assert "prerelease" not in releases["demo-tools-v1.0.0"]
    assert "demo_tools-1.0.0.tar.gz" in releases["demo-tools-v1.0.0"]
    assert "demo_core-0.2.0rc1.tar.gz" in releases["demo-core-v0.2.0rc1"]


@pytest.mark.slow
def test_tags_pushed_by_hand_start_a_run_each_and_release_once(
    tmp_path: Path, github: Callable[..., Github]
) -> None:
    """``git push --tags`` of two packages' tags: GitHub starts two tag runs, queued in one
    concurrency group (the commit's). The first releases both tags of its commit, in
    dependency tiers; the second finds both GitHub releases made and releases nothing.
    Both runs are green, every file is on the index once, one GitHub release a tag."""
    top = tmp_path / "repo"
    root = write_workspace(top, demo_specs()[:2])
    git_init(top)
    gh = github(root, top)
    run_relnox("bump", "--part", "minor", cwd=root, check=True)
    run_relnox("tag", cwd=root, check=True)
    tags = ["demo-agents-v0.2.0", "demo-core-v0.2.0"]
    gh.push("main", *tags)
    workflow = top / ".github" / "workflows" / "release.yml"
    release = yaml.safe_load(workflow.read_text(encoding="utf-8"))
    assert release["concurrency"] == {
        "group": "release-${{ github.sha }}",
        "cancel-in-progress": False,
    }
    first = gh.actions.run(workflow, event="push", ref=f"refs/tags/{tags[1]}")
    assert first["pypi"] == first["github-release"] == "success", gh.actions.log
    published = files(gh.pypi)
    assert published == [
        "demo_agents-0.2.0-py3-none-any.whl",
        "demo_agents-0.2.0.tar.gz",
        "demo_core-0.2.0-py3-none-any.whl",
        "demo_core-0.2.0.tar.gz",
    ]
    releases = gh.actions.releases()
    second = gh.actions.run(workflow, event="push", ref=f"refs/tags/{tags[0]}")
    assert second["plan"] == "success"
    assert {second[j] for j in ("build", "verify", "pypi", "testpypi", "github-release")} == {
        "skipped"
    }, gh.actions.log
    assert files(gh.pypi) == published and files(gh.testpypi) == []
    assert gh.actions.releases() == releases and sorted(releases) == tags
    assert releases["demo-core-v0.2.0"] == [
        "demo_core-0.2.0-py3-none-any.whl",
        "demo_core-0.2.0.tar.gz",
        "notes.md",
    ]


@pytest.mark.slow
def test_a_run_from_a_branch_goes_where_its_target_says(
    tmp_path: Path, github: Callable[..., Github]
) -> None:
    """*Run workflow* on main with target testpypi: the plan routes the package there
    (the user's choice, not its version), nothing to PyPI, no tag and no GitHub release."""
    root = write_project(tmp_path / "branch", ProjectSpec("failextract", "1.2.0"))
    git_init(root)
    gh = github(root, root)
    workflow = root / ".github" / "workflows" / "release.yml"
    results = gh.actions.run(
        workflow, event="workflow_dispatch", ref="refs/heads/main", inputs={"target": "testpypi"}
    )
    assert results["testpypi"] == "success" and results["pypi"] == "skipped", gh.actions.log
    assert results["github-release"] == "skipped"
    assert files(gh.testpypi) == [
        "failextract-1.2.0-py3-none-any.whl",
        "failextract-1.2.0.tar.gz",
    ]
    assert files(gh.pypi) == [] and gh.actions.releases() == {} and gh.tags() == []


@pytest.mark.slow
def test_a_tag_pushed_by_hand_in_a_tag_folder_starts_the_release(
    tmp_path: Path, github: Callable[..., Github]
) -> None:
    """The shape: each package tagged ``integrations/<dir>-v1.2.3``.
    ci-init's trigger is one ``integrations/*-v[0-9]*`` (it was one pattern a package); the
    hand-pushed tag starts the release, which publishes that package, and a tag of another
    folder starts nothing."""
    top = tmp_path / "repo"
    root = write_workspace(top, demo_specs()[:2], members_dir="integrations")
    git_init(top)
    for name in ("demo-core", "demo-agents"):
        subprocess.run(["git", "tag", f"integrations/{name}-v0.1.0"], cwd=top, check=True)
    gh = github(root, top)
    workflow = top / ".github" / "workflows" / "release.yml"
    release = yaml.safe_load(workflow.read_text(encoding="utf-8"))
    assert release[True]["push"]["tags"] == ["integrations/*-v[0-9]*"]
    run_relnox("bump", "--package", "demo-core", "--part", "minor", cwd=root, check=True)
    run_relnox("tag", cwd=root, check=True)
    tag = "integrations/demo-core-v0.2.0"
    assert tag in gh_tags(top)
    gh.push("main", tag)
    results = gh.actions.run(workflow, event="push", ref=f"refs/tags/{tag}")
    assert results["pypi"] == results["github-release"] == "success", gh.actions.log
    assert files(gh.pypi) == ["demo_core-0.2.0-py3-none-any.whl", "demo_core-0.2.0.tar.gz"]
    with pytest.raises(WorkflowFailed, match="does not run on a push of"):
        gh.actions.run(workflow, event="push", ref="refs/tags/other/demo-core-v0.2.0")


def gh_tags(top: Path) -> list[str]:
    proc = subprocess.run(["git", "tag"], cwd=top, capture_output=True, text=True, check=True)
    return proc.stdout.split()


@pytest.mark.slow
def test_floating_tags_moved_with_a_release_start_no_run(
    tmp_path: Path, github: Callable[..., Github]
) -> None:
    """The shape: each release also moves ``v1`` and ``v1.0`` to its
    commit. Only the release tag starts release.yml (``v1`` used to start a run whose tag
    check failed, ``1 != 1.0.1``); the release publishes once."""
    root = write_project(tmp_path / "floating", ProjectSpec("failextract", "1.0.0"))
    git_init(root)
    for tag in ("v1.0.0", "v1.0", "v1"):
        subprocess.run(["git", "tag", tag], cwd=root, check=True)
    gh = github(root, root)
    run_relnox("bump", "--to", "1.0.1", cwd=root, check=True)
    run_relnox("tag", cwd=root, check=True)
    for floating in ("v1.0", "v1"):
        subprocess.run(["git", "tag", "-f", floating], cwd=root, check=True, capture_output=True)
    gh.push("main", "v1.0.1")
    subprocess.run(
        ["git", "push", "-q", "-f", str(gh.actions.origin), "v1.0", "v1"],
        cwd=root,
        check=True,
        capture_output=True,
    )
    workflow = root / ".github" / "workflows" / "release.yml"
    for floating in ("v1.0", "v1"):
        with pytest.raises(WorkflowFailed, match="does not run on a push of"):
            gh.actions.run(workflow, event="push", ref=f"refs/tags/{floating}")
    results = gh.actions.run(workflow, event="push", ref="refs/tags/v1.0.1")
    assert results["pypi"] == results["github-release"] == "success", gh.actions.log
    assert files(gh.pypi) == ["failextract-1.0.1-py3-none-any.whl", "failextract-1.0.1.tar.gz"]
