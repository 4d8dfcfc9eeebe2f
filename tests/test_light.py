"""The ``relnox`` command's tasks without invoke (:mod:`relnox._light`) take the same flags
as the invoke tasks, run the same bodies, and the command never imports invoke."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

from relnox.sample import demo_specs, write_workspace
from tests.conftest import run_relnox

FIELDS = (
    "names",
    "kind",
    "default",
    "help",
    "positional",
    "optional",
    "incrementable",
    "attr_name",
)


def _described(tasks: Any) -> dict[str, Any]:
    return {
        task.name: {
            "type": type(task).__name__,
            "aliases": list(task.aliases),
            "doc": task.__doc__,
            "arguments": [
                {f: repr(getattr(a, f)) for f in FIELDS} | {"name": a.name}
                for a in task.get_arguments()
            ],
        }
        for task in tasks
    }


DESCRIBE = (
    "import json, sys\n"
    "from relnox import _light\n"
    "_light.ACTIVE = True\n"
    "from relnox.invoke import TASKS\n"
    "from tests.test_light import _described\n"
    "print(json.dumps(_described(TASKS)))\n"
    "print(json.dumps(sorted(m for m in sys.modules if m.split('.')[0] == 'invoke')))\n"
)


def test_light_tasks_take_the_flags_of_the_invoke_tasks() -> None:
    from relnox.invoke import TASKS

    root = Path(__file__).resolve().parents[1]
    proc = subprocess.run(
        [sys.executable, "-c", DESCRIBE], cwd=root, capture_output=True, text=True, check=False
    )
    assert proc.returncode == 0, proc.stderr
    light_lines = proc.stdout.splitlines()
    light, imported = json.loads(light_lines[0]), json.loads(light_lines[1])
    assert imported == []  # made without importing invoke
    heavy = _described(TASKS)
    assert {v["type"] for v in heavy.values()} == {"RelnoxTask"}
    assert {v["type"] for v in light.values()} == {"LightTask"}
    for described in (light, heavy):
        for value in described.values():
            del value["type"]
    assert light == heavy


def _modules_after_packages(tmp_path: Path, listed: str) -> tuple[str, str]:
    """``relnox packages --json`` run by the command in a new process on the demo workspace:
    its output, and the modules ``listed`` (an expression over ``sys.modules``) after it."""
    write_workspace(tmp_path, demo_specs())
    code = (
        "import sys\n"
        "from relnox.cli import main\n"
        "try:\n"
        "    main(['packages', '--json'])\n"
        "finally:\n"
        f"    print({listed}, file=sys.stderr)\n"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True, check=False
    )
    assert proc.returncode == 0, proc.stderr
    return proc.stdout, proc.stderr.strip().splitlines()[-1]


def test_the_command_runs_a_task_without_invoke(tmp_path: Path) -> None:
    out, listed = _modules_after_packages(
        tmp_path, "[m for m in sys.modules if m.split('.')[0] == 'invoke']"
    )
    assert json.loads(out)["packages"]
    assert listed == "[]"


def test_a_light_tasks_failure_is_one_line_and_exit_1(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text("[project\nname = 'broken'\n", encoding="utf-8")
    proc = run_relnox("packages", cwd=tmp_path)
    assert proc.returncode == 1
    assert "Traceback" not in proc.stderr
    assert proc.stderr.startswith("relnox: error: ")


def test_task_help_still_lists_every_flag(tmp_path: Path) -> None:
    proc = run_relnox("build-all", "--help", cwd=tmp_path, check=True)
    for flag in ("--jobs=INT", "-p, --package", "-v INT, --verbose=INT", "--wheel-only"):
        assert flag in proc.stdout, flag


def test_the_table_of_tasks_is_the_tasks() -> None:
    """The command finds a task by :data:`relnox.invoke.TABLE` without importing the others:
    the table names every task, in order, with its module, name and aliases."""
    import importlib

    import relnox.invoke

    table = relnox.invoke.TABLE
    assert [t.name for t in relnox.invoke.TASKS] == list(table)
    for each in relnox.invoke.TASKS:
        module, attribute, aliases = table[each.name]
        assert getattr(importlib.import_module(f"relnox.invoke.{module}"), attribute) is each
        assert tuple(each.aliases) == aliases
        assert relnox.invoke.names(each) == relnox.invoke.spellings(each.name, aliases)
    exported = {n for n in relnox.invoke.__all__ if n not in ("collection", "names")}
    assert {getattr(relnox.invoke, n) for n in exported} == set(relnox.invoke.TASKS)


def test_the_command_imports_only_the_task_it_runs(tmp_path: Path) -> None:
    _, listed = _modules_after_packages(
        tmp_path,
        "sorted(m for m in sys.modules if m.startswith('relnox.invoke._')"
        " and m not in ('relnox.invoke._args', 'relnox.invoke._common'))",
    )
    assert listed == "['relnox.invoke._workspace']"
