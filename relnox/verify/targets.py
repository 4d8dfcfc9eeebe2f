"""Which environment each package is checked in (by ``requires-python``), with which extras."""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from dataclasses import replace
from typing import TYPE_CHECKING

from packaging.requirements import InvalidRequirement, Requirement
from packaging.specifiers import InvalidSpecifier, SpecifierSet
from packaging.utils import canonicalize_name
from packaging.version import InvalidVersion, Version

from relnox.errors import VerifyError
from relnox.tools.envs import find_python, interpreter_version

if TYPE_CHECKING:
    from relnox.verify.model import Round, Target

logger = logging.getLogger("relnox")

#: a comma that separates items: not one inside brackets (``a[x,y],b``)
_COMMA = re.compile(r",(?![^\[]*\])")


def parse_extras(values: Sequence[str]) -> tuple[tuple[str, ...], dict[str, tuple[str, ...]]]:
    """``["cli", "demo-core[http,ssh]"]`` -> (("cli",), {"demo-core": ("http", "ssh")}); an
    extra's name normalized as PEP 685 says (as a project's)."""
    common: list[str] = []
    per_package: dict[str, tuple[str, ...]] = {}
    for value in values:
        for item in filter(None, (i.strip() for i in re.split(_COMMA, value))):
            if "[" not in item:
                common.append(canonicalize_name(item))
                continue
            try:
                req = Requirement(item)
            except InvalidRequirement:
                raise VerifyError(
                    f"--extras {item!r} is neither an extra (cli) nor a package with extras "
                    "(demo-core[cli]); write one of those"
                ) from None
            name = canonicalize_name(req.name)
            per_package[name] = tuple(
                dict.fromkeys(
                    [*per_package.get(name, ()), *sorted(map(canonicalize_name, req.extras))]
                )
            )
    return tuple(dict.fromkeys(common)), per_package


def satisfies(requires_python: str | None, version: str | None) -> bool:
    """Whether ``version`` is allowed, pre-releases too (unknown or malformed: yes)."""
    if not requires_python or version is None:
        return True
    try:
        return SpecifierSet(requires_python).contains(Version(version), prereleases=True)
    except (InvalidSpecifier, InvalidVersion):
        return True


def check_extras(
    common: Sequence[str],
    per_package: dict[str, tuple[str, ...]],
    declared: dict[str, tuple[str, ...] | None],
) -> dict[str, tuple[str, ...]]:
    """The extras of each package in ``declared`` (None: unknown, every one asked is taken)."""
    unknown = [n for n in per_package if n not in declared]
    if unknown:
        raise VerifyError(
            f"--extras names {', '.join(unknown)}, which is not verified here; name a package "
            f"of the release ({', '.join(declared)})"
        )
    chosen: dict[str, tuple[str, ...]] = {}
    for name, has in declared.items():
        mine = list(per_package.get(name, ()))
        missing = [e for e in mine if has is not None and e not in has]
        if missing:
            raise VerifyError(
                f"--extras {name}[{','.join(missing)}]: {name} declares no such extra "
                f"(it has {', '.join(has or ()) or 'none'}); check the name"
            )
        mine += [e for e in common if has is None or e in has]
        if mine:
            chosen[name] = tuple(dict.fromkeys(mine))
    for extra in common:
        if not any(extra in chosen.get(n, ()) for n in declared):
            raise VerifyError(
                f"--extras {extra}: no package verified here declares the extra {extra}; "
                "check the name, or write name[extra]"
            )
    return chosen


def by_interpreter(
    rounds: Sequence[Round], python: str, extras: Sequence[str]
) -> tuple[list[Round], list[tuple[str, Target, str]]]:
    """Each round split by the interpreter its packages need (none: skipped), with extras."""
    targets = {t.name: t for r in rounds for t in r.targets}
    common, per_package = parse_extras(extras)
    declared = {n: (t.facts.extras if t.facts else None) for n, t in targets.items()}
    chosen = check_extras(common, per_package, declared) if extras else {}
    version = interpreter_version(python)
    if version is None:  # not an interpreter (/bin/false), or one that never answers
        raise VerifyError(
            f"--python {python}: did not say its version as a Python interpreter does (it "
            "failed, or gave no answer within 60s); give the path of an installed Python, "
            "or a version such as 3.11"
        )
    placed: dict[str, str | None] = {}  # each package's interpreter (None: ``python``)
    why: dict[str, str] = {}  # the skipped packages
    for name, target in targets.items():
        requires = target.requires_python
        if satisfies(requires, version):
            placed[name] = None
            continue
        found, why_not = find_python(requires or "")
        if found is None:
            why[name] = f"needs Python {requires}, {why_not}"
            said = (name, requires, python, version, why_not)
            logger.warning(
                "%s: skipped: it needs Python %s and %s is %s; %s (uv python install, or --python)",
                *said,
            )
            continue
        logger.info("%s: needs Python %s; checking it with %s", name, requires, found)
        placed[name] = found
    split: list[Round] = []
    skipped: list[tuple[str, Target, str]] = []
    for rnd in rounds:
        groups: dict[str | None, list[Target]] = {}
        for target in rnd.targets:
            target = replace(target, extras=chosen.get(target.name, ()))
            if target.name in why:
                skipped.append((rnd.kind, target, why[target.name]))
                continue
            groups.setdefault(placed[target.name], []).append(target)
        for interpreter, members in sorted(groups.items(), key=lambda kv: kv[0] is not None):
            names = {t.name for t in members}
            others = tuple(t.wheel for t in rnd.targets if t.name not in names and t.wheel)
            more = rnd.available + others
            split.append(replace(rnd, targets=tuple(members), python=interpreter, available=more))
    return split, skipped
