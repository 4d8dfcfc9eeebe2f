"""Publish the built release: plan and preflight everything, then upload what is missing.

:func:`plan_publish` reads the wheels and sdists of the dist directory, whoever built
them (:func:`relnox.artifacts.distdir.load_release`: names and versions from the file names,
the set of files per package, relnox's manifest where there is one), refuses
artifacts that changed or belong to another version, runs ``twine check --strict``,
refuses a project name another project owns on the index (:mod:`relnox.publish.owner`) and what
the index's own rules forbid (:mod:`relnox.publish.rules`: an archived or quarantined project,
a late file for an old release), and asks the index per
file whether it has it: new -> upload, same sha256 -> skip ("already published"),
different content -> the whole release is refused (versions are immutable). Only
then does :func:`publish` upload, package by package in dependency order, wheels
before sdists, one twine child per package (:mod:`relnox.publish.run`). A rerun after any failure uploads exactly
what is still missing. This module never prints; ``confirm`` is the caller's prompt.
"""

from __future__ import annotations

import dataclasses
import logging
import os
import re
import tempfile
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from packaging.utils import (
    canonicalize_name,
)
from packaging.version import Version

from relnox.artifacts.checks import Expectation, check_artifacts, name_and_version
from relnox.artifacts.distdir import load_release
from relnox.artifacts.manifest import Manifest, PackageRecord
from relnox.builds import refuse_stale
from relnox.errors import PublishError
from relnox.project.selection import select_packages
from relnox.project.workspace import Workspace
from relnox.publish.installable import installable_options
from relnox.publish.model import InstallableCheck, PublishOptions, PublishPlan, PublishRuntime
from relnox.publish.owner import check_owner
from relnox.publish.report import (
    SKIPPED,
    WOULD_UPLOAD,
    FileOutcome,
    PlannedFile,
    PublishResult,
    write_report,
)
from relnox.publish.route import TagRoute, ci_tag, route_for_tag
from relnox.publish.rules import late_files, status_problems, upload_window_days
from relnox.publish.run import READERS, Waiting, upload_all
from relnox.publish.tiers import graph_mermaid
from relnox.publish.uploader import PackageUploader
from relnox.stage import Runtime
from relnox.tools import git
from relnox.tools.credentials import Credentials, login_help, resolve_credentials
from relnox.tools.envs import (
    create_environment,
    find_installer,
    install,
    resolve_python,
    uv_binary,
    uv_cannot_run,
)
from relnox.tools.index_auth import refused_login
from relnox.tools.network import NetworkSettings, network_settings
from relnox.tools.repositories import PYPI, TESTPYPI, Repository, builtin, resolve
from relnox.tools.simple_api import IndexReader, Patience
from relnox.tools.twine import Twine
from relnox.tools.upload import TRANSPORTS, Transport, attestations_of, watched_runner
from relnox.tools.uv_publish import UvPublish

__all__ = ["PublishPlan", "PublishResult", "TagRoute", "plan_publish", "publish", "route_for_tag"]

logger = logging.getLogger("relnox")

Confirm = Callable[[str], bool]


def _select(
    workspace: Workspace, manifest: Manifest, names: Sequence[str], route: TagRoute | None
) -> tuple[PackageRecord, ...]:
    built = {r.name for r in manifest.packages}
    strangers = [n for n in built if n not in {p.name for p in workspace.packages}]
    if strangers:
        raise PublishError(
            f"{manifest.dist_dir}: builds of {', '.join(sorted(strangers))}, which "
            f"are not packages of {workspace.root}; rebuild with relnox build-all"
        )
    wanted = list(names) or ([route.package] if route and route.package else [])
    if wanted:
        return tuple(manifest.get(p.name) for p in select_packages(workspace, wanted).packages)
    records = tuple(manifest.get(p.name) for p in workspace.packages if p.name in built)
    if route is not None:
        records = tuple(r for r in records if Version(r.version) == Version(route.version))
        if not records:
            raise PublishError(
                f"tag {route.tag} is for version {route.version}, but no package in "
                f"{manifest.dist_dir} was built at that version; build the tagged commit"
            )
    if not records:
        raise PublishError(f"{manifest.dist_dir} holds no wheels or sdists; run relnox build-all")
    return records


def _artifact_version(filename: str) -> tuple[str, Version]:
    parsed = name_and_version(filename)
    if parsed is None:
        raise PublishError(
            f"{filename}: not a wheel or sdist file name; rebuild with relnox build-all"
        )
    return parsed


def _check_artifacts(
    workspace: Workspace,
    manifest: Manifest,
    records: Sequence[PackageRecord],
    route: TagRoute | None,
) -> list[tuple[PackageRecord, Path]]:
    """Every file exists unchanged and is of the version the package has now."""
    checked: list[tuple[PackageRecord, Path]] = []
    for record in records:
        expected = workspace.get(record.name).version
        if Version(record.version) != Version(expected):
            raise PublishError(
                f"{manifest.dist_dir}: {record.name} was built at {record.version} "
                f"but its pyproject says {expected}; artifacts of other versions are refused: "
                "rebuild with relnox build-all"
            )
        # a tag naming one package speaks for that package only: a release of several
        # tags (auto-tag's one run) names the others with --package, each at its own version
        tagged = route is not None and route.package in (None, record.name)
        if route is not None and tagged and Version(record.version) != Version(route.version):
            raise PublishError(
                f"tag {route.tag} is for version {route.version} but {record.name} was built at "
                f"{record.version}; build the tagged commit or publish without --from-tag"
            )
        if not record.files:
            raise PublishError(f"{record.name}: the build manifest lists no files; rebuild it")
        for artifact in sorted(record.files, key=lambda a: a.kind != "wheel"):
            # load_release hashed every file a moment ago (its sha256 is that digest): not
            # hashed again; the index's listing is checked against it after the upload
            path = manifest.dist_dir / artifact.filename
            if not path.is_file():
                raise PublishError(f"{path}: listed in the build manifest but missing; rebuild it")
            name, version = _artifact_version(artifact.filename)
            if name != canonicalize_name(record.name) or version != Version(record.version):
                raise PublishError(
                    f"{path}: is {name} {version}, not {record.name} {record.version}; artifacts "
                    "of other versions are refused: rebuild with relnox build-all"
                )
            checked.append((record, path))
    return checked


def index_reader(
    repository: Repository,
    credentials: Credentials,
    network: NetworkSettings,
    sleep: Callable[[float], None] = time.sleep,
) -> IndexReader:
    """How publish reads ``repository``: credentials only to its own origins, bounded waits."""
    return IndexReader(
        repository.simple_url,
        credentials.basic_auth(),
        repository.origins,
        Patience.of(network, sleep),
    )


def plan_publish(
    workspace: Workspace, options: PublishOptions, runtime: Runtime | None = None
) -> PublishPlan:
    """Everything that can be checked before the first upload (``--dry-run`` stops here).

    In a dry run missing credentials are a warning and the files found are not
    recorded in the state directory. The index is asked about every file
    (``runtime``'s environment holds its credentials).
    """
    seams = PublishRuntime.of(runtime)
    env = dict(os.environ if seams.environ is None else seams.environ)
    network = _network(workspace, options)
    sleep = seams.sleep
    repository, packages, dist_dir = options.repository, options.packages, options.dist_dir
    from_tag, allow_stale = options.from_tag, options.allow_stale
    require_credentials = write_record = not options.dry_run
    tag = from_tag or (ci_tag(env) if repository is None else None)
    route = route_for_tag(tag, workspace) if tag else None
    target = repository if repository is not None else (route.repository if route else PYPI)
    repo = (
        target if isinstance(target, Repository) else resolve(target, workspace.config, environ=env)
    )
    if route is not None:
        logger.info(
            "tag %s (%s) -> %s",
            route.tag,
            "pre-release" if route.prerelease else "final",
            repo.label,
        )
    try:
        credentials = resolve_credentials(repo, env)
    except PublishError as exc:
        if require_credentials:
            raise
        logger.warning("%s", exc)
        credentials = Credentials("none found (a real run stops here)", "missing")
    logger.info("publishing to %s, credentials from %s", repo.where, credentials.source)
    wanted = list(packages) or ([route.package] if route and route.package else [])
    manifest = load_release(
        workspace,
        dist_dir or workspace.root / workspace.config.dist_dir,
        wanted,
        error=PublishError,
        write_record=write_record,
    )
    records = _select(workspace, manifest, packages, route)
    allowed = refuse_stale(
        workspace, records, manifest.dist_dir, allow=allow_stale, error=PublishError
    )
    checked = _check_artifacts(workspace, manifest, records, route)

    started = time.monotonic()
    for record in records:  # twine check --strict's checks, in process, as build-all ran them
        mine = [path for rec, path in checked if rec is record]
        for note in check_artifacts(mine, Expectation.for_package(workspace.get(record.name))):
            logger.warning("%s: %s", record.name, note)
    logger.info("%d files checked (%.2fs)", len(checked), time.monotonic() - started)

    planned: list[PlannedFile] = []
    conflicts: list[str] = []
    new: list[str] = []
    reader = index_reader(repo, credentials, network, sleep)
    with ThreadPoolExecutor(max_workers=min(READERS, len(records) or 1)) as pool:
        pages = list(pool.map(lambda r: reader.page(r.name), records))
    refused, warnings = status_problems(
        {r.name: page for r, page in zip(records, pages, strict=True)}, repo.label
    )
    for warning in warnings:
        logger.warning("%s", warning)
    if refused:
        raise PublishError("; ".join(refused) + "; nothing was uploaded")
    window = upload_window_days(workspace, repo)
    late: list[str] = []
    for record, page in zip(records, pages, strict=True):
        indexed = page.files
        if not indexed:
            new.append(record.name)
        check_owner(
            workspace.get(record.name),
            workspace,
            record.version,
            indexed,
            {a.filename: a.sha256 for a in record.files},
            repo.label,
            reader.sha256,
        )
        for artifact in sorted(record.files, key=lambda a: a.kind != "wheel"):
            path = manifest.dist_dir / artifact.filename
            on_index = indexed.get(artifact.filename)
            action, reason = "upload", ""
            if on_index is not None:
                remote = reader.sha256(on_index, artifact.size)
                if remote != artifact.sha256:
                    conflicts.append(
                        f"{artifact.filename} (index sha256 {remote}, built {artifact.sha256})"
                    )
                    continue
                action, reason = "skip", "already published"
            planned.append(
                PlannedFile(
                    record.name,
                    record.version,
                    artifact.filename,
                    artifact.kind,
                    path,
                    artifact.sha256,
                    action,
                    reason,
                )
            )
            logger.debug("  %s: %s", record.name, planned[-1].describe())
        if window is not None:
            sending = [
                f.filename for f in planned if f.package == record.name and f.action == "upload"
            ]
            problem = late_files(record.name, record.version, page, sending, window, repo.label)
            if problem:
                late.append(problem)
    if conflicts:
        raise PublishError(
            f"{repo.label} already has different files under the same names: {'; '.join(conflicts)}; "
            "versions on an index are immutable, so bump the version (relnox bump) and rebuild; "
            "nothing was uploaded"
        )
    if late:
        raise PublishError("; ".join(late) + "; nothing was uploaded")
    if new:
        logger.info("new on %s (first release): %s", repo.label, ", ".join(new))
        check_new_projects(workspace, repo, new, [r.name for r in records])
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
    )


#: PyPI lets a user (and an IP) create about this many new projects a day
PYPI_NEW_PROJECTS_A_DAY = 4


def new_project_limit(workspace: Workspace, repo: Repository) -> int | None:
    """``[tool.relnox.publish] new-project-limit``; by default PyPI's daily limit on PyPI and
    TestPyPI, none elsewhere."""
    value = workspace.config.section("publish").get("new-project-limit")
    if value is None:
        return PYPI_NEW_PROJECTS_A_DAY if repo.is_pypi else None
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise PublishError(
            f"{workspace.config.source}: [tool.relnox.publish] new-project-limit must be a whole "
            f"number of projects, 1 or more, not {value!r}; for example "
            f"new-project-limit = {PYPI_NEW_PROJECTS_A_DAY}"
        )
    return value


def trusted_publisher_lines(
    workspace: Workspace, repo: Repository, names: Sequence[str]
) -> list[str]:
    """What to register as a pending trusted publisher for each new project (GitHub)."""
    url = (
        git.git(workspace.root, "remote", "get-url", "origin", check=False)
        if git.is_repo(workspace.root)
        else ""
    )
    found = re.search(r"github\.com[:/]+([^/]+)/([^/]+?)(?:\.git)?/?$", url)
    owner, name = (found.group(1), found.group(2)) if found else ("OWNER", "REPOSITORY")
    environment = TESTPYPI if repo.name == TESTPYPI else PYPI
    return [
        f"  {project}: owner {owner}, repository {name}, workflow release.yml, "
        f"environment {environment}"
        for project in names
    ]


def check_new_projects(
    workspace: Workspace, repo: Repository, new: Sequence[str], order: Sequence[str]
) -> None:
    """Refuse, before any upload, a publish that would create more projects than the index
    allows in a day: a half-created set is worse than none. Says which to release first
    (dependencies first: a prefix of the release order) and what to register."""
    limit = new_project_limit(workspace, repo)
    if repo.is_pypi:
        logger.info(
            "register a pending trusted publisher for each new project on %s first:\n%s",
            repo.label,
            "\n".join(trusted_publisher_lines(workspace, repo, new)),
        )
    if limit is None or len(new) <= limit:
        return
    first = advised_first(workspace, new, order, limit)
    rest = [n for n in new if n not in first]
    needed = [n for n in first if n not in new]
    also = (
        f" ({', '.join(needed)}: new versions of existing projects they need, in this release)"
        if needed
        else ""
    )
    raise PublishError(
        f"this publish would create {len(new)} new projects on {repo.label} "
        f"({', '.join(new)}), more than the {limit} a day it allows "
        "([tool.relnox.publish] new-project-limit); nothing was uploaded. Release the first "
        f"{limit} now, dependencies first: relnox publish {' '.join('-p ' + n for n in first)}"
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

    def needs(name: str) -> set[str]:
        found, stack = {name}, [name]
        while stack:
            for dep in workspace.get(stack.pop()).internal_deps:
                if dep in in_release and dep not in found:
                    found.add(dep)
                    stack.append(dep)
        return found

    chosen: set[str] = set()
    for name in (n for n in order if n in wanted):
        grown = chosen | needs(name)
        if len(grown & wanted) <= limit:
            chosen = grown
    return [n for n in order if n in chosen]


def choose_transport(
    workspace: Workspace,
    credentials: Credentials,
    preferred: str | None = None,
    *,
    attestations: bool = False,
) -> Transport:
    """``uv publish`` where uv runs (the faster, see :mod:`relnox.tools.upload`), else
    twine; twine for keyring credentials (it reads the keyring itself) and for PEP 740
    attestations (uv does not send them to every index). ``preferred`` (or
    ``[tool.relnox.publish] transport``) asks for one."""
    where = f"{workspace.config.source}: [tool.relnox.publish] transport"
    wanted = preferred or workspace.config.section("publish").get("transport", "auto")
    if wanted not in ("auto", *TRANSPORTS):
        raise PublishError(
            f"{where} is {wanted!r}; use one of auto, {', '.join(TRANSPORTS)} (auto: uv publish "
            "where uv runs, else twine)"
        )
    if wanted == "twine" or credentials.method == "keyring" or attestations:
        return Twine()
    uv = uv_binary()
    why = "uv is not installed" if uv is None else uv_cannot_run(uv)
    if uv is not None and why is None:
        return UvPublish(uv)
    if wanted == "uv":
        raise PublishError(f"{where} is 'uv', but {why}; install uv (pip install uv) or use twine")
    return Twine()


def installable_check(workspace: Workspace, extra_index: str | None = None) -> InstallableCheck:
    """``--verify-installable``: a tier that shows on the index must also install from it.

    Each check makes a fresh environment and installs ``name==version`` of the tier's
    packages from the repository's simple index (``extra_index`` for third-party
    requirements, the default for TestPyPI being PyPI), never from a cache.
    """
    pypi = builtin(PYPI)

    def check(repo: Repository, packages: Sequence[tuple[str, str]]) -> str | None:
        extra = extra_index or (pypi.simple_url if pypi and repo.name == TESTPYPI else None)
        installer = find_installer(error=PublishError)
        with tempfile.TemporaryDirectory(prefix="relnox-installable-") as tmp:
            env, made = create_environment(
                installer, Path(tmp) / "venv", resolve_python(None), timeout=300
            )
            if made.ok:
                options = installable_options(repo, extra, installer, packages, Path(tmp))
                wanted = [f"{name}=={version}" for name, version in packages]
                made = install(installer, env, wanted, options=options)
        if refused_login(made.output):  # the index's fault is a login, not the package
            return (
                f"{', '.join(f'{n} {v}' for n, v in packages)} show on {repo.label}, but "
                f"installing from it was refused (a login is needed or was wrong): "
                f"{login_help(repo)}; the next tier waits"
            )
        if made.ok:
            logger.info(
                "  installable from %s: %s",
                repo.label,
                ", ".join(f"{n} {v}" for n, v in packages),
            )
            return None
        return (
            f"{', '.join(f'{n} {v}' for n, v in packages)} show on {repo.label} but do not "
            f"install from it ({made.last_line()}); the next tier waits: fix it and run the "
            "same command again"
        )

    return check


def check_attestations(plan: PublishPlan) -> None:
    """``--attestations``: every file to upload has one beside it, before anything is sent."""
    missing = [
        f.filename for f in plan.files if f.action == "upload" and not attestations_of(f.path)
    ]
    if missing:
        raise PublishError(
            f"--attestations: no PEP 740 attestation beside {', '.join(missing)} in "
            f"{plan.manifest.dist_dir}; sign them first (python -m pypi_attestations sign "
            "FILE..., in a job with an OIDC identity) or publish without --attestations"
        )


def _network(workspace: Workspace, options: PublishOptions) -> NetworkSettings:
    network = options.network or network_settings(workspace.config)
    if options.retries is not None:
        network = dataclasses.replace(network, retries=options.retries)
    if options.retry_delay is not None:
        network = dataclasses.replace(network, retry_delay=options.retry_delay)
    return network


def publish(
    workspace: Workspace, options: PublishOptions, runtime: Runtime | None = None
) -> PublishResult:
    """Plan, confirm (``repository.confirm``: PyPI), upload; returns what happened.

    Preflight failures raise :class:`PublishError` before anything is uploaded. An
    upload failure does not raise: the result has ``ok == False`` and ``error`` set,
    and ``dist/publish-report.json`` records it. ``network`` (default: the workspace's
    ``[tool.relnox.network]``) bounds every wait; ``retries`` and ``retry_delay`` override it.
    """
    seams = PublishRuntime.of(runtime)
    return run_publish(plan_publish(workspace, options, seams), seams)


def run_publish(plan: PublishPlan, runtime: Runtime | None = None) -> PublishResult:
    """Confirm (``repository.confirm``: PyPI) and upload what ``plan`` says, tier by tier."""
    seams = PublishRuntime.of(runtime)
    workspace, options = plan.workspace, plan.options
    env = dict(os.environ if seams.environ is None else seams.environ)
    network = _network(workspace, options)
    run, sleep, confirm = seams.run or watched_runner(network), seams.sleep, seams.confirm
    dry_run, attestations = options.dry_run, options.attestations
    result = PublishResult(
        plan.repository,
        plan.credentials.source,
        dry_run,
        [(r.name, r.version) for r in plan.records],
        new_projects=list(plan.new_projects),
        allowed_stale=dict(plan.allowed_stale),
    )
    if attestations:
        check_attestations(plan)
    names = [r.name for r in plan.records]
    if dry_run:
        result.outcomes = [
            FileOutcome(f, WOULD_UPLOAD if f.action == "upload" else SKIPPED) for f in plan.files
        ]
        result.graph = graph_mermaid(names, workspace)
        return result
    if plan.to_upload and plan.repository.needs_confirmation:
        if confirm is None:
            raise PublishError(
                f"publishing to {plan.repository.label} asks for confirmation, but there is no "
                "terminal to ask on; pass --yes to publish without asking"
            )
        if not confirm(plan.confirmation()):
            raise PublishError(
                f"publishing to {plan.repository.label} cancelled; nothing was uploaded"
            )
    reader = index_reader(plan.repository, plan.credentials, network, sleep)
    uploader = PackageUploader(
        plan,
        env,
        run,
        reader,
        network,
        sleep,
        options.verbose,
        attestations=attestations,
        transport=choose_transport(
            workspace, plan.credentials, options.transport, attestations=attestations
        ),
        serial_creations=new_project_limit(workspace, plan.repository) is not None,
    )
    logger.info("uploading with %s", uploader.transport.name)
    upload_all(
        plan,
        result,
        workspace,
        uploader,
        keep_going=options.keep_going,
        jobs=options.jobs,
        waiting=Waiting(options.wait),
        check_installable=seams.check_installable,
    )
    result.graph = graph_mermaid(names, workspace, {n: result.package_status(n) for n in names})
    for line in result.fix_forward():
        logger.warning("%s", line)
    write_report(result, plan.manifest.dist_dir)
    return result
