"""The stages of the release, each a :class:`Step`: what it does (``act``) and what it
would do (``preview``, the ``--dry-run`` lines). Each calls its stage's ``plan`` then
``run`` and recognises work a rerun finds finished (state file, manifest, index, git)."""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import partial

from relnox.artifacts.manifest import ensure_state_dir, manifest_path, read_manifest
from relnox.atomic import write_atomic
from relnox.builds import STAGE as BUILD
from relnox.builds import BuildOptions
from relnox.bump import STAGE as BUMP
from relnox.bump import BumpOptions, BumpPlan
from relnox.errors import RelnoxError
from relnox.guards import AUDIT_STAGE, SKEW_STAGE, AuditOptions, SkewOptions, check_bump
from relnox.guards import enabled as api_enabled
from relnox.paths import rel
from relnox.project.discovery import load_workspace
from relnox.publish import STAGE as PUBLISH
from relnox.publish import PublishOptions, PublishResult
from relnox.redact import redact_url
from relnox.release.doctor import doctor
from relnox.release.doctor_package import Check
from relnox.release.model import (
    Outcome,
    ReleaseError,
    ReleaseRun,
    State,
    build_outdated,
    stage_fingerprint,
)
from relnox.release.resume import bump_request, bumped_before
from relnox.release.tagging import TagOptions, apply_tags, plan_tags
from relnox.report import MANY, move_lines, package_folders, shared_findings, version_moves
from relnox.stage import Result, StageStatus
from relnox.tools import git
from relnox.tools.network import network_settings
from relnox.verify import STAGE as VERIFY
from relnox.verify import VerifyOptions

logger = logging.getLogger("relnox")

DONE, ALREADY_DONE, SKIPPED = StageStatus.DONE, StageStatus.ALREADY_DONE, StageStatus.SKIPPED
AUDIT_RECORD = "audit.md"  # the audit's table, a release record for the GitHub release


@dataclass(frozen=True)
class Preview:
    """What the dry run knows: the versions before and after the bump, the bump's plan."""

    now: Mapping[str, str]
    after: Mapping[str, str]
    bump: BumpPlan | None
    bumped: str | None = None  # what the unfinished release's bump did (a rerun)

    def releases(self, run: ReleaseRun) -> str:
        packages = [p for p in run.workspace.packages if p.name in self.after]
        return _versions_text({p.name: self.after[p.name] for p in packages})


@dataclass(frozen=True)
class Step:
    name: str
    act: Callable[[ReleaseRun], Outcome]
    preview: Callable[[ReleaseRun, Preview], list[str]]


def bump_options(run: ReleaseRun) -> BumpOptions:
    o = run.options
    return BumpOptions(
        part=o.part,
        to=o.to,
        pre=o.pre,
        packages=run.names if o.changed else o.packages,
        changed_only=o.changed,  # and the dependents whose pins must move
        commit=git.is_repo(run.workspace.root),
        allow_dirty=o.allow_dirty,
        allow_detached=o.allow_detached,
    )


def _doctor(run: ReleaseRun) -> Outcome:
    report = doctor(run.workspace.root, packages=run.names, workspace=run.workspace)
    bumps = run.options.bumps and "bump" not in run.options.skip
    repaired = [c for c in report.errors if bumps and c.bump_fixes]  # the next stage's work
    errors = [c for c in report.errors if c not in repaired]
    top = f"{run.workspace.root}{os.sep}"  # paths said from the workspace (a clone goes)

    def said(check: Check) -> str:
        return f"{check.check}: {check.detail.replace(top, '')}"

    if errors:
        problems = "\n".join(f"  {said(c)}" for c in errors)
        raise ReleaseError(
            f"doctor found {len(errors)} problem(s) (relnox doctor lists them):\n{problems}"
        )
    warnings = [f"{said(c)} (this release's bump repairs it)" for c in repaired]
    warnings += [said(c) for c in report.warnings]
    folders = package_folders(run.workspace)
    for shared in shared_findings(warnings, run.names, folders):  # a warning many share: once
        text = shared.template if shared.packages else shared.lines()[0]
        run.result.warnings.append({"warning": text, "packages": list(shared.packages)})
        for line in shared.lines():
            logger.warning("doctor warning: %s%s", line, " (-v for names)" if shared.many else "")
        if shared.many:
            logger.debug("  %s", ", ".join(shared.packages))
    checks = shared_findings((c.check for c in report.warnings), run.names, folders)
    shown = ": " + "; ".join(x for s in checks for x in s.lines()) if checks else ""
    return DONE, f"{len(report.checks)} checks, {len(report.warnings)} warning(s){shown}"


def _bump(run: ReleaseRun) -> Outcome:
    if not run.options.bumps:
        for line in _dev_builds(run):
            logger.warning("%s", line.removeprefix("warning: "))
        return SKIPPED, "no --part/--to given: releasing the current versions"
    if (record := run.state.open_bump) is not None and bumped_before(run) is not None:
        _release_what_it_moved(run, record["from"])
        versions = "versions " + _versions_text(run.versions())
        commit = f", commit {record['commit'][:12]}" if record.get("commit") else ""
        return ALREADY_DONE, f"{versions} (bumped by {record['request']}{commit})"
    if record is None and run.state.done("bump"):  # an older relnox's
        return ALREADY_DONE, "versions " + _versions_text(run.versions())
    with git.held(run.workspace.root):  # the plan is a read: tags and files read once
        plan = BUMP.plan(run.workspace, bump_options(run))
        if api_enabled(run.workspace):  # [tool.relnox] check-api: before any file is written
            check_bump(run.workspace, plan.versions)
    record = {
        "request": bump_request(run.options),
        "from": {n: old for n, (old, _) in plan.versions.items()},
        "to": {n: new for n, (_, new) in plan.versions.items()},
        "commit": None,  # a bump cut off between its commit and this record is still known
    }
    run.state.record_bump(record)
    applied = BUMP.run(plan, run.runtime)
    run.workspace = load_workspace(run.root)
    _release_what_it_moved(run, {name: old for name, (old, _) in applied.versions.items()})
    run.state = State(run.dist_dir, run.versions(), run.workspace.root)
    run.state.record_bump({**record, "commit": applied.commit})
    run.state.mark("bump")
    changes = version_moves(applied.versions)  # a lockstep group is one "72 packages ..."
    extra = f"; {len(applied.rewrites)} requirement(s) rewritten" if applied.rewrites else ""
    commit = f"; commit {applied.commit[:12]}" if applied.commit else ""
    return DONE, changes + extra + commit


def _release_what_it_moved(run: ReleaseRun, moved_from: Mapping[str, str]) -> None:
    """Every package the bump moved is released (a dependent whose pin moved, a tag sharer)."""
    moved = set(run.names) | set(moved_from)
    run.names = tuple(p.name for p in run.workspace.packages if p.name in moved)
    for name, old in moved_from.items():
        run.result.previous.setdefault(name, old)


def _build(run: ReleaseRun) -> Outcome:
    if (outdated := build_outdated(run.workspace, run.names, run.dist_dir)) is None:
        return ALREADY_DONE, f"{manifest_path(run.dist_dir)} is current and intact"
    options = BuildOptions(
        packages=run.names,
        jobs=run.options.jobs,
        out=run.dist_dir if run.options.dist_dir else None,
    )
    built = BUILD.run(BUILD.plan(run.workspace, options), run.runtime)
    built.raise_for_failures()
    files = [f for o in built.built if o.record for f in o.record.files]
    done = f"{len(files)} files of {len(built.built)} package(s) in {built.seconds:.1f}s"
    first = not manifest_path(run.dist_dir).is_file() or outdated.startswith("no usable")
    return DONE, done if first else f"{done} (rebuilt: {outdated})"


def _verify(run: ReleaseRun, index: str | None) -> Outcome:
    """The release installs and works: from dist/ (``index`` None) or from the test index."""
    stage = "verify" if index is None else "verify-test"
    fingerprint = _verify_fingerprint(run, index)
    if run.state.done(stage, fingerprint):
        return ALREADY_DONE, "verified before for this build"
    # checked from dist/ before: a round from an index proves only what it adds
    checked = index is not None and run.state.done("verify", _verify_fingerprint(run, None))
    o = run.options
    options = VerifyOptions(
        packages=run.names,
        dist_dir=run.dist_dir,
        index=index,
        extra_index=o.extra_index if index else None,
        offline=o.offline and index is None,
        wait=o.wait,
        extras=o.extras,
        checked_before=checked,
    )
    report = VERIFY.run(VERIFY.plan(run.workspace, options), run.runtime)
    if not report.ok:  # the listing goes to the stage's log; the error says why
        raise ReleaseError(report.closing(), "\n".join(report.describe()))
    run.state.mark(stage, fingerprint)
    took = f"in {report.seconds:.1f}s{report.skipped_note()}"
    return DONE, f"{len(report.checked)} package(s) installed and checked {took}"


def _verify_fingerprint(run: ReleaseRun, index: str | None) -> str:
    o = run.options
    extra = redact_url(o.extra_index) if index and o.extra_index else None
    settings = (o.extras, o.offline and index is None, extra, sorted(run.names))
    return stage_fingerprint(run.dist_dir, index, *settings)


def _publish(run: ReleaseRun, stage: str) -> Outcome:
    o = run.options
    test = stage == "publish-test"
    repository = o.test_repository if test else o.repository
    real = None if o.stand_ins is None else o.stand_ins[0 if test else 1]
    options = PublishOptions(
        repository=repository, packages=run.names, dist_dir=run.dist_dir, stands_in_for=real
    )
    published = PUBLISH.run(PUBLISH.plan(run.workspace, options, run.runtime), run.runtime)
    raise_for_uploads(published)
    run.result.uploads[stage] = list(published.uploaded)
    where = published.repository.label
    if not published.uploaded:
        return ALREADY_DONE, f"all {len(published.skipped)} file(s) already on {where}"
    uploaded, skipped = len(published.uploaded), len(published.skipped)
    return DONE, f"{uploaded} uploaded to {where}, {skipped} already there"


def _tag(run: ReleaseRun) -> Outcome:
    root, push = run.workspace.root, run.options.push
    if not git.is_repo(root):
        return SKIPPED, "not a git repository"
    _check_built_from_head(run)
    plan = plan_tags(run.workspace, _tag_options(run))
    branch = git.current_branch(root)
    if push and branch:
        stall = network_settings(run.workspace.config).stall
        git.push(root, "origin", f"HEAD:refs/heads/{branch}", stall=stall)
    apply_tags(plan, run.runtime)
    run.result.tags = [a.tag for a in plan.actions]
    # a detached HEAD has no branch to push (it pushed one named HEAD): the tags hold it
    pushed = " (pushed with the branch)" if branch else " (pushed; detached HEAD: no branch)"
    summary = plan.summary()
    made = [a.tag for a in plan.to_create]
    if len(made) >= MANY and len(made) == len(plan.actions):  # many: counted, two named
        summary = f"created {len(made)} tags ({made[0]} ... {made[-1]})"
    return (DONE if plan.to_create else ALREADY_DONE), summary + (pushed if push else "")


def _tag_options(run: ReleaseRun) -> TagOptions:
    return TagOptions(
        missing=True,
        packages=run.names,
        push=run.options.push,
        allow_dirty=True,
        allow_detached=True,
    )


def _check_built_from_head(run: ReleaseRun) -> None:
    """The tags go on HEAD: refused when the files released were built from another commit."""
    try:
        built = read_manifest(run.dist_dir).git_commit
    except RelnoxError:
        return  # files relnox did not build (--dist of another tool): nothing to compare
    head = git.head(run.workspace.root)
    if built and head and built != head:
        raise ReleaseError(
            f"the files released from {run.dist_dir} were built from commit {built[:12]}, "
            f"not HEAD ({head[:12]}); tagging HEAD would name a commit that was not released: "
            f"check out {built[:12]} and run the release again (the uploads are recognised), "
            "or tag it by hand"
        )


def _skew(run: ReleaseRun) -> Outcome:
    """The published versions of the dependents, installed with the new release."""
    o = run.options
    if "publish" in o.skip:
        return SKIPPED, "publish is skipped: nothing new reaches the index"
    extra = redact_url(o.extra_index) if o.extra_index else None
    settings = (o.skew_depth, sorted(o.accept_skew), extra, sorted(run.names))
    fingerprint = stage_fingerprint(run.dist_dir, o.repository, *settings)
    if run.state.done("skew", fingerprint):
        return ALREADY_DONE, "checked before for this build"
    options = SkewOptions(
        index=o.repository,
        packages=run.names,
        dist_dir=run.dist_dir,
        depth=o.skew_depth,
        accept=o.accept_skew,
        extra_index=o.extra_index,
    )
    report = SKEW_STAGE.run(SKEW_STAGE.plan(run.workspace, options), run.runtime)
    run.result.guards["skew"] = report.to_json()
    _raise_for_failures(report)
    run.state.mark("skew", fingerprint)
    accepted = [r.case.key for r in report.accepted]
    shown = f"; accepted: {', '.join(accepted)}" if accepted else ""
    return DONE, report.summary() + shown


def _audit(run: ReleaseRun) -> Outcome:
    """What the index serves now: every file, its sha256, provenance, project status."""
    o = run.options
    if "publish" in o.skip:
        return SKIPPED, "publish is skipped: nothing was released to audit"
    options = AuditOptions(
        repository=o.repository,
        packages=run.names,
        dist_dir=run.dist_dir,
        integrity_url=o.integrity_url,
        wait=o.wait if o.wait is not None else 60.0,
    )
    report = AUDIT_STAGE.run(AUDIT_STAGE.plan(run.workspace, options), run.runtime)
    run.result.guards["audit"] = report.to_json()
    record = ensure_state_dir(run.dist_dir) / AUDIT_RECORD
    write_atomic(record, report.markdown(), through_link=False)
    _raise_for_failures(report)
    checks = f"{len(report.findings)} checks on {report.repository.label} passed"
    return DONE, f"{checks}; record: {rel(record, run.workspace.root)}"


def raise_for_uploads(published: PublishResult) -> None:
    if published.error or published.failed:
        raise ReleaseError(published.error or f"upload failed: {', '.join(published.failed)}")


def _raise_for_failures(report: Result) -> None:
    """A guard that failed stops the release with its closing message, then its report."""
    try:
        report.raise_for_failures()
    except RelnoxError as failed:
        raise ReleaseError("\n".join([failed.message, *report.describe()])) from None


def _versions_text(versions: Mapping[str, str]) -> str:
    return version_moves({n: (v, v) for n, v in versions.items()})


def _preview_bump(run: ReleaseRun, preview: Preview) -> list[str]:
    bump = preview.bump
    if preview.bumped is not None:
        return [f"already done: {preview.bumped}"]
    if bump is None:
        return ["no --part/--to given: releasing the current versions", *_dev_builds(run)]
    lines = move_lines(bump.versions)  # a lockstep group is one "72 packages ..." line
    files = [rel(path, run.workspace.root) for path in bump.files]
    if len(files) >= MANY:  # relnox bump --dry-run shows each
        lines.append(f"edit {len(files)} files ({files[0]}, ...; relnox bump --dry-run shows each)")
    else:
        lines += [f"edit {path}" for path in files]
    return lines + [a.describe() for a in bump.actions] + list(bump.notes)


def _dev_builds(run: ReleaseRun) -> list[str]:
    """A warning for each package versioned by its tags whose last tag is not on HEAD: with no
    bump, its build is a development version (the one its backend computes past the tag)."""
    ws = run.workspace
    head = git.head(ws.root) if git.is_repo(ws.root) else None
    past = [
        (p.name, p.tags.last_tag)
        for p in ws.select(run.names)
        if p.vcs_versioned and p.tags is not None and p.tags.last_tag is not None
    ]
    on = {tag: git.tag_commit(ws.root, tag) for tag in {t for _, t in past}} if head else {}
    return [
        f"warning: {name}'s version comes from its tags and HEAD is past {tag}: its build is a "
        "development version, and so is what publish uploads; pass --part (its bump tags HEAD)"
        for name, tag in past
        if head is not None and on[tag] != head
    ]


def _preview_tag(run: ReleaseRun, preview: Preview) -> list[str]:
    ws = run.workspace
    packages = [p for p in ws.packages if p.name in preview.after and not p.vcs_versioned]
    tags = list(dict.fromkeys(ws.tag_for(p, preview.after[p.name]) for p in packages))  # shared
    made = ", ".join(tags) if len(tags) < MANY else f"{len(tags)} tags ({tags[0]} ... {tags[-1]})"
    lines = [f"create {made}" if tags else "no tags (versions from git tags)"]
    if tags and preview.bump is None and git.is_repo(ws.root):  # no bump: the tags there now
        try:  # one there already is not created again: the tag step's own plan says why
            plan = plan_tags(ws, _tag_options(run))
        except RelnoxError as exc:
            return [f"refused: {exc.message}"]
        if any(a.action != "create" for a in plan.actions):
            lines = plan.describe()
    return lines + (["push the branch and the tags to origin"] if run.options.push else [])


def _preview_build(run: ReleaseRun, preview: Preview) -> list[str]:
    dist = rel(run.dist_dir, run.workspace.root)
    packages = [p for p in run.workspace.packages if p.name in preview.after]
    return [f"sdist and wheel of {p.name} {preview.after[p.name]} into {dist}/" for p in packages]


def _preview_verify(run: ReleaseRun, preview: Preview) -> list[str]:
    offline = " (offline)" if run.options.offline else ""
    where = "in a fresh environment; import, version, scripts"
    return [f"install {preview.releases(run)} {where}{offline}"]


def _preview_publish(run: ReleaseRun, preview: Preview, test: bool = False) -> list[str]:
    o = run.options
    where = o.test_repository if test else o.repository
    asks = "" if test or o.yes else " (asks first)"
    return [f"upload {preview.releases(run)} to {where}{asks}"]


STEPS: tuple[Step, ...] = (
    Step("doctor", _doctor, lambda p, v: [f"read-only checks of {len(v.after)} package(s)"]),
    Step("bump", _bump, _preview_bump),
    Step("build", _build, _preview_build),
    Step("verify", lambda p: _verify(p, None), _preview_verify),
    Step(
        "publish-test", lambda p: _publish(p, "publish-test"), partial(_preview_publish, test=True)
    ),
    Step(
        "verify-test",
        lambda p: _verify(p, p.options.test_repository),
        lambda p, v: [f"install {v.releases(p)} from {p.options.test_repository}"],
    ),
    Step(
        "skew",
        _skew,
        lambda p, v: [
            f"install the last {p.options.skew_depth} published version(s) of each workspace "
            f"dependent from {p.options.repository} with {v.releases(p)}; import, version, "
            "commands"
        ],
    ),
    Step("publish", lambda p: _publish(p, "publish"), _preview_publish),
    Step("tag", _tag, _preview_tag),
    Step(
        "audit",
        _audit,
        lambda p, v: [
            f"every built file of {v.releases(p)} on {p.options.repository}: listed, same "
            "sha256, the release complete, provenance where attested"
        ],
    ),
)
