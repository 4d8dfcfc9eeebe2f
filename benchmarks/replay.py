"""Replay a repository's real releases: would relnox have made the same bump?

Run: ``python benchmarks/replay.py REPO [-n N] [--under DIR] [-p PACKAGE] [--tags [--prefix P]]``.

A release commit is one whose diff turns a version literal (``version =``,
``__version__ =``, ``VERSION =`` in a ``.toml``/``.py``/``.cfg``/version file)
from X into Y. For each of the last N, the commit before it is checked out in a
temporary worktree and ``relnox bump --to Y --dry-run --json`` is run (and
``--part P`` too where X -> Y is a plain major/minor/patch step). Compared: the
version relnox proposes against Y, and the files it would edit against the files
the real commit changed from X to Y (or that a later commit moved from X to Y: a copy
the maintainers forgot at the release). Vendored copies and lock files hold other
projects' versions and make no release. A repository with no version literal (its
version comes from tags), or none any more where its last literal release wrote one, is
replayed from its tags (``--tags``: any repository): the commit before each tag, its
``--part`` from the highest earlier tag of its convention, its files those whose line moved
from that tag to it; a bare tag (``v1.2.0``) where the packages are at several versions releases
those at its last version, named with ``-p``.
A literal moved to a final version no tag names, from one a tag names, is the next version
written ahead of its release (a placeholder after a release), not a release: skipped, and the
release after it replayed in its place (a move to a pre-release, ``.dev`` or ``+dev`` one is
replayed); a move from such a final version no tag released to one a tag released retargets
the next version (1.17.3 to 1.18.0 before either was made), not a release: skipped too.
One line per release, then the share that matched.
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

from packaging.version import InvalidVersion, Version

from relnox.toml import tomllib

LITERAL = re.compile(
    r"""^([-+])\s*(?:__version__|version|VERSION|release)\s*(?::\s*\w+\s*)?[:=]\s*["']([0-9][^"']*)["']"""
)
#: a file named for the version holding only one (``VERSION``, ``src/version.info``)
BARE = re.compile(r"^([-+])\s*v?([0-9][^\s\"']*)\s*$")
VERSION_FILES = ("*.toml", "*.py", "*.cfg", "*VERSION*", "*version*")
TIMEOUT = 300
# Where a repository records other projects' versions, not its own: a vendored copy of a
# dependency (``_vendor/name/__init__.py``, a patched one ``patched/name/__init__.py``) and a
# lock file (``pylock.toml``).
VENDORED = {"_vendor", "vendor", "vendored", "_vendored", "third_party", "extern", "_extern"}
VENDORED |= {"patched", "_patched"}
# ... and a test suite's data (``version="2.4.0"`` given to a fake project in a test module),
# and an example program's own (``examples/tool.py``'s ``__version__``)
TESTS = {"test", "tests", "testing", "example", "examples"}
# a package relnox does not know, or knows as not released (a project no workspace file names)
UNKNOWN = re.compile(r"unknown package '([^']+)'|'([^']+)' \([^)]*\) is not released")


def git(repo: Path, *args: str) -> str:
    return subprocess.run(
        ["git", "-C", str(repo), *args],
        capture_output=True,
        text=True,
        errors="replace",  # a commit's diff of a file in another encoding
        check=True,
        timeout=TIMEOUT,
    ).stdout


def parse(text: str) -> Version | None:
    try:
        return Version(text)
    except InvalidVersion:
        return None


def literal(line: str, path: str) -> re.Match[str] | None:
    """The version literal a diff's ``line`` of ``path`` adds or takes out: ``version =
    "X"``, or the line of a file named for the version that is only one."""
    name = path.rsplit("/", 1)[-1].lower()  # not .python-version, nor a .py module
    stem, _, suffix = name.partition(".")
    bare = "version" in stem and "python" not in stem and suffix in ("", "txt", "info")
    return LITERAL.match(line) or (BARE.match(line) if bare else None)


def foreign(path: str) -> bool:
    """A file holding another project's version: under a vendoring, test or example folder, or a
    lock file."""
    *folders, name = path.split("/")
    return bool((VENDORED | TESTS) & set(folders)) or "lock" in name.lower()


def owner(repo: Path, commit: str, path: str) -> str | None:
    """The ``[project] name`` of the nearest pyproject.toml (setup.cfg, setup.py) above ``path``
    at ``commit``: ``""``
    for a package its ``Private :: Do Not Upload`` classifier keeps from every index."""
    parts = path.split("/")[:-1]
    while True:
        where = "/".join([*parts, "pyproject.toml"])
        try:
            text = git(repo, "show", f"{commit}:{where}")
        except subprocess.CalledProcessError:
            text = ""
        try:
            data = tomllib.loads(text) if text else {}
        except tomllib.TOMLDecodeError:  # a commit that broke it: no name there
            data = {}
        name = data.get("project", {}).get("name") or data.get("tool", {}).get("poetry", {}).get(
            "name"
        )
        if not name:  # its metadata in setup.cfg: ``[metadata] name = ...``
            try:
                cfg = git(repo, "show", f"{commit}:{where.replace('pyproject.toml', 'setup.cfg')}")
            except subprocess.CalledProcessError:
                cfg = ""
            metadata = cfg.partition("[metadata]")[2].split("\n[", 1)[0]
            found = re.search(r"(?m)^name\s*=\s*(\S+)", metadata)
            name = found[1] if found else None
        if not name:  # or in setup.py: ``setup(name='...')``
            try:
                py = git(repo, "show", f"{commit}:{where.replace('pyproject.toml', 'setup.py')}")
            except subprocess.CalledProcessError:
                py = ""
            found = re.search(r"""\bname\s*=\s*['"]([A-Za-z0-9._-]+)['"]""", py)
            # or a constant of the module: ``name=PACKAGE_NAME`` after ``PACKAGE_NAME = "..."``
            if not found and (const := re.search(r"\bname\s*=\s*([A-Z][A-Z0-9_]*)\b", py)):
                found = re.search(rf"""(?m)^{const[1]}\s*=\s*['"]([A-Za-z0-9._-]+)['"]""", py)
            name = found[1] if found else None
        private = "Private :: Do Not Upload" in text
        if name and re.fullmatch(r"[A-Za-z0-9._-]+", str(name)):  # not a template's
            return "" if private else str(name)
        if not parts:
            return None
        parts.pop()


Release = tuple[str, str, str, set[str], set[str], bool]


def release_commits(
    repo: Path, under: str, count: int, tags: bool = False, prefix: str = ""
) -> list[Release]:
    """(commit, old, new, files changed from old to new, packages, from tags) for the last
    ``count`` releases: of the version literals, else (or with ``tags``) of the tags (those
    starting with ``prefix``: one package's of a repository tagging each its own way)."""
    pathspecs = [f":(glob){under}**/{pattern}" for pattern in VERSION_FILES]
    candidates = git(
        repo,
        "log",
        "--format=%H",
        "-n",
        "400",
        "-i",
        "-G",
        r"version|^v?[0-9]+\.[0-9]",  # a literal, or a version file's only line
        "--",
        *pathspecs,
    ).split()
    candidates = [] if tags else candidates
    found: list[Release] = []
    holders: set[str] = set()  # the files of the last release's literal
    for commit in candidates:
        olds: dict[str, set[str]] = {}
        news: dict[str, set[str]] = {}
        current = ""
        for line in git(repo, "show", "-U0", "--format=", commit, "--", *pathspecs).splitlines():
            if line.startswith("+++ b/"):
                current = line[6:]
            match = literal(line, current)
            if match and parse(match[2]) is not None and not foreign(current):
                (olds if match[1] == "-" else news).setdefault(match[2], set()).add(current)
        pairs = [
            (len(olds[o] & news[n]), o, n)
            for o in olds
            for n in news
            if olds[o] & news[n] and later(o, n)
        ]
        if not pairs:
            continue
        _, old, new = max(pairs)  # several lines moved at once: the one in most files
        # a file whose lines saying ``old`` the commit took out outnumber those it put in (a
        # changelog's section inserted above the last one's is a diff's shuffle, not a move; the
        # last release's heading given its date, or its compare link corrected, says ``old``
        # still), but for those saying ``new`` too (the release's own link from ``old``)
        lines: Counter[str] = Counter()
        wrote: set[str] = set()  # the files a line saying ``new`` was put in
        try:
            shown = git(repo, "show", "-U0", "--format=", commit, "--", under or ".")
        except subprocess.CalledProcessError:  # a mirror that lacks one of its large files
            shown = git(repo, "show", "-U0", "--format=", commit, "--", *pathspecs)
        for line in shown.splitlines():
            if line.startswith("--- "):
                current = line[6:]
            elif line == "+++ /dev/null":  # a file deleted (a news fragment consumed) moved none
                current = "/dev/null"
            elif line[:1] in "-+" and old in line and not line.startswith("+++ "):
                step = 0 if foreign(current) else 1 if line[0] == "-" else -(new not in line)
                lines[current] += step
            if line[:1] == "+" and new in line and not line.startswith("+++ "):
                wrote.add(current)
        # a file that took ``old`` out and wrote ``new`` nowhere (the docs' pin on a release
        # candidate dropped at the final) was edited, not a copy of the version moved
        changed = {path for path, count in lines.items() if count > 0 and path in wrote}
        changed.discard("/dev/null")
        # a file whose literal moved from ``old`` to another version (another package of the
        # same number released to 0.3.0 beside this one's 0.2.2): that package's release
        changed -= {
            path
            for other, paths in news.items()
            if other != new
            for path in paths & olds[old] - news[new]
        }
        # a package never uploaded makes no release: its version file moving with the others'
        # (a code generator's, set to 0.0.0 later) is none relnox would make
        changed = {path for path in changed if owner(repo, commit, path) != ""}
        owners = {owner(repo, commit, path) for path in olds[old] & news[new]}
        names = {str(name) for name in owners if name}
        holders = holders or olds[old] & news[new]
        found.append((commit, old, new, changed, names, False))
        if len(found) == count:
            break
    if found and literal_at_head(repo, under, holders, Version(found[0][2])):
        return found
    found = []  # no version literal, or none any more (now from tags): the tags' releases
    for tag in git(repo, "tag", "--sort=-creatordate", "--merged", "HEAD").split():
        if not tag.startswith(prefix):
            continue
        text = tag.rsplit("-", 1)[-1].rsplit("/", 1)[-1].rsplit("@", 1)[-1]
        version = tag_version(tag)
        if version is None:
            continue
        prefix = tag[: -len(text)]
        commit = git(repo, "rev-list", "-n", "1", tag).strip()
        if not git(repo, "rev-list", "--parents", "-n", "1", commit).split()[1:]:
            continue  # the root commit: no commit before it to replay its release from
        name = prefix.rstrip("-/_@")
        # a tag naming the package's folder (``integrations/name-v1.0``): the project there
        folder = f"{name}/pyproject.toml"
        if "/" in name and git(repo, "ls-tree", "--name-only", commit, "--", folder).strip():
            name = owner(repo, commit, folder) or name
        names = {name} - {"", "v", "V"}  # a bare tag names no package
        # the release before: the highest of its convention's tags the commit before holds
        earlier: dict[Version, str] = {}
        for other in git(repo, "tag", "--merged", f"{commit}^").split():
            if other.startswith(prefix) and (v := tag_version(other)) and v < version:
                earlier[v] = other
        old, real = "", set()
        if earlier:
            old = str(max(earlier))
            # moved by the tagged commit, not before it (a release prepared earlier)
            real = moved(repo, earlier[max(earlier)], tag, old, str(version))
            real -= moved(repo, earlier[max(earlier)], f"{commit}^", old, str(version))
        found.append((commit, old, str(version), real, names, True))
        if len(found) == count:
            break
    return found


def moved(repo: Path, older: str, tag: str, old: str, new: str) -> set[str]:
    """The files whose line said ``old`` at tag ``older`` and says ``new``, the same line
    otherwise, at ``tag``: the copies of the version a tag's release moved. A line saying ``old``
    that the diff takes out and puts back (a changelog's section inserted above the last one's)
    is a diff's shuffle, not a move."""
    lines: dict[str, tuple[list[str], list[str]]] = {}  # a file -> its lines out, its lines in
    path = ""
    absent = [f":(exclude){path}" for at in (older, tag) for path in missing(repo, at)]
    for line in git(repo, "diff", "-U0", older, tag, "--", ".", *absent).splitlines():
        if line.startswith(("--- ", "+++ ")):
            path = line[6:]
        elif line[:1] in ("-", "+"):  # not an empty line (a diff's of a file without one)
            lines.setdefault(path, ([], []))[line[0] == "+"].append(line[1:])
    files: set[str] = set()
    for path, (taken, put) in lines.items():
        minus = {line.replace(old, "{}") for line in taken if old in line and line not in put}
        if not foreign(path) and any(line.replace(new, "{}") in minus for line in put):
            files.add(path)
    return files


def literal_at_head(repo: Path, under: str, holders: set[str], last: Version) -> bool:
    """Whether HEAD still writes the version in a literal: in a file of the last literal
    release (``last``), or in another one at ``last`` or above in its major line (the
    literal moved, from ``__init__.py`` to ``pyproject.toml``; a vendored module's own
    ``__version__`` is of another line). A repository whose version moved to its tags
    since its last literal release holds none."""
    pathspecs = [f":(glob){under}**/{pattern}" for pattern in VERSION_FILES]
    pattern = r"^((__version__|version|VERSION)\b|v?[0-9]+\.[0-9])"
    found = subprocess.run(
        ["git", "-C", str(repo), "grep", "-I", "-E", pattern, "HEAD", "--", *pathspecs],
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
    ).stdout
    for line in found.splitlines():
        _, path, text = line.split(":", 2)
        match = literal(f"+{text}", path)
        if match and not foreign(path):
            version = parse(match[2])
            if path in holders or (version and last <= version < Version(f"{last.major + 1}")):
                return True
    return False


def later(old: str, new: str) -> bool:
    """Whether moving the version literal from ``old`` to ``new`` makes a release: up; the
    release of a local development version (2.0.0 after 2.0.0+dev, which PEP 440 ranks above
    it); or from a development version down to a final one (a patch of the last line made
    after the files moved on to the next one's ``.dev0``)."""
    a, b = parse(old), parse(new)
    if a is None or b is None:
        return False
    return (
        b > a
        or (a.local is not None and b == Version(a.public))
        or (a.is_devrelease and not b.is_devrelease)
    )


def tag_version(tag: str) -> Version | None:
    """The version a tag names: ``v1.2.0``, ``core-v1.2.0``, ``name@1.2.0``, ``name/1.2.0``,
    ``v2.0.0-beta.2`` (a semver pre-release)."""
    found = re.search(r"[vV]?(\d[\w.+!]*(?:-[A-Za-z]+\.?\d*)?)$", tag)
    if found and re.fullmatch(r"\d+(?:_\d+)+", found[1]):  # rel_1_19_1
        return parse(found[1].replace("_", "."))
    return parse(found[1]) if found else None


def missing(repo: Path, commit: str) -> list[str]:
    """The files of ``commit`` whose contents a mirror that lacks its largest files lacks."""
    blobs = [line.split(None, 3)[2:] for line in git(repo, "ls-tree", "-r", commit).splitlines()]
    check = subprocess.run(
        ["git", "-C", str(repo), "cat-file", "--batch-check"],
        input="\n".join(sha for sha, _ in blobs),
        capture_output=True,
        text=True,
        check=True,
    ).stdout.splitlines()
    absent = {line.split()[0] for line in check if line.endswith(" missing")}
    return [path for sha, path in blobs if sha in absent]


def checkout(tree: Path, commit: str) -> None:
    """Check ``commit`` out; a mirror that lacks its largest files leaves those out."""
    absent = missing(tree, commit)
    if absent:
        git(tree, "config", "core.sparseCheckout", "true")
        lines = ["/*", *(f"!/{path}" for path in absent)]
        (tree / ".git" / "info").mkdir(exist_ok=True)
        (tree / ".git" / "info" / "sparse-checkout").write_text("\n".join(lines) + "\n")
    git(tree, "checkout", "-q", "--detach", commit)


def caught_up(repo: Path, commit: str, old: str, new: str, paths: set[str]) -> set[str]:
    """The ``paths`` a later commit turned from ``old`` to ``new``: copies of the version the
    maintainers forgot at the release and moved afterwards, so moving them was right; on any
    branch (a literal written ahead, whose release was made on a release branch). A copy that
    lagged (the docs' release at the final before ``old``) counts when the later commit's line
    is the same but for that version, and one left at ``old`` over several releases when the later
    commit moved it to one of them. A short X.Y spelling (Sphinx's ``version``) counts too."""
    found: set[str] = set()
    x_y = tuple(".".join(v.split(".")[:2]) for v in (old, new))
    shorter = x_y[0] != x_y[1] and x_y != (old, new)
    spellings = [(old, new, False), *([(*x_y, True)] if shorter else [])]
    for path in sorted(paths):
        for later in git(repo, "log", "--format=%H", "--all", f"^{commit}", "--", path).split():
            diff = git(repo, "show", "-U0", "--format=", later, "--", path).splitlines()
            for was, now, alone_only in spellings:
                if alone_only:  # the X.Y alone, not the start of a longer version
                    alone = re.compile(rf"(?<![\w.]){re.escape(now)}(?![\w.])")
                    diff = [line for line in diff if line[:1] != "+" or alone.search(line)]
                minus = [line[1:] for line in diff if line.startswith("-")]
                plus = [line[1:] for line in diff if line.startswith("+") and now in line]
                lagged = [
                    re.compile(re.escape(line).replace(re.escape(now), r"[0-9][\w.+-]*"))
                    for line in plus
                ]
                if plus and any(
                    was in line or any(r.fullmatch(line) for r in lagged) for line in minus
                ):
                    found.add(path)
                # or one left at ``old`` over several releases and caught up to a later one
                shapes = [
                    re.compile(re.escape(line).replace(re.escape(was), r"([0-9][\w.+-]*)"))
                    for line in minus
                    if was in line and not alone_only
                ]
                put = [line[1:] for line in diff if line.startswith("+")]
                caught = [m[1] for r in shapes for line in put if (m := r.fullmatch(line))]
                if any((v := parse(c)) is not None and v >= Version(now) for c in caught):
                    found.add(path)
            if path in found:
                break
    return found


def plain_part(old: str, new: str) -> str | None:
    a, b = parse(old), parse(new)
    if (
        a is None
        or b is None
        or a.is_prerelease
        or b.is_prerelease
        or a.is_postrelease
        or b.is_postrelease
        or a.local  # 2.3.0+dev -> 2.4.0+dev opens a development line: no --part names it
        or b.local
    ):
        return None
    x, y = ((*a.release, 0, 0, 0))[:3], ((*b.release, 0, 0, 0))[:3]
    steps = {
        "major": (x[0] + 1, 0, 0),
        "minor": (x[0], x[1] + 1, 0),
        "patch": (x[0], x[1], x[2] + 1),
    }
    return next((part for part, step in steps.items() if step == y), None)


def pre_ask(old: str, new: str) -> list[str]:
    """The ``--pre`` bump that makes the pre-release ``new`` from ``old`` (with the part its
    release steps by), if one does: ``2.0.0rc7`` or ``2.0.0.dev0`` -> ``2.0.0rc8`` (none makes
    ``2.14.0a0+dev``, a placeholder of development, nor ``1.0.0b251104``, numbered by the day
    it was made: ``--pre`` gives the day it runs, and relnox takes no date to give it)."""
    a, b = parse(old), parse(new)
    if a is None or b is None or b.pre is None or (b.dev, b.post, b.local) != (None, None, None):
        return []
    if re.fullmatch(r"(20)?\d\d(0[1-9]|1[0-2])[0-3]\d", str(b.pre[1])):  # YYMMDD, YYYYMMDD
        return []
    label = ["--pre", {"a": "alpha", "b": "beta", "rc": "rc"}[b.pre[0]]]
    if (*a.release, 0, 0)[:3] == (*b.release, 0, 0)[:3]:
        return label
    part = plain_part(a.base_version, b.base_version)
    return ["--part", part, *label] if part else []


def relnox(tree: Path, args: list[str]) -> dict[str, object] | str:
    done = subprocess.run(
        [sys.executable, "-m", "relnox", "bump", "--dry-run", "--json", *args],
        cwd=tree,
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
    )
    if done.returncode != 0:
        return (done.stderr.strip().splitlines() or [f"exit {done.returncode}"])[-1][:200]
    return json.loads(done.stdout)  # type: ignore[no-any-return]


def versions_read(tree: Path) -> list[str]:
    """The versions ``relnox packages`` reads in ``tree`` (none if it cannot)."""
    return [version for _name, version in packages_read(tree)]


def packages_read(tree: Path) -> list[tuple[str, str]]:
    """Each package ``relnox packages`` reads in ``tree``, with its version (none if it cannot)."""
    done = subprocess.run(
        [sys.executable, "-m", "relnox", "packages", "--json"],
        cwd=tree,
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
    )
    if done.returncode != 0:
        return []
    return [(str(row["name"]), str(row["version"])) for row in json.loads(done.stdout)["packages"]]


def bump_commit(tree: Path, where: Path, tagged: str, old: str, new: str) -> str:
    """The commit since the tag of ``old`` that moved the files to ``new`` (a ``release:``
    commit before the tagged one that cuts the changelog), found by bisecting the first-parent
    history on what relnox reads; ``tree`` is left at the commit before it."""
    base = [
        t
        for t in git(tree, "tag", "--merged", f"{tagged}^").split()
        if tag_version(t) == parse(old)
    ]
    commits = git(
        tree, "rev-list", "--first-parent", "--reverse", f"{tagged}^", *(f"^{t}" for t in base[:1])
    ).split()
    low, high = 0, len(commits) - 1  # commits[high] reads new
    while low < high:
        middle = (low + high) // 2
        checkout(tree, commits[middle])
        low, high = (low, middle) if versions_read(where) == [new] else (middle + 1, high)
    checkout(tree, f"{commits[high]}^")
    return commits[high]


def tagged_in(repo: Path, version: str, paths: set[str]) -> bool:
    """Whether a tag naming ``version`` holds it in one of ``paths``: a release of these files
    (another package's tag of the same number, ``0.4.2`` of the root's, releases none of a
    member that moves without tags of its own)."""
    wanted = parse(version)
    for tag in git(repo, "tag").split():
        if wanted is None or tag_version(tag) != wanted:
            continue
        for path in sorted(paths):
            try:
                text = git(repo, "show", f"{tag}:{path}")
            except subprocess.CalledProcessError:
                continue
            if any(
                (m := literal(f"+{line}", path)) and parse(m[2]) == wanted
                for line in text.splitlines()
            ):
                return True
    return False


def replay(repo: Path, release: Release, args: argparse.Namespace) -> str:
    commit, old, new, real, names, from_tags = release
    named = {tag_version(tag) for tag in git(repo, "tag").split()}
    written = parse(new)
    final = written is not None and not written.is_prerelease and written.local is None
    if not from_tags and final and parse(new) not in named and tagged_in(repo, old, real):
        return f"skip: no tag released {new} (the next version written ahead of its release)"
    was = parse(old)
    ahead = was is not None and not was.is_prerelease and was.local is None and was not in named
    if not from_tags and ahead and tagged_in(repo, new, real):
        return f"skip: no tag released {old} (the next version written ahead, retargeted to {new})"
    with tempfile.TemporaryDirectory() as scratch:
        tree = Path(scratch) / "tree"
        subprocess.run(
            ["git", "clone", "-q", "--shared", "--no-checkout", str(repo), str(tree)],
            check=True,
            timeout=TIMEOUT,
        )
        checkout(tree, f"{commit}^")
        # Only the tags that existed then: made before the release commit, not on it or after it.
        when = int(git(repo, "show", "-s", "--format=%ct", commit))
        later = [
            name
            for name, date in (
                line.split()
                for line in git(
                    tree, "tag", "--format=%(refname:short) %(creatordate:unix)"
                ).splitlines()
            )
            if int(date) >= when or tag_version(name) == parse(new)
        ]
        later = sorted(set(later + git(tree, "tag", "--contains", commit).split()))
        for start in range(0, len(later), 200):
            git(tree, "tag", "-d", *later[start : start + 200])
        if True:
            where = tree / args.under
            read = versions_read(where) if old else []
            if from_tags and read == [new]:  # the files said it before the tagged commit
                commit = bump_commit(tree, where, commit, old, new)  # replay their move
                read = versions_read(where)
            said = parse(read[0]) if len(read) == 1 else None
            part = plain_part(old, new)
            # the files said the next line's development version since the last tag (9.17.0.dev
            # after 9.16.0, in named parts no literal line shows): from it. A literal that moved
            # from the last release is a copy that lags (the docs' conf.py): the package's own
            # version headed to the release (7.11.3a0.dev1), and --part is the release's step
            before, after = parse(old), parse(new)
            between = said is not None and before is not None and after is not None
            between = between and before < said < after  # type: ignore[operator]
            ahead = said is not None and said.is_prerelease and said != before
            if ahead and (from_tags or between):
                old, part = read[0], plain_part(read[0], new) if from_tags else part
            if from_tags and not names and len(set(read)) > 1:  # a bare tag of one of several lines
                names = {n for n, v in packages_read(where) if parse(v) == parse(old)}
            extra = [arg for name in args.package for arg in ("-p", name)]
            if not args.package and names:
                extra = [arg for name in sorted(names) for arg in ("-p", str(name))]
            year, made = time.gmtime(when).tm_year, parse(new)
            first = made.release[0] if made is not None else None
            stamp = str(made.release[-1]) if made is not None and len(made.release) == 4 else ""
            if first in (year, year % 100) or str(first)[:4] == str(year):  # 2025.3, 20251230
                part = None  # a dated version: its --part names the day it runs, not the day made
            elif stamp[:2] == str(year % 100) or stamp[:4] == str(year):  # 2.3.3.251201
                part = None  # stamped with the day made: the same
            asks = [["--to", new], *([["--part", part]] if part else []), pre_ask(old, new)]
            runs = [[*ask, *extra] for ask in asks if ask]
            touched = set(git(repo, "show", "--format=", "--name-only", commit).split())
            touched |= real  # a tag's release moved them between the tags
            misses: list[str] = []
            for run in runs:
                result = relnox(where, run)
                while (
                    isinstance(result, str)
                    and (unknown := UNKNOWN.search(result))
                    and (name := unknown[1] or unknown[2]) in run
                ):
                    at = run.index(name)  # a file of no package relnox releases: drop it
                    run = run[: at - 1] + run[at + 1 :]
                    result = relnox(where, run)
                label = " ".join(run[: run.index("-p")] if "-p" in run else run)
                read = versions_read(where) if isinstance(result, str) and old else []
                if read and parse(old) not in {parse(v) for v in read}:  # as below
                    return f"skip: {old} is no package's version (relnox reads {read})"
                if isinstance(result, str):
                    misses.append(f"{label}: refused: {result}")
                    continue
                versions, previous = result["versions"], result["previous"]
                assert isinstance(versions, dict) and isinstance(previous, dict)
                if old and parse(old) not in {parse(str(v)) for v in previous.values()}:
                    return f"skip: {old} is no package's version (relnox reads {previous})"
                if parse(new) not in {parse(str(v)) for v in versions.values()}:
                    misses.append(f"{label}: proposes {sorted(set(versions.values()))}")
                # as paths of the repository: a file above ``--under`` (the root's manifest) too
                root = tree.resolve()
                files = {
                    (where / str(path)).resolve().relative_to(root).as_posix()
                    for path in result["files"]  # type: ignore[attr-defined]
                }
                if old:
                    touched |= caught_up(repo, commit, old, new, files - touched)
                if real and not real <= files <= touched:
                    missed, extra_files = sorted(real - files), sorted(files - touched)
                    misses.append(f"{label}: missed {missed} extra {extra_files}")
            return "ok" if not misses else "mismatch " + "; ".join(dict.fromkeys(misses))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("repo", type=Path)
    parser.add_argument("-n", type=int, default=10)
    parser.add_argument(
        "--under", default="", help="the package's folder in the repository (ending in /)"
    )
    parser.add_argument("-p", "--package", action="append", default=[])
    parser.add_argument(
        "--tags", action="store_true", help="replay the tags even where version literals moved"
    )
    parser.add_argument("--prefix", default="", help="with --tags: only the tags starting so")
    args = parser.parse_args()
    # a few more than asked: a literal that is no package's version (a data table's own
    # ``__version__``) is skipped, and the release after it is replayed in its place
    releases = release_commits(args.repo, args.under, 2 * args.n + 5, args.tags, args.prefix)
    ok = 0
    skipped = 0
    replayed = 0
    for release in releases:
        if replayed == args.n:
            break
        verdict = replay(args.repo, release, args)
        ok += verdict == "ok"
        skipped += verdict.startswith("skip")
        replayed += not verdict.startswith("skip")
        print(f"{release[0][:10]} {release[1] or '(tag)'} -> {release[2]}: {verdict}", flush=True)
    share = 100 * ok / replayed if replayed else 0.0
    print(f"{args.repo.name}: {ok}/{replayed} ok ({share:.0f}%), {skipped} skipped")


if __name__ == "__main__":
    main()
