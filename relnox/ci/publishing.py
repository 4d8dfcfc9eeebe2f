"""The publishing jobs: TestPyPI and PyPI (release.yml's and the GitLab pipeline's), and
release.yml's GitHub release of every tag."""

from __future__ import annotations

import shlex
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from packaging.utils import canonicalize_name

from relnox.ci.pins import PACKAGE_ARGS, READ
from relnox.ci.yaml import Commented
from relnox.errors import shortlist
from relnox.project.workspace import Workspace
from relnox.tools.gitlab import audience, id_token_variable
from relnox.tools.repositories import Repository, resolve

if TYPE_CHECKING:
    from relnox.ci.gitlab import PipelineBuilder
    from relnox.ci.workflows import WorkflowBuilder

PYPI_ATTESTATIONS = "pypi-attestations==0.0.30"  # signs with the job's OIDC identity
NOTHING_ROUTED = 'if [ -z "$PACKAGES" ]; then echo "nothing routed here by the plan"; exit 0; fi\n'


@dataclass(frozen=True)
class Target:
    """An index the release's job of that name publishes to: ``testpypi`` or ``pypi``."""

    name: str
    repository: Repository

    @property
    def signs(self) -> bool:
        """PyPI or TestPyPI, which take attestations and trusted publishing."""
        return self.repository.is_pypi

    @property
    def secrets(self) -> dict[str, str]:
        """The secrets the job needs, by variable (none for trusted publishing)."""
        if self.signs:
            return {}
        prefix = "TEST_" if self.name == "testpypi" else ""
        return {
            "TWINE_USERNAME": f"{prefix}INDEX_USERNAME",
            "TWINE_PASSWORD": f"{prefix}INDEX_PASSWORD",
        }

    @property
    def id_token(self) -> tuple[str, str] | None:
        """GitLab's ``id_tokens:`` variable and audience for trusted publishing, or None."""
        found = audience(self.repository)
        return (str(id_token_variable(self.repository)), found) if found else None

    def command(self, repository: str, flag: str = "") -> str:
        """The nox session uploading ``$PACKAGES`` (``repository``: where the plan said)."""
        if self.name == "pypi":
            return (
                PACKAGE_ARGS
                + f'nox -s publish -- --yes --repository "{repository}"{flag} "${{args[@]}}"\n'
            )
        return PACKAGE_ARGS + f'nox -s publish-test --{flag} "${{args[@]}}"\n'

    def environments(self, workspace: Workspace) -> list[tuple[str, str]]:
        """``environments = "per-project"``: each package and its environment, in order."""
        return [(p.name, f"{self.name}-{canonicalize_name(p.name)}") for p in workspace.packages]


def trusted_note(workspace: Workspace, targets: list[str], own: str, gitlab: str = "") -> str:
    """What the trusted-publishing jobs need before their first upload (``own``: the
    environments' suffix); ``gitlab``: the project path there, for its pipeline's jobs."""
    from relnox.ci.gitlab import TOP

    names = [pkg.name for pkg in workspace.packages]
    where = " and ".join(
        f"{'PyPI' if target == 'pypi' else 'TestPyPI'} (environment {target}{own})"
        for target in targets
    )
    count = f"each of the {len(names)} projects" if len(names) > 1 else "the project"
    projects, environments = f"{count} ({shortlist(names, 5)}", ", ".join(t + own for t in targets)
    if gitlab:
        return (
            f"the {' and '.join(targets)} jobs publish by trusted publishing with GitLab's ID "
            f"token: on {where}, add a GitLab trusted publisher (a pending one for a project "
            f"not there yet) to {projects}) naming the namespace and project {gitlab}, the "
            f"top-level pipeline file {TOP} and the environment; protect the environments "
            f"{environments} and the release tags (Settings > Repository > Protected tags), or "
            "the first upload is refused its token"
        )
    pending = (
        "at most 3 at a time, the batch relnox doctor --repository pypi names"
        if own
        else 'one at a time (one a workflow and environment; environments = "per-project": 3)'
    )
    return (
        f"the {' and '.join(targets)} jobs publish by trusted publishing: on {where}, add a "
        f"trusted publisher naming this repository and the workflow release.yml to {projects}; "
        f"a pending publisher for one not there yet, {pending}), and create the environment(s) "
        f"{environments} on GitHub (Settings > Environments), or the first upload is refused "
        "its token"
    )


def targets(workspace: Workspace) -> dict[str, Target]:
    return {t: Target(t, resolve(t, workspace.config, environ={})) for t in ("testpypi", "pypi")}


def publish_job(builder: WorkflowBuilder, target: Target, needs: list[str]) -> dict[str, Any]:
    final = target.name == "pypi"
    steps = [*builder.setup(), *builder.download_dist()]
    if target.signs:
        steps.append(sign_step(builder))
    # the packages the plan routed here
    env = {"PACKAGES": f"${{{{ needs.plan.outputs.{target.name} }}}}"}
    if final:
        env["REPOSITORY"] = "${{ needs.plan.outputs.pypi_repository }}"
        name = "Publish to PyPI (trusted publishing)" if target.signs else "Publish"
    else:
        name = "Publish to TestPyPI, then install from it"
    env.update({v: f"${{{{ secrets.{secret} }}}}" for v, secret in target.secrets.items()})
    command = target.command("$REPOSITORY", " --attestations" if target.signs else "")
    steps.append({"name": name, "run": command, "env": env})
    # id-token only where it is used: PyPI's and TestPyPI's trusted publishing and signing
    permissions: dict[str, str] = {**READ}
    if target.signs:
        permissions["id-token"] = Commented("write", "trusted publishing and PEP 740 signing")
    job = builder.job(
        "Publish to PyPI" if final else "Publish to TestPyPI",
        *steps,
        needs=needs,
        # a wheel job of a package outside this release is skipped, not failed
        when=f"!cancelled() && !failure() && needs.plan.outputs.{target.name} != ''",
        environment={"name": target.name},
        permissions=permissions,
    )
    if builder.settings.environments == "per-project":
        # a (pending) trusted publisher a project, each in its own environment: a job a
        # package, in release order; the first failure (a publisher not there yet) stops all
        job["name"] += " (${{ matrix.package }})"
        job["environment"] = {"name": "${{ matrix.environment }}"}
        job["strategy"] = {
            "max-parallel": 1,
            "fail-fast": True,
            "matrix": {
                "include": [
                    {"package": p, "environment": e} for p, e in target.environments(builder.ws)
                ]
            },
        }
        routed = f"format(' {{0}} ', needs.plan.outputs.{target.name})"
        mine = f"contains({routed}, format(' {{0}} ', matrix.package))"
        steps = job["steps"]
        for i in range(-2 if target.signs else -1, 0):  # sign, publish: a package of this run only
            steps[i] = {"name": steps[i]["name"], "if": mine, **steps[i]}
        env["PACKAGES"] = "${{ matrix.package }}"
    return job


def gitlab_publish_job(
    pipeline: PipelineBuilder, target: Target, wheel_jobs: list[str]
) -> dict[str, Any]:
    """One job an index environment; the ID token of its audience for PyPI and TestPyPI."""
    routed = f"RELNOX_{target.name.upper()}"
    script = f'PACKAGES="${routed}"\n' + NOTHING_ROUTED + target.command("$RELNOX_PYPI_REPOSITORY")
    copies = pipeline.wheel_copies()
    environment = {"name": target.name, "deployment_tier": "production"}
    if pipeline.settings.environments == "per-project":
        environment["name"] = "$ENVIRONMENT"
        only = f'case " ${routed} " in *" $PACKAGE "*) ;; *) exit 0 ;; esac\n'
        script = only + script.replace(f'"${routed}"', '"$PACKAGE"')
    job = pipeline.job(
        "deploy",
        needs=["relnox-plan", "relnox-build", "relnox-verify", *wheel_jobs],
        environment=environment,
        script=["\n".join(copies), script] if copies else [script],
    )
    if target.id_token:
        variable, found = target.id_token
        job["id_tokens"] = {variable: {"aud": found}}
    if pipeline.settings.environments == "per-project":
        matrix = [{"PACKAGE": p, "ENVIRONMENT": e} for p, e in target.environments(pipeline.ws)]
        job["parallel"] = {"matrix": matrix}
    return job


def sign_step(builder: WorkflowBuilder) -> dict[str, Any]:
    """PEP 740: ``<file>.publish.attestation`` beside every file, from this job's identity."""
    files = " ".join(f"{shlex.quote(builder.dist)}/{pattern}" for pattern in ("*.whl", "*.tar.gz"))
    return {
        "name": "Sign every file (PEP 740 attestations, with this job's OIDC identity)",
        "run": f"python -m pip install {PYPI_ATTESTATIONS}\n"
        "shopt -s nullglob\n"
        f"python -m pypi_attestations sign {files}\n",
    }


def github_release_job(builder: WorkflowBuilder) -> dict[str, Any]:
    # trigger release: the release that started the run gets every file and, once, the
    # install notes; tag: a release made by an earlier run of the same tags is left as it is
    exists = (
        """    gh release upload "$tag" --clobber "${files[@]}"
    gh release view "$tag" --json body --jq .body > release-notes.md
    if ! grep -qx '## Installation' release-notes.md; then
      nox -s release_notes -- "$tag" --install-only --output install.md
      { echo; cat install.md; } >> release-notes.md
      gh release edit "$tag" --notes-file release-notes.md
    fi
"""
        if builder.settings.trigger == "release"
        else '    echo "$tag: its GitHub release exists already"\n'
    )
    # one release per tag of the run, each with its own files
    script = f"""for tag in $TAGS; do
  args=()
  case " $PRERELEASE_TAGS " in *" $tag "*) args+=(--prerelease) ;; esac
  if [ "$LATEST" = false ]; then args+=(--latest=false); fi
  nox -s release_notes -- "$tag" --output release-notes.md --files release-files.txt
  mapfile -t files < release-files.txt
  if [ "${{#files[@]}}" -eq 0 ]; then
    echo "::error::no file of $tag in the dist artifact"
    exit 1
  fi
  if gh release view "$tag" > /dev/null 2>&1; then
{exists}  else
    gh release create "$tag" --title "$tag" --notes-file release-notes.md "${{args[@]}}" "${{files[@]}}"
  fi
done
"""
    return builder.job(
        "GitHub release",
        *builder.setup(),
        *builder.download_dist(),
        {
            "name": "Attach every file and the install instructions to the GitHub "
            "release (or create it)"
            if builder.settings.trigger == "release"
            else "Create the release with notes from the changelog",
            "run": script,
            "env": {
                "GH_TOKEN": "${{ github.token }}",
                "TAGS": "${{ needs.plan.outputs.tags }}",
                "PRERELEASE_TAGS": "${{ needs.plan.outputs.prerelease_tags }}",
                "LATEST": "${{ needs.plan.outputs.is_latest }}",
            },
        },
        needs=["plan", "testpypi", "pypi"],
        # a run of several tags may publish to both indexes: neither may have failed
        when="!cancelled() && needs.plan.outputs.tags != '' && "
        "needs.pypi.result != 'failure' && needs.testpypi.result != 'failure' && "
        "(needs.pypi.result == 'success' || needs.testpypi.result == 'success')",
        permissions={"contents": Commented("write", "create the release")},
    )
