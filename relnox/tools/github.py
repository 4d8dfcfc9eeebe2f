"""GitHub Actions: a task's results as step outputs and job summary, ``::error::``
annotations, and the REST calls of a release pull request; off Actions nothing is written."""

from __future__ import annotations

import json
import os
import secrets
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from packaging.version import InvalidVersion, Version

from relnox.errors import RelnoxError
from relnox.redact import redact, register_secret


def in_actions(env: Mapping[str, str]) -> bool:
    return env.get("GITHUB_ACTIONS", "").lower() == "true"


def escape_data(text: str) -> str:
    """A workflow command's message escaped (``%``, ``\\r``, ``\\n``) as the runner expects."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def annotate_error(message: str) -> None:
    """Print an ``::error::`` annotation: the runner shows it on the run's page."""
    sys.stdout.write(f"::error::{escape_data(redact(message))}\n")
    sys.stdout.flush()


def is_prerelease(version: str) -> bool:
    try:
        return Version(version).is_prerelease
    except InvalidVersion:
        return False


def _as_text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (str, int, float)):
        return str(value)
    if isinstance(value, Sequence) and all(
        isinstance(v, str) and v and not any(c.isspace() for c in v) for v in value
    ):
        return " ".join(value)
    return json.dumps(value, default=str, separators=(",", ":"))


def _output_name(key: str) -> str:
    return "".join(c if c.isalnum() or c in "_-" else "_" for c in key)


def _packages(results: Mapping[str, Any]) -> tuple[list[str], dict[str, Any]]:
    versions = results.get("versions")
    versions = dict(versions) if isinstance(versions, Mapping) else {}
    names = _listed(results.get("packages"))
    return names if names is not None else [str(n) for n in versions], versions


def _listed(value: Any) -> list[str] | None:
    is_list = isinstance(value, Sequence) and not isinstance(value, str)
    return [str(v) for v in value] if is_list else None


def outputs_for(results: Mapping[str, Any]) -> dict[str, str]:
    """The step outputs (name -> text) a task's results give."""
    data = dict(results)
    names, versions = _packages(data)
    if names:
        data["packages"] = names
    if versions and "is_prerelease" not in data:
        data["is_prerelease"] = any(is_prerelease(str(v)) for v in versions.values())
    if names and "matrix" not in data:
        directories = data.get("directories")
        directories = directories if isinstance(directories, Mapping) else {}
        data["matrix"] = {
            "include": [
                {  # a directory only where the task knows it: never an empty one
                    "package": n,
                    **({"directory": str(directories[n])} if n in directories else {}),
                    "version": str(versions.get(n, "")),
                }
                for n in names
            ]
        }
    if len(names) == 1:
        data.setdefault("package", names[0])
        if names[0] in versions:
            data.setdefault("version", str(versions[names[0]]))
    tags = _listed(data.get("tags")) or []
    if len(tags) == 1:
        data.setdefault("tag", tags[0])
    data.pop("graph", None)  # a picture for the summary, not an output
    return {_output_name(k): redact(_as_text(v)) for k, v in data.items() if v is not None}


def format_outputs(outputs: Mapping[str, str]) -> str:
    """``name=value`` lines; a multi-line value uses the ``name<<DELIMITER`` form."""
    lines = []
    for name, value in outputs.items():
        if "\n" in value or "\r" in value:
            delimiter = f"ghadelimiter_{secrets.token_hex(8)}"
            lines += [f"{name}<<{delimiter}", value, delimiter]
        else:
            lines.append(f"{name}={value}")
    return "".join(line + "\n" for line in lines)


def _md(value: Any) -> str:
    return _as_text(value).replace("|", "\\|").replace("\n", " ")


def summary_markdown(task_name: str, results: Mapping[str, Any]) -> str:
    """A short markdown section: one table row per package, then the other scalar results."""
    lines = [f"### relnox {task_name}", ""]
    names, versions = _packages(results)
    tags = _listed(results.get("tags")) or []

    if names:
        lines += ["| package | version |", "| --- | --- |"]
        lines += [f"| {_md(n)} | {_md(versions.get(n, '-'))} |" for n in names]
        lines.append("")
    if tags:
        lines += ["Tags: " + ", ".join(f"`{t}`" for t in tags), ""]
    for key, value in results.items():
        if key in ("packages", "versions", "tags", "matrix", "directories", "graph"):
            continue
        if isinstance(value, (str, int, float, bool)) and value != "":
            lines.append(f"- **{_md(key)}**: {_md(value)}")
    graph = results.get("graph")
    if isinstance(graph, str) and graph.startswith("```mermaid"):  # a picture of the plan
        lines += ["", graph]
    return redact("\n".join(lines).rstrip() + "\n\n")


def append_to(path: Path, text: str, name: str) -> None:
    try:
        with path.open("a", encoding="utf-8", newline="\n") as fh:
            fh.write(text)
    except OSError as exc:
        raise RelnoxError(
            f"${name} ({path}) cannot be written ({exc.strerror or exc}); what relnox did is "
            f"done, but later steps do not see its results: point {name} at a writable file"
        ) from None


def publish_results(
    task_name: str, results: Mapping[str, Any], env: Mapping[str, str] | None = None
) -> None:
    """Write ``results`` to ``$GITHUB_OUTPUT`` and ``$GITHUB_STEP_SUMMARY`` (on Actions only)."""
    env = os.environ if env is None else env
    if not in_actions(env):
        return
    if env.get("GITHUB_OUTPUT"):
        append_to(Path(env["GITHUB_OUTPUT"]), format_outputs(outputs_for(results)), "GITHUB_OUTPUT")
    if env.get("GITHUB_STEP_SUMMARY"):
        summary = summary_markdown(task_name, results)
        append_to(Path(env["GITHUB_STEP_SUMMARY"]), summary, "GITHUB_STEP_SUMMARY")


def event_before(env: Mapping[str, str] | None = None) -> str | None:
    """The ``before`` commit of the push event being run, if there is one."""
    env = os.environ if env is None else env
    path = env.get("GITHUB_EVENT_PATH")
    if not in_actions(env) or not path:
        return None
    try:
        payload = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    before = payload.get("before") if isinstance(payload, Mapping) else None
    return before if isinstance(before, str) and before not in ("", "0" * 40) else None


def ref_tag(env: Mapping[str, str] | None = None) -> str | None:
    """The tag the workflow runs for (``GITHUB_REF=refs/tags/...``), if any."""
    ref = (os.environ if env is None else env).get("GITHUB_REF", "")
    return ref.removeprefix("refs/tags/") if ref.startswith("refs/tags/") else None


DEFAULT_API_URL = "https://api.github.com"  # when GITHUB_API_URL names none
API_TIMEOUT = 30.0  # the longest wait for one API call's whole answer, seconds


def json_call(
    forge: str,
    method: str,
    url: str,
    headers: Mapping[str, str],
    body: Mapping[str, Any] | None,
    variable: str,
    accept: tuple[int, ...] = (),
) -> Any:
    """One REST call of ``forge``'s API (``variable`` names its URL): its JSON (None for a
    status in ``accept``), or a :class:`RelnoxError` (the token only ever in ``headers``)."""
    import urllib.error
    import urllib.request

    from relnox.tools.simple_api import within

    request = urllib.request.Request(
        url,
        data=None if body is None else json.dumps(body).encode("utf-8"),
        method=method,
        headers={**headers, "Content-Type": "application/json"},
    )

    def ask() -> bytes:
        with urllib.request.urlopen(request, timeout=API_TIMEOUT) as answer:
            return bytes(answer.read())

    try:
        data = within(API_TIMEOUT, ask, lambda: TimeoutError(f"no answer in {API_TIMEOUT:g}s"))
    except urllib.error.HTTPError as exc:
        if exc.code in accept:  # an answer the caller expects (409: it exists already)
            return None
        said = exc.read(2000).decode("utf-8", "replace")
        raise RelnoxError(
            f"{forge} API {method} {url} answered {exc.code}: {redact(said).strip()}; check "
            "that the token may write the repository and its pull (merge) requests"
        ) from None
    except (urllib.error.URLError, OSError) as exc:
        raise RelnoxError(
            f"{forge} API {method} {url} failed ({getattr(exc, 'reason', exc)}); check "
            f"{variable} and the network, then run again"
        ) from None
    return json.loads(data) if data else None


def api_token(env: Mapping[str, str], name: str, why: str) -> str:
    """The token in ``$name``, masked in every line relnox prints from now on."""
    token = env.get(name, "")
    if not token:
        raise RelnoxError(f"{name} is not set: {why}")
    register_secret(token)
    return token


class GitHubApi:
    """The REST calls of a release pull request; ``GITHUB_TOKEN`` only ever in a header."""

    def __init__(self, repository: str, env: Mapping[str, str] | None = None) -> None:
        env = os.environ if env is None else env
        self.token = api_token(
            env,
            "GITHUB_TOKEN",
            "the release pull request is made through GitHub's API; set it (the workflow's "
            "token, or a token with contents and pull-requests write) in the environment",
        )
        self.base = (env.get("GITHUB_API_URL") or DEFAULT_API_URL).rstrip("/")
        self.repository = repository

    #: the user name the token goes to git with (HTTP basic)
    git_user = "x-access-token"

    def call(self, method: str, path: str, body: Mapping[str, Any] | None = None) -> Any:
        headers = {
            "Accept": "application/vnd.github+json",
            "Authorization": f"Bearer {self.token}",
            "X-GitHub-Api-Version": "2022-11-28",
        }
        url = f"{self.base}/repos/{self.repository}{path}"
        return json_call("GitHub", method, url, headers, body, "GITHUB_API_URL")

    def open_pull(self, branch: str) -> dict[str, Any] | None:
        """The open pull request from ``branch`` of this repository, if there is one."""
        owner = self.repository.split("/")[0]
        found = self.call("GET", f"/pulls?state=open&head={owner}:{branch}")
        return found[0] if isinstance(found, list) and found else None

    def create_pull(self, branch: str, base: str, title: str, body: str) -> dict[str, Any]:
        fields = {"title": title, "body": body, "head": branch, "base": base}
        return dict(self.call("POST", "/pulls", fields))

    def update_pull(self, number: int, **fields: str) -> dict[str, Any]:
        return dict(self.call("PATCH", f"/pulls/{number}", fields))


def repository_slug(url: str, env: Mapping[str, str]) -> str | None:
    """``owner/name`` of the repository: ``GITHUB_REPOSITORY``, else from the remote's URL."""
    if env.get("GITHUB_REPOSITORY"):
        return env["GITHUB_REPOSITORY"]
    import re

    found = re.search(r"[:/]([\w.-]+)/([\w.-]+?)(?:\.git)?/?$", url)
    return f"{found.group(1)}/{found.group(2)}" if found else None
