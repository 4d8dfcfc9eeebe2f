"""relnox's tasks as invoke ``Task`` objects: ``from relnox.invoke import bump`` in a
``tasks.py``, or ``ns = collection()``. ``__all__`` holds only the tasks, :func:`collection`
and :func:`names`, so ``import *`` cannot replace the root namespace of a ``tasks.py``."""

from __future__ import annotations

from typing import Any

from invoke.collection import Collection

from relnox.invoke._build import assemble, build_all
from relnox.invoke._bump import bump, check_versions, packages
from relnox.invoke._ci import ci_init, doctor, plan, release_notes
from relnox.invoke._publish import audit, publish, serve_index, testpypi
from relnox.invoke._release import demo, rehearse, release, release_pr
from relnox.invoke._tags import check_tag, resolve_version, tag
from relnox.invoke._verify import verify_install

publish_test = testpypi  # the task's own name is publish-test; testpypi is its alias

#: every task, in the order ``relnox --help`` falls back to
TASKS: tuple[Any, ...] = (
    packages,
    check_versions,
    bump,
    build_all,
    verify_install,
    assemble,
    publish_test,
    publish,
    serve_index,
    tag,
    check_tag,
    resolve_version,
    plan,
    doctor,
    ci_init,
    release_notes,
    release,
    rehearse,
    audit,
    demo,
    release_pr,
)

__all__ = [
    "assemble",
    "audit",
    "build_all",
    "bump",
    "check_tag",
    "check_versions",
    "ci_init",
    "collection",
    "demo",
    "doctor",
    "names",
    "packages",
    "plan",
    "publish",
    "publish_test",
    "rehearse",
    "release",
    "release_notes",
    "release_pr",
    "resolve_version",
    "serve_index",
    "tag",
    "testpypi",
    "verify_install",
]


def names(task: Any) -> tuple[str, ...]:
    """Every name of ``task``, its own first, then its aliases, each with ``_`` and ``-``."""
    spellings = [(n, n.replace("-", "_"), n.replace("_", "-")) for n in (task.name, *task.aliases)]
    return tuple(dict.fromkeys(s for each in spellings for s in each))


class RelnoxCollection(Collection):
    """A Collection whose tasks answer to all their :func:`names`, told to the parser by
    :attr:`task_names`, not as aliases (invoke's loader would dash ``build_all`` into an
    alias of ``build-all`` itself)."""

    @property
    def task_names(self) -> dict[str, list[str]]:
        found: dict[str, list[str]] = super().task_names
        for name, each in self.tasks.items():
            aliases = found.setdefault(name, [])
            aliases += [n for n in names(each) if n != name and n not in aliases]
        return found


def collection(name: str | None = None) -> Collection:
    """A fresh :class:`invoke.Collection` holding every relnox task under all its names."""
    return RelnoxCollection(*([name] if name else []), *TASKS)
