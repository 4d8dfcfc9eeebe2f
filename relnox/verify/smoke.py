"""What a wheel promises (:func:`wheel_facts`), and :func:`judge` of the facts the check
process (:mod:`relnox.verify.in_env`) collects in the fresh environment."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from email.parser import HeaderParser
from pathlib import Path
from typing import TYPE_CHECKING, Any

from packaging.requirements import InvalidRequirement, Requirement
from packaging.utils import canonicalize_name

from relnox import _proc as proc
from relnox.artifacts.bounded import read_zip_member
from relnox.errors import VerifyError, shortlist
from relnox.files import ini_sections
from relnox.verify.in_env import import_names
from relnox.versions.arithmetic import same_version

if TYPE_CHECKING:
    from relnox._proc import Result
    from relnox.tools.envs import Environment
    from relnox.verify.model import Target


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
    scripts: tuple[str, ...]  # console_scripts entry points
    files: frozenset[str]  # installed paths, without the .dist-info directory
    imports: tuple[str, ...] = ()  # what to import: regular packages, inside namespaces too
    requires_python: str | None = None
    extras: tuple[str, ...] = ()  # Provides-Extra
    # (extra, distribution) for each Requires-Dist only an extra brings
    extra_requires: tuple[tuple[str, str], ...] = ()


#: the check process's Python and each package's facts and checks; or why there are none
Findings = tuple[str, list[tuple[dict[str, Any], list[Check]]]] | str

#: the METADATA fields a wheel's facts need (lower case: names are case-insensitive)
_FIELDS = ("name", "version", "requires-python", "provides-extra", "requires-dist")


def wheel_facts(path: Path) -> WheelFacts:
    """Read what ``path`` (a .whl) ships; an unreadable wheel is a :class:`VerifyError`."""
    try:
        with zipfile.ZipFile(path) as whl:
            names = whl.namelist()
            # PEP 427: the wheel's own metadata is a top-level ``.dist-info`` directory; a
            # vendored package's (``pkg/vendor/tomli-1.2.3.dist-info/``) is only data
            tops = {n.split("/")[0] for n in names if "/" in n}
            dist_info = sorted(t for t in tops if t.endswith(".dist-info"))
            if len(dist_info) != 1:
                raise VerifyError(f"{path}: expected one .dist-info directory, found {dist_info}")
            info = dist_info[0]
            message = HeaderParser().parsestr(read_zip_member(whl, f"{info}/METADATA").decode())
            metadata = {f: [str(v) for v in got] for f in _FIELDS if (got := message.get_all(f))}
            record_name = f"{info}/RECORD"
            if record_name in names:
                record = read_zip_member(whl, record_name).decode("utf-8")
                paths = [row[0] for row in csv.reader(io.StringIO(record)) if row]
            else:
                paths = names
            imports = import_names(paths, lambda p: read_zip_member(whl, p).decode("utf-8"))
            entry_points = (
                read_zip_member(whl, f"{info}/entry_points.txt").decode("utf-8")
                if f"{info}/entry_points.txt" in names
                else ""
            )
    except (OSError, zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise VerifyError(
            f"{path}: not a readable wheel ({exc}); rebuild it with relnox build-all"
        ) from None
    if (sections := ini_sections(entry_points, keep_case=True)) is None:
        raise VerifyError(f"{path}: its {info}/entry_points.txt cannot be read; rebuild it")
    scripts = tuple(sections.get("console_scripts", ()))
    files = frozenset(p for p in paths if not p.split("/")[0].endswith(".dist-info"))
    return WheelFacts(
        filename=path.name,
        name=canonicalize_name(metadata.get("name", [""])[0]),
        version=metadata.get("version", [""])[0],
        scripts=scripts,
        files=files,
        imports=tuple(imports),
        requires_python=metadata.get("requires-python", [None])[0],
        extras=tuple(metadata.get("provides-extra", ())),
        extra_requires=_extra_requires(metadata),
    )


def _extra_requires(metadata: dict[str, list[str]]) -> tuple[tuple[str, str], ...]:
    """(extra, distribution) for each ``Requires-Dist`` whose marker names an extra."""
    found: list[tuple[str, str]] = []
    for text in metadata.get("requires-dist", ()):
        try:
            requirement = Requirement(text)
        except InvalidRequirement:
            continue
        marker = requirement.marker
        if marker is None or "extra" not in str(marker):
            continue
        for extra in metadata.get("provides-extra", ()):
            if marker.evaluate({"extra": extra}) and not marker.evaluate({"extra": ""}):
                found.append((extra, canonicalize_name(requirement.name)))
    return tuple(found)


def check_script() -> str:
    """The check process's script: the source of :mod:`relnox.verify.in_env`."""
    from relnox.verify import in_env

    return Path(in_env.__file__).read_text(encoding="utf-8")


def write_check(check_dir: Path, packages: Sequence[tuple[str, Sequence[str]]]) -> list[str]:
    """The script and its spec written into ``check_dir``; the arguments after
    ``python -I -B``: the script, the spec, and the JSON file of its findings."""
    check_dir.mkdir(exist_ok=True)
    files = [check_dir / "check.py", check_dir / "spec.json", check_dir / "result.json"]
    files[0].write_text(check_script(), encoding="utf-8")
    spec = {"packages": [{"name": n, "modules": list(m)} for n, m in packages]}
    files[1].write_text(json.dumps(spec), encoding="utf-8")
    return [str(f) for f in files]


def check_installed(
    env: Environment, check_dir: Path, cwd: Path, targets: Sequence[Target], timeout: float
) -> tuple[Result, Findings]:
    """The check process run in ``env`` on ``targets`` (from ``cwd``): its result, and its
    findings judged (:func:`read_findings`) or why there are none."""
    files = write_check(check_dir, [(t.name, t.modules) for t in targets])
    # -B: -I ignores PYTHONDONTWRITEBYTECODE; the environment is thrown away, so the
    # bytecode of thousands of imported modules is not written (nor deleted after)
    argv = [str(env.python), "-I", "-B", *files]
    result = proc.run_contained(argv, env=env.child_env(), cwd=cwd, timeout=timeout)
    out = Path(files[-1])
    if result.ok and out.is_file():
        return result, read_findings(out, [(t.name, t.version, t.dunder_version) for t in targets])
    if result.ok:  # exit 0, no findings: the packages' code ended it (os._exit)
        return result, f"exited 0 without writing its findings to {out}\n{result.tail(20)}".strip()
    return result, result.tail(20)


def judge(expected_version: str, seen: Mapping[str, Any], dunder: bool = True) -> list[Check]:
    """The checks of one package from what the check script saw (``dunder``: compare each
    module's ``__version__``)."""
    checks: list[Check] = []
    installed = seen.get("installed")
    if installed is None:
        checks.append(Check("metadata", False, f"{seen['name']} is not installed"))
    else:
        said = f"importlib.metadata.version({seen['name']!r}) is {installed}"
        ok = same_version(installed, expected_version)
        checks.append(Check("metadata", ok, f"{said}, expected {expected_version}"))
    modules = seen.get("modules") or []
    binaries = seen.get("binaries") or []
    # a binary-only wheel: its binaries run
    checks += [Check(f"run {b['binary']} --version", bool(b["ok"]), b["output"]) for b in binaries]
    if not modules and not binaries and seen.get("metadata_only"):
        checks.append(Check("import", True, "a metadata-only wheel: nothing to import"))
    elif not modules and not binaries:
        checks.append(Check("import", False, "the wheel ships no importable package or module"))
    for module in modules:
        name = module["module"]
        if not module["ok"]:
            checks.append(Check(f"import {name}", False, module["error"] or "import failed"))
            continue
        inside = bool(module.get("inside", True))
        where = "" if inside else module["location"]
        said = f"{name} was imported from {where}, outside the fresh environment"
        checks.append(Check(f"import {name}", inside, "" if inside else said))
        if inside and module["version"] is not None and dunder:
            ok = same_version(module["version"], expected_version)
            said = f"{name}.__version__ is {module['version']!r}, expected {expected_version}"
            checks.append(Check(f"{name}.__version__", ok, said))
    return checks


def compare_files(sdist_wheel: WheelFacts, wheel: WheelFacts) -> Check:
    """The wheel built from the sdist ships the same files as the released wheel."""
    missing = sorted(wheel.files - sdist_wheel.files)
    extra = sorted(sdist_wheel.files - wheel.files)
    if not missing and not extra:
        return Check("same files as wheel", True)
    parts = []
    if missing:
        parts.append(f"missing from the sdist build: {shortlist(missing, 10)}")
    if extra:
        parts.append(f"only in the sdist build: {shortlist(extra, 10)}")
    return Check(
        "same files as wheel", False, f"{'; '.join(parts)} (compared with {wheel.filename})"
    )


def read_findings(out: Path, expected: Sequence[tuple[str, str, bool]]) -> Findings:
    """The findings in ``out`` judged: its Python and each package's facts and checks; or
    why it cannot be read (the packages' code can write there: untrusted JSON)."""
    try:
        found = json.loads(out.read_text(encoding="utf-8"))
        packages = found["packages"]
        if not isinstance(packages, list) or len(packages) != len(expected):
            raise ValueError(f"{len(expected)} package(s) were checked")
        judged = []
        for (name, version, dunder), seen in zip(expected, packages, strict=True):
            if seen["name"] != name:
                raise ValueError(f"{name} is not where it was put")
            scripts = [str(s) for s in seen.get("scripts") or () if _plain_name(str(s))]
            tidy = {**seen, "seconds": float(seen.get("seconds", 0.0)), "scripts": scripts}
            judged.append((tidy, judge(version, tidy, dunder)))
        return str(found.get("python", "")), judged
    except (OSError, ValueError, KeyError, TypeError, AttributeError, IndexError) as exc:
        return (
            f"its findings in {out} are not what the check writes ({type(exc).__name__}: "
            f"{exc}): a package's own code wrote over them (an atexit handler?)"
        )


def _plain_name(name: str) -> bool:
    """Whether ``name`` is a file name of the environment's scripts, not a way out of it."""
    return bool(name) and "/" not in name and "\\" not in name and name not in (".", "..")
