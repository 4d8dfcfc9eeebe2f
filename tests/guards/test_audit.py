"""The audit of a release on a real local index (pypiserver) and a stand-in integrity API."""

from __future__ import annotations

import dataclasses
import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from relnox.artifacts.manifest import Manifest, read_manifest, write_manifest
from relnox.errors import RelnoxError
from relnox.guards import AuditOptions
from relnox.guards.audit import AuditError, audit
from relnox.project.discovery import load_workspace
from relnox.sample import ProjectSpec, write_workspace
from relnox.tools.index_server import LocalIndex
from tests.conftest import run_relnox
from tests.fault_server import FaultServer, Reply
from tests.guards.integrity_server import IntegrityServer
from tests.guards.support import publish_files
from tests.verify_support import build_release


def test_provenance_address() -> None:
    from relnox.guards.audit import integrity_base, provenance_url
    from relnox.tools.repositories import from_url

    base = integrity_base(from_url("http://127.0.0.1:8080/simple/"))
    assert base == "http://127.0.0.1:8080/integrity/"
    assert provenance_url(base, "Acme_Core", "1.0.0", "acme_core-1.0.0-py3-none-any.whl") == (
        "http://127.0.0.1:8080/integrity/acme-core/1.0.0/acme_core-1.0.0-py3-none-any.whl/provenance"
    )


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("audit") / "ws"
    write_workspace(root, [ProjectSpec("adtrlx-core", "1.2.0"), ProjectSpec("adtrlx-app", "1.2.0")])
    build_release(root)
    return root


@pytest.fixture
def live(built: Path, tmp_path: Path) -> Iterator[tuple[Path, Manifest, LocalIndex]]:
    """The built release, uploaded: its files where a real local index serves them."""
    manifest = read_manifest(built / "dist")
    publish_files(manifest, tmp_path / "index-data")
    with LocalIndex(tmp_path / "index-data", allow_anonymous=True) as index:
        yield built, manifest, index


def _problems(report: object) -> list[tuple[str, str, str]]:
    return [(f.package, f.check, f.file) for f in report.problems]  # type: ignore[attr-defined]


@pytest.mark.slow
def test_a_complete_release_passes(live: tuple[Path, Manifest, LocalIndex]) -> None:
    root, manifest, index = live
    report = audit(load_workspace(root), AuditOptions(repository=index.simple_url))
    assert report.ok, report.describe()
    checks = {(f.package, f.check) for f in report.findings}
    assert ("adtrlx-core", "sha256 (html)") in checks
    assert ("adtrlx-app", "complete") in checks
    assert any("serves no JSON" in n for n in report.notes)  # pypiserver: HTML only
    files = {f.file for f in report.findings if f.check == "sha256 (html)"}
    assert files == {a.filename for r in manifest.packages for a in r.files}


@pytest.mark.slow
def test_a_missing_file_is_found(live: tuple[Path, Manifest, LocalIndex], tmp_path: Path) -> None:
    root, manifest, index = live
    wheel = manifest.get("adtrlx-app").wheels[0].filename
    (tmp_path / "index-data" / wheel).unlink()
    report = audit(load_workspace(root), AuditOptions(repository=index.simple_url))
    assert not report.ok
    assert ("adtrlx-app", "listed (html)", wheel) in _problems(report)
    complete = [f for f in report.problems if f.check == "complete"]
    assert complete and wheel in complete[0].detail
    assert {f.package for f in report.problems} == {"adtrlx-app"}


@pytest.mark.slow
def test_a_different_sha256_is_found(
    live: tuple[Path, Manifest, LocalIndex], tmp_path: Path
) -> None:
    root, manifest, index = live
    sdist = manifest.get("adtrlx-core").sdists[0].filename
    (tmp_path / "index-data" / sdist).write_bytes(b"not the file that was built")
    report = audit(load_workspace(root), AuditOptions(repository=index.simple_url))
    assert _problems(report) == [("adtrlx-core", "sha256 (html)", sdist)]
    assert manifest.get("adtrlx-core").sdists[0].sha256 in report.problems[0].detail


@pytest.mark.slow
def test_a_missing_attestation_is_found(
    live: tuple[Path, Manifest, LocalIndex], tmp_path: Path
) -> None:
    root, manifest, index = live
    dist = tmp_path / "dist"
    dist.mkdir()
    for record in manifest.packages:  # a copy of dist/ whose core wheel was attested
        for artifact in record.files:
            (dist / artifact.filename).write_bytes(
                (manifest.dist_dir / artifact.filename).read_bytes()
            )
    write_manifest(dataclasses.replace(manifest, dist_dir=dist))
    wheel = manifest.get("adtrlx-core").wheels[0].filename
    (dist / f"{wheel}.publish.attestation").write_text("{}", encoding="utf-8")
    with IntegrityServer() as integrity:
        base = integrity.url + "integrity/"
        report = audit(
            load_workspace(root),
            AuditOptions(repository=index.simple_url, dist_dir=dist, integrity_url=base),
        )
        assert _problems(report) == [("adtrlx-core", "provenance", wheel)]
        assert f"/integrity/adtrlx-core/1.2.0/{wheel}/provenance" in integrity.requests
        integrity.provenance[f"adtrlx-core/1.2.0/{wheel}"] = {
            "version": 1,
            "attestation_bundles": [{"publisher": {"kind": "GitHub"}, "attestations": [{}]}],
        }
        # the base from [tool.relnox.audit] integrity-url: read where the command's and the
        # release's audit plan, not by the command alone
        pyproject = root / "pyproject.toml"
        text = pyproject.read_text(encoding="utf-8")
        pyproject.write_text(f'{text}\n[tool.relnox.audit]\nintegrity-url = "{base}"\n')
        try:
            again = audit(load_workspace(root), AuditOptions(index.simple_url, dist_dir=dist))
        finally:
            pyproject.write_text(text, encoding="utf-8")
        assert again.ok, again.describe()
        assert ("adtrlx-core", "provenance", wheel) in {
            (f.package, f.check, f.file) for f in again.findings
        }


def _json_page(record: Any) -> dict[str, Any]:
    """A PEP 691 JSON page listing ``record``'s files with their sha256."""
    return {
        "meta": {"api-version": "1.4"},
        "name": record.name,
        "files": [
            {
                "filename": a.filename,
                "url": f"../../files/{a.filename}",
                "hashes": {"sha256": a.sha256},
            }
            for a in record.files
        ],
    }


@pytest.mark.slow
def test_json_page_and_project_status(built: Path) -> None:
    """An index serving the PEP 691 JSON page: its hashes and its PEP 792 status are read."""
    manifest = read_manifest(built / "dist")
    with IntegrityServer() as server:
        for record in manifest.packages:
            server.pages[record.name] = _json_page(record)
        server.pages["adtrlx-app"]["project-status"] = {"status": "archived", "reason": "moved"}
        report = audit(load_workspace(built), AuditOptions(repository=server.url + "simple/"))
    assert _problems(report) == [("adtrlx-app", "status (json)", "")]
    assert "archived (moved)" in report.problems[0].detail
    assert any("serves no HTML" in n for n in report.notes)


@pytest.mark.slow
def test_a_status_reason_of_many_lines_is_one_line_of_the_report(built: Path) -> None:
    """The reason is the index's free text: its lines became lines of the report, of the
    markdown table (the job summary) and of the closing error; it is now one line, cut short.
    So is a name of a file the index lists beside the build's (a note of the report)."""
    manifest = read_manifest(built / "dist")
    with IntegrityServer() as server:
        for record in manifest.packages:
            server.pages[record.name] = _json_page(record)
            server.pages[record.name]["project-status"] = {
                "status": "archived",
                "reason": "moved\n### ok\n" * 100,
            }
            extra = f"{record.name.replace('-', '_')}-1.2.0-py3-none-x\n### ok\n.whl"
            server.pages[record.name]["files"].append(
                {"filename": extra, "url": "../../files/x.whl", "hashes": {"sha256": "0" * 64}}
            )
        report = audit(load_workspace(built), AuditOptions(repository=server.url + "simple/"))
    details = [f.detail for f in report.problems if f.check == "status (json)"]
    assert details and all("\n" not in d and len(d) < 300 for d in details), details
    assert "\n" not in report.closing_message()
    assert not [line for line in report.markdown().splitlines() if line.startswith("### ok")]
    assert all("\n" not in line for line in report.describe())
    assert all("\n" not in note for note in report.notes), report.notes


@pytest.mark.slow
@pytest.mark.parametrize(
    "page",
    [
        [],
        {"files": "none"},
        {"files": [{"filename": "x.whl", "url": 5}]},
        {"files": [], "project-status": "archived"},
    ],
)
def test_a_json_page_out_of_pep_691s_shape_is_one_line(built: Path, page: object) -> None:
    """An index (or whatever answers) serving JSON that is no PEP 691 page: the audit says
    so, naming the page, instead of a traceback."""
    manifest = read_manifest(built / "dist")
    with IntegrityServer() as server:
        for record in manifest.packages:
            server.pages[record.name] = page  # type: ignore[assignment]
        url = server.url + "simple/"
        if isinstance(page, dict) and page.get("project-status") == "archived":
            report = audit(load_workspace(built), AuditOptions(repository=url))
            assert report.findings  # a string status is no status: read, not a crash
            return
        with pytest.raises(AuditError, match="the index sent invalid PEP 691 JSON") as info:
            audit(load_workspace(built), AuditOptions(repository=url))
    assert "\n" not in str(info.value)


@pytest.mark.slow
def test_version_other_than_the_build_is_a_usage_error(built: Path) -> None:
    with pytest.raises(AuditError, match=r"--version 9\.9\.9: the build manifest"):
        audit(
            load_workspace(built),
            AuditOptions(repository="http://127.0.0.1:9/simple/", version="9.9.9"),
        )


@pytest.mark.slow
def test_the_command_reports_json_and_a_job_summary(
    live: tuple[Path, Manifest, LocalIndex], tmp_path: Path
) -> None:
    root, manifest, index = live
    summary = tmp_path / "summary.md"
    env = {**os.environ, "GITHUB_STEP_SUMMARY": str(summary)}
    done = run_relnox(
        "audit",
        "--repository",
        index.simple_url,
        "--package",
        "adtrlx-core",
        "--json",
        cwd=root,
        env=env,
    )
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    assert data["ok"] is True and data["packages"] == ["adtrlx-core"]
    assert "| adtrlx-core | 1.2.0 | sha256 (html) |" in summary.read_text(encoding="utf-8")
    (tmp_path / "index-data" / manifest.get("adtrlx-core").wheels[0].filename).unlink()
    failed = run_relnox("audit", "--repository", index.simple_url, cwd=root, env=env)
    assert failed.returncode == 1
    assert "Traceback" not in failed.stderr
    assert "relnox: error: the audit of" in failed.stderr
    assert "listed (html)" in failed.stdout


@pytest.mark.parametrize(
    ("flags", "code", "refusal"),
    [
        (["--markdown", "."], 1, "--markdown .: is a directory"),
        (["--markdown", "dist/audit.md"], 1, "which holds only distributions"),
        (["--wait", "nan"], 2, "--wait 'nan' is not a number of seconds from 0 to 86400"),
        (["--wait", "inf"], 2, "--wait 'inf' is not a number of seconds from 0 to 86400"),
    ],
)
def test_a_report_path_or_a_wait_that_cannot_be_is_refused_before_the_audit(
    tmp_path: Path, flags: list[str], code: int, refusal: str
) -> None:
    """A directory gave a traceback after the audit, dist/ took the report among the files
    twine upload dist/* sends, and a wait of nan or inf never ended."""
    root = write_workspace(tmp_path / "ws", [ProjectSpec("adtrlx-solo", "1.0.0")])
    proc = run_relnox("audit", "--repository", "http://127.0.0.1:9/simple/", *flags, cwd=root)
    assert proc.returncode == code and proc.stderr.count("\n") == 1, proc.stderr
    assert refusal in proc.stderr
    assert not (root / "dist").exists()


def test_the_audit_reads_the_index_within_the_network_settings(tmp_path: Path) -> None:
    """``[tool.relnox.network]`` bounds the audit's reads as it bounds publish's: a bad
    value is refused before anything is read (the audit read with the defaults, unchecked)."""
    root = write_workspace(tmp_path / "ws", [ProjectSpec("adtrlx-solo", "1.0.0")])
    with (root / "pyproject.toml").open("a", encoding="utf-8") as config:
        config.write('\n[tool.relnox.network]\ntimeout = "soon"\n')
    proc = run_relnox("audit", "--repository", "http://127.0.0.1:9/simple/", cwd=root)
    assert proc.returncode == 1 and proc.stderr.count("\n") == 1, proc.stderr
    assert "[tool.relnox.network] timeout must be" in proc.stderr


@pytest.mark.slow
def test_an_integrity_api_on_another_host_gets_none_of_the_index_credentials(
    live: tuple[Path, Manifest, LocalIndex], tmp_path: Path
) -> None:
    """integrity-url ([tool.relnox.audit], a repository's own file, or --integrity-url) on
    another host than the index: its 401 was answered with the index's token. It is read
    without it, and its 401 is one line saying so."""
    root, manifest, index = live
    dist = tmp_path / "dist"
    dist.mkdir()
    for record in manifest.packages:  # a copy of dist/ whose core wheel was attested
        for artifact in record.files:
            (dist / artifact.filename).write_bytes(
                (manifest.dist_dir / artifact.filename).read_bytes()
            )
    write_manifest(dataclasses.replace(manifest, dist_dir=dist))
    wheel = manifest.get("adtrlx-core").wheels[0].filename
    (dist / f"{wheel}.publish.attestation").write_text("{}", encoding="utf-8")
    challenge = Reply(401, (("WWW-Authenticate", 'Basic realm="integrity"'),))
    token = "pypi-s3cret-t0ken"
    with FaultServer(rule=lambda seen: challenge) as elsewhere:
        repository = index.simple_url.replace("http://", f"http://__token__:{token}@")
        options = AuditOptions(
            repository=repository, dist_dir=dist, integrity_url=elsewhere.url + "integrity/"
        )
        with pytest.raises(RelnoxError) as info:
            audit(load_workspace(root), options)
        assert elsewhere.seen and not any(seen.authorized for seen in elsewhere.seen)
    message = str(info.value)
    assert "\n" not in message and token not in message
    assert (
        "sends it none of the index's credentials; give the address on the index's own host"
        in message
    )
