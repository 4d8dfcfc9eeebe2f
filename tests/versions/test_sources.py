"""Rewriting one version location keeps everything else of the file byte for byte."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from relnox.errors import ConfigError, VersionError
from relnox.versions.sources import (
    load_toml,
    pattern_location,
    python_location,
    text_location,
    toml_location,
)
from tests.conftest import run_relnox
from tests.shapes import commit, project, repo


def test_toml_keeps_crlf_comments_and_literal_quotes(tmp_path: Path) -> None:
    path = tmp_path / "pyproject.toml"
    original = (
        "# top comment\r\n[project]\r\nname = 'p'   # the name\r\n"
        "version = '1.0.0'  # bumped by relnox\r\n\r\n[tool.x]\r\nkeep = \"1.0.0\"\r\n"
    )
    path.write_bytes(original.encode())
    loc = toml_location(path, load_toml(path), ("project", "version"))
    assert (loc.value, loc.label) == ("1.0.0", f"{path} [project].version")
    new = loc.render(original, "1.1.0")
    assert new == original.replace("version = '1.0.0'", "version = '1.1.0'")


def test_python_and_text_and_pattern_locations(tmp_path: Path) -> None:
    init = tmp_path / "__init__.py"
    init.write_text('"""Doc."""\n\n__version__: str = "2.0.0"  # keep me\nVERSION_INFO = (2, 0)\n')
    loc = python_location(init)
    assert loc is not None and loc.value == "2.0.0"
    assert (
        loc.render(init.read_text(), "2.1.0").splitlines()[2]
        == '__version__: str = "2.1.0"  # keep me'
    )
    assert python_location(tmp_path / "missing.py") is None

    version_file = tmp_path / "VERSION"
    version_file.write_text("2.0.0\n")
    assert text_location(version_file).render("2.0.0\n", "3.0.0") == "3.0.0\n"

    readme = tmp_path / "README.md"
    readme.write_text("Install with `pip install p==2.0.0` today.\n")
    pattern = pattern_location(readme, "p=={version}`")
    assert pattern.value == "2.0.0"
    assert (
        pattern.render(readme.read_text(), "2.0.1")
        == "Install with `pip install p==2.0.1` today.\n"
    )
    with pytest.raises(ConfigError, match="no text matches version-files search"):
        pattern_location(readme, "q=={version}")


def test_a_location_that_moved_is_refused(tmp_path: Path) -> None:
    init = tmp_path / "__init__.py"
    init.write_text('__version__ = "1.0.0"\n')
    loc = python_location(init)
    assert loc is not None
    with pytest.raises(VersionError, match="no longer where it was read"):
        loc.render('__version__ = "9.9.9"\n', "1.0.1")


def test_non_string_toml_version_names_the_fix(tmp_path: Path) -> None:
    path = tmp_path / "pyproject.toml"
    path.write_text("[project]\nname = 'p'\nversion = 1.0\n")
    with pytest.raises(VersionError, match=r"must be a string, not 1\.0; quote it"):
        toml_location(path, load_toml(path), ("project", "version"))


def test_every_fallback_assignment_of_the_version_moves(tmp_path: Path) -> None:
    path = tmp_path / "__init__.py"
    path.write_text(
        "try:\n    __version__ = version('x')\nexcept Exception:\n"
        '    if ok:\n        __version__ = "2.0.0"  # fallback\n'
        '    else:\n        __version__ = "2.0.0"\n'
        'OTHER = "1.0.0"\nversion = "0.9"\n',
        encoding="utf-8",
    )
    loc = python_location(path)
    assert loc is not None and loc.value == "2.0.0"
    text = loc.render(path.read_text(), "2.1.0")
    assert text.count('__version__ = "2.1.0"') == 2 and '"2.0.0"' not in text
    assert 'version = "0.9"' in text  # another value: not this version


def test_a_toml_file_read_again_is_its_bytes_now_and_each_reader_has_its_own(
    tmp_path: Path,
) -> None:
    path = tmp_path / "pyproject.toml"
    path.write_text('[project]\nname = "a"\nversion = "1.0"\ndependencies = ["x"]\n')
    first = load_toml(path)
    first["project"]["dependencies"].append("changed by a caller")
    first["project"]["version"] = "9"
    again = load_toml(path)  # the same text: a parse kept, but not the caller's changes
    assert again == {"project": {"name": "a", "version": "1.0", "dependencies": ["x"]}}
    path.write_text('[project]\nname = "a"\nversion = "1.1"\ndependencies = ["x"]\n')
    assert load_toml(path)["project"]["version"] == "1.1"  # new bytes, new parse
    path.write_text('[project]\nname = "a"\nversion = "1.0"\ndependencies = ["x"]\n')
    assert load_toml(path) == again
    path.write_text("[project\n")
    with pytest.raises(ConfigError, match="invalid TOML"):
        load_toml(path)


def test_a_string_that_only_starts_an_expression_is_no_literal_version(tmp_path: Path) -> None:
    path = tmp_path / "release.py"
    path.write_text(
        "_ver = [9, 17, 0]\n__version__ = '.'.join(map(str, _ver))\n"
        "version = __version__  # old name\n",
        encoding="utf-8",
    )
    assert python_location(path) is None  # '.' is a joiner, not the version
    path.write_text('__version__ = "1.2.0"  # the release\nVERSION = "1.2" + "-x"\n')
    loc = python_location(path)
    assert loc is not None and loc.value == "1.2.0"
    assert loc.render(path.read_text(), "1.3.0").startswith('__version__ = "1.3.0"  # the')


# quoted: outcome's ``__version__: 'Final[str]' = "1.3.0.post0+dev"``
@pytest.mark.parametrize(
    "annotation", ["Final", "typing.Final", "Final[str]", "str", "'Final[str]'", '"Final"']
)
def test_an_annotated_version_is_a_literal_version(tmp_path: Path, annotation: str) -> None:
    """``__version__: Final = '9.1.1'`` (sphinx's spelling) is read and rewritten in place."""
    path = tmp_path / "__init__.py"
    path.write_text(f"__version__: {annotation} = '9.1.1'\nversion_info = (9, 1, 1)\n")
    loc = python_location(path)
    assert loc is not None and loc.value == "9.1.1"
    assert loc.render(path.read_text(), "9.2.0").startswith(f"__version__: {annotation} = '9.2.0'")


@pytest.mark.parametrize(
    ("entry", "said"), [("nope.py", "does not exist"), ("vdir", "is not a regular file")]
)
def test_a_version_file_that_is_no_file_is_said_as_such(
    tmp_path: Path, entry: str, said: str
) -> None:
    """A version-files entry naming nothing, or a directory: not "has no version line"."""
    from relnox.project.discovery import load_workspace

    (tmp_path / "vdir").mkdir()
    (tmp_path / "pyproject.toml").write_text(
        '[project]\nname = "vf"\nversion = "1.0.0"\n'
        '[build-system]\nrequires = ["hatchling"]\nbuild-backend = "hatchling.build"\n'
        f'[tool.relnox]\nversion-files = ["{entry}"]\n',
        encoding="utf-8",
    )
    with pytest.raises((ConfigError, VersionError)) as info:
        load_workspace(tmp_path).packages[0].version  # noqa: B018
    message = str(info.value)
    assert f"{tmp_path / entry}: listed in [tool.relnox] version-files ({entry!r}) but {said}" in (
        message
    )


def test_a_tag_made_before_the_version_moved_to_project_is_read(tmp_path: Path) -> None:
    """The shape: 1.0.1 was tagged with ``[tool.poetry] version``, then the
    project moved to ``[project] version`` (poetry-core 2); the tag's version is still read,
    so doctor does not call the tag one 'whose version is unknown'."""
    from relnox.project.discovery import load_workspace
    from relnox.versions.sources import version_at
    from tests.shapes import commit, repo

    old = (
        '[tool.poetry]\nname = "shellish"\nversion = "1.0.1"\n\n'
        '[build-system]\nrequires = ["poetry-core"]\nbuild-backend = "poetry.core.masonry.api"\n'
    )
    root = repo(tmp_path / "r", {"pyproject.toml": old, "shellish/__init__.py": ""}, ["1.0.1"])
    new = '[project]\nname = "shellish"\nversion = "1.0.1"\n\n' + old.split("\n\n", 1)[1]
    commit(root, {"pyproject.toml": new})
    (pkg,) = load_workspace(root).packages
    assert pkg.locations[0].key == ("project", "version")
    assert version_at(root, pkg.locations, "1.0.1") == "1.0.1"
    assert version_at(root, pkg.locations, "HEAD") == "1.0.1"


def test_a_tag_made_before_the_version_moved_from_setup_cfg_is_read(tmp_path: Path) -> None:
    """The shape: 3.0.2 was tagged with setup.cfg's ``[metadata] version = 3.0.2``,
    then the metadata moved to pyproject.toml's ``[project]``; doctor called the tag one
    'whose version is unknown'. A ``version`` of another section is not the version."""
    from relnox.project.discovery import load_workspace
    from relnox.versions.sources import version_at
    from tests.shapes import commit, project, repo

    cfg = "[metadata]\nname = waitish\nversion = 3.0.2\n\n[options]\npackages = find:\n"
    old = '[build-system]\nrequires = ["setuptools"]\nbuild-backend = "setuptools.build_meta"\n'
    files = {"pyproject.toml": old, "setup.cfg": cfg, "waitish/__init__.py": ""}
    root = repo(tmp_path / "r", files, ["v3.0.2"])
    (root / "setup.cfg").unlink()
    commit(root, {"pyproject.toml": project("waitish", "3.0.3", backend="setuptools")})
    (pkg,) = load_workspace(root).packages
    assert pkg.locations[0].key == ("project", "version")
    assert version_at(root, pkg.locations, "v3.0.2") == "3.0.2"
    assert version_at(root, pkg.locations, "HEAD") == "3.0.3"
    other = cfg.replace("version = 3.0.2\n", "").replace("[options]\n", "[options]\nversion = 1\n")
    commit(root, {"setup.cfg": other}, "v0.1")
    (root / "pyproject.toml").write_text(old)
    commit(root, {}, "v0.2", message="no [project]")
    assert version_at(root, pkg.locations, "v0.2") is None


@pytest.mark.parametrize(
    ("make", "said"),
    [
        (lambda p: p.mkdir(), "a directory"),
        (lambda p: p.symlink_to(p.parent / "gone.py"), "a link to nothing"),
        (lambda p: None, "no such file"),
    ],
)
def test_a_version_file_that_is_no_file_is_said_so(
    tmp_path: Path, make: Callable[[Path], None], said: str
) -> None:
    """hatch's ``path = "src/pkg/__about__.py"`` naming a directory, a link to nothing or
    nothing at all: relnox said the file had no ``__version__`` line."""
    (tmp_path / "src" / "pkg").mkdir(parents=True)
    (tmp_path / "src" / "pkg" / "__init__.py").write_text("", encoding="utf-8")
    (tmp_path / "pyproject.toml").write_text(
        '[build-system]\nrequires = ["hatchling"]\nbuild-backend = "hatchling.build"\n'
        '[project]\nname = "pkg"\ndynamic = ["version"]\n'
        '[tool.hatch.version]\npath = "src/pkg/__about__.py"\n',
        encoding="utf-8",
    )
    make(tmp_path / "src" / "pkg" / "__about__.py")
    proc = run_relnox("packages", cwd=tmp_path)
    assert proc.returncode == 1
    assert proc.stderr.strip().splitlines() == [
        f"relnox: error: {tmp_path / 'src' / 'pkg' / '__about__.py'}: {said}, which "
        f"{tmp_path / 'pyproject.toml'} [tool.hatch.version] path points at; point it at the "
        'file that holds __version__ = "..."'
    ]


def test_two_version_literals_of_one_package_that_disagree_are_drift(tmp_path: Path) -> None:
    """``__version__`` in ``pkg/__init__.py`` says the next release, the one in another
    module of the package (``pkg/_meta.py``) still the last: check-versions fails naming
    both files, and a bump rewrites both."""
    extra = '[tool.hatch.version]\npath = "src/acme/__init__.py"\n'
    files = {
        "pyproject.toml": project("acme", None, extra=extra),
        "src/acme/__init__.py": '__version__ = "1.1.0"\n',
        "src/acme/_meta.py": '"""What the client says of itself."""\n__version__ = "1.0.0"\n',
        "src/acme/_vendored.py": '__version__ = "2.7.1"\n',  # another project's: left alone
    }
    root = repo(tmp_path / "r", files, tags=["v1.0.0"])
    check = run_relnox("check-versions", cwd=root)
    assert check.returncode != 0
    (problem,) = [line for line in check.stdout.splitlines() if line.startswith("  x ")]
    assert "src/acme/_meta.py says '1.0.0'" in problem
    assert "src/acme/__init__.py says '1.1.0'" in problem
    bump = run_relnox("bump", "--dry-run", "--part", "minor", cwd=root, check=True)
    assert bump.stdout.count('+__version__ = "1.2.0"') == 2 and "b/src/acme/_meta.py" in bump.stdout
    assert "_vendored.py" not in bump.stdout


def test_sphinx_version_equals_release_is_a_copy(tmp_path: Path) -> None:
    """A Sphinx ``conf.py`` written ``version = release = "1.1.0rc1"`` says the version: the
    final release moves it (it stayed at the rc), and check-versions lists it."""
    files = {
        "pyproject.toml": project("acme", "1.1.0rc1"),
        "src/acme/__init__.py": "",
        "docs/conf.py": 'project = "acme"\nversion = release = "1.1.0rc1"\nextensions = []\n',
    }
    root = repo(tmp_path / "r", files, tags=["v1.1.0rc1"])
    bump = run_relnox("bump", "--dry-run", "--to", "1.1.0", cwd=root, check=True)
    assert '+version = release = "1.1.0"' in bump.stdout
    (root / "docs/conf.py").write_text('project = "acme"\nversion = release = "1.0.0"\n')
    check = run_relnox("check-versions", cwd=root)
    assert check.returncode != 0 and "docs/conf.py says '1.0.0'" in check.stdout


def test_a_to_version_with_its_number_left_implicit_is_written_as_given(tmp_path: Path) -> None:
    """Maintainers who write the next cycle as ``3.1.8.dev`` (the 0 left implicit, valid
    PEP 440) get ``3.1.8.dev`` in the file from ``--to 3.1.8.dev``, not ``3.1.8.dev0``."""
    files = {
        "pyproject.toml": project("acme", "3.1.7"),
        "src/acme/__init__.py": "",
    }
    root = repo(tmp_path / "r", files, tags=["3.1.7"])
    bump = run_relnox("bump", "--dry-run", "--to", "3.1.8.dev", cwd=root, check=True)
    assert '+version = "3.1.8.dev"' in bump.stdout


def test_the_citation_file_version_is_a_copy(tmp_path: Path) -> None:
    """``CITATION.cff`` saying ``version: v2.12.0`` beside the package's 2.12.0 moves with a
    release (spelled with its ``v``); one that says another version is left alone."""
    cff = "cff-version: 1.2.0\ntitle: acme\nlicense: MIT\nversion: v2.12.0\ndate-released: 2025-10-07\n"
    files = {
        "pyproject.toml": project("acme", "2.12.0"),
        "src/acme/__init__.py": "",
        "CITATION.cff": cff,
    }
    root = repo(tmp_path / "r", files, tags=["v2.12.0"])
    bump = run_relnox("bump", "--dry-run", "--to", "2.13.0", cwd=root, check=True)
    assert "+version: v2.13.0\n" in bump.stdout and "b/CITATION.cff" in bump.stdout
    commit(root, {"CITATION.cff": cff.replace("v2.12.0", "v1.0")})
    bump = run_relnox("bump", "--dry-run", "--to", "2.13.0", cwd=root, check=True)
    assert "CITATION.cff" not in bump.stdout


def test_a_citation_file_a_release_behind_is_drift_but_names_the_last_release(
    tmp_path: Path,
) -> None:
    """The shape: released 2.13.0, its ``CITATION.cff`` still says ``version: 2.12.0`` (the
    release forgot it). relnox did not read it as a copy: check-versions said nothing and the
    next release left it behind again. At a development version (2.14.0.dev0) the citation
    names the last release: no drift, and a bump to another development version leaves it."""
    cff = "cff-version: 1.2.0\ntitle: acme\nversion: 2.12.0\n"
    files = {"pyproject.toml": project("acme", "2.13.0"), "src/acme/__init__.py": ""}
    root = repo(tmp_path / "r", {**files, "CITATION.cff": cff}, tags=["v2.12.0", "v2.13.0"])
    check = run_relnox("check-versions", cwd=root)
    assert check.returncode != 0 and "CITATION.cff" in check.stdout + check.stderr
    bump = run_relnox("bump", "--dry-run", "--to", "2.14.0", cwd=root, check=True)
    assert "+version: 2.14.0\n" in bump.stdout
    commit(
        root,
        {
            "pyproject.toml": project("acme", "2.14.0.dev0"),
            "CITATION.cff": cff.replace("2.12", "2.13"),
        },
    )
    run_relnox("check-versions", cwd=root, check=True)
    bump = run_relnox("bump", "--dry-run", "--to", "2.14.0.dev1", cwd=root, check=True)
    assert "CITATION.cff" not in bump.stdout.replace("note: CITATION.cff stays", "")
    bump = run_relnox("bump", "--dry-run", "--to", "2.14.0", cwd=root, check=True)
    assert "+version: 2.14.0\n" in bump.stdout


def test_a_package_version_constant_in_a_module_is_a_copy(tmp_path: Path) -> None:
    """``PKG_VERSION = "1.43.1"`` in a module of the package (what a native loader checks
    the extension against) moves with the release; a ``PROTOCOL_VERSION`` saying the
    same number is another thing's, left alone."""
    module = 'import sys\n\nPKG_VERSION = "1.43.1"\nPROTOCOL_VERSION = "1.43.1"\n'
    files = {
        "pyproject.toml": project("acme", "1.43.1"),
        "src/acme/__init__.py": "",
        "src/acme/_loader.py": module,
    }
    root = repo(tmp_path / "r", files, tags=["v1.43.1"])
    bump = run_relnox("bump", "--dry-run", "--part", "patch", cwd=root, check=True)
    assert '+PKG_VERSION = "1.43.2"' in bump.stdout
    assert "+PROTOCOL_VERSION" not in bump.stdout


def test_sphinx_docs_at_the_last_release_while_the_files_say_the_next_dev_are_no_drift(
    tmp_path: Path,
) -> None:
    """Between releases the package says 7.11.4.dev1 and the docs' ``conf.py`` still shows
    7.11.3, the last release, until the next moves both: check-versions passes (it failed on
    every commit between releases), and the release moves the docs with the package. Docs
    a release already passed by (7.11.3 after 7.11.4 was released, beside 8.0.0a1) are no copy
    the releases move: no drift, and a bump leaves them."""
    files = {
        "pyproject.toml": project("acme", "7.11.4.dev1"),
        "src/acme/__init__.py": "",
        "doc/conf.py": 'project = "acme"\nversion = "7.11.3"\nrelease = "7.11.3"\n',
    }
    root = repo(tmp_path / "r", files, tags=["7.11.3"])
    check = run_relnox("check-versions", cwd=root)
    assert check.returncode == 0, check.stdout + check.stderr
    bump = run_relnox("bump", "--dry-run", "--part", "patch", cwd=root, check=True)
    assert '+version = "7.11.4"' in bump.stdout and '+release = "7.11.4"' in bump.stdout
    (root / "pyproject.toml").write_text(project("acme", "7.11.4"))
    check = run_relnox("check-versions", cwd=root)
    assert check.returncode != 0 and "doc/conf.py says '7.11.3'" in check.stdout
    commit(root, {}, "7.11.4")
    commit(root, {"pyproject.toml": project("acme", "8.0.0a1")})
    check = run_relnox("check-versions", cwd=root)
    assert check.returncode == 0, check.stdout + check.stderr
    bump = run_relnox("bump", "--dry-run", "-v", "--to", "8.0.0a2", cwd=root, check=True)
    assert "doc/conf.py" not in bump.stdout
    # docs that name the release to come (1.0) above the package's 0.99.dev0 left no release
    # behind: a bump leaves them, never moves them down
    files |= {"pyproject.toml": project("acme", "0.99.dev0")}
    root = repo(tmp_path / "s", files | {"doc/conf.py": 'project = "acme"\nversion = "1.0"\n'})
    bump = run_relnox("bump", "--dry-run", "--to", "0.99", cwd=root, check=True)
    assert "doc/conf.py" not in bump.stdout


def test_sphinx_conf_in_a_docs_folder_of_any_name_moves_with_the_package(tmp_path: Path) -> None:
    """The shape: the Sphinx sources live in ``web/`` (not ``docs/``), and each release moves
    its ``conf.py``'s ``version``/``release`` with the package; the bump left it behind. A
    ``conf.py`` that says another version (a tool's settings) stays."""
    files = {
        "pyproject.toml": project("acme", "3.6.2"),
        "src/acme/__init__.py": "",
        "web/conf.py": 'project = "acme"\nversion = "3.6.2"\nrelease = "3.6.2"\n',
        "tools/conf.py": 'release = "1.0"\n',
    }
    root = repo(tmp_path / "r", files, tags=["3.6.2"])
    bump = run_relnox("bump", "--dry-run", "-v", "--part", "patch", cwd=root, check=True)
    assert '+version = "3.6.3"' in bump.stdout and '+release = "3.6.3"' in bump.stdout
    assert "web/conf.py" in bump.stdout and "tools/conf.py" not in bump.stdout


def test_a_sphinx_conf_at_the_top_of_the_repository_is_a_copy(tmp_path: Path) -> None:
    """The shape: the docs built from the repository's top, its ``conf.py`` beside setup.py
    saying ``release = "4.0.1"``; each release moved it, relnox left it behind."""
    conf = "project = 'acme'\nversion = '4.0'\nrelease = '4.0.1'\n"
    files = {"pyproject.toml": project("acme", "4.0.1"), "acme/__init__.py": "", "conf.py": conf}
    root = repo(tmp_path / "r", files, tags=["v4.0.1"])
    bump = run_relnox("bump", "--dry-run", "--part", "minor", cwd=root, check=True)
    assert "+release = '4.1.0'" in bump.stdout


def test_a_version_named_by_another_literal_is_bumped_there(tmp_path: Path) -> None:
    """``__version__ = APP_VERSION`` under ``APP_VERSION = '1.4.0'`` (setuptools' ``attr:``
    follows the name): the bump rewrites the name's literal, not "no literal line"."""
    extra = '[tool.setuptools.dynamic]\nversion = {attr = "acme.__version__"}\n'
    init = "APP_NAME = 'acme'\nAPP_VERSION = '1.4.0'\n__version__ = APP_VERSION\n"
    files = {
        "pyproject.toml": project("acme", None, backend="setuptools", extra=extra),
        "acme/__init__.py": init,
    }
    root = repo(tmp_path / "r", files, tags=["v1.4.0"])
    run_relnox("bump", "--part", "patch", "--no-commit", cwd=root, check=True)
    assert (root / "acme/__init__.py").read_text() == init.replace("1.4.0", "1.4.1")


def test_npm_s_manifest_of_the_same_project_in_its_package_is_a_copy(tmp_path: Path) -> None:
    """A Python package released with changesets: its build reads ``acme/version.txt`` and
    ``acme/package.json`` (``"name": "acme"``) says the version too, which changesets moves.
    With no tag yet to show the history, a bump left the manifest behind. It is a copy; a
    front end's manifest under another name, at the same version, stays."""
    hatch = '[tool.hatch.version]\npath = "acme/version.txt"\npattern = "(?P<version>.+)"\n'
    manifest = '{\n  "name": "acme",\n  "version": "3.44.0",\n  "python": "true"\n}\n'
    front = '{\n  "name": "@acme/app",\n  "version": "3.44.0"\n}\n'
    root = repo(
        tmp_path / "r",
        {
            "pyproject.toml": project("acme", None, extra=hatch),
            "acme/__init__.py": "",
            "acme/version.txt": "3.44.0\n",
            "acme/package.json": manifest,
            "js/app/package.json": front,
        },
    )
    run_relnox("bump", "--part", "patch", cwd=root, check=True)
    assert (root / "acme/version.txt").read_text() == "3.44.1\n"
    assert (root / "acme/package.json").read_text() == manifest.replace("3.44.0", "3.44.1")
    assert (root / "js/app/package.json").read_text() == front


def test_a_literal_beside_a_computed_dunder_version_is_another_things(tmp_path: Path) -> None:
    """A module whose ``__version__`` reads the package's VERSION file (what setup.cfg's
    ``version = file:`` reads too) and that says ``version = '1.17.2'`` for the C library it
    binds: that literal is no copy of the package's version, so a bump leaves it and
    check-versions sees no drift."""
    init = (
        "from pathlib import Path\n\n"
        "VERSION = __version__ = (Path(__file__).parent / 'VERSION').read_text().strip()\n"
        "# the version of the C library it supports\nversion = '1.17.2'\nversion_info = (1, 17, 2)\n"
    )
    cfg = "[metadata]\nname = acme\nversion = file: acme/VERSION\n\n[options]\npackages = acme\n"
    files = {
        "setup.cfg": cfg,
        "setup.py": "from setuptools import setup\n\nsetup()\n",
        "acme/VERSION": "1.3.0\n",
        "acme/__init__.py": init,
    }
    root = repo(tmp_path / "r", files, tags=["v1.3.0"])
    check = run_relnox("check-versions", cwd=root)
    assert check.returncode == 0 and "1.17.2" not in check.stdout + check.stderr
    bump = run_relnox("bump", "--dry-run", "--to", "1.4.0", cwd=root, check=True)
    assert "b/acme/VERSION" in bump.stdout and "__init__.py" not in bump.stdout


def test_a_literal_a_computed_dunder_version_uses_is_a_copy(tmp_path: Path) -> None:
    """``VERSION = "1.3.0"`` with ``__version__ = str(VERSION)`` beside pyproject's version:
    ``__version__`` is computed from that literal, so it is a copy a bump moves."""
    files = {
        "pyproject.toml": '[project]\nname = "acme"\nversion = "1.3.0"\n\n[build-system]\n'
        'requires = ["setuptools"]\nbuild-backend = "setuptools.build_meta"\n',
        "src/acme/__init__.py": 'VERSION = "1.3.0"\n__version__ = str(VERSION)\n',
    }
    root = repo(tmp_path / "r", files, tags=["v1.3.0"])
    bump = run_relnox("bump", "--dry-run", "--part", "patch", cwd=root, check=True)
    assert '+VERSION = "1.3.1"' in bump.stdout
