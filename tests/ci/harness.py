"""Run a generated GitHub Actions workflow here, job by job, as a runner would.

:class:`Actions` reads a workflow file and runs its jobs in ``needs`` order. Each
job gets a fresh checkout of the repository (a clone of the bare ``origin``, at
the commit of ``GITHUB_REF``), its own ``GITHUB_OUTPUT``, ``GITHUB_ENV``,
``GITHUB_STEP_SUMMARY`` and ``RUNNER_TEMP``, the event payload in
``GITHUB_EVENT_PATH``, and ``${{ ... }}`` expressions (``github``, ``inputs``,
``needs``, ``matrix``, ``steps``, ``env``, ``secrets``, ``runner``) substituted.
``run:`` steps run with ``bash --noprofile --norc -eo pipefail``, GitHub's own
shell (what each printed is kept: :meth:`Actions.output`), except a ``pip install``
that already ran in the run's interpreter (:data:`PIP_INSTALL`); the ``uses:`` steps are
stood in for:

- ``actions/checkout``: the clone above, as the action fetches: the run's commit alone
  (shallow, under its ref: a tag run has its one tag), or with ``fetch-depth: 0`` every
  branch and tag with all history; ``submodules`` checks them out too;
- ``actions/setup-python``: the one interpreter of the run (a venv of the
  current interpreter; every ``python-version`` maps to it), with its
  ``python-path`` and ``python-version`` outputs;
- ``actions/upload-artifact`` / ``download-artifact``: a directory per artifact of the
  run (a run sees only its own artifacts, as on GitHub);
- ``PyO3/maturin-action``: the real ``maturin COMMAND ARGS`` (the test environment's
  maturin, the machine's cargo) in ``working-directory``, every ``--interpreter`` /
  ``-i`` value mapped to the run's interpreter; ``manylinux`` (a build inside a
  manylinux container) is ignored: the build runs on this machine, so a wheel gets the
  platform tag of this machine's glibc;
- ``pypa/cibuildwheel``: a real PEP 517 build of ``package-dir`` in an isolated
  environment of the run's interpreter (``uv build --wheel --no-sources``, the build
  requirements from the index as cibuildwheel's frontends take them), the wheel moved
  from a scratch directory into ``output-dir`` as cibuildwheel moves it, the one build
  identifier of this machine (``cpXY-manylinux_<arch>``) selected by ``CIBW_BUILD`` and
  ``CIBW_SKIP`` as cibuildwheel selects: a selector that picks no build fails as
  cibuildwheel's "No build identifiers selected" does. There is no auditwheel repair
  here, so the wheel keeps its ``linux_<arch>`` tag.

Either stand-in refuses an input (or ``CIBW_*`` variable) it does not honour, so a
workflow that starts using one fails here until the stand-in learns it.

``gh`` (GitHub's API) is a recorder: releases are directories under
``github/releases/<tag>`` (notes, files), ``gh workflow run`` is logged
(:meth:`Actions.dispatched`) and :meth:`Actions.run_dispatched` starts those runs. A matrix
(a mapping or a ``fromJSON`` expression, as the shards' is) runs every combination, in
order, with ``matrix`` and ``strategy.job-index``; a Python-version axis runs one value
only (the one interpreter here): the one of the run's interpreter when the axis has it,
else its first; an ``os`` axis runs its Linux (``ubuntu-*``) runners only, as this
machine is Linux (``runner.os`` is ``Linux``). :attr:`Actions.runs` keeps every run
(:class:`Run`): its workflow, job results and artifacts.
"""

from __future__ import annotations

import functools
import importlib.util
import itertools
import json
import os
import platform
import re
import shlex
import shutil
import subprocess
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from fnmatch import fnmatch
from pathlib import Path
from typing import Any

import yaml
from uv import find_uv_bin

from tests.ci.conftest import pip_installs

EXPRESSION = re.compile(r"\$\{\{\s*(.*?)\s*\}\}", re.S)
TOKEN = re.compile(
    r"\s*(?:(?P<str>'(?:[^']|'')*')|(?P<num>\d+(?:\.\d+)?)|(?P<op>==|!=|<=|>=|&&|\|\||[!()\[\],<>])"
    r"|(?P<name>[A-Za-z_][\w-]*(?:\.[A-Za-z_*][\w-]*)*))"
)
GH = """#!/usr/bin/env bash
# gh stand-in: releases are directories, workflow runs are logged
set -eo pipefail
root="$HARNESS_GITHUB"
case "$1 $2" in
  "release view")
    test -d "$root/releases/$3"
    if [ "$4" = --json ]; then cat "$root/releases/$3/notes.md"; fi ;;
  "release create")
    tag="$3"; shift 3
    if [ -d "$root/releases/$tag" ]; then echo "release $tag already exists" >&2; exit 1; fi
    mkdir -p "$root/releases/$tag"
    while [ $# -gt 0 ]; do
      case "$1" in
        --title) shift 2 ;;
        --notes-file) cp "$2" "$root/releases/$tag/notes.md"; shift 2 ;;
        --prerelease) touch "$root/releases/$tag/prerelease"; shift ;;
        --latest=false) touch "$root/releases/$tag/not-latest"; shift ;;
        *) cp "$1" "$root/releases/$tag/"; shift ;;
      esac
    done ;;
  "release upload")
    tag="$3"; shift 3; test -d "$root/releases/$tag"
    for f in "$@"; do case "$f" in --clobber) ;; *) cp "$f" "$root/releases/$tag/" ;; esac; done ;;
  "release edit")
    tag="$3"; shift 3
    while [ $# -gt 0 ]; do
      case "$1" in --notes-file) cp "$2" "$root/releases/$tag/notes.md"; shift 2 ;; *) shift ;; esac
    done ;;
  "workflow run")
    line="$3"; ref=""; shift 3
    while [ $# -gt 0 ]; do
      case "$1" in
        --ref) ref="$2"; shift 2 ;;
        -f|-F|--field|--raw-field) line="$line"$'\t'"$2"; shift 2 ;;
        *) echo "gh stand-in: unsupported: workflow run ... $1" >&2; exit 2 ;;
      esac
    done
    printf '%s\t%s\n' "$ref" "$line" >> "$root/dispatched" ;;
  *) echo "gh stand-in: unsupported: $*" >&2; exit 2 ;;
esac
"""


#: a step that only installs with pip; the runner's interpreter lives for the whole test
#: run, so the same install a second time is pip's "Requirement already satisfied" and is
#: not run again (tests/ci/conftest.py's pip_installs: those that ran and passed)
PIP_INSTALL = re.compile(r"python -m pip install [^\n;&|`$()]+")

#: the inputs each native stand-in honours, and those it knows and ignores
MATURIN_INPUTS = frozenset({"working-directory", "command", "args"})
MATURIN_IGNORED = frozenset({"manylinux"})  # the build runs on this machine, not in a container
CIBUILDWHEEL_INPUTS = frozenset({"package-dir", "output-dir"})
CIBUILDWHEEL_ENV = frozenset({"CIBW_BUILD", "CIBW_SKIP"})


class WorkflowFailed(AssertionError):
    pass


def _filter_regex(pattern: str) -> re.Pattern[str]:
    """A branch or tag filter of ``on.push`` as GitHub reads it: ``*`` is any run of
    characters but ``/``, ``**`` any run at all, ``?`` / ``+`` repeat the character (or
    ``[class]``) before them zero-or-one / one-or-more times, ``\\`` escapes."""
    out: list[str] = []
    i = 0
    while i < len(pattern):
        char = pattern[i]
        if pattern.startswith("**", i):
            out.append(".*")
            i += 2
            continue
        if char == "*":
            out.append("[^/]*")
        elif char in "?+" and out:
            out.append(char)
        elif char == "[":
            end = pattern.index("]", i)
            out.append(pattern[i : end + 1])
            i = end
        elif char == "\\" and i + 1 < len(pattern):
            i += 1
            out.append(re.escape(pattern[i]))
        else:
            out.append(re.escape(char))
        i += 1
    return re.compile("".join(out))


def filter_matches(patterns: list[str], name: str) -> bool:
    """Whether GitHub starts a run for ``name`` under these filters (the last matching
    pattern decides, a ``!`` one excludes)."""
    decided = False
    for pattern in patterns:
        negated = pattern.startswith("!")
        if _filter_regex(pattern.removeprefix("!")).fullmatch(name):
            decided = not negated
    return decided


def _text(value: Any) -> str:
    if value is None:
        return ""
    if value is True or value is False:
        return "true" if value else "false"
    if isinstance(value, (dict, list)):
        return json.dumps(value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _contains(haystack: Any, needle: Any) -> bool:
    if isinstance(haystack, list):
        return any(_text(item).lower() == _text(needle).lower() for item in haystack)
    return _text(needle).lower() in _text(haystack).lower()


def _format(template: str, *args: Any) -> str:
    return re.sub(r"\{(\d+)\}", lambda m: _text(args[int(m.group(1))]), template)


def parse_outputs(path: Path) -> dict[str, str]:
    """``key=value`` and ``key<<DELIM`` ... ``DELIM`` lines, as GitHub reads them."""
    found: dict[str, str] = {}
    lines = iter(path.read_text(encoding="utf-8").splitlines() if path.exists() else [])
    for line in lines:
        if "<<" in line and ("=" not in line or line.index("<<") < line.index("=")):
            key, delimiter = line.split("<<", 1)
            body = []
            for item in lines:
                if item == delimiter:
                    break
                body.append(item)
            found[key] = "\n".join(body)
        elif "=" in line:
            key, value = line.split("=", 1)
            found[key] = value
    return found


@dataclass
class Context:
    """The expression contexts of one job."""

    data: dict[str, Any]
    results: Mapping[str, str] = field(default_factory=dict)  # needs -> result

    def lookup(self, path: str) -> Any:
        value: Any = self.data
        for part in path.split("."):
            value = value.get(part) if isinstance(value, dict) else None
        return value

    def evaluate(self, expression: str) -> Any:
        source = []
        for match in TOKEN.finditer(expression.strip()):
            kind = match.lastgroup
            token = match.group(kind or 0)
            if kind == "str":
                source.append(repr(token[1:-1].replace("''", "'")))
            elif kind == "num":
                source.append(token)
            elif kind == "op":
                source.append({"&&": " and ", "||": " or ", "!": " not "}.get(token, token))
            elif token in ("true", "false", "null"):
                source.append({"true": "True", "false": "False", "null": "None"}[token])
            elif expression[match.end() :].lstrip().startswith("("):
                source.append(f"_fn_{token.lower()}")
            else:
                source.append(f"_get({token!r})")
        results = list(self.results.values())
        functions = {
            "_get": self.lookup,
            "_fn_contains": _contains,
            "_fn_format": _format,
            "_fn_fromjson": json.loads,
            "_fn_tojson": json.dumps,
            "_fn_startswith": lambda a, b: _text(a).lower().startswith(_text(b).lower()),
            "_fn_endswith": lambda a, b: _text(a).lower().endswith(_text(b).lower()),
            "_fn_always": lambda: True,
            "_fn_cancelled": lambda: False,
            "_fn_success": lambda: all(r == "success" for r in results),
            "_fn_failure": lambda: any(r == "failure" for r in results),
        }
        return eval("".join(source), {"__builtins__": {}}, functions)

    def substitute(self, value: Any) -> Any:
        if isinstance(value, str):
            return EXPRESSION.sub(lambda m: _text(self.evaluate(m.group(1))), value)
        if isinstance(value, dict):
            return {k: self.substitute(v) for k, v in value.items()}
        if isinstance(value, list):
            return [self.substitute(v) for v in value]
        return value

    def condition(self, expression: Any) -> bool:
        text = str(expression).strip()
        match = EXPRESSION.fullmatch(text)
        return bool(self.evaluate(match.group(1) if match else text))


@dataclass(frozen=True)
class Dispatch:
    """One ``gh workflow run WORKFLOW --ref REF -f key=value ...``."""

    workflow: str
    ref: str  # a branch or tag name, as gh takes it
    inputs: dict[str, str]

    def qualified_ref(self, origin: Path, env: Mapping[str, str]) -> str:
        """``refs/tags/...`` or ``refs/heads/...``: GitHub looks the name up, branches first."""
        for kind in ("heads", "tags"):
            ref = f"refs/{kind}/{self.ref}"
            found = subprocess.run(
                ["git", "show-ref", "--verify", "-q", ref], cwd=origin, env=dict(env), check=False
            )
            if found.returncode == 0:
                return ref
        raise WorkflowFailed(f"gh workflow run --ref {self.ref}: no such branch or tag")


@dataclass(frozen=True)
class Run:
    """One finished workflow run: its document, each job's result, its directory (the
    jobs' workspaces and logs, and ``artifacts/``: a run's artifacts are its own)."""

    doc: dict[Any, Any]
    results: dict[str, str]
    directory: Path

    @property
    def artifacts(self) -> Path:
        return self.directory / "artifacts"


@dataclass
class Actions:
    """One repository on "GitHub": its bare ``origin``, releases, artifacts, a runner."""

    origin: Path  # the bare repository that checkout clones and pushes go to
    work: Path  # where runs, artifacts and the gh stand-in live
    python_bin: Path  # the bin directory of the run's interpreter (setup-python)
    base_env: Mapping[str, str]
    secrets: Mapping[str, str] = field(default_factory=dict)
    log: list[str] = field(default_factory=list)
    runs: list[Run] = field(default_factory=list)  # every finished run, in order
    _dispatches_run: int = field(default=0, init=False)

    @property
    def python(self) -> Path:
        return self.python_bin / "python"

    @functools.cached_property
    def python_version(self) -> str:
        """The run's interpreter's full version (``3.11.9``), as setup-python reports it."""
        proc = subprocess.run(
            [str(self.python), "-c", "import platform; print(platform.python_version())"],
            capture_output=True,
            text=True,
            check=True,
        )
        return proc.stdout.strip()

    @property
    def github_dir(self) -> Path:
        return self.work / "github"

    def releases(self) -> dict[str, list[str]]:
        root = self.github_dir / "releases"
        return (
            {tag.name: sorted(p.name for p in tag.iterdir()) for tag in sorted(root.iterdir())}
            if root.exists()
            else {}
        )

    def output(self, job: str) -> str:
        """What the ``run:`` steps of ``job`` printed, in every run and matrix combination."""
        logs = sorted(self.work.glob(f"run-*/{job}/**/step-*.log"))
        return "".join(path.read_text(encoding="utf-8") for path in logs)

    def dispatched(self) -> list[Dispatch]:
        """Every ``gh workflow run`` so far, in order."""
        path = self.github_dir / "dispatched"
        found = []
        for line in path.read_text(encoding="utf-8").splitlines() if path.exists() else []:
            ref, workflow, *fields = line.split("\t")
            inputs = dict(field.split("=", 1) for field in fields)
            found.append(Dispatch(workflow, ref, inputs))
        return found

    def run_dispatched(self, workflows: Path) -> list[dict[str, str]]:
        """Run the dispatched runs not run yet, as GitHub starts them; their results."""
        done = self._dispatches_run
        pending = self.dispatched()[done:]
        self._dispatches_run = done + len(pending)
        return [
            self.run(
                workflows / item.workflow,
                event="workflow_dispatch",
                ref=item.qualified_ref(self.origin, self.base_env),
                inputs=item.inputs,
            )
            for item in pending
        ]

    def _git(self, *args: str, cwd: Path) -> str:
        return subprocess.run(
            ["git", *args],
            cwd=cwd,
            env=dict(self.base_env),
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()

    def run(
        self,
        workflow: Path,
        *,
        event: str,
        ref: str,
        payload: Mapping[str, Any] | None = None,
        inputs: Mapping[str, str] | None = None,
    ) -> dict[str, str]:
        """Run every job of ``workflow`` for ``event`` on ``ref``; job -> result."""
        doc = yaml.safe_load(workflow.read_text(encoding="utf-8"))
        on = doc.get(True) or doc.get("on") or {}
        if event not in on:
            raise WorkflowFailed(f"{workflow.name} does not run on {event}: {sorted(on)}")
        kind, _, name = ref.removeprefix("refs/").partition("/")
        if event == "push":  # GitHub starts a push run only for a ref its filters name
            key = "tags" if kind == "tags" else "branches"
            filters = (on.get("push") or {}).get(key)
            if filters is None or not filter_matches(list(filters), name):
                raise WorkflowFailed(
                    f"{workflow.name} does not run on a push of {name}: on.push.{key} is {filters}"
                )
        declared = (on.get("workflow_dispatch") or {}).get("inputs") or {}
        dispatched = event == "workflow_dispatch"
        given = {k: _text(v.get("default")) for k, v in declared.items()} if dispatched else {}
        given.update(inputs or {})
        sha = self._git("rev-parse", f"{ref}^{{commit}}", cwd=self.origin)
        run_dir = self.work / f"run-{len(list(self.work.glob('run-*')))}-{workflow.stem}"
        (self.github_dir / "bin").mkdir(parents=True, exist_ok=True)
        gh = self.github_dir / "bin" / "gh"
        gh.write_text(GH, encoding="utf-8")
        gh.chmod(0o755)
        event_path = run_dir / "event.json"
        run_dir.mkdir(parents=True)
        event_path.write_text(json.dumps(dict(payload or {})), encoding="utf-8")
        github: dict[str, Any] = {
            "ref": ref,
            "ref_name": name,
            "ref_type": "tag" if kind == "tags" else "branch",
            "sha": sha,
            "event_name": event,
            "event": dict(payload or {}),
            "token": "harness-token",
            "repository": "owner/repo",
        }
        env = {
            "GITHUB_ACTIONS": "true",
            "CI": "true",
            "GITHUB_REF": ref,
            "GITHUB_REF_NAME": name,
            "GITHUB_REF_TYPE": github["ref_type"],
            "GITHUB_SHA": sha,
            "GITHUB_EVENT_NAME": event,
            "GITHUB_EVENT_PATH": str(event_path),
            "GITHUB_REPOSITORY": "owner/repo",
            "RUNNER_OS": "Linux",
            "HARNESS_GITHUB": str(self.github_dir),
        }
        results: dict[str, str] = {}
        needs_ctx: dict[str, Any] = {}
        jobs: dict[str, Any] = doc["jobs"]
        pending = list(jobs)
        while pending:
            ready = [j for j in pending if all(n in results for n in _needs(jobs[j]))]
            if not ready:
                raise WorkflowFailed(f"jobs wait on each other: {pending}")
            for job_id in ready:
                pending.remove(job_id)
                job = jobs[job_id]
                needs = _needs(job)
                ctx = Context(
                    {
                        "github": github,
                        "inputs": given,
                        "needs": {n: needs_ctx[n] for n in needs},
                        "secrets": dict(self.secrets),
                        "runner": {"os": "Linux"},
                        "env": {},
                    },
                    {n: results[n] for n in needs},
                )
                default_if = "success()"
                if not ctx.condition(job.get("if", default_if)):
                    results[job_id] = "skipped"
                    needs_ctx[job_id] = {"result": "skipped", "outputs": {}}
                    self.log.append(f"{workflow.stem}/{job_id}: skipped")
                    continue
                combinations = _combinations(job, ctx, self.python_version)
                outputs: dict[str, str] = {}
                for index, combination in enumerate(combinations):
                    ctx.data["matrix"] = combination
                    ctx.data["strategy"] = {"job-index": index, "job-total": len(combinations)}
                    job_dir = run_dir / job_id / (str(index) if len(combinations) > 1 else "")
                    outputs.update(self._job(doc, job_id, job, ctx, env, job_dir, run_dir))
                results[job_id] = "success"
                needs_ctx[job_id] = {"result": "success", "outputs": outputs}
                self.log.append(f"{workflow.stem}/{job_id}: success")
        self.runs.append(Run(doc, dict(results), run_dir))
        return results

    def _job(
        self,
        doc: dict[str, Any],
        job_id: str,
        job: dict[str, Any],
        ctx: Context,
        run_env: Mapping[str, str],
        job_dir: Path,
        run_dir: Path,
    ) -> dict[str, str]:
        ctx.results = {}  # a step's success() asks about earlier steps: a failed one ends the job
        workspace = job_dir / "workspace"
        temp = job_dir / "temp"
        temp.mkdir(parents=True)
        files = {name: job_dir / name for name in ("output", "env", "summary")}
        for path in files.values():
            path.touch()
        base_dir = ((doc.get("defaults") or {}).get("run") or {}).get("working-directory")
        job_dir_default = ((job.get("defaults") or {}).get("run") or {}).get("working-directory")
        ctx.data["github"] = {**ctx.data["github"], "workspace": str(workspace)}
        ctx.data["steps"] = {}
        workflow_env = ctx.substitute(doc.get("env") or {})
        job_env = {**workflow_env, **ctx.substitute(job.get("env") or {})}
        added: dict[str, str] = {}
        for number, step in enumerate(job["steps"]):
            ctx.data["env"] = {**job_env, **added}
            label = f"{job_id} step {number + 1} ({step.get('name') or step.get('uses')})"
            if not ctx.condition(step.get("if", "success()")):
                self.log.append(f"  {label}: skipped")
                continue
            step_env = {**ctx.data["env"], **ctx.substitute(step.get("env") or {})}
            env = {
                **self.base_env,
                **run_env,
                **{k: _text(v) for k, v in step_env.items()},
                "GITHUB_WORKSPACE": str(workspace),
                "GITHUB_OUTPUT": str(files["output"]),
                "GITHUB_ENV": str(files["env"]),
                "GITHUB_STEP_SUMMARY": str(files["summary"]),
                "RUNNER_TEMP": str(temp),
                "PATH": os.pathsep.join(
                    [str(self.github_dir / "bin"), str(self.python_bin), self.base_env["PATH"]]
                ),
            }
            if "uses" in step:
                action = step["uses"].split("@")[0]
                with_ = ctx.substitute(step.get("with") or {})
                sha, ref = ctx.data["github"]["sha"], ctx.data["github"]["ref"]
                outputs = self._uses(action, with_, env, workspace, sha, run_dir, label, ref)
                if "id" in step:
                    ctx.data["steps"][step["id"]] = {"outputs": outputs}
                continue
            files["output"].write_text("", encoding="utf-8")
            script = ctx.substitute(step["run"])
            cwd = workspace / (step.get("working-directory") or job_dir_default or base_dir or ".")
            log = job_dir / f"step-{number + 1}.log"
            if PIP_INSTALL.fullmatch(script.strip()):
                with pip_installs(self.python_bin) as installed:
                    if script.strip() in installed:
                        self.log.append(f"  {label}: exit 0 (installed by an earlier job)")
                        continue
                    self._bash(label, script, cwd, env, log)
                    installed.add(script.strip())
            else:
                self._bash(label, script, cwd, env, log)
            if "id" in step:
                ctx.data["steps"][step["id"]] = {"outputs": parse_outputs(files["output"])}
            added.update(parse_outputs(files["env"]))
        return {k: _text(v) for k, v in ctx.substitute(job.get("outputs") or {}).items()}

    def _bash(self, label: str, script: str, cwd: Path, env: Mapping[str, str], log: Path) -> None:
        """One ``run:`` step in GitHub's shell; what it printed kept in ``log``."""
        argv = ["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", script]
        proc = subprocess.run(argv, cwd=cwd, env=env, capture_output=True, text=True, check=False)
        self.log.append(f"  {label}: exit {proc.returncode}")
        log.write_text(proc.stdout + proc.stderr, "utf-8")
        if proc.returncode != 0:
            raise WorkflowFailed(
                f"{label} failed ({proc.returncode}):\n{proc.stdout[-4000:]}\n{proc.stderr[-6000:]}"
            )

    def _checkout(self, with_: Mapping[str, Any], workspace: Path, sha: str, ref: str) -> None:
        """actions/checkout as it fetches: ``fetch-depth: 0`` every branch and tag with all
        history; otherwise (its default, 1) the run's commit alone, shallow, under the run's
        ref (a tag run has that one tag, no other), so a job that reads history or other
        tags without asking for them fails here as on GitHub."""
        self._git("init", "-q", str(workspace), cwd=self.work)
        url = self.origin.resolve().as_uri()  # a file:// URL: a local path ignores --depth
        if int(with_.get("fetch-depth", 1)) == 0:
            refspecs = ["+refs/heads/*:refs/remotes/origin/*", "+refs/tags/*:refs/tags/*"]
            self._git("fetch", "-q", "--no-tags", url, *refspecs, cwd=workspace)
        else:
            kind, _, name = ref.removeprefix("refs/").partition("/")
            local = ref if kind == "tags" else f"refs/remotes/origin/{name}"
            self._git(
                "fetch", "-q", "--no-tags", "--depth=1", url, f"+{sha}:{local}", cwd=workspace
            )
        self._git("remote", "add", "origin", url, cwd=workspace)
        self._git("checkout", "-q", "--detach", sha, cwd=workspace)
        submodules = str(with_.get("submodules", "false")).lower()
        if submodules in ("true", "recursive"):  # (local submodule URLs: file transport)
            recursive = ["--recursive"] if submodules == "recursive" else []
            self._git(
                "-c",
                "protocol.file.allow=always",
                "submodule",
                "update",
                "-q",
                "--init",
                *recursive,
                cwd=workspace,
            )

    def _uses(
        self,
        action: str,
        with_: Mapping[str, Any],
        env: Mapping[str, str],
        workspace: Path,
        sha: str,
        run_dir: Path,
        label: str,
        ref: str = "",
    ) -> dict[str, str]:
        """Stand in for one ``uses:`` step (of a run on ``ref``, at ``sha``); its outputs."""
        artifacts = run_dir / "artifacts"
        outputs: dict[str, str] = {}
        if action == "actions/checkout":
            self._checkout(with_, workspace, sha, ref)
        elif action == "actions/setup-python":  # one interpreter: python_bin is on PATH
            outputs = {"python-path": str(self.python), "python-version": self.python_version}
        elif action == "actions/upload-artifact":
            self._upload(with_, workspace, artifacts, label)
        elif action == "actions/download-artifact":
            names = (
                [with_["name"]]
                if "name" in with_
                else sorted(p.name for p in artifacts.glob(str(with_["pattern"])))
            )
            destination = workspace / str(with_.get("path", "."))
            destination.mkdir(parents=True, exist_ok=True)
            for name in names:
                if not (artifacts / name).is_dir():
                    raise WorkflowFailed(f"{label}: no artifact {name!r}")
                # by name, or merge-multiple: into path; by pattern: path/<artifact name>/
                into = destination if "name" in with_ or with_.get("merge-multiple") else None
                shutil.copytree(artifacts / name, into or destination / name, dirs_exist_ok=True)
        elif action == "PyO3/maturin-action":
            self._maturin(with_, env, workspace, label)
        elif action == "pypa/cibuildwheel":
            self._cibuildwheel(with_, env, workspace, label)
        else:
            raise WorkflowFailed(f"{label}: the harness has no stand-in for {action}")
        self.log.append(f"  {label}: stood in")
        return outputs

    def _maturin(
        self, with_: Mapping[str, Any], env: Mapping[str, str], workspace: Path, label: str
    ) -> None:
        """maturin-action: ``maturin COMMAND ARGS`` in ``working-directory``, here."""
        unknown = set(with_) - MATURIN_INPUTS - MATURIN_IGNORED
        if unknown:
            raise WorkflowFailed(f"{label}: the maturin-action stand-in has no {sorted(unknown)}")
        if importlib.util.find_spec("maturin") is None:
            raise WorkflowFailed(
                f"{label}: maturin is not installed in the test environment; "
                "pip install -e '.[test]' installs it"
            )
        if shutil.which("cargo", path=env["PATH"]) is None:
            raise WorkflowFailed(f"{label}: maturin needs Rust's cargo on PATH (rustup.rs)")
        args = _one_interpreter(shlex.split(_text(with_.get("args"))), str(self.python))
        command = _text(with_.get("command")) or "build"
        cwd = workspace / (_text(with_.get("working-directory")) or ".")
        self._tool(label, [sys.executable, "-m", "maturin", command, *args], cwd, env)

    def _cibuildwheel(
        self, with_: Mapping[str, Any], env: Mapping[str, str], workspace: Path, label: str
    ) -> None:
        """cibuildwheel: this machine's one build identifier, if selected, built here."""
        unknown = set(with_) - CIBUILDWHEEL_INPUTS
        unknown |= {k for k in env if k.startswith("CIBW_")} - CIBUILDWHEEL_ENV
        if unknown:
            raise WorkflowFailed(f"{label}: the cibuildwheel stand-in has no {sorted(unknown)}")
        major, minor = self.python_version.split(".")[:2]
        identifier = f"cp{major}{minor}-manylinux_{platform.machine()}"
        build, skip = env.get("CIBW_BUILD") or "*", env.get("CIBW_SKIP") or ""
        if not any(fnmatch(identifier, p) for p in build.split()) or any(
            fnmatch(identifier, p) for p in skip.split()
        ):
            raise WorkflowFailed(
                f"{label}: cibuildwheel: No build identifiers selected: CIBW_BUILD={build!r}, "
                f"CIBW_SKIP={skip!r}; the one build of this machine is {identifier}"
            )
        package = workspace / (_text(with_.get("package-dir")) or ".")
        output = workspace / (_text(with_.get("output-dir")) or "wheelhouse")
        scratch = Path(env["RUNNER_TEMP"]) / "cibuildwheel"
        argv = [find_uv_bin(), "build", "-q", "--wheel", "--no-sources", "--python"]
        self._tool(
            label, [*argv, str(self.python), "-o", str(scratch), str(package)], workspace, env
        )
        output.mkdir(parents=True, exist_ok=True)
        for wheel in scratch.glob("*.whl"):
            shutil.move(wheel, output / wheel.name)

    def _tool(self, label: str, argv: list[str], cwd: Path, env: Mapping[str, str]) -> None:
        proc = subprocess.run(
            argv, cwd=cwd, env=dict(env), capture_output=True, text=True, check=False
        )
        self.log.append(f"  {label}: {shlex.join(argv[-6:])}: exit {proc.returncode}")
        if proc.returncode != 0:
            raise WorkflowFailed(
                f"{label} failed ({proc.returncode}):\n{proc.stdout[-4000:]}\n{proc.stderr[-6000:]}"
            )

    def _upload(
        self, with_: Mapping[str, Any], workspace: Path, artifacts: Path, label: str
    ) -> None:
        """upload-artifact: every path (one a line), kept relative to their common ancestor;
        files in hidden directories only with ``include-hidden-files``."""
        patterns = [line.strip().rstrip("/") for line in str(with_["path"]).splitlines()]
        found = [p for pattern in patterns if pattern for p in sorted(workspace.glob(pattern))]
        if len(found) == 1 and found[0].is_dir():
            root = found[0]
        else:
            root = Path(
                os.path.commonpath([p if p.is_dir() else p.parent for p in found or [workspace]])
            )
        files = [
            path
            for item in found
            for path in ([item] if item.is_file() else sorted(item.rglob("*")))
            if path.is_file()
            and (
                with_.get("include-hidden-files")
                or not any(part.startswith(".") for part in path.relative_to(root).parts)
            )
        ]
        if not files and with_.get("if-no-files-found") == "error":
            raise WorkflowFailed(f"{label}: no files at {with_['path']}")
        target = artifacts / with_["name"]
        if target.exists():
            raise WorkflowFailed(f"{label}: artifact {with_['name']!r} uploaded twice")
        for path in files:
            copy = target / path.relative_to(root)
            copy.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(path, copy)


def _one_interpreter(args: list[str], python: str) -> list[str]:
    """``args`` with every ``--interpreter``/``-i`` value list replaced by ``python``."""
    found: list[str] = []
    values = False  # in the value list of an --interpreter
    for arg in args:
        if arg in ("--interpreter", "-i"):
            found += ["--interpreter", python]
            values = True
        elif values and not arg.startswith("-"):
            continue
        else:
            values = False
            found.append(f"--interpreter={python}" if arg.startswith("--interpreter=") else arg)
    return found


def _one_python(values: list[Any], version: str) -> list[Any]:
    """Of a Python-version axis, the value of the run's interpreter, else the first."""
    minor = ".".join(version.split(".")[:2])
    mine = [v for v in values if _text(v.get("version") if isinstance(v, dict) else v) == minor]
    return mine[:1] or values[:1]


def _linux(runners: list[Any]) -> list[Any]:
    """Of a runner axis, the Linux runners (``ubuntu-*``): this machine runs Linux only."""
    found = [r for r in runners if _text(r).startswith("ubuntu")]
    if not found:
        raise WorkflowFailed(f"matrix os {runners}: no Linux runner, and this machine is Linux")
    return found


def _combinations(job: Mapping[str, Any], ctx: Context, python: str) -> list[dict[str, Any]]:
    """The matrix of ``job`` (a mapping or a ``fromJSON`` expression), every combination,
    except that a Python version axis runs one value only (one interpreter here, whose
    full version is ``python``)."""
    matrix: Any = (job.get("strategy") or {}).get("matrix") or {}
    if isinstance(matrix, str):
        matrix = json.loads(ctx.substitute(matrix))
    axes = {
        key: _one_python(values, python)
        if "python" in key
        else _linux(values)
        if key == "os"
        else values
        for key, values in matrix.items()
        if key not in ("include", "exclude") and isinstance(values, list)
    }
    found = [dict(zip(axes, values, strict=True)) for values in itertools.product(*axes.values())]
    return (
        found + list(matrix.get("include") or []) if axes else list(matrix.get("include") or [{}])
    )


def _needs(job: Mapping[str, Any]) -> list[str]:
    needs = job.get("needs") or []
    return [needs] if isinstance(needs, str) else list(needs)
