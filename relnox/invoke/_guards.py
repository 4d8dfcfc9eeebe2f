"""Task ``audit``: is the release the build manifest describes live on the index, whole?"""

from __future__ import annotations

import os
from typing import Any

from relnox.invoke._common import (
    echo_json,
    echo_result,
    number,
    options_flags,
    output_file,
    relnox_task,
    write_output,
)

AUDIT_HELP = {
    "repository": "the index to audit: pypi (default), testpypi, local, a name from "
    "[tool.relnox.repositories] or ~/.pypirc, or a URL",
    "package": "audit only this package (repeatable; default: every package of the manifest)",
    "version": "the version to audit (it must be the one dist/ was built at)",
    "dist": "directory whose build manifest lists the files (default: [tool.relnox] dist-dir)",
    "integrity_url": "base of the index's integrity API (PEP 740 provenance; default: "
    "beside the simple API, as on PyPI; [tool.relnox.audit] integrity-url)",
    "wait": "seconds to read again while a file is not listed yet (a slow index or CDN)",
    "markdown": "write the report as a markdown table to this file (a release record to "
    "attach to the GitHub release)",
    "json": "print the report as JSON",
}


def integrity_setting(workspace: Any, given: str | None) -> str | None:
    """``--integrity-url``, else ``[tool.relnox.audit] integrity-url``."""
    from relnox.guards import AuditError

    value = given or workspace.config.section("audit").get("integrity-url")
    if value is not None and not isinstance(value, str):
        raise AuditError(
            f"{workspace.config.source}: [tool.relnox.audit] integrity-url = {value!r} must "
            'be a URL like "https://host/integrity/"'
        )
    return value


def _flags() -> type:
    from relnox.guards import AuditOptions

    return options_flags(
        AuditOptions,
        extra=(("wait", ""), ("markdown", "")),
    )


@relnox_task(name="audit", help=AUDIT_HELP, flags=_flags)
def audit(c: Any, flags: Any) -> dict[str, Any]:
    """Audit a release on its index: every file, its sha256, completeness, provenance, status."""
    from pathlib import Path

    from relnox.artifacts.distdir import dist_path
    from relnox.guards import AUDIT_STAGE
    from relnox.project.discovery import load_workspace

    workspace = load_workspace(flags.root)
    if flags.markdown:  # before the audit: a path that cannot take the report
        dist = dist_path(workspace, flags.dist)
        output_file(Path(flags.markdown), dist, "--markdown")
    options = flags.options(
        integrity_url=integrity_setting(workspace, flags.integrity_url or None),
        wait=number(flags.wait, "wait", float) or 0.0,
    )
    report = AUDIT_STAGE.run(AUDIT_STAGE.plan(workspace, options))
    table = report.markdown()
    if flags.markdown:
        write_output(Path(flags.markdown), table)
    summary = os.environ.get("GITHUB_STEP_SUMMARY")
    if summary:
        from relnox.tools.github import append_to

        append_to(Path(summary), table, "GITHUB_STEP_SUMMARY")
    echo_json(report.to_json()) if flags.json else echo_result(report.describe())
    report.raise_for_failures()
    return {"packages": list(report.packages), "versions": report.packages, "ok": True}
