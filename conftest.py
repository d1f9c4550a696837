"""pytest settings shared by the unit tests and the nbval notebook replays."""
import os

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
