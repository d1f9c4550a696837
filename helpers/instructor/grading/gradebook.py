"""The gradebook (student by exercise, with totals) and the one-line and table summaries."""
import csv
from pathlib import Path

from .course import course
from ...i18n import _


def summary_line(result: dict) -> str:
    if result.get("problem"):
        return f"{result['key']}: {result['problem']}"
    return _("{key}: {score} / {max_score} points ({notebook})").format(**result)


def write_gradebook(path: Path, results: list) -> None:
    """One row per student, one column per exercise (``<module>.<name>``), then totals."""
    modules = {c.file: c.module for c in course().values()}
    columns = [f"{c.module}.{e['name']}" for c in course().values() for e in c.exercises]
    rows: dict = {}
    for result in results:
        row = rows.setdefault(result["student"], {"student": result["student"], "files": [],
                                                  "score": 0, "max_score": 0, "problems": []})
        row["files"].append(result.get("key", ""))
        if result.get("problem"):
            row["problems"].append(f"{result.get('file', '')}: {result['problem']}")
            continue
        module = modules.get(result["notebook"], "")
        if any(f"{module}.{r['exercise']}" in row for r in result["exercises"]):
            row["problems"].append(_("{file}: a second copy of {notebook}, not counted").format(
                                       file=result.get("file", ""), notebook=result["notebook"]))
            continue
        for r in result["exercises"]:
            row[f"{module}.{r['exercise']}"] = r["points"]
        row["score"] += result["score"]
        row["max_score"] += result["max_score"]
    with open(path, "w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(["student", *columns, "score", "max_score", "files", "problems"])
        for row in rows.values():
            writer.writerow([row["student"], *[row.get(c, "") for c in columns], row["score"],
                             row["max_score"], " ".join(row["files"]), "; ".join(row["problems"])])


def table(result: dict) -> str:
    if result.get("problem"):
        return summary_line(result)
    lines = [_("{file} ({notebook}): {score} / {max_score} points").format(**result),
             f"  {_('exercise'):<28} {_('points'):>7}  {_('passed'):<6}  {_('hint')}"]
    for r in result["exercises"]:
        lines.append(f"  {r['exercise']:<28} {r['points']:>3}/{r['max_points']:<3}  "
                     f"{_('yes') if r['passed'] else _('no'):<6}  {r['hint']}")
    for note in result.get("notes", []):
        lines.append(_("  note: {note}").format(note=note))
    return "\n".join(lines)
