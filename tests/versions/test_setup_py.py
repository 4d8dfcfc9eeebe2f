"""setup.py read as a tree: each text parsed once however many questions a load asks."""

from __future__ import annotations

from pathlib import Path

import pytest

from relnox.project.discovery import load_workspace


def test_a_setup_py_package_is_parsed_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Loading a setup.py package asks its name, version, layout and versioning plugins
    (pbr, setuptools-scm) of the one ``setup()`` call: one parse of the file for them all,
    not one per question (a dozen on a 73-package workspace's two setup.py projects)."""
    from relnox.versions import python_ast, setup_py

    (tmp_path / "setup.py").write_text(
        "from setuptools import setup\n\n"
        'setup(name="acme", version="1.2.0", packages=["acme"], install_requires=["x"])\n',
        encoding="utf-8",
    )
    (tmp_path / "acme").mkdir()
    (tmp_path / "acme" / "__init__.py").write_text("", encoding="utf-8")
    parsed: list[str] = []
    real = python_ast.parse

    def counted(source: str, filename: str = "<unknown>") -> object:
        parsed.append(filename)
        return real(source, filename)

    monkeypatch.setattr(setup_py, "parse", counted)
    workspace = load_workspace(tmp_path)
    assert [(p.name, p.version) for p in workspace.packages] == [("acme", "1.2.0")]
    assert parsed.count(str(tmp_path / "setup.py")) == 1
