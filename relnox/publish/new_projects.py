"""Projects a publish creates on the index: how many a day the index takes
(``[tool.relnox.publish] new-project-limit``; PyPI's own limit), which to publish first,
and the trusted publishers PyPI needs before a first upload."""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence

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
