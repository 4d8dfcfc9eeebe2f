"""relnox_task(flags=...): a task's flags are one dataclass, built once from the command line."""

from __future__ import annotations

from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

import pytest
from invoke.context import Context

from relnox.invoke._common import relnox_task
from relnox.report import MANY
from relnox.sample import generated_specs, git_init, write_workspace
from tests.conftest import run_relnox


@dataclass(frozen=True)
class _Flags:
    name: str
    package: Any = None
    jobs: int = 4
    dry_run: bool = False


seen: list[_Flags] = []


@relnox_task(flags=_Flags, iterable=["package"], help={"name": "who"})
def _task(c: Any, flags: _Flags) -> dict[str, Any]:
    seen.append(flags)
    return {"name": flags.name}


def test_the_flags_are_the_fields_of_the_dataclass() -> None:
    arguments = {a.name: a for a in _task.get_arguments()}
    assert list(arguments) == ["name", "package", "jobs", "dry_run"]
    assert arguments["jobs"].kind is int and arguments["jobs"].default == 4
    assert arguments["dry_run"].kind is bool
    assert arguments["name"].help == "who"
    assert arguments["package"].kind is list  # iterable, as the task declares it


def test_every_help_text_names_a_flag_of_some_task() -> None:
    """A help table may be shared by tasks taking some of its flags (publish and
    publish-test, release and rehearse), so a task ignores the others: a key no task takes
    is a typo."""
    from relnox.invoke import TASKS

    flags = {n.replace("-", "_") for task in TASKS for a in task.get_arguments() for n in a.names}
    unknown = {task.name: {k.replace("-", "_") for k in task.help} - flags for task in TASKS}
    assert not {name: keys for name, keys in unknown.items() if keys}


def test_the_task_receives_one_object_built_from_the_given_flags() -> None:
    seen.clear()
    assert _task(Context(), "demo", jobs=2) == {"name": "demo"}
    assert seen == [_Flags(name="demo", jobs=2)]


@dataclass(frozen=True)
class _Options:
    packages: tuple[str, ...] = ()
    jobs: int | None = None
    wait: float | None = 300.0
    keep_going: bool = True


def test_options_flags_are_the_options_fields_and_build_the_options() -> None:
    from relnox.invoke._args import UsageError
    from relnox.invoke._flags import options_flags

    flags = options_flags(_Options, rename={"packages": "package"}, extra=(("wait", ""),))
    assert [f.name for f in fields(flags)] == [
        *("package", "jobs", "keep_going", "wait", "root", "json", "verbose")
    ]
    assert flags.iterable == ["package"]  # type: ignore[attr-defined]
    given = flags(package=["a", "b"], jobs="3", wait="", keep_going=False)
    assert given.options() == _Options(packages=("a", "b"), jobs=3, keep_going=False)
    assert flags(jobs="0").options().jobs is None  # 0: the option's default
    with pytest.raises(UsageError, match="--jobs takes a whole number, not 'x'"):
        flags(jobs="x").options()


def test_q_keeps_the_warnings_of_a_dry_run(tmp_path: Path) -> None:
    """A dry run says as a warning what would stop the real run (here a tree with
    uncommitted changes): -q printed the version moves only and dropped it."""
    root = write_workspace(tmp_path / "ws", generated_specs(MANY))
    git_init(root)
    readme = root / "packages" / "gen-pkg0" / "README.md"
    readme.write_text(readme.read_text() + "edited\n")
    said = run_relnox("bump", "--part", "patch", "--dry-run", cwd=root, check=True).stdout
    [warning] = [line for line in said.splitlines() if line.startswith("warning: ")]
    assert "uncommitted" in warning
    quiet = run_relnox("-q", "bump", "--part", "patch", "--dry-run", cwd=root, check=True)
    assert quiet.stdout.splitlines() == [f"{MANY} packages 0.1.0 -> 0.1.1", warning]
