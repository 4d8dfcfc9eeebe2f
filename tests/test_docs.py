"""The docs stay true: docs/tasks.md is generated from the tasks, documented commands parse."""

from __future__ import annotations

import importlib.util
import re
import shlex
import sys
from pathlib import Path
from types import ModuleType
from typing import Any
from urllib.parse import urlsplit

import pytest

import relnox.invoke
from relnox.invoke._args import MissingPositional, UsageError, parse
from relnox.nox import SESSIONS
from tests.docs_support import printed_by

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
PAGES = sorted(DOCS.glob("*.md"))
SHELL_FENCE = re.compile(r"```(?:bash|sh|shell|console)\n(.*?)```", re.DOTALL)
ANY_FENCE = re.compile(r"```.*?```", re.DOTALL)
INLINE_CODE = re.compile(r"`([^`]+)`")
PROGRAMS = ("relnox", "invoke", "nox")


def _load_generator() -> ModuleType:
    spec = importlib.util.spec_from_file_location("relnox_docs_gen_tasks", DOCS / "gen_tasks.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def gen() -> ModuleType:
    return _load_generator()


def test_tasks_md_is_current(gen: ModuleType, capsys: pytest.CaptureFixture[str]) -> None:
    code = gen.main(["--check"])
    assert code == 0, capsys.readouterr().out + "\nrun: python docs/gen_tasks.py"


def test_stale_reference_is_reported(
    gen: ModuleType, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    stale = tmp_path / "tasks.md"
    stale.write_text(gen.render().replace("| `--wheel-only` |", "| `--wheels` |"), encoding="utf-8")
    assert gen.main(["--check", "--output", str(stale)]) == 1
    out = capsys.readouterr().out
    assert "is stale" in out and "python docs/gen_tasks.py" in out
    assert gen.main(["--output", str(stale)]) == 0
    assert gen.main(["--check", "--output", str(stale)]) == 0


def test_every_task_and_flag_is_rendered(gen: ModuleType) -> None:
    text = gen.render()
    ns = relnox.invoke.collection()
    for name in ns.tasks:
        task = ns.tasks[name]
        assert f"\n## {name}\n" in text
        section = text.split(f"\n## {name}\n", 1)[1].split("\n## ", 1)[0]
        for arg in task.get_arguments():
            long_name = next(n for n in arg.names if len(n) > 1)
            shown = long_name.upper() if arg.positional else f"--{long_name}"
            assert f"`{shown}" in section, (name, long_name)
            assert arg.help, f"{name} --{long_name} has no help text"
    for session, task_name in SESSIONS.items():
        section = text.split(f"\n## {task_name}\n", 1)[1].split("\n## ", 1)[0]
        own = f"`nox -s {session} -- ...`" if session == task_name else f"`{session}`"
        assert own in section, session


def _split(line: str) -> list[list[str]]:
    """The relnox / invoke / nox commands of one shell line (``a && b | c``)."""
    try:
        tokens = shlex.split(line, comments=True)
    except ValueError:
        return []
    found: list[list[str]] = []
    segment: list[str] = []
    for token in [*tokens, "&&"]:
        if token in ("&&", "||", ";", "|"):
            while segment and "=" in segment[0] and not segment[0].startswith("-"):
                segment.pop(0)  # VAR=value before the command
            if segment and segment[0] in PROGRAMS:
                found.append([t for t in segment if t != "..."])  # "..." elides flags
            segment = []
        else:
            segment.append(token)
    return found


def _commands(text: str) -> list[list[str]]:
    """Every relnox / invoke / nox command in ``text``: shell blocks and inline code."""
    found = []
    for block in SHELL_FENCE.findall(text):
        for line in block.replace("\\\n", " ").splitlines():
            found += _split(line)
    for span in INLINE_CODE.findall(ANY_FENCE.sub("", text)):
        if span.split(" ", 1)[0] in PROGRAMS:
            found += _split(span.replace("\n", " "))
    return found


def _task_and_args(command: list[str]) -> tuple[Any, list[str]] | None:
    program, rest = command[0], command[1:]
    if program == "nox":
        if len(rest) < 2 or rest[0] != "-s" or rest[1] not in SESSIONS:
            return None  # a project's own session (tests, demo, ...) or a bare nox
        args = rest[rest.index("--") + 1 :] if "--" in rest else []
        return next(t for t in relnox.invoke.TASKS if t.name == SESSIONS[rest[1]]), args
    if program == "relnox" and rest[:1] == ["help"]:
        rest = [*rest[1:2], "--help"]  # relnox help CMD is relnox CMD --help
    if not rest or rest[0].startswith("-"):
        return None  # relnox --help, invoke --list
    tasks = {n: t for t in relnox.invoke.TASKS for n in relnox.invoke.names(t)}
    if program == "invoke":  # invoke dashes every name
        tasks = {n: t for n, t in tasks.items() if "_" not in n}
    assert rest[0] in tasks, f"{' '.join(command)}: no task {rest[0]!r}"
    return tasks[rest[0]], rest[1:]


@pytest.mark.parametrize("page", [*PAGES, ROOT / "README.md"], ids=lambda p: p.name)
def test_documented_commands_use_real_flags(page: Path) -> None:
    checked = 0
    for command in _commands(page.read_text(encoding="utf-8")):
        found = _task_and_args(command)
        if found is None:
            continue
        task, args = found
        if "--help" in args or "-h" in args:
            continue
        try:
            parse(task.name, task.get_arguments(), args)
        except MissingPositional:
            continue  # prose may name a task without its TAG / VERSION
        except UsageError as exc:
            pytest.fail(f"{page.name}: `{shlex.join(command)}` does not parse: {exc}")
        checked += 1
    if page.name in ("release-flow.md", "recipes.md", "troubleshooting.md", "README.md"):
        assert checked, f"{page.name}: no relnox command found to check"


def test_pages_are_linked_and_name_no_index_host() -> None:
    from twine.utils import DEFAULT_REPOSITORY, TEST_REPOSITORY

    hosts = {
        str(urlsplit(url).hostname).removeprefix("upload.")
        for url in (DEFAULT_REPOSITORY, TEST_REPOSITORY)
    }
    index = (DOCS / "index.md").read_text(encoding="utf-8")
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for page in PAGES:
        text = page.read_text(encoding="utf-8")
        for host in hosts:
            assert host not in text, f"{page.name} names an index host; say PyPI/TestPyPI"
        if page.name != "index.md":
            assert f"({page.name})" in index, f"docs/index.md does not link {page.name}"
            assert f"(docs/{page.name})" in readme, f"README.md does not link docs/{page.name}"
    for host in hosts:
        assert host not in readme


def test_the_readme_says_the_exit_codes_the_uploaders_and_the_venv_relnox_has() -> None:
    """Its exit codes are the command's own; every upload goes through uv or twine (no page
    says relnox posts a file itself); a virtual environment comes before ``pip install``
    (PEP 668 Pythons refuse it outside one)."""
    from relnox.cli import INTERRUPTED_EXIT, TERMINATED_EXIT
    from relnox.invoke._args import USAGE_EXIT

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    errors = readme[readme.index("## Errors") : readme.index("## Documentation")]
    for code in (1, USAGE_EXIT, INTERRUPTED_EXIT, TERMINATED_EXIT):
        assert f" {code} " in errors, f"README's Errors do not say exit code {code}"
    for section in ("## Try it", "## Install"):
        part = readme[readme.index(section) :]
        assert part.index("python -m venv") < part.index("python -m pip install"), section
    for page in [ROOT / "README.md", *PAGES]:
        assert "posts the file itself" not in page.read_text(encoding="utf-8"), page.name


_STAGE_LINE = re.compile(
    r"^\[(?:ok|--|XX)\] (?P<stage>[\w-]+) +(?P<status>done|already done|skipped|failed)\b"
)


def test_sample_release_runs_show_the_pipelines_stages_in_order() -> None:
    """Every sample run in the docs lists the release's stages as the pipeline runs them:
    all of them, in order (a failed run stops at its failing stage)."""
    from relnox.release.pipeline import STAGES

    checked = 0
    for page in [*PAGES, ROOT / "README.md"]:
        for block in re.findall(r"```text\n(.*?)```", page.read_text(encoding="utf-8"), re.S):
            found = [m for m in map(_STAGE_LINE.match, block.splitlines()) if m]
            stages = [m["stage"] for m in found if m["stage"] in STAGES]
            if not stages:
                continue
            checked += 1
            failed = found[-1]["status"] == "failed" if found else False
            expected = list(STAGES[: len(stages)]) if failed else list(STAGES)
            assert stages == expected, f"{page.name}: a sample run shows {stages}"
    assert checked >= 4


TROUBLESHOOTING = DOCS / "troubleshooting.md"
QUOTED = re.compile(r"`([^`]+)`")


def github_anchor(heading: str) -> str:
    """The ``#anchor`` GitHub gives a heading: lower case, punctuation dropped, spaces -."""
    return re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")


def test_each_troubleshooting_heading_quotes_what_relnox_prints() -> None:
    """An entry is found by the message in front of the user: its heading quotes (in
    backticks, ``...`` for the varying parts) a message of relnox's own source, so an
    entry cannot drift from the message it explains; the table of other messages too."""
    text = TROUBLESHOOTING.read_text(encoding="utf-8")
    headings = re.findall(r"^## (.*)$", text, re.M)
    assert len(headings) >= 10
    for heading in headings:
        if heading == "Other messages":
            continue
        quoted = QUOTED.findall(heading)
        assert quoted, f"troubleshooting.md: '## {heading}' quotes no message of relnox"
        for message in quoted:
            assert len(message) >= 20, f"'## {heading}': quote more of the message"
            assert printed_by(message, ROOT / "relnox"), (
                f"troubleshooting.md: '## {heading}': relnox prints no `{message}`"
            )
    table = text.split("\n## Other messages\n", 1)[1]
    rows = re.findall(r"^\| (`.*?) \|", table, re.M)
    assert len(rows) >= 10
    for row in rows:
        for message in QUOTED.findall(row):
            assert printed_by(message, ROOT / "relnox"), f"relnox prints no `{message}`"


def test_a_message_relnox_does_not_print_is_caught() -> None:
    """The check above can fail: an invented message, and one that drifted (the dirty
    tree's old wording) are not found; the same message as relnox words it is."""
    source = ROOT / "relnox"
    assert not printed_by("relnox exploded while uploading the files", source)
    assert not printed_by("/repo: the working tree has uncommitted changes (a.py)", source)
    assert printed_by("/repo: tracked files have uncommitted changes (a.py)", source)
    assert printed_by("Version mismatch: git tag (9.9) != setup.cfg (1.0)", source)


def test_links_to_troubleshooting_entries_resolve() -> None:
    text = TROUBLESHOOTING.read_text(encoding="utf-8")
    anchors = {github_anchor(h) for h in re.findall(r"^#+ (.*)$", text, re.M)}
    for page in [*PAGES, ROOT / "README.md"]:
        body = page.read_text(encoding="utf-8")
        own = re.findall(r"\]\(#([^)]+)\)", body) if page == TROUBLESHOOTING else []
        for anchor in own + re.findall(r"troubleshooting\.md#([^)]+)\)", body):
            assert anchor in anchors, f"{page.name}: no troubleshooting entry #{anchor}"


def _load_samples() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "relnox_docs_gen_samples", DOCS / "gen_samples.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def samples() -> ModuleType:
    return _load_samples()


def test_every_sample_block_has_a_recipe(samples: ModuleType) -> None:
    """The sample outputs of the docs are generated (docs/gen_samples.py): each marked
    block names a recipe, and the release runs, rehearsal, bumps and workflows are marked."""
    found = samples.blocks(samples.pages())
    recipes = {name for provides in samples.RECIPES for name in provides.split()}
    assert set(found) == recipes
    assert {"release-fail", "release-resume", "rehearse", "ci-init"} <= set(found)


def test_a_stale_sample_is_rewritten_from_the_run(samples: ModuleType) -> None:
    page = (
        "Run it:\n\n<!-- sample: rehearse (generated by docs/gen_samples.py; do not edit) -->\n"
        "```text\n[ok] doctor   done  0.1s  an old line\n```\n\nMore prose.\n"
    )
    fresh = samples.fill(page, {"rehearse": "[ok] doctor   done  0.1s  21 checks\n"})
    assert "an old line" not in fresh and "21 checks" in fresh
    assert fresh.endswith("```\n\nMore prose.\n") and fresh.startswith("Run it:")
    assert samples.fill(page, {}) == page  # a block without output now stays as it is


def test_samples_are_normalised_so_runs_agree(samples: ModuleType, tmp_path: Path) -> None:
    """Two runs print different ports, paths, durations, dates and commits; their samples
    are the same."""
    import contextlib

    def one(where: Path, port: int, commit: str, took: str) -> str:
        run = samples.Run(where, contextlib.ExitStack(), {})
        run.indexes.append(f"http://127.0.0.1:{port}/")
        run.roots.append(where / "ws")
        text: str = run.normalise(
            f"[ok] bump  done  {took}s  commit {commit}\n"
            f"uploaded to http://127.0.0.1:{port}/ on 2031-02-03; see {where}/ws/.relnox/x.json\n"
            "install-from-index: http://127.0.0.1:55555/ checked\n"
        )
        return text

    first = one(tmp_path / "a", 41234, "20b4cf174bd5", "12.5")
    second = one(tmp_path / "b", 39999, "9ff00ee32eb9", " 0.4")
    assert first == second
    assert "http://127.0.0.1:38601/" in first and "http://127.0.0.1:38603/ checked" in first
    assert "/repo/.relnox/x.json" in first and "2026-01-15" in first
    assert str(tmp_path) not in first and "20b4cf174bd5" not in first


@pytest.mark.slow
@pytest.mark.parametrize("recipe", list(_load_samples().RECIPES))
def test_sample_outputs_are_what_relnox_prints_now(
    samples: ModuleType, recipe: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """Every sample block, run again: the docs show what the code prints today (one
    recipe a test, so the recipes run side by side)."""
    code = samples.main(["--check", *(f"--only={name}" for name in recipe.split())])
    assert code == 0, capsys.readouterr().out + "\nrun: python docs/gen_samples.py"
