"""``build-all --test``: a package's tests against the wheel just built, in a fresh environment.

pytest runs from an empty directory in its importlib mode, ``--rootdir`` the package's
directory: a flat layout's tests import the installed wheel, never the source tree.
"""

from __future__ import annotations

import logging
import shlex
from collections.abc import Mapping, Sequence
from pathlib import Path

from packaging.utils import canonicalize_name

from relnox.artifacts.checks import name_and_version
from relnox.builds.envpool import OutputLog
from relnox.builds.plan import TEST_DIRS, BuildPlan
from relnox.errors import BuildError
from relnox.project.workspace import Package
from relnox.toml import table
from relnox.tools.envs import create_environment, install
from relnox.versions.sources import load_toml

logger = logging.getLogger("relnox")

TEST_EXTRAS = ("test", "tests", "testing")


def _test_requirements(pkg: Package) -> tuple[str | None, list[str]]:
    """The package's test extra (if any) and its test dependency group's requirements."""
    doc = load_toml(pkg.pyproject) if pkg.pyproject.is_file() else {}
    extras = table(doc, "project", "optional-dependencies")
    extra = next((e for e in TEST_EXTRAS if e in extras), None)
    groups = table(doc, "dependency-groups")
    group: list[object] = next((groups[g] for g in TEST_EXTRAS if g in groups), [])
    return extra, [r for r in group if isinstance(r, str)]


def _sibling_wheels(pkg: Package, dist_dir: Path) -> list[str]:
    wanted = {canonicalize_name(name) for name in pkg.internal_deps}
    wheels = sorted(dist_dir.glob("*.whl"))
    return [str(p) for p in wheels if (nv := name_and_version(p.name)) and nv[0] in wanted]


def run_package_tests(
    pkg: Package,
    plan: BuildPlan,
    files: Sequence[Path],
    workdir: Path,
    log: OutputLog,
    environ: Mapping[str, str],
) -> str:
    """``passed``, ``failed`` (only without --strict) or ``none``."""
    command, installer, python = plan.test_command or (), plan.installer, plan.python
    assert installer is not None
    tests = next((pkg.directory / d for d in TEST_DIRS if (pkg.directory / d).is_dir()), None)
    if tests is None:
        logger.info("%s: no tests/ directory, nothing to test", pkg.name)
        return "none"
    wheel = next((f for f in files if f.name.endswith(".whl")), None)
    if wheel is None:
        logger.info("%s: no wheel built (--sdist-only), its tests need one", pkg.name)
        return "none"
    extra, group = _test_requirements(pkg)
    env, made = create_environment(installer, workdir / "test-env", str(python), on_line=log.add)
    target = f"{pkg.name}[{extra}] @ {wheel.as_uri()}" if extra else str(wheel)
    if made.ok:
        requirements = [target, *_sibling_wheels(pkg, plan.dist_dir), *group]
        made = install(installer, env, requirements, on_line=log.add)
    if not made.ok:
        raise BuildError(
            f"{pkg.name}: its test environment could not be made (installing {wheel.name}"
            f"{f' with [{extra}]' if extra else ''}); the last lines:\n{log.tail()}"
        ) from None
    argv = [a.format(python=env.python, tests=tests) for a in command]
    if argv[1:3] == ["-m", "pytest"] and log.run(
        [str(env.python), "-c", "import pytest"], cwd=workdir, env=environ
    ):
        raise BuildError(
            f"{pkg.name}: --test runs pytest, but neither a test extra nor a test dependency "
            f"group of {pkg.pyproject.name} brings it; add pytest to "
            "[project.optional-dependencies] test or [dependency-groups] test (or set "
            "[tool.relnox.builds] test-command)"
        )
    if argv[1:3] == ["-m", "pytest"]:  # the source tree off sys.path (see the module doc)
        given = " ".join(argv)
        argv[3:3] = [
            *([] if "--import-mode" in given else ["--import-mode=importlib"]),
            *([] if "--rootdir" in given else [f"--rootdir={pkg.directory}"]),
        ]
    away = workdir / "test-run"  # python -m puts the working directory first on sys.path
    away.mkdir(parents=True, exist_ok=True)
    logger.info("%s: running its tests against %s: %s", pkg.name, wheel.name, shlex.join(argv))
    code = log.run(argv, cwd=away, env=environ)
    if code == 5:  # pytest collected no tests
        return "none"
    if code == 0:
        return "passed"
    message = f"{pkg.name}: its tests failed (exit {code}); the last lines:\n{log.tail()}"
    if plan.strict:
        raise BuildError(message + "\n(--strict makes failing tests fail the build)")
    logger.warning("%s\n(building anyway; --strict would stop here)", message)
    return "failed"
