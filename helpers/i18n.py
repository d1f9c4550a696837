"""The course's language: English (the source) or Simplified Chinese (``zh_CN``).

``RNNLAB_LANG`` (``en`` or ``zh_CN``) chooses; without it the user's locale does
(``LC_ALL``, ``LC_MESSAGES``, ``LANG``, the first one set): ``zh...`` gives Chinese, anything
else English. Learner-facing strings in code are written in English and wrapped in
:func:`_`, which looks them up in ``locale/<lang>/LC_MESSAGES/helpers.po``; text with fields
is a template, ``_("got {shape}").format(shape=...)``, so translators see it once.
Text that must be written before the language is known (a module-level table of hints) is
marked with :func:`N_` and translated where it is used, with :func:`gettext`.
``python -m helpers.instructor.code_strings --update`` collects every ``_()`` and ``N_()``
into the catalogue.

The language is read at every call (never cached), so changing ``RNNLAB_LANG`` takes effect
at once; only the catalogues are cached, one per language.
"""
import functools
import os
from pathlib import Path

LANGUAGES = ("en", "zh_CN")
SOURCE = "en"
LOCALE = Path(__file__).resolve().parent.parent / "locale"


class LanguageError(ValueError):
    """``RNNLAB_LANG`` names a language the course does not have."""


def language(environ=None) -> str:
    """The language chosen by ``RNNLAB_LANG`` or else the locale: ``"en"`` or ``"zh_CN"``."""
    environ = os.environ if environ is None else environ
    chosen = environ.get("RNNLAB_LANG", "").strip()
    if chosen:
        for lang in LANGUAGES:
            if chosen.replace("-", "_").lower() in (lang.lower(), lang.split("_")[0].lower()):
                return lang
        raise LanguageError(f"RNNLAB_LANG={chosen!r} is not a course language; use one of "
                            f"{', '.join(LANGUAGES)}")
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = environ.get(name, "")
        if value:
            return "zh_CN" if value.lower().startswith("zh") else SOURCE
    return SOURCE


@functools.lru_cache(maxsize=None)
def catalogue(lang: str, domain: str = "helpers") -> dict:
    """``{English: translation}`` of ``domain`` in ``lang`` (translated, current entries only)."""
    path = LOCALE / lang / "LC_MESSAGES" / f"{domain}.po"
    if lang == SOURCE or not path.exists():
        return {}
    import polib

    return {e.msgid: e.msgstr for e in polib.pofile(str(path))
            if e.msgstr and not e.obsolete and "fuzzy" not in e.flags}


def gettext(text: str) -> str:
    """``text`` in the course's language (``text`` itself in English or when untranslated)."""
    return catalogue(language()).get(text, text)


def _(text: str) -> str:
    """:func:`gettext` of a string literal (the catalogue's extractor collects the literal)."""
    return gettext(text)


def N_(text: str) -> str:
    """Mark the literal ``text`` for the catalogue without translating it now (a table of hints
    built at import time); translate it where it is shown, with :func:`gettext`."""
    return text
