"""Export every graded function from the instructor notebooks into ``helpers/instructor/graded/``.

    python -m helpers.instructor.export          # (re)write the generated files
    python -m helpers.instructor.export --check  # exit 1 and list what is stale, write nothing

Per notebook with a ``module`` (see ``helpers.instructor.course``) this produces:

- ``helpers/instructor/graded/<module>.py``: the ``# EXPORT`` cells and the graded cells, in order,
  with the solution markers dropped, under a "generated, do not edit" banner;
- ``helpers/<module>/expected.npz``: reference outputs that the checks compare a
  learner's function against on the practice inputs, computed by
  ``helpers.instructor.references.<module>.expected(graded)``;

and, for the whole course, ``helpers/instructor/manifest.json`` (exercises and points per
notebook), which the grader reads.
"""
import argparse
import ast
import importlib
import importlib.util
import json
import sys
import types

import numpy as np

from . import nbcells, references
from .course import NOTEBOOKS
from ..i18n import _
from ..paths import NOTEBOOKS as NB_DIR, ROOT

GRADED_DIR = ROOT / "helpers" / "instructor" / "graded"
MANIFEST = ROOT / "helpers" / "instructor" / "manifest.json"
DEFAULT_POINTS = 10


def banner(nb_file: str) -> str:
    return (f'"""Generated from notebooks/{nb_file} by `python -m helpers.instructor.export`: do not edit.\n\n'
            f"Edit the graded cells of the notebook instead, then run `make export`.\n\"\"\"\n")


def module_source(nb_file: str) -> tuple[str, list[str]]:
    """The generated module's text and its graded function names."""
    path = NB_DIR / nb_file
    nb = nbcells.read(path)
    parts, names = [banner(nb_file)], []
    for index, cell in enumerate(nb.cells):
        name = nbcells.graded_name(cell)
        if name is None and not nbcells.is_export(cell):
            continue
        code = nbcells.code_without_markers(cell.source).rstrip() + "\n"
        where = f"{nb_file}, cell {index}"
        tree = ast.parse(code, filename=where)
        if name is not None:
            if not nbcells.solution_blocks(cell.source, where):
                raise nbcells.MarkerError(f"{where}: graded cell {name} has no solution block")
            defined = {n.name for n in tree.body if isinstance(n, ast.FunctionDef)}
            if name not in defined:
                raise nbcells.MarkerError(f"{where}: '# GRADED FUNCTION: {name}' but no def {name}(...)")
            names.append(name)
        parts.append(code)
    text = "\n\n".join(parts)
    if names:
        text += "\n\n__all__ = " + repr(names) + "\n"
    return text, names


def load_source(module: str, text: str) -> types.ModuleType:
    mod = types.ModuleType(f"helpers.instructor.graded.{module}")
    mod.__file__ = str(GRADED_DIR / f"{module}.py")
    exec(compile(text, mod.__file__, "exec"), mod.__dict__)
    return mod


# Reference values are floats computed with numpy, BLAS and TensorFlow: another CPU, BLAS
# kernel or oneDNN path rounds their last bits differently. Each array is judged in the
# precision that computed it (:func:`precision`): a reference counts as unchanged while no
# value moved by more than ULPS units of that precision, scaled to the array's largest value
# (entries near zero carry the rounding of larger terms). Measured between four float paths
# (oneDNN on / off, OpenBLAS's default and Sandybridge kernels), references moved by up to 7
# units (float64), 1.5 units (float32 results of Keras) and half a unit of a finite
# difference's precision (a references module's PRECISION). ULPS leaves a margin of at least ten
# and stays far below what the checks grade with, and what a changed solution line moves.
ULPS = 64
FLOAT32 = np.finfo(np.float32).eps


def computed_in_float32(array: np.ndarray) -> bool:
    """Whether ``array`` holds float32 results (Keras computes in float32; a check may have
    stored them as float64, which keeps every value exactly representable in float32)."""
    if array.dtype == np.float32:
        return True
    return array.dtype == np.float64 and bool(np.all(array.astype(np.float32) == array))


def precision(key: str, array: np.ndarray, declared: dict) -> float:
    """The relative precision that computed ``array``: the first ``declared`` pattern found in
    ``key`` (a references module's ``PRECISION``, for values computed with less precision than
    their dtype, such as finite differences), else float32's or the dtype's machine epsilon."""
    for pattern, eps in declared.items():
        if pattern in key:
            return float(eps)
    return float(FLOAT32 if computed_in_float32(array) else np.finfo(array.dtype).eps)


def rounding_bound(key: str, array: np.ndarray, declared: dict) -> float:
    """How far a value of ``array`` may move between float paths and still be the same."""
    scale = float(np.nanmax(np.abs(array))) if array.size else 0.0
    return ULPS * precision(key, array, declared) * scale


def array_changes(old: dict, new: dict, declared: dict | None = None) -> list[str]:
    """The names whose array differs between ``old`` and ``new``, each with how.

    Floats are compared within :func:`rounding_bound` of the old array; everything else
    (integers, strings, bools, shapes, dtypes, the set of names) must match exactly.
    """
    declared = declared or {}
    changes = [f"{k}: missing" for k in sorted(set(old) - set(new))]
    changes += [f"{k}: new" for k in sorted(set(new) - set(old))]
    for key in sorted(set(old) & set(new)):
        a, b = np.asarray(old[key]), np.asarray(new[key])
        if a.shape != b.shape or a.dtype != b.dtype:
            changes.append(f"{key}: {a.dtype}{a.shape} became {b.dtype}{b.shape}")
        elif a.dtype.kind == "f":
            moved = np.abs(a.astype(np.float64) - b)
            same_nan = np.isnan(a) == np.isnan(b)
            worst = float(np.nanmax(moved)) if moved.size and not np.all(np.isnan(moved)) else 0.0
            if not np.all(same_nan) or worst > rounding_bound(key, a, declared):
                changes.append(f"{key}: values moved by up to {worst:.3g}")
        elif not np.array_equal(a, b):
            changes.append(f"{key}: values changed")
    return changes


def stored_arrays(path) -> dict:
    if not path.exists():
        return {}
    with np.load(path, allow_pickle=False) as data:
        return {k: data[k] for k in data.files}


def reference_arrays(module: str, text: str) -> dict:
    """What ``helpers.instructor.references.<module>.expected`` computes with the solutions in
    ``text``."""
    return references.expected(module, load_source(module, text))


def run(check: bool) -> list[str]:
    """Export everything; return the paths that were (or, with ``check``, would be) changed."""
    changed, manifest = [], {}
    for nb in NOTEBOOKS:
        if nb.module is None:
            continue
        if not (NB_DIR / nb.file).exists():
            print(_("export: notebooks/{file} does not exist yet, skipped").format(file=nb.file))
            continue
        text, names = module_source(nb.file)
        target = GRADED_DIR / f"{nb.module}.py"
        if not target.exists() or target.read_text(encoding="utf-8") != text:
            changed.append(str(target.relative_to(ROOT)))
            if not check:
                target.write_text(text, encoding="utf-8")
        checks = importlib.import_module(f"helpers.{nb.module}.checks")
        points = getattr(checks, "POINTS", {})
        manifest[nb.file] = [{"name": n, "points": points.get(n, DEFAULT_POINTS)} for n in names]
        if importlib.util.find_spec(f"helpers.instructor.references.{nb.module}") is not None:
            arrays = reference_arrays(nb.module, text)
            npz = ROOT / "helpers" / nb.module / "expected.npz"
            declared = getattr(references.module_of(nb.module), "PRECISION", {})
            differences = array_changes(stored_arrays(npz), arrays, declared) if npz.exists() else ["missing"]
            if differences:
                shown = "; ".join(differences[:3]) + (" ..." if len(differences) > 3 else "")
                changed.append(f"{npz.relative_to(ROOT)} ({shown})")
                if not check:
                    np.savez_compressed(npz, **arrays)
    manifest_text = json.dumps(manifest, indent=2, ensure_ascii=False) + "\n"
    if not MANIFEST.exists() or MANIFEST.read_text(encoding="utf-8") != manifest_text:
        changed.append(str(MANIFEST.relative_to(ROOT)))
        if not check:
            MANIFEST.write_text(manifest_text, encoding="utf-8")
    return changed


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--check", action="store_true", help="only report stale files")
    args = parser.parse_args(argv)
    GRADED_DIR.mkdir(parents=True, exist_ok=True)
    changed = run(args.check)
    if args.check and changed:
        print(_("Stale generated files (run `make export`):") + "\n  " + "\n  ".join(changed))
        return 1
    print(_("export: wrote {files}").format(files=", ".join(changed)) if changed
          else _("export: everything up to date"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
