"""relnox's tasks as importable invoke ``Task`` objects.

In a ``tasks.py``::

    from relnox.invoke import bump, build_all, publish   # invoke bump --part minor

or, for a namespace::

    from relnox.invoke import collection
    ns = collection()          # invoke bump ...; or add it as a sub-collection

Only the tasks and :func:`collection` are exported, so ``from relnox.invoke import *``
cannot replace the root namespace of the importing ``tasks.py``.
"""

from __future__ import annotations

from invoke.collection import Collection

from relnox.invoke._build import build_all
from relnox.invoke._bump import bump
from relnox.invoke._ci import check_tag, ci_init, doctor, plan, release_notes, resolve_version, tag
from relnox.invoke._publish import publish, serve_index, testpypi
from relnox.invoke._release import demo, rehearse, release
from relnox.invoke._verify import verify_install
from relnox.invoke._workspace import check_versions, packages

TASKS = (
    packages,
    check_versions,
    bump,
    build_all,
    verify_install,
    testpypi,
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
    demo,
)

__all__ = [
    "build_all",
    "bump",
    "check_tag",
    "check_versions",
    "ci_init",
    "collection",
    "demo",
    "doctor",
    "packages",
    "plan",
    "publish",
    "rehearse",
    "release",
    "release_notes",
    "resolve_version",
    "serve_index",
    "tag",
    "testpypi",
    "verify_install",
]


def collection(name: str | None = None) -> Collection:
    """A fresh :class:`invoke.Collection` holding every relnox task."""
    ns = Collection(name) if name else Collection()
    for task in TASKS:
        ns.add_task(task)
    return ns
