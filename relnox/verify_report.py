"""The result of verify_install: per-package checks, and how they read for people."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any

from relnox.smoke import Check


@dataclass
class PackageResult:
    """The checks of one package in one environment (``kind``: wheel, sdist or index)."""

    name: str
    version: str
    kind: str
    artifact: str
    checks: list[Check] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return bool(self.checks) and all(c.ok for c in self.checks)

    @property
    def passed(self) -> list[str]:
        return [c.name for c in self.checks if c.ok]

    @property
    def failed(self) -> list[Check]:
        return [c for c in self.checks if not c.ok]

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "version": self.version,
            "kind": self.kind,
            "artifact": self.artifact,
            "ok": self.ok,
            "passed": self.passed,
            "failed": [{"check": c.name, "detail": c.detail} for c in self.failed],
            "seconds": round(self.seconds, 3),
        }


@dataclass
class VerifyReport:
    results: list[PackageResult]
    commands: list[Check] = field(default_factory=list)
    installer: str = ""
    python: str = ""
    seconds: float = 0.0
    steps: dict[str, float] = field(default_factory=dict)  # "wheel install" -> seconds

    @property
    def ok(self) -> bool:
        return all(r.ok for r in self.results) and all(c.ok for c in self.commands)

    def to_dict(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "packages": list(dict.fromkeys(r.name for r in self.results)),
            "failed": list(dict.fromkeys(r.name for r in self.results if not r.ok)),
            "results": [r.to_dict() for r in self.results],
            "commands": [dataclasses.asdict(c) for c in self.commands],
            "installer": self.installer,
            "python": self.python,
            "seconds": round(self.seconds, 3),
        }


def render_report(report: VerifyReport) -> list[str]:
    """Human lines: one per package and command, failures with the end of their output."""
    lines: list[str] = []
    kinds = {r.kind for r in report.results}
    for r in report.results:
        where = f" [{r.kind}]" if len(kinds) > 1 else ""
        if r.ok:
            lines.append(
                f"ok    {r.name} {r.version}{where}: {', '.join(r.passed)} ({r.seconds:.2f}s)"
            )
            continue
        failed = ", ".join(c.name for c in r.failed)
        passed = f"; passed {', '.join(r.passed)}" if r.passed else ""
        lines.append(
            f"FAIL  {r.name} {r.version}{where}: {failed} failed{passed} ({r.seconds:.2f}s)"
        )
        lines.append(f"      artifact: {r.artifact}")
        for check in r.failed:
            lines.append(f"      {check.name}:")
            lines += [f"        {line}" for line in check.detail.splitlines()]
    for check in report.commands:
        lines.append(f"{'ok   ' if check.ok else 'FAIL '} {check.name}")
        lines += [f"        {line}" for line in check.detail.splitlines()]
    steps = ", ".join(f"{k} {v:.2f}s" for k, v in report.steps.items())
    good = sum(r.ok for r in report.results)
    lines.append(
        f"{good}/{len(report.results)} package checks passed in {report.seconds:.1f}s "
        f"({report.installer}, Python {report.python or '?'}; {steps})"
    )
    return lines
