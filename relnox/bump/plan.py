"""Plan every edit and git action of a bump, every precondition checked before a byte is written."""

from __future__ import annotations

import contextlib
import functools
import logging
import os
from collections.abc import Callable, Mapping, Sequence
from datetime import date
from pathlib import Path

from relnox.bump.changelog import changelog_edits
from relnox.bump.model import BumpOptions, BumpPlan, FileEdit, GitAction
from relnox.bump.switcher import switcher_edits
from relnox.errors import (
    ConfigError,
    GitError,
    UnknownChoice,
    VersionError,
    did_you_mean,
    shortlist,
)
from relnox.paths import rel as relative
from relnox.paths import written_path
from relnox.project.cargolock import crates_of, lock_for, update_cargo_lock
from relnox.project.moved_with import copies_moved
from relnox.project.package_load import docs_at_release
from relnox.project.pins import (
    move_named_pin,
    pin_rule,
    raise_floor,
    read_histories,
    rewrite_cfg_line,
    rewrite_line,
    rewrite_requirement,
)
from relnox.project.selection import Rule, select_packages
from relnox.project.uvlock import NOT_IN_STEP, left_at_releases, locked_versions, update_uv_lock
from relnox.project.workspace import Package, Workspace
from relnox.report import MANY
from relnox.tools import git
from relnox.versions.arithmetic import PARTS, PRE_LABELS, maybe_version, parse_version, same_version
from relnox.versions.next import next_versions
from relnox.versions.next_checks import refuse_downgrades, refuse_released, stamped_reading
from relnox.versions.sources import VersionLocation, read_text, set_string

logger = logging.getLogger("relnox")


def _same_new(loc: VersionLocation, first: tuple[str, str], second: tuple[str, str]) -> None:
    """Two packages that read one version place must get one new version."""
    if first[1] != second[1]:
        raise ConfigError(
            f"{loc.path}: {first[0]} and {second[0]} both take their version from it, so they "
            f"cannot become {first[1]} and {second[1]}; bump them to one version (pass "
            f"--package {first[0]} --package {second[0]}), or give each its own version file"
        )


def _made_already(
    loc: VersionLocation,
    new: str,
    files: Files,
    shared: Mapping[Path, list[tuple[tuple[object, ...], tuple[str, str]]]],
    name: str,
) -> bool:
    """Whether another package's edit of the same file already made this one (one line read
    two ways; ``shared``: the places planned so far, by file)."""
    path = Path(os.path.normpath(loc.path))
    if not (others := [(place, by) for place, by in shared.get(path, ()) if by[0] != name]):
        return False
    files.get(loc.path)  # read once; then the file as it was read, with only this edit
    original = files.original[loc.path].decode("utf-8")
    try:
        alone = loc.render(original, new)
    except VersionError:
        return False
    # made if each line this edit changes the file as planned changed alike (the other's
    # edit rewrote every line saying the version, this one's line among them)
    lines = [text.splitlines() for text in (original, alone, files.get(loc.path))]
    if len({len(each) for each in lines}) > 1:
        return False
    if any(mine != now for was, mine, now in zip(*lines, strict=True) if mine != was):
        return False
    _same_new(loc, others[0][1], (name, new))
    return True


class Files:
    """The current text of every file the plan touches, edited in memory."""

    def __init__(self) -> None:
        self.original: dict[Path, bytes] = {}
        self.text: dict[Path, str] = {}
        self.toml: dict[Path, list[tuple[Sequence[str | int], str, str]]] = {}

    def get(self, path: Path) -> str:
        if path not in self.text:  # read once: the bytes are the text's (UTF-8, as read)
            self.text[path] = read_text(path)
            self.original[path] = self.text[path].encode("utf-8")
        return self.text[path]

    def set(self, path: Path, text: str) -> None:
        self.get(path)
        self.text[path] = text

    def set_toml(self, path: Path, key: Sequence[str | int], value: str, old: str) -> None:
        """Queue a string of a TOML file; :meth:`flush_toml` parses each file once."""
        self.get(path)  # files keep the order in which the plan first touches them
        self.toml.setdefault(path, []).append((key, value, old))

    def flush_toml(self) -> None:
        import tomlkit

        for path, changes in self.toml.items():
            doc = tomlkit.parse(self.get(path))
            for key, value, old in changes:
                found = set_string(doc, key, value)
                if found not in (old, value):  # value: another edit of the bump made it
                    raise ConfigError(
                        f"{path}: {old!r} is no longer at {'.'.join(map(str, key))} "
                        f"(found {found!r}); rerun the bump"
                    )
            self.set(path, tomlkit.dumps(doc))
        self.toml.clear()

    def edits(self, top: Path) -> list[FileEdit]:
        """The files to write; a link as its target (what git commits), inside ``top``."""
        found: dict[Path, FileEdit] = {}
        real_top = top.resolve()  # once, not once a file
        resolve = Path.resolve
        for path, text in self.text.items():
            if (after := text.encode("utf-8")) != self.original[path]:
                target = written_path(path, top, real_top, resolve)
                if target in found and found[target].after == after:
                    continue  # one file reached through a linked directory, edited alike
                if target in found:
                    raise ConfigError(
                        f"{path}: a symbolic link to {target}, which the bump also edits as "
                        "another version source; name that file once in the settings"
                    )
                found[target] = FileEdit(target, self.original[path], after)
        return list(found.values())


def _written_places(pkg: Package) -> tuple[VersionLocation, ...]:
    """The places of ``pkg`` a bump writes: all of them, but a placeholder stamped at build
    time and the copies saying it (a module's ``__version__`` saying the releases moves)."""
    if not pkg.stamped:
        return pkg.locations
    return tuple(loc for loc in pkg.secondaries if not same_version(loc.value, pkg.version))


def _update_cargo_locks(
    workspace: Workspace,
    selected: Sequence[Package],
    versions: Mapping[str, tuple[str, str]],
    files: Files,
) -> None:
    """The ``Cargo.lock`` entry of every crate whose manifest version the bump edits (not a
    placeholder stamped at build time: it stays in its manifest, and so in the lock)."""
    per_lock: dict[Path, dict[str, tuple[str, str]]] = {}
    for pkg in selected:
        new = versions[pkg.name][1]
        for loc in () if pkg.stamped else pkg.locations:
            crates = crates_of(loc)
            lock = lock_for(loc.path, workspace.root) if crates else None
            if lock is not None:
                for crate in crates:
                    per_lock.setdefault(lock, {})[crate] = (loc.value, loc.spell(new))
    for lock, moves in per_lock.items():
        files.set(lock, update_cargo_lock(files.get(lock), moves))


def _rewrite_dependents(
    workspace: Workspace,
    versions: Mapping[str, tuple[str, str]],
    files: Files,
    notes: list[str],
) -> list[tuple[str, str]]:
    """``(dependent, line)`` of each requirement its pin rule rewrites; one kept: in ``notes``."""
    lines = []
    tagged = any(pkg.tags and pkg.tags.released for pkg in workspace.packages)
    # the files at the tags the rules read, through one process (none read without tags)
    with git.held(workspace.root) if tagged else contextlib.nullcontext():
        followed = [req for pkg in workspace.packages for req in pkg.requirements]
        read_histories(workspace, [r for r in followed if r.target in versions and r.key])
        for pkg in workspace.packages:
            for req in pkg.requirements:
                if req.target not in versions or not req.key:
                    continue
                new = parse_version(versions[req.target][1])
                where = f"{req.path} [{'.'.join(str(k) for k in req.key[:-1])}]"
                rewritten = rewrite_requirement(req.text, req.style, new, where)
                rule, why = pin_rule(workspace, req) if req.style == "pep508" else ("admit", "")
                if rule == "raise":
                    rewritten = raise_floor(req.text, new, where) or rewritten
                elif rule == "keep" and rewritten is not None:
                    notes.append(
                        f"note: {pkg.name} keeps {req.text} (pin rule keep: {why}), not {rewritten}"
                    )
                    continue
                if rewritten is None:
                    continue
                path, text = str(req.path), files.get(req.path)
                if req.in_lines:
                    files.set(
                        req.path, rewrite_line(text, int(req.key[1]), req.text, rewritten, path)
                    )
                elif req.in_setup_cfg:
                    files.set(req.path, rewrite_cfg_line(text, req.key, req.text, rewritten, path))
                else:
                    files.set_toml(req.path, req.key, rewritten, req.text)
                old, moved = versions[req.target]
                modules = dict.fromkeys(loc.path for loc in pkg.locations if loc.kind == "python")
                for module in modules:
                    text = files.get(module)
                    if (kept := move_named_pin(text, req.target, old, moved)) != text:
                        files.set(module, kept)
                        said = f"{moved} (was {old}) in {relative(module, workspace.root)}"
                        lines.append((pkg.name, f"{pkg.name} says {req.target} {said}"))
                rel = relative(req.path, workspace.root)
                named = f"{req.target} " if req.style == "poetry" else ""
                said = f"{named}{rewritten} (was {named}{req.text}) in {rel}"
                said += f" (pin rule {rule}: {why})" if rule != "admit" else ""
                lines.append((pkg.name, f"{pkg.name} requires {said}"))
    return lines


def _with_moved_pins(
    workspace: Workspace, versions: dict[str, tuple[str, str]]
) -> tuple[Package, ...]:
    """``--changed``: a dependent whose pin must move gets a patch release too (in place)."""
    while True:
        moved = {name for name, _ in _rewrite_dependents(workspace, versions, Files(), [])}
        grown = {q.name for name in moved for q in workspace.group_of(workspace.get(name))}
        if not (added := grown - set(versions)):
            return tuple(p for p in workspace.packages if p.name in versions)
        extra = tuple(p for p in workspace.packages if p.name in added)
        versions.update(next_versions(workspace, extra, "patch", None, None, date.today()))


def _check_request(options: BumpOptions) -> None:
    """A part, a pre-release label or a --to that is none of the choices: a usage error."""
    part, to, pre = options.part, options.to, options.pre
    if part is not None and part not in PARTS:
        raise UnknownChoice(
            f"unknown part {part!r}; {did_you_mean(part, PARTS)}use one of {', '.join(PARTS)}"
        )
    if part is None and to is None and pre is None and not options.parts:
        raise UnknownChoice(
            "nothing to bump to: give --part (major, minor, patch, pre, release, post, dev) "
            "or --to VERSION"
        )
    if pre is not None and pre.lower() not in PRE_LABELS:
        raise UnknownChoice(
            f"unknown pre-release label {pre!r}; {did_you_mean(pre.lower(), PRE_LABELS)}"
            "use one of alpha, beta, rc"
        )
    if to is not None:
        try:
            parse_version(to, "--to")
        except VersionError as exc:
            raise UnknownChoice(str(exc)) from None


def _one_to(workspace: Workspace, selected: Sequence[Package], options: BumpOptions) -> None:
    """``--to`` with no package named moves several only when one group or at one version."""
    if options.to is None or options.packages or len(selected) < 2:
        return
    by: dict[str, list[str]] = {}  # 1.7.0: a, b and 69 more; 0.3.0: c
    for pkg in selected:
        by.setdefault(pkg.version, []).append(pkg.name)
    if len(by) > 1 and len({workspace.group_of(p)[0].name for p in selected}) > 1:
        raise UnknownChoice(
            f"--to {options.to} would move every package to it, and they are at different "
            f"versions ({'; '.join(f'{v}: {shortlist(n)}' for v, n in by.items())}); name "
            f"the ones that move with --package (-p), e.g. relnox bump -p {selected[0].name} "
            f"--to {options.to}"
        )


def _without_refused(
    workspace: Workspace,
    selected: Sequence[Package],
    versions: dict[str, tuple[str, str]],
    failed: dict[str, VersionError],
    notes: list[str],
) -> tuple[Package, ...]:
    """``selected`` less the groups whose next version ``failed`` or is refused (said in
    ``notes``, dropped from ``versions``); none left: the first error."""
    out = dict(failed)
    for pkg in (p for p in selected if p.name not in out):  # a group once
        try:
            refuse_released(workspace, pkg, versions[pkg.name][1])
        except VersionError as exc:
            out.update((p.name, exc) for p in workspace.group_of(pkg) if p.name not in out)
    left: dict[VersionError, list[str]] = {}  # one warning a cause: a group, named whole
    for name, why in out.items():
        left.setdefault(why, []).append(name)
    notes += [
        f"warning: {shortlist(names)} {'is' if len(names) == 1 else 'are'} left out of this "
        f"bump: {why}"
        for why, names in left.items()
    ]
    if out and set(versions) <= set(out):
        raise next(iter(out.values()))
    for name in out:
        versions.pop(name, None)
    return tuple(p for p in selected if p.name not in out)


def plan_bump(workspace: Workspace, options: BumpOptions) -> BumpPlan:
    part, to, pre, changed_only = options.part, options.to, options.pre, options.changed_only
    _check_request(options)
    if changed_only or options.tag:
        workspace.require_history("bump --changed" if changed_only else "bump --tag")
    elif to is None:  # relnox picks the version: never one already tagged, never below
        workspace.require_history(f"bump --{'part' if part is not None else 'pre'}")
    selection = select_packages(workspace, options.packages, changed=changed_only, rule=Rule.BUMP)
    selected, moved = selection.packages, list(selection.notes)
    _one_to(workspace, selected, options)
    today = options.today or date.today()
    stepped: list[str] = []
    passes = {part: selected}
    if options.parts:  # each package its own part (relnox.release.intent): one pass a part
        selected = tuple(p for p in workspace.packages if p.name in options.parts)
        parts = options.parts
        passes = {e: tuple(p for p in selected if parts[p.name] == e) for e in parts.values()}
    alone = not options.packages and len(selected) > 1  # one package's problem blocks no other
    failed: dict[str, VersionError] | None = {} if alone else None
    versions: dict[str, tuple[str, str]] = {}
    for each, chosen in passes.items():
        versions.update(next_versions(workspace, chosen, each, to, pre, today, stepped, failed))
    if (changed_only or options.parts) and versions:
        selected = _with_moved_pins(workspace, versions)
    if failed is not None:
        selected = _without_refused(workspace, selected, versions, failed, moved)
    backports = refuse_downgrades(workspace, selected, versions)
    plan = BumpPlan(workspace=workspace, versions=versions)
    plan.notes += moved + stepped + backports
    plan.notes += dict.fromkeys(f"note: {n}" for name, n in workspace.moved if name in versions)
    if not selected:  # --changed and nothing changed: nothing to do
        return plan
    files = Files()
    shared: dict[tuple[object, ...], tuple[str, str]] = {}  # a place -> its new version, by whom
    by_file: dict[Path, list[tuple[tuple[object, ...], tuple[str, str]]]] = {}  # the same
    for pkg in selected:
        new = versions[pkg.name][1]
        target = maybe_version(new)
        copies, why = copies_moved(workspace, pkg, target)  # other files the history moved
        if pkg.bumped_by_tag:
            plan.notes.append(
                f"note: {pkg.name} is versioned by git tags; its bump is the tag "
                f"{workspace.tag_for(pkg, new)}"
                + ("" if copies or _written_places(pkg) else "; no file holds its version")
            )
        stamped = stamped_reading(workspace, pkg) if options.to is None else None
        if stamped is not None:
            plan.notes.append(f"note: {pkg.name}: {stamped}")
        for loc in pkg.drift:
            if target is not None and docs_at_release(loc, target):
                continue  # the docs stay, as a note below says
            plan.notes.append(
                f"note: {relative(loc.path, workspace.root)} of {pkg.name} set to "
                f"{loc.spell(new)} (was {loc.value}, out of step with {pkg.version})"
            )
        plan.notes += [f"note: {why}"] if why and f"note: {why}" not in plan.notes else []
        for loc in (*_written_places(pkg), *copies):
            if target is not None and docs_at_release(loc, target):
                where = relative(loc.path, workspace.root)
                plan.notes.append(
                    f"note: {where} stays at {loc.value}: the docs show the last release"
                )
                continue
            place = (Path(os.path.normpath(loc.path)), loc.kind, loc.key, loc.pattern)
            if place in shared:  # a file two packages read (a sibling's version.py)
                _same_new(loc, shared[place], (pkg.name, new))
                continue
            shared[place] = (pkg.name, new)
            by_file.setdefault(place[0], []).append((place, shared[place]))
            if loc.kind == "toml":  # one tomlkit round trip per file, with the rewrites
                files.set_toml(loc.path, loc.key, loc.spell(new), loc.value)
            elif not _made_already(loc, new, files, by_file, pkg.name):
                files.set(loc.path, loc.render(files.get(loc.path), new, today))
    rewritten = _rewrite_dependents(workspace, versions, files, plan.notes)
    plan.rewrites = [line for _, line in rewritten]
    for dependent in dict.fromkeys(name for name, _ in rewritten if name not in versions):
        plan.notes.append(
            f"note: {dependent} is not bumped but its requirement changed; release it too "
            f"(relnox bump --package {dependent} --part patch) so users get the new pin"
        )
    files.flush_toml()
    _update_cargo_locks(workspace, selected, versions, files)
    # a placeholder the build stamps stays in its file, and so in the lock that follows it
    stays = {p.name for p in selected if p.stamped}
    pep440 = {
        n: (old, str(parse_version(new))) for n, (old, new) in versions.items() if n not in stays
    }
    for lock in workspace.uv_locks if versions else ():
        text = files.get(lock)
        behind: list[str] = []
        held = locked_versions(text)
        in_step = [
            p
            for p in selected
            if p.name in versions and same_version(held.get(p.name), versions[p.name][0])
        ]
        left = left_at_releases(workspace, lock, in_step)
        moving = {name: step for name, step in pep440.items() if name not in left}
        files.set(lock, update_uv_lock(text, moving, behind))  # unchanged: no edit
        said = [f"holds {', '.join(behind)}, behind the package"] if behind else []
        said += [f"held {', '.join(left.values())}, behind each release"] if left else []
        if said:
            plan.notes.append(
                f"note: {relative(lock, workspace.root)} {'; '.join(said)}: {NOT_IN_STEP}"
            )
    plan.notes = changelog_edits(workspace, selected, versions, files, today) + plan.notes
    plan.notes += switcher_edits(workspace, selected, versions, files)
    top = git.top_of(workspace.root) or workspace.root
    plan.edits = files.edits(top)
    git_plan(plan, selected, options)
    for name, (old, new) in versions.items():
        logger.debug("bump plan: %s %s -> %s", name, old, new)
    return plan


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
