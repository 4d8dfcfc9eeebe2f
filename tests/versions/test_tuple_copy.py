"""A version's tuple copy beside its literal moves with it (relnox.versions.tuple_copy)."""

from __future__ import annotations

from pathlib import Path

import pytest

from relnox.bump import BumpOptions, apply_bump, plan_bump
from relnox.errors import VersionError
from relnox.project.discovery import load_workspace
from tests.conftest import run_relnox
from tests.shapes import project, repo

ATTR = '\n[tool.setuptools.dynamic]\nversion = {attr = "pack.__version__"}\n'


def _root(tmp_path: Path, module: str, tag: str, attr: str = "__version__") -> Path:
    extra = ATTR.replace("__version__", attr)
    return repo(
        tmp_path / "r",
        {
            "pyproject.toml": project("pack", None, backend="setuptools", extra=extra),
            "pack/__init__.py": module,
        },
        tags=[tag],
    )


@pytest.mark.parametrize(
    ("to", "spelled"),
    [("1.3.0", "(1, 3, 0)"), ("1.3.0rc1", '(1, 3, 0, "rc1")'), ("1.3.0.dev2", '(1, 3, 0, "dev2")')],
)
def test_a_tuple_beside_the_literal_moves_with_it(tmp_path: Path, to: str, spelled: str) -> None:
    """The shape: ``version = (1, 2, 1)`` above ``__version__ = "1.2.1"``, which
    setuptools' attr reads; a bump moved the literal and left the tuple at 1.2.1. A tuple
    that says another version (a protocol's) is no copy and stays."""
    module = 'PROTOCOL_VERSION = (2, 0)\nversion = (1, 2, 1)\n__version__ = "1.2.1"\n'
    root = _root(tmp_path, module, "v1.2.1")
    ws = load_workspace(root)
    kinds = [(loc.path.name, loc.kind) for loc in ws.packages[0].locations]
    assert kinds == [("__init__.py", "python"), ("__init__.py", "tuple_copy")]
    apply_bump(plan_bump(ws, BumpOptions(to=to)))
    expected = module.replace("(1, 2, 1)", spelled).replace('"1.2.1"', f'"{to}"')
    assert (root / "pack/__init__.py").read_text() == expected


def test_a_tuple_of_the_release_alone_beside_a_pre_release_is_its_copy(tmp_path: Path) -> None:
    """msgpack wrote ``(1, 2, 0)`` beside ``1.2.0rc1``: the tuple says the release."""
    module = 'version = (1, 2, 0)\n__version__ = "1.2.0rc1"\n'
    root = _root(tmp_path, module, "v1.1.0")
    ws = load_workspace(root)
    apply_bump(plan_bump(ws, BumpOptions(to="1.3.0")))
    assert (root / "pack/__init__.py").read_text() == (
        'version = (1, 3, 0)\n__version__ = "1.3.0"\n'
    )


@pytest.mark.parametrize(("cfg", "extra"), [(False, ATTR), (True, "")])
def test_the_attribute_setuptools_names_is_read_not_another_version_beside_it(
    tmp_path: Path, cfg: bool, extra: str
) -> None:
    """The shape: ``attr = "pack.VERSION_STRING"`` beside ``__version__ =
    "2.2.8"`` kept for a framework, and ``VERSION = (1, 2, 0, "final")``. relnox read the
    ``__version__`` (2.2.8, no release of it); it reads the attribute named, and a bump
    moves it and its tuple copy (the word ``final`` kept), never the other version."""
    module = (
        'VERSION = (1, 2, 0, "final")\nVERSION_STRING = "1.2.0"\n\n'
        'version_info = (2, 2, 8, "final", 1)\n__version__ = "2.2.8"\n'
    )
    files = {
        "pyproject.toml": project(
            "pack", None, backend="setuptools", extra=extra.replace("__version__", "VERSION_STRING")
        ),
        "pack/__init__.py": module,
    }
    if cfg:
        files["pyproject.toml"] = (
            '[build-system]\nrequires = ["setuptools"]\nbuild-backend = "setuptools.build_meta"\n'
        )
        files["setup.cfg"] = "[metadata]\nname = pack\nversion = attr: pack.VERSION_STRING\n"
    root = repo(tmp_path / "r", files, tags=["v1.2.0"])
    (pkg,) = load_workspace(root).packages
    assert pkg.version == "1.2.0"
    apply_bump(plan_bump(load_workspace(root), BumpOptions(part="minor")))
    assert (root / "pack/__init__.py").read_text() == module.replace(
        "(1, 2, 0", "(1, 3, 0"
    ).replace('"1.2.0"', '"1.3.0"')
    with pytest.raises(VersionError, match=r"level word, which relnox cannot write for 1\.4\.0rc1"):
        plan_bump(load_workspace(root), BumpOptions(part="minor", pre="rc"))


def test_a_number_writing_the_release_two_digits_each_moves_with_the_literal(
    tmp_path: Path,
) -> None:
    """``__build__ = 0x023402`` under ``__version__ = "2.34.2"``: the release's numbers two
    digits each, moved by every release (a pre-release writes its release, 0x023500); a
    number saying another release (a protocol's) is no copy and stays."""
    module = 'PROTOCOL = 0x0102\n__version__ = "2.34.2"\n__build__ = 0x023402\n'
    root = _root(tmp_path, module, "v2.34.2")
    for to, spelled in (("2.34.3", "0x023403"), ("2.35.0a1", "0x023500")):
        shown = run_relnox("bump", "--to", to, "--dry-run", cwd=root, check=True)
        assert "\n-__build__ = 0x023402\n" in shown.stdout
        assert f"\n+__build__ = {spelled}\n" in shown.stdout and "-PROTOCOL" not in shown.stdout
    refused = run_relnox("bump", "--to", "2.100.0", "--dry-run", cwd=root)
    assert refused.returncode != 0 and "two digits" in refused.stderr


def test_a_file_the_comment_over_the_version_names_holds_a_copy(tmp_path: Path) -> None:
    """``# When updating this, also update lib.rs`` over ``version = "4.1.0"``: the one line
    of ``src/ext/src/lib.rs`` saying 4.1.0 moves with it (no release history needed); a
    named file not saying the version, or named by no comment, is left."""
    pyproject = project("ext", "4.1.0", backend="maturin").replace(
        'version = "4.1.0"',
        '# When updating this, also update lib.rs and README.md\nversion = "4.1.0"',
    )
    rust = 'fn init(m) {\n    m.add("__version_ex__", "4.1.0")?;\n}\n'
    root = repo(
        tmp_path / "r",
        {
            "pyproject.toml": pyproject,
            "src/ext/src/lib.rs": rust,
            "README.md": "The extension.\n",
            "src/ext/src/other.rs": 'const V: &str = "4.1.0";\n',
        },
        tags=["4.0.0"],
    )
    shown = run_relnox("bump", "--to", "4.1.1", "--dry-run", cwd=root, check=True).stdout
    assert '+    m.add("__version_ex__", "4.1.1")?;' in shown
    assert "+++ b/README.md" not in shown and "other.rs" not in shown
