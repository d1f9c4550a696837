"""The reference values of each notebook's checks, with the typical mistakes they recognise
(instructor only: ``helpers/instructor`` never ships). ``<module>.expected(graded)`` is what
``make export`` stores as the practice values and what the grader computes per submission."""
import importlib


def module_of(module: str):
    """The references of notebook module ``module`` (``helpers.instructor.references.<module>``)."""
    return importlib.import_module(f"{__name__}.{module}")


def expected(module: str, graded) -> dict:
    """``{name: array}``: the reference values of ``module``'s checks, computed with ``graded``."""
    return module_of(module).expected(graded)
