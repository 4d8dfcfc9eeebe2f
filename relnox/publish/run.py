"""A publish plan carried out tier by tier; the bytes sent are the bytes checked (private
copies, hashed before the first upload)."""

from __future__ import annotations

import logging
import shutil
import tempfile
import time
from collections.abc import Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path

from relnox.errors import PublishError, shortlist
from relnox.files import file_digest
from relnox.progress import detail, started
from relnox.project.workspace import needs
from relnox.publish.model import InstallableCheck, PublishPlan, tiers
from relnox.publish.report import (
    HELD_BACK,
    NOT_ATTEMPTED,
    SKIPPED,
    FileOutcome,
    PlannedFile,
    PublishResult,
)
from relnox.publish.uploader import PackageUploader
from relnox.tools.simple_api import WaitEnded
from relnox.tools.upload import attestations_of

logger = logging.getLogger("relnox")

#: packages uploaded at once within a tier, by default
JOBS = 4


def wait_visible(
    files: Sequence[PlannedFile], uploader: PackageUploader, seconds: float | None
) -> tuple[list[str], str, bool]:
    """Wait until the index lists each of ``files`` with our sha256: the names not listed, why,
    and whether waiting could help. No read of the index outlasts ``seconds``."""
    label, sleep = uploader.plan.repository.label, uploader.sleep
    pending = {f.filename: f for f in files}
    if seconds is None or not pending:
        return [], "", True
    start, pause, told = time.monotonic(), 0.5, -5.0  # a pause doubles up to 5 s
    deadline = start + seconds  # on the clock the reader's requests are bounded by
    reader = uploader.reader.until(deadline)
    not_shown = f"they did not show within {seconds:g}s ([tool.relnox.publish] wait)"
    while True:
        if time.monotonic() >= deadline:  # the last pause ended the wait
            return sorted(pending), not_shown, True
        try:
            pages = {p: reader.files(p) for p in sorted({f.package for f in pending.values()})}
            other: list[str] = []
            for name, file in list(pending.items()):
                entry = pages[file.package].get(name)
                if entry is None:
                    continue
                remote = reader.sha256(entry, file.size)
                if remote == file.sha256:
                    del pending[name]
                else:
                    other.append(f"{name} (listed with sha256 {remote}, ours is {file.sha256})")
        except WaitEnded as exc:  # a look the index did not answer in time
            return sorted(pending), f"{not_shown}: {exc}", True
        except PublishError as exc:
            return sorted(pending), f"the index could not be read to see them ({exc})", True
        if other:
            return (
                sorted(pending),
                (
                    f"{label} lists {'; '.join(other)}: the index holds other content under that "
                    "name, and an index never replaces a file; ask its administrator what it "
                    "stored, then bump the version (relnox bump) and rebuild"
                ),
                False,
            )
        elapsed = time.monotonic() - start
        logger.debug("  look at %.2fs: %d file(s) not shown yet", elapsed, len(pending))
        if not pending:
            # each tier's: the upload's counter and closing line say it; -v says each
            shown = (len(files), label, elapsed)
            logger.info("  all %d file(s) show on %s (%.1fs)", *shown, extra=detail("upload"))
            return [], "", True
        if elapsed >= seconds:
            return sorted(pending), not_shown, True
        if elapsed - told >= 5:
            told = elapsed
            said = (len(pending), label, elapsed, seconds, shortlist(sorted(pending)))
            logger.info(
                "  waiting for %d file(s) to show on %s (%.0fs of at most %.0fs): %s", *said
            )
        sleep(min(pause, max(0.05, seconds - elapsed)))
        pause = min(pause * 2, 5.0)


def upload_all(
    plan: PublishPlan,
    result: PublishResult,
    uploader: PackageUploader,
    check_installable: InstallableCheck | None = None,
) -> None:
    """Every package, tier by tier (``jobs`` at once); a tier's files must show on the index
    (and install, with ``check_installable``) before the next starts."""
    workspace, options = plan.workspace, plan.options
    names = [r.name for r in plan.records]
    records = {r.name: r for r in plan.records}
    failed: dict[str, str] = {}  # package -> the error that stopped it
    stopped = False
    uploading = {f.package for f in plan.to_upload}
    sending = {n: i for i, n in enumerate(n for n in names if n in uploading)}  # the counter

    def one(job: tuple[str, list[FileOutcome]]) -> str | None:
        name, todo = job
        files = ", ".join(o.file.filename for o in todo)
        said = (sending[name] + 1, len(sending), name, records[name].version, files)
        logger.info(
            "[%d/%d] %s %s: uploading %s", *said, extra=started("upload", name, len(sending))
        )
        return uploader.upload(todo)

    grouped = tiers(names, workspace)
    for number, tier in enumerate(grouped):
        go: list[tuple[str, list[FileOutcome]]] = []
        done: list[PlannedFile] = []  # files of this tier the index should now list
        present = 0  # files of this tier already on the index
        for name in tier:
            outcomes = [FileOutcome(f, SKIPPED) for f in plan.files if f.package == name]
            result.outcomes += outcomes
            for file in (o.file for o in outcomes if o.file.action == "skip"):
                present += 1  # -v: each named; the result counts them
                logger.info(
                    "  %s: %s already published", name, file.filename, extra=detail("upload")
                )
            todo = [o for o in outcomes if o.file.action == "upload"]
            blocker = next((d for d in needs(workspace, [name])[1:] if d in failed), None)
            if todo and blocker:
                for outcome in todo:
                    outcome.status = HELD_BACK
                    outcome.error = f"held back: it needs {blocker}, whose upload failed"
            elif todo and stopped:
                for outcome in todo:
                    outcome.status = NOT_ATTEMPTED
            elif todo:
                go.append((name, todo))
            else:
                done += [o.file for o in outcomes]
        if present:
            logger.info("%d file(s) already published (-v names each)", present)
        if go:
            said = ", ".join(f"{name} {records[name].version}" for name, _ in go)
            logger.info("tier %d: %s", number, said, extra=detail("upload"))

        with ThreadPoolExecutor(max(1, min(options.jobs or JOBS, len(go) or 1))) as pool:
            for (name, todo), error in zip(go, pool.map(one, go), strict=True):
                if error is None:
                    done += [o.file for o in todo]
                    continue
                failed[name] = error
                result.error = result.error or error
                logger.error("  %s: %s", name, error)
        if failed and not options.keep_going:
            stopped = True
        if stopped:
            continue
        last = number == len(grouped) - 1  # nothing waits for it, but it must show too
        missing, why, later = wait_visible(done, uploader, options.wait)
        for package in sorted({f.package for f in done if f.filename in missing}):
            files = ", ".join(
                f.filename for f in done if f.filename in missing and f.package == package
            )
            failed[package] = (
                f"{files} uploaded to {plan.repository.label}, but {why}"
                + ("" if last else "; its dependents wait")
                + (": run the same command again once they show" if later else "")
            )
            result.error = result.error or failed[package]
            if package not in result.not_shown:
                result.not_shown.append(package)
        if last:
            continue
        if check_installable is not None:
            visible = sorted({(f.package, f.version) for f in done if f.package not in failed})
            problem = check_installable(plan.repository, visible) if visible else None
            if problem is not None:
                for package, _ in visible:
                    failed[package] = problem
                result.error = result.error or problem
    if held := [n for n in names if n in result.held_back]:
        logger.warning("held back because a dependency failed: %s", ", ".join(held))


@contextmanager
def snapshot(plan: PublishPlan, attestations: bool = False) -> Iterator[PublishPlan]:
    """``plan`` with every file to upload read from a private copy (removed afterwards)."""
    private: Path | None = None
    try:
        files = []
        changed = []
        for file in plan.files:
            if file.action != "upload":
                files.append(file)
                continue
            try:
                # a directory only this user reads (mkdtemp: 0700), made for the first copy
                private = private or Path(tempfile.mkdtemp(prefix="relnox-publish-"))
                shutil.copyfile(file.path, private / file.filename)
                sha256 = file_digest(private / file.filename)
            except OSError as exc:
                raise PublishError(
                    f"{file.path}: cannot be read ({exc.strerror or exc}); rebuild with "
                    "relnox build-all; nothing was uploaded"
                ) from None
            if sha256 != file.sha256:
                changed.append(f"{file.path} (sha256 {sha256}, checked {file.sha256})")
            for attestation in attestations_of(file.path) if attestations else ():
                shutil.copyfile(attestation, private / attestation.name)
            files.append(replace(file, path=private / file.filename))
        if changed:
            raise PublishError(
                f"changed since publish checked them: {'; '.join(changed)}; the files in "
                f"{plan.manifest.dist_dir} must stay as built until the upload ends: rebuild "
                "with relnox build-all and publish again; nothing was uploaded"
            )
        yield replace(plan, files=tuple(files))
    finally:
        if private is not None:
            shutil.rmtree(private, ignore_errors=True)
