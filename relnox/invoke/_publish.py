"""Tasks ``publish``, ``publish-test`` (alias ``testpypi``), ``serve-index`` and ``audit``
(is the release the build manifest describes live on the index, whole?)."""

from __future__ import annotations

import os
import signal
import sys
import time
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from relnox.invoke._args import UsageError
from relnox.invoke._common import (
    chosen,
    echo,
    echo_json,
    echo_result,
    nothing_to_do,
    output_file,
    relnox_task,
    write_output,
)
from relnox.invoke._flags import later, listed, number

if TYPE_CHECKING:
    from relnox.publish import PublishOptions, PublishResult

PUBLISH_HELP = {
    "repository": "pypi, testpypi, local, a name from [tool.relnox.repositories] or ~/.pypirc, or a URL",
    "package": "publish only this package (repeatable; default: every package with files in the dist directory)",
    "dry_run": "do the whole preflight, print what would be uploaded and skipped, upload nothing",
    "yes": "do not ask before uploading to PyPI (needed without a terminal)",
    "keep_going": "after a failed package, go on with the packages that do not need it "
    "(the default; --no-keep-going starts no new tier after a failure)",
    "jobs": "packages uploaded at once within a tier (default: 4)",
    "wait": "seconds a tier may take to show on the index before the next starts, and the "
    "last before the publish ends (default: 300)",
    "no_wait": "do not wait for the files to show on the index (each tier starts at once)",
    "verify_installable": "after each tier shows, install it from the index in a fresh "
    "environment before the next starts",
    "from_tag": "route by this tag: pre-releases to TestPyPI, final versions to PyPI (default: CI's tag)",
    "attestations": "upload each file with its PEP 740 attestations (FILE.*.attestation beside "
    "it, from python -m pypi_attestations sign; PyPI and TestPyPI only)",
    "skip_existing": "accepted for twine users: files already on the index are always skipped",
    "verbose": "more detail (-v: relnox's steps and the uploader's output, uv publish or twine; "
    "-vv: its --verbose)",
}


#: the options of a publish that publish-test takes
TEST_OPTIONS = (
    "repository",
    "packages",
    "dist_dir",
    "dry_run",
    "keep_going",
    "attestations",
    "allow_stale",
)


def ask(message: str) -> bool:
    sys.stdout.write(message + " ")
    sys.stdout.flush()
    return sys.stdin.readline().strip().lower() in ("yes", "y")


def confirmation(yes: bool) -> Callable[[str], bool] | None:
    if yes:
        return lambda message: True
    return ask if sys.stdin.isatty() else None


def _publish(flags: Any, options: PublishOptions, yes: bool, installable: bool) -> PublishResult:
    """``options`` published as ``flags`` (its root, --json, -v) say, with ``--yes`` and
    ``--verify-installable`` (``installable``)."""
    from relnox.project.discovery import load_workspace
    from relnox.publish import STAGE, PublishRuntime

    as_json, verbose = flags.json, flags.verbose
    workspace = load_workspace(flags.root, options.packages)  # another's problem: a warning
    if options.jobs is not None and options.jobs < 1:
        raise UsageError(f"--jobs {options.jobs}: give 1 or more parallel uploads")
    check = None
    if installable:  # its environments' machinery is loaded only when asked for
        from relnox.publish import installable_check

        check = installable_check()
    runtime = PublishRuntime(confirm=confirmation(yes), check_installable=check)
    plan = STAGE.plan(workspace, options, runtime)
    result = STAGE.run(plan, runtime)
    if result.dry_run and not as_json:
        from relnox.report import MANY

        tiers = plan.tiers()  # a line per tier naming each package in it: long at scale
        if len(plan.records) >= MANY and not verbose:
            tiers = [f"{len(tiers)} tier(s) by dependency depth (-v lists them)"]
        echo("\n".join(tiers))
    echo_json(result.to_json()) if as_json else echo_result(result.describe(verbose))
    result.raise_for_failures()
    return result


def _flags(only: tuple[str, ...] | None, *extra: tuple[str, Any]) -> Callable[[], type]:
    skip = ("retries", "retry_delay", "verbose", "transport", "network", "stands_in_for")
    extra = (("changed", False), *extra)
    return later("relnox.publish:PublishOptions", only=only, skip=skip, extra=extra)


def _named(repository: str | None) -> None:
    """``--repository ''`` (an unset ``-r "$INDEX"``) would be PyPI: a usage error."""
    if repository is not None and not repository.strip():
        raise UsageError(
            "--repository is empty; name the index (pypi, testpypi, local, a name from "
            "[tool.relnox.repositories] or ~/.pypirc) or give its URL"
        )


@relnox_task(
    help=PUBLISH_HELP,
    locked=True,
    flags=_flags(
        None,
        ("yes", False),
        ("skip_existing", False),
        ("jobs", 0),
        ("wait", 300),
        ("no_wait", False),
        ("verify_installable", False),
    ),
)
def publish(c: Any, flags: Any) -> dict[str, Any]:
    """Upload the built release to an index in dependency tiers: hash-checked, resumable, wheels first."""
    _named(flags.repository)
    names = chosen(flags.root, flags.package, flags.changed)
    if names is None:
        return nothing_to_do(flags.json, {"packages": [], "uploaded": 0})
    options = flags.options(
        packages=names,
        verbose=flags.verbose >= 2,
        wait=None if flags.no_wait else number(flags.wait, "wait", float),
    )
    return _publish(flags, options, flags.yes, flags.verify_installable).summary()


@relnox_task(
    locked=True,
    name="publish-test",
    aliases=("testpypi",),
    help={
        **PUBLISH_HELP,
        "repository": "where to publish and install from (default: testpypi)",
        "wait": "seconds the uploaded version may take to become installable (default: 120)",
        "extra_index": "index for third-party dependencies when verifying from the test index "
        "(default: PyPI)",
        "extras": "install these extras when verifying: an extra (cli) or name[cli] "
        "(repeatable, or comma-separated)",
    },
    flags=_flags(
        TEST_OPTIONS,
        ("repository", "testpypi"),
        ("wait", 120),
        ("extra_index", ""),
        ("extras", None),
    ),
)
def testpypi(c: Any, flags: Any) -> dict[str, Any]:
    """Publish to TestPyPI, then install the release from there in fresh environments and check it."""
    _named(flags.repository)
    wait = number(flags.wait, "wait", float)  # checked before anything is published
    names = chosen(flags.root, flags.package, flags.changed)
    if names is None:
        return nothing_to_do(flags.json, {"packages": [], "uploaded": 0})
    options = flags.options(packages=names, verbose=flags.verbose >= 2)
    result = _publish(flags, options, yes=False, installable=False)
    summary = result.summary()
    if flags.dry_run:
        return summary
    from relnox.errors import VerifyError
    from relnox.project.discovery import load_workspace
    from relnox.report import MANY
    from relnox.verify import STAGE as VERIFY
    from relnox.verify import VerifyOptions

    label, names = result.repository.label, [name for name, _ in result.packages]
    echo(f"verifying the release from {label}")  # its URL was logged
    checks = VerifyOptions(
        packages=names,
        dist_dir=Path(flags.dist) if flags.dist else None,
        index=flags.repository,
        extra_index=flags.extra_index or None,
        wait=wait,
        extras=listed(flags.extras),
    )
    report = VERIFY.run(VERIFY.plan(load_workspace(flags.root), checks))
    summary["verified"] = bool(report.ok)
    if flags.json:  # the one document: the publish's, with the install check's
        echo_json({**result.to_json(), "verified": bool(report.ok), "verify": report.to_json()})
    echo_result(report.describe())
    if not report.ok:
        raise VerifyError(
            f"the release was published to {label}, but {report.closing()}\n"
            f"(run relnox verify-install --index {flags.repository} -v for details)"
        )
    said = ", ".join(names) if len(names) < MANY else f"the {len(names)} packages"
    echo(always=True, text=f"verified: {said} install from there")
    return summary


def default_index_dir(environ: Mapping[str, str] | None = None) -> Path:
    """``serve-index``'s default: the user's cache, not the repository (an untracked change)."""
    from relnox.tools.history import cache_home

    cache = cache_home(environ)
    if cache is None:
        raise UsageError("serve-index: no home directory to keep the index in; give --data DIR")
    return cache / "relnox" / "index"


@relnox_task(
    name="serve-index",
    help={
        "data": "directory of the index's packages (created; default: relnox/index in the "
        "user's cache directory, outside any repository)",
        "port": "port on 127.0.0.1 (default: a free one)",
        "password_file": "htpasswd file: uploads need one of its users (default: anyone may upload)",
        "host": "interface to listen on (default: 127.0.0.1)",
        "allow_anonymous": "let anyone upload on a host other than 127.0.0.1 (no --password-file)",
    },
)
def serve_index(
    c: Any,
    data: str = "",
    port: int = 0,
    password_file: str | None = None,
    host: str = "127.0.0.1",
    allow_anonymous: bool = False,
    verbose: int = 0,
) -> dict[str, Any]:
    """Run a local package index (pypiserver) until Ctrl-C; the repository name `local` points at it."""
    from relnox.tools.index_server import LOCAL_INDEX_ENV, IndexServerError, LocalIndex

    data = data or str(default_index_dir())
    index = LocalIndex(
        Path(data),
        port=port,
        password_file=Path(password_file) if password_file else None,
        host=host,
        allow_anonymous=allow_anonymous,
    )
    previous = signal.signal(signal.SIGTERM, signal.default_int_handler)  # stops it as Ctrl-C
    # Ctrl-C stops it even when started from a shell that ignores SIGINT (a background job)
    previous_int = signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        index.start()
        uploads = f"need a user of {password_file}" if password_file else "are open to anyone"
        echo(
            f"local index serving {Path(data).resolve()}\n  upload URL: {index.upload_url}\n"
            f"  simple URL: {index.simple_url}\n  export {LOCAL_INDEX_ENV}={index.url}\n"
            f"uploads {uploads}\nPress Ctrl-C to stop."
        )
        while index.running:
            time.sleep(0.2)
        raise IndexServerError(
            f"pypiserver serving {Path(data).resolve()} stopped by itself; start it again"
        )
    except KeyboardInterrupt:
        echo("stopping the local index")
    finally:
        index.stop()
        signal.signal(signal.SIGTERM, previous)
        signal.signal(signal.SIGINT, previous_int)
    return {"upload_url": index.upload_url, "simple_url": index.simple_url}


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


@relnox_task(
    name="audit",
    help=AUDIT_HELP,
    flags=later("relnox.guards:AuditOptions", extra=(("wait", ""), ("markdown", ""))),
)
def audit(c: Any, flags: Any) -> dict[str, Any]:
    """Audit a release on its index: every file, its sha256, completeness, provenance, status."""
    from relnox.artifacts.distdir import dist_path
    from relnox.guards import AUDIT_STAGE
    from relnox.project.discovery import load_workspace

    workspace = load_workspace(flags.root, listed(flags.package))
    if flags.markdown:  # before the audit: a path that cannot take the report
        output_file(Path(flags.markdown), dist_path(workspace, flags.dist), "--markdown")
    # every flag read by options() (empty: the option's default: no wait, no integrity URL)
    report = AUDIT_STAGE.run(AUDIT_STAGE.plan(workspace, flags.options()))
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
