"""Generated from notebooks/1_rnn_step_by_step.ipynb by `python -m helpers.instructor.export`: do not edit.

Edit the graded cells of the notebook instead, then run `make export`.
"""


# EXPORT
import numpy as np


def sigmoid(x):
    """Logistic function 1 / (1 + exp(-x)), elementwise; any shape."""
    return 1 / (1 + np.exp(-x))


def softmax(x):
    """Softmax over axis 0 of x (n_y, m): each column becomes a probability distribution."""
    e_x = np.exp(x - np.max(x, axis=0, keepdims=True))
    return e_x / e_x.sum(axis=0, keepdims=True)


# GRADED FUNCTION: rnn_cell_forward
def rnn_cell_forward(xt, a_prev, parameters):
    """One time step of a basic RNN.

    Arguments:
    xt -- input at step t, (n_x, m)
    a_prev -- hidden state of step t-1, (n_a, m)
    parameters -- dict with Wax (n_a, n_x), Waa (n_a, n_a), Wya (n_y, n_a), ba (n_a, 1), by (n_y, 1)

    Returns:
    a_next -- hidden state of step t, (n_a, m)
    yt_pred -- prediction at step t, (n_y, m)
    cache -- tuple (a_next, a_prev, xt, parameters) for the backward pass
    """
    Wax, Waa, Wya = parameters["Wax"], parameters["Waa"], parameters["Wya"]
    ba, by = parameters["ba"], parameters["by"]
    # Your code (≈ 3 lines) must define: a_next, yt_pred, cache
    a_next = np.tanh(Waa @ a_prev + Wax @ xt + ba)
    yt_pred = softmax(Wya @ a_next + by)
    cache = (a_next, a_prev, xt, parameters)
    return a_next, yt_pred, cache


# GRADED FUNCTION: rnn_forward
def rnn_forward(x, a0, parameters):
    """Run the basic RNN over a whole sequence.

    Arguments:
    x -- inputs of every step, (n_x, m, T_x)
    a0 -- initial hidden state, (n_a, m)
    parameters -- dict as for rnn_cell_forward

    Returns:
    a -- hidden states of every step, (n_a, m, T_x)
    y_pred -- predictions of every step, (n_y, m, T_x)
    caches -- tuple (list of the T_x cell caches, x)
    """
    # Your code (≈ 12 lines) must define: a, y_pred, caches
    n_x, m, T_x = x.shape
    n_y, n_a = parameters["Wya"].shape
    a = np.zeros((n_a, m, T_x))
    y_pred = np.zeros((n_y, m, T_x))
    caches = []
    a_next = a0
    for t in range(T_x):
        a_next, yt_pred, cache = rnn_cell_forward(x[:, :, t], a_next, parameters)
        a[:, :, t] = a_next
        y_pred[:, :, t] = yt_pred
        caches.append(cache)
    caches = (caches, x)
    return a, y_pred, caches


# GRADED FUNCTION: lstm_cell_forward
def lstm_cell_forward(xt, a_prev, c_prev, parameters):
    """One time step of an LSTM.

    Arguments:
    xt -- input at step t, (n_x, m)
    a_prev -- hidden state of step t-1, (n_a, m)
    c_prev -- cell state of step t-1, (n_a, m)
    parameters -- dict with Wf, Wi, Wc, Wo (n_a, n_a + n_x), bf, bi, bc, bo (n_a, 1),
                  Wy (n_y, n_a), by (n_y, 1); the gates act on concat = [a_prev; xt]

    Returns:
    a_next -- hidden state of step t, (n_a, m)
    c_next -- cell state of step t, (n_a, m)
    yt_pred -- prediction at step t, (n_y, m)
    cache -- tuple (a_next, c_next, a_prev, c_prev, ft, it, cct, ot, xt, parameters)
    """
    Wf, bf, Wi, bi = parameters["Wf"], parameters["bf"], parameters["Wi"], parameters["bi"]
    Wc, bc, Wo, bo = parameters["Wc"], parameters["bc"], parameters["Wo"], parameters["bo"]
    Wy, by = parameters["Wy"], parameters["by"]
    # Your code (≈ 9 lines) must define: a_next, c_next, yt_pred, cache
    concat = np.concatenate([a_prev, xt], axis=0)
    ft = sigmoid(Wf @ concat + bf)
    it = sigmoid(Wi @ concat + bi)
    cct = np.tanh(Wc @ concat + bc)
    c_next = ft * c_prev + it * cct
    ot = sigmoid(Wo @ concat + bo)
    a_next = ot * np.tanh(c_next)
    yt_pred = softmax(Wy @ a_next + by)
    cache = (a_next, c_next, a_prev, c_prev, ft, it, cct, ot, xt, parameters)
    return a_next, c_next, yt_pred, cache


# GRADED FUNCTION: lstm_forward
def lstm_forward(x, a0, parameters):
    """Run the LSTM over a whole sequence; the cell state starts at zeros.

    Arguments:
    x -- inputs of every step, (n_x, m, T_x)
    a0 -- initial hidden state, (n_a, m)
    parameters -- dict as for lstm_cell_forward

    Returns:
    a -- hidden states, (n_a, m, T_x)
    y_pred -- predictions, (n_y, m, T_x)
    c -- cell states, (n_a, m, T_x)
    caches -- tuple (list of the T_x cell caches, x)
    """
    # Your code (≈ 14 lines) must define: a, y_pred, c, caches
    n_x, m, T_x = x.shape
    n_y, n_a = parameters["Wy"].shape
    a = np.zeros((n_a, m, T_x))
    c = np.zeros((n_a, m, T_x))
    y_pred = np.zeros((n_y, m, T_x))
    caches = []
    a_next, c_next = a0, np.zeros((n_a, m))
    for t in range(T_x):
        a_next, c_next, yt_pred, cache = lstm_cell_forward(x[:, :, t], a_next, c_next, parameters)
        a[:, :, t] = a_next
        c[:, :, t] = c_next
        y_pred[:, :, t] = yt_pred
        caches.append(cache)
    caches = (caches, x)
    return a, y_pred, c, caches


# GRADED FUNCTION: rnn_cell_backward
def rnn_cell_backward(da_next, cache):
    """Backward pass through one RNN step.

    Arguments:
    da_next -- gradient of the loss with respect to a_next, (n_a, m)
    cache -- (a_next, a_prev, xt, parameters) from rnn_cell_forward

    Returns:
    gradients -- dict with dxt (n_x, m), da_prev (n_a, m), dWax (n_a, n_x),
                 dWaa (n_a, n_a), dba (n_a, 1)
    """
    a_next, a_prev, xt, parameters = cache
    Wax, Waa = parameters["Wax"], parameters["Waa"]
    # Your code (≈ 6 lines) must define: dxt, da_prev, dWax, dWaa, dba
    dtanh = da_next * (1 - a_next ** 2)
    dxt = Wax.T @ dtanh
    dWax = dtanh @ xt.T
    da_prev = Waa.T @ dtanh
    dWaa = dtanh @ a_prev.T
    dba = np.sum(dtanh, axis=1, keepdims=True)
    return {"dxt": dxt, "da_prev": da_prev, "dWax": dWax, "dWaa": dWaa, "dba": dba}


# GRADED FUNCTION: rnn_backward
def rnn_backward(da, caches):
    """Backward pass through a whole RNN sequence.

    Arguments:
    da -- upstream gradient with respect to the hidden state of every step, (n_a, m, T_x)
    caches -- (list of cell caches, x) from rnn_forward

    Returns:
    gradients -- dict with dx (n_x, m, T_x), da0 (n_a, m), dWax (n_a, n_x),
                 dWaa (n_a, n_a), dba (n_a, 1)
    """
    # Your code (≈ 16 lines) must define: dx, da0, dWax, dWaa, dba
    cell_caches, x = caches
    n_x, m, T_x = x.shape
    n_a = da.shape[0]
    dx = np.zeros((n_x, m, T_x))
    dWax = np.zeros((n_a, n_x))
    dWaa = np.zeros((n_a, n_a))
    dba = np.zeros((n_a, 1))
    da_prevt = np.zeros((n_a, m))
    for t in reversed(range(T_x)):
        step = rnn_cell_backward(da[:, :, t] + da_prevt, cell_caches[t])
        dx[:, :, t] = step["dxt"]
        dWax += step["dWax"]
        dWaa += step["dWaa"]
        dba += step["dba"]
        da_prevt = step["da_prev"]
    da0 = da_prevt
    return {"dx": dx, "da0": da0, "dWax": dWax, "dWaa": dWaa, "dba": dba}


# GRADED FUNCTION: lstm_cell_backward
def lstm_cell_backward(da_next, dc_next, cache):
    """Backward pass through one LSTM step.

    Arguments:
    da_next -- gradient with respect to a_next, (n_a, m)
    dc_next -- gradient with respect to c_next, (n_a, m)
    cache -- (a_next, c_next, a_prev, c_prev, ft, it, cct, ot, xt, parameters)

    Returns:
    gradients -- dict with dxt (n_x, m), da_prev (n_a, m), dc_prev (n_a, m),
                 dWf, dWi, dWc, dWo (n_a, n_a + n_x), dbf, dbi, dbc, dbo (n_a, 1)
    """
    a_next, c_next, a_prev, c_prev, ft, it, cct, ot, xt, parameters = cache
    n_a = a_next.shape[0]
    Wf, Wi, Wc, Wo = parameters["Wf"], parameters["Wi"], parameters["Wc"], parameters["Wo"]
    # Your code (≈ 19 lines) must define: dxt, da_prev, dc_prev, dWf, dWi,
    #     dWc, dWo, dbf, dbi, dbc, dbo
    tanh_c = np.tanh(c_next)
    dc = dc_next + da_next * ot * (1 - tanh_c ** 2)
    dot = da_next * tanh_c * ot * (1 - ot)
    dcct = dc * it * (1 - cct ** 2)
    dit = dc * cct * it * (1 - it)
    dft = dc * c_prev * ft * (1 - ft)
    concat = np.concatenate([a_prev, xt], axis=0)
    dWf = dft @ concat.T
    dWi = dit @ concat.T
    dWc = dcct @ concat.T
    dWo = dot @ concat.T
    dbf = np.sum(dft, axis=1, keepdims=True)
    dbi = np.sum(dit, axis=1, keepdims=True)
    dbc = np.sum(dcct, axis=1, keepdims=True)
    dbo = np.sum(dot, axis=1, keepdims=True)
    dconcat = Wf.T @ dft + Wi.T @ dit + Wc.T @ dcct + Wo.T @ dot
    da_prev = dconcat[:n_a]
    dxt = dconcat[n_a:]
    dc_prev = dc * ft
    return {"dxt": dxt, "da_prev": da_prev, "dc_prev": dc_prev,
            "dWf": dWf, "dWi": dWi, "dWc": dWc, "dWo": dWo,
            "dbf": dbf, "dbi": dbi, "dbc": dbc, "dbo": dbo}


# GRADED FUNCTION: lstm_backward
def lstm_backward(da, caches):
    """Backward pass through a whole LSTM sequence (no gradient arrives at the cell states).

    Arguments:
    da -- upstream gradient with respect to the hidden state of every step, (n_a, m, T_x)
    caches -- (list of cell caches, x) from lstm_forward

    Returns:
    gradients -- dict with dx (n_x, m, T_x), da0 (n_a, m), dWf, dWi, dWc, dWo (n_a, n_a + n_x),
                 dbf, dbi, dbc, dbo (n_a, 1)
    """
    # Your code (≈ 20 lines) must define: dx, da0, dWf, dWi, dWc, dWo, dbf, dbi, dbc, dbo
    cell_caches, x = caches
    n_x, m, T_x = x.shape
    n_a = da.shape[0]
    dx = np.zeros((n_x, m, T_x))
    dWf, dWi, dWc, dWo = (np.zeros((n_a, n_a + n_x)) for _ in range(4))
    dbf, dbi, dbc, dbo = (np.zeros((n_a, 1)) for _ in range(4))
    da_prevt, dc_prevt = np.zeros((n_a, m)), np.zeros((n_a, m))
    for t in reversed(range(T_x)):
        step = lstm_cell_backward(da[:, :, t] + da_prevt, dc_prevt, cell_caches[t])
        dx[:, :, t] = step["dxt"]
        dWf += step["dWf"]
        dWi += step["dWi"]
        dWc += step["dWc"]
        dWo += step["dWo"]
        dbf += step["dbf"]
        dbi += step["dbi"]
        dbc += step["dbc"]
        dbo += step["dbo"]
        da_prevt, dc_prevt = step["da_prev"], step["dc_prev"]
    da0 = da_prevt
    return {"dx": dx, "da0": da0, "dWf": dWf, "dWi": dWi, "dWc": dWc, "dWo": dWo,
            "dbf": dbf, "dbi": dbi, "dbc": dbc, "dbo": dbo}


# GRADED FUNCTION: gru_cell_forward
def gru_cell_forward(xt, a_prev, parameters):
    """One time step of a GRU (reset gate applied before the recurrent product).

    Arguments:
    xt -- input at step t, (n_x, m)
    a_prev -- hidden state of step t-1, (n_a, m)
    parameters -- dict with Wz, Wr, Wh (n_a, n_a + n_x), bz, br, bh (n_a, 1),
                  Wy (n_y, n_a), by (n_y, 1)

    Returns:
    a_next -- hidden state of step t, (n_a, m)
    yt_pred -- prediction at step t, (n_y, m)
    cache -- tuple (a_next, a_prev, zt, rt, hht, xt, parameters)
    """
    Wz, bz, Wr, br = parameters["Wz"], parameters["bz"], parameters["Wr"], parameters["br"]
    Wh, bh, Wy, by = parameters["Wh"], parameters["bh"], parameters["Wy"], parameters["by"]
    # Your code (≈ 7 lines) must define: a_next, yt_pred, cache
    concat = np.concatenate([a_prev, xt], axis=0)
    zt = sigmoid(Wz @ concat + bz)
    rt = sigmoid(Wr @ concat + br)
    hht = np.tanh(Wh @ np.concatenate([rt * a_prev, xt], axis=0) + bh)
    a_next = zt * a_prev + (1 - zt) * hht
    yt_pred = softmax(Wy @ a_next + by)
    cache = (a_next, a_prev, zt, rt, hht, xt, parameters)
    return a_next, yt_pred, cache


# GRADED FUNCTION: gru_forward
def gru_forward(x, a0, parameters):
    """Run the GRU over a whole sequence.

    Arguments:
    x -- inputs of every step, (n_x, m, T_x)
    a0 -- initial hidden state, (n_a, m)
    parameters -- dict as for gru_cell_forward

    Returns:
    a -- hidden states, (n_a, m, T_x)
    y_pred -- predictions, (n_y, m, T_x)
    caches -- tuple (list of the T_x cell caches, x)
    """
    # Your code (≈ 12 lines) must define: a, y_pred, caches
    n_x, m, T_x = x.shape
    n_y, n_a = parameters["Wy"].shape
    a = np.zeros((n_a, m, T_x))
    y_pred = np.zeros((n_y, m, T_x))
    caches = []
    a_next = a0
    for t in range(T_x):
        a_next, yt_pred, cache = gru_cell_forward(x[:, :, t], a_next, parameters)
        a[:, :, t] = a_next
        y_pred[:, :, t] = yt_pred
        caches.append(cache)
    caches = (caches, x)
    return a, y_pred, caches


# GRADED FUNCTION: gru_cell_backward
def gru_cell_backward(da_next, cache):
    """Backward pass through one GRU step.

    Arguments:
    da_next -- gradient with respect to a_next, (n_a, m)
    cache -- (a_next, a_prev, zt, rt, hht, xt, parameters) from gru_cell_forward

    Returns:
    gradients -- dict with dxt (n_x, m), da_prev (n_a, m), dWz, dWr, dWh (n_a, n_a + n_x),
                 dbz, dbr, dbh (n_a, 1)
    """
    a_next, a_prev, zt, rt, hht, xt, parameters = cache
    n_a = a_next.shape[0]
    Wz, Wr, Wh = parameters["Wz"], parameters["Wr"], parameters["Wh"]
    # Your code (≈ 15 lines) must define: dxt, da_prev, dWz, dWr, dWh, dbz, dbr, dbh
    dhht = da_next * (1 - zt) * (1 - hht ** 2)
    dzt = da_next * (a_prev - hht) * zt * (1 - zt)
    dreset_in = Wh.T @ dhht
    dra = dreset_in[:n_a]
    drt = dra * a_prev * rt * (1 - rt)
    concat = np.concatenate([a_prev, xt], axis=0)
    dWz = dzt @ concat.T
    dWr = drt @ concat.T
    dWh = dhht @ np.concatenate([rt * a_prev, xt], axis=0).T
    dbz = np.sum(dzt, axis=1, keepdims=True)
    dbr = np.sum(drt, axis=1, keepdims=True)
    dbh = np.sum(dhht, axis=1, keepdims=True)
    dconcat = Wz.T @ dzt + Wr.T @ drt
    da_prev = da_next * zt + dra * rt + dconcat[:n_a]
    dxt = dreset_in[n_a:] + dconcat[n_a:]
    return {"dxt": dxt, "da_prev": da_prev, "dWz": dWz, "dWr": dWr, "dWh": dWh,
            "dbz": dbz, "dbr": dbr, "dbh": dbh}


# GRADED FUNCTION: gru_backward
def gru_backward(da, caches):
    """Backward pass through a whole GRU sequence.

    Arguments:
    da -- upstream gradient with respect to the hidden state of every step, (n_a, m, T_x)
    caches -- (list of cell caches, x) from gru_forward

    Returns:
    gradients -- dict with dx (n_x, m, T_x), da0 (n_a, m), dWz, dWr, dWh (n_a, n_a + n_x),
                 dbz, dbr, dbh (n_a, 1)
    """
    # Your code (≈ 18 lines) must define: dx, da0, dWz, dWr, dWh, dbz, dbr, dbh
    cell_caches, x = caches
    n_x, m, T_x = x.shape
    n_a = da.shape[0]
    dx = np.zeros((n_x, m, T_x))
    dWz, dWr, dWh = (np.zeros((n_a, n_a + n_x)) for _ in range(3))
    dbz, dbr, dbh = (np.zeros((n_a, 1)) for _ in range(3))
    da_prevt = np.zeros((n_a, m))
    for t in reversed(range(T_x)):
        step = gru_cell_backward(da[:, :, t] + da_prevt, cell_caches[t])
        dx[:, :, t] = step["dxt"]
        dWz += step["dWz"]
        dWr += step["dWr"]
        dWh += step["dWh"]
        dbz += step["dbz"]
        dbr += step["dbr"]
        dbh += step["dbh"]
        da_prevt = step["da_prev"]
    da0 = da_prevt
    return {"dx": dx, "da0": da0, "dWz": dWz, "dWr": dWr, "dWh": dWh,
            "dbz": dbz, "dbr": dbr, "dbh": dbh}


__all__ = ['rnn_cell_forward', 'rnn_forward', 'lstm_cell_forward', 'lstm_forward', 'rnn_cell_backward', 'rnn_backward', 'lstm_cell_backward', 'lstm_backward', 'gru_cell_forward', 'gru_forward', 'gru_cell_backward', 'gru_backward']
