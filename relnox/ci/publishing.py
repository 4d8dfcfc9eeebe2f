"""The publishing jobs of release.yml: TestPyPI, PyPI and the GitHub release of every tag."""

from __future__ import annotations

import shlex
from typing import TYPE_CHECKING, Any

from packaging.utils import canonicalize_name

from relnox.ci.pins import PACKAGE_ARGS, READ
from relnox.ci.yaml import Commented
from relnox.tools.repositories import Repository, resolve

if TYPE_CHECKING:
    from relnox.ci.workflows import WorkflowBuilder

PYPI_ATTESTATIONS = "pypi-attestations==0.0.30"  # signs with the job's OIDC identity


def publish_job(builder: WorkflowBuilder, target: str, needs: list[str]) -> dict[str, Any]:
    final = target == "pypi"
    steps = [*builder.setup(builder.build_python), *builder.download_dist()]
    attest = signs(builder, target)
    if attest:
        steps.append(sign_step(builder))
    flag = " --attestations" if attest else ""
    # the packages the plan routed here
    env = {"PACKAGES": f"${{{{ needs.plan.outputs.{target} }}}}"}
    if final:
        env["REPOSITORY"] = "${{ needs.plan.outputs.pypi_repository }}"
        name = "Publish to PyPI (trusted publishing)" if attest else "Publish"
        command = f'nox -s publish -- --yes --repository "$REPOSITORY"{flag}'
    else:
        name, command = "Publish to TestPyPI, then install from it", f"nox -s publish-test --{flag}"
    env.update({v: f"${{{{ secrets.{name} }}}}" for v, name in secrets(builder, target).items()})
    steps.append({"name": name, "run": PACKAGE_ARGS + command + ' "${args[@]}"\n', "env": env})
    # id-token only where it is used: PyPI's and TestPyPI's trusted publishing and signing
    permissions: dict[str, str] = {**READ}
    if attest:
        permissions["id-token"] = Commented("write", "trusted publishing and PEP 740 signing")
    job: dict[str, Any] = {
        "name": "Publish to PyPI" if final else "Publish to TestPyPI",
        "needs": needs,
        # a wheel job of a package outside this release is skipped, not failed
        "if": f"!cancelled() && !failure() && needs.plan.outputs.{target} != ''",
        "runs-on": "ubuntu-latest",
        "environment": {"name": target},
        "permissions": permissions,
        "steps": steps,
    }
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
                    {"package": p.name, "environment": f"{target}-{canonicalize_name(p.name)}"}
                    for p in builder.ws.packages
                ]
            },
        }
        routed = f"format(' {{0}} ', needs.plan.outputs.{target})"
        mine = f"contains({routed}, format(' {{0}} ', matrix.package))"
        for i in range(-2 if attest else -1, 0):  # sign and publish: a package of this run only
            steps[i] = {"name": steps[i]["name"], "if": mine, **steps[i]}
        env["PACKAGES"] = "${{ matrix.package }}"
    return job


def repository(builder: WorkflowBuilder, target: str) -> Repository:
    return resolve(target, builder.ws.config, environ={})


def secrets(builder: WorkflowBuilder, target: str) -> dict[str, str]:
    """The secrets the ``target`` job needs, by variable (none for trusted publishing)."""
    if signs(builder, target):
        return {}
    prefix = "TEST_" if target == "testpypi" else ""
    return {
        "TWINE_USERNAME": f"{prefix}INDEX_USERNAME",
        "TWINE_PASSWORD": f"{prefix}INDEX_PASSWORD",
    }


def signs(builder: WorkflowBuilder, target: str) -> bool:
    """Whether ``target`` is PyPI or TestPyPI, which take attestations."""
    return repository(builder, target).is_pypi


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
        '  gh release upload "$tag" --clobber "${files[@]}"\n'
        '  gh release view "$tag" --json body --jq .body > release-notes.md\n'
        "  if ! grep -qx '## Installation' release-notes.md; then\n"
        '    nox -s release_notes -- "$tag" --install-only --output install.md\n'
        "    { echo; cat install.md; } >> release-notes.md\n"
        '    gh release edit "$tag" --notes-file release-notes.md\n'
        "  fi\n"
        if builder.settings.trigger == "release"
        else '  echo "$tag: its GitHub release exists already"\n'
    )
    create = (
        f'if gh release view "$tag" > /dev/null 2>&1; then\n{exists}else\n'
        '  gh release create "$tag" --title "$tag" --notes-file release-notes.md "${args[@]}" '
        '"${files[@]}"\nfi\n'
    )
    # one release per tag of the run, each with its own files
    script = (
        "for tag in $TAGS; do\n"
        "  args=()\n"
        '  case " $PRERELEASE_TAGS " in *" $tag "*) args+=(--prerelease) ;; esac\n'
        '  if [ "$LATEST" = false ]; then args+=(--latest=false); fi\n'
        '  nox -s release_notes -- "$tag" --output release-notes.md --files release-files.txt\n'
        "  mapfile -t files < release-files.txt\n"
        '  if [ "${#files[@]}" -eq 0 ]; then\n'
        '    echo "::error::no file of $tag in the dist artifact"\n'
        "    exit 1\n"
        "  fi\n" + "".join("  " + line + "\n" for line in create.splitlines()) + "done\n"
    )
    return {
        "name": "GitHub release",
        "needs": ["plan", "testpypi", "pypi"],
        # a run of several tags may publish to both indexes: neither may have failed
        "if": "!cancelled() && needs.plan.outputs.tags != '' && "
        "needs.pypi.result != 'failure' && needs.testpypi.result != 'failure' && "
        "(needs.pypi.result == 'success' || needs.testpypi.result == 'success')",
        "runs-on": "ubuntu-latest",
        "permissions": {"contents": Commented("write", "create the release")},
        "steps": [
            *builder.setup(builder.build_python),
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
        ],
    }
