"""pytest settings shared by the unit tests and the nbval notebook replays."""

# Outputs nbval never compares: stderr (TensorFlow and warning noise), pictures, widgets,
# HTML renderings. Their content is checked by assertions inside the notebooks instead.
NBVAL_SKIP = ("stderr", "image/png", "image/svg+xml", "text/html",
              "application/vnd.jupyter.widget-view+json", "application/javascript")


def pytest_collectstart(collector):
    if collector.fspath and collector.fspath.ext == ".ipynb":
        collector.skip_compare += NBVAL_SKIP
