"""The check process: run inside the fresh environment, it only *collects* facts.

``python -I check.py spec result.json``, where ``check.py`` is this very file
(:func:`relnox.verify.smoke.check_script`) and ``spec`` the packages to check, in
:mod:`marshal`'s format 2 (:func:`relnox.verify.smoke.write_check`): for each package of the spec, the installed
version, files and console scripts (:func:`read_dist_info`, else importlib.metadata),
each import's outcome, its ``__version__`` and where the module came from; judging is
the caller's (:func:`relnox.verify.smoke.judge`, where :mod:`packaging` is at hand).

Standard library only, and it runs on the environment's interpreter, which may be older
than relnox's (annotations are never evaluated). It imports only what every run needs
(os, sys, time, and the C parts of csv and json): importlib.metadata and subprocess are
imported when a distribution is not a plain .dist-info, or ships binaries only; typing
never; ``re`` never by itself (json and csv import it, and with it enum: ~5 ms of every
check process, which a release whose code needs no ``re`` would pay for nothing). The
spec comes in :mod:`marshal`'s format 2 (built in, read by every Python 3), which relnox
writes; the result goes out as JSON (:func:`dumps`), which relnox reads with
:mod:`json`: nothing the packages' code could write there is ever unmarshalled.
"""

from __future__ import annotations

import importlib
import marshal
import os
import sys
import time

TYPE_CHECKING = False
if TYPE_CHECKING:  # typing costs the check process ~3 ms: never imported at run time
    from collections.abc import Iterable, Sequence
    from typing import Any


def import_names(paths: Iterable[str]) -> list[str]:
    """What to import to prove the files ``paths`` install work: every regular package
    (a directory with ``__init__``) and module, descending PEP 420 namespace packages
    (``ns/plugin/__init__.py`` without ``ns/__init__.py`` gives ``ns.plugin``).

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

    """
    import os

    try:  # the C reader, without csv.py (which imports re)
        from _csv import reader as csv_reader
    except ImportError:  # an interpreter without it
        from csv import reader as csv_reader

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
            rows = csv_reader(record.splitlines()) if record else ()
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


def installed(name: str) -> dict[str, Any] | None:
    """(version, files, console scripts, where files are relative to), or None."""
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


def run_binaries(dist: dict[str, Any], prefix: str) -> list[dict[str, Any]]:
    """A binary-only wheel (.data/scripts): each binary it installed run with --version."""
    import subprocess

    seen = []
    for file in dist["files"]:
        path = os.path.realpath(os.path.join(dist["base"], file))
        parent = os.path.basename(os.path.dirname(path))
        if parent not in ("bin", "Scripts") or not path.startswith(prefix + os.sep):
            continue
        result: dict[str, Any] = {"binary": os.path.basename(path), "ok": False, "output": ""}
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


def check_module(name: str, prefix: str) -> dict[str, Any]:
    """One import: whether it worked (the end of the traceback if not), ``__version__``,
    where the module came from and whether that is inside the environment."""
    seen: dict[str, Any] = {
        "module": name,
        "ok": False,
        "error": None,
        "version": None,
        "location": None,
    }
    try:
        module = importlib.import_module(name)
    except BaseException:
        import traceback  # only when an import failed: it costs every check otherwise

        seen["error"] = "".join(traceback.format_exc().strip().splitlines(True)[-8:])
        return seen
    seen["ok"] = True
    try:  # the package's own code (a module __getattr__, a __str__) may raise here
        version = getattr(module, "__version__", None)
        if (
            isinstance(version, tuple)
            and version
            and all(type(part) in (int, str) for part in version)
        ):  # django-reversion's __version__ = (6, 1, 0): the version its setup.py joins
            version = ".".join(map(str, version))
        elif type(version).__name__ == "Version":
            # incremental's Version("Incremental", 22, 10, 0): its public() is the version
            public = getattr(version, "public", None)
            text = public() if callable(public) else None
            version = text if isinstance(text, str) else version
        seen["version"] = None if version is None else shown(version)
    except BaseException as exc:
        seen["version"] = f"<__version__ cannot be read: {type(exc).__name__}>"
    where = None
    try:
        where = getattr(module, "__file__", None)
        if not isinstance(where, str) or not where:  # no file: its package's first folder
            where = next(iter(getattr(module, "__path__", None) or ()), None)
        if not isinstance(where, str):
            where = None
        inside = where is None or os.path.realpath(where).startswith(prefix + os.sep)
    except BaseException:  # a __file__ realpath refuses (a NUL in it), a __path__ that raises
        inside = False
    seen["location"] = where
    seen["inside"] = inside
    return seen


def shown(value: object) -> str:
    """``str(value)`` (a ``__version__`` that need not be a str), at most 200 characters;
    what went wrong when it cannot be made (a ``__str__`` that raises, an int too long)."""
    try:
        text = str(value)
    except BaseException as exc:
        return f"<{type(value).__name__} whose str() raised {type(exc).__name__}>"
    return text if len(text) <= 200 else text[:200] + "..."


def check_package(pkg: dict[str, Any], prefix: str) -> dict[str, Any]:
    """What the environment shows of one package of the spec."""
    start = time.perf_counter()
    out: dict[str, Any] = {
        "name": pkg["name"],
        "installed": None,
        "top_level": [],
        "scripts": [],
        "modules": [],
    }
    dist = installed(pkg["name"])
    if dist is not None:
        out["installed"] = dist["version"]
        out["top_level"] = import_names(dist["files"])
        out["scripts"] = dist["scripts"]
        # a metapackage's wheel: nothing installed but its metadata (its dependencies are
        # what it ships)
        out["metadata_only"] = all(f.split("/")[0].endswith(".dist-info") for f in dist["files"])
    modules = sorted(set(pkg["modules"]) | set(out["top_level"]))
    out["binaries"] = [] if modules or dist is None else run_binaries(dist, prefix)
    out["modules"] = [check_module(name, prefix) for name in modules]
    out["seconds"] = time.perf_counter() - start
    return out


def dumps(value: Any) -> str:
    """``value`` (dicts with str keys, lists, str, int, float, bool, None) as JSON, as
    ``json.dumps`` writes it (``ensure_ascii``; ``NaN`` and ``Infinity`` as it spells
    them), with the C string encoder of :mod:`json` and without the module."""
    try:
        from _json import encode_basestring_ascii as text
    except ImportError:  # an interpreter without it: json itself
        import json

        return json.dumps(value)
    out: list[str] = []

    def put(item: Any) -> None:
        if item is None or item is True or item is False:
            out.append({None: "null", True: "true", False: "false"}[item])
        elif isinstance(item, str):
            out.append(text(item))
        elif isinstance(item, int):
            out.append(int.__repr__(item))
        elif isinstance(item, float):
            if item != item:
                out.append("NaN")
            elif item in (float("inf"), float("-inf")):
                out.append("Infinity" if item > 0 else "-Infinity")
            else:
                out.append(float.__repr__(item))
        elif isinstance(item, dict):
            out.append("{")
            for i, (key, member) in enumerate(item.items()):
                out.append(", " if i else "")
                out.append(text(str(key)) + ": ")
                put(member)
            out.append("}")
        elif isinstance(item, (list, tuple)):
            out.append("[")
            for i, member in enumerate(item):
                out.append(", " if i else "")
                put(member)
            out.append("]")
        else:
            out.append(text(str(item)))

    put(value)
    return "".join(out)


def main(spec_file: str, result_file: str) -> None:
    prefix = os.path.realpath(sys.prefix)
    with open(spec_file, "rb") as fh:
        spec = marshal.load(fh)
    results = [check_package(pkg, prefix) for pkg in spec["packages"]]
    with open(result_file, "w", encoding="utf-8") as fh:
        fh.write(dumps({"prefix": prefix, "python": sys.version.split()[0], "packages": results}))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
