"""The build backend is the referee of a computed version: real git repositories in tmp,
real backends (setuptools with setuptools-scm, hatchling with hatch-vcs) asked through
PEP 517, and the ``relnox`` command run as a user runs it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from relnox.project.discovery import discover
from tests.bump_support import git_state, run_git, snapshot, write_files

pytestmark = pytest.mark.slow

SCM = """\
[build-system]
requires = ["setuptools>=64", "setuptools-scm>=8"]
build-backend = "setuptools.build_meta"

[project]
name = "scmpkg"
dynamic = ["version"]

[tool.setuptools_scm]
git_describe_command = "git describe --dirty --tags --long --first-parent --match v*"
"""

HATCH_VCS = """\
[build-system]
requires = ["hatchling", "hatch-vcs"]
build-backend = "hatchling.build"

[project]
name = "vcspkg"
dynamic = ["version"]

[tool.hatch.version]
source = "vcs"
"""


@pytest.fixture(autouse=True)
def asking(monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory) -> None:
    """Backends asked, their environments kept in one cache for these tests."""
    monkeypatch.setenv("RELNOX_ASK_BACKEND", "1")
    monkeypatch.setenv("XDG_CACHE_HOME", str(_shared(tmp_path_factory)))


def _shared(factory: pytest.TempPathFactory) -> Path:
    path = factory.getbasetemp() / "backend-cache"
    path.mkdir(exist_ok=True)
    return path


def _relnox(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "relnox", *args, "--root", str(root)],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )


def _git(root: Path, *args: str) -> None:
    run_git(root, *args)


def _commit(root: Path, name: str, tag: str | None = None) -> None:
    (root / name).write_text(name + "\n")
    _git(root, "add", "-A")
    _git(root, "commit", "-q", "-m", name)
    if tag is not None:
        _git(root, "tag", tag)


def _repo(root: Path, files: dict[str, str | bytes]) -> Path:
    write_files(root, {".gitignore": "*.egg-info/\n__pycache__/\n", **files})
    _git(root, "init", "-q", "-b", "main")
    _git(root, "config", "commit.gpgsign", "false")
    _git(root, "config", "tag.gpgsign", "false")
    _git(root, "add", "-A")
    _git(root, "commit", "-q", "-m", "init")
    return root


def _first_parent_repo(root: Path) -> Path:
    """setuptools-scm describing with ``--first-parent``: the release branch's ``v1.8.0rc6``
    merged into main, whose own history has the dev-marker tag ``v1.9.0.dev0``."""
    _repo(root, {"pyproject.toml": SCM, "scmpkg/__init__.py": ""})
    _git(root, "tag", "v1.7.0")
    _git(root, "checkout", "-q", "-b", "release-1.8")
    _commit(root, "rc5", "v1.8.0rc5")
    _git(root, "checkout", "-q", "main")
    _commit(root, "dev", "v1.9.0.dev0")
    _commit(root, "more")
    _git(root, "checkout", "-q", "release-1.8")
    _commit(root, "rc6", "v1.8.0rc6")
    _git(root, "checkout", "-q", "main")
    _git(root, "merge", "-q", "--no-ff", "release-1.8", "-m", "merge")
    _commit(root, "after")
    return root


def test_first_parent_describe_with_a_dev_marker_tag_is_the_backends(tmp_path: Path) -> None:
    """relnox's reading of the tags says 1.8.0rc6; setuptools-scm, following only first
    parents to v1.9.0.dev0, builds 1.9.0.dev3: the version shown is the backend's, the
    finding names both, and the next patch release is 1.9.0."""
    root = _first_parent_repo(tmp_path / "repo")
    shown = _relnox(root, "packages", "--json")
    assert shown.returncode == 0, shown.stderr
    (row,) = json.loads(shown.stdout)["packages"]
    assert row["version"] == "1.9.0.dev3"
    finding = [line for line in shown.stderr.splitlines() if "scmpkg" in line]
    assert finding and "says 1.9.0.dev3+g" in finding[0] and "1.8.0rc6" in finding[0]
    bump = _relnox(root, "bump", "--part", "patch", "--dry-run")
    assert bump.returncode == 0, bump.stderr
    assert "scmpkg: 1.9.0.dev3 -> 1.9.0" in bump.stdout
    assert "v1.9.0" in bump.stdout


def test_a_tag_the_backend_agrees_with_is_no_finding(tmp_path: Path) -> None:
    """hatch-vcs at its tag and between tags: relnox's reading stands, no finding; the
    answer is kept for the next run (HEAD and tags the same)."""
    root = _repo(tmp_path / "repo", {"pyproject.toml": HATCH_VCS, "vcspkg/__init__.py": ""})
    _git(root, "tag", "v0.3.0")
    at_tag = discover(root).get("vcspkg")
    assert (at_tag.version, at_tag.referee) == ("0.3.0", "")
    _commit(root, "later")
    later = discover(root).get("vcspkg")
    assert (later.version, later.referee) == ("0.3.0", "")
    kept = list((Path(os.environ["XDG_CACHE_HOME"]) / "relnox" / "history").glob("*.json"))
    assert any("0.3.1.dev1+g" in path.read_text() for path in kept)


def test_a_post_release_scheme_between_tags_is_no_finding(tmp_path: Path) -> None:
    """setuptools-scm's ``post-release`` scheme, with no local part, builds 1.4.2.post1 one
    commit after the tag 1.4.2: the backend agrees with relnox's reading (no warning; the
    commit before a release reads 1.4.2), and the next patch release is 1.4.3."""
    scheme = '[build-system]\nrequires = ["setuptools>=64", "setuptools-scm>=8"]\n'
    scheme += 'build-backend = "setuptools.build_meta"\n\n[project]\nname = "scmpkg"\n'
    scheme += 'dynamic = ["version"]\n\n[tool.setuptools_scm]\nversion_scheme = "post-release"\n'
    scheme += 'local_scheme = "no-local-version"\n'
    root = _repo(tmp_path / "repo", {"pyproject.toml": scheme, "scmpkg/__init__.py": ""})
    _git(root, "tag", "1.4.2")
    _commit(root, "later")
    shown = _relnox(root, "packages", "--json")
    assert shown.returncode == 0, shown.stderr
    assert "says" not in shown.stderr
    assert json.loads(shown.stdout)["packages"][0]["version"] == "1.4.2"
    bump = _relnox(root, "bump", "--part", "patch", "--dry-run")
    assert "scmpkg: 1.4.2 -> 1.4.3" in bump.stdout, bump.stdout + bump.stderr


def test_setup_py_wins_over_setup_cfg_and_a_bump_it_contradicts_is_undone(
    tmp_path: Path,
) -> None:
    """setup.cfg says 1.0.0 but setup() passes 2.0.0: the backend builds 2.0.0, so that is
    the version; the bump writes setup.cfg, the backend still says 2.0.0, so nothing is
    committed and every file is as it was, the error naming the file and the answer."""
    root = _repo(
        tmp_path / "repo",
        {
            "setup.cfg": "[metadata]\nname = cfgpkg\nversion = 1.0.0\n",
            "setup.py": 'from setuptools import setup\nsetup(version="2.0.0")\n',
            "cfgpkg/__init__.py": "",
        },
    )
    pkg = discover(root).get("cfgpkg")
    assert pkg.version == "2.0.0"
    assert "says 2.0.0" in pkg.referee and "reads 1.0.0 in setup.cfg" in pkg.referee
    before, state = snapshot(root), git_state(root)
    bump = _relnox(root, "bump", "--part", "patch", "--tag")
    assert bump.returncode == 1
    assert "Traceback" not in bump.stderr
    error = bump.stderr.strip().splitlines()[-1]
    assert "wrote setup.cfg" in error and "bumped to 2.0.1" in error
    assert "says 2.0.0 there" in error and "nothing is committed" in error
    assert snapshot(root) == before and git_state(root) == state


def test_a_bump_the_backend_confirms_is_committed(tmp_path: Path) -> None:
    """The same proof passes where the backend reads what relnox wrote."""
    root = _repo(tmp_path / "repo", {"pyproject.toml": HATCH_VCS, "vcspkg/__init__.py": ""})
    _git(root, "tag", "v0.3.0")
    _commit(root, "fix")
    bump = _relnox(root, "bump", "--part", "minor", "--tag")
    assert bump.returncode == 0, bump.stderr
    assert run_git(root, "describe", "--tags") == "v0.4.0"


def test_check_tag_refuses_a_tag_of_an_older_commit_and_an_invented_one(tmp_path: Path) -> None:
    """A version from tags: check-tag asks the backend at HEAD. The tag of an older commit
    and a tag nobody made are refused, each naming what the backend builds; the tag of
    HEAD passes."""
    root = _first_parent_repo(tmp_path / "repo")
    older = _relnox(root, "check-tag", "v1.8.0rc6")
    assert older.returncode == 1
    line = older.stderr.strip().splitlines()[-1]
    assert "1.9.0.dev3+g" in line and "names commit" in line and "not HEAD" in line
    invented = _relnox(root, "check-tag", "v2.0.0")
    assert invented.returncode == 1
    assert "tag v2.0.0 does not exist" in invented.stderr
    _git(root, "tag", "v1.9.0")
    ok = _relnox(root, "check-tag", "v1.9.0")
    assert ok.returncode == 0, ok.stderr


def test_a_backend_that_cannot_answer_gives_every_command_the_same_fallback(
    tmp_path: Path,
) -> None:
    """The build needs a license file the checkout lacks (a submodule's, not cloned): the
    backend gives no version. ``packages`` and ``check-tag`` both use relnox's own reading
    (the tag, 1.8.0) and say the same warning, with the fix; check-tag no longer refuses
    the release."""
    pyproject = HATCH_VCS + '\n[project.license]\nfile = "vendor/core/LICENSE"\n'
    root = _repo(tmp_path / "repo", {"pyproject.toml": pyproject, "vcspkg/__init__.py": ""})
    head = subprocess.run(
        ["git", "rev-parse", "HEAD"], cwd=root, capture_output=True, text=True, check=True
    ).stdout.strip()
    _git(root, "update-index", "--add", "--cacheinfo", f"160000,{head},vendor/core")
    gitmodules = '[submodule "core"]\n\tpath = vendor/core\n\turl = ../core.git\n'
    (root / ".gitmodules").write_text(gitmodules)
    _git(root, "add", ".gitmodules")
    _git(root, "commit", "-q", "-m", "vendor core")
    _git(root, "tag", "v1.8.0")
    listed = _relnox(root, "packages")
    checked = _relnox(root, "check-tag", "v1.8.0")
    assert listed.returncode == 0 and checked.returncode == 0, checked.stderr
    warning = (
        "License file does not exist: vendor/core/LICENSE; vendor/core: git submodule(s) not "
        "checked out, so the build has none of their files; run git submodule update --init "
        "--recursive (in CI: actions/checkout with submodules: recursive); relnox's own "
        "reading (1.8.0)"
    )
    (said,) = [line for line in listed.stderr.splitlines() if warning in line]
    assert 'File "' not in said and "Traceback" not in said  # what it printed, not where
    assert [line for line in checked.stderr.splitlines() if warning in line] == [said]
    assert "ok v1.8.0: vcspkg 1.8.0" in checked.stdout


@pytest.mark.parametrize(
    ("where", "text"),
    [
        ("pyproject.toml", '\n[tool.distutils.egg_info]\ntag-build = "dev"\n'),
        ("setup.cfg", "[egg_info]\ntag_build = dev\n"),
    ],
)
def test_setuptools_tag_build_is_the_trees_builds_not_the_release(
    tmp_path: Path, where: str, text: str
) -> None:
    """setuptools' tag-build ``dev`` makes every build from the tree 1.4.0.dev0 of the
    literal 1.4.0, which a release build drops: the version is 1.4.0 with no finding, and a
    bump the backend proves (1.4.1.dev0 after it) is committed."""
    pyproject = (
        '[build-system]\nrequires = ["setuptools>=64"]\nbuild-backend = "setuptools.build_meta"\n'
        '\n[project]\nname = "devpkg"\ndynamic = ["version"]\n\n[tool.setuptools.dynamic]\n'
        'version = {attr = "devpkg.__version__"}\n'
    )
    files = {
        "pyproject.toml": pyproject + (text if where == "pyproject.toml" else ""),
        "setup.py": "from setuptools import setup\nsetup()\n",
        "devpkg/__init__.py": '__version__ = "1.4.0"\n',
    }
    root = _repo(tmp_path / "repo", {**files, **({where: text} if where == "setup.cfg" else {})})
    _git(root, "tag", "v1.4.0")
    _commit(root, "fix")
    shown = _relnox(root, "packages", "--json")
    assert shown.returncode == 0, shown.stderr
    assert json.loads(shown.stdout)["packages"][0]["version"] == "1.4.0"
    assert "says" not in shown.stderr
    bump = _relnox(root, "bump", "--part", "patch")
    assert bump.returncode == 0, bump.stderr
    assert '__version__ = "1.4.1"' in (root / "devpkg/__init__.py").read_text()


#: one setup.py building several distributions: the name from the environment (with a
#: default), the version from a file its package's helper reads
COMPUTED_SETUP_PY = """\
import os
import runpy

from setuptools import setup


def _name():
    return os.environ.get("ACME_DIST", "acme")


about = runpy.run_path(os.path.join("src", "acme", "__version__.py"))
setup(name=_name(), version=about["version"], package_dir={"": "src"}, packages=["acme"])
"""
VERSION_HELPER = """\
import os

_HERE = os.path.dirname(os.path.abspath(__file__))
with open(os.path.join(os.path.dirname(_HERE), "version.info"), encoding="utf-8") as f:
    version = f.readline().strip()
"""


def _computed_repo(root: Path, setup_py: str = COMPUTED_SETUP_PY, named: bool = False) -> Path:
    files: dict[str, str | bytes] = {
        **({"setup.cfg": "[metadata]\nname = acme\n"} if named else {}),
        "pyproject.toml": '[build-system]\nrequires = ["setuptools>=64"]\n',
        "setup.py": setup_py,
        "src/version.info": "1.4.2\n",
        "src/acme/__init__.py": "",
        "src/acme/__version__.py": VERSION_HELPER,
    }
    root = _repo(root, files)
    _git(root, "tag", "1.4.0")
    _commit(root, "fix")
    return root


@pytest.mark.parametrize("named", [False, True])
def test_a_name_and_version_setup_py_computes_are_its_backends(tmp_path: Path, named: bool) -> None:
    """setup.py computes its name (an environment variable's default) and reads its
    version from src/version.info through a helper: relnox cannot read either, so it asks
    the backend, says so in one note, and a bump rewrites src/version.info (not a tag of
    the tags' 1.4.0 line), which the backend confirms. The same for the version alone,
    when setup.cfg names the project."""
    root = _computed_repo(tmp_path / "repo", named=named)
    listed = _relnox(root, "packages")
    assert listed.returncode == 0, listed.stderr
    assert "acme  1.4.2" in listed.stdout
    (note,) = [line for line in listed.stdout.splitlines() if "note:" in line]
    assert "acme 1.4.2" in note and "build backend" in note and "src/version.info" in note
    assert ("its version is" if named else "its name and version are") in note
    assert "says" not in listed.stderr  # no disagreement left
    planned = _relnox(root, "bump", "--part", "patch", "--dry-run")
    assert planned.returncode == 0, planned.stderr
    assert "1.4.2 -> 1.4.3" in planned.stdout and "src/version.info" in planned.stdout
    bump = _relnox(root, "bump", "--part", "patch")
    assert bump.returncode == 0, bump.stderr
    assert (root / "src/version.info").read_text() == "1.4.3\n"


SETUP_PY_LOADING_A_HELPER = """\
import os
from importlib.util import module_from_spec, spec_from_file_location

from setuptools import setup


def get_version(pkg_path):
    spec = spec_from_file_location("version", os.path.join(pkg_path, "_version.py"))
    module = module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.__version__


setup(version=get_version("acme"))
"""
STATIC_VERSION_HELPER = """\
import os

info = {}
with open(os.path.join(os.path.dirname(__file__), "_static_version.py")) as f:
    exec(f.read(), {}, info)
__version__ = info["version"]
"""


def test_a_package_named_in_setuptools_packages_and_py_modules_holds_the_version_file(
    tmp_path: Path,
) -> None:
    """``[tool.setuptools] packages = ["acme"]`` beside ``py-modules = ["acme"]`` (no
    ``acme.py``), setup.py reading the version from ``acme/_static_version.py`` through a
    helper module it loads, which relnox's reading does not follow, so the backend is asked:
    relnox dropped the package with the module that has no file, looked for the backend's
    version in no package, read it from tags and refused ("the version comes from git
    tags"); a package ``packages`` names ships, so the version is that file's."""
    pyproject = (
        '[project]\nname = "acme"\ndynamic = ["version"]\n\n[build-system]\n'
        'requires = ["setuptools>=64"]\nbuild-backend = "setuptools.build_meta"\n\n'
        '[tool.setuptools]\npackages = ["acme"]\npy-modules = ["acme"]\n'
    )
    files: dict[str, str | bytes] = {
        "pyproject.toml": pyproject,
        "setup.py": SETUP_PY_LOADING_A_HELPER,
        "acme/__init__.py": "",
        "acme/_version.py": STATIC_VERSION_HELPER,
        "acme/_static_version.py": 'version = "1.13.0dev"\n',
    }
    root = _repo(tmp_path / "repo", files)
    _git(root, "tag", "release-24")  # the repository's own numbering, naming no package
    listed = _relnox(root, "packages")
    assert listed.returncode == 0, listed.stderr
    assert "acme/_static_version.py" in listed.stdout and "1.13.0dev" in listed.stdout
    planned = _relnox(root, "bump", "--to", "1.13.0", "--dry-run")
    assert planned.returncode == 0, planned.stderr
    assert '+version = "1.13.0"' in planned.stdout


def test_a_name_no_reading_and_no_backend_gives_is_one_line_naming_the_fix(
    tmp_path: Path,
) -> None:
    """The backend cannot say either (its build needs a file the checkout lacks): one line
    names setup.py, what the backend said and the setting that fixes it."""
    broken = COMPUTED_SETUP_PY.replace("about =", 'open("vendor/LICENSE")\nabout =')
    root = _computed_repo(tmp_path / "repo", broken)
    listed = _relnox(root, "packages")
    assert listed.returncode == 1
    assert "Traceback" not in listed.stderr
    error = listed.stderr.strip().splitlines()[-1]
    assert "setup.py" in error and "vendor/LICENSE" in error
    assert "[metadata] name" in error


def test_a_version_tuple_is_released_as_its_backend_spells_it(tmp_path: Path) -> None:
    """``VERSION = (2, 1, 0, "rc", 0)`` read by a ``get_version`` that drops a zero micro:
    relnox joins 2.1.0rc0, setuptools builds 2.1rc0, and its one release is tagged ``v2.0``.
    The release is spelled as the backend builds it: 2.1, tagged ``v2.1``."""
    get_version = (
        "def get_version(version):\n"
        "    parts = 2 if version[2] == 0 else 3\n"
        '    main = ".".join(str(x) for x in version[:parts])\n'
        '    if version[3] == "final":\n'
        "        return main\n"
        '    return main + {"rc": "rc"}[version[3]] + str(version[4])\n'
    )
    module = "from acme.version import get_version\n\nVERSION = ({})\n\n__version__ = get_version(VERSION)\n"
    pyproject = (
        '[build-system]\nrequires = ["setuptools>=64"]\nbuild-backend = "setuptools.build_meta"\n\n'
        '[project]\nname = "acme"\ndynamic = ["version"]\n\n'
        '[tool.setuptools.dynamic]\nversion = {attr = "acme.__version__"}\n'
    )
    files = {"pyproject.toml": pyproject, "acme/version.py": get_version}
    root = _repo(
        tmp_path / "repo", {**files, "acme/__init__.py": module.format('2, 0, 0, "final", 0')}
    )
    _git(root, "tag", "v2.0")
    (root / "acme/__init__.py").write_text(module.format('2, 1, 0, "rc", 0'))
    _git(root, "commit", "-qam", "rc")
    bump = _relnox(root, "bump", "--part", "minor", "--tag")
    assert bump.returncode == 0, bump.stderr
    assert "acme: 2.1.0rc0 -> 2.1\n" in bump.stdout, bump.stdout
    assert (root / "acme/__init__.py").read_text() == module.format('2, 1, 0, "final", 0')
    tags = subprocess.run(["git", "tag"], cwd=root, capture_output=True, text=True, check=True)
    assert tags.stdout.split() == ["v2.0", "v2.1"]


def test_a_build_requirement_from_a_url_is_not_fetched_to_list_a_version_read_offline(
    tmp_path: Path,
) -> None:
    """hatch-vcs named by a git URL nothing answers (offline): ``packages`` and ``plan`` take
    relnox's reading of the tags without making the backend's environment, and say why in
    the package's evidence."""
    pyproject = HATCH_VCS.replace(
        '"hatch-vcs"', '"hatch-vcs @ git+https://127.0.0.1:9/nowhere/hatch-vcs.git"'
    )
    root = _repo(tmp_path / "repo", {"pyproject.toml": pyproject, "vcspkg/__init__.py": ""})
    _git(root, "tag", "v1.8.0")
    listed = _relnox(root, "packages", "--json")
    planned = _relnox(root, "plan")
    assert listed.returncode == 0 and planned.returncode == 0, planned.stderr
    assert "could not install" not in listed.stderr + planned.stderr
    (row,) = json.loads(listed.stdout)["packages"]
    assert row["version"] == "1.8.0"
    assert "hatch-vcs @ git+https://127.0.0.1:9" in row["evidence"]
    assert "backend is not asked" in row["evidence"]


def test_a_backend_asked_offline_for_a_version_relnox_cannot_read_says_why_and_what_avoids_it(
    tmp_path: Path,
) -> None:
    """setup.py computes the version and its setuptools is named by a git URL nothing
    answers: asking the backend fails at once and the one line says the URL needs the
    network, that the wait is bounded, and the flag that asks no backend."""
    root = _computed_repo(tmp_path / "repo", named=True)
    url = "setuptools @ git+https://127.0.0.1:9/nowhere/setuptools.git"
    write_files(root, {"pyproject.toml": f'[build-system]\nrequires = ["{url}"]\n'})
    _commit(root, "offline")
    listed = _relnox(root, "packages")
    assert "Traceback" not in listed.stderr
    (said,) = [line for line in listed.stderr.splitlines() if "could not install" in line]
    assert f"({url} is fetched from a URL, which needs the network;" in said
    assert "RELNOX_ASK_BACKEND=0 asks no backend" in said
