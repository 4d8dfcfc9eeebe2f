"""relnox's tasks as importable invoke ``Task`` objects.

In a ``tasks.py``::

    from relnox.invoke import bump, build_all, publish   # invoke bump --part minor

or, for a namespace::

    from relnox.invoke import collection
    ns = collection()          # invoke bump ...; or add it as a sub-collection

Only the tasks, :func:`collection` and :func:`names` are exported, so
``from relnox.invoke import *`` cannot replace the root namespace of the importing
``tasks.py``.

Each task has one name, the same in every host (``relnox build-all``, ``invoke
build-all``, ``nox -s build-all``), and answers to its aliases (``version_bump`` for
``bump``, ``testpypi`` for ``publish-test``) and to the other spelling of each
(``build_all``): :func:`names`. The ``relnox`` command and nox take every spelling;
invoke turns every ``_`` of a name into ``-`` (``invoke version-bump``).
"""

from __future__ import annotations

import functools
import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from relnox.invoke._build import build_all
    from relnox.invoke._bump import bump
    from relnox.invoke._ci import ci_init, doctor, plan, release_notes
    from relnox.invoke._guards import audit
    from relnox.invoke._publish import publish, serve_index, testpypi
    from relnox.invoke._publish import testpypi as publish_test
    from relnox.invoke._release import demo, rehearse, release
    from relnox.invoke._release_pr import release_pr
    from relnox.invoke._shards import assemble
    from relnox.invoke._tags import check_tag, resolve_version, tag
    from relnox.invoke._verify import verify_install
    from relnox.invoke._workspace import check_versions, packages

    TASKS: tuple[Any, ...]

#: every task, in the order of :data:`TASKS`: its name -> (its module, the module's name
#: for it, its aliases). The ``relnox`` command finds the one task it runs here and imports
#: only that task's module (each imports its stage in its body); a test holds this table
#: to the tasks themselves.
TABLE: dict[str, tuple[str, str, tuple[str, ...]]] = {
    "packages": ("_workspace", "packages", ()),
    "check-versions": ("_workspace", "check_versions", ()),
    "bump": ("_bump", "bump", ("version_bump",)),
    "build-all": ("_build", "build_all", ()),
    "verify-install": ("_verify", "verify_install", ()),
    "assemble": ("_shards", "assemble", ()),
    "publish-test": ("_publish", "testpypi", ("testpypi",)),
    "publish": ("_publish", "publish", ()),
    "serve-index": ("_publish", "serve_index", ()),
    "tag": ("_tags", "tag", ()),
    "check-tag": ("_tags", "check_tag", ()),
    "resolve-version": ("_tags", "resolve_version", ()),
    "plan": ("_ci", "plan", ()),
    "doctor": ("_ci", "doctor", ()),
    "ci-init": ("_ci", "ci_init", ()),
    "release-notes": ("_ci", "release_notes", ()),
    "release": ("_release", "release", ()),
    "rehearse": ("_release", "rehearse", ()),
    "audit": ("_guards", "audit", ()),
    "demo": ("_release", "demo", ()),
    "release-pr": ("_release_pr", "release_pr", ()),
}
#: each exported task name -> its task's name in :data:`TABLE`
_EXPORTED = {attribute: name for name, (_, attribute, _) in TABLE.items()}
_EXPORTED["publish_test"] = "publish-test"  # the task's own name; testpypi is its alias

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

if TYPE_CHECKING:
    from invoke.collection import Collection


def task(name: str) -> Any:
    """The task named ``name`` (its own name, as in :data:`TABLE`), importing its module only."""
    module, attribute, _ = TABLE[name]
    return getattr(importlib.import_module(f"relnox.invoke.{module}"), attribute)


def names(task: Any) -> tuple[str, ...]:
    """Every name ``task`` answers to: its own first, then its aliases, each also spelled
    with ``_`` for ``-`` and ``-`` for ``_`` (nox's and invoke's habits)."""
    return spellings(task.name, tuple(task.aliases))


def spellings(own: str, aliases: tuple[str, ...]) -> tuple[str, ...]:
    """:func:`names` of a task named ``own`` with ``aliases``."""
    found: list[str] = []
    for name in (own, *aliases):
        for spelling in (name, name.replace("-", "_"), name.replace("_", "-")):
            if spelling not in found:
                found.append(spelling)
    return tuple(found)


@functools.cache
def _collection_class() -> type[Collection]:
    """``RelnoxCollection`` (invoke's ``Collection``, imported on first use)."""
    from invoke.collection import Collection

    class RelnoxCollection(Collection):
        """A Collection whose tasks answer to every one of their :func:`names`.

        The parser learns the extra spellings from :attr:`task_names`; they are not
        aliases in ``tasks``, where invoke's own loader would dash ``build_all`` into
        ``build-all``, an alias of itself.
        """

        @property
        def task_names(self) -> dict[str, list[str]]:
            found: dict[str, list[str]] = super().task_names
            for name, each in self.tasks.items():
                aliases = found.setdefault(name, [])
                aliases += [n for n in names(each) if n != name and n not in aliases]
            return found

    return RelnoxCollection


def __getattr__(name: str) -> Any:
    """The tasks, each imported from its module on first use, and :data:`TASKS`."""
    if name == "RelnoxCollection":
        return _collection_class()
    if name == "TASKS":
        value: Any = tuple(task(n) for n in TABLE)
    elif name in _EXPORTED:
        value = task(_EXPORTED[name])
    else:
        raise AttributeError(name)
    globals()[name] = value  # once: the same object on every later use
    return value


def collection(name: str | None = None) -> Collection:
    """A fresh :class:`invoke.Collection` holding every relnox task under all its names."""
    cls = _collection_class()
    ns = cls(name) if name else cls()
    for each in __getattr__("TASKS"):
        ns.add_task(each)
    return ns
