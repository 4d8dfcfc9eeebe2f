"""``release-pr``: one pull request that holds the next release (docs/release-pr.md), made in a
scratch worktree and committed with the base commit's date: the same base, the same commit, and
nothing pushed or edited. The token travels in headers: never in argv, a URL or output."""

from __future__ import annotations

import base64
import os
import tempfile
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from relnox import _proc as proc
from relnox.atomic import write_all
from relnox.errors import GitError
from relnox.paths import rel
from relnox.project.changelog import UNDERLINE, headings
from relnox.project.news import TITLES
from relnox.project.workspace import Workspace
from relnox.redact import redact_url
from relnox.release.intent import Fragment, Intent, Release, release_intent
from relnox.tools import git

BRANCH = "relnox/release"
#: the longest wait for one git command that talks to the remote, seconds
REMOTE_TIMEOUT = 300.0
TITLE_MAX = 200
_MARKERS = ("towncrier release notes start", "scriv-insert-here")


@dataclass(frozen=True)
class PrOptions:
    root: Path = Path(".")
    branch: str = BRANCH
    remote: str = "origin"
    base: str | None = None  # the branch the pull request merges into (default: HEAD's)
    dry_run: bool = False
    repository: str | None = None  # the index whose new projects (and publishers) the body names


@dataclass
class PrResult:
    intent: Intent
    branch: str
    title: str = ""
    body: str = ""
    commit: str | None = None
    pushed: bool = False
    pull: int | None = None
    action: str = "none"  # created, updated, unchanged, closed, none (dry run: planned)

    def describe(self, verbose: int = 0) -> list[str]:
        lines = self.intent.describe(verbose)
        if self.commit:
            pushed = " (pushed)" if self.pushed else " (as it was)"
            lines.append(f"branch {self.branch} at {self.commit[:12]}{pushed}")
        if self.intent.releases or self.action not in ("none", "planned"):  # none to plan
            lines.append(f"pull request: {self.action}" + (f" #{self.pull}" if self.pull else ""))
        return lines

    def to_json(self) -> dict[str, Any]:
        return {
            **self.intent.to_json(),
            "branch": self.branch,
            "commit": self.commit,
            "pushed": self.pushed,
            "pull": self.pull,
            "action": self.action,
            "title": self.title,
        }


def section(
    release: Release, fragments: list[Fragment], day: date, md: bool, named: bool, level: int = 2
) -> str:
    """The changelog section of ``release`` from ``fragments``, in Markdown or reStructuredText."""
    title = f"{release.name + ' ' if named else ''}{release.new} ({day.isoformat()})"
    out = [f"{'#' * level} {title}" if md else f"{title}\n{'=' * len(title)}", ""]
    groups: dict[str, list[str]] = {}
    for fragment in fragments:
        if fragment.tool == "release file":  # the release's notes, as written
            out += [text for _, text in fragment.entries] + [""]
            continue
        for kind, text in fragment.entries:
            bullet = text if text.startswith(("-", "*")) else "- " + text.replace("\n", "\n  ")
            groups.setdefault(kind, []).append(bullet)
    for kind, bullets in groups.items():
        name = TITLES.get(kind, kind.title())
        out += [f"{'#' * (level + 1)} {name}" if md else f"{name}\n{'-' * len(name)}", ""]
        out += [*bullets, ""]
    return "\n".join(out).rstrip() + "\n"


def _insert(text: str, new: str, md: bool) -> str:
    """``new`` after the tool's start marker, else below the file's title, else on top."""
    lines = text.splitlines(keepends=True)
    at = next((i + 1 for i, line in enumerate(lines) if any(m in line for m in _MARKERS)), None)
    title = next(iter(headings([line.rstrip("\r\n") for line in lines[:3]])), None)
    if at is None and title is not None and title.line == 0:  # the file's title
        underlined = UNDERLINE.match(lines[title.end - 1]) is not None  # reST's or setext
        at = title.end if underlined or (md and title.atx and title.level == 1) else None
    head, rest = "".join(lines[: at or 0]), "".join(lines[at or 0 :]).lstrip("\r\n")
    gap = "\n" if head and not head.endswith("\n\n") else ""
    return head + gap + new + ("\n" + rest if rest else "")


def write_changelogs(intent: Intent, day: date, top: Path | None) -> None:
    """Each released package's section into its tool's changelog (named in ``top``'s), its
    fragments removed."""
    texts: dict[Path, str] = {}
    for release in intent.releases:
        by_log: dict[Path, list[Fragment]] = {}
        for fragment in release.fragments:
            by_log.setdefault(fragment.changelog, []).append(fragment)
        for log, mine in by_log.items():
            current = texts.get(log) or (log.read_text(encoding="utf-8") if log.is_file() else "")
            md = log.suffix != ".rst"
            named = top is not None and log.parent.resolve() == top.resolve()
            texts[log] = _insert(current, section(release, mine, day, md, named), md)
    write_all(texts)
    for release in intent.releases:
        for fragment in release.fragments:
            fragment.path.unlink(missing_ok=True)


def _body(workspace: Workspace, intent: Intent, day: date, repository: str | None) -> str:
    named, first = len(workspace.packages) > 1, first_releases(workspace, intent, repository)
    rows = [f"| {r.name} | {r.old} | {r.new} | {r.why} |" for r in intent.releases]
    lines = ["## Release", "", "| package | old | new | why |", "| --- | --- | --- | --- |", *rows]
    if intent.rewrites:
        lines += ["", "Pins moved:", *(f"- {line}" for line in intent.rewrites)]
    sections = [
        section(r, list(r.fragments), day, True, named, 3) for r in intent.releases if r.fragments
    ]
    if sections:
        lines += ["", "## Changelog", "", *sections]
    notes = [n for n in intent.notes if n.startswith(("note", "warning"))]
    lines += ["", *notes] if notes else []
    if first:  # FirstReleases.describe: the batches, a heading, then one line a publisher
        lines += ["", "## First releases", "", first[0], "", first[1]]
        lines += [f"- {line.strip()}" for line in first[2:]]
    lines += [
        "",
        "Merging this pull request releases these versions: the release workflow tags each "
        "package and publishes it. Generated by `relnox release-pr`; it is updated on every "
        "push to the base branch.",
    ]
    return "\n".join(lines).strip() + "\n"


def first_releases(workspace: Workspace, intent: Intent, repository: str | None) -> list[str]:
    """The new projects on ``repository`` among the releases, in batches, and the pending
    trusted publishers to register before merging."""
    if not repository or not intent.releases:
        return []
    from relnox.publish import first_releases as batches
    from relnox.tools.network import network_settings
    from relnox.tools.repositories import resolve
    from relnox.tools.simple_api import IndexReader

    repo = resolve(repository, workspace.config)
    reader = IndexReader.of(repo, network=network_settings(workspace.config))
    new = [r.name for r in intent.releases if not reader.page(r.name).files]
    first = batches(workspace, repo, new, [p.name for p in workspace.packages])
    return first.describe() if first else []


def _api(url: str, remote: str, env: Mapping[str, str]) -> Any:
    """The forge's API: GitLab's merge requests on GitLab, else GitHub's pull requests."""
    from relnox.tools.github import GitHubApi, repository_slug
    from relnox.tools.gitlab import GitLabApi, on_gitlab

    if on_gitlab(url, env):
        return GitLabApi(url, env)
    if (slug := repository_slug(url, env)) is None:
        raise GitError(
            f"the remote {remote} ({redact_url(url)}) names no GitHub repository; "
            "set GITHUB_REPOSITORY=owner/name"
        )
    return GitHubApi(slug, env)


def _auth_env(token: str, user: str = "x-access-token") -> dict[str, str]:
    """The environment of a git command to the remote: the token as an HTTP header."""
    env = dict(os.environ)
    if not token:
        return env
    n = int(env.get("GIT_CONFIG_COUNT") or 0)
    basic = base64.b64encode(f"{user}:{token}".encode()).decode()
    return {
        **env,
        "GIT_CONFIG_COUNT": str(n + 1),
        f"GIT_CONFIG_KEY_{n}": "http.extraHeader",
        f"GIT_CONFIG_VALUE_{n}": f"AUTHORIZATION: basic {basic}",
        "GIT_TERMINAL_PROMPT": "0",
    }


def _remote_git(top: Path, env: Mapping[str, str], *args: str) -> str:
    result = proc.run(["git", *args], cwd=top, env=env, timeout=REMOTE_TIMEOUT, merge=False)
    if not result.ok:
        raise GitError(f"git {args[0]} to the remote failed in {top}: {result.last_line()}")
    return result.output.strip()


@contextmanager
def _worktree(top: Path, rev: str) -> Iterator[Path]:
    with tempfile.TemporaryDirectory(prefix="relnox-release-pr-") as scratch:
        where = Path(scratch) / "tree"
        git.git(top, "worktree", "add", "--detach", str(where), rev)
        try:
            yield where
        finally:
            git.git(top, "worktree", "remove", "--force", str(where), check=False)


def release_pr(options: PrOptions, env: Mapping[str, str] | None = None) -> PrResult:
    """Make the release pull request match the intent on the base branch (see the module)."""
    from relnox.bump import BumpOptions, apply_bump, plan_bump
    from relnox.project.discovery import load_workspace

    env = os.environ if env is None else env
    root = Path(options.root).resolve()
    top = git.toplevel(root)
    ref = env.get("GITHUB_REF", "")  # a run's checkout may leave HEAD detached
    pushed = ref.removeprefix("refs/heads/") if ref.startswith("refs/heads/") else None
    if (base := options.base or git.current_branch(top) or pushed) is None:
        raise GitError(f"{top}: HEAD is detached; check out the base branch or pass --base")
    stamp = git.git(top, "log", "-1", "--format=%cI", "HEAD")
    day = datetime.fromisoformat(stamp).date()
    if options.dry_run:
        workspace = load_workspace(root)
        intent = release_intent(workspace, day)
        body = _body(workspace, intent, day, options.repository)
        return PrResult(intent, options.branch, body=body, action="planned")
    url = git.git(top, "remote", "get-url", options.remote)
    api = _api(url, options.remote, env)
    auth = _auth_env(api.token, api.git_user)
    with _worktree(top, "HEAD") as tree:
        workspace = load_workspace(tree / rel(root, top))
        intent = release_intent(workspace, day)
        result = PrResult(intent, options.branch)
        if intent.releases:
            bump = plan_bump(workspace, BumpOptions(parts=intent.parts, commit=False, today=day))
            bump.actions = [a for a in bump.actions if a.kind != "tag"]  # tags: the merge's
            bump.tags = []
            apply_bump(bump)
            write_changelogs(intent, day, workspace.root if len(workspace.packages) > 1 else None)
            result.title = "Release " + ", ".join(f"{r.name} {r.new}" for r in intent.releases)
            if len(result.title) > TITLE_MAX:  # GitHub takes 256 characters
                result.title = f"Release {len(intent.releases)} packages"
            result.body = _body(workspace, intent, day, options.repository)
            git.git(tree, "add", "-A")
            dated = {**os.environ, "GIT_AUTHOR_DATE": stamp, "GIT_COMMITTER_DATE": stamp}
            git.git(tree, "commit", "-q", "--no-verify", "-m", result.title, env=dated)
            result.commit = git.git(tree, "rev-parse", "HEAD")
            ref = f"refs/heads/{options.branch}"
            there = _remote_git(top, auth, "ls-remote", options.remote, ref)
            if there.split("\t")[0] != result.commit:
                spec = f"{result.commit}:{ref}"
                _remote_git(tree, auth, "push", "--force", "--quiet", options.remote, spec)
                result.pushed = True
    return _pull(api, result, base)


def _pull(api: Any, result: PrResult, base: str) -> PrResult:
    open_pull = api.open_pull(result.branch)
    if not result.intent.releases:
        if open_pull is not None:
            api.update_pull(open_pull["number"], state="closed")
            result.pull, result.action = open_pull["number"], "closed"
        return result
    if open_pull is None:
        made = api.create_pull(result.branch, base, result.title, result.body)
        result.pull, result.action = made["number"], "created"
    elif (open_pull.get("title"), open_pull.get("body")) != (result.title, result.body):
        api.update_pull(open_pull["number"], title=result.title, body=result.body)
        result.pull, result.action = open_pull["number"], "updated"
    else:
        result.pull, result.action = open_pull["number"], "unchanged"
    return result
