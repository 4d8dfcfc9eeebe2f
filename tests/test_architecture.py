"""docs/architecture.md's rules, read from the code, so the document and the code cannot
drift apart: imports go downward only, a stage uses another stage through its public face,
the shared modules stay small, every child process starts in ``_proc`` and every file relnox
leaves behind is written through ``atomic``."""

from __future__ import annotations

import ast
import dataclasses
import functools
import importlib
import inspect
import typing
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from relnox.stage import Stage

RELNOX = Path(__file__).parent.parent / "relnox"
TESTS = Path(__file__).parent

HOSTS = {"cli", "nox", "invoke", "__main__"}
#: folders below the hosts: each release stage (``release`` composes the others)
STAGES = {"bump", "builds", "verify", "publish", "release", "ci", "guards", "shards", "build"}
#: the model of the repository, the artifacts, the outside programs
LOWER = {"project", "versions", "artifacts", "tools"}
#: shared modules that reach down (docs/architecture.md names each): what, and why
SHARED_REACHING_DOWN = {
    "report": {"paths", "project", "versions"},  # tables of packages read the workspace model
    "sample": {"tools"},  # sample repositories are committed with tools/git.py
    "build": {"builds"},  # the stage's former import path, re-exported
}
#: files that write with open()/write_text() instead of atomic.write_atomic, and why
SCRATCH_WRITERS = {
    "sample.py": "writes a new sample repository into a directory it creates",
    "verify/smoke.py": "writes the check script and its spec into a round's own scratch directory",
    "verify/run.py": "writes a round's requirements file into the round's own directory",
    "verify/in_env.py": "the check process's script, run in the fresh environment (standard "
    "library only: no relnox there), writes its result file",
    "lock.py": "holds the repository's lock file open under flock; it notes only the holder",
    "tools/github.py": "appends to GITHUB_OUTPUT/GITHUB_STEP_SUMMARY, which the runner owns",
}
WRITE_CALLS = {"write_text", "write_bytes"}


@dataclass(frozen=True)
class Import:
    source: str  # relnox.publish.plan
    target: str  # relnox.tools.git
    where: str  # relnox/publish/plan.py:12


def _module(path: Path) -> str:
    parts = list(path.relative_to(RELNOX.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


@functools.cache
def _sources() -> tuple[tuple[Path, ast.Module], ...]:
    """Every module of relnox/ and its syntax tree, parsed once per test process (each rule
    below walks the trees; none changes them)."""
    return tuple(
        (path, ast.parse(path.read_text(encoding="utf-8"), str(path)))
        for path in sorted(RELNOX.rglob("*.py"))
    )


@functools.cache
def _imports() -> tuple[Import, ...]:
    found = []
    for path, tree in _sources():
        source = _module(path)
        where = f"{path.relative_to(RELNOX.parent)}"
        for node in ast.walk(tree):
            names: list[str] = []
            if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
                if node.module == "relnox":  # from relnox import publish
                    names = [f"relnox.{alias.name}" for alias in node.names]
            elif isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            for name in names:
                if name == "relnox" or name.startswith("relnox."):
                    found.append(Import(source, name, f"{where}:{getattr(node, 'lineno', 0)}"))
    return tuple(found)


def _floor(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else ""


def test_the_layers_are_known() -> None:
    """A new folder of relnox/ gets a floor here (and a line in docs/architecture.md)."""
    folders = {p.name for p in RELNOX.iterdir() if p.is_dir() and (p / "__init__.py").is_file()}
    assert folders <= HOSTS | STAGES | LOWER, sorted(folders - (HOSTS | STAGES | LOWER))
    doc = (RELNOX.parent / "docs" / "architecture.md").read_text(encoding="utf-8")
    for folder in sorted(folders):
        assert f"{folder}/" in doc, f"docs/architecture.md does not place relnox/{folder}/"


def test_nothing_below_the_hosts_imports_a_host() -> None:
    bad = [
        f"{i.where} imports {i.target}"
        for i in _imports()
        if _floor(i.target) in HOSTS and _floor(i.source) not in HOSTS
    ]
    assert not bad, "\n".join(bad)


def test_the_model_and_the_tools_never_import_a_stage() -> None:
    bad = [
        f"{i.where} imports {i.target}"
        for i in _imports()
        if _floor(i.source) in LOWER and _floor(i.target) in STAGES
    ]
    assert not bad, "\n".join(bad)


def test_a_stage_is_used_only_through_its_public_face() -> None:
    """Hosts, shared modules and other stages import a stage's package, never its modules."""
    bad = [
        f"{i.where} imports {i.target}; import it from relnox.{_floor(i.target)}"
        for i in _imports()
        if _floor(i.target) in STAGES
        and _floor(i.source) != _floor(i.target)
        and i.target.count(".") > 1
    ]
    assert not bad, "\n".join(bad)


def _face_imports() -> list[tuple[str, str, str]]:
    """(stage, name, where) for every name imported from a stage's package by another floor."""
    found = []
    for path, tree in _sources():
        source = _module(path)
        for node in ast.walk(tree):
            if not (isinstance(node, ast.ImportFrom) and node.level == 0 and node.module):
                continue
            parts = node.module.split(".")
            if len(parts) != 2 or parts[0] != "relnox" or parts[1] not in STAGES:
                continue
            if _floor(source) == parts[1] or source == "relnox.build":
                continue
            where = f"{path.relative_to(RELNOX.parent)}:{node.lineno}"
            found += [(parts[1], alias.name, where) for alias in node.names]
    return found


def test_only_a_stages_all_is_used_from_outside() -> None:
    """What a stage's ``__all__`` does not list is private to the stage."""
    bad = []
    for stage, name, where in _face_imports():
        public = importlib.import_module(f"relnox.{stage}").__all__
        if name not in public:
            bad.append(f"{where} imports {name} from relnox.{stage}, which is not in its __all__")
    assert not bad, "\n".join(bad)


def _documented_faces() -> dict[str, set[str]]:
    """docs/architecture.md's table of what each stage's face holds besides its Stage and
    its types: ``| `relnox.verify` | `verify_install`, `judge` | why |``."""
    doc = (RELNOX.parent / "docs" / "architecture.md").read_text(encoding="utf-8")
    section = doc.split("## What a stage's face holds", 1)[1].split("\n## ", 1)[0]
    faces: dict[str, set[str]] = {}
    for line in section.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) >= 2 and cells[0].startswith("`relnox."):
            names = {
                n.strip().strip("`") for n in cells[1].split(",") if n.strip() not in ("", "-")
            }
            faces[cells[0].strip("`").split(".")[1]] = names
    return faces


def test_each_face_holds_its_stage_its_types_and_what_the_docs_name() -> None:
    """A stage's ``__all__`` is its Stage(s), classes (options, plans, results, errors) and
    the functions docs/architecture.md names for it, each with its reason: anything else a
    stage defines is private, and the document cannot drift from the code."""
    documented = _documented_faces()
    assert set(documented) == STAGES - {"build"}, sorted(documented)
    for folder, names in documented.items():
        module = importlib.import_module(f"relnox.{folder}")
        extras = {n for n in module.__all__ if not isinstance(getattr(module, n), Stage | type)}
        assert extras == names, (folder, sorted(extras ^ names))


def test_shared_modules_import_only_errors_and_redact() -> None:
    bad = []
    for i in _imports():
        floor = _floor(i.source)
        if floor in HOSTS | STAGES | LOWER or "." not in i.source:
            continue
        target = _floor(i.target)
        allowed = {"errors", "redact", ""} | SHARED_REACHING_DOWN.get(floor, set())
        if target not in allowed and target not in {"atomic", "stage", "progress", "files"}:
            bad.append(f"{i.where} imports {i.target}")
    assert not bad, "\n".join(bad)


#: the check process's script: it runs in the fresh environment, where relnox is not
#: importable (standard library only), so it starts its one child itself
OUTSIDE_RELNOX = "verify/in_env.py"


def test_every_child_process_starts_in_proc() -> None:
    bad = []
    for path, tree in _sources():
        rel = str(path.relative_to(RELNOX))
        if rel in ("_proc.py", OUTSIDE_RELNOX):
            continue
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and isinstance(node.func.value, ast.Name)
                and node.func.value.id in {"subprocess", "os"}
                and node.func.attr
                in {"run", "Popen", "call", "check_call", "check_output", "system", "popen"}
            ):
                bad.append(
                    f"relnox/{rel}:{node.lineno} calls {node.func.value.id}.{node.func.attr}"
                )
    assert not bad, "\n".join(bad)


def _opens_for_writing(node: ast.Call) -> bool:
    func = node.func
    name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
    if name in WRITE_CALLS:
        return True
    if name != "open":
        return False
    modes = [a for a in node.args[1:2]] + [k.value for k in node.keywords if k.arg == "mode"]
    if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name):
        if func.value.id in {"tarfile", "zipfile", "os"}:
            return False
        if not isinstance(func.value, ast.Name) or func.value.id not in {"io", "builtins"}:
            modes = [a for a in node.args[0:1]] + modes  # Path.open("w")
    return any(
        isinstance(m, ast.Constant) and isinstance(m.value, str) and set(m.value) & set("wax+")
        for m in modes
    )


def test_files_are_written_through_atomic() -> None:
    bad = []
    for path, tree in _sources():
        rel = str(path.relative_to(RELNOX))
        if rel == "atomic.py" or rel in SCRATCH_WRITERS:
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and _opens_for_writing(node):
                bad.append(f"relnox/{rel}:{node.lineno}: write through relnox.atomic.write_atomic")
    assert not bad, "\n".join(bad)


@pytest.mark.parametrize("scratch", sorted(SCRATCH_WRITERS))
def test_each_scratch_writer_still_writes(scratch: str) -> None:
    """An exception that is no longer needed is removed, not kept as a hole in the rule."""
    tree = ast.parse((RELNOX / scratch).read_text(encoding="utf-8"))
    assert any(isinstance(n, ast.Call) and _opens_for_writing(n) for n in ast.walk(tree))


def test_tests_mirror_the_tree() -> None:
    """tests/<folder>/ stands for relnox/<folder>/; there is no test folder of nothing."""
    folders = {p.name for p in TESTS.iterdir() if p.is_dir() and any(p.glob("test_*.py"))}
    packages = {p.name for p in RELNOX.iterdir() if p.is_dir() and (p / "__init__.py").is_file()}
    assert folders <= packages, sorted(folders - packages)


#: the stages of relnox and each one's public face (relnox.stage.Stage), by folder
STAGE_FACES = {
    "bump": ("STAGE",),
    "builds": ("STAGE",),
    "verify": ("STAGE",),
    "publish": ("STAGE",),
    "release": ("TAG_STAGE",),
    "guards": ("SKEW_STAGE", "AUDIT_STAGE"),
    "shards": ("STAGE",),
    "ci": ("STAGE",),
}


def _stages() -> list[tuple[str, Any]]:
    found = []
    for folder, names in STAGE_FACES.items():
        module = importlib.import_module(f"relnox.{folder}")
        found += [(f"relnox.{folder}.{name}", getattr(module, name)) for name in names]
    return found


def test_every_stage_folder_has_a_public_face() -> None:
    """Each stage folder (but ``build``, the old import path) keeps the one contract."""
    assert set(STAGE_FACES) == STAGES - {"build"}
    for folder, names in STAGE_FACES.items():
        module = importlib.import_module(f"relnox.{folder}")
        known = {*vars(module), *module.__all__}  # a lazy face (PEP 562) makes names on use
        faces = [n for n in known if isinstance(getattr(module, n), Stage)]
        assert sorted(faces) == sorted(names), folder


@pytest.mark.parametrize("where,stage", _stages(), ids=[w for w, _ in _stages()])
def test_each_stage_keeps_the_contract(where: str, stage: Any) -> None:
    """``Options`` a frozen dataclass; ``plan(workspace, options[, runtime]) -> Plan`` with
    ``describe() -> list[str]`` and ``to_json() -> dict``; ``run(plan, runtime) -> Result``."""
    assert isinstance(stage, Stage)
    assert dataclasses.is_dataclass(stage.options), where
    assert vars(stage.options)["__dataclass_params__"].frozen, f"{where}: options frozen"
    plan = inspect.signature(stage.plan)
    params = list(plan.parameters.values())
    assert [p.name for p in params[:2]] == ["workspace", "options"], (where, plan)
    assert all(p.default is not inspect.Parameter.empty for p in params[2:]), (where, plan)
    plan_type = typing.get_type_hints(stage.plan)["return"]
    for method in ("describe", "to_json"):
        assert callable(getattr(plan_type, method, None)), f"{plan_type.__name__}.{method}"
    assert typing.get_type_hints(plan_type.describe)["return"] == list[str], plan_type
    run = list(inspect.signature(stage.run).parameters.values())
    assert [p.name for p in run] == ["plan", "runtime"], (where, run)
    assert run[1].default is None, f"{where}: run's runtime defaults to None"
    result_type = typing.get_type_hints(stage.run)["return"]
    for method in ("describe", "to_json", "raise_for_failures"):
        assert callable(getattr(result_type, method, None)), f"{result_type.__name__}.{method}"
    assert typing.get_type_hints(result_type.describe)["return"] == list[str], result_type


def test_no_function_takes_more_than_eight_arguments() -> None:
    """Options objects carry what a person decides: no function takes more than eight
    arguments. A task's flags are the fields of one dataclass (``relnox_task(flags=...)``),
    which the host turns into invoke's parameters and the task receives as one object."""
    bad = []
    for path, tree in _sources():
        rel = path.relative_to(RELNOX)
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                a = node.args
                names = [x.arg for x in a.posonlyargs + a.args + a.kwonlyargs]
                count = len([n for n in names if n not in ("self", "cls")])
                if count > 8:
                    bad.append(f"{rel}:{node.lineno} {node.name} takes {count}")
    assert not bad, "\n".join(bad)


def test_one_place_selects_packages() -> None:
    """Which packages a command acts on is decided by project/selection.py alone: nothing
    else completes lockstep groups or reads what is unreleased."""
    bad = []
    for path, tree in _sources():
        rel = str(path.relative_to(RELNOX))
        if rel == "project/selection.py":
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute | ast.Name):
                name = node.func.attr if isinstance(node.func, ast.Attribute) else node.func.id
                if name in {"unreleased", "release_set", "changed_names"}:
                    bad.append(f"{rel}:{node.lineno} calls {name}")
    assert not bad, "\n".join(bad)
