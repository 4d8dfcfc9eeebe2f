"""Property-based: any workspace ends in a result or a clean error, never a traceback.

Hypothesis writes repositories of every shape relnox reads: a root that is a package, a uv
workspace, a tools-only file or absent; members with ``[project]`` (static, dynamic, a
version of zeros, no PEP 440 version), setup.cfg, Poetry tables, broken TOML, a
``[project]`` that is no table; requirements as dependencies, extras, ``[dependency-groups]``
with ``{include-group = ...}`` tables, ``[tool.uv] dev-dependencies``, ``[tool.uv.sources]``
of every kind, markers, URLs, invalid strings and empty lists; and tags that are no
version (``v2024_05``, ``rel_1_2_3``). Each runs the real command in this process
(:func:`relnox.cli.main`, as the console script runs it) and must end with exit 0, or a
non-zero exit whose message starts ``relnox: error:``, with no traceback; a package that
is sound is listed whatever its neighbours hold.
"""

from __future__ import annotations

import contextlib
import io
import json
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from relnox.cli import main
from tests.shapes import repo

BACKENDS = {
    "hatchling": '[build-system]\nrequires = ["hatchling"]\nbuild-backend = "hatchling.build"\n',
    "setuptools": '[build-system]\nrequires = ["setuptools"]\n'
    'build-backend = "setuptools.build_meta"\n',
    "none": "",
}
NAMES = ("core", "acme-test-utils", "codegen", "lib")
PLACES = ("packages/{name}", "libs/tools", "examples/{name}", "tools/{name}", "{name}")
VERSIONS = ("1.0.0", "0.0.0", "2024.05.01", "1!0+dev", "0.1.0rc0.dev0", "not-a-version")
REQUIREMENTS = (
    "core",
    "core>=1",
    "core; python_version > '3.8'",
    "core @ file:///somewhere/core",
    "core[extra] @ https://example.invalid/core.zip ; extra == 'x'",
    "acme-test-utils==0.0.0",
    "codegen",
    "lib ~= 1.0",
    "requests",
    "not a requirement ((",
    "",
    "-e .",
)
TAGS = ("v2024_05", "v1.0.0", "core-v1.0.0", "lib-v0.1.0", "rel_1_2_3", "v1.0.0-beta.1", "0.0.0")


def toml_value(value: Any) -> str:
    """``value`` written as a TOML value (strings as JSON writes them: valid TOML too)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str | int):
        return json.dumps(value)
    if isinstance(value, list):
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    assert isinstance(value, Mapping)
    return "{" + ", ".join(f"{json.dumps(k)} = {toml_value(v)}" for k, v in value.items()) + "}"


group_items = st.one_of(
    st.sampled_from(REQUIREMENTS),
    st.sampled_from([{"include-group": "test"}, {"include-group": "missing"}, 1, {"x": "y"}]),
)
groups = st.dictionaries(
    st.sampled_from(["dev", "test", "docs", "packages"]), st.lists(group_items)
)
sources = st.dictionaries(
    st.sampled_from(NAMES),
    st.sampled_from(
        [
            {"workspace": True},
            {"path": "packages/core", "editable": True},
            {"git": "https://example.invalid/x.git"},
            "weird",
            [{"index": "x"}],
        ]
    ),
)


@st.composite
def project_text(draw: st.DrawFn, name: str) -> str:
    """A member's (or root's) ``pyproject.toml`` of one of the shapes relnox reads."""
    kind = draw(st.sampled_from(["project", "project", "project", "broken", "poetry", "odd"]))
    if kind == "broken":
        return draw(st.sampled_from(['[project\nname = "x"\n', "= 1\n", "[project]\nname = \n"]))
    if kind == "odd":
        return draw(
            st.sampled_from(
                [
                    "project = 3\n",
                    '[project]\nversion = "1.0"\n' + BACKENDS["hatchling"],
                    '[project]\nname = "bad name!"\nversion = "1.0"\n',
                    "",
                ]
            )
        )
    if kind == "poetry":
        dev = draw(
            st.dictionaries(st.sampled_from(NAMES), st.sampled_from(["*", {"path": "../x"}]))
        )
        text = f'[tool.poetry]\nname = "{name}"\nversion = "{draw(st.sampled_from(VERSIONS))}"\n'
        text += "[tool.poetry.dev-dependencies]\n"
        text += "".join(f"{json.dumps(k)} = {toml_value(v)}\n" for k, v in dev.items())
        return (
            text
            + '[build-system]\nrequires = ["poetry-core"]\n'
            + ('build-backend = "poetry.core.masonry.api"\n')
        )
    version = draw(st.sampled_from([*VERSIONS, None]))
    lines = ["[project]", f'name = "{name}"']
    lines.append('dynamic = ["version"]' if version is None else f'version = "{version}"')
    lines.append(f"dependencies = {toml_value(draw(st.lists(st.sampled_from(REQUIREMENTS))))}")
    extras = draw(
        st.dictionaries(st.sampled_from(["x", "all"]), st.lists(st.sampled_from(REQUIREMENTS)))
    )
    text = "\n".join(lines) + "\n"
    if extras:
        text += "[project.optional-dependencies]\n"
        text += "".join(f"{k} = {toml_value(v)}\n" for k, v in extras.items())
    backend = draw(st.sampled_from(list(BACKENDS)))
    if version is None and backend == "hatchling":
        text += '[tool.hatch.version]\nsource = "vcs"\n'
        text += BACKENDS[backend].replace('"hatchling"]', '"hatchling", "hatch-vcs"]')
    else:
        text += BACKENDS[backend]
    return text


@st.composite
def workspaces(draw: st.DrawFn) -> tuple[dict[str, str], list[str]]:
    """The files of a repository and its tags."""
    files: dict[str, str] = {}
    names = draw(st.lists(st.sampled_from(NAMES), unique=True, max_size=4))
    places = {}
    for name in names:
        places[name] = draw(st.sampled_from(PLACES)).format(name=name)
    places = {n: p for n, p in places.items() if list(places.values()).count(p) == 1}
    for name, place in places.items():
        if draw(st.booleans()) or name == "core":
            files[f"{place}/pyproject.toml"] = draw(project_text(name))
        else:  # a setup.cfg project setuptools builds
            version = draw(st.sampled_from(VERSIONS))
            files[f"{place}/setup.cfg"] = draw(
                st.sampled_from(
                    [
                        f"[metadata]\nname = {name}\nversion = {version}\n",
                        f"[metadata]\nname = {name}\nversion = attr: {name}.__version__\n",
                        f"[metadata\nname = {name}\n",  # broken
                        "[options]\ninstall_requires =\n    core>=1\n    not a requirement ((\n",
                    ]
                )
            )
            files[f"{place}/setup.py"] = draw(
                st.sampled_from(
                    [
                        "from setuptools import setup\nsetup()\n",
                        f"from setuptools import setup\nsetup(name='{name}', version=VERSION)\n",
                        "import sys\nsys.exit('no')\n",
                        "def broken(:\n",
                    ]
                )
            )
    root = draw(st.sampled_from(["workspace", "package", "tools", "none", "workspace-package"]))
    if root != "none":
        text = (
            draw(project_text("root")) if "package" in root else "[tool.ruff]\nline-length = 88\n"
        )
        if "workspace" in root:
            members = draw(
                st.lists(st.sampled_from(["packages/*", "libs/*", "examples/*", "tools/*", "*"]))
            )
            text += f"[tool.uv.workspace]\nmembers = {toml_value(members)}\n"
            if draw(st.booleans()):
                text += f"exclude = {toml_value(draw(st.lists(st.sampled_from(['examples/*', 'x']))))}\n"
        found = draw(groups)
        if found:
            text += "[dependency-groups]\n"
            text += "".join(f"{k} = {toml_value(v)}\n" for k, v in found.items())
        if draw(st.booleans()):
            dev = draw(st.lists(st.sampled_from(REQUIREMENTS)))
            text += f"[tool.uv]\ndev-dependencies = {toml_value(dev)}\n"
        found_sources = draw(sources)
        if found_sources:
            text += "[tool.uv.sources]\n"
            text += "".join(
                f"{json.dumps(k)} = {toml_value(v)}\n" for k, v in found_sources.items()
            )
        files["pyproject.toml"] = text
    if not files:
        files["README.md"] = "nothing here\n"
    tags = draw(st.lists(st.sampled_from(TAGS), unique=True, max_size=3))
    return files, tags


COMMANDS = (
    ("packages",),
    ("plan",),
    ("check-versions",),
    ("bump", "--dry-run", "--part", "patch"),
)


def run(*argv: str) -> tuple[int, str, str]:
    """``relnox ARGV`` in this process: its exit code, stdout and stderr; any exception
    but the exit (a traceback) fails the test."""
    out, err = io.StringIO(), io.StringIO()
    code = 0
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            main(list(argv))
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else 1
    return code, out.getvalue(), err.getvalue()


def assert_clean(argv: tuple[str, ...], code: int, out: str, err: str) -> None:
    assert "Traceback" not in out + err, (argv, out, err)
    if code:
        errors = [line for line in err.splitlines() if line.startswith("relnox: error: ")]
        assert errors, (argv, code, err)


@pytest.mark.slow
@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(shape=workspaces())
def test_every_workspace_ends_in_a_result_or_a_clean_error(
    shape: tuple[dict[str, str], list[str]],
) -> None:
    files, tags = shape
    with tempfile.TemporaryDirectory() as tmp:
        root = repo(Path(tmp) / "r", files, tags)
        for command in COMMANDS:
            code, out, err = run(*command, "--root", str(root))
            assert_clean(command, code, out, err)


@pytest.mark.slow
@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(broken=st.data())
def test_a_broken_member_is_that_members_finding_and_the_others_are_listed(
    broken: st.DataObject,
) -> None:
    """Five sound members and one of any broken shape: ``packages``, ``plan`` and
    ``check-versions`` list the five and end non-zero naming the broken file; a bump of
    all stops on it, saying the way on, and a bump of a sound one (``--package``) goes on."""
    bad = broken.draw(
        st.sampled_from(
            [
                '[project\nname = "p3"\n',
                "project = 3\n",
                '[project]\nname = "p3"\nversion = "not-a-version"\n' + BACKENDS["hatchling"],
                '[project]\nname = "p3"\nversion = "1.0"\ndependencies = 5\n',
                '[project]\nversion = "1.0"\n' + BACKENDS["hatchling"],
            ]
        )
    )
    files = {"pyproject.toml": '[tool.uv.workspace]\nmembers = ["packages/*"]\n'}
    for index in range(6):
        files[f"packages/p{index}/pyproject.toml"] = (
            f'[project]\nname = "p{index}"\nversion = "1.{index}.0"\n' + BACKENDS["hatchling"]
        )
    files["packages/p3/pyproject.toml"] = bad
    tags = broken.draw(
        st.lists(st.sampled_from(["v2024_05", "p1-v1.1.0", "rel_1_2_3"]), unique=True)
    )
    with tempfile.TemporaryDirectory() as tmp:
        root = repo(Path(tmp) / "r", files, tags)
        for command in COMMANDS[:3]:
            verbose = ("-v",) if command[0] == "check-versions" else ()  # names past a count
            code, out, err = run(*verbose, *command, "--root", str(root))
            assert_clean(command, code, out, err)
            assert code == 1, (command, out, err)
            for sound in ("p0", "p1", "p2", "p4", "p5"):
                assert sound in out, (command, out)
            [error] = [line for line in err.splitlines() if line.startswith("relnox: error: ")]
            assert "packages/p3/pyproject.toml" in error or command[0] == "check-versions"
        code, out, err = run("bump", "--dry-run", "--part", "patch", "--root", str(root))
        assert_clean(("bump",), code, out, err)
        [error] = [line for line in err.splitlines() if line.startswith("relnox: error: ")]
        assert code == 1 and "packages/p3/pyproject.toml" in error, err
        assert error.endswith("or act on the 5 sound packages alone: --package NAME"), err
        code, out, err = run(
            "bump", "--dry-run", "--part", "patch", "--package", "p1", "--root", str(root)
        )
        assert (code, "Traceback" in err) == (0, False), err
        assert "1.1.1" in out, out


#: a root's development requirements on its members, in each form a project writes them
DEV_FORMS = {
    "include-group": '[dependency-groups]\ndev = [{include-group = "test"}, "b"]\n'
    'test = ["b>=0.1; python_version > \'3.8\'", "a"]\nempty = []\n',
    "uv-dev-dependencies": '[tool.uv]\ndev-dependencies = ["b @ file:///elsewhere/b", "a"]\n',
    "odd-extras": "[project.optional-dependencies]\n"
    "x = [\"b[y] @ https://example.invalid/b.zip ; extra == 'x'\"]\nempty = []\n",
    "poetry-path": '[tool.poetry.dev-dependencies]\nb = { path = "pkgs/b", develop = true }\n'
    '[tool.poetry.group.test.dependencies]\na = { path = "pkgs/a" }\n',
    "sources": '[dependency-groups]\ndev = ["a", "b"]\n'
    '[tool.uv.sources]\na = { workspace = true }\nb = { path = "pkgs/b", editable = true }\n',
}


@pytest.mark.parametrize("form", sorted(DEV_FORMS))
def test_a_released_root_with_development_requirements_in_any_form_lists_every_member(
    tmp_path: Path, form: str
) -> None:
    """A released root whose development requirements name its members, in each form
    (include-group tables, uv's dev-dependencies, URLs and markers, Poetry path tables
    without a version, uv sources): every command ends with every member listed (the
    guess that took them for its tests' samples crashed with IndexError on a requirement
    written where no key points, and dropped them otherwise)."""
    root_text = (
        '[project]\nname = "root"\nversion = "1.0.0"\n'
        + DEV_FORMS[form]
        + '[tool.uv.workspace]\nmembers = ["pkgs/*"]\n'
        + BACKENDS["hatchling"]
    )
    files = {"pyproject.toml": root_text, "root/__init__.py": ""}
    for name, version in (("a", "1.0.0"), ("b", "0.1.0")):
        files[f"pkgs/{name}/pyproject.toml"] = (
            f'[project]\nname = "{name}"\nversion = "{version}"\n' + BACKENDS["hatchling"]
        )
    root = repo(tmp_path / "r", files, ["root-v1.0.0", "v2024_05"])
    for command in COMMANDS:
        code, out, err = run(*command, "--root", str(root))
        assert_clean(command, code, out, err)
        assert code == 0, (command, err)
    code, out, err = run("packages", "--json", "--root", str(root))
    assert sorted(p["name"] for p in json.loads(out)["packages"]) == ["a", "b", "root"]


def test_a_tag_that_is_no_version_blocks_no_bump(tmp_path: Path) -> None:
    """``v2024_05`` (no PEP 440 version: ``2024_05``) beside packages tagged
    ``{name}-v{version}``: no release of any of them, so each one's bump goes on."""
    files = {"pyproject.toml": '[tool.uv.workspace]\nmembers = ["pkgs/*"]\n'}
    for name in ("a", "b"):
        files[f"pkgs/{name}/pyproject.toml"] = (
            f'[project]\nname = "{name}"\nversion = "1.0.0"\n' + BACKENDS["hatchling"]
        )
    root = repo(tmp_path / "r", files, ["v2024_05"])
    for package in ("a", "b"):
        argv = ("bump", "--dry-run", "--part", "patch", "--package", package)
        code, out, err = run(*argv, "--root", str(root))
        assert code == 0, err
        assert f"Release {package} 1.0.1" in out, out


def test_projects_not_released_are_listed_with_why_and_the_setting(tmp_path: Path) -> None:
    """A declared member uv never builds (``[tool.uv] package = false``), an example the
    workspace declares and a project no file declares: ``packages --json`` lists each under
    ``not_released`` with the evidence and the setting, and ``--package`` naming one says
    so instead of "unknown package"."""
    members = '[tool.uv.workspace]\nmembers = ["pkgs/*", "examples/demo"]\n'
    lib = '[project]\nname = "lib"\nversion = "1.0.0"\n' + BACKENDS["hatchling"]
    files = {
        "pyproject.toml": members,
        "pkgs/lib/pyproject.toml": lib,
        "pkgs/bench/pyproject.toml": '[project]\nname = "bench"\nversion = "0.1.0"\n'
        "[tool.uv]\npackage = false\n",
        "examples/demo/pyproject.toml": lib.replace('"lib"', '"demo"'),
        "stray/pyproject.toml": lib.replace('"lib"', '"stray"'),
    }
    root = repo(tmp_path / "r", files, ["lib-v1.0.0"])
    code, out, err = run("packages", "--json", "--root", str(root))
    assert code == 0, err
    shown = json.loads(out)
    assert [p["name"] for p in shown["packages"]] == ["lib"]
    listed = {u["name"]: u for u in shown["not_released"]}
    assert sorted(listed) == ["bench", "demo", "stray"]
    assert listed["bench"]["why"] == (
        "its [tool.uv] package = false says its tool installs it and never builds it"
    )
    assert listed["bench"]["setting"] == (
        'add "pkgs/bench" to [tool.relnox] packages if it is released'
    )
    assert listed["stray"]["why"] == "no workspace file declares it"
    code, out, err = run(
        "bump", "--dry-run", "--part", "patch", "--package", "demo", "--root", str(root)
    )
    assert code == 1 and "unknown package" not in err
    assert err.startswith(
        "relnox: error: 'demo' (examples/demo) is not released: in an examples"
    ), err


def test_plan_shards_builds_every_declared_member(tmp_path: Path) -> None:
    """A released root whose development group names two members (a code generator in
    ``libs/tools`` and ``acme-test-utils``, both at 0.0.0, never tagged) beside three
    libraries: six declared members with a build backend, six packages in the shards."""
    root_text = (
        '[project]\nname = "acme"\nversion = "1.0.0"\n'
        '[dependency-groups]\ndev = ["acme-test-utils", "acme-codegen"]\n'
        '[tool.uv.workspace]\nmembers = ["libs/*"]\n'
        "[tool.uv.sources]\nacme-test-utils = { workspace = true }\n"
        "acme-codegen = { workspace = true }\n" + BACKENDS["hatchling"]
    )
    files = {"pyproject.toml": root_text, "acme/__init__.py": ""}
    for place, name, version in (
        ("core", "acme-core", "1.0.0"),
        ("tools", "acme-codegen", "0.0.0"),
        ("test-utils", "acme-test-utils", "0.0.0"),
        ("http", "acme-http", "1.0.0"),
        ("cli", "acme-cli", "1.0.0"),
    ):
        files[f"libs/{place}/pyproject.toml"] = (
            f'[project]\nname = "{name}"\nversion = "{version}"\n' + BACKENDS["hatchling"]
        )
    root = repo(tmp_path / "r", files, ["acme-v1.0.0"])
    code, out, err = run("plan", "--shards", "2", "--root", str(root))
    assert code == 0, err
    assert out.startswith("6 package(s) in 2 shard(s)"), out
    shards = [line.split(": ", 1)[1] for line in out.splitlines() if line.startswith("shard ")]
    assert sorted(", ".join(shards).split(", ")) == sorted(
        ["acme", "acme-cli", "acme-codegen", "acme-core", "acme-http", "acme-test-utils"]
    )


def test_naming_a_project_not_released_explains_it_beside_a_broken_member(
    tmp_path: Path,
) -> None:
    """A broken member beside: ``--package`` naming an example says why that one is not
    released, not the other member's problem."""
    lib = '[project]\nname = "lib"\nversion = "1.0.0"\n' + BACKENDS["hatchling"]
    files = {
        "pyproject.toml": '[tool.uv.workspace]\nmembers = ["pkgs/*", "examples/*"]\n',
        "pkgs/lib/pyproject.toml": lib,
        "pkgs/bad/pyproject.toml": "[project\n",
        "examples/demo/pyproject.toml": lib.replace('"lib"', '"demo"'),
    }
    root = repo(tmp_path / "r", files, ["lib-v1.0.0"])
    argv = ("bump", "--dry-run", "--part", "patch", "--package", "demo", "--root", str(root))
    code, _, err = run(*argv)
    assert code == 1
    assert err.startswith("relnox: error: 'demo' (examples/demo) is not released: "), err


def test_a_dependency_cycle_in_a_lockstep_group_is_a_note_not_a_refusal(tmp_path: Path) -> None:
    """``a`` and ``b`` require each other, released together under one tag (``v1.0.0``), and
    ``c`` requires ``a``: every command refused the two ("dependency cycle ...; remove one of
    these requirements"), and a lockstep bump of the group refused altogether. A bump at one
    version for all needs no order: now the three are listed, planned and bumped, and the cycle
    is one note saying the order a build or publish takes."""
    files = {"pyproject.toml": '[tool.uv.workspace]\nmembers = ["pkgs/*"]\n'}
    for name, needs in (("a", ["b>=1.0.0"]), ("b", ["a>=1.0.0"]), ("c", ["a>=1.0.0"])):
        files[f"pkgs/{name}/pyproject.toml"] = (
            f'[project]\nname = "{name}"\nversion = "1.0.0"\ndependencies = {json.dumps(needs)}\n'
            + BACKENDS["hatchling"]
        )
    root = repo(tmp_path / "r", files, ["v1.0.0"])
    note = (
        "note: dependency cycle between workspace packages: a -> b -> a; b is built and "
        "published before a, which it requires (remove one of these requirements to order "
        "them by need)"
    )
    for command in (("packages",), ("plan",), ("check-versions",)):
        code, out, err = run(*command, "--root", str(root))
        assert code == 0 and "Traceback" not in err, (command, out, err)
    code, out, err = run("packages", "--root", str(root))
    assert [line.split()[0] for line in out.splitlines()[2:5]] == ["b", "a", "c"], out
    assert out.count("dependency cycle") == 1 and note in out, out
    code, out, err = run("bump", "--dry-run", "--part", "minor", "--root", str(root))
    assert code == 0, err
    assert all(f"{name}: 1.0.0 -> 1.1.0" in out for name in "abc"), out


def test_a_malformed_requirement_and_cycles_never_hide_a_good_package(tmp_path: Path) -> None:
    """The shapes of a real repository at once: a malformed requirement (in one member's
    dependencies, another's optional dependencies, a third's dependency group), a cycle of
    run-time requirements (a note, not a problem), a cycle through an extra, another through a dev group, a
    lockstep group holding a cycle member, and good packages that need a cycle member or
    a broken one: ``plan`` and ``check-versions`` name every good package."""
    members: dict[str, dict[str, Any]] = {
        "bad-deps": {"dependencies": ["good-base", "foo >>= 1"]},
        "bad-extra": {"optional-dependencies": {"x": ["foo >>= 1"]}},
        "bad-group": {"dependency-groups": {"lint": ["foo >>= 1"]}},
        "cyc-a": {"dependencies": ["cyc-b"]},
        "cyc-b": {"dependencies": ["cyc-a"]},
        "opt-a": {"dependencies": ["opt-b"]},
        "opt-b": {"optional-dependencies": {"all": ["opt-a"]}},
        "dev-a": {"dependencies": ["dev-b"]},
        "dev-b": {"dependency-groups": {"dev": ["dev-a"]}},
        "good-base": {},
        "good-on-cycle": {"dependencies": ["cyc-a", "good-base"]},
        "good-on-broken": {"dependencies": ["bad-deps", "bad-extra"]},
        "good-on-extra-cycle": {"dependencies": ["opt-b"]},
        "good-in-group": {"dependencies": ["good-base"]},
    }
    files = {
        "pyproject.toml": '[tool.uv.workspace]\nmembers = ["pkgs/*"]\n\n'
        '[tool.relnox]\nlockstep = [["cyc-a", "good-in-group"]]\n'
    }
    for name, tables in members.items():
        text = f'[project]\nname = "{name}"\nversion = "1.0.0"\n'
        text += f"dependencies = {json.dumps(tables.get('dependencies', []))}\n"
        for key in ("optional-dependencies", "dependency-groups"):
            pairs = tables.get(key, {})
            assert isinstance(pairs, dict)
            if pairs:
                prefix = "project." if key.startswith("optional") else ""
                text += f"\n[{prefix}{key}]\n"
                text += "".join(f"{k} = {json.dumps(v)}\n" for k, v in pairs.items())
        files[f"pkgs/{name}/pyproject.toml"] = text + BACKENDS["hatchling"]
    root = repo(tmp_path / "r", files)
    good = {n for n in members if n.startswith(("good-", "opt-", "dev-", "cyc-"))}
    code, out, err = run("plan", "--part", "patch", "--root", str(root))
    listed = {line.split()[0] for line in out.splitlines() if line.strip()}
    assert code == 1 and good <= listed, (out, err)
    assert not listed & {"bad-deps", "bad-extra", "bad-group"}, out
    code, out, err = run("check-versions", "--json", "--root", str(root))
    result = json.loads(out)
    assert code == 1 and good <= set(result["packages"]), (out, err)
    errors = "\n".join(result["problems"])
    assert "cycle" not in errors  # a note: the cycle refuses nothing
    assert all(f"pkgs/{name}/pyproject.toml" in errors for name in ("bad-deps", "bad-extra"))
