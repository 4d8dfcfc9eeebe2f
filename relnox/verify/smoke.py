"""What a wheel promises, and the one check process that proves it in an environment.

:func:`wheel_facts` reads a ``.whl`` (its RECORD, METADATA and entry_points.txt)
without installing it. :data:`CHECK_SCRIPT` runs inside the fresh environment
(``python -I``: no script directory, no user site, no ``PYTHON*`` variables) and
only *collects* facts: installed version, each import's outcome, ``__version__``
and where the module came from. :func:`judge` turns those facts into
:class:`Check` results here, where :mod:`packaging` is at hand.
"""

from __future__ import annotations

import configparser
import csv
import functools
import inspect
import io
import zipfile
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from packaging.utils import canonicalize_name

from relnox.errors import VerifyError
from relnox.versioning import same_version

_NATIVE_SUFFIXES = (".so", ".pyd")


@dataclass(frozen=True)
class Check:
    """One check of one package: ``ok`` and, when it failed, what was seen."""

    name: str
    ok: bool
    detail: str = ""


@dataclass(frozen=True)
class WheelFacts:
    filename: str
    name: str  # canonical
    version: str
    top_level: tuple[str, ...]  # import packages/modules the wheel installs
    scripts: tuple[str, ...]  # console_scripts entry points
    files: frozenset[str]  # installed paths, without the .dist-info directory
    imports: tuple[str, ...] = ()  # what to import: regular packages, inside namespaces too
    requires_python: str | None = None
    extras: tuple[str, ...] = ()  # Provides-Extra


def top_level_names(paths: Iterable[str]) -> tuple[str, ...]:
    """The importable top-level names that a wheel's file paths install."""
    found: list[str] = []
    for path in paths:
        parts = path.split("/")
        if parts[0].endswith(".data") and len(parts) > 2 and parts[1] in ("purelib", "platlib"):
            parts = parts[2:]
        if parts[0].endswith((".dist-info", ".data")) or parts[0] == "__pycache__":
            continue
        first = parts[0]
        if len(parts) == 1:  # a top-level module file
            if first.endswith(".py"):
                first = first[:-3]
            elif first.endswith(_NATIVE_SUFFIXES):
                first = first.split(".")[0]
            else:
                continue  # .pth files, stray data
        if first.isidentifier():
            found.append(first)
    return tuple(dict.fromkeys(sorted(found)))


def import_names(paths: Iterable[str]) -> list[str]:
    """What to import to prove the files ``paths`` install work: every regular package
    (a directory with ``__init__``) and module, descending PEP 420 namespace packages
    (``ns/plugin/__init__.py`` without ``ns/__init__.py`` gives ``ns.plugin``).

    Standard library only: the check script runs this very function's source.
    """
    files = set()
    for path in paths:
        parts = tuple(path.replace("\\", "/").split("/"))
        if parts[0].endswith(".data") and len(parts) > 2 and parts[1] in ("purelib", "platlib"):
            parts = parts[2:]
        if parts[0].endswith((".dist-info", ".data")) or parts[0] in ("..", "__pycache__"):
            continue
        files.add(parts)
    code = (".py", ".so", ".pyd")
    regular = {f[:-1] for f in files if f[-1].split(".")[0] == "__init__" and f[-1].endswith(code)}
    names = set()
    for parts in files:
        for depth in range(1, len(parts)):
            if not parts[depth - 1].isidentifier():
                break
            if parts[:depth] in regular:
                names.add(".".join(parts[:depth]))
                break
        else:  # a module of the top level or of namespace packages only
            module = (*parts[:-1], parts[-1].split(".")[0])
            is_code = parts[-1].endswith(code) and module[-1] != "__init__"
            if is_code and all(p.isidentifier() for p in module):
                names.add(".".join(module))
    return sorted(names)


def read_dist_info(name: str, path: Sequence[str]) -> dict[str, Any] | None:
    """What ``importlib.metadata.distribution(name)`` says of an installed distribution
    (version, files, console scripts, where its files are), read from the same file it
    reads: the first ``*.dist-info`` of ``name`` on ``path`` (``sys.path``), in its
    order. None when that is not a plain ``.dist-info`` directory (an egg, a zip, a folded
    header, no METADATA): the caller asks importlib.metadata, which costs the check
    process ~25 ms of imports (email, zipfile, pathlib...) every run.

    Standard library only: the check script runs this very function's source.
    """
    import csv
    import os

    def normal(text: str) -> str:  # importlib.metadata's Prepared.normalize
        out = text.lower().replace("-", "_").replace(".", "_")
        while "__" in out:
            out = out.replace("__", "_")
        return out

    def read(folder: str, file: str) -> str | None:
        try:
            with open(os.path.join(folder, file), encoding="utf-8") as fh:
                return fh.read()
        except FileNotFoundError:
            return None

    wanted = normal(name)
    for entry in path:
        root = entry or "."
        if os.path.isfile(root):
            return None  # a zip on the path: importlib.metadata looks inside it
        try:
            children = os.listdir(root)
        except OSError:
            continue
        for child in children:
            low = child.lower()
            if not low.endswith((".dist-info", ".egg-info")):
                continue
            if normal(low.rpartition(".")[0].partition("-")[0]) != wanted:
                continue
            info = os.path.join(root, child)
            text = read(info, "METADATA") if low.endswith(".dist-info") else None
            if text is None:
                return None
            version = None
            lines = text.split("\n")
            for number, line in enumerate(lines):
                if not line.strip():
                    break
                key, sep, value = line.partition(":")
                if sep and key.lower() == "version" and version is None:
                    following = lines[number + 1] if number + 1 < len(lines) else ""
                    if following[:1] in (" ", "\t"):
                        return None  # a folded header: email's parser decides
                    version = value.lstrip(" \t").rstrip("\r")
            if version is None:
                return None
            record = read(info, "RECORD")
            rows = csv.reader(record.splitlines()) if record else ()
            files = [row[0] for row in rows if row]
            scripts, section = [], None
            for raw in (read(info, "entry_points.txt") or "").splitlines():
                line = raw.strip()
                if not line or line.startswith("#"):
                    continue
                if line.startswith("[") and line.endswith("]"):
                    section = line.strip("[]")
                elif section == "console_scripts":
                    scripts.append(line.split("=", 1)[0].strip())
            return {"version": version, "files": files, "scripts": sorted(scripts), "base": root}
    return None


def wheel_facts(path: Path) -> WheelFacts:
    """Read what ``path`` (a .whl) ships; an unreadable wheel is a :class:`VerifyError`."""
    from email.parser import HeaderParser  # email: ~6 ms of imports, for wheels only

    try:
        with zipfile.ZipFile(path) as whl:
            names = whl.namelist()
            dist_info = sorted({n.split("/")[0] for n in names if ".dist-info/" in n})
            if len(dist_info) != 1:
                raise VerifyError(f"{path}: expected one .dist-info directory, found {dist_info}")
            info = dist_info[0]
            metadata = HeaderParser().parsestr(whl.read(f"{info}/METADATA").decode("utf-8"))
            record_name = f"{info}/RECORD"
            if record_name in names:
                record = whl.read(record_name).decode("utf-8")
                paths = [row[0] for row in csv.reader(io.StringIO(record)) if row]
            else:
                paths = names
            entry_points = (
                whl.read(f"{info}/entry_points.txt").decode("utf-8")
                if f"{info}/entry_points.txt" in names
                else ""
            )
    except (OSError, zipfile.BadZipFile, KeyError, UnicodeDecodeError) as exc:
        raise VerifyError(
            f"{path}: not a readable wheel ({exc}); rebuild it with relnox build-all"
        ) from None
    parser = configparser.ConfigParser(interpolation=None)
    parser.optionxform = str  # type: ignore[assignment,method-assign]
    parser.read_string(entry_points)
    scripts = tuple(parser["console_scripts"]) if parser.has_section("console_scripts") else ()
    files = frozenset(p for p in paths if not p.split("/")[0].endswith(".dist-info"))
    return WheelFacts(
        filename=path.name,
        name=canonicalize_name(metadata.get("Name", "")),
        version=metadata.get("Version", ""),
        top_level=top_level_names(paths),
        scripts=scripts,
        files=files,
        imports=tuple(import_names(paths)),
        requires_python=metadata.get("Requires-Python"),
        extras=tuple(metadata.get_all("Provides-Extra") or ()),
    )


#: Runs inside the fresh environment: ``python -I check.py spec.json result.json``.
#: Standard library only; it reports facts and judges nothing. It imports only what every
#: run needs (json, os, sys, time, csv; annotations are never evaluated): importlib.metadata and subprocess are imported
#: when a distribution is not a plain .dist-info, or ships binaries only.
_CHECK_HEAD = r"""from __future__ import annotations
import importlib, json, os, sys, time
"""
_CHECK_TAIL = r"""

def installed(name):
    # (version, files, console scripts, where files are relative to), or None
    found = read_dist_info(name, sys.path)
    if found is not None:
        return found
    import importlib.metadata as md

    try:
        dist = md.distribution(name)
    except md.PackageNotFoundError:
        return None
    return {
        "version": dist.version,
        "files": [str(f) for f in dist.files or ()],
        "scripts": sorted(e.name for e in dist.entry_points if e.group == "console_scripts"),
        "base": str(dist.locate_file("")),
    }


def run_binaries(dist):
    # a binary-only wheel (.data/scripts): run each binary it installed with --version
    import subprocess

    seen = []
    for file in dist["files"]:
        path = os.path.realpath(os.path.join(dist["base"], file))
        parent = os.path.basename(os.path.dirname(path))
        if parent not in ("bin", "Scripts") or not path.startswith(prefix + os.sep):
            continue
        result = {"binary": os.path.basename(path), "ok": False, "output": ""}
        try:
            proc = subprocess.run([path, "--version"], capture_output=True, text=True, timeout=60)
        except (OSError, subprocess.SubprocessError) as exc:
            result["output"] = str(exc)
        else:
            result["ok"] = proc.returncode == 0
            lines = (proc.stdout or proc.stderr).strip().splitlines()
            result["output"] = lines[0] if lines else f"exit {proc.returncode}"
        seen.append(result)
    return seen


prefix = os.path.realpath(sys.prefix)
with open(sys.argv[1], encoding="utf-8") as fh:
    spec = json.load(fh)
results = []
for pkg in spec["packages"]:
    start = time.perf_counter()
    out = {"name": pkg["name"], "installed": None, "top_level": [], "scripts": [], "modules": []}
    dist = installed(pkg["name"])
    if dist is not None:
        out["installed"] = dist["version"]
        out["top_level"] = import_names(dist["files"])
        out["scripts"] = dist["scripts"]
    modules = sorted(set(pkg["modules"]) | set(out["top_level"]))
    out["binaries"] = [] if modules or dist is None else run_binaries(dist)
    for name in modules:
        seen = {"module": name, "ok": False, "error": None, "version": None, "location": None}
        try:
            module = importlib.import_module(name)
        except BaseException:
            import traceback  # only when an import failed: it costs every check otherwise

            seen["error"] = "".join(traceback.format_exc().strip().splitlines(True)[-8:])
        else:
            seen["ok"] = True
            version = getattr(module, "__version__", None)
            seen["version"] = None if version is None else str(version)
            where = getattr(module, "__file__", None) or next(iter(getattr(module, "__path__", [])), None)
            seen["location"] = where
            seen["inside"] = where is None or os.path.realpath(where).startswith(prefix + os.sep)
        out["modules"].append(seen)
    out["seconds"] = time.perf_counter() - start
    results.append(out)
with open(sys.argv[2], "w", encoding="utf-8") as fh:
    json.dump({"prefix": prefix, "python": sys.version.split()[0], "packages": results}, fh)
"""


@functools.cache
def check_script() -> str:
    """:data:`CHECK_SCRIPT`, made on first use: reading its two functions' source
    (:func:`inspect.getsource` tokenizes this file) cost every start of relnox that
    imported this module, although only a run that checks packages writes the script."""
    return (
        _CHECK_HEAD
        + inspect.getsource(import_names)
        + "\n\n"
        + inspect.getsource(read_dist_info)
        + _CHECK_TAIL
    )


def __getattr__(name: str) -> str:
    if name == "CHECK_SCRIPT":  # made on first use: check_script()
        return check_script()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def check_spec(packages: Sequence[tuple[str, Sequence[str]]]) -> dict[str, Any]:
    """The check script's input: each package with the modules it must import (the
    script adds every top-level name the installed distribution ships)."""
    return {"packages": [{"name": n, "modules": list(m)} for n, m in packages]}


def judge(expected_version: str, seen: Mapping[str, Any]) -> list[Check]:
    """The checks of one package from what the check script saw."""
    checks: list[Check] = []
    installed = seen.get("installed")
    if installed is None:
        checks.append(Check("metadata", False, f"{seen['name']} is not installed"))
    else:
        checks.append(
            Check(
                "metadata",
                same_version(installed, expected_version),
                f"importlib.metadata.version({seen['name']!r}) is {installed}, "
                f"expected {expected_version}",
            )
        )
    modules = seen.get("modules") or []
    binaries = seen.get("binaries") or []
    for binary in binaries:  # a binary-only wheel: its binaries run
        checks.append(
            Check(f"run {binary['binary']} --version", bool(binary["ok"]), binary["output"])
        )
    if not modules and not binaries:
        checks.append(Check("import", False, "the wheel ships no importable package or module"))
    for module in modules:
        name = module["module"]
        if not module["ok"]:
            checks.append(Check(f"import {name}", False, module["error"] or "import failed"))
            continue
        if not module.get("inside", True):
            checks.append(
                Check(
                    f"import {name}",
                    False,
                    f"{name} was imported from {module['location']}, outside the fresh environment",
                )
            )
            continue
        checks.append(Check(f"import {name}", True))
        if module["version"] is not None:
            checks.append(
                Check(
                    f"{name}.__version__",
                    same_version(module["version"], expected_version),
                    f"{name}.__version__ is {module['version']!r}, expected {expected_version}",
                )
            )
    return checks


def compare_files(sdist_wheel: WheelFacts, wheel: WheelFacts) -> Check:
    """The wheel built from the sdist ships the same files as the released wheel."""
    missing = sorted(wheel.files - sdist_wheel.files)
    extra = sorted(sdist_wheel.files - wheel.files)
    if not missing and not extra:
        return Check("same files as wheel", True)
    parts = []
    if missing:
        parts.append(f"missing from the sdist build: {', '.join(missing[:10])}")
    if extra:
        parts.append(f"only in the sdist build: {', '.join(extra[:10])}")
    return Check(
        "same files as wheel", False, f"{'; '.join(parts)} (compared with {wheel.filename})"
    )
