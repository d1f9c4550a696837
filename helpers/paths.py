"""Where things live, resolved from this package so notebooks work from any folder.

In the repository ``ROOT`` is the checkout; in a learner release (``workspace/`` or
``dist/``) it is the release folder, which holds its own ``helpers/`` and ``data/``.
"""
from pathlib import Path
import hashlib
import os

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "data"
NOTEBOOKS = ROOT / "notebooks"
BUILD = Path(os.environ.get("RNNLAB_BUILD", ROOT / "build"))


def build_dir(*parts: str) -> Path:
    """Return ``build/<parts>`` (created if missing) for files a notebook writes."""
    path = BUILD.joinpath(*parts)
    path.mkdir(parents=True, exist_ok=True)
    return path


def fingerprint(path) -> str:
    """First 16 hex digits of the SHA-256 of a file's bytes (to tell when stored results were
    computed from other data than what is in ``data/`` now)."""
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()[:16]
