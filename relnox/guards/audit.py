"""The audit: is every file the build manifest lists live on the index, whole and intact
(docs/guards.md, "The audit")? Problems are findings in the report; only usage errors
raise :class:`AuditError`."""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote

from packaging.utils import canonicalize_name, parse_wheel_filename
from packaging.version import InvalidVersion, Version

from relnox.artifacts.checks import name_and_version
from relnox.artifacts.distdir import dist_path
from relnox.artifacts.manifest import Manifest, PackageRecord, read_manifest
from relnox.errors import PublishError, RelnoxError
from relnox.progress import finished
from relnox.project.workspace import Workspace
from relnox.stage import Runtime, Stage
from relnox.tools.credentials import TOKEN_USERNAME
from relnox.tools.network import NetworkSettings, network_settings, upload_wait
from relnox.tools.repositories import Repository, resolve
from relnox.tools.simple_api import JSON_TYPE, IndexReader, page_of, page_url
from relnox.tools.simple_pages import ProjectPage
from relnox.tools.upload import attestations_of

logger = logging.getLogger("relnox")

ACTIVE = "active"


@dataclass(frozen=True)
class Finding:
    """One thing checked for one file or project: ``ok`` or what is wrong."""

    package: str
    version: str
    check: str  # "listed (json)", "sha256 (html)", "complete", "provenance", "status"
    ok: bool
    file: str = ""  # "" for the project
    detail: str = ""


@dataclass
class AuditReport:
    repository: Repository
    findings: list[Finding] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return all(f.ok for f in self.findings)

    @property
    def problems(self) -> list[Finding]:
        return [f for f in self.findings if not f.ok]

    @property
    def packages(self) -> dict[str, str]:
        return {f.package: f.version for f in self.findings}

    def describe(self) -> list[str]:
        """The report in words: one line per package, then each problem."""
        lines = [f"Audit of {self.repository.where}:"]
        for name, version in self.packages.items():
            mine = [f for f in self.findings if f.package == name]
            bad = [f for f in mine if not f.ok]
            passed = f"{len(mine) - len(bad)} of {len(mine)} checks passed"
            lines.append(f"  {'ok  ' if not bad else 'FAIL'} {name} {version}: {passed}")
            lines += [f"       {f.check}{' ' + f.file if f.file else ''}: {f.detail}" for f in bad]
        lines += [f"  note: {n}" for n in self.notes]
        return lines

    def markdown(self) -> str:
        """A markdown table of the report (a job summary, or the release record)."""
        lines = [
            f"### relnox audit: {self.repository.label}",
            "",
            "| package | version | check | file | result |",
            "| --- | --- | --- | --- | --- |",
        ]
        for f in self.findings:
            result = "ok" if f.ok else f"**{f.detail or 'failed'}**".replace("|", "\\|")
            lines.append(f"| {f.package} | {f.version} | {f.check} | {f.file or '-'} | {result} |")
        lines += ["", *[f"- {n}" for n in self.notes]]
        return "\n".join(lines).rstrip() + "\n\n"

    def raise_for_failures(self) -> None:
        if not self.ok:
            raise AuditError(self.closing_message())

    def closing_message(self) -> str:
        named = "; ".join(
            f"{f.package} {f.version} {f.check}{' ' + f.file if f.file else ''}: {f.detail}"
            for f in self.problems[:5]
        )
        return (
            f"the audit of {self.repository.label} found {len(self.problems)} problem(s): "
            f"{named}; a missing file can be uploaded again (relnox publish), a changed file "
            "or a missing attestation cannot: release a post version"
        )

    def to_json(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "repository": self.repository.to_json(),
            "packages": list(self.packages),
            "versions": self.packages,
            "problems": len(self.problems),
            "findings": [asdict(f) for f in self.findings],
            "notes": self.notes,
            "seconds": round(self.seconds, 2),
        }


def _check_version(manifest: Manifest, records: Sequence[PackageRecord], version: str) -> None:
    """``--version``: the release's version must be the one the build manifest holds."""
    try:
        wanted = Version(version)
    except InvalidVersion:
        raise AuditError(f"--version {version!r} is not a version; write e.g. 1.4.0") from None
    others = [f"{r.name} {r.version}" for r in records if Version(r.version) != wanted]
    if others:
        raise AuditError(
            f"--version {version}: the build manifest of {manifest.dist_dir} holds "
            f"{', '.join(others)}, so it cannot say which files {version} should have; "
            "audit the version it holds, or build that version first"
        )


@dataclass(frozen=True)
class AuditOptions:
    repository: str = "pypi"
    packages: Sequence[str] = ()
    version: str | None = None  # the release's version when it is not the manifest's
    dist_dir: Path | str | None = None
    integrity_url: str | None = None  # the integrity API's base (default: beside the simple API)
    wait: float = 0.0  # seconds to read again while a file is missing (a slow index or CDN)


@dataclass(frozen=True)
class AuditPlan:
    """Which release to read back from which index, and for how long to wait for it."""

    repository: Repository
    manifest: Manifest
    records: tuple[PackageRecord, ...]
    integrity_url: str
    wait: float
    network: NetworkSettings

    def describe(self) -> list[str]:
        return [
            f"{r.name} {r.version}: {len(r.files)} file(s) on {self.repository.label}: listed, "
            "same sha256, the release complete, provenance where attested"
            for r in self.records
        ]

    def to_json(self) -> dict[str, Any]:
        return {
            "repository": self.repository.label,
            "packages": {r.name: r.version for r in self.records},
            "files": [a.filename for r in self.records for a in r.files],
            "integrity_url": self.integrity_url,
            "wait": self.wait,
        }


def plan_audit(workspace: Workspace, options: AuditOptions) -> AuditPlan:
    """The release the build manifest of ``dist_dir`` describes, on ``repository``."""
    try:
        network = network_settings(workspace.config)  # a bad [tool.relnox.network] first
        repo = resolve(options.repository, workspace.config)
        manifest = read_manifest(dist_path(workspace, options.dist_dir))
        records = manifest.select([canonicalize_name(p) for p in options.packages])
    except RelnoxError as exc:
        raise AuditError(str(exc)) from None
    if options.version is not None:
        _check_version(manifest, records, options.version)
    base = options.integrity_url or workspace.config.section("audit").get("integrity-url")
    if base is not None and not isinstance(base, str):
        raise AuditError(
            f"{workspace.config.source}: [tool.relnox.audit] integrity-url = {base!r} must "
            'be a URL like "https://host/integrity/"'
        )
    return AuditPlan(repo, manifest, records, base or integrity_base(repo), options.wait, network)


def run_audit(plan: AuditPlan, runtime: Runtime | None = None) -> AuditReport:
    """Read every file of the plan back from the index (again while one is not listed yet)."""
    sleep = (runtime or Runtime()).sleep
    start = time.perf_counter()
    repo = plan.repository
    reader = reader_for(repo, plan.network, sleep)
    deadline = time.monotonic() + plan.wait
    attempt = 0
    while True:
        report = AuditReport(repo)
        for record in plan.records:
            _audit_package(report, reader, plan, record)
        missing = any(not f.ok and f.check.startswith("listed") for f in report.findings)
        if not missing or time.monotonic() >= deadline:
            break
        attempt += 1
        pause = upload_wait(attempt, deadline)
        logger.info("audit: files not listed yet on %s; reading again in %.0fs", repo.label, pause)
        sleep(pause)
    report.seconds = time.perf_counter() - start
    return report


def audit(
    workspace: Workspace, options: AuditOptions, runtime: Runtime | None = None
) -> AuditReport:
    return run_audit(plan_audit(workspace, options), runtime)


def _audit_package(
    report: AuditReport, reader: IndexReader, plan: AuditPlan, record: PackageRecord
) -> None:
    name, version, manifest = record.name, record.version, plan.manifest

    def found(check: str, ok: bool, subject: str = "", detail: str = "") -> None:
        report.findings.append(Finding(name, version, check, ok, subject, detail))

    total = len(manifest.packages)
    where = report.repository.label
    logger.info("audit: %s %s on %s", name, version, where, extra=finished("audit", name, total))
    pages, notes = pages_of(reader, name)
    report.notes += notes
    for kind, page in pages:
        for artifact in record.files:
            listed = page.files.get(artifact.filename)
            check = f"listed ({kind})"
            if listed is None:
                found(check, False, artifact.filename, f"not on the {kind.upper()} page")
                continue
            found(check, True, artifact.filename)
            sha = reader.sha256(listed, artifact.size)
            same = sha == artifact.sha256
            wrong = "" if same else f"the index has {sha}, the build {artifact.sha256}"
            found(f"sha256 ({kind})", same, artifact.filename, wrong)
        active = page.status == ACTIVE
        reason = f" ({page.reason})" if page.reason else ""
        why = "" if active else f"the project is {page.status}{reason}; installers may refuse it"
        found(f"status ({kind})", active, "", why)
    on_index = {
        f
        for _, page in pages
        for f in page.files
        if (parsed := name_and_version(f)) and str(parsed[1]) == version
    }
    wanted = {a.filename for a in record.files}
    missing = sorted(wanted - on_index)
    extra = sorted(on_index - wanted)
    problems = [f"missing {', '.join(missing)}"] if missing else []
    problems += [] if record.sdists else ["the build made no sdist"]
    tags = [sorted(str(t) for t in parse_wheel_filename(w.filename)[3])[0] for w in record.wheels]
    detail = "; ".join(problems) or (
        f"{len(record.wheels)} wheel(s) ({', '.join(tags)}) and {len(record.sdists)} sdist"
    )
    found("complete", not problems, "", detail)
    if extra:  # the index's names: one quoted when it holds a line end (no line of ours)
        named = ", ".join(f if f.isprintable() else repr(f) for f in extra)
        report.notes.append(
            f"{name} {version}: the index also has {named}, which this build did not make"
        )
    for artifact in record.files:
        if not attestations_of(manifest.dist_dir / artifact.filename):
            continue
        url = provenance_url(plan.integrity_url, name, version, artifact.filename)
        accept = "application/vnd.pypi.integrity.v1+json, application/json"
        code, _, text = reader.read(url, accept)  # its login goes to its own origins only
        try:
            data = json.loads(text) if code == 200 else None
        except json.JSONDecodeError:
            data = None
        ok = isinstance(data, dict) and bool(data.get("attestation_bundles"))
        why = "" if ok else f"attestations were made but {url} has none (HTTP {code})"
        found("provenance", ok, artifact.filename, why)


HTML_ACCEPT = "application/vnd.pypi.simple.v1+html, text/html;q=0.5"


class AuditError(RelnoxError):
    """A usage error of the audit (no manifest, an unknown package or version)."""


def pages_of(reader: IndexReader, project: str) -> tuple[list[tuple[str, ProjectPage]], list[str]]:
    """The project's page in each format the index serves, and notes on the others."""
    url = page_url(reader.simple_url, project)
    pages: list[tuple[str, ProjectPage]] = []
    notes: list[str] = []
    for kind, accept in (("json", JSON_TYPE), ("html", HTML_ACCEPT)):
        status, content_type, text = reader.read(url, accept)
        served = "json" if content_type.split(";")[0].strip() == JSON_TYPE else "html"
        if status != 404 and served != kind:
            notes.append(f"{project}: the index serves no {kind.upper()} simple page; not checked")
            continue
        try:
            pages.append((kind, page_of(url, status, content_type, text)))
        except PublishError as exc:  # not PEP 691's shape
            raise AuditError(str(exc)) from None
    return pages, notes


def reader_for(
    repo: Repository, network: NetworkSettings, sleep: Callable[[float], None] = time.sleep
) -> IndexReader:
    """``repo``'s simple API, read with its login (a password alone: an API token)."""
    auth = (repo.username or TOKEN_USERNAME, repo.password) if repo.password else None
    return IndexReader.of(repo, auth, network, sleep)


def integrity_base(repository: Repository) -> str:
    """Where the index's integrity API is: beside its simple API (``.../integrity/``)."""
    return repository.simple_url.removesuffix("simple/") + "integrity/"


def provenance_url(base: str, project: str, version: str, filename: str) -> str:
    name = canonicalize_name(project)
    return f"{base.rstrip('/')}/{name}/{quote(version)}/{quote(filename)}/provenance"


AUDIT_STAGE: Stage[AuditOptions, AuditPlan, AuditReport] = Stage(
    "audit", AuditOptions, plan_audit, run_audit
)
