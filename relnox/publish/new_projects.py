"""Projects a publish creates on the index: how many a day the index takes
(``[tool.relnox.publish] new-project-limit``; PyPI's own limit), which to publish first,
and the trusted publishers PyPI needs before a first upload.

By trusted publishing a new project is created through a pending publisher, one per (owner,
repository, workflow file, environment), at most three pending per user at a time
(``[tool.relnox.publish] pending-publishers``); such projects are exempt from the daily limit.
With ``[tool.relnox.ci] environments = "per-project"`` each project publishes from its own
environment (``pypi-<name>``) and the new projects of a release go out in batches of three;
with one shared environment, one a run. In release order (dependencies first): a run
publishes the first batch and what does not need a later one (:class:`FirstReleases`)."""

from __future__ import annotations

import logging
import os
import re
from collections.abc import Sequence
from dataclasses import dataclass

from packaging.utils import canonicalize_name

from relnox.errors import PublishError
from relnox.project.workspace import Workspace, needs
from relnox.publish.rules import publish_count
from relnox.tools import git
from relnox.tools.credentials import Credentials
from relnox.tools.repositories import PYPI, TESTPYPI, Repository

logger = logging.getLogger("relnox")


#: PyPI lets a user (and an IP) create about this many new projects a day
PYPI_NEW_PROJECTS_A_DAY = 4
#: PyPI keeps at most this many pending trusted publishers per user (for 30 days)
PYPI_PENDING_PUBLISHERS = 3


def new_project_limit(workspace: Workspace, repo: Repository) -> int | None:
    """``[tool.relnox.publish] new-project-limit``; by default PyPI's daily limit on PyPI and
    TestPyPI, none elsewhere."""
    unit = "projects, 1 or more"
    return publish_count(workspace, repo, "new-project-limit", PYPI_NEW_PROJECTS_A_DAY, 1, unit)


def pending_publishers(
    workspace: Workspace, repo: Repository, credentials: Credentials | None = None
) -> int | None:
    """How many projects one run may create through pending trusted publishers, or None (no
    trusted publishing: the daily limit applies). ``[tool.relnox.publish] pending-publishers``
    (0: none); by default PyPI's 3 on PyPI and TestPyPI when the upload is by trusted
    publishing (``credentials`` None: by ci-init's workflow, which publishes there so)."""
    unit = "publishers, 0 (no trusted publishing) or more"
    key = "pending-publishers"
    count = publish_count(workspace, repo, key, PYPI_PENDING_PUBLISHERS, 0, unit)
    token = credentials is not None and credentials.method != "trusted-publishing"
    if token and key not in workspace.config.section("publish"):
        return None
    return count or None


def first_releases(
    workspace: Workspace,
    repo: Repository,
    new: Sequence[str],
    order: Sequence[str],
    credentials: Credentials | None = None,
) -> FirstReleases | None:
    """The batches of ``new`` (projects ``repo`` lacks; ``order``: the release's packages,
    dependencies first), or None without trusted publishing (:func:`pending_publishers`)."""
    size = pending_publishers(workspace, repo, credentials)
    if size is None or not new:
        return None
    # one pending publisher per (owner, repository, workflow, environment): with one shared
    # environment (ci-init's default) one new project a run
    own = workspace.config.section("ci").get("environments") == "per-project"
    size = size if own else 1
    ordered = [n for n in order if n in new]
    batches = tuple(tuple(ordered[i : i + size]) for i in range(0, len(ordered), size))
    later = {n for batch in batches[1:] for n in batch}
    for name in order:  # dependencies first: one pass sees every chain
        if set(workspace.get(name).internal_deps) & later:
            later.add(name)
    return FirstReleases(workspace, repo, batches, tuple(n for n in order if n in later), own)


@dataclass(frozen=True)
class FirstReleases:
    """The new projects of a release in batches (release order, so a project's dependencies
    are in its batch or an earlier one), each in its own GitHub environment so its pending
    publisher is distinct (else batches of one); ``waiting``: the packages left for a later
    run, a later batch's and every package of the release that needs one."""

    workspace: Workspace
    repo: Repository
    batches: tuple[tuple[str, ...], ...]
    waiting: tuple[str, ...]
    own: bool = True  # each project its own environment ([tool.relnox.ci] environments)

    def summary(self) -> str:
        """``7 new projects on PyPI ...: batch 1 (register now): a, b, c; batch 2: ...``."""
        batches = "; ".join(
            f"batch {n}{' (register now)' if n == 1 else ''}: {', '.join(batch)}"
            for n, batch in enumerate(self.batches, 1)
        )
        return (
            f"{sum(map(len, self.batches))} new projects on {self.repo.label} by trusted "
            f"publishing, {len(self.batches[0])} pending publishers a run: {batches}"
        )

    def publishers(self, batch: int = 0) -> dict[str, str]:
        """Each project of ``batch`` -> the pending trusted publisher to register (GitHub)."""
        root = self.workspace.root
        url = git.git(root, "remote", "get-url", "origin", check=False) if git.is_repo(root) else ""
        found = re.search(r"github\.com[:/]+([^/]+)/([^/]+?)(?:\.git)?/?$", url)
        slug = os.environ.get("GITHUB_REPOSITORY", "").partition("/")  # a run's, else a stand-in
        owner, name = (found.group(1), found.group(2)) if found else (slug[0], slug[2])
        owner, name = owner or "OWNER", name or "REPOSITORY"
        kind = TESTPYPI if self.repo.name == TESTPYPI else PYPI
        return {
            project: f"owner {owner}, repository {name}, workflow release.yml, "
            f"environment {kind}{'-' + canonicalize_name(project) if self.own else ''}, "
            f"project name {project}"
            for project in self.batches[batch]
        }

    def describe(self, batch: int = 0) -> list[str]:
        """The batches, then the publishers to register now (``batch``'s)."""
        return [
            self.summary(),
            f"register these pending trusted publishers on {self.repo.label} now:",
            *(f"  {line}" for line in self.publishers(batch).values()),
        ]

    def waiting_note(self) -> str:
        """Why a run stops after the first batch, and what to do before the next run."""
        lines = "\n".join(f"  {line}" for line in self.publishers(1).values())
        return (
            f"{', '.join(self.waiting)} wait for a later run: their pending trusted publishers "
            f"come after this run's ({', '.join(self.batches[0])}). Once it has created those, "
            f"register these on {self.repo.label} and run the release again (it uploads only "
            f"what is missing):\n{lines}"
        )


def check_new_projects(
    workspace: Workspace,
    repo: Repository,
    new: Sequence[str],
    order: Sequence[str],
    credentials: Credentials | None = None,
) -> FirstReleases | None:
    """By trusted publishing: the batches (the caller publishes the first and what waits for
    none of the rest). Else refuse, before any upload, a publish that would create more
    projects than the index allows in a day: a half-created set is worse than none. Says
    which to release first (dependencies first: a prefix of the release order)."""
    first = first_releases(workspace, repo, new, order, credentials)
    if first is not None:
        logger.info("%s", "\n".join(first.describe()))
        return first
    limit = new_project_limit(workspace, repo)
    if limit is None or len(new) <= limit:
        return None
    chosen = advised_first(workspace, new, order, limit)
    rest = [n for n in new if n not in chosen]
    needed = [n for n in chosen if n not in new]
    also = (
        f" ({', '.join(needed)}: new versions of existing projects they need, in this release)"
        if needed
        else ""
    )
    raise PublishError(
        f"this publish would create {len(new)} new projects on {repo.label} "
        f"({', '.join(new)}), more than the {limit} a day it allows "
        "([tool.relnox.publish] new-project-limit); nothing was uploaded. Release the first "
        f"{limit} now, dependencies first: relnox publish {' '.join('-p ' + n for n in chosen)}"
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

    def in_it(name: str) -> list[str]:
        return [d for d in workspace.get(name).internal_deps if d in in_release]

    chosen: set[str] = set()
    for name in (n for n in order if n in wanted):
        grown = chosen | set(needs(workspace, [name], in_it))
        if len(grown & wanted) <= limit:
            chosen = grown
    return [n for n in order if n in chosen]
