"""GitLab CI/CD: a task's results as a dotenv report (``RELNOX_<NAME>=value`` lines in
``$RELNOX_DOTENV``: how later jobs get the plan's routing), the ID token of an index, the
remote, and the REST calls of a release merge request."""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any
from urllib.parse import quote

from relnox.errors import RelnoxError
from relnox.redact import register_secret
from relnox.tools.repositories import Repository

DOTENV = "RELNOX_DOTENV"  # the file of a job's dotenv report (the pipeline sets it)
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def in_gitlab(env: Mapping[str, str]) -> bool:
    return env.get("GITLAB_CI", "").lower() == "true"


def dotenv_lines(results: Mapping[str, Any]) -> str:
    """``RELNOX_<NAME>=value`` lines of ``results``' outputs but the multi-line ones."""
    from relnox.tools.github import outputs_for

    lines = []
    for name, value in outputs_for(results).items():
        key = "RELNOX_" + name.upper().replace("-", "_")
        if _NAME.fullmatch(key) and "\n" not in value and "\r" not in value:
            lines.append(f"{key}={value}")
    return "".join(line + "\n" for line in lines)


def publish_results(
    task_name: str, results: Mapping[str, Any], env: Mapping[str, str] | None = None
) -> None:
    from relnox.tools.github import append_to

    env = os.environ if env is None else env
    if env.get(DOTENV):
        append_to(Path(env[DOTENV]), dotenv_lines(results), DOTENV)


def audience(repository: Repository) -> str | None:
    """The OIDC audience of PyPI (``pypi``) or TestPyPI (``testpypi``); None for another."""
    if not repository.is_pypi:
        return None
    return "pypi" if repository.is_production_pypi else "testpypi"


def id_token_variable(repository: Repository) -> str | None:
    """The variable of the job's ``id_tokens:`` that uv reads for ``repository``."""
    found = audience(repository)
    return f"{found.upper()}_ID_TOKEN" if found else None


def remote_host(url: str) -> str:
    """The host of a git remote URL (``https://``, ``ssh://`` or ``git@host:``), or ""."""
    found = re.match(r"^[a-z][a-z0-9+.-]*://(?:[^@/]*@)?([^/:]+)", url)
    if found:
        return found.group(1).lower()
    scp = re.match(r"^(?:[^@/]+@)?([^/:]+):(?!/)", url)
    return scp.group(1).lower() if scp and len(scp.group(1)) > 1 else ""


def remote_path(url: str) -> str:
    """The project path of a git remote URL (``group/sub/project``), empty when none."""
    found = re.match(r"^[a-z][a-z0-9+.-]*://[^/]+/(.+)$", url) or re.match(
        r"^(?:[^@/]+@)?[^/:]+:(?!/)(.+)$", url
    )
    return found.group(1).removesuffix(".git").strip("/") if found else ""


def is_gitlab_host(host: str) -> bool:
    """A host GitLab serves by its name (``gitlab.com``, ``gitlab.example.org``)."""
    return any(part == "gitlab" for part in host.split("."))


class GitLabApi:
    """:class:`relnox.tools.github.GitHubApi`'s calls for a merge request (``GITLAB_TOKEN`` in
    a header), of ``CI_API_V4_URL`` and ``CI_PROJECT_ID``, else the remote's host and path."""

    git_user = "oauth2"

    def __init__(self, remote: str, env: Mapping[str, str] | None = None) -> None:
        from relnox.tools.github import api_token

        env = os.environ if env is None else env
        self.token = api_token(
            env,
            "GITLAB_TOKEN",
            "the release merge request is made through GitLab's API; set it (a project access "
            "token with the api and write_repository scopes, as a masked CI/CD variable) in the "
            "environment",
        )
        host = remote_host(remote)
        self.base = (env.get("CI_API_V4_URL") or f"https://{host}/api/v4").rstrip("/")
        project = env.get("CI_PROJECT_ID") or remote_path(remote)
        if not project or (not env.get("CI_API_V4_URL") and not host):
            raise RelnoxError(
                f"the remote {remote!r} names no GitLab project; set CI_API_V4_URL and "
                "CI_PROJECT_ID (GitLab CI sets both)"
            )
        self.project = quote(project, safe="")

    def call(self, method: str, path: str, body: Mapping[str, Any] | None = None) -> Any:
        from relnox.tools.github import json_call

        url = f"{self.base}/projects/{self.project}{path}"
        headers = {"PRIVATE-TOKEN": self.token, "Accept": "application/json"}
        return json_call("GitLab", method, url, headers, body, "CI_API_V4_URL")

    @staticmethod
    def _pull(found: Mapping[str, Any]) -> dict[str, Any]:
        """A merge request as the seam's pull request: ``number`` (its iid) and ``body``."""
        return {**found, "number": found["iid"], "body": found.get("description") or ""}

    def open_pull(self, branch: str) -> dict[str, Any] | None:
        found = self.call("GET", f"/merge_requests?state=opened&source_branch={quote(branch)}")
        return self._pull(found[0]) if isinstance(found, list) and found else None

    def create_pull(self, branch: str, base: str, title: str, body: str) -> dict[str, Any]:
        fields = {
            "source_branch": branch,
            "target_branch": base,
            "title": title,
            "description": body,
            "remove_source_branch": True,
        }
        return self._pull(self.call("POST", "/merge_requests", fields))

    def update_pull(self, number: int, **fields: str) -> dict[str, Any]:
        changes: dict[str, str] = {}
        for key, value in fields.items():
            if key == "state":
                changes["state_event"] = "close" if value == "closed" else "reopen"
            else:
                changes["description" if key == "body" else key] = value
        return self._pull(self.call("PUT", f"/merge_requests/{number}", changes))


def on_gitlab(remote: str, env: Mapping[str, str]) -> bool:
    """Whether the release merge request goes to GitLab (a GitLab CI job, or a GitLab host)."""
    return bool(env.get("CI_API_V4_URL")) or is_gitlab_host(remote_host(remote))


def create_release(tag: str, notes: str, env: Mapping[str, str] | None = None) -> bool:
    """The GitLab release of ``tag`` with ``notes``; False when it exists already."""
    from relnox.tools.github import json_call

    env = os.environ if env is None else env
    token, api, project = (
        env.get(k, "") for k in ("CI_JOB_TOKEN", "CI_API_V4_URL", "CI_PROJECT_ID")
    )
    if not (token and api and project):
        raise RelnoxError(
            "CI_JOB_TOKEN, CI_API_V4_URL and CI_PROJECT_ID are not all set: the GitLab release "
            "is made from a GitLab CI job, which sets them; run it there, or leave out "
            "--gitlab-release"
        )
    register_secret(token)
    url = f"{api.rstrip('/')}/projects/{quote(project, safe='')}/releases"
    body = {"tag_name": tag, "name": tag, "description": notes}
    made = json_call("GitLab", "POST", url, {"JOB-TOKEN": token}, body, "CI_API_V4_URL", (409,))
    return made is not None
