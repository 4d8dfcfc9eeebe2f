"""release-please's extra-files: the copies of a package's version it rewrites."""

from __future__ import annotations

import json
from pathlib import Path

from relnox.bump import BumpOptions, plan_bump
from relnox.project.discovery import load_workspace
from tests.conftest import run_relnox
from tests.shapes import project, repo


def test_release_please_extra_files_are_copies_of_the_version(tmp_path: Path) -> None:
    """The shape: each package's ``gapic_version.py`` is read by its
    build, and release-please-config.json lists it and the API version's copy
    (``kms_v1/gapic_version.py``) as the package's extra-files. The copy was not seen, so a
    bump left it behind; it is now a secondary. One at another version, a JSON entry, a
    missing file and a package release-please does not list are left alone."""
    hatch = '[tool.hatch.version]\npath = "acme/kms/gapic_version.py"\n'
    config = {
        "packages": {
            "packages/acme-kms": {
                "extra-files": [
                    "acme/kms/gapic_version.py",
                    "acme/kms_v1/gapic_version.py",
                    "acme/kms_v2/gapic_version.py",
                    "acme/kms_v3/gapic_version.py",
                    {"type": "json", "path": "samples/meta.json", "jsonpath": "$.version"},
                ]
            }
        }
    }
    marker = "  # {x-release-please-version}\n"
    files = {
        "release-please-config.json": json.dumps(config),
        "packages/acme-kms/pyproject.toml": project("acme-kms", None, extra=hatch),
        "packages/acme-kms/acme/kms/__init__.py": "",
        "packages/acme-kms/acme/kms/gapic_version.py": f'__version__ = "3.2.0"{marker}',
        "packages/acme-kms/acme/kms_v1/gapic_version.py": f'__version__ = "3.2.0"{marker}',
        "packages/acme-kms/acme/kms_v2/gapic_version.py": f'__version__ = "0.1.0"{marker}',
        "packages/acme-kms/samples/meta.json": '{"version": "3.2.0"}',
        "packages/acme-other/pyproject.toml": project(
            "acme-other", None, extra=hatch.replace("kms", "other")
        ),
        "packages/acme-other/acme/other/gapic_version.py": '__version__ = "1.0.0"\n',
        "packages/acme-other/acme/other_v1/gapic_version.py": '__version__ = "1.0.0"\n',
    }
    root = repo(tmp_path / "r", files, tags=["acme-kms-v3.2.0", "acme-other-v1.0.0"])
    ws = load_workspace(root)
    kms, other = ws.get("acme-kms"), ws.get("acme-other")
    assert [loc.path.relative_to(root).as_posix() for loc in kms.secondaries] == [
        "packages/acme-kms/acme/kms_v1/gapic_version.py"
    ]
    assert other.secondaries == ()
    written = {rel(p, root) for p in plan_bump(ws, BumpOptions(part="minor")).files}
    assert "packages/acme-kms/acme/kms_v1/gapic_version.py" in written
    assert "packages/acme-kms/acme/kms_v2/gapic_version.py" not in written


def rel(path: Path, root: Path) -> str:
    return path.relative_to(root).as_posix()


def test_the_manifest_entry_of_each_package_below_the_top_moves_with_it(tmp_path: Path) -> None:
    """A root ``.release-please-manifest.json`` that records each package's
    last release under its directory (``"packages/kit-a": "3.30.1"``);
    relnox read only a ``"."`` entry, so a bump left the manifest behind and
    release-please's next release started from the old version. The entry that says the
    package's version is a copy: bumping one package rewrites its line alone, bumping
    several rewrites each of theirs in the one file; an entry at another version is left
    alone."""
    from relnox.bump import apply_bump

    manifest = {"packages/kit-a": "1.16.2", "packages/kit-b": "3.30.1", "packages/kit-c": "0.9.0"}
    root = repo(
        tmp_path / "r",
        {
            "release-please-config.json": json.dumps(
                {"packages": {f"packages/{n}": {} for n in ("kit-a", "kit-b", "kit-c")}}
            ),
            ".release-please-manifest.json": json.dumps(manifest, indent=2) + "\n",
            "pyproject.toml": '[tool.uv.workspace]\nmembers = ["packages/*"]\n',
            "packages/kit-a/pyproject.toml": project("kit-a", "1.16.2"),
            "packages/kit-b/pyproject.toml": project("kit-b", "3.30.1"),
            "packages/kit-c/pyproject.toml": project("kit-c", "0.8.0"),
        },
        ["kit-a-v1.16.2", "kit-b-v3.30.1", "kit-c-v0.8.0"],
    )
    ws = load_workspace(root)
    plan = plan_bump(ws, BumpOptions(part="minor", packages=("kit-b",)))
    assert {path.name for path in plan.files} == {
        "pyproject.toml",
        ".release-please-manifest.json",
    }
    apply_bump(plan_bump(ws, BumpOptions(part="minor")))
    assert json.loads((root / ".release-please-manifest.json").read_text()) == {
        "packages/kit-a": "1.17.0",
        "packages/kit-b": "3.31.0",
        "packages/kit-c": "0.9.0",  # said another version than kit-c's 0.8.0: not its copy
    }


def test_the_lines_release_please_marks_in_any_extra_file_move_with_the_version(
    tmp_path: Path,
) -> None:
    """release-please's generic updater rewrites the version on each line marked
    ``x-release-please-version`` and on each line of an ``x-release-please-start-version`` ...
    ``x-release-please-end`` block, in an extra-file of any kind (a path alone, or of type
    ``generic``). relnox read only Python files, so a bump left a Dockerfile, a chart and a
    README behind. The marked lines are copies: one saying another version is drift, an
    unmarked version (a dependency's) is left alone."""
    config = {
        "packages": {
            ".": {
                "extra-files": [
                    "Dockerfile",
                    "README.md",
                    {"type": "generic", "path": "charts/acme/Chart.yaml"},
                ]
            }
        }
    }
    chart = (
        "name: acme\nversion: 1.4.0 # x-release-please-version\n"
        'appVersion: "1.4.0" # x-release-please-version\ndependencies:\n'
        "  - name: cache\n    version: 17.0.0\n"
    )
    readme = (
        "# acme\n\nNeeds cache 1.4.0 or later.\n\n<!-- x-release-please-start-version -->\n"
        "```\npip install acme==1.3.0\n```\n<!-- x-release-please-end -->\n"
    )
    root = repo(
        tmp_path / "r",
        {
            "release-please-config.json": json.dumps(config),
            "pyproject.toml": project("acme", "1.4.0"),
            "Dockerfile": 'FROM base\nLABEL version="1.4.0" # x-release-please-version\n',
            "charts/acme/Chart.yaml": chart,
            "README.md": readme,
        },
        tags=["v1.4.0"],
    )
    checked = run_relnox("check-versions", cwd=root)
    assert checked.returncode != 0
    assert "README.md says '1.3.0'" in checked.stdout + checked.stderr
    run_relnox("bump", "--part", "patch", cwd=root, check=True)
    assert 'LABEL version="1.4.1" # x-release-please-version' in (root / "Dockerfile").read_text()
    assert (root / "charts/acme/Chart.yaml").read_text() == chart.replace("1.4.0", "1.4.1")
    assert (root / "README.md").read_text() == readme.replace("acme==1.3.0", "acme==1.4.1")


def test_the_root_entry_releasing_members_moves_its_own_files_with_them(tmp_path: Path) -> None:
    """A workspace whose root is no package (a uv workspace's root, ``package = false``)
    released by release-please's ``"."`` entry, one version for all: its extra-files name each
    member's version files, a Dockerfile's marked line and a chart's, and the manifest records
    ``"."``. relnox read the ``"."`` entry only for a package at the root, so a bump left the
    Dockerfile, the chart and the manifest behind until three releases had moved them. They
    are copies of each member the entry releases; a member it does not name keeps its own."""
    config = {
        "packages": {
            ".": {
                "extra-files": [
                    {"type": "generic", "path": "packages/core/acme_core/__init__.py"},
                    {"type": "generic", "path": "packages/app/acme_app/__init__.py"},
                    {"type": "generic", "path": "packages/app/pyproject.toml"},
                    {"type": "generic", "path": "deploy/Dockerfile"},
                    {"type": "generic", "path": "deploy/Chart.yaml"},
                ]
            }
        }
    }
    hatch = '[tool.hatch.version]\npath = "acme_{}/__init__.py"\n'
    docker = 'RUN pip install "acme-app==2.0.2" "cache==0.19.0"  # x-release-please-version\n'
    chart = 'name: acme\nversion: 2.1.3\nappVersion: "2.0.2"  # x-release-please-version\n'
    root = repo(
        tmp_path / "r",
        {
            "pyproject.toml": '[tool.uv.workspace]\nmembers = ["packages/*"]\n',
            "release-please-config.json": json.dumps(config),
            ".release-please-manifest.json": '{\n  ".": "2.0.2"\n}\n',
            "packages/core/pyproject.toml": project("acme-core", None, extra=hatch.format("core")),
            "packages/core/acme_core/__init__.py": '__version__ = "2.0.2"\n',
            "packages/app/pyproject.toml": project(
                "acme-app", "2.0.2", requires=["acme-core>=2.0.2"]
            ),
            "packages/app/acme_app/__init__.py": '__version__ = "2.0.2"\n',
            "packages/tool/pyproject.toml": project("acme-tool", "2.0.2"),
            "deploy/Dockerfile": docker,
            "deploy/Chart.yaml": chart,
        },
        tags=["2.0.2"],
    )
    ws = load_workspace(root)
    written = {rel(p, root) for p in plan_bump(ws, BumpOptions(part="patch")).files}
    assert {"deploy/Dockerfile", "deploy/Chart.yaml", ".release-please-manifest.json"} <= written
    tool = ws.get("acme-tool")
    assert [rel(loc.path, root) for loc in tool.locations] == ["packages/tool/pyproject.toml"]
    run_relnox("bump", "--part", "patch", cwd=root, check=True)
    assert (root / "deploy/Dockerfile").read_text() == docker.replace("2.0.2", "2.0.3")
    assert (root / "deploy/Chart.yaml").read_text() == chart.replace("2.0.2", "2.0.3")
    assert json.loads((root / ".release-please-manifest.json").read_text()) == {".": "2.0.3"}
