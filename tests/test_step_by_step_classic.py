"""Code written the way the classic assignment writes it passes notebook 1's checks.

The classic "Building your Recurrent Neural Network - Step by Step" (2021 edition) spells its
solutions with ``np.dot``, reads every parameter by its key, unpacks caches with parentheses,
builds ``gradients`` dicts and calls the ``sigmoid`` / ``softmax`` helpers it imports. Below,
each of notebook 1's exercises is solved in that style (written for this test; the GRU, which
the classic does not have, in the same style). The bodies go into the learner release's
graded cells in place of the stubs, the notebook runs up to its section 5 in one namespace,
as in a kernel, and every check cell there must pass: so the notebook defines, before each
exercise, every name the classic code uses, and the checks demand nothing the classic does not.
"""
import contextlib
import io
import textwrap

import matplotlib
import pytest

from helpers.instructor import nbcells, release
from helpers.instructor.course import NOTEBOOKS
from helpers.paths import NOTEBOOKS as NB_DIR

CLASSIC = {
    "rnn_cell_forward": """
        # compute next activation state using the formula given above
        a_next = np.tanh(np.dot(Waa, a_prev) + np.dot(Wax, xt) + ba)
        # compute output of the current cell using the formula given above
        yt_pred = softmax(np.dot(Wya, a_next) + by)
        # store values you need for backward propagation in cache
        cache = (a_next, a_prev, xt, parameters)
    """,
    "rnn_forward": """
        caches = []
        n_x, m, T_x = x.shape
        n_y, n_a = parameters["Wya"].shape
        a = np.zeros((n_a, m, T_x))
        y_pred = np.zeros((n_y, m, T_x))
        a_next = a0
        for t in range(T_x):
            xt = x[:, :, t]
            a_next, yt_pred, cache = rnn_cell_forward(xt, a_next, parameters)
            a[:, :, t] = a_next
            y_pred[:, :, t] = yt_pred
            caches.append(cache)
        caches = (caches, x)
    """,
    "lstm_cell_forward": """
        n_x, m = xt.shape
        n_y, n_a = Wy.shape
        concat = np.concatenate((a_prev, xt), axis=0)
        ft = sigmoid(np.dot(Wf, concat) + bf)
        it = sigmoid(np.dot(Wi, concat) + bi)
        cct = np.tanh(np.dot(Wc, concat) + bc)
        c_next = ft * c_prev + it * cct
        ot = sigmoid(np.dot(Wo, concat) + bo)
        a_next = ot * np.tanh(c_next)
        yt_pred = softmax(np.dot(Wy, a_next) + by)
        cache = (a_next, c_next, a_prev, c_prev, ft, it, cct, ot, xt, parameters)
    """,
    "lstm_forward": """
        caches = []
        Wy = parameters['Wy']
        n_x, m, T_x = x.shape
        n_y, n_a = parameters['Wy'].shape
        a = np.zeros((n_a, m, T_x))
        c = np.zeros((n_a, m, T_x))
        y_pred = np.zeros((n_y, m, T_x))  # the classic's `y`: this course says y_pred everywhere
        a_next = a0
        c_next = np.zeros((n_a, m))
        for t in range(T_x):
            xt = x[:, :, t]
            a_next, c_next, yt, cache = lstm_cell_forward(xt, a_next, c_next, parameters)
            a[:, :, t] = a_next
            c[:, :, t] = c_next
            y_pred[:, :, t] = yt
            caches.append(cache)
        caches = (caches, x)
    """,
    "rnn_cell_backward": """
        (a_next, a_prev, xt, parameters) = cache
        Wax = parameters["Wax"]
        Waa = parameters["Waa"]
        dtanh = (1 - a_next ** 2) * da_next
        dxt = np.dot(Wax.T, dtanh)
        dWax = np.dot(dtanh, xt.T)
        da_prev = np.dot(Waa.T, dtanh)
        dWaa = np.dot(dtanh, a_prev.T)
        dba = np.sum(dtanh, axis=1, keepdims=True)
        gradients = {"dxt": dxt, "da_prev": da_prev, "dWax": dWax, "dWaa": dWaa, "dba": dba}
        return gradients
    """,
    "rnn_backward": """
        (caches, x) = caches
        (a1, a0, x1, parameters) = caches[0]
        n_a, m, T_x = da.shape
        n_x, m = x1.shape
        dx = np.zeros((n_x, m, T_x))
        dWax = np.zeros((n_a, n_x))
        dWaa = np.zeros((n_a, n_a))
        dba = np.zeros((n_a, 1))
        da0 = np.zeros((n_a, m))
        da_prevt = np.zeros((n_a, m))
        for t in reversed(range(T_x)):
            gradients = rnn_cell_backward(da[:, :, t] + da_prevt, caches[t])
            dxt, da_prevt, dWaxt, dWaat, dbat = (gradients["dxt"], gradients["da_prev"],
                                                 gradients["dWax"], gradients["dWaa"], gradients["dba"])
            dx[:, :, t] = dxt
            dWax += dWaxt
            dWaa += dWaat
            dba += dbat
        da0 = da_prevt
        gradients = {"dx": dx, "da0": da0, "dWax": dWax, "dWaa": dWaa, "dba": dba}
        return gradients
    """,
    "lstm_cell_backward": """
        (a_next, c_next, a_prev, c_prev, ft, it, cct, ot, xt, parameters) = cache
        n_x, m = xt.shape
        n_a, m = a_next.shape
        dot = da_next * np.tanh(c_next) * ot * (1 - ot)
        dcct = (dc_next * it + ot * (1 - np.square(np.tanh(c_next))) * it * da_next) * (1 - np.square(cct))
        dit = (dc_next * cct + ot * (1 - np.square(np.tanh(c_next))) * cct * da_next) * it * (1 - it)
        dft = (dc_next * c_prev + ot * (1 - np.square(np.tanh(c_next))) * c_prev * da_next) * ft * (1 - ft)
        concat = np.concatenate((a_prev, xt), axis=0)
        dWf = np.dot(dft, concat.T)
        dWi = np.dot(dit, concat.T)
        dWc = np.dot(dcct, concat.T)
        dWo = np.dot(dot, concat.T)
        dbf = np.sum(dft, axis=1, keepdims=True)
        dbi = np.sum(dit, axis=1, keepdims=True)
        dbc = np.sum(dcct, axis=1, keepdims=True)
        dbo = np.sum(dot, axis=1, keepdims=True)
        da_prev = (np.dot(parameters['Wf'][:, :n_a].T, dft) + np.dot(parameters['Wi'][:, :n_a].T, dit)
                   + np.dot(parameters['Wc'][:, :n_a].T, dcct) + np.dot(parameters['Wo'][:, :n_a].T, dot))
        dc_prev = dc_next * ft + ot * (1 - np.square(np.tanh(c_next))) * ft * da_next
        dxt = (np.dot(parameters['Wf'][:, n_a:].T, dft) + np.dot(parameters['Wi'][:, n_a:].T, dit)
               + np.dot(parameters['Wc'][:, n_a:].T, dcct) + np.dot(parameters['Wo'][:, n_a:].T, dot))
        gradients = {"dxt": dxt, "da_prev": da_prev, "dc_prev": dc_prev, "dWf": dWf, "dbf": dbf,
                     "dWi": dWi, "dbi": dbi, "dWc": dWc, "dbc": dbc, "dWo": dWo, "dbo": dbo}
        return gradients
    """,
    "lstm_backward": """
        (caches, x) = caches
        (a1, c1, a0, c0, f1, i1, cc1, o1, x1, parameters) = caches[0]
        n_a, m, T_x = da.shape
        n_x, m = x1.shape
        dx = np.zeros((n_x, m, T_x))
        da0 = np.zeros((n_a, m))
        da_prevt = np.zeros((n_a, m))
        dc_prevt = np.zeros((n_a, m))
        dWf = np.zeros((n_a, n_a + n_x))
        dWi = np.zeros((n_a, n_a + n_x))
        dWc = np.zeros((n_a, n_a + n_x))
        dWo = np.zeros((n_a, n_a + n_x))
        dbf = np.zeros((n_a, 1))
        dbi = np.zeros((n_a, 1))
        dbc = np.zeros((n_a, 1))
        dbo = np.zeros((n_a, 1))
        for t in reversed(range(T_x)):
            gradients = lstm_cell_backward(da[:, :, t] + da_prevt, dc_prevt, caches[t])
            da_prevt = gradients["da_prev"]
            dc_prevt = gradients["dc_prev"]
            dx[:, :, t] = gradients["dxt"]
            dWf += gradients["dWf"]
            dWi += gradients["dWi"]
            dWc += gradients["dWc"]
            dWo += gradients["dWo"]
            dbf += gradients["dbf"]
            dbi += gradients["dbi"]
            dbc += gradients["dbc"]
            dbo += gradients["dbo"]
        da0 = gradients["da_prev"]
        gradients = {"dx": dx, "da0": da0, "dWf": dWf, "dbf": dbf, "dWi": dWi, "dbi": dbi,
                     "dWc": dWc, "dbc": dbc, "dWo": dWo, "dbo": dbo}
        return gradients
    """,
    # the classic has no GRU: the same style, for the course's GRU
    "gru_cell_forward": """
        concat = np.concatenate((a_prev, xt), axis=0)
        zt = sigmoid(np.dot(Wz, concat) + bz)
        rt = sigmoid(np.dot(Wr, concat) + br)
        hht = np.tanh(np.dot(Wh, np.concatenate((rt * a_prev, xt), axis=0)) + bh)
        a_next = zt * a_prev + (1 - zt) * hht
        yt_pred = softmax(np.dot(Wy, a_next) + by)
        cache = (a_next, a_prev, zt, rt, hht, xt, parameters)
    """,
    "gru_forward": """
        caches = []
        n_x, m, T_x = x.shape
        n_y, n_a = parameters["Wy"].shape
        a = np.zeros((n_a, m, T_x))
        y_pred = np.zeros((n_y, m, T_x))
        a_next = a0
        for t in range(T_x):
            a_next, yt_pred, cache = gru_cell_forward(x[:, :, t], a_next, parameters)
            a[:, :, t] = a_next
            y_pred[:, :, t] = yt_pred
            caches.append(cache)
        caches = (caches, x)
    """,
    "gru_cell_backward": """
        (a_next, a_prev, zt, rt, hht, xt, parameters) = cache
        n_a, m = a_next.shape
        dhht = da_next * (1 - zt) * (1 - np.square(hht))
        dzt = da_next * (a_prev - hht) * zt * (1 - zt)
        dra = np.dot(parameters["Wh"][:, :n_a].T, dhht)
        drt = dra * a_prev * rt * (1 - rt)
        concat = np.concatenate((a_prev, xt), axis=0)
        dWz = np.dot(dzt, concat.T)
        dWr = np.dot(drt, concat.T)
        dWh = np.dot(dhht, np.concatenate((rt * a_prev, xt), axis=0).T)
        dbz = np.sum(dzt, axis=1, keepdims=True)
        dbr = np.sum(drt, axis=1, keepdims=True)
        dbh = np.sum(dhht, axis=1, keepdims=True)
        da_prev = (da_next * zt + dra * rt + np.dot(parameters["Wz"][:, :n_a].T, dzt)
                   + np.dot(parameters["Wr"][:, :n_a].T, drt))
        dxt = (np.dot(parameters["Wh"][:, n_a:].T, dhht) + np.dot(parameters["Wz"][:, n_a:].T, dzt)
               + np.dot(parameters["Wr"][:, n_a:].T, drt))
        gradients = {"dxt": dxt, "da_prev": da_prev, "dWz": dWz, "dWr": dWr, "dWh": dWh,
                     "dbz": dbz, "dbr": dbr, "dbh": dbh}
        return gradients
    """,
    "gru_backward": """
        (caches, x) = caches
        (a1, a0, z1, r1, hh1, x1, parameters) = caches[0]
        n_a, m, T_x = da.shape
        n_x, m = x1.shape
        dx = np.zeros((n_x, m, T_x))
        dWz = np.zeros((n_a, n_a + n_x))
        dWr = np.zeros((n_a, n_a + n_x))
        dWh = np.zeros((n_a, n_a + n_x))
        dbz = np.zeros((n_a, 1))
        dbr = np.zeros((n_a, 1))
        dbh = np.zeros((n_a, 1))
        da_prevt = np.zeros((n_a, m))
        for t in reversed(range(T_x)):
            gradients = gru_cell_backward(da[:, :, t] + da_prevt, caches[t])
            da_prevt = gradients["da_prev"]
            dx[:, :, t] = gradients["dxt"]
            dWz += gradients["dWz"]
            dWr += gradients["dWr"]
            dWh += gradients["dWh"]
            dbz += gradients["dbz"]
            dbr += gradients["dbr"]
            dbh += gradients["dbh"]
        da0 = da_prevt
        gradients = {"dx": dx, "da0": da0, "dWz": dWz, "dWr": dWr, "dWh": dWh,
                     "dbz": dbz, "dbr": dbr, "dbh": dbh}
        return gradients
    """,
}

NOTEBOOK = next(nb for nb in NOTEBOOKS if nb.module == "step_by_step")


def classic_notebook_cells():
    """The learner release of notebook 1 up to section 5, with the classic-style bodies put in."""
    cells = release.learner_notebook(NB_DIR / NOTEBOOK.file).cells
    stop = next(i for i, c in enumerate(cells)
                if c.cell_type == "markdown" and c.source.startswith("## 5"))
    sources = []
    for cell in cells[:stop]:
        if cell.cell_type != "code":
            continue
        name = nbcells.graded_name(cell)
        source = cell.source
        if name is not None:
            stub = "\n".join(nbcells.stub_lines(name, "    "))
            assert stub in source, f"{name}: the learner cell has no stub"
            source = source.replace(stub, textwrap.indent(textwrap.dedent(CLASSIC[name]).strip(), "    "))
        sources.append((name, source))
    return sources


def test_every_exercise_has_a_classic_style_solution():
    assert set(CLASSIC) == {nbcells.graded_name(c) for _, c in nbcells.graded_cells(NB_DIR / NOTEBOOK.file)}


@pytest.mark.filterwarnings("ignore::UserWarning")
def test_classic_style_solutions_pass_every_check_cell():
    matplotlib.use("Agg")
    namespace = {"__name__": "__main__"}
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        for index, (name, source) in enumerate(classic_notebook_cells()):
            exec(compile(source, f"<notebook 1 cell {index}>", "exec"), namespace)
    printed = out.getvalue()
    for name in CLASSIC:
        assert f"✅ {name}: all" in printed, printed
    assert "✗" not in printed and "not implemented" not in printed
