"""tbump's and bumpver's current version, and the files each rewrites, beside the build
backend's version: copies a bump moves too (relnox/versions/bump_tools.py)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from relnox.bump import BumpOptions, apply_bump, plan_bump
from relnox.project.discovery import load_workspace
from tests.conftest import run_relnox
from tests.shapes import project, repo, write

TBUMP = (
    '[version]\ncurrent = "6.11.0"\nregex = "(?P<major>\\\\d+)\\\\.(?P<minor>\\\\d+)\\\\.'
    '(?P<patch>\\\\d+)"\n\n[git]\ntag_template = "v{new_version}"\n\n'
    '[[file]]\nsrc = "pyproject.toml"\nsearch = \'version = "{current_version}"\'\n\n'
    '[[file]]\nsrc = "bumpy/cli.py"\n\n'
    '[[file]]\nsrc = "docs/*.rst"\n'
)
CLI = 'BUMPY_VERSION = "6.11.0"\nOTHER = "6.11.01"\n'


@pytest.mark.parametrize("where", ["tbump.toml", "pyproject.toml"])
def test_tbumps_current_version_and_files_move_with_the_version(tmp_path: Path, where: str) -> None:
    """tbump's own shape (``tbump.toml``) and a pyproject's (``[tool.tbump]``): its
    ``[version] current`` and the files its ``[[file]]`` entries name move with a bump;
    a glob is tbump's own."""
    config = TBUMP
    if where == "pyproject.toml":
        config = config.replace("[version]", "[tool.tbump.version]").replace(
            "[[file]]", "[[tool.tbump.file]]"
        )
        config = config.replace("[git]", "[tool.tbump.git]")
    files = {
        "pyproject.toml": project("bumpy", "6.11.0"),
        "bumpy/__init__.py": "",
        "bumpy/cli.py": CLI,
        "docs/index.rst": "bumpy 6.11.0\n",
    }
    if where == "tbump.toml":
        files["tbump.toml"] = config
    else:
        files["pyproject.toml"] += "\n" + config
    root = repo(tmp_path / "r", files, tags=["v6.11.0"])
    ws = load_workspace(root)
    (pkg,) = ws.packages
    paths = [loc.path for loc in pkg.locations]
    assert root / "bumpy/cli.py" in paths and root / "docs/index.rst" not in paths
    assert root / where in paths
    apply_bump(plan_bump(ws, BumpOptions(part="minor")))
    assert (root / "bumpy/cli.py").read_text() == CLI.replace('"6.11.0"', '"6.12.0"')
    assert 'current = "6.12.0"' in (root / where).read_text()
    assert (root / "docs/index.rst").read_text() == "bumpy 6.11.0\n"


BUMPVER_CFG = (
    "[metadata]\nname = calish\n\n"
    '[bumpver]\ncurrent_version = "2026.1132"\nversion_pattern = "YYYY.BUILD[-TAG]"\n\n'
    "[bumpver:file_patterns]\n"
    'setup.cfg =\n    current_version = "{version}"\n'
    'install.sh =\n    PACKAGE_VERSION="{version}"\n'
    "README.md =\n    \\[CalVer {version}\\]\n    Copyright (c) 2018-YYYY\n"
    "notes.txt =\n    release {version}[-TAG]\n"
)


@pytest.mark.parametrize("where", ["setup.cfg", "pyproject.toml"])
def test_bumpvers_current_version_and_file_patterns_move_with_the_version(
    tmp_path: Path, where: str
) -> None:
    """bumpver's own shape: ``[bumpver] current_version = "2026.1132"`` in setup.cfg and
    its ``file_patterns``; a pattern of literal text around ``{version}`` is a copy (an
    escaped ``\\[`` is a bracket), one with bumpver's own parts or an optional part is not."""
    files = {
        "pyproject.toml": project("calish", "2026.1132"),
        "calish/__init__.py": "",
        "install.sh": 'PACKAGE_VERSION="2026.1132"\n',
        "README.md": "[CalVer 2026.1132]\nCopyright (c) 2018-2026\n",
        "notes.txt": "release 2026.1132\n",
    }
    if where == "setup.cfg":
        files["setup.cfg"] = BUMPVER_CFG
    else:
        files["pyproject.toml"] += (
            '\n[tool.bumpver]\ncurrent_version = "2026.1132"\n\n[tool.bumpver.file_patterns]\n'
            '"install.sh" = [\'PACKAGE_VERSION="{version}"\']\n'
            '"README.md" = ["\\\\[CalVer {version}\\\\]", "Copyright (c) 2018-YYYY"]\n'
            '"notes.txt" = ["release {version}[-TAG]"]\n'
        )
    root = repo(tmp_path / "r", files, tags=["2026.1132"])
    ws = load_workspace(root)
    (pkg,) = ws.packages
    paths = [loc.path for loc in pkg.locations]
    assert {root / where, root / "install.sh", root / "README.md"} <= set(paths)
    assert root / "notes.txt" not in paths
    apply_bump(plan_bump(ws, BumpOptions(to="2026.1133")))
    assert 'current_version = "2026.1133"' in (root / where).read_text()
    assert (root / "install.sh").read_text() == 'PACKAGE_VERSION="2026.1133"\n'
    assert (root / "README.md").read_text() == "[CalVer 2026.1133]\nCopyright (c) 2018-2026\n"
    assert (root / "notes.txt").read_text() == "release 2026.1132\n"


def test_a_tool_record_at_another_version_is_left_alone(tmp_path: Path) -> None:
    files = {
        "pyproject.toml": project("bumpy", "6.11.0"),
        "bumpy/__init__.py": "",
        "tbump.toml": TBUMP.replace('current = "6.11.0"', 'current = "5.0.0"'),
        "bumpy/cli.py": CLI,
    }
    root = repo(tmp_path / "r", files, tags=["v6.11.0"])
    (pkg,) = load_workspace(root).packages
    assert [loc.path for loc in pkg.locations] == [root / "pyproject.toml"]
    write(root, {"tbump.toml": "not [ toml"})
    (pkg,) = load_workspace(root).packages
    assert [loc.path for loc in pkg.locations] == [root / "pyproject.toml"]


@pytest.mark.parametrize("where", ["pyproject.toml", ".cz.toml"])
def test_commitizens_version_and_version_files_move_with_the_version(
    tmp_path: Path, where: str
) -> None:
    """commitizen's ``[tool.commitizen] version`` (its own provider) and its
    ``version_files``: a path (every copy of the version) and ``path:regex`` (the version on
    the lines the regex finds: commitizen's own ``.pre-commit-config.yaml:rev:.+Commitizen``
    with ``rev: v4.17.0``); a line the regex does not find keeps its version."""
    config = (
        '[tool.commitizen]\nversion = "4.17.0"\ntag_format = "v$version"\nversion_files = [\n'
        '    "cz_ish/__about__.py",\n    ".pre-commit-config.yaml:rev:.+Commitizen",\n]\n'
    )
    hooks = "repos:\n  - rev: v4.17.0 # updated by Commitizen\n  - rev: v4.17.0\n"
    files = {
        "pyproject.toml": project("cz-ish", "4.17.0"),
        "cz_ish/__init__.py": "",
        "cz_ish/__about__.py": 'VERSION = "4.17.0"\n',
        ".pre-commit-config.yaml": hooks,
    }
    if where == "pyproject.toml":
        files["pyproject.toml"] += "\n" + config
    else:
        files[where] = config
    root = repo(tmp_path / "r", files, tags=["v4.17.0"])
    ws = load_workspace(root)
    (pkg,) = ws.packages
    paths = [loc.path for loc in pkg.locations]
    assert {root / "cz_ish/__about__.py", root / ".pre-commit-config.yaml"} <= set(paths)
    apply_bump(plan_bump(ws, BumpOptions(part="minor")))
    assert 'version = "4.18.0"' in (root / where).read_text()
    assert (root / "cz_ish/__about__.py").read_text() == 'VERSION = "4.18.0"\n'
    assert (root / ".pre-commit-config.yaml").read_text() == hooks.replace("v4.17.0 #", "v4.18.0 #")


def test_commitizens_version_files_follow_another_provider(tmp_path: Path) -> None:
    """commitizen's own shape: ``version_provider = "uv"`` (no version of its own) still
    rewrites its ``version_files``."""
    config = (
        '\n[tool.commitizen]\nversion_provider = "uv"\nversion_files = ["cz_ish/__about__.py"]\n'
    )
    files = {
        "pyproject.toml": project("cz-ish", "4.17.0") + config,
        "cz_ish/__init__.py": "",
        "cz_ish/__about__.py": 'VERSION = "4.17.0"\n',
    }
    root = repo(tmp_path / "r", files, tags=["v4.17.0"])
    ws = load_workspace(root)
    assert [loc.path for loc in ws.packages[0].locations] == [
        root / "pyproject.toml",
        root / "cz_ish/__about__.py",
    ]


def test_a_tbump_template_spelling_the_version_itself_is_a_copy(tmp_path: Path) -> None:
    """A ``[[tool.tbump.file]]`` whose ``version_template`` puts the regex's parts back
    together as the version (``{major}.{minor}.{patch}{channel}{release}``, an optional
    part empty) moves with a bump; one spelling it otherwise (a tuple) stays tbump's."""
    tbump = (
        "\n[tool.tbump.version]\ncurrent = \"1.2.0\"\nregex = '''\n"
        "  (?P<major>\\d+)\\.(?P<minor>\\d+)\\.(?P<patch>\\d+)\n"
        "  ((?P<channel>a|b|rc|.dev)(?P<release>\\d+))?\n'''\n\n"
        '[[tool.tbump.file]]\nsrc = "docs/conf.py"\n'
        'version_template = "{major}.{minor}.{patch}{channel}{release}"\n\n'
        '[[tool.tbump.file]]\nsrc = "acme/info.py"\nversion_template = "({major}, {minor})"\n'
    )
    files = {
        "pyproject.toml": project("acme", "1.2.0") + tbump,
        "acme/__init__.py": "",
        "acme/info.py": "VERSION_INFO = (1, 2)\n",
        "docs/conf.py": '__version__ = "1.2.0"\n',
    }
    root = repo(tmp_path / "r", files, tags=["v1.2.0"])
    done = run_relnox("bump", "--to", "1.3.0rc1", "--dry-run", "--json", cwd=root, check=True)
    assert sorted(json.loads(done.stdout)["files"]) == ["docs/conf.py", "pyproject.toml"]


def test_semantic_releases_version_variables_move_with_the_version(tmp_path: Path) -> None:
    """semantic-release's ``version_variables``: ``path:name`` (the version after the name
    and ``=``, ``==``, ``:``, ``@`` or a space: a requirements pin), ``path:name:tf`` (the
    version spelled as its tag, in a doc's ``uses: org/lib@HASH  # v1.4.2``). The files moved
    with every release, but the doc's line had changed shape at the last one, so the history
    did not show it; the tool's record does. Another project's line keeps its version."""
    config = (
        '\n[tool.semantic_release]\nversion_toml = ["pyproject.toml:project.version"]\n'
        'version_variables = [\n    "action/requirements.txt:sr-ish:nf",\n'
        '    "docs/ci.rst:org/sr-ish@HASH  #:tf",\n]\n'
    )
    doc = "steps:\n  - uses: org/sr-ish@HASH  # v1.4.2\n  - uses: org/other@HASH  # v1.4.2\n"
    files = {
        "pyproject.toml": project("sr-ish", "1.4.2") + config,
        "sr_ish/__init__.py": "",
        "action/requirements.txt": "sr-ish == 1.4.2\n",
        "docs/ci.rst": doc,
    }
    root = repo(tmp_path / "r", files, tags=["v1.4.2"])
    run_relnox("bump", "--part", "minor", cwd=root, check=True)
    assert 'version = "1.5.0"' in (root / "pyproject.toml").read_text()
    assert (root / "action/requirements.txt").read_text() == "sr-ish == 1.5.0\n"
    assert (root / "docs/ci.rst").read_text() == doc.replace(
        "@HASH  # v1.4.2\n  - uses: org/o", "@HASH  # v1.5.0\n  - uses: org/o"
    )
