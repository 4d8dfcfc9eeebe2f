"""Version arithmetic: parse, compare, bump and respell a version, PEP 440 or semver."""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterable

from packaging.version import InvalidVersion, Version

from relnox.errors import VersionError

PARTS = ("major", "minor", "patch", "pre", "release", "post", "dev")
SCHEMES = ("pep440", "semver")
#: accepted spellings of a pre-release label -> the PEP 440 letter
PRE_LABELS = {"alpha": "a", "a": "a", "beta": "b", "b": "b", "rc": "rc", "c": "rc"}
_SEMVER_LABELS = {"a": "alpha", "b": "beta", "rc": "rc"}

#: the longest version relnox accepts: every artifact's file name (255 bytes at most) holds it
MAX_VERSION_LENGTH = 255
_EXAMPLES = "write it like 1.2.3, 1.2.3rc1 or 1.2.3.post1"


def validate_version(value: object, where: str, *, semver: bool = False) -> Version:
    """``value`` as a :class:`Version`, else a VersionError (``semver``: naming both schemes)."""
    if not isinstance(value, str):
        raise VersionError(
            f"{where}: the version must be a string, not {type(value).__name__} ({value!r}); "
            f'quote it: "{value}"'
        )
    if len(value) > MAX_VERSION_LENGTH:
        raise VersionError(
            f"{where}: the version is {len(value)} characters long ({value[:20]!r}...), more "
            f"than the {MAX_VERSION_LENGTH} relnox accepts (every artifact's file name holds "
            f"the version, and {MAX_VERSION_LENGTH} bytes is the longest file name a file "
            f"system stores); {_EXAMPLES}"
        )
    # a semver spelling relnox can read (2.0.1-alpha.0, -rc.1, +build) is PEP 440's too
    if (parsed := maybe_version(value)) is not None:
        return parsed
    if semver:
        raise VersionError(
            f"{where}: {value!r} is not a valid version; write it like 1.2.3, 1.2.3rc1 "
            "(PEP 440) or 1.2.3-rc.1 (semver)"
        )
    raise VersionError(f"{where}: {value!r} is not a valid PEP 440 version; {_EXAMPLES}")


def parse_version(text: str, where: str = "version") -> Version:
    return validate_version(text.strip(), where, semver=True)


def to_scheme(version: Version | str, scheme: str) -> str:
    """``version`` written in ``scheme``: ``pep440`` (normalized) or ``semver``."""
    if scheme not in SCHEMES:
        raise VersionError(f"unknown version scheme {scheme!r}; use one of {', '.join(SCHEMES)}")
    v = version if isinstance(version, Version) else parse_version(version)
    return str(v) if scheme == "pep440" else _semver_text(v)


def semver_spelling(version: str) -> str:
    """``version`` as semver writes it (``1.2.0-alpha.1``), or as it is where semver cannot."""
    try:
        return to_scheme(version, "semver")
    except VersionError:
        return version


def _semver_text(v: Version) -> str:
    refused = (
        (v.epoch, "has an epoch"),
        (len(v.release) > 3, "has more than three release numbers"),
        (v.post is not None, "is a post release"),
        (v.pre is not None and v.dev is not None, "is a dev release of a pre-release"),
    )
    why = next((why for wrong, why in refused if wrong), None)
    if why is not None:
        raise VersionError(
            f"version {v} {why}, which semver cannot express; use a plain X.Y.Z, "
            'X.Y.Z-alpha.N/-beta.N/-rc.N, or set version-scheme = "pep440"'
        )
    major, minor, patch = (*v.release, 0, 0)[:3]
    text = f"{major}.{minor}.{patch}"
    if v.pre is not None:
        text += f"-{_SEMVER_LABELS[v.pre[0]]}.{v.pre[1]}"
    elif v.dev is not None:
        text += f"-dev.{v.dev}"
    return text + (f"+{v.local}" if v.local else "")


def _build(
    v: Version,
    release: list[int] | tuple[int, ...],
    *,
    pre: tuple[str, int] | None = None,
    post: int | None = None,
    dev: int | None = None,
) -> Version:
    text = (f"{v.epoch}!" if v.epoch else "") + ".".join(str(n) for n in release)
    text += f"{pre[0]}{pre[1]}" if pre is not None else ""
    text += f".post{post}" if post is not None else ""
    return Version(text + (f".dev{dev}" if dev is not None else ""))


def _bumped_release(v: Version, index: int) -> list[int]:
    release = list(v.release) + [0] * (index + 1 - len(v.release))
    return [*release[:index], release[index] + 1] + [0] * (len(release) - index - 1)


def dev_label(v: Version) -> bool:
    """A local label marking work towards a release (2.4.0+dev; not 0.1+private, 2.0+cu118)."""
    return v.local is not None and v.local.split(".")[0].startswith("dev")


def bump_version(v: Version, part: str, pre: str | None = None, first: int = 0) -> Version:
    """The next version after ``v`` for ``part``; a new pre-release label starts at ``first``."""
    if part not in PARTS:
        raise VersionError(f"unknown part {part!r}; use one of {', '.join(PARTS)}")
    label = None if pre is None else PRE_LABELS.get(pre.lower())
    if pre is not None and label is None:
        raise VersionError(f"unknown pre-release label {pre!r}; use one of alpha, beta, rc")
    if label is not None and part not in ("major", "minor", "patch", "pre"):
        raise VersionError(
            f"--pre {pre} does not combine with part {part!r}; use it with pre, major, "
            "minor or patch"
        )
    unfinished = v.is_prerelease and v.post is None
    if part in ("major", "minor", "patch"):
        index = ("major", "minor", "patch").index(part)
        tail = list(v.release[index + 1 :])
        between = v.dev is not None or (dev_label(v) and v.pre is None)
        if label is None and between and v.post is None and not any(tail):
            return _build(v, v.release, pre=v.pre)  # 0.60b0.dev0 -> 0.60b0, 2.4.0+dev -> 2.4.0
        if label is not None and between and v.pre is None and v.post is None and not any(tail):
            return _build(v, v.release, pre=(label, first))  # 4.4.0.dev1 --pre beta -> 4.4.0b1
        if label is None and unfinished and not any(tail):
            return _build(v, v.release)  # 2.0.0rc1 -> 2.0.0
        return _build(v, _bumped_release(v, index), pre=(label, first) if label else None)
    if part == "pre":
        if v.pre is None:
            if label is None:
                raise VersionError(
                    f"{v} is not a pre-release, so --part pre needs a label; "
                    "add --pre alpha, --pre beta or --pre rc"
                )
            release = list(v.release) if unfinished else _bumped_release(v, 2)
            return _build(v, release, pre=(label, first))
        current, number = v.pre
        if label is None or label == current:
            same = v.dev is not None and v.post is None  # 1.0a1.dev0 -> 1.0a1
            return _build(v, v.release, pre=(current, number if same else number + 1))
        return _build(v, v.release, pre=(label, first))
    if part == "release":
        return _build(v, v.release, post=v.post if v.pre is None else None)
    if part == "post":
        if v.post is not None and v.dev is not None:
            return _build(v, v.release, pre=v.pre, post=v.post)
        return _build(v, v.release, pre=v.pre, post=(v.post or 0) + 1)
    if v.dev is not None:
        return _build(v, v.release, pre=v.pre, post=v.post, dev=v.dev + 1)
    if v.post is not None:
        return _build(v, v.release, pre=v.pre, post=v.post + 1, dev=0)
    if v.pre is not None:
        return _build(v, v.release, pre=(v.pre[0], v.pre[1] + 1), dev=0)
    return _build(v, _bumped_release(v, 2), dev=0)


def check_increase(old: Version, new: Version, what: str) -> None:
    """Refuse ``new`` unless above ``old`` (its public part; a ``1!0+label`` is above nothing)."""
    if old.epoch and not any(old.release) and old.local is not None:
        return
    public = Version(old.public) if old.local is not None and new.local is None else None
    if new < public if public is not None else new <= old:
        raise VersionError(
            f"{what} gives {new}, which is not higher than {old}; "
            "choose a higher --to version or another --part"
        )


def target_version(
    current: str,
    *,
    part: str | None = None,
    to: str | None = None,
    pre: str | None = None,
    scheme: str = "pep440",
    where: str = "current version",
    taken: Callable[[Version], bool] | None = None,
    first: int = 0,
) -> str:
    """``--to`` or ``--part``: the checked new version for ``current``."""
    if (part is None) == (to is None):
        if part is None and pre is not None:
            part = "pre"
        else:
            raise VersionError(
                "give exactly one of --part (major, minor, patch, pre, release, post, dev) "
                "and --to VERSION"
            )
    old = parse_version(current, where)
    if to is not None and pre is not None:
        raise VersionError(f"--pre {pre} does not combine with --to; write it into --to")
    if to is not None:
        new, how = parse_version(to, "--to"), f"--to {to}"
    else:
        how = f"bumping {current} by {part!r}"
        new = bump_version(old, str(part), pre, first)
        while taken is not None and part != "release" and taken(new):  # a tag released it
            if new.pre is not None and not taken(Version(new.base_version)):
                # a pre-release of a line not final elsewhere: that line's next (1.10.0a1)
                new = Version(f"{new.base_version}{new.pre[0]}{new.pre[1] + 1}")
            else:
                new = bump_version(new, str(part), pre, first)
    check_increase(old, new, f"{where}: {how}")
    text = to_scheme(new, scheme)
    if scheme != "pep440":
        _semver_above(old, text)
        return text
    if to is not None:
        given = to.strip()
        # ``3.1.8.dev`` / ``2.0rc``: the number left implicit is the maintainers' spelling
        return given if text == given + "0" else padded_like(text, to)
    return spelled_like(padded_like(text, current), current)


def _semver_above(old: Version, text: str) -> None:
    """Refuse semver ``text`` unless it sorts above ``old`` there (semver ignores +build)."""
    import semver

    try:
        before = semver.Version.parse(_semver_text(old)) if old.local is None else None
    except VersionError:
        return
    if before is not None and semver.Version.parse(text) <= before:
        raise VersionError(
            f"{text} does not sort above {before} in semver (semver orders "
            "pre-release labels alphabetically); choose another --part or --to"
        )


_RELEASE_TEXT = re.compile(r"^(?P<lead>[vV]?(?:\d+!)?)(?P<release>\d+(?:\.\d+)*)")


def padded_like(text: str, like: str) -> str:
    """``text`` with each release number as wide as ``like``'s zero-padded one (``07``)."""
    model, found = _RELEASE_TEXT.match(like.strip()), _RELEASE_TEXT.match(text)
    if model is None or found is None:
        return text
    widths = [
        len(n) if len(n) > 1 and n.startswith("0") else 0 for n in model["release"].split(".")
    ]
    numbers = found["release"].split(".")
    spelled = [n.zfill(widths[i]) if i < len(widths) else n for i, n in enumerate(numbers)]
    return found["lead"] + ".".join(spelled) + text[found.end() :]


def long_as_released(text: str, released: Iterable[Version], written: str | None = None) -> str:
    """``text`` as long as the releases of its shape were spelled (``0.14`` after ``0.13.0`` is
    ``0.14.0``; ``4.3.0`` after ``4.1`` and ``4.2`` is ``4.3``), or as ``written`` is."""
    if (found := _RELEASE_TEXT.match(text)) is None:
        return text
    released = [v for v in released if not v.is_prerelease]
    numbers = found["release"].split(".")
    length = len(numbers)
    shaped = [v for v in released if not any(v.release[length:])]
    # the newest of its shape; of two equal (0.13 and 0.13.0), the shorter
    model = max(shaped, key=lambda v: (v, -len(v.release)), default=None)
    if model is not None and len(model.release) > length:
        zeros = ".0" * (len(model.release) - length)
        return found["lead"] + found["release"] + zeros + text[found.end() :]
    # as short as they were: the two newest releases ending in as many zeros decide
    significant = max((i + 1 for i, n in enumerate(numbers) if int(n)), default=1)
    shown = _RELEASE_TEXT.match(written.strip()) if written else None
    said = shown["release"].split(".") if shown is not None else []
    if significant == length or (len(said) >= length and not any(map(int, said[significant:]))):
        return text
    if significant <= len(said) < length:
        # written shorter: 2.1 for 2.1.0 where the project spells its version 2.1rc0
        return found["lead"] + ".".join(numbers[: len(said)]) + text[found.end() :]
    short = sorted(
        {v.release: v for v in released if not any(v.release[significant:])}.values(),
        key=lambda v: (v, -len(v.release)),
    )[-2:]
    lengths = {len(v.release) for v in short}
    if len(short) < 2 or len(lengths) != 1 or not significant <= min(lengths) < length:
        return text
    return found["lead"] + ".".join(numbers[: min(lengths)]) + text[found.end() :]


#: a pre-release written with separators (``3.2.0-rc0``, ``1.0.0.beta2``, ``2.0-Alpha.1``)
_PRE_SPELLED = re.compile(
    r"(?P<release>\d+(?:\.\d+)*)(?P<sep>[-._]?)(?P<label>alpha|beta|preview|pre|rc|a|b|c)"
    r"(?P<gap>[-._]?)(?P<number>\d+)",
    re.IGNORECASE,
)


def spells_pre(text: str) -> bool:
    version = maybe_version(text)
    return bool(_PRE_SPELLED.fullmatch(text)) and version is not None and text != str(version)


def spelled_like(new: str, current: str) -> str:
    """``new`` with its pre-release written as ``current`` writes one (``3.2.0-rc1``); after a
    version written as semver writes it and PEP 440 does not (``3.0.0-dev.4``), as semver writes
    it (``3.0.0-rc.1``)."""
    style = _PRE_SPELLED.fullmatch(current)
    version = maybe_version(new)
    if version is not None and new == str(version) and semver_spelled(current):
        return semver_spelling(new)
    if style is None or version is None or version.pre is None or new != str(version):
        return new
    if version.dev is not None or version.post is not None or version.local or version.epoch:
        return new
    label = style["label"]
    long = label.lower() in ("alpha", "beta")
    letter, number = version.pre
    spelled = {"a": "alpha" if long else "a", "b": "beta" if long else "b"}.get(letter, "rc")
    if letter == "rc" and PRE_LABELS.get(label.lower(), "rc") == "rc" and label.lower() != "rc":
        spelled = label.lower()  # c, pre, preview: the repository's name for a candidate
    if label.isupper():
        spelled = spelled.upper()
    elif label[:1].isupper():
        spelled = spelled.capitalize()
    release = ".".join(str(n) for n in version.release)
    text = f"{release}{style['sep']}{spelled}{style['gap']}{number}"
    return text if maybe_version(text) == version else new


def semver_spelled(text: str) -> bool:
    """Whether ``text`` is written as semver writes it and PEP 440 does not (``3.0.0-dev.4``)."""
    version = maybe_version(text)
    if version is None or text == str(version):
        return False
    try:
        return to_scheme(version, "semver") == text
    except VersionError:  # one semver cannot write (4.16.0rc2.dev): not its spelling
        return False


@functools.cache  # a start reads a few hundred versions thousands of times (tags, files)
def maybe_version(text: str) -> Version | None:
    """``text`` as a version, or ``None`` (not one, or past :data:`MAX_VERSION_LENGTH`)."""
    if len(text) > MAX_VERSION_LENGTH:
        return None
    try:
        return Version(text)
    except InvalidVersion:
        return None


def same_version(a: str | None, b: str | None) -> bool:
    """Whether ``a`` and ``b`` name one version (``1.2`` is ``1.2.0``), else equal strings."""
    if a is None or b is None:
        return a is b
    va, vb = maybe_version(a), maybe_version(b)
    return va == vb if va is not None and vb is not None else a == b


def abbreviates(version: Version | None, others: Iterable[Version | None]) -> bool:
    """A floating tag's version: ``v10.6`` beside ``10.6.1`` among ``others``."""
    if version is None or version.pre or version.post is not None or version.dev is not None:
        return False
    n = len(version.release)
    return any(
        o is not None and len(o.release) > n and o.release[:n] == version.release for o in others
    )


def check_file_name(where: str, dist_name: str, version: str) -> None:
    """Refuse a version whose shortest wheel name (``-py3-none-any.whl``) is no file name."""
    wheel = f"{dist_name}-{version}-py3-none-any.whl"
    if len(wheel.encode()) > MAX_VERSION_LENGTH:
        raise VersionError(
            f"{where}: the wheel of {dist_name} {version[:20]}... would be named with "
            f"{len(wheel.encode())} characters, more than the {MAX_VERSION_LENGTH} a file name "
            "may have; shorten the version"
        )
