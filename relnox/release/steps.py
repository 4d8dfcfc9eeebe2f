"""The stages of the release, each a :class:`Step`: what it does (``act``) and what it
would do (``preview``, the ``--dry-run`` lines). Each calls its stage's ``plan`` then
``run`` and recognises work a rerun finds finished (state file, manifest, index, git).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from relnox.artifacts.manifest import ensure_state_dir, manifest_path, read_manifest
from relnox.atomic import write_atomic
from relnox.builds import STAGE as BUILD
from relnox.builds import BuildOptions
from relnox.bump import STAGE as BUMP
from relnox.bump import BumpOptions, BumpPlan
from relnox.errors import RelnoxError
from relnox.guards import AUDIT_STAGE, SKEW_STAGE, AuditOptions, SkewOptions, check_bump
from relnox.guards import enabled as api_enabled
from relnox.publish import STAGE as PUBLISH
from relnox.publish import PublishOptions
from relnox.redact import redact_url
from relnox.release.doctor import doctor
from relnox.release.model import (
    Outcome,
    ReleaseError,
    State,
    build_outdated,
    stage_fingerprint,
)
from relnox.release.resume import bump_request, bumped_before
from relnox.release.tagging import TagOptions, apply_tags, plan_tags
from relnox.report import MANY, shared_findings, version_moves
from relnox.stage import Result, StageStatus
from relnox.tools import git
from relnox.tools.network import network_settings
from relnox.verify import STAGE as VERIFY
from relnox.verify import VerifyOptions

if TYPE_CHECKING:
    from relnox.release.pipeline import Pipeline

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

    def releases(self, pipeline: Pipeline) -> str:
        packages = [p for p in pipeline.workspace.packages if p.name in self.after]
        return ", ".join(f"{p.name} {self.after[p.name]}" for p in packages)


@dataclass(frozen=True)
class Step:
    name: str
    act: Callable[[Pipeline], Outcome]
    preview: Callable[[Pipeline, Preview], list[str]]


def bump_options(pipeline: Pipeline) -> BumpOptions:
    o = pipeline.options
    return BumpOptions(
        part=o.part,
        to=o.to,
        pre=o.pre,
        packages=pipeline.names if o.changed else o.packages,
        changed_only=o.changed,  # and the dependents whose pins must move
        commit=git.is_repo(pipeline.workspace.root),
        allow_dirty=o.allow_dirty,
        allow_detached=o.allow_detached,
    )


def _doctor(pipeline: Pipeline) -> Outcome:
    report = doctor(pipeline.workspace.root, packages=pipeline.names)
    if report.errors:
        problems = "; ".join(f"{c.check}: {c.detail}" for c in report.errors)
        raise ReleaseError(f"doctor found {len(report.errors)} problem(s): {problems}")
    names = pipeline.names
    warnings = [f"{c.check}: {c.detail}" for c in report.warnings]
    for shared in shared_findings(warnings, names):  # one line for a warning many share
        text = shared.text.format(package="<package>") if shared.packages else shared.lines()[0]
        pipeline.result.warnings.append({"warning": text, "packages": list(shared.packages)})
        for line in shared.lines():
            logger.warning("doctor warning: %s%s", line, " (-v for names)" if shared.many else "")
        if shared.many:
            logger.debug("  %s", ", ".join(shared.packages))
    checks = shared_findings((c.check for c in report.warnings), names)
    shown = ": " + "; ".join(x for s in checks for x in s.lines()) if checks else ""
    return DONE, f"{len(report.checks)} checks, {len(report.warnings)} warning(s){shown}"


def _bump(pipeline: Pipeline) -> Outcome:
    if not pipeline.bumps:
        return SKIPPED, "no --part/--to given: releasing the current versions"
    record = pipeline.state.open_bump
    if record is not None and bumped_before(pipeline) is not None:
        commit = f", commit {record['commit'][:12]}" if record.get("commit") else ""
        versions = _versions_text(pipeline.versions())
        return ALREADY_DONE, f"versions {versions} (bumped by {record['request']}{commit})"
    if pipeline.state.open_bump is None and pipeline.state.done("bump"):  # an older relnox's
        return ALREADY_DONE, "versions " + _versions_text(pipeline.versions())
    plan = BUMP.plan(pipeline.workspace, bump_options(pipeline))
    if api_enabled(pipeline.workspace):  # [tool.relnox] check-api: before any file is written
        check_bump(pipeline.workspace, plan.versions)
    record = {
        "request": bump_request(pipeline.options),
        "from": {n: old for n, (old, _) in plan.versions.items()},
        "to": {n: new for n, (_, new) in plan.versions.items()},
        "commit": None,  # a bump cut off between its commit and this record is still known
    }
    pipeline.state.record_bump(record)
    applied = BUMP.run(plan, pipeline.runtime)
    pipeline.reload()
    if pipeline.options.changed:  # a dependent whose pin moved is released with them
        moved = set(pipeline.names) | set(applied.versions)
        pipeline.names = tuple(p.name for p in pipeline.workspace.packages if p.name in moved)
        for name, (old, _) in applied.versions.items():
            pipeline.result.previous.setdefault(name, old)
    pipeline.state = State(pipeline.dist_dir, pipeline.versions(), pipeline.workspace.root)
    pipeline.state.record_bump({**record, "commit": applied.commit})
    pipeline.state.mark("bump")
    changes = version_moves(applied.versions)  # a lockstep group is one "72 packages ..."
    extra = f"; {len(applied.rewrites)} requirement(s) rewritten" if applied.rewrites else ""
    commit = f"; commit {applied.commit[:12]}" if applied.commit else ""
    return DONE, changes + extra + commit


def _build(pipeline: Pipeline) -> Outcome:
    outdated = build_outdated(pipeline.workspace, pipeline.names, pipeline.dist_dir)
    if outdated is None:
        return ALREADY_DONE, f"{manifest_path(pipeline.dist_dir)} is current and intact"
    options = BuildOptions(
        packages=pipeline.names,
        jobs=pipeline.options.jobs,
        out=pipeline.dist_dir if pipeline.options.dist_dir else None,
    )
    built = BUILD.run(BUILD.plan(pipeline.workspace, options), pipeline.runtime)
    built.raise_for_failures()
    files = [f for o in built.built if o.record for f in o.record.files]
    done = f"{len(files)} files of {len(built.built)} package(s) in {built.seconds:.1f}s"
    first = not manifest_path(pipeline.dist_dir).is_file() or outdated.startswith("no usable")
    return DONE, done if first else f"{done} (rebuilt: {outdated})"


def _verify(pipeline: Pipeline, index: str | None) -> Outcome:
    """The release installs and works: from dist/ (``index`` None) or from the test index."""
    stage = "verify" if index is None else "verify-test"
    o = pipeline.options
    settings = _verify_settings(pipeline, index)
    fingerprint = stage_fingerprint(pipeline.dist_dir, index, *settings)
    if pipeline.state.done(stage, fingerprint):
        return ALREADY_DONE, "verified before for this build"
    options = VerifyOptions(
        packages=pipeline.names,
        dist_dir=pipeline.dist_dir,
        index=index,
        extra_index=redact_url(o.extra_index) if index and o.extra_index else None,
        offline=o.offline and index is None,
        wait=o.wait,
        extras=o.extras,
        checked_before=index is not None and checked_from_dist(pipeline),
    )
    report = VERIFY.run(VERIFY.plan(pipeline.workspace, options), pipeline.runtime)
    if not report.ok:
        raise ReleaseError("\n".join(report.describe()))
    # verify records files it found (a dist/ relnox did not build): the manifest as it is now
    pipeline.state.mark(stage, stage_fingerprint(pipeline.dist_dir, index, *settings))
    return DONE, f"{len(report.results)} package(s) installed and checked in {report.seconds:.1f}s"


def _verify_settings(pipeline: Pipeline, index: str | None) -> tuple[object, ...]:
    """What decides what a verify checks, besides the build and the index."""
    o = pipeline.options
    return (
        o.extras,
        o.offline and index is None,
        redact_url(o.extra_index) if index and o.extra_index else None,
        sorted(pipeline.names),
    )


def checked_from_dist(pipeline: Pipeline) -> bool:
    """Whether the verify stage checked this very build from dist/ (imports, versions,
    metadata, scripts): then a round from an index proves only what it adds, that every
    file there is the bytes built and installs from there with its dependencies."""
    settings = _verify_settings(pipeline, None)
    return pipeline.state.done("verify", stage_fingerprint(pipeline.dist_dir, None, *settings))


def _publish(pipeline: Pipeline, repository: str, stage: str) -> Outcome:
    options = PublishOptions(
        repository=repository, packages=pipeline.names, dist_dir=pipeline.dist_dir
    )
    plan = PUBLISH.plan(pipeline.workspace, options, pipeline.runtime)
    published = PUBLISH.run(plan, pipeline.runtime)
    if published.error or published.failed:
        raise ReleaseError(published.error or f"upload failed: {', '.join(published.failed)}")
    pipeline.result.uploads[stage] = list(published.uploaded)
    where = published.repository.label
    if not published.uploaded:
        return ALREADY_DONE, f"all {len(published.skipped)} file(s) already on {where}"
    uploaded, skipped = len(published.uploaded), len(published.skipped)
    return DONE, f"{uploaded} uploaded to {where}, {skipped} already there"


def _tag(pipeline: Pipeline) -> Outcome:
    root = pipeline.workspace.root
    if not git.is_repo(root):
        return SKIPPED, "not a git repository"
    _check_built_from_head(pipeline)
    push = pipeline.options.push
    # the release's own checks ran before its bump (--allow-dirty, --allow-detached); a
    # detached HEAD of a CI tag build is tagged, the tags hold it
    options = TagOptions(
        missing=True, packages=pipeline.names, push=push, allow_dirty=True, allow_detached=True
    )
    plan = plan_tags(pipeline.workspace, options)
    branch = git.current_branch(root)
    if push and branch:
        stall = network_settings(pipeline.workspace.config).stall
        git.push(root, "origin", f"HEAD:refs/heads/{branch}", stall=stall)
    apply_tags(plan, pipeline.runtime)
    pipeline.result.tags = [a.tag for a in plan.actions]
    # a detached HEAD has no branch to push (it pushed one named HEAD): the tags hold it
    pushed = " (pushed with the branch)" if branch else " (pushed; detached HEAD: no branch)"
    pushed = pushed if push else ""
    summary = plan.summary()
    made = [a.tag for a in plan.to_create]
    if len(made) >= MANY and len(made) == len(plan.actions):  # many: counted, two named
        summary = f"created {len(made)} tags ({made[0]} ... {made[-1]})"
    return (DONE if plan.to_create else ALREADY_DONE), summary + pushed


def _check_built_from_head(pipeline: Pipeline) -> None:
    """The tags go on HEAD: refused when the files released were built from another
    commit (the build stage skipped, or HEAD moved after it), which they would misname."""
    try:
        built = read_manifest(pipeline.dist_dir).git_commit
    except RelnoxError:
        return  # files relnox did not build (--dist of another tool): nothing to compare
    head = git.head(pipeline.workspace.root)
    if built and head and built != head:
        raise ReleaseError(
            f"the files released from {pipeline.dist_dir} were built from commit {built[:12]}, "
            f"not HEAD ({head[:12]}); tagging HEAD would name a commit that was not released: "
            f"check out {built[:12]} and run the release again (the uploads are recognised), "
            "or tag it by hand"
        )


def _skew(pipeline: Pipeline) -> Outcome:
    """The published versions of the dependents, installed with the new release."""
    o = pipeline.options
    if "publish" in o.skip:
        return SKIPPED, "publish is skipped: nothing new reaches the index"
    extra = redact_url(o.extra_index) if o.extra_index else None
    settings = (o.skew_depth, sorted(o.accept_skew), extra, sorted(pipeline.names))
    fingerprint = stage_fingerprint(pipeline.dist_dir, o.repository, *settings)
    if pipeline.state.done("skew", fingerprint):
        return ALREADY_DONE, "checked before for this build"
    options = SkewOptions(
        index=o.repository,
        packages=pipeline.names,
        dist_dir=pipeline.dist_dir,
        depth=o.skew_depth,
        accept=o.accept_skew,
        extra_index=o.extra_index,
    )
    report = SKEW_STAGE.run(SKEW_STAGE.plan(pipeline.workspace, options), pipeline.runtime)
    pipeline.result.guards["skew"] = report.to_json()
    _raise_for_failures(report)
    pipeline.state.mark("skew", fingerprint)
    accepted = [r.case.key for r in report.accepted]
    shown = f"; accepted: {', '.join(accepted)}" if accepted else ""
    return DONE, report.summary() + shown


def _audit(pipeline: Pipeline) -> Outcome:
    """What the index serves now: every file, its sha256, provenance, project status."""
    o = pipeline.options
    if "publish" in o.skip:
        return SKIPPED, "publish is skipped: nothing was released to audit"
    options = AuditOptions(
        repository=o.repository,
        packages=pipeline.names,
        dist_dir=pipeline.dist_dir,
        integrity_url=o.integrity_url,
        wait=o.wait if o.wait is not None else 60.0,
    )
    report = AUDIT_STAGE.run(AUDIT_STAGE.plan(pipeline.workspace, options), pipeline.runtime)
    pipeline.result.guards["audit"] = report.to_json()
    record = ensure_state_dir(pipeline.dist_dir) / AUDIT_RECORD
    write_atomic(record, report.markdown(), through_link=False)
    _raise_for_failures(report)
    checks = f"{len(report.findings)} checks on {report.repository.label} passed"
    return DONE, f"{checks}; record: {record}"


def _raise_for_failures(report: Result) -> None:
    """A guard that failed stops the release with its report and its closing message."""
    try:
        report.raise_for_failures()
    except RelnoxError as failed:
        raise ReleaseError("\n".join([*report.describe(), failed.message])) from None


def _versions_text(versions: Mapping[str, str]) -> str:
    return ", ".join(f"{n} {v}" for n, v in versions.items())


def _relative(path: Path, root: Path) -> str:
    return str(path.relative_to(root)) if path.is_relative_to(root) else str(path)


# -- what each stage would do (the dry run) -----------------------------------------------
def _preview_bump(pipeline: Pipeline, preview: Preview) -> list[str]:
    bump = preview.bump
    if preview.bumped is not None:
        return [f"already done: {preview.bumped}"]
    if bump is None:
        return ["no --part/--to given: releasing the current versions"]
    lines = [f"{n}: {old} -> {new}" for n, (old, new) in bump.versions.items()]
    lines += [f"edit {_relative(path, pipeline.workspace.root)}" for path in bump.files]
    return lines + [a.describe() for a in bump.actions] + list(bump.notes)


def _preview_tag(pipeline: Pipeline, preview: Preview) -> list[str]:
    ws = pipeline.workspace
    packages = [p for p in ws.packages if p.name in preview.after and not p.vcs_versioned]
    tags = [ws.tag_for(p, preview.after[p.name]) for p in packages]
    lines = [f"create {', '.join(tags)}" if tags else "no tags (versions from git tags)"]
    return lines + (["push the branch and the tags to origin"] if pipeline.options.push else [])


def _preview_build(pipeline: Pipeline, preview: Preview) -> list[str]:
    dist = _relative(pipeline.dist_dir, pipeline.workspace.root)
    packages = [p for p in pipeline.workspace.packages if p.name in preview.after]
    return [f"sdist and wheel of {p.name} {preview.after[p.name]} into {dist}/" for p in packages]


def _preview_verify(pipeline: Pipeline, preview: Preview) -> list[str]:
    offline = " (offline)" if pipeline.options.offline else ""
    return [
        f"install {preview.releases(pipeline)} in a fresh environment; import, version, "
        f"scripts{offline}"
    ]


def _preview_publish(pipeline: Pipeline, preview: Preview, test: bool) -> list[str]:
    o = pipeline.options
    where = o.test_repository if test else o.repository
    asks = "" if test or o.yes else " (asks first)"
    return [f"upload {preview.releases(pipeline)} to {where}{asks}"]


STEPS: tuple[Step, ...] = (
    Step(
        "doctor",
        _doctor,
        lambda p, v: [f"read-only checks of {len(v.after)} package(s)"],
    ),
    Step("bump", _bump, _preview_bump),
    Step("build", _build, _preview_build),
    Step("verify", lambda p: _verify(p, None), _preview_verify),
    Step(
        "publish-test",
        lambda p: _publish(p, p.options.test_repository, "publish-test"),
        lambda p, v: _preview_publish(p, v, test=True),
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
    Step(
        "publish",
        lambda p: _publish(p, p.options.repository, "publish"),
        lambda p, v: _preview_publish(p, v, test=False),
    ),
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
