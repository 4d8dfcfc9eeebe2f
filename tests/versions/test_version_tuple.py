"""A version kept as a tuple joined into ``__version__`` (relnox/versions/version_tuple.py):
read where the build reads it, rewritten in the tuple's own shape."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import run_relnox
from tests.shapes import commit, git, project, repo

SPLIT = '__version__ = ".".join(map(str, version_info[:3])) + "".join(version_info[3:])\n'


def test_a_tuple_of_numbers_then_strings_joined_in_two_keeps_its_shape(tmp_path: Path) -> None:
    """setup.cfg's ``attr: acme.__version__``, which ``acme/__init__.py`` imports from
    ``_version.py``, where the numbers are joined with dots and the strings after them as
    they are (``(1, 25, 0, ".dev", "0")`` is 1.25.0.dev0): each bump writes the tuple with
    as many numbers and strings (``""`` for a final release)."""
    files = {
        "pyproject.toml": (
            '[build-system]\nrequires = ["setuptools"]\nbuild-backend = "setuptools.build_meta"\n'
        ),
        "setup.cfg": "[metadata]\nname = acme\nversion = attr: acme.__version__\n",
        "acme/__init__.py": "from ._version import __version__, version_info  # noqa\n",
        "acme/_version.py": f'version_info = (1, 25, 0, ".dev", "0")\n{SPLIT}',
    }
    root = repo(tmp_path / "r", files)
    listed = run_relnox("packages", "--json", cwd=root, check=True)
    assert [p["version"] for p in json.loads(listed.stdout)["packages"]] == ["1.25.0.dev0"]
    for new, tuple_ in [("1.25.0", '1, 25, 0, "", ""'), ("1.26.0rc1", '1, 26, 0, "rc", "1"')]:
        run_relnox("bump", "--to", new, cwd=root, check=True)
        assert (root / "acme/_version.py").read_text() == f"version_info = ({tuple_})\n{SPLIT}"
    run_relnox("check-versions", cwd=root, check=True)


PARTS = """# An empty _version_extra is a release.
_version_major = 9
_version_minor = 17
_version_patch = 0
_version_extra = ".dev"
# _version_extra = ""  # uncomment for a release

_ver = [_version_major, _version_minor, _version_patch]
__version__ = ".".join(map(str, _ver))
if _version_extra:
    __version__ = __version__ + _version_extra
"""


def test_a_version_kept_in_named_parts_is_read_and_bumped_in_its_parts(tmp_path: Path) -> None:
    """``[tool.setuptools.dynamic] version = {attr = ...}`` naming a ``__version__`` the
    module joins from its named numbers and adds a string to (``_version_minor = 17``,
    ``_version_extra = ".dev"``): a bump writes the parts, the way a build reads them
    (a tag alone would leave the build at the development version)."""
    files = {
        "pyproject.toml": (
            '[build-system]\nrequires = ["setuptools"]\nbuild-backend = "setuptools.build_meta"\n'
            '\n[project]\nname = "acme"\ndynamic = ["version"]\n'
            '\n[tool.setuptools.dynamic]\nversion = {attr = "acme.release.__version__"}\n'
        ),
        "acme/__init__.py": "",
        "acme/release.py": PARTS,
    }
    root = repo(tmp_path / "r", files, tags=["9.16.0"])
    listed = run_relnox("packages", "--json", cwd=root, check=True)
    assert [p["version"] for p in json.loads(listed.stdout)["packages"]] == ["9.17.0.dev"]
    run_relnox("bump", "--part", "patch", cwd=root, check=True)
    said = (root / "acme/release.py").read_text()
    assert said == PARTS.replace('_version_extra = ".dev"', '_version_extra = ""')
    run_relnox("bump", "--to", "9.18.0rc1", cwd=root, check=True)
    said = (root / "acme/release.py").read_text()
    assert "_version_minor = 18\n" in said and '_version_extra = "rc1"\n' in said
    run_relnox("check-versions", cwd=root, check=True)


INFO_MODULE = (
    "from collections import namedtuple\n\n"
    'VersionInfo = namedtuple("VersionInfo", "major minor micro releaselevel serial")\n'
    "version_info = VersionInfo({})\n"
    '_specifier_ = {{"alpha": "a", "beta": "b", "candidate": "rc", "final": ""}}\n'
    '__version__ = "{{}}.{{}}.{{}}{{}}".format(*version_info[:3], (\n'
    '    "" if version_info.releaselevel == "final"\n'
    "    else _specifier_[version_info.releaselevel] + str(version_info.serial)\n"
    "))\n"
)


def test_a_version_info_shaped_as_pythons_own_is_the_version_a_bump_writes(
    tmp_path: Path,
) -> None:
    """hatch's ``source = 'code'`` runs a module whose ``version_info`` is shaped as
    ``sys.version_info`` (``4, 7, 0, "alpha", 1``: 4.7.0a1). It is the version, not a tag's
    (a tag alone would build 4.7.0a1 again): each bump writes its five parts."""
    extra = '\n[tool.hatch.version]\npath = "acme/_version.py"\nsource = "code"\n'
    files = {
        "pyproject.toml": project("acme", dynamic=True, extra=extra),
        "acme/__init__.py": "",
        "acme/_version.py": INFO_MODULE.format('4, 7, 0, "alpha", 1'),
    }
    root = repo(tmp_path / "info", files, tags=["v4.7.0a1"])
    shown = run_relnox("packages", "--json", cwd=root, check=True).stdout
    (pkg,) = json.loads(shown)["packages"]
    assert (pkg["version"], pkg["primary"]) == ("4.7.0a1", "acme/_version.py")
    doctor = run_relnox("doctor", cwd=root).stdout  # read at the tag too
    assert "v4.7.0a1 matches (already released)" in doctor
    for ask, spelled in (
        (["--pre", "rc"], '4, 7, 0, "candidate", 1'),
        (["--part", "release"], '4, 7, 0, "final", 0'),
        (["--part", "minor"], '4, 8, 0, "final", 0'),
    ):
        run_relnox("bump", *ask, cwd=root, check=True)
        assert (root / "acme/_version.py").read_text() == INFO_MODULE.format(spelled)


DEV_BESIDE = (
    "version_info = ({})\n"
    "_dev = {}\n\n\n"
    "def _make(major, minor, micro, level, serial, dev):\n"
    '    version = f"{{major}}.{{minor}}.{{micro}}"\n'
    '    if level != "final":\n'
    '        version += {{"alpha": "a", "beta": "b", "candidate": "rc"}}[level] + str(serial)\n'
    '    return version + (f".dev{{dev}}" if dev else "")\n\n\n'
    "__version__ = _make(*version_info, _dev)\n"
)


def test_a_development_number_beside_version_info_is_part_of_the_version(tmp_path: Path) -> None:
    """``__version__ = _make(*version_info, _dev)``: between releases the module says
    ``(7, 11, 4, "alpha", 0)`` and ``_dev = 1``, 7.11.4a0.dev1 (a build's version). The
    reading has its dev part, and the release writes both: the final tuple and ``_dev = 0``
    (the tuple alone would build 7.11.4.dev1); a development version writes ``_dev`` back."""
    extra = '\n[tool.hatch.version]\npath = "acme/version.py"\nsource = "code"\n'
    files = {
        "pyproject.toml": project("acme", dynamic=True, extra=extra),
        "acme/__init__.py": "",
        "acme/version.py": DEV_BESIDE.format('7, 11, 4, "alpha", 0', 1),
    }
    root = repo(tmp_path / "dev", files, tags=["7.11.3"])
    shown = run_relnox("packages", "--json", cwd=root, check=True).stdout
    assert [p["version"] for p in json.loads(shown)["packages"]] == ["7.11.4a0.dev1"]
    run_relnox("bump", "--part", "patch", cwd=root, check=True)
    assert (root / "acme/version.py").read_text() == DEV_BESIDE.format('7, 11, 4, "final", 0', 0)
    run_relnox("bump", "--to", "7.11.5a0.dev1", cwd=root, check=True)
    assert (root / "acme/version.py").read_text() == DEV_BESIDE.format('7, 11, 5, "alpha", 0', 1)
    run_relnox("check-versions", cwd=root, check=True)


GET_VERSION = (
    "def get_version(version):\n"
    "    parts = 2 if version[2] == 0 else 3\n"
    '    main = ".".join(str(x) for x in version[:parts])\n'
    '    if version[3] == "final":\n'
    "        return main\n"
    '    return main + {"alpha": "a", "beta": "b", "rc": "rc"}[version[3]] + str(version[4])\n'
)
VERSION_CALL = (
    "from acme.version import get_version\n\nVERSION = ({})\n\n__version__ = get_version(VERSION)\n"
)


def test_a_version_tuple_a_function_makes_into_the_version_is_what_a_bump_writes(
    tmp_path: Path,
) -> None:
    """``VERSION = (2, 1, 0, "alpha", 0)`` and ``__version__ = get_version(VERSION)`` (the
    function in another module): the tuple is the version, written with each release (a tag
    alone would build 2.1a0 again); its level word for a candidate is ``rc`` as written."""
    extra = '\n[tool.setuptools.dynamic]\nversion = {attr = "acme.__version__"}\n'
    files = {
        "pyproject.toml": project("acme", dynamic=True, backend="setuptools", extra=extra),
        "acme/__init__.py": VERSION_CALL.format('2, 1, 0, "alpha", 0'),
        "acme/version.py": GET_VERSION,
    }
    root = repo(tmp_path / "call", files, tags=["v2.0"])
    shown = run_relnox("packages", "--json", cwd=root, check=True).stdout
    (pkg,) = json.loads(shown)["packages"]
    assert (pkg["version"], pkg["primary"]) == ("2.1.0a0", "acme/__init__.py")
    for ask, spelled in (
        (["--pre", "rc"], '2, 1, 0, "rc", 0'),
        (["--part", "release"], '2, 1, 0, "final", 0'),
        (["--part", "patch"], '2, 1, 1, "final", 0'),
    ):
        run_relnox("bump", *ask, cwd=root, check=True)
        assert (root / "acme/__init__.py").read_text() == VERSION_CALL.format(spelled)


def test_a_version_tuple_is_released_in_the_spelling_of_its_history(tmp_path: Path) -> None:
    """A tuple's ``2.1.0rc0`` is relnox's joining of ``(2, 1, 0, "rc", 0)``, not the
    project's spelling: its releases were tagged ``v1.0`` and ``v2.0`` (``get_version``
    drops a zero micro), so its release is 2.1, tagged ``v2.1``, the tuple as written."""
    extra = '\n[tool.setuptools.dynamic]\nversion = {attr = "acme.__version__"}\n'
    files = {
        "pyproject.toml": project("acme", dynamic=True, backend="setuptools", extra=extra),
        "acme/__init__.py": VERSION_CALL.format('2, 1, 0, "rc", 0'),
        "acme/version.py": GET_VERSION,
    }
    root = repo(tmp_path / "short", files, tags=["v1.0", "v2.0"])
    shown = run_relnox("bump", "--part", "minor", cwd=root, check=True).stdout
    assert "acme: 2.1.0rc0 -> 2.1\n" in shown
    assert (root / "acme/__init__.py").read_text() == VERSION_CALL.format('2, 1, 0, "final", 0')
    tagged = run_relnox("tag", "--dry-run", cwd=root, check=True).stdout
    assert "v2.1" in tagged and "v2.1.0" not in tagged


DUNDER_INFO = (
    "from typing import NamedTuple\n\n\n"
    "class version_info(NamedTuple):\n"
    "    major: int\n    minor: int\n    micro: int\n    releaselevel: str\n    serial: int\n\n"
    "    @property\n"
    "    def __version__(self):\n"
    '        level = "" if self.releaselevel == "final" else self.releaselevel[0]\n'
    '        level = ("r" if level == "c" else "") + level\n'
    '        return f"{{self.major}}.{{self.minor}}.{{self.micro}}" + (\n'
    '            f"{{level}}{{self.serial}}" if level else ""\n'
    "        )\n\n\n"
    "__version_info__ = version_info({})\n"
    "__version__ = __version_info__.__version__\n"
)


def test_a_dunder_version_info_the_version_is_read_from_is_the_version(tmp_path: Path) -> None:
    """flit reads ``__version__ = __version_info__.__version__``, a property of the
    ``sys.version_info``-shaped ``__version_info__ = version_info(3, 3, 0, "beta", 1)``:
    that call is the version (3.3.0b1), read and written in its five parts."""
    flit = '[build-system]\nrequires = ["flit_core"]\nbuild-backend = "flit_core.buildapi"\n'
    files = {
        "pyproject.toml": f'[project]\nname = "acme"\ndescription = "A"\ndynamic = ["version"]\n\n{flit}',
        "acme/__init__.py": DUNDER_INFO.format('3, 3, 0, "beta", 1'),
    }
    root = repo(tmp_path / "dunder", files, tags=["3.3.0a1"])
    shown = run_relnox("packages", "--json", cwd=root, check=True).stdout
    (pkg,) = json.loads(shown)["packages"]
    assert (pkg["version"], pkg["primary"]) == ("3.3.0b1", "acme/__init__.py")
    for ask, spelled in (
        (["--pre", "rc"], '3, 3, 0, "candidate", 1'),
        (["--part", "release"], '3, 3, 0, "final", 0'),
        (["--part", "patch"], '3, 3, 1, "final", 0'),
    ):
        run_relnox("bump", *ask, cwd=root, check=True)
        assert (root / "acme/__init__.py").read_text() == DUNDER_INFO.format(spelled)
    run_relnox("check-versions", cwd=root, check=True)


def test_a_final_version_info_keeps_the_serial_its_finals_are_written_with(
    tmp_path: Path,
) -> None:
    """The shape: every final release of the project says ``version_info(3, 3, 2, "final",
    1)``; a patch bump wrote ``(3, 3, 3, "final", 0)``, a spelling none of them used."""
    flit = '[build-system]\nrequires = ["flit_core"]\nbuild-backend = "flit_core.buildapi"\n'
    files = {
        "pyproject.toml": f'[project]\nname = "acme"\ndescription = "A"\ndynamic = ["version"]\n\n{flit}',
        "acme/__init__.py": DUNDER_INFO.format('3, 3, 2, "final", 1'),
    }
    root = repo(tmp_path / "serial", files, tags=["3.3.2"])
    run_relnox("bump", "--part", "patch", cwd=root, check=True)
    assert (root / "acme/__init__.py").read_text() == DUNDER_INFO.format('3, 3, 3, "final", 1')
    run_relnox("check-versions", cwd=root, check=True)


JOINED_BY_FUNCTION = (
    "VERSION = ({})\n\n\n"
    "def get_version(version=VERSION):\n"
    "    if len(version) == 4:\n"
    '        return "%s.%s.%s.%s" % version\n'
    '    return "%s.%s.%s" % version[:3]\n'
    "{}"
)


@pytest.mark.parametrize(
    ("attr", "tail"),
    [("acme.__version__", "\n\n__version__ = get_version(VERSION)\n"), ("acme.get_version", "")],
)
def test_a_version_tuple_a_function_of_its_module_joins_is_read_and_bumped_at_the_tuple(
    tmp_path: Path, attr: str, tail: str
) -> None:
    """``VERSION = (3, 2, 3, 'DEV')`` beside the ``def get_version`` that joins it, which
    ``__version__ = get_version(VERSION)`` calls or setuptools' ``attr`` names: the tuple as
    the dots join it is the version (3.2.3.dev0), and a bump writes the tuple, keeping its own
    word where it still says the version ('DEV' for .dev0), so the build says the release."""
    extra = f'\n[tool.setuptools.dynamic]\nversion = {{attr = "{attr}"}}\n'
    files = {
        "pyproject.toml": project("acme", dynamic=True, backend="setuptools", extra=extra),
        "acme/__init__.py": JOINED_BY_FUNCTION.format("3, 2, 3, 'DEV'", tail),
    }
    root = repo(tmp_path / "joined", files, tags=["3.2.2"])
    shown = run_relnox("packages", "--json", cwd=root, check=True).stdout
    (pkg,) = json.loads(shown)["packages"]
    assert (pkg["version"], pkg["primary"]) == ("3.2.3.DEV", "acme/__init__.py")
    for ask, spelled in (
        (["--part", "patch"], "3, 2, 3"),
        (["--to", "3.3.0.dev0"], '3, 3, 0, "dev0"'),
    ):
        run_relnox("bump", *ask, cwd=root, check=True)
        assert (root / "acme/__init__.py").read_text() == JOINED_BY_FUNCTION.format(spelled, tail)
    commit(root, {"acme/__init__.py": JOINED_BY_FUNCTION.format("3, 3, 0, 'DEV'", tail)})
    run_relnox("bump", "--to", "3.4.0.dev0", cwd=root, check=True)
    said = (root / "acme/__init__.py").read_text()
    assert said == JOINED_BY_FUNCTION.format("3, 4, 0, 'DEV'", tail)
    run_relnox("check-versions", cwd=root, check=True)


LEVELLED = (
    "VERSION = ({})\n\n\n"
    "def get_version(version=None):\n"
    "    version = version or VERSION\n"
    '    main = ".".join(str(x) for x in version[:3])\n'
    '    if version[3] == "final":\n'
    "        return main\n"
    '    return main + {{"alpha": "a", "beta": "b", "rc": "rc"}}[version[3]] + str(version[4])\n'
    "{}"
)


@pytest.mark.parametrize(
    ("attr", "tail"),
    [
        ("acme.__version__", "\n\n__version__ = get_version()\n"),
        ("acme.__version__", "\n\n__version__ = get_version(VERSION)\n"),
        ("acme.get_version", ""),
    ],
)
def test_a_version_tuple_with_a_release_level_its_function_reads_is_bumped_at_the_tuple(
    tmp_path: Path, attr: str, tail: str
) -> None:
    """``VERSION = (4, 2, 0, "final", 0)`` beside the ``def get_version`` that makes the
    version of it (``alpha``/``beta``/``rc`` and their number, nothing for ``final``), called
    by ``__version__`` or named by setuptools' ``attr``: the tuple is the version (4.2.0, not
    the dots' 4.2.0.final.0), and each bump writes its level word and number in its quotes."""
    extra = f'\n[tool.setuptools.dynamic]\nversion = {{attr = "{attr}"}}\n'
    files = {
        "pyproject.toml": project("acme", dynamic=True, backend="setuptools", extra=extra),
        "acme/__init__.py": LEVELLED.format('4, 2, 0, "final", 0', tail),
    }
    root = repo(tmp_path / "levelled", files, tags=["4.2.0"])
    shown = run_relnox("packages", "--json", cwd=root, check=True).stdout
    (pkg,) = json.loads(shown)["packages"]
    assert (pkg["version"], pkg["primary"]) == ("4.2.0", "acme/__init__.py")
    for ask, spelled in (
        (["--part", "patch"], '4, 2, 1, "final", 0'),
        (["--to", "4.3.0b2"], '4, 3, 0, "beta", 2'),
        (["--to", "4.3.0rc1"], '4, 3, 0, "rc", 1'),
    ):
        run_relnox("bump", *ask, cwd=root, check=True)
        assert (root / "acme/__init__.py").read_text() == LEVELLED.format(spelled, tail)
    run_relnox("check-versions", cwd=root, check=True)


def test_a_candidate_version_tuple_is_read_in_its_own_quotes(tmp_path: Path) -> None:
    """``VERSION = (1, 3, 0, 'rc', 1)`` in ``acme/version.py``, which ``acme/__init__.py``
    imports ``__version__`` from: 1.3.0rc1, and its release writes ``'final', 0`` in its
    single quotes."""
    extra = '\n[tool.setuptools.dynamic]\nversion = {attr = "acme.__version__"}\n'
    tail = "\n\n__version__ = get_version()\n"
    files = {
        "pyproject.toml": project("acme", dynamic=True, backend="setuptools", extra=extra),
        "acme/__init__.py": "from acme.version import __version__  # noqa: F401\n",
        "acme/version.py": LEVELLED.format("1, 3, 0, 'rc', 1", tail),
    }
    root = repo(tmp_path / "rc", files, tags=["1.2.0"])
    shown = run_relnox("packages", "--json", cwd=root, check=True).stdout
    (pkg,) = json.loads(shown)["packages"]
    assert (pkg["version"], pkg["primary"]) == ("1.3.0rc1", "acme/version.py")
    run_relnox("bump", "--part", "release", cwd=root, check=True)
    said = (root / "acme/version.py").read_text()
    assert said == LEVELLED.format("1, 3, 0, 'final', 0", tail)


@pytest.mark.parametrize("new", ["4.2.0.post1", "4.2.1.dev0"])
def test_a_version_the_level_tuple_cannot_spell_is_refused_before_a_write(
    tmp_path: Path, new: str
) -> None:
    """A tuple with only release level words has none for a .post or .dev: the bump is
    refused in one line naming the file and the way out, and nothing is written."""
    extra = '\n[tool.setuptools.dynamic]\nversion = {attr = "acme.__version__"}\n'
    module = LEVELLED.format('4, 2, 0, "final", 0', "\n\n__version__ = get_version()\n")
    files = {
        "pyproject.toml": project("acme", dynamic=True, backend="setuptools", extra=extra),
        "acme/__init__.py": module,
    }
    root = repo(tmp_path / "refused", files, tags=["4.2.0"])
    refused = run_relnox("bump", "--to", new, cwd=root)
    assert refused.returncode != 0
    said = [line for line in refused.stderr.splitlines() if "cannot spell" in line]
    assert len(said) == 1 and "acme/__init__.py" in said[0] and "--to" in said[0], refused.stderr
    assert (root / "acme/__init__.py").read_text() == module
    assert git(root, "status", "--porcelain") == ""
