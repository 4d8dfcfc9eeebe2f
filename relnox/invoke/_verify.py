"""Task ``verify-install`` (nox: ``verify_install``)."""

from __future__ import annotations

from dataclasses import fields
from typing import Any

from relnox.invoke._args import UsageError
from relnox.invoke._build import SHARD_HELP, TIMINGS_HELP
from relnox.invoke._common import chosen, echo, echo_json, echo_result, nothing_to_do, relnox_task
from relnox.invoke._flags import later, listed, number

VERIFY_HELP = {
    "package": "verify only this package (repeatable; default: every package of the release)",
    "index": "install name==version from this index instead of dist/: testpypi, pypi, local, "
    "a name from [tool.relnox.repositories] or ~/.pypirc, or a URL",
    "extra_index": "index for third-party dependencies (default: the installer's configured index)",
    "wait": "with --index: seconds a just-uploaded version may take to appear (default: 60)",
    "no_deps": "install without dependencies",
    "offline": "use no index at all: the wheels of dist/ (and the installer's cache) only",
    "sdist": "also build every sdist into a wheel in a clean environment and check that",
    "python": "interpreter of the fresh environment: a path, a name or a version (default: this one)",
    "timeout": "seconds each install or check command may take (default: 600)",
    "script_args": 'arguments each console script is started with (default: "--help")',
    "installer": "uv or pip (default: uv, with venv + pip when uv cannot run)",
    "extras": "install these extras with the packages: an extra (cli: every package that "
    "declares it) or name[cli] (repeatable, or comma-separated)",
    "skew_from": "skew guard: also install the last published versions of each package's "
    "workspace dependents from this index with the new release and check them",
    "skew_depth": "with --skew-from: how many published versions of each dependent (default: 1)",
    "accept_skew": "with --skew-from: accept this old dependent failing, knowingly "
    "(NAME==VERSION, repeatable; recorded in the report)",
    "shard": SHARD_HELP,
    "timings": TIMINGS_HELP,
    "dry_run": "print what would be installed and checked, do nothing",
    "verbose": "more detail (-v: every command relnox runs)",
}


@relnox_task(
    name="verify-install",
    help=VERIFY_HELP,
    flags=later(
        "relnox.verify:VerifyOptions",
        skip=("write_record", "checked_before"),
        extra=(
            ("wait", ""),
            ("timeout", ""),
            ("changed", False),
            ("skew_from", ""),
            ("skew_depth", ""),
            ("accept_skew", None),
            ("shard", ""),
            ("timings", ""),
            ("dry_run", False),
        ),
    ),
)
def verify_install(c: Any, flags: Any) -> dict[str, Any]:
    """Install the release into a fresh environment and check every package imports and runs."""
    seconds = {name: number(getattr(flags, name), name, float) for name in ("timeout", "wait")}
    names = chosen(flags.root, flags.package, flags.changed)  # a usage error comes first (exit 2)
    if names is None:
        return nothing_to_do(flags.json, {"packages": [], "ok": True})
    if flags.shard:
        from relnox.invoke._build import shard_names, shard_spec

        spec = shard_spec(flags.shard)
        names = shard_names(flags.root, spec, names, flags.timings)
        if not names:  # the shard as parsed, not as typed (' 3/3\n ')
            said = f"shard {spec} has no packages: nothing to verify"
            return nothing_to_do(flags.json, {"packages": [], "ok": True, "shard": str(spec)}, said)
    return _verify(flags, names, seconds)


def _verify(flags: Any, names: list[str], seconds: dict[str, float | None]) -> dict[str, Any]:
    from relnox.project.discovery import load_workspace
    from relnox.stage import Runtime
    from relnox.verify import STAGE

    options = flags.options(
        packages=names,
        timeout=seconds["timeout"],
        wait=seconds["wait"],
        write_record=not flags.dry_run,
    )
    plan = STAGE.plan(load_workspace(flags.root, names, tags=False), options)
    skew = _skew_plan(flags.root, options, flags.skew_from, flags.skew_depth, flags.accept_skew)
    if flags.dry_run:
        planned = {"dry_run": True, "packages": [t.name for r in plan.rounds for t in r.targets]}
        if flags.json:  # the plan, not an empty document
            echo_json({**plan.to_json(), **planned})
            return planned
        echo("Dry run: nothing is installed")
        echo("\n".join(plan.describe(flags.verbose)))
        if skew is not None:
            echo("\n".join(skew.describe()))
        return planned
    report = STAGE.run(plan, Runtime())
    result = report.to_json()
    skew_report = None
    if skew is not None and report.ok:  # the guard's modules only when it runs
        from relnox.guards import SKEW_STAGE

        skew_report = SKEW_STAGE.run(skew)
        result["skew"] = skew_report.to_json()
    if flags.json:
        echo_json(result)
    else:
        echo_result(report.describe(flags.verbose))
        if skew_report is not None:
            echo_result(skew_report.describe())
    report.raise_for_failures()
    if skew_report is not None:
        skew_report.raise_for_failures()
    return result


def _skew_plan(root: str, verify: Any, index: str, depth: str, accept: Any) -> Any:
    """``--skew-from``: the skew guard's plan (usage errors come before anything runs)."""
    if not index:
        if depth or listed(accept):
            raise UsageError("--skew-depth and --accept-skew need --skew-from INDEX")
        return None
    from relnox.guards import SKEW_STAGE, SkewOptions
    from relnox.project.discovery import load_workspace

    # the install settings of the verify (its packages, dist/, installer...), then the guard's own
    given = {
        f.name: getattr(verify, f.name) for f in fields(SkewOptions) if hasattr(verify, f.name)
    }
    given.update(index=index, accept=listed(accept))
    if depth:
        given["depth"] = number(depth, "skew-depth")
    return SKEW_STAGE.plan(load_workspace(root), SkewOptions(**given))
