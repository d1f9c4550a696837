"""pytest settings shared by the unit tests and the nbval notebook replays."""
import os

import pytest

from helpers.i18n import LANGUAGES, SOURCE

# The tests and the stored notebook outputs are the English edition: a Chinese locale (LANG=zh_CN)
# must not change them. RNNLAB_LANG set on purpose still wins; tests of the Chinese edition set it.
os.environ.setdefault("RNNLAB_LANG", "en")

# Outputs nbval never compares: stderr (TensorFlow and warning noise), pictures, widgets,
# HTML renderings. Their content is checked by assertions inside the notebooks instead.
NBVAL_SKIP = ("stderr", "image/png", "image/svg+xml", "text/html",
              "application/vnd.jupyter.widget-view+json", "application/javascript")


def pytest_collectstart(collector):
    if collector.fspath and collector.fspath.ext == ".ipynb":
        collector.skip_compare += NBVAL_SKIP


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_setup(item):
    """A generated edition's notebook (``notebooks/zh_CN/``) replays in its language: the
    kernel, started while its first cell is set up, sees ``RNNLAB_LANG=zh_CN``, as when
    ``make translate`` ran it."""
    lang = item.path.parent.name if item.path.suffix == ".ipynb" else SOURCE
    if lang == SOURCE or lang not in LANGUAGES:
        yield
        return
    saved = os.environ.get("RNNLAB_LANG")
    os.environ["RNNLAB_LANG"] = lang
    try:
        yield
    finally:
        if saved is None:
            os.environ.pop("RNNLAB_LANG", None)
        else:
            os.environ["RNNLAB_LANG"] = saved
