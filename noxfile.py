"""relnox's own sessions: tests, lint, typecheck, the demo, and relnox's release sessions.

python -m pip install 'nox[uv]' && nox -s tests  # the test suite
python -m pip install 'nox[uv]' && nox -s demo   # a full release rehearsal on a sample workspace
"""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

import nox

ROOT = Path(__file__).parent
nox.options.default_venv_backend = "uv|virtualenv"
nox.options.sessions = ["tests", "lint", "typecheck"]
nox.options.error_on_external_run = True


@nox.session
def tests(session: nox.Session) -> None:
    """The full gate: ruff, mypy --strict, then the whole test suite (real builds, real
    venvs, a real local index). ``nox -s tests -- -m "not slow"`` is the fast loop."""
    session.install("-e", ".[dev]")
    session.run("ruff", "check", ".")
    session.run("ruff", "format", "--check", ".")
    session.run("mypy")
    # one worker more than cores: the tests wait on child processes, builds and local
    # servers, and a third worker on two cores ran a sample of them in 0.7-0.85x the time
    workers = str((os.cpu_count() or 1) + 1)
    args = session.posargs or ["-n", workers, "--dist", "worksteal", "--durations=20"]
    session.run("pytest", *args)


@nox.session
def fast(session: nox.Session) -> None:
    """The fast loop: every test that builds nothing, starts no server and makes no
    environment (``-m "not slow"``), in well under a minute."""
    session.install("-e", ".[test]")
    session.run("pytest", "-m", "not slow", "-n", "auto", *session.posargs)


@nox.session
def lint(session: nox.Session) -> None:
    """ruff check and ruff format --check."""
    session.install("ruff>=0.5")
    session.run("ruff", "check", ".")
    session.run("ruff", "format", "--check", ".")


@nox.session
def typecheck(session: nox.Session) -> None:
    """mypy --strict over relnox/, tests/, noxfile.py and tasks.py."""
    session.install("-e", ".[dev]")
    session.run("mypy")


@nox.session(default=False)
def demo(session: nox.Session) -> None:
    """The README's main job: a full release of a sample workspace against local indexes."""
    session.install(".[server]")
    session.run("relnox", "demo", *session.posargs)


@nox.session(default=False)
def benchmarks(session: nox.Session) -> None:
    """Every benchmark in benchmarks/, printing its ratios."""
    session.install("-e", ".[test]", "build")
    for script in sorted((ROOT / "benchmarks").glob("[!_]*.py")):  # _pairs.py: shared code
        session.run("python", str(script), *session.posargs)


@nox.session(default=False, venv_backend="none")
def update_action_pins(session: nox.Session) -> None:
    """Re-resolve the commit SHA of each action tag ci-init writes (needs the network).

    Edit a version in relnox/ci/pins.py first to move to a newer release; then run
    this, review the diff and run the tests (zizmor and actionlint check the output).
    """

    def run(argv: Sequence[str]) -> str:
        output = session.run(*argv, silent=True, external=True)
        return output if isinstance(output, str) else ""

    for action, sha in refresh_pins(run).items() or {"(none)": "every pin is current"}.items():
        session.log(f"{action}: {sha}")


def parse_ls_remote(output: str, tag: str) -> str:
    """The commit a tag names in ``git ls-remote`` output (the peeled ``^{}`` line wins)."""
    from relnox.ci.pins import SHA
    from relnox.errors import RelnoxError

    refs = {}
    for line in output.splitlines():
        sha, _, ref = line.partition("\t")
        refs[ref.strip()] = sha.strip()
    sha = refs.get(f"refs/tags/{tag}^{{}}") or refs.get(f"refs/tags/{tag}", "")
    if not SHA.match(sha):
        raise RelnoxError(f"git ls-remote shows no tag {tag!r}; check the version in PINS")
    return sha


def rewrite_table(source: str, shas: dict[str, str]) -> str:
    """``source`` (relnox/ci/pins.py's text) with each action's SHA in its ``PINS`` replaced."""
    from relnox.errors import RelnoxError

    for action, sha in shas.items():
        line = re.compile(
            rf'^(\s*"{re.escape(action)}": Pin\("[^"]+", ")[0-9a-f]{{40}}("\),)$', re.M
        )
        source, count = line.subn(rf"\g<1>{sha}\g<2>", source)
        if count != 1:
            raise RelnoxError(f"{action} is not in the PINS table of relnox/ci/pins.py")
    return source


def refresh_pins(
    run: Callable[[Sequence[str]], str], module: Path = ROOT / "relnox" / "ci" / "pins.py"
) -> dict[str, str]:
    """Re-resolve every pinned tag with ``run(["git", "ls-remote", ...])``; rewrite ``module``.
    Returns the actions whose SHA changed (the tag was moved or the version edited)."""
    from relnox.atomic import write_atomic
    from relnox.ci.pins import PINS

    shas = {}
    for action, pin in PINS.items():
        url = f"https://github.com/{action}"
        tag = f"refs/tags/{pin.version}"
        shas[action] = parse_ls_remote(
            run(["git", "ls-remote", "--tags", url, tag, tag + "^{}"]), pin.version
        )
    write_atomic(module, rewrite_table(module.read_text(encoding="utf-8"), shas))
    return {action: sha for action, sha in shas.items() if sha != PINS[action].sha}


# relnox releases itself with its own sessions (nox -s build_all, nox -s publish ...).
# They need relnox importable by nox's interpreter: `pip install -e . nox`.
sys.path.insert(0, str(ROOT))
try:
    import relnox.nox
except ImportError:  # a fresh machine with only nox: tests/lint/typecheck/demo still work
    pass
else:
    relnox.nox.register()
