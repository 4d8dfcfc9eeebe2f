"""Tag inference's answers kept between runs, under a key that proves them.

Inferring each package's tag convention (:func:`relnox.project.conventions.infer_conventions`)
reads every tag, the tags HEAD contains, their dates, the release workflows' tag triggers and
the version files at dozens of tags (one ``git cat-file`` request after another): a fifth of a
no-change ``build-all`` on a repository of 778 tags. Its answer is a function of:

* the repository's history as :class:`relnox.tools.history.HistoryKey` names it: HEAD's
  commit, every tag and replacement ref with the object it names (a tag names its commit,
  the commit its tree, the tree each file's bytes: objects are named by their content, so
  a file at a tag cannot change while the tag names the same object; a new, moved or
  deleted tag is another key), the ``shallow`` and graft files and git's ``GIT_*``
  variables;
* the packages as inference sees them (every field of each
  :class:`~relnox.project.tag_model.Member`: names, directories, configured
  ``tag-format``, a backend's ``--match`` or ``tag_regex``, the version file, the version
  HEAD's files give it), the default format for new tags and whether bare tags are shared
  (lockstep);
* the bytes of the release workflows (``.github/workflows/*.yml``, ``*.yaml``), whose tag
  triggers inference reads;
* the code that infers: :data:`FORMAT`, relnox's, packaging's and Python's versions and
  the bytes of the modules that compute it (:data:`CODE`), so an edited or upgraded relnox
  computes again.

:func:`question` makes the second half of that key (the first is the history key the
answers are kept under); :func:`remembered_facts` returns the kept answer when both hold,
else computes and keeps it. A key that cannot be made (no commit, no cache directory, a
module whose source cannot be read) keeps nothing: the answer is computed, as without a
cache. A kept answer that does not decode is computed again.
"""

from __future__ import annotations

import hashlib
import json
import sys
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import fields
from pathlib import Path
from typing import Any

from packaging.version import Version

from relnox.project.tag_model import Member, TagConvention, TagFacts
from relnox.tools import history

#: the layout of a kept answer; a change makes every kept answer another key's
FORMAT = 4
#: the kind of answer in the history cache (:func:`relnox.tools.history.remembered`)
KIND = "conventions"
#: the modules whose code computes the answer: their bytes are part of the key. Every
#: module the inference imports, however deep (``tests/project/test_tag_cache.py`` reads
#: the imports from the sources and holds this to them): a fix in any of them computes
#: again, where a kept answer would otherwise outlive the code that made it
CODE = (
    "relnox",
    "relnox._proc",
    "relnox.errors",
    "relnox.files",
    "relnox.paths",
    "relnox.project",
    "relnox.project.conventions",
    "relnox.project.former_names",
    "relnox.project.incremental",
    "relnox.project.python_ast",
    "relnox.project.sources",
    "relnox.project.tag_facts",
    "relnox.project.tag_model",
    "relnox.project.tuple_copy",
    "relnox.project.vcs",
    "relnox.project.version_tuple",
    "relnox.redact",
    "relnox.tags",
    "relnox.toml",
    "relnox.tools",
    "relnox.tools.git",
    "relnox.versioning",
)


def _code() -> list[str] | None:
    """The digest of each of :data:`CODE`'s sources (``None``: one cannot be read)."""
    found: list[str] = []
    for name in CODE:
        module = sys.modules.get(name)
        where = getattr(module, "__file__", None)
        if module is None:  # one imported only when a file needs it: found, not imported
            import importlib.util

            spec = importlib.util.find_spec(name)
            where = spec.origin if spec is not None else None
        if not where:
            return None
        try:
            found.append(hashlib.blake2b(Path(where).read_bytes(), digest_size=32).hexdigest())
        except OSError:
            return None
    return found


def _member(member: Member) -> dict[str, Any]:
    """``member``'s fields as JSON sees them (what :func:`dataclasses.asdict` gives for its
    flat fields, without deep-copying each package's :class:`Version` only to replace it
    by its text: a third of this digest's time on 500 packages)."""
    found = {f.name: getattr(member, f.name) for f in fields(member)}
    found["current"] = None if member.current is None else str(member.current)
    return found


def question(
    top: Path,
    members: Sequence[Member],
    *,
    default: str,
    shared: bool,
    workflows: Iterable[tuple[str, bytes]],
) -> str | None:
    """The digest of everything but history that the inference's answer depends on (see
    the module's docstring): ``workflows`` are the release workflows' names and bytes;
    ``None`` when relnox's own code cannot be read (nothing is kept)."""
    import packaging

    from relnox import __version__

    code = _code()
    if code is None:
        return None
    facts = [
        FORMAT,
        __version__,
        packaging.__version__,
        sys.version,
        code,
        str(top),
        [_member(m) for m in members],
        default,
        shared,
        [[name, hashlib.blake2b(data, digest_size=32).hexdigest()] for name, data in workflows],
    ]
    return hashlib.blake2b(json.dumps(facts, sort_keys=True).encode(), digest_size=32).hexdigest()


def _version(value: Any) -> Version | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise ValueError(f"a version is kept as text, not {value!r}")
    return Version(value)


def _text(value: Any) -> str | None:
    if value is not None and not isinstance(value, str):
        raise ValueError(f"not text: {value!r}")
    return value


def _flag(value: Any) -> bool:
    if not isinstance(value, bool):
        raise ValueError(f"not a flag: {value!r}")
    return value


def encode(facts: Mapping[str, TagFacts]) -> dict[str, Any]:
    """``facts`` (package name -> :class:`TagFacts`) as JSON values."""
    out: dict[str, Any] = {}
    for name, fact in facts.items():
        convention = fact.convention
        out[name] = {
            "convention": [
                convention.format,
                list(convention.accepts),
                convention.evidence,
                convention.inferred,
                convention.match,
                convention.regex,
                convention.semver_pre,
                convention.pre_spelling,
                convention.short_zero,
            ],
            "highest": None if fact.highest is None else str(fact.highest),
            "highest_tag": fact.highest_tag,
            "reachable": None if fact.reachable is None else str(fact.reachable),
            "reachable_tag": fact.reachable_tag,
            "count": fact.count,
            "problem": fact.problem,
            "released": sorted(str(v) for v in fact.released),
            "finding": fact.finding,
            "last": None if fact.last is None else str(fact.last),
            "last_tag": fact.last_tag,
            "dated": fact.dated,
        }
    return out


def decode(kept: Any) -> dict[str, TagFacts]:
    """:func:`encode`'s answer read back; ``ValueError`` (or ``TypeError``, ``KeyError``)
    when it is not one."""
    if not isinstance(kept, dict):
        raise ValueError("not a mapping of packages")
    facts: dict[str, TagFacts] = {}
    for name, fact in kept.items():
        fmt, accepts, evidence, inferred, match, regex, semver_pre, pre, short = fact["convention"]
        if not isinstance(fmt, str) or not isinstance(evidence, str):
            raise ValueError("a convention's format and evidence are text")
        if not isinstance(accepts, list) or not all(isinstance(a, str) for a in accepts):
            raise ValueError("a convention accepts a list of formats")
        count, released = fact["count"], fact["released"]
        if type(count) is not int or not isinstance(released, list):
            raise ValueError("a count and a list of released versions")
        convention = TagConvention(
            fmt,
            tuple(accepts),
            evidence,
            _flag(inferred),
            _text(match),
            _text(regex),
            _flag(semver_pre),
            _text(pre),
            _flag(short),
        )
        facts[name] = TagFacts(
            convention,
            highest=_version(fact["highest"]),
            highest_tag=_text(fact["highest_tag"]),
            reachable=_version(fact["reachable"]),
            reachable_tag=_text(fact["reachable_tag"]),
            count=count,
            problem=_text(fact["problem"]),
            released=frozenset(Version(v) for v in released),
            finding=_text(fact["finding"]),
            last=_version(fact["last"]),
            last_tag=_text(fact["last_tag"]),
            dated=_text(fact["dated"]),
        )
    return facts


def remembered_facts(
    key: history.HistoryKey | None,
    asked: str | None,
    compute: Callable[[], dict[str, TagFacts]],
) -> dict[str, TagFacts]:
    """The facts kept under ``key`` for :func:`question`'s ``asked``, else ``compute()``'s
    (kept for the next run). Without either key, computed and not kept."""
    if key is None or asked is None:
        return compute()
    computed: dict[str, TagFacts] = {}
    decoded: dict[str, TagFacts] = {}

    def work(_asked: list[str]) -> dict[str, Any]:
        computed.update(compute())
        return {asked: encode(computed)}

    def readable(kept: Any) -> bool:
        try:
            decoded.update(decode(kept))
        except (ValueError, TypeError, KeyError):
            decoded.clear()
            return False
        return True

    history.remembered(key, KIND, [asked], work, valid=readable)
    return computed or decoded
