"""What may come back from a learner's kernel: plain values only, read strictly."""
import json
import os

import numpy as np
import pytest

from helpers import plain
from helpers.instructor.grading import wire


def round_trip(value):
    tree, blob = plain.dumps(value)
    header, back = plain.parse(json.dumps({"value": tree}).encode(), blob)
    return back


def test_structure_and_types_survive_the_trip():
    value = (np.arange(6.0).reshape(2, 3), [1, 2.5, "x", None, True, 1j], {"a": np.float32(1.5)},
             np.array(["ab", "c"]), np.array([True, False]), np.int64(-3), (), [], {})
    back = round_trip(value)
    assert isinstance(back, tuple) and isinstance(back[1], list) and isinstance(back[2], dict)
    assert back[0].dtype == np.float64 and back[0].shape == (2, 3)
    assert np.array_equal(back[0], value[0]) and back[1] == value[1]
    assert type(back[2]["a"]) is np.float32 and type(back[5]) is np.int64
    assert back[3].tolist() == ["ab", "c"] and back[4].dtype == bool
    assert back[6:] == ((), [], {})


def test_an_ndarray_subclass_arrives_as_a_plain_array_with_its_data():
    class Anything(np.ndarray):
        def __eq__(self, other):
            return True

    back = round_trip(np.zeros(3).view(Anything))
    assert type(back) is np.ndarray and not np.array_equal(back, np.ones(3))


@pytest.mark.parametrize("value, words", [
    (object(), "is a object, which is not a plain value"),
    (np.array([object()]), "dtype object"),
    ({1: 2}, "key of type int"),
    ([lambda: 0], "item 0 of the result is a function"),
])
def test_what_is_not_plain_is_refused_by_name(value, words):
    with pytest.raises(plain.NotPlain, match=words):
        plain.dumps(value)


def message(value_tree, blob=b""):
    return json.dumps({"value": value_tree}).encode(), blob


@pytest.mark.parametrize("document, blob", [
    (b"not json", b""),
    (b'{"value": {"k": "pickle", "v": "gASV"}}', b""),
    (*message({"k": "array", "v": {"dtype": "|O8", "shape": [1], "offset": 0, "nbytes": 8}}),),
    (*message({"k": "array", "v": {"dtype": "<f8", "shape": [2], "offset": 0, "nbytes": 16}}, b"\0" * 8),),
    (*message({"k": "array", "v": {"dtype": "<f8", "shape": [1], "offset": 8, "nbytes": 8}}, b"\0" * 8),),
    (*message({"k": "array", "v": {"dtype": "<f8", "shape": [-1], "offset": 0, "nbytes": 8}}, b"\0" * 8),),
    (*message({"k": "array", "v": {"dtype": "V8", "shape": [1], "offset": 0, "nbytes": 8}}, b"\0" * 8),),
    (*message({"k": "array", "v": {"dtype": "c4", "shape": [1], "offset": 0, "nbytes": 8}}, b"\0" * 8),),
    (*message({"k": "scalar", "v": {"dtype": ">c4", "shape": [], "offset": 0, "nbytes": 8}}, b"\0" * 8),),
    (*message({"k": "array", "v": {"dtype": "<f8", "shape": [2**20] * 8, "offset": 0, "nbytes": 8}}, b"\0" * 8),),
    (*message({"k": "int", "v": 3}),),
    (*message({"k": "float", "v": "__import__('os')"}),),
    (*message({"k": "dict", "v": [[1, {"k": "none"}]]}),),
    (*message({"k": "none", "extra": 1}),),
    (b'{"value": ' + b'{"k": "list", "v": [' * 40 + b'{"k": "none"}' + b"]}" * 40 + b"}", b""),
])
def test_malformed_messages_are_refused(document, blob):
    with pytest.raises(plain.NotPlain):
        plain.parse(document, blob)


def answer_folder(tmp_path, nonce="n1", status="ok"):
    out = tmp_path / "out"
    out.mkdir()
    plain.write(out, "response", {"nonce": nonce, "status": status, "message": ""}, [1, 2])
    return out


def test_a_well_formed_answer_is_read(tmp_path):
    got = wire.read_answer(answer_folder(tmp_path), "n1")
    assert got.status == "ok" and got.value == [1, 2]


def test_an_answer_for_another_request_is_refused(tmp_path):
    got = wire.read_answer(answer_folder(tmp_path, nonce="old"), "n1")
    assert got.status == "invalid" and "another request" in got.message


def test_an_answer_that_is_a_link_is_never_followed(tmp_path):
    out = answer_folder(tmp_path)
    secret = tmp_path / "secret.json"
    os.replace(out / "response.json", secret)
    os.symlink(secret, out / "response.json")
    got = wire.read_answer(out, "n1")
    assert got.status == "invalid"


def test_an_unknown_status_is_refused(tmp_path):
    got = wire.read_answer(answer_folder(tmp_path, status="passed"), "n1")
    assert got.status == "invalid" and "malformed" in got.message


def test_a_hint_keeps_its_advice_and_cuts_only_the_quoted_error():
    from helpers.checking import Report, CheckFailed
    crash = "ValueError: " + "x" * 900 + " (at cell In[4], line 7, in f: y = f(x))"
    report = Report("music_inference_model", verbose=False)
    with pytest.raises(CheckFailed) as failed:
        report.crashed(lambda: 0, crash)
    hint = failed.value.hint
    assert len(hint) < 360 and hint.endswith("(at cell In[4], line 7, in f: y = f(x))"), hint
    from helpers.jazz import checks
    with pytest.raises(CheckFailed) as failed:
        checks._crash_hint(report, "music_inference_model", "TypeError: " + "y" * 2000 + " "
                           + checks.KERAS3_TF, checks.INF_CRASHES)
    assert failed.value.hint.endswith("instead of tf.math.argmax / tf.one_hot."), failed.value.hint


# ------------------------------------------------------------------ models on the wire

def keras_objects():
    from helpers.notebook import setup

    setup(seed=0, keras=True)
    import keras
    return keras


def test_a_functional_model_travels_and_is_rebuilt_with_its_weights():
    from helpers import keras_wire

    keras = keras_objects()
    x = keras.Input((3,))
    model = keras.Model(x, keras.layers.Dense(2, activation="softmax")(x))
    back = keras_wire.rebuild(keras_wire.as_plain(model))
    batch = np.arange(6.0).reshape(2, 3)
    assert np.allclose(back(batch), model(batch)) and back is not model


def test_subclassed_models_custom_layers_and_lambdas_are_not_rebuilt():
    from helpers import keras_wire

    keras = keras_objects()

    class Mine(keras.Model):
        def call(self, x):
            return x

    class Twice(keras.layers.Layer):
        def call(self, x):
            return 2 * x

    x = keras.Input((3,))
    custom = keras.Model(x, Twice()(x))
    lam = keras.Model(x, keras.layers.Lambda(lambda t: t * 2)(x))
    mine = Mine()
    mine(np.zeros((1, 3)))
    for model in (mine, custom, lam):
        info = keras_wire.as_plain(model)
        with pytest.raises(keras_wire.Unbuildable):
            keras_wire.rebuild(info)


@pytest.mark.parametrize("text", [
    "not json", "[]", '{"class_name": "Functional", "module": "os", "config": {}}',
    '{"class_name": "Dense", "module": "keras.layers", "registered_name": "evil>Dense", "config": {}}',
    '{"class_name": "__import__", "module": null}',
    "x" * (2**20 + 1),
])
def test_a_crafted_model_json_is_refused(text):
    from helpers import keras_wire

    with pytest.raises(keras_wire.Unbuildable):
        keras_wire.rebuild({"json": text, "weights": []})
