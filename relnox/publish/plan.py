"""Publish the built release: plan and preflight everything, then upload what is missing."""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from relnox.artifacts.checks import Expectation, check_for_record, proof
from relnox.artifacts.distdir import dist_path, load_release
from relnox.artifacts.manifest import PackageRecord
from relnox.builds import refuse_stale
from relnox.errors import MOST_SECONDS, PublishError, seconds
from relnox.progress import detail
from relnox.project.workspace import Workspace
from relnox.publish.model import PublishOptions, PublishPlan, PublishRuntime
from relnox.publish.preflight import against_index, check_files, select_records
from relnox.publish.report import PublishResult  # run_publish's result, its type read back
from relnox.stage import Runtime
from relnox.tools.credentials import Credentials, resolve_credentials
from relnox.tools.network import NetworkSettings, network_settings
from relnox.tools.repositories import PYPI, Repository, resolve
from relnox.tools.simple_api import IndexReader

if TYPE_CHECKING:
    from relnox.tools.upload import Transport

logger = logging.getLogger("relnox")


def plan_publish(
    workspace: Workspace, options: PublishOptions, runtime: Runtime | None = None
) -> PublishPlan:
    """Everything checked before the first upload (a dry run: missing credentials warn)."""
    seams = PublishRuntime.of(runtime)
    env = dict(os.environ if seams.environ is None else seams.environ)
    network = _network(workspace, options)  # a bad [tool.relnox.network] is said first
    if options.wait is not None and seconds(options.wait) is None:  # a caller's, not a flag's
        raise PublishError(
            f"PublishOptions(wait={options.wait!r}) is not a number of seconds from 0 to "
            f"{MOST_SECONDS:g} (a day); pass e.g. wait=300, or None for no wait"
        )
    repository, route = options.repository, None
    if options.from_tag or repository is None:  # --from-tag, else (no --repository) CI's tag
        from relnox.publish.route import route_for_tag
        from relnox.tools.github import ref_tag

        tag = options.from_tag or ref_tag(env)
        route = route_for_tag(tag, workspace) if tag else None
    target = repository if repository is not None else (route.repository if route else PYPI)
    repo = (
        target if isinstance(target, Repository) else resolve(target, workspace.config, environ=env)
    )
    if route is not None:
        kind = "pre-release" if route.prerelease else "final"
        logger.info("tag %s (%s) -> %s", route.tag, kind, repo.label)
    try:
        credentials = resolve_credentials(repo, env)
    except PublishError as exc:
        if not options.dry_run:
            raise
        logger.warning("%s", exc)
        credentials = Credentials("none found (a real run stops here)", "missing")
    logger.info("publishing to %s, credentials from %s", repo.where, credentials.source)
    wanted = list(options.packages) or ([route.package] if route and route.package else [])
    dist = dist_path(workspace, options.dist_dir)  # prove=False: _check_artifacts proves or checks
    manifest = load_release(
        workspace, dist, wanted, error=PublishError, write_record=not options.dry_run, prove=False
    )
    records = select_records(workspace, manifest, wanted, route)
    allowed = refuse_stale(
        workspace,
        records,
        manifest.dist_dir,
        allow=options.allow_stale,
        error=PublishError,
        commit=manifest.git_commit,
    )
    checked = check_files(manifest, records, route)
    from relnox.publish.rules import refusal, refusals

    files = [(r.name, path) for r, path in checked]
    versions = [(r.name, r.version) for r in records]
    if options.stands_in_for is not None:  # a rehearsal: the real index's refusals, each file's
        real = resolve(options.stands_in_for, workspace.config, environ=env)
        if found := refusals(versions, files, real):
            raise PublishError("\n".join(found))
    if (refused := refusal(versions, files, repo)) is not None:
        raise PublishError(refused)
    _check_artifacts(workspace, records, checked)
    reader = IndexReader.of(repo, credentials.basic_auth(), network, seams.sleep)
    planned, new = against_index(workspace, manifest, records, repo, reader)
    waiting: tuple[str, ...] = ()
    note = ""
    if new:
        from relnox.publish.rules import check_new_projects
        from relnox.report import MANY

        named = ", ".join(new) if len(new) < MANY else f"{len(new)} projects (-v for names)"
        logger.info("new on %s (first release): %s", repo.label, named)
        if len(new) >= MANY:
            logger.debug("  %s", ", ".join(new))
        first = check_new_projects(workspace, repo, new, [r.name for r in records], credentials)
        if first and first.waiting:  # the rest waits for its publishers: a later run
            waiting = first.waiting
            records = tuple(r for r in records if r.name not in waiting)
            planned = [f for f in planned if f.package not in waiting]
            new = [n for n in new if n not in waiting]
            note = first.waiting_note()
    return PublishPlan(
        repo,
        credentials,
        tuple(records),
        tuple(planned),
        manifest,
        workspace,
        options,
        tuple(new),
        allowed,
        waiting,
        note,
    )


def _check_artifacts(
    workspace: Workspace,
    records: Sequence[PackageRecord],
    checked: Sequence[tuple[PackageRecord, Path]],
) -> None:
    """twine check --strict's checks, unless the record proves they passed on these bytes."""
    started = time.monotonic()
    proven = 0
    for record in records:
        mine = [path for rec, path in checked if rec is record]
        expected = Expectation.for_package(workspace.get(record.name))
        if record.checked and record.checked == proof(
            expected, [(a.filename, a.sha256) for a in record.files]
        ):
            proven += len(mine)
            continue
        for note in check_for_record(mine, expected)[0]:
            logger.warning("%s: %s", record.name, note)
    said = (len(checked), proven, time.monotonic() - started)
    logger.info(  # -v: a sound check is the upload's closing line's part
        "%d files checked, %d of them by the record of the same check (%.2fs)",
        *said,
        extra=detail("publish"),
    )


def choose_transport(plan: PublishPlan) -> Transport:
    """``uv publish`` where uv runs, else twine (and for keyring credentials, attestations),
    unless ``--transport`` or ``[tool.relnox.publish] transport`` asks."""
    from relnox.tools.envs import uv_binary, uv_cannot_run
    from relnox.tools.upload import TRANSPORTS, Twine

    workspace, credentials, options = plan.workspace, plan.credentials, plan.options
    wanted = options.transport or workspace.config.section("publish").get("transport", "auto")
    where = f"{workspace.config.source}: [tool.relnox.publish] transport"
    if wanted not in ("auto", *TRANSPORTS):
        raise PublishError(
            f"{where} is {wanted!r}; use one of auto, {', '.join(TRANSPORTS)} (auto: uv "
            "publish where uv runs, else twine)"
        )
    if wanted == "twine" or credentials.method == "keyring" or options.attestations:
        return Twine()
    uv = uv_binary()
    why = "uv is not installed" if uv is None else uv_cannot_run(uv)
    if uv is not None and why is None:
        from relnox.tools.uv_publish import UvPublish

        return UvPublish(uv)
    if wanted == "uv":
        raise PublishError(f"{where} is 'uv', but {why}; install uv (pip install uv) or use twine")
    return Twine()


def check_attestations(plan: PublishPlan) -> None:
    from relnox.tools.upload import attestations_of

    missing = [f.filename for f in plan.to_upload if not attestations_of(f.path)]
    if missing:
        raise PublishError(
            f"--attestations: no PEP 740 attestation beside {', '.join(missing)} in "
            f"{plan.manifest.dist_dir}; sign them first (python -m pypi_attestations sign "
            "FILE..., in a job with an OIDC identity) or publish without --attestations"
        )
    for file in plan.to_upload:
        for attestation in attestations_of(file.path):
            _check_attestation_file(attestation)


#: the most bytes an attestation may have (pypi_attestations writes about 10 kB)
_ATTESTATION_MAX = 1 << 20


def _check_attestation_file(path: Path) -> None:
    """An attestation is a regular file of its own name and size (not a pipe, nor a link)."""
    import stat

    try:
        info = path.stat()
        target = path.resolve().name if path.is_symlink() else path.name
    except OSError as exc:
        raise PublishError(
            f"{path}: the attestation cannot be read ({exc.strerror or exc}); sign the "
            "file again (python -m pypi_attestations sign FILE)"
        ) from None
    if not stat.S_ISREG(info.st_mode) or target != path.name:
        what = "not a regular file" if not stat.S_ISREG(info.st_mode) else f"a link to {target}"
        raise PublishError(
            f"{path}: the attestation is {what}; make it the file pypi_attestations sign "
            "wrote (python -m pypi_attestations sign FILE), or remove it"
        )
    if info.st_size > _ATTESTATION_MAX:
        raise PublishError(
            f"{path}: the attestation is {info.st_size} bytes, more than an attestation "
            f"holds ({_ATTESTATION_MAX}); sign the file again (python -m pypi_attestations "
            "sign FILE)"
        )


def _network(workspace: Workspace, options: PublishOptions) -> NetworkSettings:
    given: dict[str, Any] = {"retries": options.retries, "retry_delay": options.retry_delay}
    network = options.network or network_settings(workspace.config)
    return replace(network, **{key: value for key, value in given.items() if value is not None})


def publish(
    workspace: Workspace, options: PublishOptions, runtime: Runtime | None = None
) -> PublishResult:
    """A preflight failure raises, an upload failure is the result's ``error``."""
    seams = PublishRuntime.of(runtime)
    return run_publish(plan_publish(workspace, options, seams), seams)


def run_publish(plan: PublishPlan, runtime: Runtime | None = None) -> PublishResult:
    """Confirm (on PyPI) and upload what ``plan`` says, tier by tier."""
    from relnox.publish.model import graph_mermaid
    from relnox.publish.report import SKIPPED, WOULD_UPLOAD, FileOutcome, write_report
    from relnox.publish.rules import new_project_limit
    from relnox.publish.run import snapshot, upload_all
    from relnox.publish.uploader import PackageUploader
    from relnox.tools.upload import watched_runner

    seams = PublishRuntime.of(runtime)
    workspace, options, repo = plan.workspace, plan.options, plan.repository
    network = _network(workspace, options)
    result = PublishResult(
        repo,
        plan.credentials.source,
        options.dry_run,
        [(r.name, r.version) for r in plan.records],
        new_projects=list(plan.new_projects),
        allowed_stale=dict(plan.allowed_stale),
    )
    if options.attestations:
        check_attestations(plan)
    names = [r.name for r in plan.records]
    if options.dry_run:
        result.outcomes = [
            FileOutcome(f, WOULD_UPLOAD if f.action == "upload" else SKIPPED) for f in plan.files
        ]
        result.graph = graph_mermaid(names, workspace)
        result.error = plan.waiting_note or None  # what the first batch's run leaves for later
        return result
    if plan.to_upload and repo.needs_confirmation:
        if seams.confirm is None:
            raise PublishError(
                f"publishing to {repo.label} asks for confirmation, but there is no "
                "terminal to ask on; pass --yes to publish without asking"
            )
        if not seams.confirm(plan.confirmation()):
            raise PublishError(f"publishing to {repo.label} cancelled; nothing was uploaded")
    transport = choose_transport(plan)
    # the bytes checked are the bytes sent: copied and hashed now
    with snapshot(plan, options.attestations) as sent:
        uploader = PackageUploader(
            sent,
            dict(os.environ if seams.environ is None else seams.environ),
            seams.run or watched_runner(network),
            IndexReader.of(repo, plan.credentials.basic_auth(), network, seams.sleep),
            network,
            seams.sleep,
            transport=transport,
            serial_creations=new_project_limit(workspace, repo) is not None,
        )
        logger.info("uploading with %s", transport.name)
        upload_all(sent, result, uploader, seams.check_installable)
    result.graph = graph_mermaid(names, workspace, {p.name: p.status for p in result.by_package()})
    result.error = result.error or plan.waiting_note or None
    for line in result.fix_forward():
        logger.warning("%s", line)
    write_report(result, plan.manifest.dist_dir)
    return result
