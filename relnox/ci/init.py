"""``ci-init``: the workflows, a ``noxfile.py`` when there is none, and what to set up."""

from __future__ import annotations

import ast
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from packaging.requirements import InvalidRequirement, Requirement
from packaging.specifiers import InvalidSpecifier, SpecifierSet
from packaging.utils import canonicalize_name

from relnox.atomic import write_all
from relnox.ci import forge, gitlab
from relnox.ci import requirement as installed
from relnox.ci.existing import publishing_workflows
from relnox.ci.native import native_builder
from relnox.ci.publishing import trusted_note
from relnox.ci.requirement import squatting_warning
from relnox.ci.workflows import (
    DEFAULT_OS,
    DEFAULT_PYTHONS,
    ENVIRONMENTS,
    MODES,
    PR_TOKEN_SECRET,
    TRIGGERS,
    CiSettings,
    WorkflowBuilder,
)
from relnox.config import check_keys
from relnox.errors import ConfigError, one_line
from relnox.files import read_bytes, text_or_none
from relnox.paths import written_path
from relnox.project.workspace import Workspace
from relnox.redact import redact_url
from relnox.stage import Runtime, Stage
from relnox.tools import git
from relnox.versions.python_ast import parse

CI_KEYS = (
    "python-versions",
    "branch",
    "install",
    "relnox-requirement",
    "os",
    "trigger",
    "shards",
    "mode",
    "environments",
    "forge",
)
CANDIDATE_PYTHONS = ("3.8", "3.9", "3.10", "3.11", "3.12", "3.13", "3.14")
NOXFILE = '''"""Release sessions from relnox: nox -l lists them, nox -s build_all runs one."""

import relnox.nox

relnox.nox.register()
'''


#: a Python of setup-python and cibuildwheel's matrix (``cp`` + the digits): 3.12, 3.13t
_PYTHON = re.compile(r"3\.\d{1,2}t?")
#: a runner label (ubuntu-24.04, macos-latest, self-hosted-arm64)
_RUNNER = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")
#: a branch name or a branch filter's glob: what git takes (git check-ref-format) that a
#: YAML scalar and an Actions filter hold as written (no space, quote, ``$``, ``{``)
_BRANCH = re.compile(r"(?!-|/)(?!.*(?:\.\.|//|/$|\.lock$|\.$))[A-Za-z0-9._/+*-]+")
#: the settings that take one of a few words: the words (the first the default), what to write
_CHOICES = {
    "trigger": (
        TRIGGERS,
        '"tag" (a pushed release tag starts the release) or "release" (a published GitHub '
        "Release starts it)",
    ),
    "mode": (
        MODES,
        '"release-pr" (a pull request holds the next release, merging it releases) or "tag" '
        "(a pushed tag releases)",
    ),
    "environments": (
        ENVIRONMENTS,
        '"per-project" (each package publishes from its own environment, pypi-<name>) or '
        '"shared" (one environment, pypi)',
    ),
}


def _strings(
    section: Mapping[str, Any],
    key: str,
    where: Path,
    form: re.Pattern[str] | None = None,
    example: str = "",
) -> tuple[str, ...] | None:
    """``key``'s list of strings, or None; with ``form``, each matching it, none twice."""
    value = section.get(key)
    if value is None:
        return None
    if not isinstance(value, list) or not value or not all(isinstance(v, str) for v in value):
        raise ConfigError(
            f'{where}: [tool.relnox.ci] {key} must be a non-empty list of strings, like ["3.12"]'
        )
    for item in value:
        if form and not form.fullmatch(item):
            raise ConfigError(
                f"{where}: [tool.relnox.ci] {key} has {item!r}, which is not {example}; "
                "write it that way"
            )
    twice = sorted({v for v in value if value.count(v) > 1}) if form else []
    if twice:
        raise ConfigError(
            f"{where}: [tool.relnox.ci] {key} names {', '.join(map(repr, twice))} twice; "
            "write each once"
        )
    return tuple(value)


def _credential_in(requirement: Requirement) -> bool:
    """The requirement's URL holds a password, a token as an http(s) user, or a ``?token=``."""
    if not requirement.url:
        return False
    url = requirement.url
    try:
        parts = urlsplit(url.split("+", 1)[1] if "+" in url.split(":", 1)[0] else url)
        password, user = parts.password, parts.username
    except ValueError:
        return True  # a URL urllib cannot read is shown nowhere either
    query = f"?{parts.query}"  # a ?token= (the form redact masks)
    return bool(password or (user and parts.scheme != "ssh") or redact_url(query) != query)


def _requirement(where: Path, key: str, value: str) -> Requirement:
    """``value`` as a requirement pip takes, with no credential in its URL and no ``${{ }}``."""
    try:
        requirement = Requirement(value)
    except InvalidRequirement:
        raise ConfigError(
            f"{where}: [tool.relnox.ci] {key} has {redact_url(value)!r}, which is not a "
            'requirement pip takes; write a name and a version, like "nox==2025.5.1", or '
            '"name @ URL"'
        ) from None
    if _credential_in(requirement) or "${{" in value:
        raise ConfigError(
            f"{where}: [tool.relnox.ci] {key} has {redact_url(value)!r}, whose URL holds a "
            "credential or an Actions expression, which the workflow would commit for all to "
            "read or evaluate; give a URL without one (a public repository, or the runner's "
            "git credentials)"
        )
    return requirement


def default_pythons(workspace: Workspace) -> tuple[str, ...]:
    """3.10-3.14, keeping those every package's ``requires-python`` allows."""
    specs = []
    for pkg in workspace.packages:
        try:
            specs.append(SpecifierSet(pkg.requires_python or ""))
        except InvalidSpecifier:
            continue
    allowed = [v for v in CANDIDATE_PYTHONS if all(s.contains(f"{v}.0") for s in specs)]
    chosen = tuple(v for v in DEFAULT_PYTHONS if v in allowed)
    return chosen or tuple(allowed[-len(DEFAULT_PYTHONS) :]) or DEFAULT_PYTHONS[-1:]


def relnox_requirement(section: Mapping[str, Any], where: Path) -> str:
    """``relnox-requirement`` as set, or where this relnox came from."""
    value = section.get("relnox-requirement")
    if value is None:
        return installed.requirement_from(installed.installed_distribution())
    try:
        requirement = Requirement(value) if isinstance(value, str) else None
    except InvalidRequirement:
        requirement = None
    if requirement is None or canonicalize_name(requirement.name) != "relnox":
        shown = redact_url(value) if isinstance(value, str) else value
        raise ConfigError(
            f"{where}: [tool.relnox.ci] relnox-requirement {shown!r} is not a requirement "
            'on relnox; write for example "relnox @ git+https://github.com/OWNER/relnox@COMMIT" '
            'or "relnox==0.1.0"'
        )
    _requirement(where, "relnox-requirement", value)
    return str(value).strip()


def ci_settings(workspace: Workspace) -> CiSettings:
    section = workspace.config.section("ci")
    where = workspace.config.source
    check_keys(where, section, CI_KEYS, name="tool.relnox.ci")
    branch = section["branch"] if "branch" in section else default_branch(workspace.root)
    if not isinstance(branch, str) or not _BRANCH.fullmatch(branch):
        raise ConfigError(
            f"{where}: [tool.relnox.ci] branch {branch!r} is not a branch name the workflow "
            'can hold (letters, digits and . _ / + - *); write one like "main"'
        )
    # a bare "relnox" (the old default) means the pinned one
    install = tuple(
        e for e in _strings(section, "install", where) or ("nox[uv]",) if e.strip() != "relnox"
    )
    for entry in install:
        if canonicalize_name(_requirement(where, "install", entry).name) == "relnox":
            raise ConfigError(
                f"{where}: [tool.relnox.ci] install has {entry!r}; name the relnox to install "
                "in relnox-requirement instead (default: the relnox that wrote the workflow)"
            )
    chosen = {key: section.get(key, choices[0]) for key, (choices, _) in _CHOICES.items()}
    for key, (choices, hint) in _CHOICES.items():
        if chosen[key] not in choices:
            raise ConfigError(
                f"{where}: [tool.relnox.ci] {key} {chosen[key]!r} is not one of "
                f"{', '.join(map(repr, choices))}; write {hint}"
            )
    example = 'a Python version like "3.12" or "3.14t"'
    pythons = _strings(section, "python-versions", where, _PYTHON, example)
    # a free-threaded Python before 3.14 (3.13t), which the pinned cibuildwheel does not build
    early = [v for v in pythons or () if v.endswith("t") and int(v[2:-1]) < 14]
    built = [p.name for p in workspace.packages if early and native_builder(p) == "cibuildwheel"]
    if built:
        raise ConfigError(
            f"{where}: [tool.relnox.ci] python-versions has {', '.join(map(repr, early))}, "
            f"whose free-threaded wheels cibuildwheel does not build ({', '.join(built)}: "
            'from 3.14t on); write "3.14t", or leave it out'
        )
    return CiSettings(
        python_versions=pythons or default_pythons(workspace),
        branch=branch,
        install=install,
        relnox_requirement=relnox_requirement(section, where),
        os=_strings(section, "os", where, _RUNNER, 'a runner label like "ubuntu-latest"')
        or DEFAULT_OS,
        shards=ci_shards(workspace, section.get("shards"), where),
        **chosen,
    )


def default_branch(root: Path) -> str:
    """``origin/HEAD``'s branch, else ``main`` or ``master`` alone, else the only one, else main."""
    if not git.is_repo(root):
        return "main"
    remote = git.git(
        root, "symbolic-ref", "--quiet", "--short", "refs/remotes/origin/HEAD", check=False
    )
    if remote.startswith("origin/") and remote != "origin/HEAD":
        return remote.removeprefix("origin/")
    heads = git.git(
        root, "for-each-ref", "--format=%(refname:short)", "refs/heads", check=False
    ).splitlines()
    found = [name for name in ("main", "master") if name in heads]
    if not found and len(heads) == 1 and _BRANCH.fullmatch(heads[0]):
        return heads[0]  # the one branch there is (trunk, develop)
    return found[0] if len(found) == 1 else "main"


def ci_shards(workspace: Workspace, value: Any, where: Path) -> str | None:
    """``shards = N`` or ``"auto"``, as the text ``plan --shards`` takes."""
    if value is None:
        return None
    from relnox.shards import MAX_SHARDS

    if isinstance(value, bool) or not (
        (isinstance(value, int) and 1 <= value <= MAX_SHARDS) or value == "auto"
    ):
        raise ConfigError(
            f"{where}: [tool.relnox.ci] shards {value!r} is not a number of shards; write a "
            f'whole number like 4 (at most {MAX_SHARDS}, the jobs of one matrix), or "auto" '
            "(one shard per ~10 packages)"
        )
    native = [pkg.name for pkg in workspace.packages if native_builder(pkg)]
    if native:
        raise ConfigError(
            f"{where}: [tool.relnox.ci] shards cannot be combined with native packages yet "
            f"({', '.join(native)}: their wheels already build in a per-platform matrix); "
            "remove shards"
        )
    return str(value)


@dataclass(frozen=True)
class GeneratedFile:
    path: Path
    text: str
    exists: bool

    def describe(self, root: Path) -> str:
        rel = self.path.relative_to(root) if self.path.is_relative_to(root) else self.path
        return f"{'overwrite' if self.exists else 'write'} {rel}"


def _paths_as_written(workspace: Workspace, builder: WorkflowBuilder) -> None:
    """Refuse a path the workflows name holding ``${{`` or a control character."""
    named = [
        (builder.dist, f"[tool.relnox] dist-dir in {workspace.config.source}"),
        *((builder.directory_of(p), f"the directory of {p.name}") for p in workspace.packages),
    ]
    for path, where in named:
        if "${{" in path or not path.isprintable():
            raise ConfigError(
                f"{path!r}: {where}, which the workflows name, holds "
                + ("an Actions expression (${{)" if "${{" in path else "a control character")
                + ", which would change what they run; rename it"
            )


def generate(workspace: Workspace, settings: CiSettings | None = None) -> dict[str, str]:
    """Path (relative to the git top level) -> text of every generated file."""
    builder = WorkflowBuilder(workspace, settings or ci_settings(workspace))
    _paths_as_written(workspace, builder)
    files = {}
    chosen = forge.forges(workspace)
    if "github" in chosen:
        files[".github/workflows/release.yml"] = builder.release()
        files[".github/workflows/auto-tag.yml"] = builder.auto_tag()
        if builder.settings.mode == "release-pr":
            files[".github/workflows/release-pr.yml"] = builder.release_pr()
    if "gitlab" in chosen:
        files[gitlab.PIPELINE] = gitlab.PipelineBuilder(workspace, builder.settings).pipeline()
        if not (forge.top(workspace) / gitlab.TOP).exists():  # the user's file is theirs
            files[gitlab.TOP] = gitlab.INCLUDE
    if not (workspace.root / "noxfile.py").exists():
        files[builder.prefix + "noxfile.py"] = NOXFILE
    return files


def notes(workspace: Workspace, settings: CiSettings | None = None) -> list[str]:
    """What the user must know before the first run: secrets to create, risks taken."""
    settings = settings or ci_settings(workspace)
    builder = WorkflowBuilder(workspace, settings)
    chosen = forge.forges(workspace)
    trusted = [t for t in ("pypi", "testpypi") if builder.targets[t].signs]
    warning = squatting_warning(builder.requirements) if trusted else None
    found = [f"warning: {warning}"] if warning else []
    if unregistered := _noxfile_without_relnox(workspace, builder):
        found.append(unregistered)
    if settings.mode == "release-pr" and "github" in chosen:
        found.append(
            "release-pr.yml pushes the release branch with the workflow's token, and GitHub "
            "starts no workflow for such a push, so the pull request's own checks do not run: "
            f"create the secret {PR_TOKEN_SECRET} (a GitHub App installation token or a "
            "fine-grained token with contents and pull-requests write), or start the checks "
            "by hand (workflow_dispatch) before merging; see docs/release-pr.md"
        )
    found += forge.notes(workspace, builder) if "gitlab" in chosen else []
    if trusted and "github" in chosen:
        own = "-<name>" if settings.environments == "per-project" else ""
        found.append(trusted_note(workspace, trusted, own))
    for target in builder.targets.values() if "github" in chosen else ():
        if target.secrets:
            found.append(
                f"the {target.name} job uploads to {target.repository.label}: create the "
                f"secrets {' and '.join(target.secrets.values())} (Settings > Secrets and "
                f"variables > Actions, or in the environment {target.name!r})"
            )
    return found


def _noxfile_without_relnox(workspace: Workspace, builder: WorkflowBuilder) -> str | None:
    """The note for a noxfile of the project's own registering none of relnox's sessions."""
    path = workspace.root / "noxfile.py"
    try:
        text = read_bytes(path).decode("utf-8", "replace")
    except OSError:  # none yet: ci-init writes one
        return None
    if re.search(r"\brelnox\b", text):
        return None
    texts = generate(workspace, builder.settings).values()  # the sessions the workflows run
    found = [n.replace("_", "-") for t in texts for n in re.findall(r"\bnox -s ([\w-]+)", t)]
    run = list(dict.fromkeys(found))
    listed = ", ".join(f'"{name}"' for name in run)
    taken = sorted(name for name in noxfile_sessions(text) if name.replace("_", "-") in run)
    rename = (
        f"rename its session(s) {', '.join(taken)} (the workflows run relnox's of that name), then "
        if taken
        else ""
    )
    return (
        f"warning: {builder.prefix}noxfile.py has sessions of its own and none "
        "of relnox's, which every job runs (nox -s build_all, check_tag, tag, publish, ...): "
        f"{rename}add the lines `import relnox.nox` and `relnox.nox.register([{listed}])` "
        "(the sessions the workflows run; a bare register() adds all of relnox's and refuses "
        'one named as yours) to it, or the first run stops at "Sessions not found"'
    )


def noxfile_sessions(text: str) -> list[str]:
    """The sessions a noxfile defines (``@nox.session`` or ``@session``); unparsed: none."""
    try:
        tree = parse(text)
    except (SyntaxError, ValueError):
        return []
    found = []
    for node in ast.walk(tree):
        if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            continue
        for decorator in node.decorator_list:
            call = decorator if isinstance(decorator, ast.Call) else None
            target = call.func if call is not None else decorator
            if getattr(target, "attr", getattr(target, "id", "")) == "session":
                keywords = call.keywords if call is not None else []
                name = next((k.value for k in keywords if k.arg == "name"), None)
                found.append(
                    name.value
                    if isinstance(name, ast.Constant) and isinstance(name.value, str)
                    else node.name
                )
    return found


@dataclass(frozen=True)
class CiOptions:
    """What a person decides about ci-init: ``force`` overwrites workflow files that differ."""

    force: bool = False


@dataclass(frozen=True)
class CiPlan:
    top: Path
    files: tuple[GeneratedFile, ...]
    notes: tuple[str, ...]

    @property
    def names(self) -> list[str]:
        return [f.path.relative_to(self.top).as_posix() for f in self.files]

    def describe(self) -> list[str]:
        return [f.describe(self.top) for f in self.files] + list(self.notes)

    def to_json(self) -> dict[str, Any]:
        return {"files": self.names, "notes": list(self.notes)}


def _holds(path: Path, text: str) -> bool:
    found = text_or_none(path)
    return found is not None and found.replace("\r\n", "\n").replace("\r", "\n") == text


def _writable(path: Path, top: Path) -> None:
    """Refuse a ``path`` that cannot be a file, naming what is in the way."""
    for folder in path.parents:
        if folder == top or not folder.is_relative_to(top):
            break
        if folder.exists() and not folder.is_dir():
            raise ConfigError(
                f"{folder}: is a file, not a directory, so ci-init cannot write "
                f"{path.relative_to(top)} below it; move it away and run ci-init again"
            )
    if path.exists() and not path.is_file():
        raise ConfigError(
            f"{path}: is a directory or another kind of file, not a file ci-init can write "
            "or replace; remove it and run ci-init again"
        )


def plan_files(workspace: Workspace, options: CiOptions) -> CiPlan:
    """The files to write; existing workflow files are refused unless ``force``."""
    top = git.top_of(workspace.root) or workspace.root
    settings = ci_settings(workspace)
    _writable(workspace.root / "noxfile.py", top)  # every job runs nox: it must be a file
    planned = tuple(
        GeneratedFile(written_path(top / rel, top), text, (top / rel).exists())
        for rel, text in generate(workspace, settings).items()
    )
    for item in planned:
        _writable(item.path, top)
    clashes = [f for f in planned if f.exists and not _holds(f.path, f.text)]
    if clashes and not options.force:
        listing = ", ".join(str(f.path.relative_to(top)) for f in clashes)
        raise ConfigError(
            f"{listing} already exist(s) with other content; pass --force to overwrite, "
            "or --dry-run to see the new files"
        )
    generated = [f.path.relative_to(top).as_posix() for f in planned]
    found = notes(workspace, settings) + publishing_workflows(top, generated, settings.trigger)
    return CiPlan(top, planned, tuple(found))


@dataclass(frozen=True)
class CiResult:
    files: tuple[Path, ...]

    def describe(self) -> list[str]:
        return [f"wrote {path}" for path in self.files]

    def to_json(self) -> dict[str, Any]:
        return {"files": [str(path) for path in self.files]}

    def raise_for_failures(self) -> None:
        """A file that cannot be written raised as it happened."""


def write_files(plan: CiPlan, runtime: Runtime | None = None) -> CiResult:
    """Write every planned file, all or none."""
    try:
        write_all({item.path: item.text for item in plan.files})
    except OSError as exc:
        where = exc.filename2 or exc.filename or plan.top  # (a rename names both)
        raise ConfigError(
            f"{where}: cannot be written ({exc.strerror or one_line(exc)}); no workflow file "
            "was changed: make it writable, or run ci-init --dry-run and copy the files"
        ) from None
    return CiResult(tuple(item.path for item in plan.files))


STAGE: Stage[CiOptions, CiPlan, CiResult] = Stage("ci-init", CiOptions, plan_files, write_files)
