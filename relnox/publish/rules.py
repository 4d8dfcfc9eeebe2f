"""The index's own rules, said before an upload (PyPI's first 400 would come with the rest
already up) or read from its answer: statuses, upload window, refusals, new-project limits."""

from __future__ import annotations

import contextlib
import logging
import os
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import cast

from packaging.utils import canonicalize_name
from packaging.version import Version

from relnox.artifacts.checks import name_and_version, raw_metadata
from relnox.errors import PublishError, seconds
from relnox.project.workspace import Workspace, needs
from relnox.tools import git
from relnox.tools.credentials import Credentials
from relnox.tools.repositories import PYPI, TESTPYPI, Repository
from relnox.tools.simple_pages import ProjectPage
from relnox.versions.arithmetic import bump_version

logger = logging.getLogger("relnox")

#: ``[tool.relnox.publish]``'s whole numbers: key -> (PyPI's, the least allowed, the unit).
#: PyPI takes new files for a release for 14 days after its first one; a user (and an IP)
#: may create about 4 new projects a day, and keep at most 3 pending trusted publishers
COUNTS = {
    "upload-window-days": (14, 0, "days, 0 (no window) or more"),
    "new-project-limit": (4, 1, "projects, 1 or more"),
    "pending-publishers": (3, 0, "publishers, 0 (no trusted publishing) or more"),
}
#: statuses (PEP 792) under which an index takes no uploads
REFUSING = ("archived", "quarantined")


def status_problems(pages: Mapping[str, ProjectPage], label: str) -> tuple[list[str], list[str]]:
    """``(errors, warnings)`` for the PEP 792 status of each project in ``pages``."""
    errors: list[str] = []
    warnings: list[str] = []
    for name, page in pages.items():
        said = f" ({page.reason})" if page.reason else ""
        if page.status in REFUSING:
            errors.append(
                f"{name} is {page.status} on {label}{said}, and an index takes no uploads for "
                f"a{'n' * (page.status[0] in 'aeiou')} {page.status} project; "
                + (
                    "its owners can unarchive it in the project's settings on the index"
                    if page.status == "archived"
                    else "the index's administrators must lift the quarantine first"
                )
                + f", or leave {name} out of this publish (-p for the others)"
            )
        elif page.status == "deprecated":
            warnings.append(
                f"{name} is marked deprecated on {label}{said}; uploads still work, but users "
                "are told not to use it"
            )
        elif page.status not in ("", "active"):
            warnings.append(f"{name} has the status {page.status!r} on {label}{said}")
    return errors, warnings


def publish_count(workspace: Workspace, repo: Repository, key: str) -> int | None:
    """A whole-number ``[tool.relnox.publish]`` setting (:data:`COUNTS`); by default PyPI's on PyPI."""
    on_pypi, least, unit = COUNTS[key]
    value = workspace.config.section("publish").get(key)
    if value is None:
        return on_pypi if repo.is_pypi else None
    if isinstance(value, bool) or not isinstance(value, int) or value < least:
        raise PublishError(
            f"{workspace.config.source}: [tool.relnox.publish] {key} must be a whole number "
            f"of {unit}, not {value!r}; for example {key} = {on_pypi}"
        )
    return value


def upload_window_days(workspace: Workspace, repo: Repository) -> int | None:
    return publish_count(workspace, repo, "upload-window-days") or None  # 0: no window


def late_files(
    package: str,
    version: str,
    page: ProjectPage,
    to_upload: Sequence[str],
    window_days: int,
    label: str,
) -> str | None:
    """Why ``to_upload`` can no longer join ``package`` ``version`` (its oldest file's age)."""
    if not to_upload:
        return None
    times = [
        f.upload_time
        for f in page.files.values()
        if f.upload_time is not None
        and (parsed := name_and_version(f.filename)) is not None
        and parsed[1] == Version(version)
    ]
    if not times:
        return None
    first = min(t if t.tzinfo else t.replace(tzinfo=timezone.utc) for t in times)
    age = datetime.now(timezone.utc) - first
    if age <= timedelta(days=window_days):
        return None
    return (
        f"{label} has had {package} {version} since {first:%Y-%m-%d %H:%M} UTC ({age.days} days), "
        f"and takes no new files for a release older than {window_days} days "
        "([tool.relnox.publish] upload-window-days), so "
        f"{', '.join(to_upload)} cannot be added to it; release them as a new version instead: "
        f"relnox bump --part post -p {package} (to {bump_version(Version(version), 'post')}), rebuild and publish"
    )


#: the furthest a reset an index names is believed (a year): past it, or not a number of
#: seconds at all (``1e300``, ``inf``, ``nan``, negative), it says nothing usable
_LONGEST_RESET = 366 * 24 * 3600.0


def reset_time(headers: Mapping[str, str], now: datetime | None = None) -> datetime | None:
    """When a rate limit resets: ``RateLimit``, ``RateLimit-Reset`` or ``Retry-After``."""
    now = now or datetime.now(timezone.utc)
    lower = {k.lower(): v.strip() for k, v in headers.items()}
    wait: float | None = None
    found = re.search(r"(?:^|[;,\s])(?:reset|t)=(\d+(?:\.\d+)?)", lower.get("ratelimit", ""))
    if found:
        wait = seconds(found.group(1), _LONGEST_RESET)
    elif "ratelimit-reset" in lower:
        wait = seconds(lower["ratelimit-reset"], _LONGEST_RESET)
    if wait is None and "retry-after" in lower:
        wait = seconds(lower["retry-after"], _LONGEST_RESET)
        if wait is None:
            from email.utils import parsedate_to_datetime  # an HTTP date: seldom sent

            try:
                when = parsedate_to_datetime(lower["retry-after"]).astimezone(timezone.utc)
            except (TypeError, ValueError, OverflowError):
                return None
            return when if abs((when - now).total_seconds()) <= _LONGEST_RESET else None
    return None if wait is None else now + timedelta(seconds=wait)


def policy(headers: Mapping[str, str]) -> str:
    """``RateLimit-Policy`` in words (``4 per 24h``), or ``""``."""
    value = {k.lower(): v for k, v in headers.items()}.get("ratelimit-policy", "")
    quota = re.search(r"(?:^|[;,\s])q=(\d+)", value) or re.match(r"\s*(\d+)", value)
    window = re.search(r"(?:^|[;,\s])w=(\d+)", value)
    if not quota:
        return ""
    if not window:
        return f"{quota.group(1)} at a time"
    seconds = int(window.group(1))
    span = f"{seconds // 3600}h" if seconds % 3600 == 0 else f"{seconds}s"
    return f"{quota.group(1)} per {span}"


def creation_limited(
    label: str,
    filename: str,
    projects: Sequence[str],
    headers: Mapping[str, str],
    detail: str,
    now: datetime | None = None,
) -> str:
    when = reset_time(headers, now)
    rule = policy(headers)
    reset = (
        f"the limit resets at {when:%Y-%m-%d %H:%M} UTC"
        if when
        else "it did not say when the limit resets (PyPI's window is a day)"
    )
    return (
        f"{label} refused to create a new project for {filename} (HTTP 429: {detail}): it limits "
        f"how many projects a user and an address may create"
        f"{f' ({rule})' if rule else ''}, and a refused attempt counts too, so relnox does not "
        f"retry; {reset}. Not created: {', '.join(projects)}; run the same command again after "
        "that, it uploads only what is missing"
    )


def _local_versions(versions: Sequence[tuple[str, str]], label: str) -> str | None:
    local = [(name, Version(version)) for name, version in versions if Version(version).local]
    if not local:
        return None
    shown = ", ".join(f"{name} {version}" for name, version in local)
    name, version = local[0]
    major, minor, micro = (*version.release, 0, 0)[:3]
    higher = f"{major}.{minor}.{micro + 1}"  # above every local version of this release
    return (
        f"{shown}: {label} refuses versions with a local part (+{version.local}), "
        f"so nothing was uploaded; release a version without one (relnox bump -p {name} "
        f"--to {higher}, then build-all), or publish to an index that takes them"
    )


def _private_classifiers(files: Sequence[tuple[str, Path]], label: str) -> str | None:
    private = _first_in_metadata(files, "classifiers", lambda c: c.startswith("Private ::"))
    if not private:
        return None
    shown = ", ".join(private)
    name, classifier = next(iter(private.items()))
    return (
        f"{shown}: classified {classifier!r}, which {label} refuses, so nothing "
        f"was uploaded; publish the other packages (leave {name} out of -p), publish to a "
        "private index (-r), or remove the classifier if it belongs on this index"
    )


def _direct_references(files: Sequence[tuple[str, Path]], label: str) -> str | None:
    direct = _first_in_metadata(files, "requires_dist", _is_direct)
    if not direct:
        return None
    shown = ", ".join(f"{name}: requires {line!r}" for name, line in direct.items())
    return (
        f"{shown}, a direct reference, which {label} refuses, so nothing was "
        "uploaded; require a released version of it instead, then relnox build-all"
    )


def _first_in_metadata(
    files: Sequence[tuple[str, Path]], key: str, wanted: Callable[[str], bool]
) -> dict[str, str]:
    """Each package's first value of the metadata field ``key`` that is ``wanted``."""
    from packaging.metadata import parse_email  # only for PyPI: a local index's publish reads none

    found: dict[str, str] = {}
    for name, path in files:
        if name in found:
            continue
        try:
            values = cast("list[str]", parse_email(raw_metadata(path))[0].get(key, []))
        except (OSError, ValueError):
            continue  # the artifact checks say what is wrong with it
        if (value := next((v for v in values if wanted(v)), None)) is not None:
            found[name] = value
    return found


def _is_direct(line: str) -> bool:
    from packaging.requirements import InvalidRequirement, Requirement

    try:
        return bool(Requirement(line).url)
    except InvalidRequirement:
        return False


def _plain_linux_wheels(files: Sequence[tuple[str, Path]], label: str) -> str | None:
    from packaging.utils import InvalidWheelFilename, parse_wheel_filename

    plain: list[str] = []
    for _name, path in files:
        with contextlib.suppress(InvalidWheelFilename):  # an sdist, or the checks say why
            tags = parse_wheel_filename(path.name)[3] if path.name.endswith(".whl") else ()
            if any(tag.platform.startswith("linux_") for tag in tags):
                plain.append(path.name)
    if not plain:
        return None
    platform = plain[0].rsplit("-", 1)[1].removesuffix(".whl")
    return (
        f"{', '.join(plain)}: platform tag {platform}, which {label} refuses "
        "(a wheel built on this machine, for its libraries only), so nothing was uploaded; "
        "repair it into a manylinux wheel (auditwheel repair FILE -w dist/) or build it with "
        "cibuildwheel (relnox ci-init writes that workflow), or leave the wheel out and "
        "publish the sdist"
    )


def refusal(
    versions: Sequence[tuple[str, str]], files: Sequence[tuple[str, Path]], repository: Repository
) -> str | None:
    """Why PyPI or TestPyPI refuses the files ``(package, path)`` of ``versions`` (each
    answered with 400 after the files before were up), or None: a local version (``+...``),
    a ``Private ::`` classifier, a direct reference (``dep @ git+https://...``), a wheel
    tagged for one Linux (``linux_x86_64``)."""
    if not repository.is_pypi:
        return None
    label = repository.label
    return (
        _local_versions(versions, label)
        or _private_classifiers(files, label)
        or _direct_references(files, label)
        or _plain_linux_wheels(files, label)
    )


def refusals(
    versions: Sequence[tuple[str, str]], files: Sequence[tuple[str, Path]], repository: Repository
) -> list[str]:
    """:func:`refusal` of each file, one line a file refused, naming it."""
    version_of = dict(versions)
    found: list[str] = []
    for name, path in files:
        said = refusal([(name, version_of[name])], [(name, path)], repository)
        if said is not None:
            found.append(said if said.startswith(path.name) else f"{path.name}: {said}")
    return found


def new_project_limit(workspace: Workspace, repo: Repository) -> int | None:
    return publish_count(workspace, repo, "new-project-limit")


def pending_publishers(
    workspace: Workspace, repo: Repository, credentials: Credentials | None = None
) -> int | None:
    """How many projects one run may create through pending trusted publishers, or None."""
    count = publish_count(workspace, repo, "pending-publishers")
    token = credentials is not None and credentials.method != "trusted-publishing"
    if token and "pending-publishers" not in workspace.config.section("publish"):
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
    """The new projects in batches (one each unless ``own`` environments); ``waiting``: later."""

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
    """By trusted publishing: the batches; else refuse creating more than a day's limit."""
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
    """New projects in release order with what they need, at most ``limit`` new ones."""
    in_release, wanted = set(order), set(new)

    def in_it(name: str) -> list[str]:
        return [d for d in workspace.get(name).internal_deps if d in in_release]

    chosen: set[str] = set()
    for name in (n for n in order if n in wanted):
        grown = chosen | set(needs(workspace, [name], in_it))
        if len(grown & wanted) <= limit:
            chosen = grown
    return [n for n in order if n in chosen]
