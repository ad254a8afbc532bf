"""Format the content check report for people."""

from __future__ import annotations


def human_report(report: dict) -> str:
    """The report as readable text."""
    counts, style = report["counts"], report["style"]
    lines = [f"Content in {report['root']}", ""]
    lines.append(f"{counts['questions']} deck questions in {counts['themes']} themes, "
                 f"{counts['exercises']} exercises, {counts['rituals']} rituals, "
                 f"{counts['ladder_questions']} ladder questions")
    lines += _table("Questions by theme", counts["by_theme"])
    lines += _table("Questions by depth", counts["by_depth"])
    lines += _table("Questions by context", counts["by_context"])
    lines += _table("Files by kind", counts["by_kind"])
    lines += ["", f"Sentences: {style['sentences']}, average {style['average_sentence_length']} words "
              f"(target about {style['target_average']}), longest {style['longest_sentence']} "
              f"(at most {style['max_sentence_length']})"]
    orig = report["originality"]
    if orig.get("skipped"):
        lines.append(f"Originality: {orig['skipped']}")
    else:
        lines.append(f"Originality: {orig.get('strings', 0)} strings against {orig['seed_files']} seed files "
                     f"in {orig['seeds']}")
    lines += ["", "Requirements:"]
    lines += [f"  {'pass' if r['ok'] else 'FAIL'}  {r['description']}: {r['detail']}" for r in report["requirements"]]
    for title, items in (("Errors", report["errors"]), ("Warnings", report["warnings"])):
        if items:
            lines += ["", f"{title} ({len(items)}):"]
            lines += [f"  {f['path']}:{f['line']}: {f['message']} [{f['rule']}]" for f in items]
    verdict = "OK" if report["ok"] else "FAILED"
    lines += ["", f"{verdict}: {len(report['errors'])} errors, {len(report['warnings'])} warnings", ""]
    return "\n".join(lines)


def _table(title: str, values: dict) -> list[str]:
    """A heading and one indented line per key."""
    width = max((len(str(k)) for k in values), default=0)
    return ["", f"{title}:"] + [f"  {str(k).ljust(width)}  {v}" for k, v in values.items()]
