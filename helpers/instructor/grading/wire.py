"""What comes back from a kernel, read as untrusted input (the grading process only).

The kernel writes each answer as two files in a folder of its own (``helpers.plain``'s JSON
tree and array bytes). :func:`read_answer` opens them without following links, refuses what
is not a regular file or is too large, parses them strictly into plain values, and checks
every header field: whatever a kernel (or learner code that replaced its agent) writes, the
result is an :class:`Answer` with a known status, never an exception.
"""
import os
import stat
from dataclasses import dataclass
from pathlib import Path

from ... import plain


@dataclass
class Answer:
    """What came back from one request: ``status`` and a plain ``value``.

    status: ``ok``, ``not implemented``, ``crash``, ``not plain`` (message says why),
    ``timeout``, ``died`` (the kernel process ended) or ``invalid`` (no well-formed answer).
    """
    status: str
    value: object = None
    message: str = ""
    printed: str = ""         # what the function printed during the call


def _read_file(dir_fd: int, name: str, limit: int) -> bytes:
    fd = os.open(name, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK, dir_fd=dir_fd)
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise plain.NotPlain(f"{name} is not a regular file")
        if info.st_size > limit:
            raise plain.NotPlain(f"{name} is larger than {limit // 2**20} MB")
        chunks, total = [], 0
        while True:
            chunk = os.read(fd, 1 << 20)
            if not chunk:
                break
            total += len(chunk)
            if total > limit:
                raise plain.NotPlain(f"{name} is larger than {limit // 2**20} MB")
            chunks.append(chunk)
        return b"".join(chunks)
    finally:
        os.close(fd)


def read_answer(out: Path, nonce: str) -> Answer:
    """The kernel's answer in ``out``, checked field by field; never follows a link."""
    try:
        dir_fd = os.open(str(out), os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW)
    except OSError:
        return Answer("invalid", message="its answer folder is gone")
    try:
        document = _read_file(dir_fd, "response.json", plain.MAX_JSON)
        blob = _read_file(dir_fd, "response.bin", plain.MAX_BYTES)
        header, value = plain.parse(document, blob)
    except FileNotFoundError:
        return Answer("invalid", message="no answer was written")
    except (OSError, plain.NotPlain) as err:
        return Answer("invalid", message=plain.one_line(err, 120))
    except Exception as err:  # noqa: BLE001 - nothing a kernel writes may stop the grader
        return Answer("invalid", message=f"malformed answer ({type(err).__name__})")
    finally:
        os.close(dir_fd)
    status, message = header.get("status"), header.get("message", "")
    printed = header.get("printed", "")
    if header.get("nonce") != nonce:
        return Answer("invalid", message="the answer belongs to another request")
    if (status not in ("ok", "not implemented", "crash", "not plain")
            or not isinstance(message, str) or not isinstance(printed, str)):
        return Answer("invalid", message="the answer is malformed")
    return Answer(status, value if status == "ok" else None, plain.one_line(message),
                  printed[:plain.MAX_PRINTED])

