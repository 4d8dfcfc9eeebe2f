"""Build environments made while the build is planned: they need only the workspace.

``relnox build-all`` reads the workspace, then plans (git: each package's files and last
commit, the manifest: what can be reused), then makes the build environments (``uv venv`` +
``uv pip install`` of each distinct ``[build-system] requires``, a resolution against the
index), and only then starts the first hook. The environments depend on none of what the
plan reads but which packages it builds. :class:`HeadStart` starts them as soon as the
workspace is loaded, for the packages that are built whatever the plan finds: every
selected one with ``--force``, ``--clean`` or ``--test``, else those the build manifest
holds no build of (all of them on a cold build); a package the manifest records may be
reused, and an environment for it waits for the plan (:meth:`EnvPool.prefetch` in
:func:`relnox.builds.run.execute`), as a build with nothing changed makes none.

:meth:`HeadStart.take` hands the pool to the run when the plan builds with the same
installer, fallback and interpreter found here (the same calls the plan makes); otherwise
the run makes its own. The environments are made by :class:`EnvPool`, the same commands a
run makes, and one that fails is reported by the package that needs it, as without a head
start. Whatever ends the command (a plan error, a dry run, everything reused, Ctrl-C),
:meth:`HeadStart.close` (``with``) waits for what was started and removes its directory:
nothing is left behind.
"""

from __future__ import annotations

import logging
import tempfile
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from relnox.artifacts.manifest import BUILT, has_manifest, read_manifest
from relnox.errors import BuildError, RelnoxError
from relnox.project.workspace import Package, Workspace
from relnox.stage import HeadStartBase

if TYPE_CHECKING:  # environments and installers are loaded only when a package is built
    from relnox.builds.envpool import EnvPool
    from relnox.builds.plan import BuildOptions, BuildPlan
    from relnox.tools.envs import Installer

logger = logging.getLogger("relnox")

#: the prefix of the head start's scratch directory (the run's own is ``relnox-build-``)
TEMP_PREFIX = "relnox-build-early-"


def surely_built(workspace: Workspace, options: BuildOptions) -> tuple[Package, ...]:
    """The selected packages the plan builds whatever it finds (the module's rule)."""
    try:
        selected = workspace.select(options.packages)
    except RelnoxError:  # the plan says so, first
        return ()
    if options.force or options.clean or options.test:
        return selected
    root = workspace.root
    dist_dir = Path(options.out).absolute() if options.out else root / workspace.config.dist_dir
    if not has_manifest(dist_dir):
        return selected
    try:
        manifest = read_manifest(dist_dir)
    except RelnoxError:  # the plan builds every package (and says why)
        return selected
    recorded = {r.name for r in manifest.packages if r.origin == BUILT and r.inputs}
    return tuple(pkg for pkg in selected if pkg.name not in recorded)


class HeadStart(HeadStartBase):
    """The build environments of the packages surely built, made while the plan is read."""

    def __init__(self, workspace: Workspace, options: BuildOptions) -> None:
        self.packages = surely_built(workspace, options)
        self.directory: Path | None = None
        self._slot: tempfile.TemporaryDirectory[str] | None = None
        self.pool: EnvPool | None = None
        self._taken = False
        self._thread: threading.Thread | None = None
        if not self.packages:
            return
        from relnox.tools.envs import find_installer

        try:  # here, not in the thread: the plan asks at once (sysconfig is read once)
            installer = find_installer(options.installer, error=BuildError)
        except RelnoxError:  # an unknown --installer: the plan says so, first
            self.packages = ()
            return
        self._slot = tempfile.TemporaryDirectory(prefix=TEMP_PREFIX, ignore_cleanup_errors=True)
        self.directory = Path(self._slot.name)
        requirements = [pkg.build_requires for pkg in self.packages]
        self._thread = threading.Thread(
            target=self._start,
            args=(installer, options, requirements),
            name="relnox-head-start",
        )
        try:
            self._thread.start()
        except BaseException:  # no thread: nothing of it is left behind
            self._thread = None
            self._slot.cleanup()
            raise

    def _start(
        self, installer: Installer, options: BuildOptions, requirements: Sequence[Sequence[str]]
    ) -> None:
        """Find the interpreter as the plan does, and start the environments (in the
        pool's threads; this one ends once they are started)."""
        from relnox.builds.envpool import EnvPool
        from relnox.tools.envs import PipInstaller, resolve_python

        assert self.directory is not None
        try:  # a --python version may ask uv which interpreters are installed
            python = Path(resolve_python(options.python, error=BuildError))
        except RelnoxError as exc:  # the plan says so, first
            logger.debug("no head start for the build environments: %s", exc)
            return
        auto = options.installer == "auto" and installer.name == "uv"
        fallback = PipInstaller() if auto else None
        self.pool = EnvPool(installer, python, self.directory / "envs", fallback)
        self.pool.prefetch(requirements)  # close() joins whatever of it started

    def take(self, plan: BuildPlan) -> EnvPool | None:
        """The pool, when ``plan`` builds with its installer, fallback and interpreter
        (else ``None``: the run makes its own); given once."""
        if self._thread is not None:
            self._thread.join()
        pool = self.pool
        if self._taken or pool is None:
            return None
        same = (pool.installer, pool.fallback, pool.python) == (
            plan.installer,
            plan.fallback,
            plan.python,
        )
        if not same:
            return None
        self._taken = True
        return pool

    def close(self) -> None:
        """Wait for the environments started here and remove them."""
        try:
            if self._thread is not None:
                self._thread.join()
            if self.pool is not None:
                self.pool.join()
        finally:
            if self._slot is not None:
                self._slot.cleanup()
