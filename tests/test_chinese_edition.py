"""The Chinese edition is the English course with its text swapped: code identical, generated
notebooks current, a learner release of its own, JupyterLab and plots in Chinese."""
import ast
import io
import json
import os
import re
import shutil
import stat
import subprocess
import sys
import tokenize
from pathlib import Path

import nbformat
import pytest

from helpers.instructor import edition, nbcells, release
from helpers.instructor import translations as tr
from helpers.instructor.course import NOTEBOOKS

ROOT = Path(__file__).resolve().parent.parent
STEMS = [Path(nb.file).stem for nb in NOTEBOOKS]
NB1 = "1_rnn_step_by_step"


def english(stem):
    return ROOT / "notebooks" / f"{stem}.ipynb"


def chinese_literal(text: str) -> str:
    """``text`` (a literal) with 中文 put after its first opening quote: same kind, same fields."""
    quote = next(i for i, ch in enumerate(text) if ch in "\"'")
    return text[:quote + 1] + "中文" + text[quote + 1:]


def full_table(stem):
    """A translation of every catalogued piece of the notebook (what translators will give)."""
    table = {}
    for e in tr.notebook_entries(english(stem)):
        table[e.cell_id, e.msgid] = (chinese_literal(e.msgid) if e.kind == "print" else
                                     "中文 " + e.msgid if e.kind == "comment" else "中文\n\n" + e.msgid)
    return table


def printed_strings(source):
    """Every string literal (plain or f-string) passed straight to print, with its span."""
    starts = [0, 0]
    for line in source.split("\n"):
        starts.append(starts[-1] + len(line) + 1)
    lines = source.split("\n")
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "print":
            for arg in node.args:
                if isinstance(arg, (ast.Constant, ast.JoinedStr)):
                    begin = starts[arg.lineno] + len(lines[arg.lineno - 1].encode()[:arg.col_offset].decode())
                    end = starts[arg.end_lineno] + len(
                        lines[arg.end_lineno - 1].encode()[:arg.end_col_offset].decode())
                    found.append((begin, end))
    return found


def swap_back(source, cell_id, table):
    """The translated ``source`` with every printed literal found in ``table``'s translations
    put back to its English."""
    back = {(ctx, new): old for (ctx, old), new in table.items()}
    for begin, end in sorted(printed_strings(source), reverse=True):
        old = back.get((cell_id, source[begin:end]))
        if old is not None:
            source = source[:begin] + old + source[end:]
    return source


def without_comments(source):
    """The source with every comment's text removed (the ``#`` kept)."""
    try:
        tokens = list(tokenize.generate_tokens(io.StringIO(source).readline))
    except (tokenize.TokenError, IndentationError):
        return source
    lines = source.split("\n")
    for tok in reversed([t for t in tokens if t.type == tokenize.COMMENT]):
        row, col = tok.start
        lines[row - 1] = lines[row - 1][:col] + "#" + lines[row - 1][col + len(tok.string):]
    return "\n".join(lines)


@pytest.mark.parametrize("stem", STEMS)
def test_only_text_comments_and_printed_literals_change(stem):
    table = full_table(stem)
    source = nbformat.read(str(english(stem)), as_version=4)
    translated = edition.translate_notebook(english(stem), "zh_CN", table=table)
    assert translated.metadata["rnnlab"] == {"language": "zh_CN"}
    assert {k: v for k, v in translated.metadata.items() if k != "rnnlab"} == source.metadata
    assert len(translated.cells) == len(source.cells)
    changed = 0
    for new, old in zip(translated.cells, source.cells):
        assert (new.id, new.cell_type, new.metadata) == (old.id, old.cell_type, old.metadata)
        assert new.get("outputs") == old.get("outputs")
        if old.cell_type == "markdown" and old.source.strip():
            assert new.source == "中文\n\n" + old.source
        elif old.cell_type == "code":
            assert without_comments(swap_back(new.source, new.id, table)) == without_comments(old.source)
            changed += new.source != old.source
            for line_new, line_old in zip(new.source.split("\n"), old.source.split("\n")):
                text = line_old.strip().lstrip("#").strip()
                if tr.MARKERS.match(text) or line_old.strip() in (nbcells.BEGIN, nbcells.END):
                    assert line_new == line_old, f"{stem}, cell {old.id}: a marker changed"
    entries = tr.notebook_entries(english(stem))
    assert changed == len({e.cell_id for e in entries if e.kind != "markdown"}) > 5


@pytest.mark.parametrize("stem", STEMS)
def test_graded_cells_keep_their_names_markers_and_code(stem):
    table = full_table(stem)
    translated = edition.translate_notebook(english(stem), "zh_CN", table=table)
    source = nbformat.read(str(english(stem)), as_version=4)
    graded = 0
    for new, old in zip(translated.cells, source.cells):
        if nbcells.graded_name(old) or nbcells.is_export(old):
            graded += 1
            assert nbcells.graded_name(new) == nbcells.graded_name(old)
            assert nbcells.is_export(new) == nbcells.is_export(old)
            assert [b[:2] for b in nbcells.solution_blocks(new.source)] == \
                [b[:2] for b in nbcells.solution_blocks(old.source)]
            # the code that runs is the same once the printed literals are put back
            assert ast.dump(ast.parse(nbcells.code_without_markers(swap_back(new.source, new.id, table)))) \
                == ast.dump(ast.parse(nbcells.code_without_markers(old.source)))
    assert graded >= 1


def test_untranslated_text_stays_english():
    translated = edition.translate_notebook(english(NB1), "zh_CN", table={})
    source = nbformat.read(str(english(NB1)), as_version=4)
    assert [c.source for c in translated.cells] == [c.source for c in source.cells]


def a_printed_literal(stem=NB1, fstring=True):
    return next(e for e in tr.notebook_entries(english(stem)) if e.kind == "print"
                and e.msgid.startswith("f") == fstring)


@pytest.mark.parametrize("bad, message", [
    (lambda t: t.replace("{", "{{").replace("}", "}}"), "has the fields none where the English has {"),
    (lambda t: t[1:], "must be an f-string like its English"),
    (lambda t: "最大相对误差 " + t, "is not a string literal"),
    (lambda t: t[:-1], "is not a string literal"),
])
def test_a_translated_literal_that_cannot_replace_its_english_is_refused(bad, message):
    entry = a_printed_literal()
    table = {(entry.cell_id, entry.msgid): bad(entry.msgid)}
    with pytest.raises(edition.TranslationError) as err:
        edition.translate_notebook(english(NB1), "zh_CN", table=table)
    text = str(err.value)
    assert "\n" not in text and message in text, text
    assert text.startswith(f"{NB1}, cell {entry.cell_id}: the translation of {tr.short(entry.msgid, 80)}")


@pytest.mark.parametrize("brk", ["\n", "\r"])
def test_a_comment_translation_never_breaks_its_line(brk):
    entry = next(e for e in tr.notebook_entries(english(NB1)) if e.kind == "comment")
    table = {(entry.cell_id, entry.msgid): f"注释{brk}import os"}
    with pytest.raises(edition.TranslationError, match="spans several lines") as err:
        edition.translate_notebook(english(NB1), "zh_CN", table=table)
    assert str(err.value).startswith(f"{NB1}, cell {entry.cell_id}: the translation of the comment")


def test_fields_may_move_but_not_change():
    entry = next(e for e in tr.notebook_entries(english(NB1))
                 if e.kind == "print" and e.msgid.count("{") >= 2)
    fields = re.findall(r"\{[^{}]*\}", entry.msgid)
    moved = 'f"' + "，".join(reversed(fields)) + '"'
    table = {(entry.cell_id, entry.msgid): moved}
    cell = next(c for c in edition.translate_notebook(english(NB1), "zh_CN", table=table).cells
                if c.id == entry.cell_id)
    assert moved in cell.source
    table = {(entry.cell_id, entry.msgid): moved.replace(fields[0], "{1 + 1}")}
    with pytest.raises(edition.TranslationError, match="has the fields"):
        edition.translate_notebook(english(NB1), "zh_CN", table=table)


def test_the_generated_chinese_notebooks_are_current():
    """notebooks/zh_CN/ is what `make translate` makes of today's English and catalogues."""
    assert edition.stale("zh_CN") == []
    for stem in STEMS:
        nb = nbformat.read(str(edition.edition_path(stem, "zh_CN")), as_version=4)
        code = [c for c in nb.cells if c.cell_type == "code"]
        assert all(c.execution_count for c in code), f"{stem}: not executed"


def test_a_changed_english_cell_makes_the_generated_notebook_stale(tmp_path, monkeypatch):
    (tmp_path / "zh_CN").mkdir()
    shutil.copyfile(english(NB1), tmp_path / f"{NB1}.ipynb")
    shutil.copyfile(edition.edition_path(NB1, "zh_CN"), tmp_path / "zh_CN" / f"{NB1}.ipynb")
    monkeypatch.setattr(edition, "NB_DIR", tmp_path)
    assert edition.stale("zh_CN", [NB1]) == []
    nb = nbformat.read(str(tmp_path / f"{NB1}.ipynb"), as_version=4)
    cell = next(c for c in nb.cells if c.cell_type == "code" and "print(" in c.source)
    cell.source = cell.source.replace("print(", "print('changed', ", 1)
    nbformat.write(nb, str(tmp_path / f"{NB1}.ipynb"))
    assert edition.stale("zh_CN", [NB1]) == [
        f"{tmp_path.name}/zh_CN/{NB1}.ipynb: stale, cell {cell.id} differs (run make translate)"]


# --- the learner release of either edition ---------------------------------------------------

@pytest.fixture(scope="module")
def dist_zh(tmp_path_factory):
    out = tmp_path_factory.mktemp("release") / "dist"
    release.write(out, lang="zh_CN")
    return out


@pytest.mark.parametrize("nb", NOTEBOOKS, ids=lambda nb: nb.file)
def test_the_chinese_release_is_made_from_the_chinese_notebooks(dist_zh, nb):
    learner = nbcells.read(dist_zh / nb.file)
    solved = nbcells.read(edition.edition_path(Path(nb.file).stem, "zh_CN"))
    assert learner.metadata["rnnlab"]["language"] == "zh_CN"
    assert len(learner.cells) == len(solved.cells)
    for index, (mine, theirs) in enumerate(zip(learner.cells, solved.cells)):
        name = nbcells.graded_name(theirs)
        assert not nbcells.solution_blocks(mine.source), f"{nb.file}, cell {index} holds a solution"
        source = mine.source if name is None else nbcells.solved_source(
            mine.source, theirs.source, name, f"{nb.file}, cell {index}")
        assert source == theirs.source, f"{nb.file}, cell {index} differs after the round trip"
        assert mine.get("outputs", []) == []


def test_the_release_records_its_language_and_keep_never_mixes_editions(dist_zh, tmp_path):
    assert (dist_zh / release.MARKER).read_text() == "zh_CN\n"
    assert "简体中文 (zh_CN)" in (dist_zh / "README.md").read_text(encoding="utf-8")
    assert release.released_language(dist_zh) == "zh_CN"
    english_one = tmp_path / "workspace"
    release.write(english_one, keep=True)
    assert release.released_language(english_one) == "en"
    assert nbcells.read(english_one / NOTEBOOKS[0].file).metadata["rnnlab"]["language"] == "en"
    with pytest.raises(ValueError) as err:
        release.write(english_one, keep=True, lang="zh_CN")
    assert "holds the English (en) edition, not 简体中文 (zh_CN): set RNNLAB_LANG=en" in str(err.value)


def test_make_release_follows_rnnlab_lang(tmp_path):
    env = {**os.environ, "RNNLAB_LANG": "zh_CN"}
    run = subprocess.run([sys.executable, "-m", "helpers.instructor.release", str(tmp_path / "d")],
                         cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr
    assert "简体中文 (zh_CN) 版" in run.stdout   # the Chinese edition says so in Chinese
    assert release.released_language(tmp_path / "d") == "zh_CN"
    env["RNNLAB_LANG"] = "fr"
    run = subprocess.run([sys.executable, "-m", "helpers.instructor.release", str(tmp_path / "e")],
                         cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert run.returncode == 2 and run.stderr.count("\n") == 1
    assert "RNNLAB_LANG='fr' is not a course language" in run.stderr


def test_make_lab_starts_jupyterlab_in_the_chosen_language(tmp_path):
    """`make lab`: the release in the chosen language, then JupyterLab with RNNLAB_LANG and,
    in Chinese, jupyter-config/zh_CN on the config path (a stand-in jupyter shows them)."""
    fake = tmp_path / "bin"
    fake.mkdir()
    (fake / "python").write_text(f'#!/bin/sh\nexec {sys.executable} "$@"\n')
    (fake / "jupyter").write_text("#!/bin/sh\necho \"lang=$RNNLAB_LANG config=$JUPYTER_CONFIG_PATH args=$*\"\n")
    for script in ("python", "jupyter"):
        (fake / script).chmod(stat.S_IRWXU)
    shown = {}
    for lang in ("zh_CN", "en"):
        env = {k: v for k, v in os.environ.items() if k not in ("MAKEFLAGS", "MAKELEVEL", "MFLAGS")}
        env["RNNLAB_LANG"] = lang   # (under `make test` the outer make's flags would add its own lines)
        run = subprocess.run(["make", "--no-print-directory", "-o", ".venv/.installed", "lab", f"BIN={fake}",
                              f"WORKSPACE={tmp_path / lang}"], cwd=ROOT, env=env,
                             capture_output=True, text=True, timeout=300)
        assert run.returncode == 0, run.stderr
        shown[lang] = [line for line in run.stdout.splitlines() if line.startswith("lang=")][-1]
        assert release.released_language(tmp_path / lang) == lang
    assert shown["zh_CN"].startswith(f"lang=zh_CN config={ROOT}/jupyter-config:{ROOT}/jupyter-config/zh_CN ")
    assert shown["en"].startswith(f"lang=en config={ROOT}/jupyter-config args=")


# --- JupyterLab and plots in Chinese ---------------------------------------------------------

def test_the_chinese_jupyterlab_settings_preset_the_language_pack():
    overrides = json.loads((ROOT / "jupyter-config" / "zh_CN" / "labconfig" /
                            "default_setting_overrides.json").read_text(encoding="utf-8"))
    assert overrides["@jupyterlab/translation-extension:plugin"] == {"locale": "zh_CN"}
    from jupyterlab_server.translation_utils import get_language_packs

    packs, message = get_language_packs("zh_CN")
    assert "zh_CN" in packs and not message, (sorted(packs), message)


def test_jupyterlab_serves_its_chinese_interface(tmp_path):
    """A real JupyterLab started as `make lab` starts it in Chinese: its translation setting
    says zh_CN (and the course's English settings still hold), its zh_CN strings are served."""
    from tests.test_jupyter_server import api, free_port, start_lab

    env = {**os.environ, "RNNLAB_LANG": "zh_CN",
           "JUPYTER_CONFIG_PATH": f"{ROOT}/jupyter-config:{ROOT}/jupyter-config/zh_CN"}
    (tmp_path / "root").mkdir()
    port = free_port()
    proc = start_lab(port, tmp_path / "root", env=env)
    try:
        _, setting = api(port, "/lab/api/settings/@jupyterlab/translation-extension:plugin")
        assert setting["schema"]["properties"]["locale"]["default"] == "zh_CN"
        _, notes = api(port, "/lab/api/settings/@jupyterlab/apputils-extension:notification")
        assert notes["schema"]["properties"]["fetchNews"]["default"] == "false"
        _, listed = api(port, "/lab/api/translations")
        assert listed["data"]["zh_CN"]["nativeName"].startswith("中文")
        _, packs = api(port, "/lab/api/translations/zh_CN")
        strings = json.dumps(packs["data"], ensure_ascii=False)
        assert packs["message"] == "" and "文件" in strings
    finally:
        proc.terminate()
        proc.wait(timeout=30)


FIGURE = """
import warnings, sys
import matplotlib
matplotlib.use("Agg")
import matplotlib.pyplot as plt
from helpers.notebook import setup
setup(seed=1)
warnings.simplefilter("error")
fig, ax = plt.subplots()
ax.plot([-2, 0, 2], [1, -1, 0])
ax.set_title("循环神经网络：梯度消失")
ax.set_xlabel("时间步 t")
ax.set_ylabel("损失（交叉熵）")
ax.text(0, 0, sys.argv[1])
fig.canvas.draw()
print("drawn")
"""


def catalogue_characters() -> str:
    """Every CJK character and punctuation mark of the catalogues (what plots may show)."""
    text = "".join(p.read_text(encoding="utf-8") for p in (ROOT / "locale").rglob("*.po"))
    return "".join(sorted(set(re.findall(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]", text))))


@pytest.mark.parametrize("lang, warns", [("zh_CN", False), ("en", True)])
def test_plots_show_chinese_characters_only_with_the_chinese_font(lang, warns):
    env = {**os.environ, "RNNLAB_LANG": lang, "MPLBACKEND": "Agg"}
    run = subprocess.run([sys.executable, "-c", FIGURE, "中文" + catalogue_characters()],
                         cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    missing = re.search(r"Glyph \d+ .* missing from font", run.stderr)
    if warns:  # without Noto Sans SC, matplotlib's DejaVu Sans lacks the characters
        assert run.returncode != 0 and missing, run.stderr[-500:]
    else:
        assert run.returncode == 0 and not missing and "drawn" in run.stdout, run.stderr[-500:]


def test_the_chinese_font_is_first_with_dejavu_as_fallback():
    import matplotlib

    from helpers import fonts

    with matplotlib.rc_context():
        assert fonts.use_language_font("en") is None
        name = fonts.use_language_font("zh_CN")
        assert name == "Noto Sans SC"
        assert matplotlib.rcParams["font.sans-serif"][:2] == ["Noto Sans SC", "DejaVu Sans"]
    assert fonts.font_path().is_file()


def test_nbval_replays_a_zh_cn_notebook_in_chinese(tmp_path):
    """The root conftest starts the kernel of a notebook in a zh_CN folder with
    RNNLAB_LANG=zh_CN; elsewhere the locale decides (here: English)."""
    probe = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(
        "from helpers.i18n import language\nprint(language())",
        execution_count=1, outputs=[nbformat.v4.new_output("stream", name="stdout", text="zh_CN\n")])])
    for folder in ("zh_CN", "other"):
        (tmp_path / folder).mkdir()
        nbformat.write(probe, str(tmp_path / folder / "probe.ipynb"))
    env = {k: v for k, v in os.environ.items() if k not in ("RNNLAB_LANG", "LC_ALL", "LC_MESSAGES")}
    env.update(LANG="C.UTF-8", PYTHONPATH=str(ROOT))
    outcome = {}
    for folder in ("zh_CN", "other"):
        run = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "conftest", "--nbval",
                              "--nbval-current-env", "--rootdir", str(tmp_path), "-c", os.devnull,
                              str(tmp_path / folder / "probe.ipynb")],
                             cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300)
        outcome[folder] = run.returncode, run.stdout[-300:]
    assert outcome["zh_CN"][0] == 0, outcome
    assert outcome["other"][0] == 1 and "1 failed" in outcome["other"][1], outcome


@pytest.mark.parametrize("marker, chosen, expected", [
    ("zh_CN", None, "zh_CN"), (None, None, "en"), ("zh_CN", "en", "en")])
def test_binder_start_follows_the_workspace_s_language(tmp_path, marker, chosen, expected):
    """binder/start: kernels get the workspace's language (RNNLAB_LANG at start wins), and the
    Chinese one adds jupyter-config/zh_CN to JupyterLab's config path."""
    course = tmp_path / "course"
    (course / "workspace").mkdir(parents=True)
    if marker:
        (course / "workspace" / release.MARKER).write_text(marker + "\n")
    shutil.copytree(ROOT / "binder", course / "binder")
    shutil.copytree(ROOT / "jupyter-config", course / "jupyter-config")
    env = {k: v for k, v in os.environ.items() if k not in ("JUPYTER_CONFIG_PATH", "RNNLAB_LANG")}
    env["HOME"] = str(course)
    if chosen:
        env["RNNLAB_LANG"] = chosen
    run = subprocess.run([str(course / "binder" / "start"), "sh", "-c",
                          'echo "$RNNLAB_LANG $JUPYTER_CONFIG_PATH"'],
                         env=env, capture_output=True, text=True, timeout=60)
    assert run.returncode == 0, run.stderr
    lang, config = run.stdout.split()
    assert lang == expected
    zh = f":{course}/jupyter-config/zh_CN"
    assert config == f"{course}/jupyter-config" + (zh if expected == "zh_CN" else "")


def test_the_chinese_learner_notebook_runs_to_the_end_waiting_for_each_exercise(dist_zh):
    """Notebook 1 of the Chinese release, run as a learner first opens it (in Chinese, from the
    release's own helpers): no cell ends in an error, and each exercise's cells say in one ⏳
    line that they wait for it."""
    from helpers.instructor.execute import execute

    ran = execute(dist_zh / NOTEBOOKS[0].file, timeout=300, allow_errors=True, progress=False,
                  cwd=dist_zh, env={"RNNLAB_LANG": "zh_CN"})
    errors = [(c.id, o.ename) for c in ran.cells if c.cell_type == "code"
              for o in c.outputs if o.output_type == "error"]
    assert not errors, errors
    printed = "".join(o.get("text", "") for c in ran.cells if c.cell_type == "code" for o in c.outputs)
    waiting = set(re.findall(r"^⏳ (\w+)", printed, re.M))
    graded = {nbcells.graded_name(c) for c in ran.cells} - {None}
    assert len(graded) == 12 and graded <= waiting, graded - waiting
