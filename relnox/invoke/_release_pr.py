"""The ``release-pr`` task: thin wrapper over :mod:`relnox.release.release_pr`."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from relnox.invoke._common import echo, echo_json, relnox_task


@dataclass(frozen=True)
class ReleasePrFlags:
    """The flags of ``release-pr``, one field each (see its task)."""

    root: str = "."
    branch: str = "relnox/release"
    remote: str = "origin"
    base: str = ""
    dry_run: bool = False
    json: bool = False
    verbose: int = 0


@relnox_task(
    name="release-pr",
    help={
        "branch": "the branch that holds the release (default: relnox/release)",
        "remote": "the remote to push it to (default: origin)",
        "base": "the branch the pull request merges into (default: the checked-out one)",
        "dry-run": "print the release and the pull request's body; push and change nothing",
    },
    flags=ReleasePrFlags,
)
def release_pr(c: Any, flags: ReleasePrFlags) -> dict[str, Any]:
    """Open or update the pull request holding the next release (GITHUB_TOKEN)."""
    from pathlib import Path

    from relnox.release import PrOptions
    from relnox.release import release_pr as run

    result = run(
        PrOptions(Path(flags.root), flags.branch, flags.remote, flags.base or None, flags.dry_run)
    )
    found = result.to_json()
    if flags.json:
        echo_json(found)
    else:
        echo("\n".join(result.describe()))
        if flags.dry_run and result.intent.releases:
            echo("\n" + result.body)
    return found
