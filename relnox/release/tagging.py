"""Release tags: :func:`plan_tags` / :func:`apply_tags` tag every package whose version
changed since ``since`` (the push's ``before`` commit, else ``HEAD~1``), checking all
before git runs."""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from packaging.version import Version

from relnox.atomic import signals_held
from relnox.errors import GitError
from relnox.paths import rel
from relnox.progress import finished
from relnox.project.workspace import Package, Workspace
from relnox.release.tag_checks import check_creatable, check_remote
from relnox.stage import Runtime, Stage
from relnox.tools import git
from relnox.tools.github import event_before
from relnox.tools.network import network_settings
from relnox.versions.arithmetic import maybe_version, same_version
from relnox.versions.sources import version_at
from relnox.versions.tags import names_no_package, parse_tag

logger = logging.getLogger("relnox")
FETCH_HINT = (
    "fetch the full history and the tags (actions/checkout with fetch-depth: 0, "
    "or git fetch --unshallow --tags)"
)


def is_shallow(repo: Path) -> bool:
    return git.git(repo, "rev-parse", "--is-shallow-repository", check=False) == "true"


def default_since(workspace: Workspace, env: Mapping[str, str] | None = None) -> str | None:
    """The push's ``before`` commit on GitHub, else ``HEAD~1``; ``None`` for a first commit."""
    repo = workspace.root
    if (before := event_before(env)) is not None:
        if git.commit_of(repo, before) is None:
            raise GitError(
                f"the push's before commit {before[:12]} is not in the clone at {repo}; "
                + FETCH_HINT
            )
        return before
    if git.commit_of(repo, "HEAD~1") is not None:
        return "HEAD~1"
    if is_shallow(repo):
        raise GitError(f"{repo} is a shallow clone without the previous commit; " + FETCH_HINT)
    return None


@dataclass(frozen=True)
class TagAction:
    """One tag: ``create`` it on HEAD, ``skip`` it (on HEAD), or ``keep`` it (never moved)."""

    tag: str
    package: str
    version: str
    commit: str
    action: str  # "create", "skip" or "keep"
    reason: str

    def describe(self) -> str:
        what = f"{self.tag} ({self.package} {self.version})"
        if self.action == "keep":
            return f"warning: not moving {what} from older commit {self.commit[:12]}: {self.reason}"
        verb = "create tag" if self.action == "create" else "skip"
        return f"{verb} {what} on {self.commit[:12]}: {self.reason}"


@dataclass(frozen=True)
class TagOptions:
    since: str | None = None  # the commit compared with
    missing: bool = False  # tag every untagged version instead
    packages: Sequence[str] | None = None
    push: bool = False
    remote: str = "origin"
    allow_dirty: bool = False  # a version not committed is refused all the same
    allow_detached: bool = False  # tag even a detached HEAD no branch holds


@dataclass(frozen=True)
class TagPlan:
    workspace: Workspace
    options: TagOptions
    head: str
    since: str | None
    actions: tuple[TagAction, ...]
    notes: tuple[str, ...] = ()

    @property
    def to_create(self) -> tuple[TagAction, ...]:
        return tuple(a for a in self.actions if a.action == "create")

    def describe(self, verbose: int = 0) -> list[str]:
        """A line per tag; without ``verbose``, tags :data:`MANY` or more share (made or
        skipped on one commit for one reason) in one line: ``create 70 tags (a ... z) on``."""
        from relnox.report import MANY

        shared: dict[tuple[str, str, str], list[TagAction]] = {}
        for a in self.actions:
            key = (a.action, a.commit, a.reason) if a.action != "keep" else (a.tag, "", "")
            shared.setdefault(key, []).append(a)
        lines = []
        for (action, commit, reason), those in shared.items():
            if verbose or len(those) < MANY:
                lines += [a.describe() for a in those]
                continue
            verb = "create" if action == "create" else "skip"
            tags = f"{len(those)} tags ({those[0].tag} ... {those[-1].tag}; -v lists them)"
            lines.append(f"{verb} {tags} on {commit[:12]}: {reason}")
        lines += self.notes
        if not self.actions:
            since = f" since {self.since}" if self.since else ""
            lines.append(f"no version changed{since}: nothing to tag")
        return lines

    def to_json(self) -> dict[str, Any]:
        return {
            **self.results(),
            "actions": [
                {"tag": a.tag, "action": a.action, "commit": a.commit, "reason": a.reason}
                for a in self.actions
            ],
            "notes": list(self.notes),
        }

    def summary(self) -> str:
        """One line: what was created, what HEAD already had, what stays on older commits."""
        parts = []
        for action, words in (
            ("create", "created {}"),
            ("skip", "{} already on HEAD"),
            ("keep", "{} on an older commit, not moved (bump to release HEAD)"),
        ):
            tags = list(dict.fromkeys(a.tag for a in self.actions if a.action == action))
            if tags:
                parts.append(words.format(", ".join(tags)))
        return "; ".join(parts) or "nothing to tag"

    def results(self) -> dict[str, Any]:
        workspace, names = self.workspace, list(dict.fromkeys(a.package for a in self.actions))
        return {
            "packages": names,
            "versions": {a.package: a.version for a in self.actions},
            "tags": [a.tag for a in self.actions],
            "created": [a.tag for a in self.to_create],
            "directories": {n: rel(workspace.get(n).directory, workspace.root) for n in names},
        }


def plan_tags(workspace: Workspace, options: TagOptions, runtime: Runtime | None = None) -> TagPlan:
    """Which tags to create on HEAD; raises when a wanted tag sits on another commit
    (``runtime``'s environment is the CI event's: the push's ``before`` commit)."""
    missing, repo = options.missing, workspace.root
    if not git.is_repo(repo):
        raise GitError(
            f"{repo} is not a git repository, so there is nothing to tag; make it one and "
            "commit the release first (git init && git add -A && git commit -m 'Initial commit')"
        )
    if (head := git.head(repo)) is None:
        raise GitError(
            f"{repo} has no commit yet; commit the release first (git add -A && git commit "
            "-m 'Initial commit'), then tag it"
        )
    workspace.require_history("tag --missing" if missing else "tag")
    selected = workspace.select(options.packages)
    notes = [f"{p.name}: its version comes from tags; skipped" for p in selected if p.vcs_versioned]
    selected = tuple(p for p in selected if not p.vcs_versioned)
    rev, wanted, befores = _wanted(workspace, selected, options, runtime)
    actions: dict[str, TagAction] = {}
    shared = _shared_tags(workspace) if wanted else {}
    for pkg, reason in wanted:
        if (carrier := workspace.carrier(pkg, [p for p, _reason in wanted])) is not None:
            notes.append(
                f"{pkg.name} {pkg.version}: released under {carrier.name}'s tag "
                f"{workspace.tag_for(carrier)}, as its releases were; no tag of its own"
            )
            continue
        tag = workspace.tag_for(pkg)
        if tag in actions:
            continue  # one tag for several packages (lockstep, "v{version}")
        git.check_tag_name(repo, tag)
        on = git.tag_commit(repo, tag)
        why = "already on HEAD"
        # a tag without the package's name may already mark this version
        if on is None and (found := _shared_for(workspace, pkg, shared, head)) is not None:
            tag, on = found
            marks = f"the shared tag {tag} already marks {pkg.name} {pkg.version}"
            why = f"{marks}; no tag of its own is created"
            if tag in actions:
                continue
        if on is None:
            actions[tag] = TagAction(tag, pkg.name, pkg.version, head, "create", reason)
        elif on == head:
            actions[tag] = TagAction(tag, pkg.name, pkg.version, head, "skip", why)
        elif missing:  # tagged before: a release tag never moves, and HEAD gets no second one
            why = (
                f"{pkg.name} {pkg.version} was released there and HEAD ({head[:12]}) is "
                f"another commit; bump {pkg.name} to release HEAD, or delete the tag "
                f"(git tag -d {tag}) if that release never happened"
            )
            actions[tag] = TagAction(tag, pkg.name, pkg.version, on, "keep", why)
        else:
            raise GitError(
                f"tag {tag} already exists on commit {on[:12]}, not on HEAD ({head[:12]}), "
                f"but {pkg.name} changed to {pkg.version} since {rev}; bump {pkg.name} to a new "
                f"version, or delete the stale tag (git tag -d {tag}) if it was never released"
            )
    plan = TagPlan(workspace, options, head, rev, tuple(actions.values()), tuple(notes))
    if plan.to_create:
        check_creatable(plan, befores)
    return plan


def _wanted(
    workspace: Workspace, selected: Sequence[Package], options: TagOptions, runtime: Runtime | None
) -> tuple[str | None, list[tuple[Package, str]], dict[str, str | None]]:
    """The commit compared with, the packages whose version changed since it with why, and each
    one's version there (``--missing``: every package, no commit)."""
    if options.missing:
        return None, [(p, "no tag for this version yet") for p in selected], {}
    repo, since = workspace.root, options.since
    rev = since or default_since(workspace, runtime.environ if runtime else None)
    first_commit = since in ("HEAD~1", "HEAD^") and git.commit_of(repo, since) is None
    if first_commit and not is_shallow(repo):
        rev = None  # HEAD has no parent: every version is new, as without --since
    if rev is not None and git.commit_of(repo, rev) is None:
        hint = FETCH_HINT if is_shallow(repo) else "pass a commit, branch or tag of it"
        raise GitError(f"--since {rev!r} is not a commit of {repo}; {hint}")
    wanted: list[tuple[Package, str]] = []
    befores: dict[str, str | None] = {}
    for pkg in selected:
        before = befores[pkg.name] = version_at(workspace.root, pkg.locations, rev) if rev else None
        if not same_version(before, pkg.version):
            wanted.append((pkg, f"version {before or 'none'} -> {pkg.version}"))
    return rev, wanted, befores


#: tags that name a version and no package: the repository's single convention
_SHARED_FORMATS = ("v{version}", "{version}", "V{version}", "release-{version}")


def _shared_tags(workspace: Workspace) -> dict[Version, list[tuple[str, str]]]:
    """Every tag without a package's name in it, by the version it names: [(tag, commit)]."""
    formats = list(_SHARED_FORMATS)
    configured = [workspace.config.tag_format, *map(workspace.tag_format_of, workspace.packages)]
    formats += [f for f in configured if f and names_no_package(f)]
    found: dict[Version, list[tuple[str, str]]] = {}
    for name, commit in git.tag_commits(workspace.root).items():
        for fmt in dict.fromkeys(formats):
            parsed = parse_tag(fmt, name)
            version = maybe_version(parsed.version) if parsed else None
            if version is not None:
                found.setdefault(version, []).append((name, commit))
                break
    return found


def _shared_for(
    workspace: Workspace, pkg: Package, shared: Mapping[Version, list[tuple[str, str]]], head: str
) -> tuple[str, str] | None:
    """The shared tag (one another package's format does not claim) that releases ``pkg``
    at its version, the one on HEAD first; or None."""
    if (version := maybe_version(pkg.version)) is None:
        return None
    candidates = [
        (name, commit)
        for name, commit in shared.get(version, ())
        if not (owners := [p.name for p, _v in workspace.match_tag(name)]) or pkg.name in owners
    ]
    return min(candidates, key=lambda item: item[1] != head, default=None)


@dataclass(frozen=True)
class TagResult:
    created: tuple[str, ...]
    pushed: tuple[str, ...] = ()

    def describe(self) -> list[str]:
        return [f"tagged {t}" for t in self.created] + [f"pushed {t}" for t in self.pushed]

    def to_json(self) -> dict[str, Any]:
        return {"created": list(self.created), "pushed": list(self.pushed)}

    def raise_for_failures(self) -> None:
        """A tag that cannot be made or pushed raises :class:`GitError` as it happens."""


def apply_tags(plan: TagPlan, runtime: Runtime | None = None) -> TagResult:
    """Create the planned tags; with ``push``, push every planned one (git's credentials).
    A failed push, Ctrl-C or SIGTERM removes the tags this run made and did not push."""
    repo, push, remote = plan.workspace.root, plan.options.push, plan.options.remote
    if push and plan.actions and not git.git(repo, "remote", "get-url", remote, check=False):
        raise GitError(f"{repo} has no remote {remote!r}; add it or pass --remote NAME")
    if push and plan.actions:
        check_remote(plan)
    created: list[str] = []
    pushed: set[str] = set()
    with signals_held() as stopped:
        try:
            for action in plan.to_create:
                _go_on(stopped)
                made = finished("tag", action.tag, len(plan.to_create))
                logger.info("tagging %s on %s", action.tag, action.commit[:12], extra=made)
                message = f"Release {action.package} {action.version}"
                git.git(repo, "tag", "-a", "-m", message, "--", action.tag, action.commit)
                created.append(action.tag)
            if push and plan.actions:
                _push_tags(plan, stopped, pushed)
        except GitError as exc:
            left = [name for name in created if name not in pushed]
            for name in reversed(left):
                git.git(repo, "tag", "-d", "--", name, check=False)
            if left:
                raise GitError(
                    f"{exc}; the tags this run made and did not push were removed: "
                    f"{', '.join(left)}"
                ) from None
            raise
    return TagResult(tuple(created), tuple(a.tag for a in plan.actions) if push else ())


def _go_on(stopped: Callable[[], str | None]) -> None:
    if (signal_name := stopped()) is not None:
        raise GitError(f"tagging was stopped ({signal_name}) before it was complete")


def _push_tags(plan: TagPlan, stopped: Callable[[], str | None], pushed: set[str]) -> None:
    """Every planned tag to the remote, at most three a push; ``pushed`` holds those sent."""
    repo, remote = plan.workspace.root, plan.options.remote
    stall = network_settings(plan.workspace.config).stall
    refs = [f"refs/tags/{a.tag}:refs/tags/{a.tag}" for a in plan.actions]
    for batch in git.tag_batches(refs):
        _go_on(stopped)
        names = [ref.split(":", 1)[0].removeprefix("refs/tags/") for ref in batch]
        logger.info("pushing %s to %s", ", ".join(names), remote)
        try:
            git.push(repo, "--atomic", "--", remote, *batch, stall=stall)
        except GitError as exc:
            raise GitError(
                f"pushing tags to {remote} failed ({exc}); if the remote has a tag of the same "
                "name on another commit, bump the version"
            ) from None
        pushed.update(names)


TAG_STAGE: Stage[TagOptions, TagPlan, TagResult] = Stage("tag", TagOptions, plan_tags, apply_tags)
