"""`closer content check`: validate prompts/, count it, and apply the style and originality rules."""

from __future__ import annotations

import json
import sys
from collections import Counter

from . import resolve_root
from .counts import count
from .findings import ERROR, WARNING, Finding
from .loader import build
from .originality import check_originality
from .report import human_report
from .requirements import check_requirements
from .style import check_style


def collect(root=None) -> dict:
    """Run every check on the content folder and return the report as plain data."""
    folder = resolve_root(root)
    content, problems = build(folder)
    findings = [Finding(ERROR, path, line, "schema", message) for path, line, message in problems]
    style_findings, stats = check_style(folder)
    originality_findings, originality = check_originality(folder)
    requirements = check_requirements(content)
    findings += style_findings + originality_findings
    findings += [Finding(ERROR, folder.name, 0, "requirement", f"{r.description}: {r.detail}")
                 for r in requirements if not r.ok]
    errors = [f.as_dict() for f in findings if f.severity == ERROR]
    warnings = [f.as_dict() for f in findings if f.severity == WARNING]
    return {
        "ok": not errors,
        "root": str(folder),
        "errors": errors,
        "warnings": warnings,
        "counts": count(content),
        "style": {**stats.as_dict(), "findings_by_rule": dict(Counter(f.rule for f in style_findings))},
        "originality": originality,
        "requirements": [r.as_dict() for r in requirements],
    }


def run(args) -> int:
    """CLI entry: print the report (human or JSON); 0 when there are no errors, else 1."""
    report = collect(getattr(args, "root", None))
    if getattr(args, "json", False):
        json.dump(report, sys.stdout, indent=2)
        sys.stdout.write("\n")
    else:
        sys.stdout.write(human_report(report))
    return 0 if report["ok"] else 1
