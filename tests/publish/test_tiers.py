"""Publishing in dependency tiers, against a real local index behind proxies that delay
what the index shows, refuse a file of tier k, or hold two uploads until both arrive."""

from __future__ import annotations

import json
import logging
import os
import re
import threading
from collections import Counter
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import pytest

from relnox.errors import PublishError
from relnox.project.discovery import load_workspace
from relnox.publish.model import graph_mermaid, graph_text, tiers
from relnox.publish.report import HELD_BACK, SKIPPED, UPLOADED, PublishResult
from relnox.tools.index_server import LocalIndex
from tests.fault_server import FaultServer
from tests.publish.conftest import TOKEN
from tests.publish_support import USER, FaultyProxy, publish_with

pytestmark = pytest.mark.slow  # builds, serves and uploads

CORE = ["demo_core-0.1.0-py3-none-any.whl", "demo_core-0.1.0.tar.gz"]
AGENTS = ["demo_agents-0.1.0-py3-none-any.whl", "demo_agents-0.1.0.tar.gz"]
EXTRA = ["demo_extra-0.1.0-py3-none-any.whl", "demo_extra-0.1.0.tar.gz"]
RUNTIME = ["demo_runtime-0.1.0-py3-none-any.whl", "demo_runtime-0.1.0.tar.gz"]


class TierProxy(FaultyProxy):
    """Records uploads and what each project page shows, in order. A file the index
    stored is left out of its page for the next ``hide_reads`` reads (an index whose
    pages lag behind uploads); ``refuse`` answers 422 for matching files; with
    ``together``, the first two uploads wait for each other (they must be in flight at
    the same time)."""

    def __init__(self, upstream: str, hide_reads: int = 0, refuse: str = "") -> None:
        super().__init__(upstream, lambda n, name: 422 if refuse and refuse in name else None)
        self.hide_reads = hide_reads
        self.hidden: dict[str, int] = {}
        self.events: list[tuple[str, str]] = []  # ("upload", file) / ("shown", file)
        self.together: threading.Barrier | None = None
        self._lock = threading.Lock()

    def forward(
        self, method: str, path: str, body: bytes | None, headers: dict[str, str]
    ) -> tuple[int, str, list[tuple[str, str]], bytes]:
        if method == "POST":
            name = re.search(rb'filename="([^"]+)"', body or b"")
            filename = name.group(1).decode() if name else ""
            if self.together is not None and self.together.n_waiting + 1 <= 2:
                try:
                    self.together.wait()
                except threading.BrokenBarrierError:
                    return 500, "Not Together", [], b""
            answer = super().forward(method, path, body, headers)
            with self._lock:
                self.events.append(("upload", filename))
                if answer[0] == 200:
                    self.hidden[filename] = self.hide_reads
            return answer
        status, reason, head, data = super().forward(method, path, body, headers)
        if method == "GET" and "/simple/" in path and status == 200:
            text = data.decode()
            with self._lock:
                for filename, left in list(self.hidden.items()):
                    if filename not in text:
                        continue
                    if left > 0:
                        self.hidden[filename] = left - 1
                        text = _without(text, filename)
                    else:
                        del self.hidden[filename]
                        self.events.append(("shown", filename))
            data = text.encode()
        return status, reason, head, data


def _without(page: str, filename: str) -> str:
    if page.lstrip().startswith("{"):
        doc = json.loads(page)
        doc["files"] = [f for f in doc.get("files", []) if f.get("filename") != filename]
        return json.dumps(doc)
    return re.sub(rf"<a [^>]*>{re.escape(filename)}</a>\s*(<br\s*/?>)?", "", page)


def run(ws: Path, url: str, **kwargs: Any) -> PublishResult:
    environ: Mapping[str, str] = {
        **os.environ,
        "TWINE_USERNAME": USER,
        "TWINE_PASSWORD": TOKEN,
    }
    return publish_with(
        load_workspace(ws),
        repository=url,
        environ=environ,
        retry_delay=0.01,
        **kwargs,
    )


def test_tiers_group_packages_by_dependency_depth(release: Path) -> None:
    workspace = load_workspace(release)
    names = [p.name for p in workspace.packages]
    assert tiers(names, workspace) == [
        ["demo-core", "demo-extra"],
        ["demo-agents"],
        ["demo-runtime"],
    ]
    assert tiers(["demo-agents", "demo-runtime"], workspace) == [["demo-agents"], ["demo-runtime"]]
    lines = graph_text(names, workspace)
    assert lines[0] == "tier 0: demo-core; demo-extra"
    assert lines[2] == "tier 2: demo-runtime <- demo-core, demo-agents"
    mermaid = graph_mermaid(names, workspace, {"demo-agents": "failed"})
    assert mermaid.startswith("```mermaid\nflowchart LR") and mermaid.endswith("```")
    assert 'subgraph t1["tier 1"]' in mermaid and "p0 --> p1" in mermaid
    assert "style p1 fill:#f7d4d4" in mermaid  # the failed one stands out


@pytest.mark.parametrize("jobs", [4, 1, None])  # None: the default, one child a tier here
def test_each_tier_shows_on_the_index_before_the_next_is_uploaded(
    ws: Path, index: LocalIndex, jobs: int | None
) -> None:
    """The index's pages lag two reads behind each upload; relnox waits for them."""
    proxy = TierProxy(index.url, hide_reads=2)
    with proxy:
        result = run(ws, proxy.url, wait=60, jobs=jobs)
    assert result.ok and sorted(result.uploaded) == sorted(CORE + AGENTS + EXTRA + RUNTIME)
    order = proxy.events
    for later, needed in ((AGENTS, CORE), (RUNTIME, CORE + AGENTS)):
        first_upload = order.index(("upload", later[0]))
        for filename in needed:  # shown, with its hash checked, before the tier above starts
            assert order.index(("shown", filename)) < first_upload
    uploads = [name for kind, name in order if kind == "upload"]
    assert uploads.index(AGENTS[0]) > max(uploads.index(f) for f in CORE + EXTRA)
    assert "tier 0" in result.graph and "uploaded" in result.graph


def test_each_project_page_is_read_at_most_twice_and_nothing_lists_the_whole_index(
    ws: Path, index: LocalIndex, serve: Callable[..., FaultServer]
) -> None:
    """The index is asked per package, not per package about every package: the preflight
    reads each project's page once, the wait for a tier once more (a page that shows at
    once), the last tier's too (a file is published when the index lists it). So the
    requests grow with the packages, as the uploads do (a page of a local index itself
    grows with what it holds)."""
    proxy = serve(upstream=index.url)
    result = run(ws, proxy.url)
    assert result.ok
    gets = Counter(s.path for s in proxy.seen if s.method == "GET")
    assert gets == {
        "/simple/demo-core/": 2,
        "/simple/demo-extra/": 2,
        "/simple/demo-agents/": 2,
        "/simple/demo-runtime/": 2,  # the last tier shows too before the publish ends
    }
    assert sorted(s.filename for s in proxy.seen if s.method == "POST") == sorted(
        CORE + AGENTS + EXTRA + RUNTIME
    )


def test_a_tier_that_does_not_show_in_time_holds_the_next_and_a_rerun_goes_on(
    ws: Path, index: LocalIndex, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="relnox")
    proxy = TierProxy(index.url, hide_reads=10_000)
    with proxy:
        stuck = run(ws, proxy.url, wait=1.5, packages=["demo-core", "demo-agents"])
    assert not stuck.ok and sorted(stuck.uploaded) == sorted(CORE)
    assert stuck.held_back == ["demo-agents"] and "did not show within 1.5s" in (stuck.error or "")
    assert "waiting for 2 file(s) to show" in caplog.text
    # sent but not listed is not live: the summary said 'live on ...: demo-core 0.1.0'
    # beside the error that it did not show (an index answering 200 to a lost upload)
    assert stuck.not_shown == ["demo-core"]
    assert stuck.fix_forward()[:2] == [
        f"live on {stuck.repository.label}: nothing",
        "not published: demo-core 0.1.0 (uploaded, not shown on the index), "
        "demo-agents 0.1.0 (held-back)",
    ]
    again = run(ws, index.url, wait=30, packages=["demo-core", "demo-agents"])
    assert again.ok and sorted(again.skipped) == sorted(CORE)
    assert sorted(again.uploaded) == sorted(AGENTS)


@pytest.mark.parametrize("jobs", [4, 1])
def test_a_failure_in_a_tier_holds_back_exactly_what_needs_it(
    ws: Path, index: LocalIndex, jobs: int
) -> None:
    proxy = TierProxy(index.url, refuse="demo_agents")
    with proxy:
        first = run(ws, proxy.url, jobs=jobs)
    assert first.failed == [AGENTS[0]] and first.held_back == ["demo-runtime"]
    assert sorted(first.uploaded) == sorted(CORE + EXTRA)  # extra needs nothing that failed
    statuses = {r["package"]: r["status"] for r in first.rows()}
    assert statuses == {
        "demo-core": UPLOADED,
        "demo-agents": "failed",
        "demo-extra": UPLOADED,
        "demo-runtime": HELD_BACK,
    }
    lines = first.fix_forward()
    assert lines[0] == f"live on {index.url}: demo-core 0.1.0, demo-extra 0.1.0".replace(
        index.url, first.repository.label
    )
    assert "demo-agents 0.1.0 (failed)" in lines[1] and "demo-runtime 0.1.0 (held-back)" in lines[1]
    # the refused file took no name: the same command again finishes it, no bump advised
    assert len(lines) == 3 and not any("bump" in line for line in lines)
    report = json.loads((ws / ".relnox" / "dist" / "publish-report.json").read_text())
    assert report["fix_forward"] == lines
    second = run(ws, index.url, jobs=jobs)  # no refusal now: only what is missing is sent
    assert second.ok and sorted(second.uploaded) == sorted(AGENTS + RUNTIME)
    assert set(second.skipped) == set(CORE + EXTRA)
    assert sorted(p.name for p in index.data_dir.iterdir()) == sorted(
        CORE + AGENTS + EXTRA + RUNTIME
    )


@pytest.mark.parametrize("jobs", [2, 1])
def test_the_packages_of_a_tier_upload_in_parallel(ws: Path, index: LocalIndex, jobs: int) -> None:
    """core and extra (one tier): their first uploads must be in flight together."""
    proxy = TierProxy(index.url)
    with proxy:
        proxy.together = threading.Barrier(2, timeout=20 if jobs == 2 else 3)
        result = run(ws, proxy.url, jobs=jobs, packages=["demo-core", "demo-extra"], retries=0)
    if jobs == 2:
        assert result.ok and sorted(result.uploaded) == sorted(CORE + EXTRA)
    else:  # one at a time, the first upload waits for a second that never comes
        assert not result.ok and CORE[0] in result.failed and not result.uploaded


def test_more_new_projects_than_the_index_allows_a_day_is_refused_with_a_plan(
    ws: Path, index: LocalIndex
) -> None:
    pyproject = ws / "pyproject.toml"
    pyproject.write_text(pyproject.read_text() + "\n[tool.relnox.publish]\nnew-project-limit = 2\n")
    for dry_run in (True, False):
        with pytest.raises(PublishError) as info:
            run(ws, index.url, dry_run=dry_run)
        message = str(info.value)
        assert "would create 4 new projects" in message and "more than the 2 a day" in message
        assert "relnox publish -p demo-core -p demo-agents" in message  # dependencies first
        assert message.endswith("the rest: demo-extra, demo-runtime")
        assert "nothing was uploaded" in message
    assert list(index.data_dir.iterdir()) == []
    first = run(ws, index.url, packages=["demo-core", "demo-agents"])
    assert first.ok and first.new_projects == ["demo-core", "demo-agents"]
    rest = run(ws, index.url)  # two new ones left: within the limit
    assert rest.ok and rest.new_projects == ["demo-extra", "demo-runtime"]
    assert {r["package"]: r["status"] for r in rest.rows()}["demo-core"] == SKIPPED


def test_a_bad_new_project_limit_is_one_line(ws: Path, index: LocalIndex) -> None:
    pyproject = ws / "pyproject.toml"
    pyproject.write_text(
        pyproject.read_text() + '\n[tool.relnox.publish]\nnew-project-limit = "four"\n'
    )
    with pytest.raises(PublishError, match=r"new-project-limit must be a whole number"):
        run(ws, index.url, dry_run=True)


def test_doctor_names_new_projects_and_the_daily_limit(ws: Path, index: LocalIndex) -> None:
    from relnox.release.doctor import doctor

    pyproject = ws / "pyproject.toml"
    pyproject.write_text(pyproject.read_text() + "\n[tool.relnox.publish]\nnew-project-limit = 3\n")
    rows = {r.check: r for r in doctor(ws, repository=index.url).checks}
    assert "a first upload creates it" in rows["index demo-runtime"].detail
    limit = rows["index new projects"]
    assert limit.status == "error" and "4 new projects" in limit.detail
    assert "publish the first 3 today, dependencies first: demo-core, demo-agents, demo-extra" in (
        limit.detail
    )


def test_verify_installable_installs_each_tier_from_the_index_before_the_next(
    ws: Path, index: LocalIndex
) -> None:
    from relnox.publish.installable import installable_check

    check = installable_check()
    # demo-core is not published: agents shows, but cannot install, so runtime waits
    held = run(ws, index.url, packages=["demo-agents", "demo-runtime"], check_installable=check)
    assert sorted(held.uploaded) == sorted(AGENTS) and held.held_back == ["demo-runtime"]
    assert "demo-agents 0.1.0 show on" in (held.error or "")
    assert "but do not install from it" in (held.error or "")
    whole = run(ws, index.url, check_installable=check)  # with core, every tier installs
    assert whole.ok and sorted(whole.uploaded) == sorted(CORE + EXTRA + RUNTIME)


def test_the_advised_first_set_brings_what_it_needs_from_this_release(tmp_path: Path) -> None:
    """core exists on the index and is released anew; agents (new) needs that new core."""
    from relnox.project.discovery import load_workspace
    from relnox.publish.rules import advised_first
    from relnox.sample import demo_specs, write_workspace

    workspace = load_workspace(write_workspace(tmp_path / "ws", demo_specs()))
    order = [p.name for p in workspace.packages]
    assert order == ["demo-core", "demo-agents", "demo-runtime"]
    new = ["demo-agents", "demo-runtime"]
    # the old advice, a prefix of the new ones, left demo-core's new version out
    assert advised_first(workspace, new, order, 1) == ["demo-core", "demo-agents"]
    assert advised_first(workspace, new, order, 2) == order
    assert advised_first(workspace, ["demo-core", "demo-runtime"], order, 1) == ["demo-core"]
