"""What verify plans: the files (with their sha256), the packages, the rounds, the plan."""

from __future__ import annotations

import shlex
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from relnox.redact import redact_url
from relnox.tools.envs import Installer, InstallOptions

if TYPE_CHECKING:
    from relnox.tools.index_auth import IndexLogin
    from relnox.verify.smoke import WheelFacts

DEFAULT_TIMEOUT = 600.0
DEFAULT_WAIT = 60.0  # --index: how long a just-uploaded version may take to appear
DEFAULT_SCRIPT_ARGS: tuple[str, ...] = ("--help",)
Argv = tuple[str, ...]


@dataclass(frozen=True)
class Artifact:
    """A file of the release, with the sha256 the manifest promises."""

    path: Path
    sha256: str

    @property
    def filename(self) -> str:
        return self.path.name


@dataclass(frozen=True)
class Target:
    """One package to check in one environment."""

    name: str
    version: str
    artifact: str  # how the output names it: a file of dist/, or "name==version from INDEX"
    modules: tuple[str, ...]  # import packages the wheel ships (plus the source tree's)
    facts: WheelFacts | None = None  # the released wheel (None when installing from an index)
    wheel: Artifact | None = None
    sdist: Artifact | None = None  # the sdist round builds this into a wheel first
    commands: tuple[Argv, ...] = ()
    requires_python: str | None = None
    extras: tuple[str, ...] = ()  # installed with it (--extras)
    dunder_version: bool = True  # the check compares the modules' __version__ (plan.py)
    #: from an index: the files dist/'s manifest records for this version, with their sha256
    published: tuple[tuple[str, str], ...] = ()

    @property
    def requirement(self) -> str:
        return f"{self.name}{self.extras_text}=={self.version}"

    @property
    def extras_text(self) -> str:
        return f"[{','.join(self.extras)}]" if self.extras else ""


@dataclass(frozen=True)
class Round:
    """One fresh environment: ``kind`` is ``wheel``, ``sdist`` or ``index``."""

    kind: str
    targets: tuple[Target, ...]
    siblings: tuple[Artifact, ...] = ()  # internal dependencies installed but not checked
    options: InstallOptions = field(default_factory=InstallOptions)
    index_name: str | None = None
    index_url: str | None = None
    wait: float = 0.0
    python: str | None = None  # None: the plan's interpreter; else one requires-python needs
    available: tuple[Artifact, ...] = ()  # wheels the resolver may take (other rounds' targets)
    logins: tuple[IndexLogin, ...] = ()  # handed to the installer in a netrc (never argv)
    index_login: str | None = None  # where the index's login came from (None: none is sent)
    login_help: str = ""  # where one could come from
    cooldown: tuple[str, ...] = ()  # the installer's cooldown settings (tools/cooldown.py)
    checked_before: bool = False  # VerifyOptions.checked_before


@dataclass(frozen=True)
class ScriptArgs:
    default: Argv | None = DEFAULT_SCRIPT_ARGS
    per_script: Mapping[str, Argv | None] = field(default_factory=dict)

    def argv(self, bin_dir: Path, name: str) -> Argv | None:
        """The script ``name`` of ``bin_dir`` with the arguments it is started with; None:
        do not run it."""
        args = self.per_script.get(name, self.default)
        return None if args is None else (str(bin_dir / name), *args)


@dataclass(frozen=True)
class VerifyPlan:
    rounds: tuple[Round, ...]
    installer: Installer
    python: str
    timeout: float
    script_args: ScriptArgs
    commands: tuple[Argv, ...]  # [tool.relnox.verify] commands of the root, run in every round
    dist_dir: Path | None
    skipped: tuple[tuple[str, Target, str], ...] = ()  # (round kind, target, why)
    allowed_stale: Mapping[str, str] = field(default_factory=dict)  # --allow-stale: what changed
    pins: Mapping[str, str] = field(default_factory=dict)  # plan._pins
    pinned_below: Mapping[str, str] = field(default_factory=dict)

    def describe(self, verbose: int = 0) -> list[str]:
        """The plan in words: a round's packages named with ``verbose`` or when few."""
        from relnox.report import MANY

        lines = []
        for rnd in self.rounds:
            source = f"{rnd.index_name} ({rnd.index_url})" if rnd.index_url else str(self.dist_dir)
            lines.append(
                f"{rnd.kind}: one fresh {self.installer.name} environment "
                f"({rnd.python or self.python}), {len(rnd.targets)} package(s) from {source}"
                + ("" if verbose or len(rnd.targets) < MANY else " (-v lists them)")
            )
            for target in rnd.targets if verbose or len(rnd.targets) < MANY else ():
                extras = f" with extras {target.extras_text}" if target.extras else ""
                lines.append(f"  {target.name} {target.version}: {target.artifact}{extras}")
        for kind, target, why in self.skipped:
            lines.append(f"{kind}: skip {target.name} {target.version}: {why}")
        lines += [f"command: {shlex.join(c)}" for c in self.commands]
        return lines

    def to_json(self) -> dict[str, Any]:
        return {
            "installer": self.installer.name,
            "python": self.python,
            "rounds": [
                {
                    "kind": rnd.kind,
                    "index": redact_url(rnd.index_url) if rnd.index_url else None,
                    "packages": {t.name: t.version for t in rnd.targets},
                }
                for rnd in self.rounds
            ],
            "skipped": [
                {"round": kind, "package": t.name, "why": why} for kind, t, why in self.skipped
            ],
            "commands": [list(c) for c in self.commands],
        }


@dataclass(frozen=True)
class VerifyOptions:
    """``relnox verify-install``'s flags: ``index`` None verifies ``dist_dir``'s wheels."""

    packages: Sequence[str] = ()
    dist_dir: Path | str | None = None
    index: str | None = None
    extra_index: str | None = None
    no_deps: bool = False
    offline: bool = False
    sdist: bool = False
    python: str | None = None
    timeout: float | None = None
    script_args: Sequence[str] | str | None = None
    wait: float | None = None
    installer: str | None = None
    extras: Sequence[str] = ()
    write_record: bool = True  # record the files found in a dist/ relnox did not build
    #: ``--index`` after a verify of the same build from dist/ (the release's later rounds):
    #: every built file must be listed on the index with the built sha256
    checked_before: bool = False
    allow_stale: Sequence[str] = ()
