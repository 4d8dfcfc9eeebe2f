"""Tag inference's kept answers: used while everything they were computed from holds, and
computed anew after any change of it (a tag new, moved or deleted, a file at a tag's
commit, a tag-format, a workflow, a package's version, HEAD, relnox's code), never a
traceback for a kept answer that does not read."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from packaging.version import Version

from relnox.project import conventions, tag_cache
from relnox.project.discovery import load_workspace
from relnox.project.tag_model import TagConvention, TagFacts
from relnox.tools import git as gitlib
from relnox.tools import history
from tests.shapes import commit, git, project, repo, write

ROOT = '[tool.relnox]\npackages = ["libs/*"]\n'
KEPT = "kept from an earlier run"


def _repo(tmp_path: Path) -> Path:
    """Two packages; the bare tag ``v1.0.0`` names no package's version at its commit
    (alpha has tags of its own), so it is nobody's, until it moves to the commit where
    beta's file says 1.0.0: then it is beta's."""
    root = repo(
        tmp_path / "r",
        {
            "pyproject.toml": ROOT,
            "libs/alpha/pyproject.toml": project("alpha", "1.0.0"),
            "libs/beta/pyproject.toml": project("beta", "0.5.0"),
        },
        tags=["v1.0.0"],
    )
    commit(
        root,
        {
            "libs/alpha/pyproject.toml": project("alpha", "1.1.0"),
            "libs/beta/pyproject.toml": project("beta", "1.0.0"),
        },
    )
    commit(root, {"libs/alpha/pyproject.toml": project("alpha", "1.2.0")}, "alpha-v1.2.0")
    return root


def _facts(root: Path) -> dict[str, TagFacts]:
    facts = {}
    for pkg in load_workspace(root).packages:
        assert pkg.tags is not None
        facts[pkg.name] = pkg.tags
    return facts


def _fresh(root: Path, monkeypatch: pytest.MonkeyPatch, where: Path) -> dict[str, TagFacts]:
    """The facts computed with nothing kept (an empty cache directory)."""
    with monkeypatch.context() as patch:
        patch.setenv("XDG_CACHE_HOME", str(where))
        return _facts(root)


def _kept_file(root: Path) -> Path:
    key = history.history_key(root, gitlib.head(root), history.ref_listing(root))
    assert key is not None
    return key.path


def _poison(root: Path) -> None:
    """Every kept conventions answer of ``root`` rewritten to say :data:`KEPT`: an answer
    that reads, but one no computation gives."""
    path = _kept_file(root)
    kept = json.loads(path.read_text(encoding="utf-8"))
    answers = kept["answers"][tag_cache.KIND]
    assert answers
    for facts in answers.values():
        for fact in facts.values():
            fact["convention"][2] = KEPT
    path.write_text(json.dumps(kept), encoding="utf-8")


def _evidence(facts: dict[str, TagFacts]) -> set[str]:
    return {fact.convention.evidence for fact in facts.values()}


@pytest.fixture
def inferred(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Counts the inferences that run (one per read of the tags that is not kept)."""
    calls: list[int] = []
    real = conventions.infer_conventions

    def counting(*args: Any, **kwargs: Any) -> Any:
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(conventions, "infer_conventions", counting)  # vcs imports it on use
    return calls


def test_a_rerun_with_nothing_changed_reads_no_tag(
    tmp_path: Path, inferred: list[int], monkeypatch: pytest.MonkeyPatch
) -> None:
    root = _repo(tmp_path)
    first = _facts(root)
    assert len(inferred) == 1
    shown: list[str] = []
    real = gitlib.Blobs.show

    def counting(self: gitlib.Blobs, rev: str, path: str) -> str | None:
        shown.append(rev)
        return real(self, rev, path)

    monkeypatch.setattr(gitlib.Blobs, "show", counting)
    assert _facts(root) == first  # the kept answer is the computed one, field by field
    assert len(inferred) == 1 and shown == []
    assert first == _fresh(root, monkeypatch, tmp_path / "fresh")


def test_the_kept_answer_is_what_is_used_while_its_key_holds(tmp_path: Path) -> None:
    root = _repo(tmp_path)
    _facts(root)
    _poison(root)
    assert _evidence(_facts(root)) == {KEPT}


def _new_tag(root: Path) -> None:
    git(root, "tag", "alpha-v1.3.0")


def _moved_tag(root: Path) -> None:
    git(root, "tag", "-f", "v1.0.0", "HEAD~1")  # where beta's file says 1.0.0


def _deleted_tag(root: Path) -> None:
    git(root, "tag", "-d", "alpha-v1.2.0")


def _file_at_the_tags_commit(root: Path) -> None:
    # the tag still names the same commit, but a replacement object stands in for it:
    # git reads beta's file saying 1.0.0 at v1.0.0
    tagged = git(root, "rev-parse", "v1.0.0^{commit}")
    git(root, "replace", tagged, git(root, "rev-parse", "HEAD~1"))


def _tag_format(root: Path) -> None:
    write(root, {"pyproject.toml": ROOT + 'tag-format = "rel-{name}-{version}"\n'})


def _tag_format_of_one(root: Path) -> None:
    alpha = project("alpha", "1.2.0", extra='\n[tool.relnox]\ntag-format = "a{version}"\n')
    write(root, {"libs/alpha/pyproject.toml": alpha})


def _workflow(root: Path) -> None:
    text = "on:\n  push:\n    tags:\n      - 'v*'\n"
    write(root, {".github/workflows/release.yml": text})


def _version(root: Path) -> None:
    write(root, {"libs/beta/pyproject.toml": project("beta", "1.0.1")})


def _head(root: Path) -> None:
    commit(root, {"README.md": "a new commit\n"})


def _lockstep(root: Path) -> None:
    write(root, {"pyproject.toml": ROOT + "lockstep = true\n"})


CHANGES: dict[str, Callable[[Path], None]] = {
    "a new tag": _new_tag,
    "a moved tag": _moved_tag,
    "a deleted tag": _deleted_tag,
    "a changed file at the tag's commit": _file_at_the_tags_commit,
    "the tag-format": _tag_format,
    "one package's tag-format": _tag_format_of_one,
    "a release workflow": _workflow,
    "a package's version": _version,
    "HEAD": _head,
    "lockstep": _lockstep,
}


@pytest.mark.parametrize("change", sorted(CHANGES))
def test_a_kept_answer_is_not_used_after_a_change_of_its_key(
    tmp_path: Path, change: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = _repo(tmp_path)
    _facts(root)
    _poison(root)
    CHANGES[change](root)
    after = _facts(root)
    assert KEPT not in _evidence(after)
    assert after == _fresh(root, monkeypatch, tmp_path / "fresh")


def test_replacement_refs_turned_off_compute_again(tmp_path: Path) -> None:
    """With a replacement ref in the key, git's core.useReplaceRefs decides which file git
    reads at the tag's commit: turning it off is another key (it was not part of it)."""
    root = _repo(tmp_path)
    _file_at_the_tags_commit(root)
    replaced = _facts(root)
    _poison(root)
    git(root, "config", "core.useReplaceRefs", "false")
    after = _facts(root)
    assert KEPT not in _evidence(after)
    git(root, "config", "core.useReplaceRefs", "true")
    assert _facts(root) == replaced


def test_the_change_decides_the_answer(tmp_path: Path) -> None:
    """The repository above is one where a kept answer would be wrong: moving the bare tag
    gives it to beta."""
    root = _repo(tmp_path)
    before = _facts(root)
    assert before["beta"].highest_tag is None
    _moved_tag(root)
    assert _facts(root)["beta"].highest_tag == "v1.0.0"


def test_a_changed_relnox_computes_again(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = _repo(tmp_path)
    _facts(root)
    _poison(root)
    monkeypatch.setattr(tag_cache, "FORMAT", tag_cache.FORMAT + 1)
    assert KEPT not in _evidence(_facts(root))
    _poison(root)
    code = tag_cache._code()
    assert code is not None
    monkeypatch.setattr(tag_cache, "_code", lambda: ["0" * 64, *code[1:]])  # an edited module
    assert KEPT not in _evidence(_facts(root))


def test_unreadable_code_keeps_nothing(
    tmp_path: Path, inferred: list[int], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(tag_cache, "_code", lambda: None)
    root = _repo(tmp_path)
    assert _facts(root) == _facts(root)
    assert len(inferred) == 2


def test_a_repository_without_a_commit_keeps_nothing(tmp_path: Path, inferred: list[int]) -> None:
    root = tmp_path / "r"
    write(root, {"pyproject.toml": project("solo", "1.0.0")})
    git(root, "init", "-q")
    assert _facts(root) == _facts(root)
    assert len(inferred) == 2
    home = history.cache_home()
    assert home is not None and not (home / history.CACHE).exists()


@pytest.mark.parametrize(
    "answer",
    [
        "text",
        ["a", "list"],
        {"alpha": "text"},
        {"alpha": {"convention": ["v{version}"]}},
        "versions",
        "count",
    ],
)
def test_a_kept_answer_that_does_not_read_is_computed_again(
    tmp_path: Path, answer: Any, inferred: list[int]
) -> None:
    root = _repo(tmp_path)
    first = _facts(root)
    path = _kept_file(root)
    kept = json.loads(path.read_text(encoding="utf-8"))
    (asked,) = kept["answers"][tag_cache.KIND]
    entry = kept["answers"][tag_cache.KIND][asked]
    if answer == "versions":
        entry["alpha"]["released"] = ["not a version"]
    elif answer == "count":
        entry["alpha"]["count"] = "1"
    else:
        kept["answers"][tag_cache.KIND][asked] = answer
    path.write_text(json.dumps(kept), encoding="utf-8")
    assert _facts(root) == first
    assert len(inferred) == 2
    assert _facts(root) == first  # and the answer computed again is kept
    assert len(inferred) == 2


def test_every_field_is_kept() -> None:
    fact = TagFacts(
        TagConvention(
            "{name}-v{version}",
            ("{name}-v{version}", "v{version}"),
            "inferred",
            inferred=True,
            match="a-v*",
            regex="^a-v(?P<version>.*)$",
            semver_pre=True,
        ),
        highest=Version("2.0.0"),
        highest_tag="a-v2.0.0",
        reachable=Version("1.9.0"),
        reachable_tag="a-v1.9.0",
        count=3,
        problem="a problem",
        released=frozenset({Version("1.9.0"), Version("2.0.0"), Version("2.1.0rc1")}),
        finding="a finding",
        last=Version("1.9.0"),
        last_tag="a-v1.9.0",
    )
    assert {f.name for f in dataclasses.fields(TagFacts)} <= set(tag_cache.encode({"a": fact})["a"])
    assert tag_cache.decode(json.loads(json.dumps(tag_cache.encode({"a": fact})))) == {"a": fact}
    empty = TagFacts(TagConvention("v{version}", (), "none"))
    assert tag_cache.decode(tag_cache.encode({"e": empty})) == {"e": empty}


def _is_module(name: str) -> bool:
    """Whether ``name`` is a module of relnox (``relnox.tools.git``), not a name in one
    (``relnox._records.replace``)."""
    parts = name.split(".")
    base = Path(__file__).resolve().parents[2].joinpath(*parts)
    return base.with_suffix(".py").is_file() or (base / "__init__.py").is_file()


def _relnox_imports(name: str) -> set[str]:
    """The relnox modules ``name``'s source imports, at its top or inside a function."""
    import ast
    import importlib.util

    spec = importlib.util.find_spec(name)
    assert spec is not None and spec.origin is not None
    found: set[str] = set()
    for node in ast.walk(ast.parse(Path(spec.origin).read_text(encoding="utf-8"))):
        names: list[str] = []
        if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module] + [f"{node.module}.{alias.name}" for alias in node.names]
        elif isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        for module in names:
            if module.split(".")[0] == "relnox" and _is_module(module):
                found.add(module)
    return found


def test_the_key_holds_the_code_of_every_module_the_inference_imports() -> None:
    """A kept answer outlives the code that computed it unless every module the inference
    runs is part of its key: the modules conventions imports, however deep."""
    from relnox.project import tag_cache

    seen: set[str] = set()
    todo = ["relnox.project.conventions"]
    while todo:
        module = todo.pop()
        if module not in seen:
            seen.add(module)
            todo += sorted(_relnox_imports(module))
    assert sorted(seen - set(tag_cache.CODE)) == []
