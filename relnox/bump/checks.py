"""The git side of a bump: every precondition checked before a file changes, then the actions."""

from __future__ import annotations

import functools
import os
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

from relnox.bump.model import BumpOptions, BumpPlan, GitAction
from relnox.errors import ConfigError, GitError, shortlist
from relnox.paths import rel as relative
from relnox.project.workspace import Package
from relnox.report import MANY
from relnox.tools import git

#: the longest list of packages a commit's subject names
SUBJECT = 72
FIRST_COMMIT = "git init && git add -A && git commit -m 'Initial commit'"
NO_IDENTITY = (
    "git has no identity to author the bump's commit and tags; set one first: "
    "git config --global user.name 'Your Name' && git config --global user.email you@example.com"
)


def _summary(
    selected: Sequence[Package], versions: Mapping[str, tuple[str, str]]
) -> dict[str, str]:
    news = [versions[p.name][1] for p in selected]
    if len(selected) == 1:
        summary = f"{selected[0].name} {news[0]}"
    elif len(set(news)) == 1:
        summary = news[0]
    else:  # a subject of a line: past SUBJECT characters the body names them (_body)
        summary = ", ".join(f"{p.name} {versions[p.name][1]}" for p in selected)
        summary = summary if len(summary) <= SUBJECT else f"{len(selected)} packages"
    return {"summary": summary, "version": news[0] if len(set(news)) == 1 else summary}


def _body(selected: Sequence[Package], versions: Mapping[str, tuple[str, str]]) -> str:
    """The body of a large release's commit message: one line per package."""
    if len(selected) < MANY and len(_summary(selected, versions)["summary"]) <= SUBJECT:
        return ""
    return "\n\n" + "\n".join(f"{p.name} {versions[p.name][1]}" for p in selected)


def git_plan(plan: BumpPlan, selected: Sequence[Package], options: BumpOptions) -> None:
    """The bump's git actions (add, commit, tags, push), after every git precondition."""
    vcs = [p for p in selected if p.bumped_by_tag]
    if not _repository_ready(plan, vcs, options):
        return
    commit, tag, push = options.commit, options.tag, options.push
    if push and not (commit or tag):
        raise GitError("--push has nothing to push without --commit or --tag; add them")
    if options.sign and not (commit or tag):
        raise GitError("--sign signs the commit and tags; add --commit and/or --tag")
    if tag and plan.edits and not commit:
        raise GitError(
            "--tag without --commit would tag the commit before the bump's edits; add --commit"
        )
    if commit and plan.edits and plan.repo is not None:
        _refuse_other_repositories(plan, options.dry_run)
    annotations = _tag_annotations(plan, selected, selected if tag else vcs)
    plan.tags = list(annotations)
    root = plan.workspace.root
    if push:
        if git.current_branch(root) is None:
            raise GitError(f"{root}: HEAD is detached, so --push has no branch; check one out")
        if "origin" not in git.git(root, "remote").splitlines():
            raise GitError(
                f"{root}: no git remote named origin for --push; add it with "
                "`git remote add origin URL`"
            )
    _git_actions(plan, selected, annotations, options)
    if vcs and plan.edits and not commit:
        plan.notes.append(
            "note: the tags of git-versioned packages go on HEAD, which does not hold this "
            "bump's edits; pass --commit to include them"
        )


def _refuse(plan: BumpPlan, problem: str, dry_run: bool) -> None:
    """A git precondition that fails: an error, or in a dry run a warning beside the plan."""
    if not dry_run:
        raise GitError(problem)
    plan.notes.append(f"warning: {problem} (a dry run shows the plan anyway)")


def _repository_ready(plan: BumpPlan, vcs: Sequence[Package], options: BumpOptions) -> bool:
    """A repository ready for a commit, tag or push; False when none is and none is needed."""
    commit, tag, push, dry_run = options.commit, options.tag, options.push, options.dry_run
    root = plan.workspace.root
    refuse = functools.partial(_refuse, plan, dry_run=dry_run)
    wants = [flag for flag, on in (("--commit", commit), ("--tag", tag), ("--push", push)) if on]
    if not git.is_repo(root):
        if wants:
            refuse(
                f"{root} is not a git repository, so {'/'.join(wants)} cannot run (bump "
                f"commits its edits by default); make it one first ({FIRST_COMMIT}), or pass "
                "--no-commit to only edit the files",
            )
        if vcs:
            raise GitError(
                f"{vcs[0].pyproject}: the version of {vcs[0].name} comes from git tags but "
                f"{root} is not a git repository; run `git init` first"
            )
        return False
    plan.repo = git.toplevel(root)
    if git.head(root) is None and (wants or vcs):
        refuse(
            f"{root}: the repository has no commit yet, so bump would make a first commit "
            "holding only its version files; commit your project first: "
            f"{FIRST_COMMIT.removeprefix('git init && ')}",
        )
    busy = git.in_progress(root) if wants else None
    if busy is not None:  # --allow-dirty/--allow-detached cannot make such a commit right
        refuse(f"{root}: {busy}; then bump")
    if (locked := git.index_lock(root) if commit else None) is not None:  # git add would fail
        refuse(locked)
    if (commit or tag) and any(git.run(root, "var", i).returncode for i in git.IDENTS):
        refuse(f"{root}: {NO_IDENTITY}")  # git's own message has no fix
    dirty = [] if options.allow_dirty else git.dirty_files(root)
    if dirty:
        refuse(
            f"{root}: tracked files have uncommitted changes ({shortlist(dirty)}); commit or "
            "stash them, or pass --allow-dirty",
        )
    if (commit or tag) and not options.allow_detached and git.current_branch(root) is None:
        flags = "/".join(flag for flag in wants if flag != "--push")
        refuse(
            f"{root}: HEAD is detached (no branch is checked out), so {flags} would make a "
            "commit or tag no branch holds; check out a branch (git switch -c NAME), or pass "
            "--allow-detached if this is intended",
        )
    return True


def _refuse_other_repositories(plan: BumpPlan, dry_run: bool) -> None:
    """Refuse an edit in another git repository below this one (a submodule, a nested clone)."""
    assert plan.repo is not None
    tops: dict[Path, Path] = {}  # each edited folder -> its repository's top, resolved
    repo = plan.repo.resolve()
    looked: dict[Path, bool] = {}  # each directory between: whether a .git lies there
    resolve = Path.resolve
    for edit in plan.edits:
        folder = edit.path.parent
        if folder not in tops and _no_git_between(folder, repo, looked, resolve):
            tops[folder] = repo  # git would name the repository's own top
        elif folder not in tops:
            found = git.toplevel(folder) if git.is_repo(folder) else plan.repo
            tops[folder] = found.resolve()
        if tops[folder] != repo:
            where = relative(tops[folder], repo)
            _refuse(
                plan,
                f"{edit.path}: is in {where}, a git repository of its own (a submodule?), so "
                "the bump's commit cannot hold it; release that package from its own "
                f"repository (relnox in {where}), or leave it out of this bump with --package",
                dry_run,
            )
            return


def _no_git_between(
    folder: Path, repo: Path, looked: dict[Path, bool], resolve: Callable[[Path], Path]
) -> bool:
    """Whether ``folder`` lies in ``repo`` with no ``.git`` in it or between."""
    try:
        parts = resolve(folder).relative_to(repo).parts
    except (OSError, ValueError):
        return False
    here = repo
    for part in parts:
        if (here := here / part) not in looked:
            looked[here] = os.path.lexists(here / ".git")
        if looked[here]:
            return False
    return True


def _tag_annotations(
    plan: BumpPlan, selected: Sequence[Package], tagged: Sequence[Package]
) -> dict[str, str]:
    """Each new tag and its message; a tag that exists already is refused."""
    workspace, root = plan.workspace, plan.workspace.root
    annotations: dict[str, str] = {}
    for pkg in tagged:
        if workspace.carrier(pkg, tagged) is not None:
            continue  # released under that package's tag, as its releases were
        new = plan.versions[pkg.name][1]
        if (name := workspace.tag_for(pkg, new)) in annotations:
            continue
        git.check_tag_name(root, name)
        if git.tag_exists(root, name):
            raise GitError(
                f"tag {name!r} already exists (for {pkg.name} {new}); choose another "
                f"version with --to, or delete the tag with `git tag -d {name}`"
            )
        shared = [p for p in selected if workspace.tag_for(p, plan.versions[p.name][1]) == name]
        lockstep_tag = len(shared) > 1 or len(workspace.packages) == 1
        annotations[name] = f"Release {new if lockstep_tag else f'{pkg.project_name} {new}'}"
    return annotations


def _git_actions(
    plan: BumpPlan, selected: Sequence[Package], annotations: dict[str, str], options: BumpOptions
) -> None:
    workspace, sign = plan.workspace, options.sign
    fields = _summary(selected, plan.versions)
    template = options.message or workspace.config.commit_message
    try:
        text = template.format(**fields)
    except (KeyError, IndexError, ValueError) as exc:
        raise ConfigError(
            f"commit message template {template!r} is invalid ({exc!r}); use only "
            "{summary} and {version}, e.g. 'Release {summary}'"
        ) from None
    text += "" if options.message else _body(selected, plan.versions)
    if options.commit and plan.edits and plan.repo is not None:
        paths = [relative(edit.path, plan.repo) for edit in plan.edits]
        plan.actions.append(GitAction("add", ("add", "--", *paths)))
        plan.actions.append(
            GitAction("commit", ("commit", *(["-S"] if sign else []), "-m", text, "--", *paths))
        )
    flag = "-s" if sign else "-a"
    for name, annotation in annotations.items():
        plan.actions.append(GitAction("tag", ("tag", flag, "-m", annotation, "--", name), tag=name))
    if options.push:
        # the branch with the first tags in one atomic push, the rest at most three a push:
        # GitHub starts no tag-triggered workflow for a push of more than three tags
        refs = [f"refs/tags/{name}" for name in plan.tags]
        first, *rest = git.tag_batches(refs)
        plan.actions.append(GitAction("push", ("push", "--atomic", "--", "origin", "HEAD", *first)))
        for batch in rest:
            plan.actions.append(GitAction("push", ("push", "--", "origin", *batch)))
