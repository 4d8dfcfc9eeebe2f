"""A package's files wait for the packages it needs, not its build (relnox.builds.needs)."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from relnox.builds.needs import NeedFailed, Needs, chains_first, must_start_after_needs
from relnox.project.discovery import load_workspace
from relnox.sample import ProjectSpec, write_workspace


def test_the_longest_chain_starts_first_and_needs_stay_first() -> None:
    order = ["base", "alone", "mid", "top"]
    needs = {"mid": ["base"], "top": ["mid"]}
    assert chains_first(order, needs) == ["base", "mid", "alone", "top"]


def test_files_wait_for_the_packages_they_need(tmp_path: Path) -> None:
    specs = [ProjectSpec("nd-base"), ProjectSpec("nd-top", requires=["nd-base>=0.1"])]
    packages = load_workspace(write_workspace(tmp_path / "ws", specs)).packages
    needs = Needs.of(packages)
    assert needs.waits == {"nd-base": (), "nd-top": ("nd-base",)}
    done = threading.Event()

    def top() -> None:
        needs.wait("nd-top")
        done.set()

    waiter = threading.Thread(target=top)
    waiter.start()
    assert not done.wait(0.05)  # nd-base has not ended: nd-top's files wait
    needs.ended("nd-base", ok=True)
    waiter.join(timeout=10)
    assert done.is_set()


def test_a_need_not_built_keeps_the_files_out(tmp_path: Path) -> None:
    specs = [ProjectSpec("nd-base"), ProjectSpec("nd-top", requires=["nd-base>=0.1"])]
    needs = Needs.of(load_workspace(write_workspace(tmp_path / "ws", specs)).packages)
    needs.ended("nd-base", ok=False)
    with pytest.raises(NeedFailed, match="needs nd-base"):
        needs.wait("nd-top")
    assert needs.skipped("nd-top", {"nd-base": "failed"}) == "needs nd-base, which failed"
    assert needs.skipped("nd-top", {"nd-base": "skipped"}) == "needs nd-base, which was skipped"
    assert needs.skipped("nd-base", {"nd-top": "failed"}) == ""


def test_tests_make_a_package_start_after_its_needs(tmp_path: Path) -> None:
    specs = [ProjectSpec("nd-base"), ProjectSpec("nd-top", requires=["nd-base>=0.1"])]
    packages = load_workspace(write_workspace(tmp_path / "ws", specs)).packages
    assert not must_start_after_needs(packages, testing=False)
    assert must_start_after_needs(packages, testing=True)
    assert must_start_after_needs(tuple(reversed(packages)), testing=False)  # needs later
