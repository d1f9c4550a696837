"""Plain values on the wire: how a result travels from a notebook's kernel to the grader.

A plain value is ``None``, a bool, an int, a float, a complex, a str, a list, a tuple, a dict
with str keys, a numpy scalar, or a numpy array of numbers, bools or strings (no object
arrays). :func:`dumps` turns one into ``(tree, blob)``: a JSON document that spells out the
structure (tuples stay tuples, lists stay lists) and one byte string that holds the raw array
data. :func:`loads` rebuilds the value and checks every field on the way, so whatever a
kernel writes, the reader gets plain values or a :class:`NotPlain` error: never a pickle,
never an object of the writer's classes.

:func:`serve` is what the grader runs in a notebook's kernel for each call: it reads the
arguments the grader wrote, calls the function the notebook defined (or a probe from a checks
module, see ``helpers.checking.Report.probe``), and writes the plain answer back, with what
the function printed (checks that look at it capture it with ``contextlib.redirect_stdout``).
"""
import contextlib
import importlib
import io
import json
import math
import os
import re
from pathlib import Path

import numpy as np

MAX_BYTES = 64 * 2**20     # array data per message
MAX_JSON = 16 * 2**20      # size of the JSON document
MAX_NODES = 200_000        # values in one message
MAX_DEPTH = 32             # nesting of lists, tuples and dicts
MAX_STR = 2**20            # characters of one string
MAX_PRINTED = 2**16        # characters of what a function prints during one call
KINDS = "biufcUS"          # numpy dtype kinds allowed: bool, ints, floats, complex, str, bytes
DTYPE_RE = re.compile(r"^[<>|=]?[biufcUS]\d{1,4}$")
PLAIN = "array, number, string, list, tuple, dict"


class NotPlain(ValueError):
    """A value that cannot travel as a plain value, or a message that is not well formed."""


def describe_type(value) -> str:
    kind = type(value)
    return kind.__name__ if kind.__module__ == "builtins" else f"{kind.__module__}.{kind.__qualname__}"


# ------------------------------------------------------------------ writing

def dumps(value) -> tuple[dict, bytes]:
    """``(tree, blob)`` for ``value``; raises :class:`NotPlain` naming what does not fit."""
    writer = _Writer()
    tree = writer.node(value, 0, "the result")
    return tree, b"".join(writer.chunks)


class _Writer:
    def __init__(self):
        self.chunks, self.size, self.nodes = [], 0, 0

    def array(self, array: np.ndarray, where: str) -> dict:
        if array.dtype.kind not in KINDS or array.dtype.fields is not None:
            raise NotPlain(f"{where} is an array of dtype {array.dtype}, which is not a plain "
                           f"value ({PLAIN}; arrays of numbers, bools or strings)")
        data = np.ascontiguousarray(array).tobytes()
        if self.size + len(data) > MAX_BYTES:
            raise NotPlain(f"{where} is too large: more than {MAX_BYTES // 2**20} MB of arrays")
        node = {"dtype": array.dtype.str, "shape": list(array.shape),
                "offset": self.size, "nbytes": len(data)}
        self.chunks.append(data)
        self.size += len(data)
        return node

    def node(self, value, depth: int, where: str):
        self.nodes += 1
        if self.nodes > MAX_NODES:
            raise NotPlain(f"the result holds more than {MAX_NODES} values")
        if depth > MAX_DEPTH:
            raise NotPlain(f"the result is nested more than {MAX_DEPTH} levels deep")
        if value is None:
            return {"k": "none"}
        if isinstance(value, np.generic):
            return {"k": "scalar", "v": self.array(np.asarray(value), where)}
        if isinstance(value, bool):
            return {"k": "bool", "v": bool(value)}
        if isinstance(value, int):
            return {"k": "int", "v": str(int(value))}
        if isinstance(value, float):
            return {"k": "float", "v": repr(float(value))}
        if isinstance(value, complex):
            return {"k": "complex", "v": [repr(value.real), repr(value.imag)]}
        if isinstance(value, str):
            if len(value) > MAX_STR:
                raise NotPlain(f"{where} is a string longer than {MAX_STR} characters")
            return {"k": "str", "v": str(value)}
        if isinstance(value, np.ndarray):  # subclasses travel as the plain array they hold
            return {"k": "array", "v": self.array(np.asarray(value).view(np.ndarray), where)}
        if isinstance(value, (list, tuple)):
            kind = "tuple" if isinstance(value, tuple) else "list"
            return {"k": kind, "v": [self.node(v, depth + 1, f"item {i} of {where}")
                                     for i, v in enumerate(value)]}
        if isinstance(value, dict):
            items = []
            for key, v in value.items():
                if not isinstance(key, str):
                    raise NotPlain(f"{where} is a dict with a key of type {describe_type(key)}: "
                                   "plain dicts have str keys")
                items.append([str(key), self.node(v, depth + 1, f"{where}[{key!r}]")])
            return {"k": "dict", "v": items}
        raise NotPlain(f"{where} is a {describe_type(value)}, which is not a plain value ({PLAIN})")


# ------------------------------------------------------------------ reading (strict)

def loads(tree, blob: bytes):
    """The plain value that ``(tree, blob)`` describes; :class:`NotPlain` if malformed."""
    reader = _Reader(blob)
    return reader.node(tree, 0)


class _Reader:
    def __init__(self, blob: bytes):
        if not isinstance(blob, bytes) or len(blob) > MAX_BYTES:
            raise NotPlain("the array data is missing or too large")
        self.blob, self.nodes = blob, 0

    def array(self, spec) -> np.ndarray:
        if not isinstance(spec, dict) or set(spec) != {"dtype", "shape", "offset", "nbytes"}:
            raise NotPlain("malformed array entry")
        dtype, shape, offset, nbytes = spec["dtype"], spec["shape"], spec["offset"], spec["nbytes"]
        if not isinstance(dtype, str) or not DTYPE_RE.match(dtype):
            raise NotPlain(f"array dtype {str(dtype)[:20]!r} is not allowed")
        try:
            dtype = np.dtype(dtype)
        except Exception:  # numpy refuses some spellings the pattern lets through ("c4")
            raise NotPlain(f"array dtype {dtype!r} is not allowed") from None
        if dtype.kind not in KINDS or dtype.hasobject or dtype.fields is not None or dtype.itemsize == 0:
            raise NotPlain(f"array dtype {dtype} is not allowed")
        if (not isinstance(shape, list) or len(shape) > 32
                or not all(type(n) is int and 0 <= n <= MAX_BYTES for n in shape)):
            raise NotPlain("malformed array shape")
        count = math.prod(shape)
        for n in (offset, nbytes):
            if type(n) is not int or n < 0:
                raise NotPlain("malformed array offset")
        if count * dtype.itemsize != nbytes or offset + nbytes > len(self.blob):
            raise NotPlain("array data does not match its shape")
        data = np.frombuffer(self.blob, dtype=dtype, count=count, offset=offset)
        return data.reshape(shape).copy()

    def node(self, tree, depth: int):
        self.nodes += 1
        if self.nodes > MAX_NODES or depth > MAX_DEPTH:
            raise NotPlain("the message is too large or too deeply nested")
        if not isinstance(tree, dict) or not isinstance(tree.get("k"), str):
            raise NotPlain("malformed value")
        kind, value = tree["k"], tree.get("v")
        if set(tree) != ({"k"} if kind == "none" else {"k", "v"}):
            raise NotPlain("malformed value")
        if kind == "none":
            return None
        if kind == "bool" and isinstance(value, bool):
            return value
        if kind == "int" and isinstance(value, str) and re.fullmatch(r"-?\d{1,400}", value):
            return int(value)
        if kind == "float" and isinstance(value, str) and len(value) < 40:
            return _float(value)
        if (kind == "complex" and isinstance(value, list) and len(value) == 2
                and all(isinstance(v, str) and len(v) < 40 for v in value)):
            return complex(_float(value[0]), _float(value[1]))
        if kind == "str" and isinstance(value, str) and len(value) <= MAX_STR:
            return value
        if kind == "scalar":
            array = self.array(value)
            if array.shape != ():
                raise NotPlain("malformed scalar")
            return array[()]
        if kind == "array":
            return self.array(value)
        if kind in ("list", "tuple") and isinstance(value, list):
            items = [self.node(v, depth + 1) for v in value]
            return tuple(items) if kind == "tuple" else items
        if kind == "dict" and isinstance(value, list):
            out = {}
            for item in value:
                if (not isinstance(item, list) or len(item) != 2 or not isinstance(item[0], str)
                        or len(item[0]) > MAX_STR):
                    raise NotPlain("malformed dict entry")
                out[item[0]] = self.node(item[1], depth + 1)
            return out
        raise NotPlain(f"malformed value of kind {kind[:20]!r}")


def _float(text: str) -> float:
    if not re.fullmatch(r"-?(inf|nan|\d+(\.\d*)?([eE][-+]?\d+)?|\.\d+([eE][-+]?\d+)?)", text):
        raise NotPlain("malformed float")
    return float(text)


# ------------------------------------------------------------------ files

def write(folder: Path, stem: str, header: dict, value) -> None:
    """Write ``header`` plus the plain ``value`` as ``stem.json`` / ``stem.bin`` in ``folder``."""
    tree, blob = dumps(value)
    folder = Path(folder)
    (folder / f"{stem}.bin.part").write_bytes(blob)
    os.replace(folder / f"{stem}.bin.part", folder / f"{stem}.bin")
    document = json.dumps({**header, "value": tree}, allow_nan=False)
    (folder / f"{stem}.json.part").write_text(document, encoding="utf-8")
    os.replace(folder / f"{stem}.json.part", folder / f"{stem}.json")


def read(folder: Path, stem: str) -> tuple[dict, object]:
    """``(header, value)`` from :func:`write`'s two files (trusted files: see :func:`parse`)."""
    folder = Path(folder)
    return parse((folder / f"{stem}.json").read_bytes(), (folder / f"{stem}.bin").read_bytes())


def parse(document: bytes, blob: bytes) -> tuple[dict, object]:
    """``(header, value)`` from the bytes of the two files, checked: :class:`NotPlain` if bad."""
    if len(document) > MAX_JSON:
        raise NotPlain("the message is too large")
    try:
        header = json.loads(document.decode("utf-8"), parse_constant=_no_constant)
    except (ValueError, RecursionError) as err:
        raise NotPlain(f"the message is not valid JSON ({one_line(err, 80)})") from None
    if not isinstance(header, dict) or "value" not in header:
        raise NotPlain("the message has no value")
    try:
        return header, loads(header.pop("value"), blob)
    except NotPlain:
        raise
    except Exception as err:  # whatever else a crafted message provokes is malformed too
        raise NotPlain(f"malformed message ({type(err).__name__})") from None


def _no_constant(name):
    raise ValueError(f"{name} is not JSON")


# ------------------------------------------------------------------ the kernel's side of a call

def one_line(text: str, limit: int = 300) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[:limit - 3] + "..."


class _Printed(io.TextIOBase):
    """What the function prints during a call: the first MAX_PRINTED characters."""

    def __init__(self):
        self.parts, self.size = [], 0

    def writable(self):
        return True

    def write(self, text):
        text = str(text)
        if self.size < MAX_PRINTED:
            self.parts.append(text[:MAX_PRINTED - self.size])
            self.size += len(self.parts[-1])
        return len(text)

    def text(self) -> str:
        return "".join(self.parts)


def serve(call_dir: str, namespace: dict) -> None:
    """Answer the grader's request in ``call_dir``: call, probe, or "is it defined?"."""
    folder = Path(call_dir)
    request, args = read(folder, "request")
    header = {"nonce": request["nonce"]}
    fn = namespace.get(request["name"])
    printed = _Printed()
    try:
        with contextlib.redirect_stdout(printed):
            if request["op"] == "has":
                result = callable(fn)
            elif not callable(fn):
                raise NameError(f"no function named {request['name']} is defined")
            elif request["op"] == "probe":
                probe = getattr(importlib.import_module(request["module"]), request["probe"])
                result = probe(fn, *args["args"], **args["kwargs"])
            else:
                result = fn(*args["args"], **args["kwargs"])
        status, message = "ok", ""
    except NotImplementedError as err:
        status, message, result = "not implemented", one_line(err), None
    except BaseException as err:  # noqa: BLE001 - SystemExit too: it is the learner's crash
        status, message, result = "crash", one_line(f"{type(err).__name__}: {err}"), None
    header["printed"] = printed.text()
    try:
        write(folder / "out", "response", {**header, "status": status, "message": message}, result)
    except NotPlain as err:
        text = str(err)
        message = one_line(f"{request['name']} returned " + text.removeprefix("the result is ")
                           if text.startswith("the result is ") else f"{request['name']}: {text}")
        write(folder / "out", "response", {**header, "status": "not plain", "message": message,
                                           "printed": ""}, None)
