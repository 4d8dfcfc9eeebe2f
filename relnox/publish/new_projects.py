"""Projects a publish creates on the index: how many a day the index takes
(``[tool.relnox.publish] new-project-limit``; PyPI's own limit), which to publish first,
and the trusted publishers PyPI needs before a first upload."""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass

from relnox.errors import PublishError
from relnox.project.workspace import Workspace
from relnox.publish.rules import publish_count
from relnox.tools import git
from relnox.tools.repositories import PYPI, TESTPYPI, Repository

logger = logging.getLogger("relnox")


#: PyPI lets a user (and an IP) create about this many new projects a day
PYPI_NEW_PROJECTS_A_DAY = 4


def new_project_limit(workspace: Workspace, repo: Repository) -> int | None:
    """``[tool.relnox.publish] new-project-limit``; by default PyPI's daily limit on PyPI and
    TestPyPI, none elsewhere."""
    unit = "projects, 1 or more"
    return publish_count(workspace, repo, "new-project-limit", PYPI_NEW_PROJECTS_A_DAY, 1, unit)


def trusted_publisher_lines(
    workspace: Workspace, repo: Repository, names: Sequence[str]
) -> list[str]:
    """What to register as a pending trusted publisher for each new project (GitHub)."""
    url = (
        git.git(workspace.root, "remote", "get-url", "origin", check=False)
        if git.is_repo(workspace.root)
        else ""
    )
    found = re.search(r"github\.com[:/]+([^/]+)/([^/]+?)(?:\.git)?/?$", url)
    owner, name = (found.group(1), found.group(2)) if found else ("OWNER", "REPOSITORY")
    environment = TESTPYPI if repo.name == TESTPYPI else PYPI
    return [
        f"  {project}: owner {owner}, repository {name}, workflow release.yml, "
        f"environment {environment}"
        for project in names
    ]


def check_new_projects(
    workspace: Workspace, repo: Repository, new: Sequence[str], order: Sequence[str]
) -> None:
    """Refuse, before any upload, a publish that would create more projects than the index
    allows in a day: a half-created set is worse than none. Says which to release first
    (dependencies first: a prefix of the release order) and what to register."""
    limit = new_project_limit(workspace, repo)
    if repo.is_pypi:
        logger.info(
            "register a pending trusted publisher for each new project on %s first:\n%s",
            repo.label,
            "\n".join(trusted_publisher_lines(workspace, repo, new)),
        )
    if limit is None or len(new) <= limit:
        return
    first = advised_first(workspace, new, order, limit)
    rest = [n for n in new if n not in first]
    needed = [n for n in first if n not in new]
    also = (
        f" ({', '.join(needed)}: new versions of existing projects they need, in this release)"
        if needed
        else ""
    )
    raise PublishError(
        f"this publish would create {len(new)} new projects on {repo.label} "
        f"({', '.join(new)}), more than the {limit} a day it allows "
        "([tool.relnox.publish] new-project-limit); nothing was uploaded. Release the first "
        f"{limit} now, dependencies first: relnox publish {' '.join('-p ' + n for n in first)}"
        f"{also}; then, a day later, the rest: {', '.join(rest)}"
    )


def advised_first(
    workspace: Workspace, new: Sequence[str], order: Sequence[str], limit: int
) -> list[str]:
    """The packages to publish today: new projects in release order, each with everything
    of this release it needs (closed under "what it needs from this release": a new version
    of an existing project is added, it counts against no limit), while at most ``limit``
    new projects are in the set."""
    in_release, wanted = set(order), set(new)

    def needs(name: str) -> set[str]:
        found, stack = {name}, [name]
        while stack:
            for dep in workspace.get(stack.pop()).internal_deps:
                if dep in in_release and dep not in found:
                    found.add(dep)
                    stack.append(dep)
        return found

    chosen: set[str] = set()
    for name in (n for n in order if n in wanted):
        grown = chosen | needs(name)
        if len(grown & wanted) <= limit:
            chosen = grown
    return [n for n in order if n in chosen]


#: PyPI keeps at most this many pending trusted publishers per user at a time
PENDING_PUBLISHERS = 3


@dataclass(frozen=True)
class FirstRelease:
    """One new project's place in the plan of first releases."""

    name: str
    batch: int  # 1 first: register its publisher (or publish it) in this round
    environment: str  # the workflow environment its publisher names: one each with TP


def first_release_batches(
    workspace: Workspace,
    new: Sequence[str],
    order: Sequence[str],
    *,
    trusted: bool,
    limit: int | None = PYPI_NEW_PROJECTS_A_DAY,
) -> list[FirstRelease]:
    """The first releases of ``new`` in rounds the index allows, dependencies first (``order``
    is the release order, so a project's new dependencies are in its round or an earlier one).

    With Trusted Publishing each project needs a pending publisher, unique per (owner,
    repository, workflow, environment) and at most :data:`PENDING_PUBLISHERS` per user: rounds
    of three, each project with its own environment ``pypi-<name>``; the next round is
    registered once the last one's projects exist. Without it, PyPI's daily limit on new
    projects (``limit``) makes the rounds, one a day, all in the ``pypi`` environment."""
    from packaging.utils import canonicalize_name

    size = PENDING_PUBLISHERS if trusted else limit or len(new) or 1
    ranked = {name: i for i, name in enumerate(order)}
    unknown = [n for n in new if n not in ranked]
    if unknown:
        raise PublishError(f"{', '.join(unknown)} not in this release; release them with it")
    missing = [
        (dep, name)
        for name in new
        for dep in workspace.get(name).internal_deps
        if dep in new and ranked[dep] > ranked[name]
    ]
    if missing:
        raise PublishError(
            f"{missing[0][1]} needs {missing[0][0]}, which the release order puts after it; "
            "list dependencies first"
        )
    ordered = sorted(new, key=ranked.__getitem__)
    return [
        FirstRelease(name, i // size + 1, f"{PYPI}-{canonicalize_name(name)}" if trusted else PYPI)
        for i, name in enumerate(ordered)
    ]
