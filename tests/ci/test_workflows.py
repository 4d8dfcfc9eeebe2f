"""Every workflow ci-init can write passes zizmor (offline, default audits) and actionlint.

The variants are the modes ci-init has: one package or a workspace, at the top of
the repository or in a subdirectory, pure Python or with native packages (maturin,
scikit-build-core; as one package or among others), started by a pushed tag or by a
published GitHub Release, and every ``[tool.relnox.ci]`` setting set.
"""

from __future__ import annotations

import json
import re
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

import relnox
from relnox.ci.init import ci_settings, generate, notes
from relnox.ci.pins import PINS
from relnox.errors import ConfigError
from relnox.project.discovery import load_workspace
from relnox.sample import ProjectSpec, demo_specs, git_init, write_project, write_workspace
from tests.ci.conftest import pin_relnox
from tests.ci.test_init import native_spec, tool
from tests.conftest import run_relnox

SETTINGS = """[tool.relnox.ci]
python-versions = ["3.11", "3.12"]
branch = "trunk"
install = ["nox==2025.5.1", "relnox"]
relnox-requirement = "relnox @ git+https://github.com/example/relnox@0123456789abcdef0123456789abcdef01234567"
os = ["ubuntu-24.04", "windows-2022"]
trigger = "release"
"""


def _single(tmp: Path) -> Path:
    root = write_project(tmp / "single", ProjectSpec("failextract", "1.0.0"))
    git_init(root)
    return root


def _single_native(tmp: Path) -> Path:
    root = tmp / "rs"
    native_spec(root, "fast-rs", "maturin")
    root = root / "packages" / "fast-rs"
    git_init(root)
    return root


def _single_on_release(tmp: Path) -> Path:
    spec = ProjectSpec("failextract", "1.0.0")
    root = write_project(tmp / "single-rel", spec)
    with (root / "pyproject.toml").open("a", encoding="utf-8") as fh:
        fh.write('\n[tool.relnox.ci]\ntrigger = "release"\n')
    git_init(root)
    return root


def _workspace_subdir(tmp: Path) -> Path:
    root = write_workspace(tmp / "repo" / "python", demo_specs())
    git_init(tmp / "repo")
    return root


def _workspace_native(tmp: Path) -> Path:
    root = write_workspace(tmp / "ws", [ProjectSpec("fast-core", "1.0.0")])
    native_spec(root, "fast-rs", "maturin")
    native_spec(root, "fast-cpp", "scikit_build_core.build")
    git_init(root)
    return root


def _all_settings(tmp: Path) -> Path:
    root = write_workspace(tmp / "cfg" / "py", [ProjectSpec("fast-core", "1.0.0")], relnox=SETTINGS)
    native_spec(root, "fast-rs", "maturin")
    git_init(tmp / "cfg")
    return root


def _private_index(tmp: Path) -> Path:
    """``pypi`` and ``testpypi`` both configured to a private index: no OIDC, no signing."""
    root = write_project(tmp / "private", ProjectSpec("private", "1.0.0"))
    pyproject = root / "pyproject.toml"
    pyproject.write_text(
        pyproject.read_text(encoding="utf-8")
        + "\n[tool.relnox.repositories]\n"
        + 'testpypi = "http://127.0.0.1:8080/test/"\npypi = "http://127.0.0.1:8080/prod/"\n',
        encoding="utf-8",
    )
    git_init(root)
    return root


def _edge_settings(tmp: Path) -> Path:
    """The least usual values each setting accepts: a free-threaded Python, a branch glob,
    a requirement with a marker, a git requirement over ssh."""
    settings = (
        '[tool.relnox.ci]\npython-versions = ["3.12", "3.13t"]\nbranch = "release/*"\n'
        'install = ["nox>=2025; python_version >= \'3.9\'"]\nos = ["ubuntu-24.04"]\n'
        'relnox-requirement = "relnox @ git+ssh://git@github.com/example/relnox@0123456789ab"\n'
    )
    root = write_workspace(tmp / "edge", [ProjectSpec("edge-core", "1.0.0")], relnox=settings)
    git_init(root)
    return root


def _workspace_shards(tmp: Path) -> Path:
    """The build over a matrix of three shards, the workspace in a subdirectory."""
    root = write_workspace(tmp / "sh" / "py", demo_specs(), relnox="[tool.relnox.ci]\nshards = 3\n")
    git_init(tmp / "sh")
    return root


def _workspace_shards_auto(tmp: Path) -> Path:
    root = write_workspace(tmp / "sha", demo_specs(), relnox='[tool.relnox.ci]\nshards = "auto"\n')
    git_init(root)
    return root


def _release_pr(tmp: Path) -> Path:
    """``mode = "release-pr"``: release-pr.yml beside the other two."""
    root = write_workspace(
        tmp / "rpr", demo_specs(), relnox='[tool.relnox.ci]\nmode = "release-pr"\n'
    )
    git_init(root)
    return root


def _per_project(tmp: Path) -> Path:
    """``environments = "per-project"``: the publish jobs a matrix, a package an environment."""
    config = '[tool.relnox.ci]\nenvironments = "per-project"\n'
    root = write_workspace(tmp / "pp", demo_specs(), relnox=config)
    git_init(root)
    return root


VARIANTS: dict[str, Callable[[Path], Path]] = {
    "single": _single,
    "single-native": _single_native,
    "single-on-release": _single_on_release,
    "workspace-subdir": _workspace_subdir,
    "workspace-native": _workspace_native,
    "all-settings": _all_settings,
    "private-index": _private_index,
    "edge-settings": _edge_settings,
    "workspace-shards": _workspace_shards,
    "workspace-shards-auto": _workspace_shards_auto,
    "release-pr": _release_pr,
    "per-project": _per_project,
}
#: the variants whose publishing jobs go to PyPI and TestPyPI
PUBLIC = sorted(set(VARIANTS) - {"private-index"})


def write_variant(name: str, tmp: Path) -> list[Path]:
    root = VARIANTS[name](tmp)
    out = tmp / "out" / name
    paths = []
    for rel, text in generate(load_workspace(root)).items():
        if rel.endswith(".yml"):
            path = out / ".github" / "workflows" / Path(rel).name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
            paths.append(path)
    pr = ["release-pr.yml"] if name == "release-pr" else []
    assert [p.name for p in paths] == ["release.yml", "auto-tag.yml", *pr]
    return paths


@pytest.mark.parametrize("variant", sorted(VARIANTS))
def test_zizmor_finds_nothing(variant: str, tmp_path: Path) -> None:
    paths = write_variant(variant, tmp_path)
    proc = subprocess.run(
        [tool("zizmor"), "--offline", "--no-config", "--format", "json", *map(str, paths)],
        capture_output=True,
        text=True,
        check=False,
    )
    findings = json.loads(proc.stdout or "[]")
    assert findings == [], json.dumps(findings, indent=1)[:4000]
    assert proc.returncode == 0, proc.stderr


@pytest.mark.parametrize("variant", sorted(VARIANTS))
def test_actionlint_finds_nothing(variant: str, tmp_path: Path) -> None:
    paths = write_variant(variant, tmp_path)
    proc = subprocess.run(
        [tool("actionlint"), "-no-color", "-oneline", "-shellcheck", tool("shellcheck")]
        + [str(p) for p in paths],
        capture_output=True,
        text=True,
        check=False,
    )
    assert (proc.returncode, proc.stdout + proc.stderr) == (0, "")


def steps(doc: dict[Any, Any]) -> list[tuple[str, dict[str, Any]]]:
    return [(name, step) for name, job in doc["jobs"].items() for step in job["steps"]]


@pytest.mark.parametrize("variant", sorted(VARIANTS))
def test_hardening(variant: str, tmp_path: Path) -> None:
    for path in write_variant(variant, tmp_path):
        text = path.read_text(encoding="utf-8")
        doc = yaml.safe_load(text)
        assert doc["permissions"] == {}
        for job in doc["jobs"].values():
            assert "write" not in json.dumps(job["permissions"]) or job["permissions"] in (
                {"contents": "write", "actions": "write"},  # auto-tag: push tags, start runs
                {"contents": "write"},  # github-release
                {"contents": "write", "pull-requests": "write"},  # release-pr
                {"contents": "read", "id-token": "write"},  # trusted publishing
            )
        for line in re.findall(r"uses: (.*)", text):
            action, _, rest = line.partition("@")
            sha, _, version = rest.partition(" # ")
            assert (sha, version) == (PINS[action].sha, PINS[action].version), line
        for job, step in steps(doc):
            if step.get("uses", "").startswith("actions/checkout@"):
                pushes = "--push" in json.dumps(doc["jobs"][job]["steps"])
                assert step["with"]["persist-credentials"] is pushes, job


def test_install_step_pins_relnox(tmp_path: Path) -> None:
    release = yaml.safe_load(write_variant("single", tmp_path)[0].read_text(encoding="utf-8"))
    installs = {s["run"] for _, s in steps(release) if s.get("name") == "Install nox and relnox"}
    assert installs == {f"python -m pip install 'nox[uv]' relnox=={relnox.__version__}"}
    release = yaml.safe_load(write_variant("all-settings", tmp_path)[0].read_text(encoding="utf-8"))
    installs = {s["run"] for _, s in steps(release) if s.get("name") == "Install nox and relnox"}
    assert installs == {
        "python -m pip install nox==2025.5.1 'relnox @ git+https://github.com/example/relnox"
        "@0123456789abcdef0123456789abcdef01234567'"
    }


@pytest.mark.parametrize(
    ("setting", "message"),
    [
        ('relnox-requirement = "notrelnox==1.0"', "not a requirement on relnox"),
        ('relnox-requirement = "relnox @@ nowhere"', "not a requirement on relnox"),
        ("relnox-requirement = 3", "not a requirement on relnox"),
        ('install = ["nox", "relnox==0.0.1"]', "name the relnox to install in relnox-requirement"),
        ('relnox_requirement = "relnox==1"', "did you mean 'relnox-requirement'"),
        ('trigger = "published"', "trigger 'published' is not one of 'tag', 'release'"),
        ('environments = "each"', "environments 'each' is not one of 'shared', 'per-project'"),
        # each value goes into the workflow as written: a newline, a quote or ${{ }} would
        # change what it runs, and a pip option or a shell word in install ran as such
        ('python-versions = ["banana"]', "has 'banana', which is not a Python version"),
        ('python-versions = ["3.12${{ github.head_ref }}"]', "which is not a Python version"),
        ('python-versions = ["3.12\\nrun: x"]', "has '3.12\\nrun: x', which is not a Python"),
        ('python-versions = ["3.12", "3.12"]', "python-versions names '3.12' twice"),
        ('branch = "main${{ github.head_ref }}"', "is not a branch name the workflow can hold"),
        ('branch = "my branch"', "branch 'my branch' is not a branch name"),
        ('branch = ""', "branch '' is not a branch name"),
        ('os = ["ubuntu-latest\\n"]', "os has 'ubuntu-latest\\n', which is not a runner label"),
        ('install = ["nox; curl x | sh"]', "which is not a requirement pip takes"),
        ('install = ["--index-url=http://x.invalid/ nox"]', "not a requirement pip takes"),
        ('install = ["x @ https://x.invalid/${{github.token}}.whl"]', "an Actions expression"),
        (
            'relnox-requirement = "relnox @ git+https://ghp_SECRET1@github.com/o/relnox@abc"',
            "'relnox @ git+https://***@github.com/o/relnox@abc', whose URL holds a credential",
        ),
        (
            'relnox-requirement = "relnox @ git+https://u:SECRET1@github.com/o/relnox@abc"',
            "whose URL holds a credential",
        ),
        (
            'relnox-requirement = "relnox @ https://x.invalid/relnox.whl?token=SECRET1"',
            "?token=***', whose URL holds a credential",
        ),
    ],
)
def test_ci_settings_are_validated(
    setting: str, message: str, make_workspace: Callable[..., Path]
) -> None:
    root = make_workspace(
        [ProjectSpec("one", "1.0.0")], git=False, relnox=f"[tool.relnox.ci]\n{setting}"
    )
    with pytest.raises(ConfigError, match=re.escape(message)) as caught:
        ci_settings(load_workspace(root))
    assert "[tool.relnox.ci]" in str(caught.value)
    assert "SECRET1" not in str(caught.value) and "\n" not in str(caught.value)


def test_a_free_threaded_python_cibuildwheel_no_longer_builds_is_refused(tmp_path: Path) -> None:
    """python-versions = ["3.13", "3.13t"] with a scikit-build-core package: the pinned
    cibuildwheel (3.4) builds free-threaded wheels from 3.14t on, so the 3.13t wheel job
    selected no build and failed the first run; ci-init now says so before writing. A
    pure workspace keeps 3.13t (setup-python has it), and 3.14t is a wheel like any."""
    settings = '[tool.relnox.ci]\npython-versions = ["3.13", "3.13t"]\n'
    root = write_workspace(tmp_path / "ft", [ProjectSpec("ft-core", "1.0.0")], relnox=settings)
    assert ci_settings(load_workspace(root)).python_versions == ("3.13", "3.13t")
    native_spec(root, "ft-ext", "scikit_build_core.build")
    with pytest.raises(ConfigError) as caught:
        ci_settings(load_workspace(root))
    message = str(caught.value)
    assert (
        "python-versions has '3.13t', whose free-threaded wheels cibuildwheel does not" in message
    )
    assert '(ft-ext: from 3.14t on); write "3.14t"' in message and "\n" not in message
    pyproject = root / "pyproject.toml"
    pyproject.write_text(pyproject.read_text(encoding="utf-8").replace("3.13t", "3.14t"), "utf-8")
    release = generate(load_workspace(root))[".github/workflows/release.yml"]
    assert "cp: cp314t" in release


@pytest.mark.parametrize("variant", ["single", "single-on-release", "all-settings"])
def test_a_published_github_release_starts_the_release_when_chosen(
    variant: str, tmp_path: Path
) -> None:
    """Seeds 002 and 004: ``on: release: types: [published]``, artifacts attached to it."""
    release = yaml.safe_load(write_variant(variant, tmp_path)[0].read_text(encoding="utf-8"))
    on, job = release[True], release["jobs"]["github-release"]  # PyYAML: `on` is a boolean
    script = job["steps"][-1]["run"]
    assert "workflow_dispatch" in on
    if variant == "single":  # the default is unchanged: a pushed tag, a release created
        assert set(on) == {"push", "workflow_dispatch"} and on["push"]["tags"] == ["v[0-9]*"]
        # a release an earlier run of the same commit made is left alone, never duplicated
        assert script.count("gh release") == 2 and "gh release create" in script
        assert 'if gh release view "$tag"' in script
        return
    assert set(on) == {"release", "workflow_dispatch"} and on["release"] == {"types": ["published"]}
    dist = "py/dist" if variant == "all-settings" else "dist"
    # the published release keeps its notes and gets every file of its tag
    assert "--files release-files.txt" in script and "mapfile -t files" in script
    assert 'gh release upload "$tag" --clobber "${files[@]}"' in script
    assert 'if gh release view "$tag"' in script and "gh release create" in script.split("else")[1]
    assert job["steps"][-1]["env"]["TAGS"] == "${{ needs.plan.outputs.tags }}"  # the plan's
    assert job["permissions"] == {"contents": "write"}
    assert "needs.plan.outputs.tags != ''" in job["if"]  # a release event runs on its tag
    downloads = [s["with"] for s in job["steps"] if "download-artifact" in s.get("uses", "")]
    assert downloads[0] == {"name": "dist", "path": dist + "/"}


def job_steps(job: dict[str, Any]) -> list[str]:
    return [step.get("name") or step["uses"].split("@")[0] for step in job["steps"]]


@pytest.mark.parametrize("variant", PUBLIC)
def test_trusted_publishing_jobs_sign_their_own_files(variant: str, tmp_path: Path) -> None:
    release = yaml.safe_load(write_variant(variant, tmp_path)[0].read_text(encoding="utf-8"))
    jobs = release["jobs"]
    oidc = {name for name, job in jobs.items() if "id-token" in job["permissions"]}
    assert oidc == {"pypi", "testpypi"}  # the identity that signs and publishes, nowhere else
    native = any(name.startswith("wheels-") for name in jobs)
    for target, publish in (("pypi", 'nox -s publish -- --yes --repository "$REPOSITORY" --attestations'),
                            ("testpypi", "nox -s publish-test -- --attestations")):  # fmt: skip
        job = jobs[target]
        assert job["permissions"] == {"contents": "read", "id-token": "write"}
        names = job_steps(job)
        sign = next(i for i, n in enumerate(names) if n.startswith("Sign every file"))
        downloads = [
            i for i, n in enumerate(names) if "download-artifact" in json.dumps(job["steps"][i])
        ]
        assert len(downloads) == (2 if native else 1) and max(downloads) < sign
        # signed in this job, uploaded right after (a workspace's names every package)
        assert job["steps"][sign + 1]["run"].splitlines()[-1].startswith(publish)
        script = job["steps"][sign]["run"]
        assert "pypi-attestations==" in script
        assert re.search(
            r"python -m pypi_attestations sign \S*dist/\*\.whl \S*dist/\*\.tar\.gz", script
        )
    # no job hands its attestations to another: they are never an artifact
    assert ".attestation" not in json.dumps(release)


def test_a_private_index_gets_no_attestations(make_project: Callable[..., Path]) -> None:
    spec = ProjectSpec("private", "1.0.0")
    root = make_project(spec)
    pyproject = root / "pyproject.toml"
    pyproject.write_text(
        pyproject.read_text(encoding="utf-8")
        + '\n[tool.relnox.repositories]\ntestpypi = "http://127.0.0.1:8080/"\n',
        encoding="utf-8",
    )
    text = generate(load_workspace(root))[".github/workflows/release.yml"]
    jobs = yaml.safe_load(text)["jobs"]
    assert jobs["testpypi"]["steps"][-1]["run"].endswith('nox -s publish-test -- "${args[@]}"\n')
    assert not any(n.startswith("Sign") for n in job_steps(jobs["testpypi"]))
    assert any(n.startswith("Sign") for n in job_steps(jobs["pypi"]))
    assert "a local or private index gets none" in text.replace("\n# ", " ")
    assert jobs["testpypi"]["permissions"] == {"contents": "read"}  # no identity to sign with
    assert jobs["pypi"]["permissions"] == {"contents": "read", "id-token": "write"}


def test_a_private_index_job_gets_no_oidc_identity(tmp_path: Path) -> None:
    release = yaml.safe_load(write_variant("private-index", tmp_path)[0].read_text("utf-8"))
    oidc = [name for name, job in release["jobs"].items() if "id-token" in job["permissions"]]
    assert oidc == []
    assert "pypi_attestations" not in json.dumps(release) and "--attestations" not in json.dumps(
        release
    )


@pytest.mark.slow
def test_dry_run_shows_the_signing_step(make_project: Callable[..., Path]) -> None:
    root = pin_relnox(make_project(ProjectSpec("failextract", "1.0.0")))
    dry = run_relnox("ci-init", "--dry-run", cwd=root, check=True)
    assert "python -m pypi_attestations sign dist/*.whl dist/*.tar.gz" in dry.stdout
    assert 'nox -s publish -- --yes --repository "$REPOSITORY" --attestations' in dry.stdout


@pytest.mark.parametrize("variant", ["single-native", "workspace-native", "all-settings"])
def test_matrix_wheels_are_published_from_the_directory_relnox_reads(
    variant: str, tmp_path: Path
) -> None:
    release = yaml.safe_load(write_variant(variant, tmp_path)[0].read_text(encoding="utf-8"))
    top = release.get("defaults", {}).get("run", {}).get("working-directory", "")
    dist = f"{top}/dist/" if top else "dist/"  # the dist-dir relnox publish reads by default
    jobs = release["jobs"]
    wheel_jobs = sorted(name for name in jobs if name.startswith("wheels-"))
    assert wheel_jobs
    for name in wheel_jobs:  # every wheel of the OS x Python matrix becomes an artifact
        matrix = jobs[name]["strategy"]["matrix"]
        assert len(matrix["os"]) >= 2 and len(matrix["python"]) >= 2
        upload = jobs[name]["steps"][-1]
        assert upload["uses"].startswith("actions/upload-artifact@")
        assert upload["with"]["name"].startswith("wheels-") and upload["with"]["path"].endswith(
            "*.whl"
        )
    for target in ("pypi", "testpypi", "github-release"):
        job = jobs[target]
        downloads = [s["with"] for s in job["steps"] if "download-artifact" in s.get("uses", "")]
        assert downloads == [
            {"name": "dist", "path": dist},
            {"pattern": "wheels-*", "merge-multiple": True, "path": dist},
        ]
        if target != "github-release":
            assert set(job["needs"]) >= set(wheel_jobs)
            last = job["steps"][-1]["run"].splitlines()[-1]
            assert last.startswith(("nox -s publish -- ", "nox -s publish-test"))
            assert "--dist" not in job["steps"][-1]["run"]  # the default directory is that one


def test_a_private_index_job_is_given_its_secrets_by_name(tmp_path: Path) -> None:
    root = _private_index(tmp_path)
    release = yaml.safe_load(generate(load_workspace(root))[".github/workflows/release.yml"])
    for target, prefix in (("pypi", ""), ("testpypi", "TEST_")):
        [publish] = [
            s for s in release["jobs"][target]["steps"] if "nox -s publish" in s.get("run", "")
        ]
        assert publish["env"] == {
            "PACKAGES": f"${{{{ needs.plan.outputs.{target} }}}}",
            **({"REPOSITORY": "${{ needs.plan.outputs.pypi_repository }}"} if not prefix else {}),
            "TWINE_USERNAME": f"${{{{ secrets.{prefix}INDEX_USERNAME }}}}",
            "TWINE_PASSWORD": f"${{{{ secrets.{prefix}INDEX_PASSWORD }}}}",
        }
    said = "\n".join(notes(load_workspace(root)))
    assert "create the secrets INDEX_USERNAME and INDEX_PASSWORD" in said
    assert "create the secrets TEST_INDEX_USERNAME and TEST_INDEX_PASSWORD" in said
    public = yaml.safe_load(write_variant("single", tmp_path)[0].read_text(encoding="utf-8"))
    assert "secrets." not in json.dumps(public["jobs"]["pypi"])


def test_the_native_wheels_sample_in_the_recipes_is_what_ci_init_writes(tmp_path: Path) -> None:
    """docs/recipes.md shows a scikit-build-core package's wheel job: each of its lines
    (``# ...`` marks lines left out) is, in order, a line of what ci-init writes."""
    text = (Path(__file__).parents[2] / "docs" / "recipes.md").read_text(encoding="utf-8")
    section = text[text.index("## Native wheels") :]
    start = section.index("```yaml\n") + len("```yaml\n")
    sample = section[start : section.index("\n```\n", start)].splitlines()
    assert sample[0] == "  wheels-fastmath:" and len(sample) > 40
    root = write_project(tmp_path / "fastmath", ProjectSpec("fastmath", "1.0.0"))
    pyproject = root / "pyproject.toml"
    pyproject.write_text(
        pyproject.read_text(encoding="utf-8")
        .replace('requires = ["hatchling"]', 'requires = ["scikit-build-core"]')
        .replace('"hatchling.build"', '"scikit_build_core.build"')
        .replace('requires-python = ">=3.9"', 'requires-python = ">=3.10"'),
        encoding="utf-8",
    )
    git_init(root)
    written = iter(generate(load_workspace(root))[".github/workflows/release.yml"].splitlines())
    for line in sample:
        if line.strip().startswith("# "):
            continue
        assert any(line == found for found in written), f"not written (or not in order): {line}"
