"""A version kept in named parts joined at import (relnox/project/version_parts.py)."""

from __future__ import annotations

from pathlib import Path

from relnox.bump import BumpOptions
from relnox.bump.plan import apply_bump, plan_bump
from relnox.project.discovery import load_workspace
from relnox.project.version_parts import parts_value, respell_parts
from tests.shapes import commit, project, repo

RELEASE = """# the version, in parts
_version_major = 9
_version_minor = 17
_version_patch = 0
_version_extra = ".dev"
# _version_extra = "b2"
{release}
_ver = [_version_major, _version_minor, _version_patch]

__version__ = '.'.join(map(str, _ver))
if _version_extra:
    __version__ = __version__  + _version_extra

version = __version__
version_info = (_version_major, _version_minor, _version_patch, _version_extra)
"""

ATTR = '\n[tool.setuptools.dynamic]\nversion = {attr = "shell.core.release.__version__"}\n'


def test_named_parts_are_read_and_bumped_in_place(tmp_path: Path) -> None:
    """IPython's shape: setuptools' attr points at ``__version__``, joined from
    ``_version_major`` ... and ``_version_extra`` added after; the last assignment counts
    (``_version_extra = ""`` below the ``.dev`` one is a release). relnox refused the
    package: "no literal __version__ line"."""
    files = {
        "pyproject.toml": project("shell", None, backend="setuptools", extra=ATTR),
        "shell/__init__.py": "",
        "shell/core/__init__.py": "",
        "shell/core/release.py": RELEASE.format(release='_version_extra = ""'),
    }
    root = repo(tmp_path / "r", files, tags=["9.17.0"])
    assert parts_value(RELEASE.format(release="")) == "9.17.0.dev"
    (pkg,) = load_workspace(root).packages
    assert (pkg.version, pkg.version_source) == ("9.17.0", "setuptools-attr")
    commit(root, {"shell/core/release.py": RELEASE.format(release="").replace("17", "18")})
    ws = load_workspace(root)
    assert ws.packages[0].version == "9.18.0.dev"
    apply_bump(plan_bump(ws, BumpOptions(part="minor")))
    after = (root / "shell/core/release.py").read_text()
    assert after == RELEASE.format(release="").replace("17", "18").replace('".dev"', '""')
    assert load_workspace(root).packages[0].version == "9.18.0"
    apply_bump(plan_bump(load_workspace(root), BumpOptions(to="10.0.0b1", allow_dirty=True)))
    after = (root / "shell/core/release.py").read_text()
    assert "_version_major = 10\n_version_minor = 0\n" in after
    assert '_version_extra = "b1"' in after
    assert load_workspace(root).packages[0].version == "10.0.0b1"


def test_other_computations_are_not_read_as_parts() -> None:
    for text in (
        "a = 1\nb = 2\n__version__ = '.'.join(map(str, [a, b]))\n",  # a list literal, unnamed
        "a = 1\nb = 'x'\nv = [a, b]\n__version__ = '.'.join(map(str, v))\n",  # not numbers
        "a = 1\nb = 2\nv = (a, b)\n__version__ = '.'.join(map(str, v))\n__version__ = 'x'\n",
    ):
        assert parts_value(text) is None, text
    assert parts_value("a = 1\nb = 2\nv = (a, b)\n__version__ = '.'.join(map(str, v))\n") == "1.2"


WATCHED = """VERSION_MAJOR = 7
VERSION_MINOR = 0
VERSION_BUILD = 0
VERSION_INFO = (VERSION_MAJOR, VERSION_MINOR, VERSION_BUILD)
VERSION_STRING = f"{VERSION_MAJOR}.{VERSION_MINOR}.{VERSION_BUILD}"

__version__ = VERSION_INFO
"""


def test_named_parts_formatted_into_a_version_string_are_read_and_bumped(
    tmp_path: Path,
) -> None:
    """watchdog's shape: setup.py loads src/watch/version.py and reads its
    ``VERSION_STRING = f"{VERSION_MAJOR}.{VERSION_MINOR}.{VERSION_BUILD}"`` (its
    ``__version__`` is the tuple); relnox said the file computes the version and stopped
    every command. A bump writes the parts."""
    setup = (
        "import importlib.util, os\nfrom setuptools import setup\n"
        "spec = importlib.util.spec_from_file_location('version', "
        "os.path.join('src', 'watch', 'version.py'))\n"
        "version = importlib.util.module_from_spec(spec)\nspec.loader.exec_module(version)\n"
        "setup(name='watch', version=version.VERSION_STRING)\n"
    )
    files = {"setup.py": setup, "src/watch/__init__.py": "", "src/watch/version.py": WATCHED}
    root = repo(tmp_path / "r", files, tags=["v7.0.0"])
    ws = load_workspace(root)
    assert ws.packages[0].version == "7.0.0"
    assert parts_value(WATCHED) == "7.0.0"
    apply_bump(plan_bump(ws, BumpOptions(part="minor")))
    text = (root / "src/watch/version.py").read_text()
    assert text == WATCHED.replace("VERSION_MINOR = 0", "VERSION_MINOR = 1")
    assert parts_value(WATCHED.replace(".{VERSION_BUILD}", "-{VERSION_BUILD}")) is None


KIVYISH = (
    "# exec'd from setup.py\n\nMAJOR = 3\nMINOR = 0\nMICRO = 0\nRELEASE = False\n\n"
    "__version__ = '%d.%d.%d' % (MAJOR, MINOR, MICRO)\n\n"
    "if not RELEASE:\n    __version__ += '.dev0'\n\n_kivy_git_hash = ''\n"
)


def test_named_parts_formatted_with_percent_and_a_release_flag(tmp_path: Path) -> None:
    """kivy's kivy/_version.py: ``'%d.%d.%d' % (MAJOR, MINOR, MICRO)``, then ``if not
    RELEASE: __version__ += '.dev0'`` with ``RELEASE = False``; relnox said the file
    computes the version and stopped every command. It reads 3.0.0.dev0; a release sets
    ``RELEASE = True``, a release candidate writes its suffix where ``.dev0`` was."""
    setup = (
        "from setuptools import setup\n\nversion = {}\n"
        "exec(open('kiv/_version.py').read(), version)\n"
        "setup(name='kiv', version=version['__version__'], packages=['kiv'])\n"
    )
    files = {"setup.py": setup, "kiv/__init__.py": "", "kiv/_version.py": KIVYISH}
    root = repo(tmp_path / "r", files, tags=["2.3.1"])
    ws = load_workspace(root)
    assert ws.packages[0].version == "3.0.0.dev0"
    assert parts_value(KIVYISH.replace("RELEASE = False", "RELEASE = True")) == "3.0.0"
    rc = respell_parts(root / "kiv/_version.py", KIVYISH, "3.0.0.dev0", "3.0.0rc1")
    assert rc == KIVYISH.replace("'.dev0'", "'rc1'") and parts_value(rc) == "3.0.0rc1"
    apply_bump(plan_bump(ws, BumpOptions(part="patch")))
    text = (root / "kiv/_version.py").read_text()
    assert text == KIVYISH.replace("RELEASE = False", "RELEASE = True")
    assert load_workspace(root).packages[0].version == "3.0.0"
