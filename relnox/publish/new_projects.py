"""Projects a publish creates on the index: how many a day it takes, which go first, and the
pending trusted publishers (one per owner, repository, workflow and environment; at most
three a user) to register before a first upload (docs/configuration.md)."""

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
    unit = "projects, 1 or more"
    return publish_count(workspace, repo, "new-project-limit", PYPI_NEW_PROJECTS_A_DAY, 1, unit)


def pending_publishers(
    workspace: Workspace, repo: Repository, credentials: Credentials | None = None
) -> int | None:
    """How many projects one run may create through pending trusted publishers, or None (no
    trusted publishing; ``credentials`` None: ci-init's workflow, which publishes so)."""
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
    """The batches of ``new`` in release ``order``, or None without trusted publishing."""
    size = pending_publishers(workspace, repo, credentials)
    if size is None or not new:
        return None
    # one pending publisher per environment: with one shared (the default), one project a run
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
    """The new projects of a release in batches (release order), each project in its own
    environment (else batches of one); ``waiting``: what a later batch holds or needs."""

    workspace: Workspace
    repo: Repository
    batches: tuple[tuple[str, ...], ...]
    waiting: tuple[str, ...]
    own: bool = True  # each project its own environment ([tool.relnox.ci] environments)

    def summary(self) -> str:
        batches = "; ".join(
            f"batch {n}{' (register now)' if n == 1 else ''}: {', '.join(batch)}"
            for n, batch in enumerate(self.batches, 1)
        )
        return (
            f"{sum(map(len, self.batches))} new projects on {self.repo.label} by trusted "
            f"publishing, {len(self.batches[0])} pending publishers a run: {batches}"
        )

    def publishers(self, batch: int = 0) -> dict[str, str]:
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
        return [
            self.summary(),
            f"register these pending trusted publishers on {self.repo.label} now:",
            *(f"  {line}" for line in self.publishers(batch).values()),
        ]

    def waiting_note(self) -> str:
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
    """By trusted publishing: the batches. Else refuse, before any upload, a publish that
    would create more projects than the index allows a day, naming which to release first."""
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
    """The packages to publish today: new projects in release order, each with what of this
    release it needs, while at most ``limit`` new projects are in the set."""
    in_release, wanted = set(order), set(new)

    def in_it(name: str) -> list[str]:
        return [d for d in workspace.get(name).internal_deps if d in in_release]

    chosen: set[str] = set()
    for name in (n for n in order if n in wanted):
        grown = chosen | set(needs(workspace, [name], in_it))
        if len(grown & wanted) <= limit:
            chosen = grown
    return [n for n in order if n in chosen]
