"""Tasks ``plan``, ``doctor``, ``ci-init`` and ``release-notes``; each returns a dict of its
results, on GitHub Actions step outputs and a job summary (:mod:`relnox.tools.github`)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from relnox.invoke._build import TIMINGS_HELP
from relnox.invoke._common import echo, echo_json, output_file, relnox_task, show, write_output
from relnox.invoke._flags import listed, plain_flags
from relnox.log import QUIET_ENV


@relnox_task(
    help={
        "part": "show the versions this bump would give (major, minor, patch, pre, ...)",
        "pre": "pre-release label for --part (a, b, rc, dev, ...)",
        "since": "compare with this commit instead of each package's last tag",
        "api": "show the part each package's public API change since its last release tag "
        "demands (griffe: pip install 'relnox[api]'; on with [tool.relnox] check-api = true)",
        "json": "print JSON",
        "shards": "instead: split the packages into N shards (or auto) balanced by their last "
        "build times, for build-all --shard K/N (relnox.shards)",
        "package": "only these packages (repeatable; default: all); with --shards: split only these",
        "timings": "with --shards: " + TIMINGS_HELP,
        "intent": "instead: the release the news fragments or conventional commits give, "
        "each version with its reason (what release-pr proposes)",
    },
    flags=plain_flags(
        ("part", ""),
        ("pre", ""),
        ("since", ""),
        ("api", False),
        ("json", False),
        ("root", "."),
        ("shards", ""),
        ("package", None),
        ("timings", ""),
        ("intent", False),
    ),
)
def plan(c: Any, flags: Any) -> dict[str, Any]:
    """Per package: last tag, changed since it, and the version a --part bump would give."""
    if flags.shards:
        from relnox.invoke._build import plan_shards_task

        return plan_shards_task(flags.root, flags.shards, flags.package, flags.timings, flags.json)
    if flags.intent:
        return _intent(flags)
    from relnox.guards import api_changes, enabled
    from relnox.project.changes import plan as make_plan
    from relnox.project.discovery import listing, raise_broken
    from relnox.project.pins import pin_rules, said_once
    from relnox.report import render_table
    from relnox.tools import git

    root = Path(flags.root).resolve()
    with git.held(root):  # a read: the top, HEAD, the tags and their files read once
        # the sound packages planned, the others' problems raised (no copy looked for at tags)
        workspace = listing(root, moved=False)
        rows = make_plan(
            workspace, flags.part or None, flags.pre or None, since=flags.since or None
        )
        if flags.package:  # each name checked: a typo is a usage error with a "did you mean"
            wanted = {workspace.get(name).name for name in flags.package}
            rows = [r for r in rows if r.name in wanted]
        asked = flags.api or enabled(workspace)  # the API change of each package
        demands = {change.name: change for change in api_changes(workspace)} if asked else None
        # requirements the history moves otherwise
        rules = pin_rules(workspace, {r.name for r in rows if r.changed})
    if flags.json:
        found = [{**r.as_dict(), **_api_cell(demands, r.name, True)} for r in rows]
        echo_json({"packages": found, **({"pin_rules": said_once(rules)} if rules else {})})
    else:
        table = [
            {
                **r.as_dict(),
                "changed": "yes" if r.changed else "no",
                "next": r.next_version,
                **_api_cell(demands, r.name, False),
            }
            for r in rows
        ]
        columns = ["name", "version", "last_tag", "changed", "commits", "files"]
        columns += ["next"] if flags.part else []
        shown = [*columns, "api"] if demands is not None else columns
        echo(render_table(table, shown), always=True)  # a listing: the result -q keeps
        for line in said_once(rules, every=bool(flags.verbose)):  # shared reasons said once
            echo(f"  {line}")
        for row in rows:
            if row.note:
                echo(f"  {row.note}")
    raise_broken(workspace)
    changed = [r for r in rows if r.changed]
    return {
        "packages": [r.name for r in changed],
        "versions": {r.name: r.next_version or r.version for r in changed},
        "directories": {r.name: r.directory for r in changed},
        "changed": bool(changed),
    }


def _intent(flags: Any) -> dict[str, Any]:
    from relnox.project.discovery import load_workspace
    from relnox.release import release_intent

    found = release_intent(load_workspace(flags.root))
    # the result and its reasons: what -q keeps
    show(flags.json, found.to_json(), found.describe(flags.verbose), always=True)
    return {**found.to_json(), "changed": bool(found.releases)}


def _api_cell(demands: dict[str, Any] | None, name: str, as_json: bool) -> dict[str, Any]:
    change = (demands or {}).get(name)
    if change is None:
        return {}
    return {"api": change.to_dict() if as_json else change.demands if change.released else "-"}


@relnox_task(
    help={
        "version": "the version about to be released (default: each package's version)",
        "package": "check only this package (repeatable; repository-wide checks always run)",
        "repository": "also ask this index (name or URL) whether each package's version is "
        "new there and its name is this project's (the one check that uses the network)",
        "json": "print the checks as JSON",
    },
    flags=plain_flags(
        ("root", "."),
        ("version", ""),
        ("package", None),
        ("repository", ""),
    ),
)
def doctor(c: Any, flags: Any) -> dict[str, Any]:
    """Check the repository before a release (read-only); exit 1 on any error."""
    from relnox.errors import RelnoxError
    from relnox.release import doctor as run_doctor
    from relnox.report import MANY, render_table

    json, verbose, repository = flags.json, flags.verbose, flags.repository or None
    packages = listed(flags.package)
    report = run_doctor(
        flags.root, version=flags.version or None, packages=packages, repository=repository
    )
    errors, warnings = len(report.errors), len(report.warnings)
    checks = [c.as_dict() for c in report.checks]
    result = {"schema": 1, "root": str(report.root), "checks": checks}
    result.update(errors=errors, warnings=warnings)
    if json:
        echo_json(result)
    else:
        done, findings = doctor_digest(report)
        if verbose or len(report.packages) < MANY:  # every check, a row each
            echo(render_table(checks, ["check", "status", "detail"]))
            done = []
            findings = findings if os.environ.get(QUIET_ENV, "") not in ("", "0") else []
        for line in done:
            echo(line)
        for line in findings:  # -q keeps every error and warning
            echo(line, always=True)
    if errors:
        first = report.errors[0]
        said = f"doctor found {errors} error(s) and {warnings} warning(s) in {report.root}"
        first_line = f"; first: {first.check}: {first.detail}"
        # one error is the message; of several, the first again when the line stays short
        short = len(said) - len(str(report.root)) + len(first_line) <= 200
        shown = first_line if errors == 1 or short else ""
        raise RelnoxError(f"{said} (each said above){shown}")
    if not json:
        echo(f"doctor: {len(report.checks)} checks, no errors, {warnings} warning(s)", always=True)
    return result


def doctor_digest(report: Any) -> tuple[list[str], list[str]]:
    """doctor's checks at scale: the ok ones counted by kind; every error and warning,
    those many packages share once (:func:`relnox.report.grouped`)."""
    from collections import Counter

    from relnox.report import fold_not_released, grouped, package_free, wrapped

    kinds = Counter(
        package_free(c.check, report.packages) for c in report.checks if c.status == "ok"
    )
    told = [f"{kind} x{n}" if n > 1 else kind for kind, n in kinds.items()]
    lines = wrapped(told)  # each indented: the first line's indent makes way for the count
    if lines:
        lines[0] = f"ok: {sum(kinds.values())} checks: {lines[0].removeprefix('    ')}"
    findings = []
    for status, label in (("error", "error"), ("warn", "warning")):
        found = [f"{c.check}: {c.detail}" for c in report.checks if c.status == status]
        shared = grouped(found, report.packages, folders=report.folders)
        shared = fold_not_released(shared, report.unreleased, report.root)
        findings += [f"{label}: {line}" for line in shared]
    return lines, findings


@relnox_task(
    name="ci-init",
    help={
        "dry_run": "print the files instead of writing them",
        "force": "overwrite existing workflow files",
        "json": "print the result as JSON (with --dry-run, each file's text too)",
    },
    flags=plain_flags(("root", "."), ("dry_run", False), ("force", False)),
)
def ci_init(c: Any, flags: Any) -> dict[str, Any]:
    """Write GitHub Actions workflows (release + auto-tag) that run relnox's nox sessions."""
    from relnox.ci import STAGE, CiOptions
    from relnox.project.discovery import load_workspace

    dry_run = flags.dry_run
    plan = STAGE.plan(load_workspace(flags.root), CiOptions(force=flags.force or dry_run))
    result = {"files": plan.names, "dry_run": dry_run, "notes": list(plan.notes)}
    texts = {n: f.text for n, f in zip(plan.names, plan.files, strict=True)}
    if not dry_run:
        STAGE.run(plan)
    if flags.json:
        echo_json({**result, **({"texts": texts} if dry_run else {})})
    elif dry_run:
        for name, text in texts.items():
            echo(f"# --- {name}\n" + text.rstrip("\n"))
    for line in [] if flags.json else plan.notes if dry_run else plan.describe():
        echo(line)
    return result


@relnox_task(
    name="release-notes",
    positional=["version"],
    help={
        "version": "the version or release tag, e.g. 1.2.0 or core-v1.2.0",
        "package": "the package (default: the one the tag names, or those at VERSION)",
        "output": "file to write (default: .relnox/dist/release-notes.md, beside dist/; - prints it)",
        "repository": "the index the release went to, named in the install lines (default: "
        "the publish routing: pre-releases to TestPyPI, final versions to PyPI)",
        "json": "print the result as JSON (with --output -, the notes' text too)",
        "install_only": "only the installation section (to append to notes written on GitHub)",
        "files": "also write the paths of this release's files in dist/ (its packages at "
        "VERSION) to this file, one a line: what gh release create attaches",
        "gitlab_release": "also make the GitLab release of the tag VERSION with these notes "
        "(in a GitLab CI job: its CI_JOB_TOKEN; a release already there is left)",
    },
    flags=plain_flags(
        "version",
        ("package", ""),
        ("output", ""),
        ("repository", ""),
        ("root", "."),
        ("install_only", False),
        ("files", ""),
        ("gitlab_release", False),
    ),
)
def release_notes(c: Any, flags: Any) -> dict[str, Any]:
    """Write VERSION's changelog section plus install instructions, for gh release --notes-file."""
    from relnox.artifacts.distdir import dist_path
    from relnox.artifacts.manifest import ensure_state_dir
    from relnox.atomic import put_back
    from relnox.errors import RelnoxError
    from relnox.project.discovery import load_workspace
    from relnox.release import NOTES_FILE, release_notes

    workspace = load_workspace(flags.root, [flags.package] if flags.package else None)
    notes = release_notes(
        workspace,
        flags.version,
        flags.package or None,
        flags.repository or None,
        install_only=flags.install_only,
    )
    dist = dist_path(workspace)  # dist/ holds only distributions
    if flags.output and flags.output != "-":
        output_file(Path(flags.output), dist, "--output")
    if flags.files:
        output_file(Path(flags.files), dist, "--files")
    # every file is checked before the notes are written: a refused one leaves neither
    found = _release_files(dist, notes.packages, notes.version) if flags.files else []
    path = None
    if flags.output != "-":
        target = Path(flags.output) if flags.output else ensure_state_dir(dist) / NOTES_FILE
        before = target.read_bytes() if target.is_file() else None
        path = write_output(target, notes.text, through_link=bool(flags.output))
    result = {
        "packages": list(notes.packages),
        "versions": dict.fromkeys(notes.packages, notes.version),
        "notes_file": str(path) if path else "",
    }
    if flags.files:
        try:
            write_output(Path(flags.files), "".join(f"{f}\n" for f in found))
        except RelnoxError:
            if path is not None:  # all or nothing: the notes go back
                put_back({path: before}, ())
            raise
        result["files"] = [f.name for f in found]
    if flags.gitlab_release:
        from relnox.tools.gitlab import create_release

        made = create_release(flags.version, notes.text)
        result["gitlab_release"] = "created" if made else "exists"
        if not flags.json:
            echo(f"{flags.version}: GitLab release {'created' if made else 'exists already'}")
    if flags.json:
        echo_json({**result, **({"text": notes.text} if path is None else {})})
    elif path is None:  # --output -: the notes are the result, -q keeps them
        echo(notes.text.rstrip("\n"), always=True)
    else:
        echo(f"wrote the release notes of {', '.join(notes.packages)} {notes.version} to {path}")
    return result


def _release_files(dist: Path, packages: tuple[str, ...], version: str) -> list[Path]:
    """The wheels and sdists in ``dist`` of ``packages`` at ``version``, as publish finds them."""
    from packaging.utils import canonicalize_name

    from relnox.artifacts.distdir import scan
    from relnox.errors import ConfigError
    from relnox.versions.arithmetic import same_version

    wanted = {canonicalize_name(name) for name in packages}
    found = scan(dist, ConfigError) if dist.is_dir() else {}
    return sorted(
        path
        for name, files in found.items()
        if name in wanted
        for path, at in files
        if same_version(str(at), version)
    )
