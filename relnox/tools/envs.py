"""Every environment relnox makes: :class:`Installer` (uv, else venv + pip) argv lists, one
interpreter resolution (:func:`resolve_python`) and one child environment (:func:`child_env`)."""

from __future__ import annotations

import functools
import logging
import os
import re
import sys
import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from relnox import _proc as proc
from relnox.errors import RelnoxError
from relnox.redact import USERINFO
from relnox.tools.trust import trust_environment

if TYPE_CHECKING:
    from packaging.tags import Tag

logger = logging.getLogger("relnox")

INSTALLERS = ("uv", "pip")
_TRUE = ("1", "true", "t", "yes", "y", "on")

#: variables that would make the source tree or another environment importable
_LEAKY = ("PYTHONPATH", "PYTHONHOME", "PYTHONSTARTUP", "PYTHONUSERBASE", "PYTHONEXECUTABLE")


#: credentials for uploading, and other tokens: no child but an upload's ever gets them
UPLOAD_CREDENTIALS = (
    "PYPI_TOKEN",
    "TEST_PYPI_TOKEN",
    "ACTIONS_ID_TOKEN_REQUEST_TOKEN",
    "ACTIONS_ID_TOKEN_REQUEST_URL",
)
_UPLOAD_PREFIXES = ("TWINE_", "UV_PUBLISH_")
#: any other variable named like a secret (``CORP_PYPI_TOKEN``, ``GH_TOKEN``, ``X_PASSWORD``)
SECRET_NAME = re.compile(r"(?i)(?:^|_)(?:TOKEN|PASSWORD|PASSWD|SECRET|API_?KEY)$")
#: index credentials an installer reads: ``UV_INDEX_<NAME>_USERNAME/PASSWORD``
_INDEX_LOGIN = re.compile(r"(?i)^UV_INDEX_.+_(?:USERNAME|PASSWORD)$")


def is_credential_variable(name: str) -> bool:
    """Whether the variable ``name`` holds a credential (upload or index)."""
    upper = name.upper()
    return (
        upper in UPLOAD_CREDENTIALS
        or upper.startswith(_UPLOAD_PREFIXES)
        or bool(_INDEX_LOGIN.match(upper) or SECRET_NAME.search(upper))
    )


def without_credentials(
    base: Mapping[str, str], *, keep_index_logins: bool = False
) -> dict[str, str]:
    """``base`` without credential variables nor userinfo in pip's and uv's URLs;
    ``keep_index_logins``: an installer's own process (never its hooks) reads a private index."""
    out: dict[str, str] = {}
    for key, value in base.items():
        if is_credential_variable(key) and not (keep_index_logins and _INDEX_LOGIN.match(key)):
            continue
        if not keep_index_logins and key.upper().startswith(("PIP_", "UV_")):
            value = _no_login(value)
        out[key] = value
    if not keep_index_logins:
        out.pop("NETRC", None)
    return out


def _no_login(url: str) -> str:
    """``url`` without userinfo: a login never goes into argv (it goes by ``NETRC``)."""
    return USERINFO.sub(r"\1", url)


def child_env(
    base: Mapping[str, str] | None = None,
    env: Environment | None = None,
    *,
    bytecode: bool = False,
    index_logins: bool = False,
) -> dict[str, str]:
    """A child's environment: ``base`` (default ``os.environ``) without what makes another tree
    importable or credentials, no interpreter downloads, pip's trust for uv, ``env`` active."""
    base = os.environ if base is None else base
    clean = without_credentials(base, keep_index_logins=index_logins)
    out = {k: v for k, v in clean.items() if k not in _LEAKY}
    out["UV_PYTHON_DOWNLOADS"] = "never"
    out.update(trust_environment(out))  # uv trusts and proxies as pip does
    out.pop("VIRTUAL_ENV", None)
    if env is not None:
        out["VIRTUAL_ENV"] = str(env.root)
        out["PATH"] = os.pathsep.join(filter(None, [str(env.bin_dir), out.get("PATH", "")]))
        out["PYTHONNOUSERSITE"] = "1"
    out.pop("PYTHONDONTWRITEBYTECODE", None)
    if not bytecode:
        out["PYTHONDONTWRITEBYTECODE"] = "1"
    return out


@dataclass(frozen=True)
class Environment:
    """A virtual environment made by an installer."""

    root: Path
    installer: str

    @property
    def bin_dir(self) -> Path:
        return self.root / ("Scripts" if os.name == "nt" else "bin")

    @property
    def python(self) -> Path:
        return self.bin_dir / ("python.exe" if os.name == "nt" else "python")

    def child_env(self, *, index_logins: bool = False) -> dict[str, str]:
        """:func:`child_env` of ``os.environ`` with this environment active."""
        return child_env(None, self, index_logins=index_logins)

    def installed(self) -> dict[str, str]:
        """Canonical name -> version of what is installed (read from disk)."""
        from importlib import metadata  # a build's or a skew check's, not every start's

        from packaging.utils import canonicalize_name

        found = sorted(self.root.glob("lib/python*/site-packages"))
        found = found or sorted(self.root.glob("Lib/site-packages"))
        return {
            canonicalize_name(dist.metadata["Name"]): dist.version
            for dist in metadata.distributions(path=[str(found[0])] if found else [])
            if dist.metadata["Name"]
        }


@dataclass(frozen=True)
class InstallOptions:
    find_links: tuple[Path, ...] = ()
    default_index: str | None = None  # None: the installer's configured default
    extra_indexes: tuple[str, ...] = ()
    no_deps: bool = False
    offline: bool = False  # no index at all: find-links and the given files only
    fresh: tuple[str, ...] = ()  # packages whose cached data must not be reused
    exempt: tuple[str, ...] = ()  # no dependency cooldown for these (uv only: tools/cooldown)
    netrc: Path | None = None  # index logins (index_auth.write_netrc), by NETRC
    #: requirements files (``-r``), every ``--hash`` checked whatever the user's settings say
    requirement_files: tuple[Path, ...] = ()
    dry_run: bool = False  # resolve but install nothing: the resolution is what is checked


class Installer(Protocol):
    @property
    def name(self) -> str: ...

    def create_argv(self, root: Path, python: str) -> list[str]: ...

    def install_argv(
        self, env: Environment, requirements: Sequence[str], options: InstallOptions
    ) -> list[str]: ...

    def wheel_argv(
        self, env: Environment, sdist: Path, out_dir: Path, options: InstallOptions
    ) -> list[str]: ...


def _sources(options: InstallOptions, offline: list[str], default: str, extra: str) -> list[str]:
    """Where an installer looks, in its spelling: find-links, then no index or the indexes."""
    argv = [arg for link in options.find_links for arg in ("--find-links", str(link))]
    if options.offline:
        return argv + offline
    if options.default_index:
        argv += [default, _no_login(options.default_index)]
    return argv + [arg for url in options.extra_indexes for arg in (extra, _no_login(url))]


def _requirements(options: InstallOptions, requirement: str) -> list[str]:
    """No dependencies, a dry run and the requirements files, in an installer's spelling."""
    argv = ["--no-deps"] if options.no_deps else []
    argv += ["--dry-run"] if options.dry_run else []
    return argv + [arg for file in options.requirement_files for arg in (requirement, str(file))]


@dataclass(frozen=True)
class UvInstaller:
    uv: str
    name: str = "uv"

    def create_argv(self, root: Path, python: str) -> list[str]:
        return [self.uv, "venv", "--quiet", "--no-project", "--python", python, str(root)]

    def install_argv(
        self, env: Environment, requirements: Sequence[str], options: InstallOptions
    ) -> list[str]:
        argv = [self.uv, "pip", "install", "--python", str(env.python), "--no-progress"]
        argv += _sources(options, ["--offline", "--no-index"], "--default-index", "--index")
        if not options.offline:  # uv refuses --refresh with --offline or UV_OFFLINE set
            # (an index's install keeps it: uv's refusal then names the setting)
            uv_offline = os.environ.get("UV_OFFLINE", "").strip().lower()
            if not (options.default_index is None and uv_offline in _TRUE):
                argv += [arg for name in options.fresh for arg in ("--refresh-package", name)]
            for name in options.exempt:
                argv += ["--exclude-newer-package", f"{name}=false"]
        argv += _requirements(options, "--requirements")
        if options.requirement_files:
            argv.append("--verify-hashes")  # over a user's verify-hashes = false
        return [*argv, *requirements]

    def wheel_argv(
        self, env: Environment, sdist: Path, out_dir: Path, options: InstallOptions
    ) -> list[str]:
        argv = [self.uv, "build", "--wheel", "--no-progress", "--python", str(env.python)]
        argv += ["--out-dir", str(out_dir)]
        if options.offline:
            argv.append("--offline")
        return [*argv, str(sdist)]


@dataclass(frozen=True)
class PipInstaller:
    name: str = "pip"

    def create_argv(self, root: Path, python: str) -> list[str]:
        return [python, "-m", "venv", str(root)]

    def install_argv(
        self, env: Environment, requirements: Sequence[str], options: InstallOptions
    ) -> list[str]:
        # --no-compile: like uv, nothing compiled ahead; what runs compiles what it imports
        argv = [str(env.python), "-m", "pip", "install", "--no-input", "--no-compile"]
        argv += ["--disable-pip-version-check", "--no-cache-dir", "--quiet"]
        argv += _sources(options, ["--no-index"], "--index-url", "--extra-index-url")
        argv += _requirements(options, "--requirement")
        return [*argv, *requirements]

    def wheel_argv(
        self, env: Environment, sdist: Path, out_dir: Path, options: InstallOptions
    ) -> list[str]:
        argv = [str(env.python), "-m", "pip", "wheel", "--no-deps", "--no-cache-dir", "--quiet"]
        if options.offline:
            argv.append("--no-index")
        return [*argv, "--wheel-dir", str(out_dir), str(sdist)]


#: uv's words when an index refused a request method: uv asks ``HEAD`` before a ranged
#: read of a wheel and gives up when the index answers 405 or 501 to it
_METHOD_REFUSED = re.compile(r"\((?:405 Method Not Allowed|501 Not Implemented)\)")


def pip_instead(
    installer: Installer, env: Environment, result: proc.Result, index: str
) -> Installer | None:
    """pip, put into ``env`` (``ensurepip``), when ``result`` is uv giving up on ``index``
    because it refused ``HEAD``: pip downloads with ``GET`` only; else ``None``."""
    if installer.name != "uv" or result.ok or not _METHOD_REFUSED.search(result.output):
        return None
    logger.info("  %s refused a HEAD request of uv's; installing with pip", index)
    seeded = proc.run([str(env.python), "-m", "ensurepip"], env=child_env(env=env), timeout=300)
    if not seeded.ok:
        logger.warning("  cannot put pip into %s: %s", env.root, seeded.tail(3))
        return None
    return PipInstaller()


#: the ``uv`` package finds its binary through :mod:`sysconfig`, whose first reading is not
#: safe from threads on Python 3.11 (a thread may see ``EXE`` as ``None``)
_UV_LOOKUP = threading.Lock()


def uv_binary() -> str | None:
    """The uv binary: the ``uv`` package's, else ``$UV`` or ``uv`` on PATH."""
    try:
        from uv import find_uv_bin

        with _UV_LOOKUP:
            return str(find_uv_bin())
    except (ImportError, FileNotFoundError):
        import shutil

        return shutil.which(os.environ.get("UV") or "uv")


@functools.lru_cache(maxsize=8)
def uv_cannot_run(uv: str) -> str | None:
    """``None`` when ``uv --version`` works, else why not."""
    probe = proc.run([uv, "--version"], timeout=30)
    return None if probe.ok else probe.tail(1)


#: the uv binaries :func:`find_installer` said cannot run, in this process
_WARNED: set[str] = set()


def find_installer(
    preferred: str | None = None, *, error: type[RelnoxError] = RelnoxError
) -> Installer:
    """uv when it can run, else pip; ``preferred`` (``"uv"`` or ``"pip"``) forces one."""
    preferred = None if preferred == "auto" else preferred
    if preferred not in (None, *INSTALLERS):
        raise error(
            f"unknown installer {preferred!r}; use one of auto, {', '.join(INSTALLERS)} "
            "(auto: uv with pip as the fallback)"
        )
    if preferred != "pip":
        uv = uv_binary()
        if uv is not None:
            why = uv_cannot_run(uv)
            if why is None:
                return UvInstaller(uv)
            if uv not in _WARNED:
                _WARNED.add(uv)
                logger.warning("uv cannot run (%s); falling back to venv + pip", why)
        if preferred == "uv":
            raise error(
                "the uv installer was asked for but uv cannot run here; "
                "install uv (pip install uv) or use --installer pip"
            )
    return PipInstaller()


def resolve_python(python: str | None, *, error: type[RelnoxError] = RelnoxError) -> str:
    """The interpreter to base an environment on, as an absolute path: ``python`` is a
    path, a name on PATH (``pypy3``) or a version (``3.11``: ``python3.11`` on PATH,
    else one uv finds installed); none is the interpreter running relnox."""
    if not python:
        return sys.executable
    if os.sep in python or (os.altsep and os.altsep in python):
        candidate = Path(python).expanduser()
        if not candidate.is_file():
            raise error(
                f"--python {python}: no such interpreter; give the path of an installed Python"
            )
        return str(candidate.absolute())
    import shutil

    is_version = python.replace(".", "").isdigit()
    found = shutil.which(f"python{python}" if is_version else python)
    if found is None and is_version:
        found, _ = find_python(f"=={python}.*" if python.count(".") < 2 else f"=={python}")
    if found is None:
        raise error(
            f"--python {python}: no such interpreter on PATH"
            + (" or known to uv" if is_version else "")
            + "; give a path or the version of an installed Python, like 3.11"
        )
    return str(Path(found).absolute())


def interpreter_version(python: str) -> str | None:
    """The version of the interpreter ``python`` (``3.11.7``), or None when it cannot run."""
    if os.path.realpath(python) == os.path.realpath(sys.executable):
        import platform

        return platform.python_version()
    probe = "import platform; print(platform.python_version())"
    result = proc.run([python, "-c", probe], timeout=60)
    lines = result.output.strip().splitlines()
    return lines[-1].strip() if result.ok and lines else None


#: run by another interpreter with a copy of relnox's ``packaging`` first on its path
TAGS_PROBE = (
    "import sys; sys.path.insert(0, sys.argv[1]); from packaging.tags import sys_tags; "
    "print('\\n'.join(map(str, sys_tags())))"
)


@functools.lru_cache(maxsize=16)
def interpreter_tags(python: str) -> tuple[Tag, ...] | None:
    """The wheel tags ``python`` installs, most specific first (its ``sys_tags``), or None."""
    from packaging.tags import parse_tag, sys_tags  # only when a wheel is picked by tag

    if os.path.realpath(python) == os.path.realpath(sys.executable):
        return tuple(sys_tags())
    import shutil
    import tempfile

    import packaging

    with tempfile.TemporaryDirectory(prefix="relnox-tags-") as where:
        shutil.copytree(
            Path(packaging.__file__).parent,
            Path(where) / "packaging",
            ignore=shutil.ignore_patterns("__pycache__"),
        )
        result = proc.run([python, "-I", "-c", TAGS_PROBE, where], timeout=60, merge=False)
    lines = result.output.split()
    if not result.ok or not lines:
        logger.debug("no wheel tags from %s: %s", python, result.tail(2))
        return None
    return tuple(tag for line in lines for tag in sorted(parse_tag(line), key=str))


def wheel_for(
    filenames: Sequence[str], python: str, *, error: type[RelnoxError] = RelnoxError
) -> str | None:
    """The wheel of ``filenames`` that ``python`` installs by its own tags, or None."""
    from packaging.utils import parse_wheel_filename

    supported = interpreter_tags(python)
    if supported is None:
        raise error(
            f"--python {python}: cannot read which wheels it installs (it did not run "
            f"packaging.tags), so none of {', '.join(filenames)} can be picked"
        )
    tags = {name: parse_wheel_filename(name)[3] for name in filenames}
    return next((name for tag in supported for name in filenames if tag in tags[name]), None)


@functools.lru_cache(maxsize=64)
def find_python(requires_python: str) -> tuple[str | None, str]:
    """An installed interpreter satisfying ``requires_python`` (``>=3.12``), found with
    ``uv python find`` (never downloaded), or None and why: none is installed, there is
    no uv, or uv's search itself failed (a broken interpreter on PATH stops it)."""
    uv = uv_binary()
    if uv is None:
        return None, "none found (no uv to look for one)"
    argv = [uv, "python", "find", "--no-python-downloads", requires_python]
    result = proc.run(argv, env=child_env(), timeout=60, merge=False)
    lines = result.output.strip().splitlines()
    if result.ok and lines and Path(lines[-1].strip()).exists():
        return lines[-1].strip(), ""
    logger.debug("no interpreter for Python %s: %s", requires_python, result.tail(2))
    # uv's error paragraph (wrapped at the terminal's width), up to its ``cause:``
    _, _, error = result.stderr.partition("error:")
    error = " ".join(error.partition("cause:")[0].split())
    if not error or error.startswith("No interpreter found"):
        return None, "none found"
    return None, f"uv python find failed ({error})"


def create_environment(
    installer: Installer,
    root: Path,
    python: str,
    *,
    cwd: Path | None = None,
    timeout: float | None = None,
    on_line: proc.LineSink | None = None,
) -> tuple[Environment, proc.Result]:
    """Make a fresh environment in ``root``; the result says whether it worked."""
    argv = installer.create_argv(root, python)
    result = proc.run(argv, cwd=cwd, env=child_env(), timeout=timeout, on_line=on_line)
    return Environment(root, installer.name), result


def remove_later(path: Path) -> threading.Thread:
    """Remove the directory ``path`` in a thread (no daemon: the process waits for it) while
    the caller goes on: a real 73-package environment takes 8-9 s to remove, waiting on disk."""
    import shutil

    thread = threading.Thread(
        target=shutil.rmtree, args=(path,), kwargs={"ignore_errors": True}, name="relnox-remove"
    )
    thread.start()
    return thread


def environment_dir(work: Path, python: str) -> Path:
    """Where a round in ``work`` makes its environment for ``python`` (its real path's digest)."""
    import hashlib

    real = os.path.realpath(python)
    return work / f"venv-{hashlib.sha256(os.fsencode(real)).hexdigest()[:12]}"


def install(
    installer: Installer,
    env: Environment,
    requirements: Sequence[str],
    *,
    options: InstallOptions | None = None,
    on_line: proc.LineSink | None = None,
    watch: proc.Watch | None = None,
) -> proc.Result:
    """Install ``requirements`` into ``env`` (``watch``: stopped when it stalls)."""
    options = options or InstallOptions()
    argv = installer.install_argv(env, requirements, options)
    environ = child_env(index_logins=True)
    if options.netrc is not None:
        environ["NETRC"] = str(options.netrc)
    return proc.run(argv, env=environ, on_line=on_line, watch=watch)
