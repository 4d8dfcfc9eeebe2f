"""A round's install commands as data: what the run starts.

A :class:`Command` is everything that decides what a child does: its argv, its whole
environment, its working directory and the files the round writes for it first (a
requirements file).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from relnox import _proc as proc
from relnox.tools.envs import Environment, Installer, InstallOptions

if TYPE_CHECKING:
    from relnox.verify.model import Artifact, Round

#: pip's cutoff for the release's own packages: none at all
FAR_FUTURE = "2999-12-31T00:00:00Z"


@dataclass(frozen=True)
class Command:
    """One child of a round: equal commands do the same thing (module doc)."""

    argv: tuple[str, ...]
    environ: tuple[tuple[str, str], ...]  # sorted
    cwd: Path
    files: tuple[tuple[Path, str], ...] = ()  # written (text) before it starts

    def run(self, timeout: float) -> proc.Result:
        for path, text in self.files:
            path.write_text(text, encoding="utf-8")
        return proc.run(self.argv, env=dict(self.environ), cwd=self.cwd, timeout=timeout)


def installer_environ(
    env: Environment, netrc: Path | None = None, *, pip_exempt: bool = False
) -> dict[str, str]:
    """The environment of an installer child: the round's index logins through ``NETRC``
    (never argv), the wheels' hashes always checked; ``pip_exempt``: pip's cooldown lifted
    (the child installs only the release's own packages, which no cooldown holds back)."""
    from relnox.tools.index_auth import NETRC_ENV

    environ = env.child_env(index_logins=True)
    environ.pop("UV_NO_VERIFY_HASHES", None)
    if netrc is not None:
        environ[NETRC_ENV] = str(netrc)
    if pip_exempt:
        from relnox.tools.cooldown import PIP_VARIABLE

        environ[PIP_VARIABLE] = FAR_FUTURE
    return environ


def install_command(
    installer: Installer,
    env: Environment,
    work: Path,
    requirements: Sequence[str],
    options: InstallOptions,
    *,
    environ: Mapping[str, str],
    label: str | None = None,
) -> Command:
    """``installer`` installing ``requirements`` into ``env`` from ``work``; with ``label``
    through a requirements file ``requirements-{label}.txt`` (whose ``--hash`` lines the
    installer checks) instead of argv."""
    files: tuple[tuple[Path, str], ...] = ()
    if label is None:
        argv = installer.install_argv(env, requirements, options)
    else:
        file = work / f"requirements-{label}.txt"
        files = ((file, "".join(f"{r}\n" for r in requirements)),)
        argv = installer.install_argv(env, [], replace(options, requirement_files=(file,)))
    return Command(tuple(argv), tuple(sorted(environ.items())), work, files)


def hashed(name: str, extras: str, artifact: Artifact | None) -> str:
    """A requirements-file line: the wheel of dist/ by its file URL and its sha256."""
    assert artifact is not None
    uri = artifact.path.resolve().as_uri()
    return f"{name}{extras} @ {uri} --hash=sha256:{artifact.sha256}"


def hashed_requirements(rnd: Round, work: Path) -> tuple[list[str], dict[str, str], InstallOptions]:
    """A wheel round's requirements for uv: the siblings' lines, each target's line, and
    the options (the wheels the resolver may take are in ``work/links``, copied there by
    the run)."""
    from relnox.artifacts.filenames import parse_wheel_filename

    options = rnd.options
    if rnd.available:
        options = replace(options, find_links=(work / "links",))
    own = [hashed(parse_wheel_filename(a.filename)[0], "", a) for a in rnd.siblings]
    wanted = {t.name: hashed(t.name, t.extras_text, t.wheel) for t in rnd.targets if t.wheel}
    return own, wanted, options
