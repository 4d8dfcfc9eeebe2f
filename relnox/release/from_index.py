"""After an upload: install the release from the index it went to, and check it.

The second half of ``publish-test`` (and of the release pipeline's ``verify-test``
stage): the packages just published are installed in fresh environments from that
index (third-party dependencies from ``extra_index``), waiting up to ``wait`` seconds
for the new version to appear.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from relnox.errors import VerifyError
from relnox.project.workspace import Workspace
from relnox.verify import VerifyOptions, VerifyReport, closing_message, verify_install


def verify_from_index(
    workspace: Workspace,
    *,
    packages: Sequence[str],
    repository: str,
    label: str,
    dist_dir: Path | None = None,
    extra_index: str | None = None,
    wait: float = 120.0,
    extras: Sequence[str] = (),
) -> VerifyReport:
    """The report of installing ``packages`` from ``repository`` (see :func:`check`)."""
    return verify_install(
        workspace,
        VerifyOptions(
            packages=list(packages),
            dist_dir=dist_dir,
            index=repository,
            extra_index=extra_index or None,
            wait=wait,
            extras=list(extras),
        ),
    )


def check(report: VerifyReport, *, repository: str, label: str) -> None:
    """Raise :class:`VerifyError`, naming the index by ``label``, when ``report`` failed."""
    if not report.ok:
        raise VerifyError(
            f"the release was published to {label}, but {closing_message(report)}\n"
            f"(run relnox verify-install --index {repository} -v for details)"
        )
