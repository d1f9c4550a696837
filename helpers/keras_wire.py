"""Keras models and layers as plain values: sent by the learner's side, rebuilt by the checker.

A check never looks at a model object that the learner's code returned. The learner's side
(a notebook, or a grading kernel) turns it into plain values with :func:`as_plain`: the
model's ``to_json()`` and its weights (numeric arrays). The checker rebuilds it with
:func:`rebuild`: ``keras.models.model_from_json`` without custom objects, after refusing any
class that is not Keras's own (a subclassed model, a custom layer or a ``Lambda`` earn
nothing), then runs and inspects the rebuilt copy. When grading, that copy lives in the
grading process, so nothing the kernel computed is believed beyond those plain values.
"""
import json

import numpy as np

from .i18n import _

MAX_JSON = 2**20                     # characters of one model's JSON
MAX_OBJECTS = 5000                   # Keras objects (layers, ops, initialisers) in one model
ALLOWED_CUSTOM = {"rnn_lab>LSTM"}    # helpers.jazz.classic.LSTM: keras.layers.LSTM, Keras 2 calls
FORBIDDEN = {"Lambda", "TFSMLayer"}  # layers that carry code or load files


class Unbuildable(ValueError):
    """What came back is not a model (or layer) built from Keras's own classes only."""


def as_plain(obj) -> dict:
    """``{"json", "weights"}`` for a Keras model or layer, ``{"type"}`` for anything else,
    ``{"not_json"}`` (one line) when Keras cannot write its JSON."""
    import keras

    if not isinstance(obj, (keras.Model, keras.layers.Layer)):
        return {"type": type(obj).__name__}
    kind = "model" if isinstance(obj, keras.Model) else "layer"
    try:
        text = obj.to_json() if kind == "model" else json.dumps(keras.layers.serialize(obj))
        weights = [np.asarray(w) for w in obj.get_weights()]
    except Exception as err:  # noqa: BLE001 - a custom object Keras cannot serialise
        return {"type": type(obj).__name__, "not_json": " ".join(f"{type(err).__name__}: {err}".split())[:200]}
    return {"type": type(obj).__name__, "kind": kind, "json": text, "weights": weights}


def _objects(tree, found: list) -> None:
    if isinstance(tree, dict):
        if "class_name" in tree:
            found.append(tree)
        for value in tree.values():
            _objects(value, found)
    elif isinstance(tree, list):
        for value in tree:
            _objects(value, found)


def validate(text) -> dict:
    """The parsed JSON of a model or layer, if it names Keras's own classes only."""
    if not isinstance(text, str) or len(text) > MAX_JSON:
        raise Unbuildable(_("its JSON is missing or too large"))
    try:
        tree = json.loads(text)
    except (ValueError, RecursionError):
        raise Unbuildable(_("its JSON is not valid")) from None
    found: list = []
    _objects(tree, found)
    if not found or len(found) > MAX_OBJECTS:
        raise Unbuildable(_("its JSON describes no Keras object, or too many"))
    for obj in found:
        name, module = obj.get("class_name"), obj.get("module")
        registered = obj.get("registered_name")
        if not isinstance(name, str) or name in FORBIDDEN:
            raise Unbuildable(_("it uses a {layer} layer, which carries code of its own").format(
                                  layer=str(name)[:40]))
        if registered in ALLOWED_CUSTOM:
            continue
        if module is None and name.startswith("__"):
            continue  # Keras's own markers for tensors and slices
        if not (isinstance(module, str) and (module == "keras" or module.startswith("keras."))) \
                or registered not in (None, name):
            raise Unbuildable(_("it uses {name} from {module}, which is not a Keras class (a "
                                "subclassed model or a custom layer)").format(
                                  name=str(name)[:40], module=str(module)[:60]))
    return tree


def rebuild(info):
    """The model (or layer) that ``info`` (from :func:`as_plain`) describes, with its weights.

    Raises :class:`Unbuildable` naming what is wrong.
    """
    import keras

    if not isinstance(info, dict) or "json" not in info:
        raise Unbuildable(_("no model came back"))
    tree = validate(info["json"])
    if any(o.get("registered_name") in ALLOWED_CUSTOM for o in _all(tree)):
        import helpers.jazz.classic  # noqa: F401 - registers rnn_lab>LSTM
    weights = info.get("weights")
    if not isinstance(weights, list) or not all(isinstance(w, np.ndarray) and w.dtype.kind in "biuf"
                                                for w in weights):
        raise Unbuildable(_("its weights are not a list of numeric arrays"))
    try:
        if info.get("kind") == "layer":
            built = keras.layers.deserialize(tree)
            if weights and not built.built:
                built.build((None,))
        else:
            built = keras.models.model_from_json(info["json"])
        if not isinstance(built, (keras.Model, keras.layers.Layer)):
            raise Unbuildable(_("it is not a Keras model or layer"))
        if weights:
            built.set_weights(weights)
    except Unbuildable:
        raise
    except Exception as err:  # noqa: BLE001 - whatever Keras says about a crafted config
        raise Unbuildable(_("Keras cannot rebuild it ({error}: {message})").format(
                              error=type(err).__name__, message=" ".join(str(err).split())[:160])) from None
    return built


def with_any_length(info: dict) -> dict:
    """``info`` with the model's inputs made ``(None, None)`` (any length of sequence)."""
    tree = validate(info["json"])
    for obj in (o for o in _all(tree) if o.get("class_name") == "InputLayer"):
        config = obj.get("config", {})
        shape = config.get("batch_shape")
        if isinstance(shape, list) and len(shape) == 2:
            config["batch_shape"] = [None, None]
    return {**info, "json": json.dumps(tree)}


def _all(tree) -> list:
    found: list = []
    _objects(tree, found)
    return found


def weighted_layers(model) -> list:
    """``(class name, layer)`` of every layer of ``model`` that holds weights."""
    return [(type(layer).__name__, layer) for layer in model.layers if layer.weights]
