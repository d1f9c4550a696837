"""Chinese characters in plots: Noto Sans SC for matplotlib in the Chinese edition.

The font comes from the PyPI package ``pylopdf-fonts-zh-cn`` (file
``pylopdf_fonts_zh_cn/NotoSansSC-Regular.otf``; Noto Sans SC, SIL Open Font License 1.1, see
``data/README.md``), so nothing is downloaded. :func:`use_language_font` registers it with
matplotlib and puts it first among the sans-serif fonts, DejaVu Sans (matplotlib's own, which
has the symbols Noto Sans SC lacks) kept after it as the fallback. English needs nothing.
"""
from importlib import resources
from pathlib import Path

FONT_PACKAGE = "pylopdf_fonts_zh_cn"
FONT_FILE = "NotoSansSC-Regular.otf"
FALLBACK = "DejaVu Sans"


def font_path() -> Path:
    """Where the installed package keeps Noto Sans SC."""
    return Path(str(resources.files(FONT_PACKAGE) / FONT_FILE))


def use_chinese_font() -> str:
    """Register Noto Sans SC with matplotlib and make it the first sans-serif font (DejaVu
    Sans next). Returns the font's family name."""
    import matplotlib
    from matplotlib import font_manager

    path = font_path()
    font_manager.fontManager.addfont(str(path))
    name = font_manager.FontProperties(fname=str(path)).get_name()
    rest = [f for f in matplotlib.rcParams["font.sans-serif"] if f not in (name, FALLBACK)]
    matplotlib.rcParams["font.sans-serif"] = [name, FALLBACK, *rest]
    matplotlib.rcParams["font.family"] = ["sans-serif"]
    return name


def use_language_font(lang: str | None = None) -> str | None:
    """The font the course's language needs (``lang``, default :func:`helpers.i18n.language`):
    Noto Sans SC for ``zh_CN``; None (matplotlib untouched) for English."""
    if lang is None:
        from .i18n import language

        lang = language()
    return use_chinese_font() if lang == "zh_CN" else None
