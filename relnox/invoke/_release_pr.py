"""The ``release-pr`` task: thin wrapper over :mod:`relnox.release.release_pr`."""

from __future__ import annotations

from typing import Any

from relnox.invoke._common import echo, echo_json, options_flags, relnox_task


def _flags() -> type:
    from relnox.release import PrOptions

    return options_flags(PrOptions)


@relnox_task(
    name="release-pr",
    help={
        "branch": "the branch that holds the release (default: relnox/release)",
        "remote": "the remote to push it to (default: origin)",
        "base": "the branch the pull request merges into (default: the checked-out one)",
        "dry-run": "print the release and the pull request's body; push and change nothing",
        "repository": "name this index's new projects and the trusted publishers to register "
        "now in the body (e.g. pypi)",
    },
    flags=_flags,
)
def release_pr(c: Any, flags: Any) -> dict[str, Any]:
    """Open or update the pull request holding the next release (GITHUB_TOKEN)."""
    from relnox.release import release_pr as run

    result = run(flags.options())
    found = result.to_json()
    if flags.json:
        echo_json(found)
    else:
        echo("\n".join(result.describe()), always=True)  # the result: what -q keeps
        if flags.dry_run and result.intent.releases:
            echo("\n" + result.body)
    return found
