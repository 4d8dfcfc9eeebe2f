"""rehearse's final install from the 'PyPI' stand-in keeps the options the release was given."""

from __future__ import annotations

import importlib
from pathlib import Path
from types import SimpleNamespace

import pytest

from relnox.release.pipeline import ReleaseOptions, ReleaseResult, StageReport
from relnox.sample import ProjectSpec, write_project
from relnox.verify import VerifyOptions

rehearse_module = importlib.import_module(
    "relnox.release.rehearse"
)  # relnox.release.rehearse: the function


class _Report:
    ok = True
    results = ("one",)


def test_the_final_install_check_keeps_extras_and_the_extra_index(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``rehearse --extras cli``: the last install is ``[cli]`` too, not the bare package."""
    root = write_project(tmp_path / "p", ProjectSpec("failextract", "1.0.0"))
    seen: list[VerifyOptions] = []

    def plan(workspace: object, options: VerifyOptions) -> VerifyOptions:
        seen.append(options)  # the index is a stand-in: nothing is installed
        return options

    stand_in = SimpleNamespace(plan=plan, run=lambda plan, runtime=None: _Report())
    monkeypatch.setattr(rehearse_module, "VERIFY", stand_in)
    result = ReleaseResult(root, versions={"failextract": "1.0.0"})
    stages: list[StageReport] = []
    options = ReleaseOptions(extras=("cli",), extra_index="https://mirror.example.invalid/simple/")
    rehearse_module._final_check(result, root, "http://127.0.0.1:9/", stages.append, options)
    assert seen[0].extras == ("cli",)
    assert seen[0].extra_index == "https://mirror.example.invalid/simple/"
    assert [s.name for s in stages] == ["install-from-index"]
