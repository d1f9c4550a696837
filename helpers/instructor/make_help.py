"""What ``make help`` prints, in the course's language (``helpers.i18n``: RNNLAB_LANG, else the
locale). It needs no virtual environment: any Python 3 runs it, and without polib the lines stay
English."""
from ..i18n import N_, gettext

LINES = (
    ("make lab", N_("install, write workspace/ (learner notebooks) if missing, start JupyterLab")),
    ("make run", N_("execute every notebook headless into build/ (build/jazz: MIDI and WAV; "
                    "build/figures)")),
    ("make test", N_("unit tests + nbval replay of every notebook, both editions")),
    ("make test-float-path", N_("notebook 2 replayed on the other float path (oneDNN on/off)")),
    ("make test-browser", N_("a learner's path in JupyterLab, in headless Chromium (Playwright)")),
    ("make release", N_("write the learner version into dist/ (RNNLAB_LANG=zh_CN: the Chinese "
                        "edition)")),
    ("make translations", N_("add new English text to the catalogues in locale/, mark old text "
                             "obsolete")),
    ("make translate", N_("regenerate the Chinese notebooks notebooks/zh_CN/ (translate, then run)")),
    ("make check-translations", N_("list untranslated or stale catalogue entries and stale zh_CN "
                                   "notebooks")),
    ("make grade NB=path [JOBS=2 | SCHEDULER=tcp://host:8786]",
     N_("grade a notebook, a folder of them, or of student folders")),
    ("make export", N_("regenerate helpers/instructor/graded/ from the notebooks' graded cells")),
    ("make execute NB=notebooks/X.ipynb", N_("re-run a notebook in place (refresh outputs)")),
    ("make bench", N_("run the benchmark scripts")),
    ("make upgrade", N_("re-resolve the newest versions, re-run every notebook, update the lock "
                        "files")),
)


def shown(text: str) -> str:
    """``text`` translated, or as it is where the catalogue cannot be read (no polib)."""
    try:
        return gettext(text)
    except ImportError:
        return text


def main() -> None:
    width = max(len(command) for command, _ in LINES if len(command) <= 24)
    for command, text in LINES:
        if len(command) > width:
            print(command)
            print(" " * (width + 2) + shown(text))
        else:
            print(f"{command:<{width}}  {shown(text)}")


if __name__ == "__main__":
    main()
