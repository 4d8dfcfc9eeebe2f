"""bump-my-version's ``current_version`` beside the build backend's version: a copy a bump
moves too (relnox/versions/bumpversion.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from relnox.bump import BumpOptions, apply_bump, plan_bump
from relnox.project.discovery import load_workspace
from tests.conftest import run_relnox
from tests.shapes import commit, project, repo, write

#: a later section with a key of the same name: not bump-my-version's current version
OTHER_SECTION = (
    "\n[bumpversion:file:pyproject.toml]\ncurrent_version = 9\n",
    '\n[tool.other]\ncurrent_version = "9"\n',
)


@pytest.mark.parametrize(
    ("name", "text"),
    [
        (".bumpversion.cfg", "[bumpversion]\ncommit = True\ncurrent_version = 1.13.0\n"),
        ("setup.cfg", "[metadata]\nversion = 0\n\n[bumpversion]\ncurrent_version: 1.13.0\n"),
        (".bumpversion.toml", '[tool.bumpversion]\ncurrent_version = "1.13.0"\n'),
    ],
    ids=["cfg", "setup.cfg", "toml"],
)
def test_bump_my_versions_current_version_moves_with_the_version(
    tmp_path: Path, name: str, text: str
) -> None:
    """The shape: a bump-my-version configuration beside the
    backend's version says ``current_version = 1.13.0`` too; a relnox bump moves it (else
    that tool finds none of its files at its version), and one that differs is left alone."""
    files = {
        "pyproject.toml": project("toolish", "1.13.0"),
        "toolish/__init__.py": "",
        name: text + OTHER_SECTION[name.endswith(".toml")],
    }
    root = repo(tmp_path / "r", files, tags=["1.13.0"])
    ws = load_workspace(root)
    (pkg,) = ws.packages
    assert [loc.path for loc in pkg.locations] == [root / "pyproject.toml", root / name]
    apply_bump(plan_bump(ws, BumpOptions(part="minor")))
    after = (root / name).read_text()
    assert after.count("1.14.0") == 1 and "1.13.0" not in after
    assert after.endswith(OTHER_SECTION[name.endswith(".toml")])  # another section's key
    write(root, {name: text.replace("1.13.0", "1.2.0")})
    (pkg,) = load_workspace(root).packages
    assert [loc.path for loc in pkg.locations] == [root / "pyproject.toml"]


def test_bump_my_versions_table_in_pyproject_moves_with_the_version(tmp_path: Path) -> None:
    extra = '\n[tool.bumpversion]\ncurrent_version = "2.0.0"\n'
    files = {"pyproject.toml": project("tomlish", "2.0.0", extra=extra), "tomlish/__init__.py": ""}
    root = repo(tmp_path / "r", files, tags=["2.0.0"])
    ws = load_workspace(root)
    apply_bump(plan_bump(ws, BumpOptions(part="patch")))
    text = (root / "pyproject.toml").read_text()
    assert 'version = "2.0.1"' in text and 'current_version = "2.0.1"' in text


def test_bump_my_versions_section_in_the_setup_cfg_that_holds_the_version(
    tmp_path: Path,
) -> None:
    """setup.cfg holds ``[metadata] version`` (the version source) and bump-my-version's
    ``[bumpversion]`` section: two places in one file, both moved."""
    cfg = "[metadata]\nname = cfgish\nversion = 3.1.0\n\n[bumpversion]\ncurrent_version = 3.1.0\n"
    files = {
        "pyproject.toml": '[build-system]\nrequires = ["setuptools"]\n'
        'build-backend = "setuptools.build_meta"\n',
        "setup.cfg": cfg,
        "cfgish/__init__.py": "",
    }
    root = repo(tmp_path / "r", files, tags=["3.1.0"])
    ws = load_workspace(root)
    (pkg,) = ws.packages
    assert [loc.path for loc in pkg.locations] == [root / "setup.cfg", root / "setup.cfg"]
    apply_bump(plan_bump(ws, BumpOptions(part="minor")))
    assert (root / "setup.cfg").read_text() == cfg.replace("3.1.0", "3.2.0")


PYTEST_COV_CFG = """[bumpversion]
current_version = 7.0.0
commit = True

[bumpversion:file:pyproject.toml]
search = version = "{current_version}"
replace = version = "{new_version}"

[bumpversion:file (badge):README.rst]
search = /v{current_version}.svg
replace = /v{new_version}.svg

[bumpversion:file (link):README.rst]
search = /v{current_version}...main
replace = /v{new_version}...main

[bumpversion:file:docs/conf.py]
search = version = release = '{current_version}'
replace = version = release = '{new_version}'

[bumpversion:file:VERSION.txt]

[bumpversion:file:CHANGELOG.rst]
search = Unreleased
replace = {new_version} ({now:%Y-%m-%d})

[bumpversion:glob:examples/*.cfg]
"""

README = (
    "Cov\n===\n\n.. image:: https://img.example/since/v7.0.0.svg\n"
    "    :target: https://example.org/compare/v7.0.0...main\n\nNeeds 7.0.0.post1 of x.\n"
)


@pytest.mark.parametrize("form", ["cfg", "toml"])
def test_the_files_bump_my_version_rewrites_move_with_the_version(
    tmp_path: Path, form: str
) -> None:
    """The shape: .bumpversion.cfg names README.rst (a badge and a compare link),
    docs/conf.py and a VERSION file by their searches; a relnox bump moved only
    current_version and left them at the old version, out of step with the tool's own
    next run. Entries relnox cannot write as that tool would (a {now} replace, a glob) are
    left alone, and so is text near the version the searches do not name."""
    config = {".bumpversion.cfg": PYTEST_COV_CFG}
    if form == "toml":
        config = {
            ".bumpversion.toml": '[tool.bumpversion]\ncurrent_version = "7.0.0"\n\n'
            '[[tool.bumpversion.files]]\nfilename = "README.rst"\nsearch = "/v{current_version}.svg"\n'
            'replace = "/v{new_version}.svg"\n\n[[tool.bumpversion.files]]\nfilename = "README.rst"\n'
            'search = "/v{current_version}...main"\nreplace = "/v{new_version}...main"\n\n'
            '[[tool.bumpversion.files]]\nfilename = "docs/conf.py"\n'
            "search = \"version = release = '{current_version}'\"\n"
            "replace = \"version = release = '{new_version}'\"\n\n"
            '[[tool.bumpversion.files]]\nfilename = "VERSION.txt"\n\n'
            '[[tool.bumpversion.files]]\nglob = "examples/*.cfg"\n'
        }
    files = {
        "pyproject.toml": project("cov", "7.0.0"),
        "cov/__init__.py": "",
        "README.rst": README,
        "docs/conf.py": "version = release = '7.0.0'\n",
        "VERSION.txt": "7.0.0\n",
        "CHANGELOG.rst": "Unreleased\n----------\n\n* New.\n",
        "examples/a.cfg": "v = 7.0.0\n",
        **config,
    }
    root = repo(tmp_path / "r", files, tags=["v7.0.0"])
    ws = load_workspace(root)
    (pkg,) = ws.packages
    names = [str(loc.path.relative_to(root)) for loc in pkg.locations]
    assert names == [
        "pyproject.toml",
        next(iter(config)),
        "README.rst",
        "docs/conf.py",
        "VERSION.txt",
    ]
    apply_bump(plan_bump(ws, BumpOptions(part="minor")))
    assert (root / "README.rst").read_text() == README.replace("v7.0.0", "v7.1.0")
    assert (root / "docs/conf.py").read_text() == "version = release = '7.1.0'\n"
    assert (root / "VERSION.txt").read_text() == "7.1.0\n"
    assert (root / "examples/a.cfg").read_text() == "v = 7.0.0\n"
    assert (root / "CHANGELOG.rst").read_text().startswith("Unreleased\n")


def test_poetry_bumpversions_files_move_with_the_poetry_version(tmp_path: Path) -> None:
    """The shape: ``[tool.poetry_bumpversion.file."pkg/shared/
    version.py"]`` with ``search = 'VERSION = "{current_version}"'`` (no ``__version__``
    anywhere); a ``replacements`` entry's files and a bare ``{current_version}`` are read the
    same way, and a file at another version is left alone."""
    pyproject = (
        '[tool.poetry]\nname = "pkg"\nversion = "3.2.1a1"\ndescription = ""\nauthors = []\n\n'
        '[build-system]\nrequires = ["poetry-core"]\nbuild-backend = "poetry.core.masonry.api"\n\n'
        '[tool.poetry_bumpversion.file."pkg/shared/version.py"]\n'
        "search = 'VERSION = \"{current_version}\"'\nreplace = 'VERSION = \"{new_version}\"'\n\n"
        "[[tool.poetry_bumpversion.replacements]]\n"
        'files = ["docs/VERSION", "docs/other.txt"]\n'
    )
    files = {
        "pyproject.toml": pyproject,
        "pkg/__init__.py": "",
        "pkg/shared/__init__.py": "",
        "pkg/shared/version.py": '"""The version."""\n\nVERSION = "3.2.1a1"\n',
        "docs/VERSION": "3.2.1a1\n",
        "docs/other.txt": "built with 1.0.0\n",
    }
    root = repo(tmp_path / "r", files, tags=["v3.2.0"])
    (pkg,) = load_workspace(root).packages
    copies = sorted(loc.path.relative_to(root).as_posix() for loc in pkg.locations[1:])
    assert copies == ["docs/VERSION", "pkg/shared/version.py"]
    apply_bump(plan_bump(load_workspace(root), BumpOptions(part="minor")))
    assert (root / "pkg/shared/version.py").read_text().endswith('VERSION = "3.3.0"\n')
    assert (root / "docs/VERSION").read_text() == "3.3.0\n"
    assert (root / "docs/other.txt").read_text() == "built with 1.0.0\n"


@pytest.mark.parametrize(
    ("name", "config"),
    [
        (
            "pyproject.toml",
            '\n[tool.bumpversion]\ncurrent_version = "1.53.0"\n\n[[tool.bumpversion.files]]\n'
            'filename = "src/ol/client/constants.py"\n'
            "search = '__version__ = \"{current_version}\"'\n"
            "replace = '__version__ = \"{new_version}\"'\n\n"
            '[[tool.bumpversion.files]]\nfilename = "../impl/Cargo.toml"\n'
            "search = 'version = \"{current_version}\"'\n"
            "replace = 'version = \"{new_version}\"'\n",
        ),
        (
            ".bumpversion.cfg",
            "[bumpversion]\ncurrent_version = 1.53.0\n\n"
            "[bumpversion:file:src/ol/client/constants.py]\n"
            'search = __version__ = "{current_version}"\n'
            'replace = __version__ = "{new_version}"\n\n'
            "[bumpversion:file:../impl/Cargo.toml]\n",
        ),
    ],
    ids=["toml", "cfg"],
)
def test_bump_my_versions_files_move_with_the_version(
    tmp_path: Path, name: str, config: str
) -> None:
    """The shape: bump-my-version lists ``src/openlineage/client/constants.py``
    (a namespace package's module, not a file relnox looks for a ``__version__`` in) and a
    crate beside the package (``../impl/Cargo.toml``); both move with the version."""
    files = {
        "py/pyproject.toml": project("ol-client", "1.53.0")
        + (config if name == "pyproject.toml" else ""),
        "py/src/ol/client/__init__.py": "",
        "py/src/ol/client/constants.py": '__version__ = "1.53.0"\n',
        "impl/Cargo.toml": '[package]\nname = "impl"\nversion = "1.53.0"\n\n[dependencies]\nx = { version = "0.3" }\n',
    }
    if name != "pyproject.toml":
        files[f"py/{name}"] = config
    root = repo(tmp_path / "r", files)
    (pkg,) = load_workspace(root / "py").packages
    copies = sorted(loc.path.relative_to(root).as_posix() for loc in pkg.locations)
    assert "impl/Cargo.toml" in copies and "py/src/ol/client/constants.py" in copies
    apply_bump(plan_bump(load_workspace(root / "py"), BumpOptions(part="minor")))
    assert (root / "py/src/ol/client/constants.py").read_text() == '__version__ = "1.54.0"\n'
    cargo = (root / "impl/Cargo.toml").read_text()
    assert 'version = "1.54.0"' in cargo and 'version = "0.3"' in cargo


def test_a_bumpversion_cfg_too_long_to_read_is_no_configuration(tmp_path: Path) -> None:
    """A probe skips a file it cannot read: a ``.bumpversion.cfg`` longer than relnox reads
    (65 MiB) leaves the package its version, not broken for a path it cannot look up."""
    root = repo(tmp_path / "r", {"pyproject.toml": project("bigcfg", "1.0.0"), "bigcfg.py": ""})
    (root / ".bumpversion.cfg").write_bytes(b"#" * (65 << 20))
    proc = run_relnox("packages", cwd=root)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "bigcfg" in proc.stdout and "1.0.0" in proc.stdout
    assert "longer than" not in proc.stdout + proc.stderr


def test_a_current_version_serialized_as_a_version_tuple_moves_with_the_version(
    tmp_path: Path,
) -> None:
    """A ``.bumpversion.cfg`` whose parse/serialize write ``current_version = 4, 7, 0,
    "alpha", 1`` (the shape of the ``version_info`` tuple the package's _version.py holds):
    a bump moves it as that tool would write 4.7.0 and 4.7.1a0 (it was left at alpha 1)."""
    cfg = (
        '[bumpversion]\ncurrent_version = 4, 7, 0, "alpha", 1\ncommit = False\n'
        'parse = (?P<major>\\d+)\\,\\ (?P<minor>\\d+)\\,\\ (?P<patch>\\d+)\\,\\ \\"(?P<release>\\S+)'
        '\\"\\,\\ (?P<build>\\d+)\nserialize =\n\t{major}, {minor}, {patch}, "{release}", {build}\n'
        "\n[bumpversion:file:tuply/_version.py]\n"
    )
    version = 'version_info = (4, 7, 0, "alpha", 1)\n__version__ = "4.7.0a1"\n'
    files = {
        "pyproject.toml": project(
            "tuply", None, extra='[tool.hatch.version]\npath = "tuply/_version.py"\n'
        ),
        "tuply/__init__.py": "",
        "tuply/_version.py": version,
        ".bumpversion.cfg": cfg,
    }
    root = repo(tmp_path / "r", files, tags=["v4.7.0a0"])
    apply_bump(plan_bump(load_workspace(root), BumpOptions(part="release")))
    assert 'current_version = 4, 7, 0, "final", 0\n' in (root / ".bumpversion.cfg").read_text()
    commit(root, {}, "v4.7.0")
    apply_bump(plan_bump(load_workspace(root), BumpOptions(part="patch", pre="alpha")))
    assert 'current_version = 4, 7, 1, "alpha", 0\n' in (root / ".bumpversion.cfg").read_text()


def test_a_current_version_in_a_shape_relnox_cannot_write_is_said(tmp_path: Path) -> None:
    """A serialize writing ``current_version = build-4.7.0``: not moved, and said in one line."""
    cfg = (
        "[bumpversion]\ncurrent_version = build-4.7.0\nserialize = build-{major}.{minor}.{patch}\n"
    )
    files = {
        "pyproject.toml": project("oddly", "4.7.0"),
        "oddly/__init__.py": "",
        ".bumpversion.cfg": cfg,
    }
    root = repo(tmp_path / "r", files, tags=["v4.7.0"])
    out = run_relnox("bump", "--part", "patch", "--dry-run", cwd=root, check=True)
    assert (
        "warning: .bumpversion.cfg: current_version = build-4.7.0 is in a shape its serialize "
        "sets that relnox cannot write; a bump leaves it: move it by hand"
    ) in out.stderr
