"""plan --shards on real workspaces: times from the build manifest or --timings, estimates,
build-time ties, and build-all/verify-install --shard agreeing with it."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from relnox.artifacts.manifest import FOUND, Manifest, PackageRecord, write_manifest
from relnox.errors import BuildError
from relnox.project.discovery import load_workspace
from relnox.sample import ProjectSpec, generated_specs, git_init, write_workspace
from relnox.shards import ShardOptions, ShardSpec, plan_shards, shard_packages
from tests.conftest import run_relnox

PLUGIN = """[project]
name = "sh-plugin"
version = "0.1.0"

[build-system]
requires = ["hatchling", "sh-pkg0>=0.1"]
build-backend = "hatchling.build"
"""


def _workspace(tmp_path: Path, count: int = 6, *, plugin: bool = False) -> Path:
    root = write_workspace(tmp_path / "ws", generated_specs(count, prefix="sh"))
    if plugin:  # builds with sh-pkg0 installed: a build-time dependency on a sibling
        (root / "packages/sh-plugin/src/sh_plugin").mkdir(parents=True)
        (root / "packages/sh-plugin/src/sh_plugin/__init__.py").write_text("", encoding="utf-8")
        (root / "packages/sh-plugin/pyproject.toml").write_text(PLUGIN, encoding="utf-8")
    git_init(root)
    return root


def _record(root: Path, times: dict[str, float], origin: str = "build-all") -> None:
    records = tuple(
        PackageRecord(name, "0.1.0", f"packages/{name}", "hatchling", seconds, (), origin=origin)
        for name, seconds in times.items()
    )
    write_manifest(Manifest(root / "dist", records))


def test_shards_balance_recorded_times_and_estimate_the_rest(tmp_path: Path) -> None:
    root = _workspace(tmp_path)
    _record(root, {"sh-pkg0": 8.0, "sh-pkg1": 2.0, "sh-pkg2": 4.0, "sh-pkg3": 3.0})
    plan = plan_shards(load_workspace(root), ShardOptions(2))
    assert plan.estimated == ("sh-pkg4", "sh-pkg5")
    assert plan.estimate == 3.5  # the median of 8, 2, 4, 3
    assert plan.times["sh-pkg4"] == 3.5
    # longest first: 8 | 4, 3.5, 3.5 | then 3 and 2 onto the lighter shard (ties: the first)
    assert plan.shards == (("sh-pkg0", "sh-pkg1", "sh-pkg3"), ("sh-pkg2", "sh-pkg4", "sh-pkg5"))
    assert [plan.seconds(0), plan.seconds(1)] == [13.0, 11.0]
    text = "\n".join(plan.describe())
    assert "2 package(s) never built count as 3.5s" in text
    assert "shard 2/2 (11.0s): sh-pkg2, sh-pkg4, sh-pkg5" in text


def test_found_records_and_unselected_packages_are_not_times(tmp_path: Path) -> None:
    root = _workspace(tmp_path)
    _record(root, {"sh-pkg0": 50.0}, origin=FOUND)  # not built by relnox: no build time
    plan = plan_shards(load_workspace(root), ShardOptions(3, ["sh-pkg1", "sh-pkg2"]))
    assert plan.packages == ("sh-pkg1", "sh-pkg2")
    assert plan.estimate == 1.0 and plan.estimated == ("sh-pkg1", "sh-pkg2")
    assert plan.shards == (("sh-pkg1",), ("sh-pkg2",), ())


def test_a_build_time_dependency_ties_packages_to_one_shard(tmp_path: Path) -> None:
    root = _workspace(tmp_path, 4, plugin=True)
    plan = plan_shards(load_workspace(root), ShardOptions(4))
    assert plan.ties == (("sh-pkg0", "sh-plugin"),)
    (tied,) = [s for s in plan.shards if "sh-plugin" in s]
    assert "sh-pkg0" in tied
    assert "tied by build-time dependency: sh-pkg0, sh-plugin" in plan.describe()


def test_the_plan_json_as_timings_gives_the_same_split(tmp_path: Path) -> None:
    root = _workspace(tmp_path, 9)
    _record(root, {f"sh-pkg{i}": float(i + 1) for i in range(6)})
    plan = plan_shards(load_workspace(root), ShardOptions(3))
    saved = tmp_path / "shards.json"
    saved.write_text(json.dumps(plan.to_json()), encoding="utf-8")
    (root / ".relnox/dist/build-manifest.json").unlink()  # another machine: nothing recorded
    again = plan_shards(load_workspace(root), ShardOptions(3, timings=saved))
    assert again.shards == plan.shards and again.estimated == plan.estimated
    workspace = load_workspace(root)
    for k in (1, 2, 3):
        spec = ShardSpec(k, 3)
        assert shard_packages(workspace, spec, timings=str(saved)) == plan.shard(spec)


def test_bad_timings_and_mismatched_shards_are_one_line(tmp_path: Path) -> None:
    root = _workspace(tmp_path, 3)
    workspace = load_workspace(root)
    (tmp_path / "bad.json").write_text("{", encoding="utf-8")
    (tmp_path / "other.json").write_text('{"x": 1}', encoding="utf-8")
    (tmp_path / "deep.json").write_text("[" * 100_000 + "]" * 100_000, encoding="utf-8")
    for name, message in [
        ("bad.json", "not a JSON file"),
        ("deep.json", r"not a JSON file \(nested too deeply\)"),
        ("other.json", "neither a build manifest nor"),
        ("absent.json", "--timings file not found"),
    ]:
        with pytest.raises(BuildError, match=message) as caught:
            plan_shards(workspace, ShardOptions(2, timings=tmp_path / name))
        assert str(tmp_path / name) in str(caught.value) and "\n" not in str(caught.value)
    with pytest.raises(BuildError, match="does not match a plan of 2 shards"):
        plan_shards(workspace, ShardOptions(2)).shard(ShardSpec(1, 3))


@pytest.mark.parametrize(
    "edited",
    [
        {"times": {"sh-pkg0": 5.0}, "estimated": 5},
        {"times": {"sh-pkg0": float("nan"), "sh-pkg1": -3, "sh-pkg2": "9"}},
        {"packages": [{"name": "sh-pkg0", "seconds": "abc"}, {"name": "sh-pkg1", "seconds": [1]}]},
        {"times": {"sh-pkg0": 10**400, "sh-pkg1": 1e308}},  # 10**400: no float holds it
        {"packages": [{"name": "sh-pkg0", "seconds": 10**400}]},
    ],
)
def test_timings_edited_out_of_shape_are_times_not_recorded(
    tmp_path: Path, edited: dict[str, object]
) -> None:
    """A --timings file whose values are no seconds (a string, a list, nan, a negative
    time, ``estimated`` not a list): those times count as unknown, never a traceback."""
    import json

    root = _workspace(tmp_path, 3)
    saved = tmp_path / "edited.json"
    saved.write_text(json.dumps(edited), encoding="utf-8")
    plan = plan_shards(load_workspace(root), ShardOptions(2, timings=saved))
    assert sorted(n for shard in plan.shards for n in shard) == ["sh-pkg0", "sh-pkg1", "sh-pkg2"]
    assert all(0 <= seconds < 1e300 for seconds in plan.times.values()), plan.times


def test_the_command_prints_the_plan_and_dry_runs_agree(tmp_path: Path) -> None:
    root = _workspace(tmp_path, 5)
    _record(root, {"sh-pkg0": 9.0, "sh-pkg1": 1.0, "sh-pkg2": 1.0, "sh-pkg3": 1.0})
    out = run_relnox("plan", "--shards", "2", "--json", cwd=root, check=True)
    data = json.loads(out.stdout)
    assert data["matrix"] == ["1/2", "2/2"]
    assert data["estimated"] == ["sh-pkg4"] and data["estimate"] == 1.0
    assert [s["packages"] for s in data["shards"]] == [
        ["sh-pkg0"],
        ["sh-pkg1", "sh-pkg2", "sh-pkg3", "sh-pkg4"],
    ]
    assert "build-time dependency" in data["rule"]
    dry = run_relnox(
        "build-all", "--shard", "2/2", "--out", "s2", "--dry-run", cwd=root, check=True
    )
    assert (
        "build sdist and wheel of 4 package(s)" in dry.stdout and "sh-pkg0 0.1.0" not in dry.stdout
    )
    auto = run_relnox("plan", "--shards", "auto", "--json", cwd=root, check=True)
    assert json.loads(auto.stdout)["count"] == 1
    bad = run_relnox("build-all", "--shard", "2", "--out", "s", cwd=root)
    assert bad.returncode == 2 and bad.stderr.strip().count("\n") == 0  # a usage error
    assert "--shard '2' is not K/N" in bad.stderr and "Traceback" not in bad.stderr
    test = run_relnox("build-all", "--shard", "1/2", "--out", "s1", "--test", cwd=root)
    assert test.returncode == 1 and "without --test" in test.stderr
    into_dist = run_relnox("build-all", "--shard", "1/2\n", cwd=root)  # shown as read
    assert into_dist.returncode == 1 and into_dist.stderr.count("\n") == 1
    assert "--shard 1/2 needs --out DIR" in into_dist.stderr
    assert not (root / "dist" / "sh_pkg0-0.1.0.tar.gz").exists()


def test_an_empty_shard_writes_an_empty_shard_manifest(tmp_path: Path) -> None:
    root = _workspace(tmp_path, 1)
    out = run_relnox("build-all", "--shard", "2/2", "--out", str(tmp_path / "s2"), cwd=root)
    assert out.returncode == 0, out.stderr
    assert "shard 2/2 has no packages" in out.stdout
    data = json.loads((tmp_path / ".relnox/s2/build-manifest.json").read_text(encoding="utf-8"))
    assert data["packages"] == [] and data["shard"] == "2/2"
    # the shard as parsed, not as typed: ' 2/2\n ' was echoed (two lines) and recorded so
    typed = " 2/2\n "
    again = run_relnox("build-all", "--shard", typed, "--out", str(tmp_path / "t2"), cwd=root)
    assert again.stdout == "shard 2/2 has no packages: nothing to build\n", again.stdout
    data = json.loads((tmp_path / ".relnox/t2/build-manifest.json").read_text(encoding="utf-8"))
    assert data["shard"] == "2/2"
    verify = run_relnox("verify-install", "--shard", typed, "--json", cwd=root, check=True)
    assert json.loads(verify.stdout)["shard"] == "2/2"
    verify = run_relnox("verify-install", "--shard", typed, cwd=root, check=True)
    assert verify.stdout == "shard 2/2 has no packages: nothing to verify\n", verify.stdout
    # --out is refused where build-all refuses it: the root, .git, a package's directory
    into_root = run_relnox("build-all", "--shard", "2/2", "--out", ".", cwd=root)
    assert into_root.returncode == 1 and "is the repository's root" in into_root.stderr


def test_specs_without_workspace_members_fail_cleanly(tmp_path: Path) -> None:
    root = write_workspace(tmp_path / "one", [ProjectSpec("solo")])
    git_init(root)
    out = run_relnox("plan", "--shards", "0", cwd=root)
    assert out.returncode == 2 and "--shards '0' is not a number of shards" in out.stderr
    for bad in ("-1", "257", "99999999999999999999"):  # 10**20 shards took all memory
        out = run_relnox("plan", "--shards", bad, cwd=root)
        assert out.returncode == 2 and out.stderr.count("\n") == 1, out.stderr
    for bad in ("0/3", "1/3/4", "1/99999999999999999999999"):  # before --out is asked for
        out = run_relnox("build-all", "--shard", bad, cwd=root)
        assert out.returncode == 2 and f"--shard '{bad}' is not K/N" in out.stderr


def test_on_actions_the_matrix_is_a_step_output(tmp_path: Path) -> None:
    root = _workspace(tmp_path, 3)
    outputs = tmp_path / "github-output"
    env = {**os.environ, "GITHUB_ACTIONS": "true", "GITHUB_OUTPUT": str(outputs)}
    run_relnox("plan", "--shards", "2", "--json", cwd=root, env=env, check=True)
    lines = dict(line.split("=", 1) for line in outputs.read_text(encoding="utf-8").splitlines())
    assert json.loads(lines["matrix"]) == {"shard": ["1/2", "2/2"]}
    assert lines["count"] == "2"
