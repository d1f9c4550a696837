"""The code's Chinese catalogue (locale/zh_CN/LC_MESSAGES/helpers.po) and the language choice.

Every learner-facing string of ``helpers/`` is written in English inside ``_()`` / ``N_()``;
the catalogue must hold a current, complete translation of each, with the same ``{fields}``,
and a check run in Chinese must print Chinese while the English run stays as it was.
"""
import re

import polib
import pytest

from helpers import i18n
from helpers.checking import CheckFailed
from helpers.instructor import code_strings
from helpers.step_by_step import checks as sbs_checks
from tests.mutate import mutant

CJK = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture(scope="module")
def strings():
    return code_strings.collect()


@pytest.fixture(scope="module")
def catalogue():
    return polib.pofile(str(code_strings.catalogue_path("zh_CN")))


def test_the_catalogue_is_complete_and_current(strings):
    problems = code_strings.problems("zh_CN", strings)
    assert not problems, ("helpers.po is behind the code (python -m helpers.instructor.code_strings "
                          "--update, then translate):\n" + "\n".join(problems))


def test_the_code_has_many_translatable_strings(strings):
    # the checks of all four notebooks, the one-line errors, the grader: hundreds, not a handful
    assert len(strings) >= 300
    files = {f for refs in strings.values() for f, _ in refs}
    assert {"helpers/checking.py", "helpers/notebook.py", "helpers/step_by_step/checks.py",
            "helpers/jazz/checks.py", "helpers/emojify/checks.py", "helpers/variants/checks.py",
            "helpers/instructor/grading/gradebook.py", "helpers/instructor/release.py"} <= files


def dummy_values(template: str) -> dict:
    """A value per field of ``template`` that its format spec accepts."""
    values = {}
    for field in code_strings.FIELD.findall(template.replace("{{", "").replace("}}", "")):
        name, _, spec = field.partition(":")
        name = name.split("!")[0]
        values[name] = 1 if spec.endswith(("d", "x")) else 1.5 if spec and spec[-1] in "eEfFgG%" else "X"
    return values


def test_every_translation_keeps_the_fields_and_formats(catalogue):
    entries = [e for e in catalogue if not e.obsolete]
    assert entries
    for entry in entries:
        assert code_strings.fields(entry.msgstr) == code_strings.fields(entry.msgid), entry.msgid
        values = dummy_values(entry.msgid)
        entry.msgid.format(**values)
        entry.msgstr.format(**values)
        # indentation and line breaks at either end belong to the layout, not to the language
        for strip in (str.lstrip, str.rstrip):
            assert (len(entry.msgid) - len(strip(entry.msgid))
                    == len(entry.msgstr) - len(strip(entry.msgstr))), entry.msgid


def test_prose_is_translated_into_chinese_and_symbols_are_kept(catalogue):
    for entry in catalogue:
        if re.search(r"[A-Za-z]{3,} [A-Za-z]{3,} [A-Za-z]{3,}", re.sub(r"\{[^{}]*\}", "", entry.msgid)):
            assert CJK.search(entry.msgstr), f"not translated into Chinese: {entry.msgid!r}"
        for symbol in "✓✗⏳✅":
            assert (symbol in entry.msgid) == (symbol in entry.msgstr), entry.msgid


def test_a_call_without_a_literal_is_reported_on_one_line_with_its_place():
    source = ('from helpers.i18n import _\n'
              'x = _("fine {a}").format(a=1)\n'
              'y = _(f"not fine {x}")\n'
              'z = _(x)\n')
    found, errors = code_strings.strings_of(source, "helpers/demo.py")
    assert found == [("fine {a}", 2)]
    assert len(errors) == 2
    assert errors[0].startswith("helpers/demo.py:3: _() needs one plain string literal, got an f-string")
    assert errors[1].startswith("helpers/demo.py:4: _() needs one plain string literal")
    assert all("\n" not in e for e in errors)


def test_a_function_that_shadows_the_marker_is_reported():
    source = ('from helpers.i18n import _\n'
              'def f():\n'
              '    print(_("text"))\n'
              '    a, _ = 1, 2\n')
    _found, errors = code_strings.strings_of(source, "helpers/demo.py")
    assert errors == ["helpers/demo.py:4: f binds the name _ and calls _(); rename the variable"]
    fine = ('from helpers.i18n import _\n'
            'def g():\n'
            '    return [_("text") for _x in range(2)] + [1 for _ in range(2)]\n')
    assert code_strings.strings_of(fine, "helpers/demo.py") == ([("text", 3)], [])
    module_level = 'from helpers.i18n import _\nfor _ in range(3):\n    pass\nprint(_("x"))\n'
    assert code_strings.strings_of(module_level, "helpers/demo.py")[1] == [
        "helpers/demo.py:2: the module binds the name _ and calls _(); rename the variable"]


def test_collect_raises_for_a_package_with_a_bad_call(tmp_path, monkeypatch):
    package = tmp_path / "helpers"
    package.mkdir()
    (package / "bad.py").write_text('from .i18n import _\nmessage = _("a" + "b")\n')
    monkeypatch.setattr(code_strings, "ROOT", tmp_path)
    with pytest.raises(code_strings.ExtractError, match=r"^helpers/bad\.py:2: _\(\) needs"):
        code_strings.collect(package)


def test_refresh_adds_new_text_untranslated_and_marks_vanished_text_obsolete():
    po = polib.POFile()
    po.append(polib.POEntry(msgid="old {a}", msgstr="旧 {a}"))
    po.append(polib.POEntry(msgid="kept", msgstr="保留"))
    added, obsoleted = code_strings.refresh(po, {"kept": [("helpers/x.py", "3")],
                                                 "new {b}": [("helpers/x.py", "9")]})
    assert (added, obsoleted) == (1, 1)
    entries = {e.msgid: e for e in po}
    assert entries["old {a}"].obsolete and entries["old {a}"].msgstr == "旧 {a}"
    assert entries["new {b}"].msgstr == "" and not entries["new {b}"].obsolete
    assert entries["new {b}"].occurrences == [("helpers/x.py", "9")]
    assert "python-brace-format" in entries["new {b}"].flags
    assert entries["kept"].msgstr == "保留"
    # the text comes back: its old translation is used again
    code_strings.refresh(po, {"old {a}": [("helpers/x.py", "1")]})
    assert not {e.msgid: e for e in po}["old {a}"].obsolete


def test_problems_name_untranslated_fuzzy_and_obsolete_entries(tmp_path, monkeypatch):
    monkeypatch.setattr(code_strings, "LOCALE", tmp_path)
    path = code_strings.catalogue_path("zh_CN")
    path.parent.mkdir(parents=True)
    po = polib.POFile()
    po.append(polib.POEntry(msgid="untranslated", msgstr=""))
    po.append(polib.POEntry(msgid="fuzzy", msgstr="模糊", flags=["fuzzy"]))
    po.append(polib.POEntry(msgid="gone", msgstr="没了", obsolete=True))
    po.append(polib.POEntry(msgid="field {a}", msgstr="字段 {b}"))
    po.save(str(path))
    strings = {"untranslated": [("helpers/a.py", "1")], "fuzzy": [("helpers/a.py", "2")],
               "field {a}": [("helpers/a.py", "3")], "missing": [("helpers/b.py", "7")]}
    lines = code_strings.problems("zh_CN", strings)
    assert any(line.startswith("helpers/a.py:1: untranslated") for line in lines)
    assert any(line.startswith("helpers/a.py:2: fuzzy") for line in lines)
    assert any(line.startswith("helpers/a.py:3: the translation has fields") for line in lines)
    assert any(line.startswith("helpers/b.py:7: not in helpers.po") for line in lines)
    assert any("obsolete entry" in line and "'gone'" in line for line in lines)
    assert len(lines) == 5


# ------------------------------------------------------------------ choosing the language

def test_rnnlab_lang_wins_over_the_locale():
    env = {"LC_ALL": "zh_CN.UTF-8", "LANG": "zh_CN.UTF-8"}
    assert i18n.language(env) == "zh_CN"
    assert i18n.language({**env, "RNNLAB_LANG": "en"}) == "en"
    assert i18n.language({"LANG": "en_US.UTF-8", "RNNLAB_LANG": "zh_CN"}) == "zh_CN"
    assert i18n.language({"LANG": "en_US.UTF-8", "RNNLAB_LANG": "zh-CN"}) == "zh_CN"
    assert i18n.language({"LC_ALL": "C", "LANG": "zh_CN.UTF-8"}) == "en"   # LC_ALL first
    assert i18n.language({"LANG": "zh_TW.UTF-8"}) == "zh_CN"
    assert i18n.language({}) == "en"


def test_a_bad_rnnlab_lang_is_a_one_line_error_naming_it():
    with pytest.raises(i18n.LanguageError) as err:
        i18n.language({"RNNLAB_LANG": "klingon"})
    message = str(err.value)
    assert "\n" not in message and "'klingon'" in message and "zh_CN" in message


# ------------------------------------------------------------------ a real check, both languages

RNN_NO_BIAS = ("rnn_cell_forward", "+ Wax @ xt + ba)", "+ Wax @ xt)")


def failing_hint(monkeypatch, lang: str) -> str:
    monkeypatch.setenv("RNNLAB_LANG", lang)
    broken = mutant("step_by_step", *RNN_NO_BIAS)
    with pytest.raises(CheckFailed) as failed:
        sbs_checks.check_rnn_cell_forward(broken)
    return failed.value._render_traceback_()[0]


def test_a_check_speaks_the_chosen_language_and_switches_within_a_process(monkeypatch, capsys):
    english = failing_hint(monkeypatch, "en")
    assert english == ("✗ rnn_cell_forward: a_next is what you get without ba: did you forget to "
                       "add the bias ba?")
    chinese = failing_hint(monkeypatch, "zh_CN")
    assert chinese == "✗ rnn_cell_forward：a_next 等于不加 ba 时得到的值：是不是忘了加偏置 ba？"
    assert failing_hint(monkeypatch, "en") == english   # and back, in the same process
    capsys.readouterr()


def test_every_mistake_of_notebook_1_gets_a_chinese_hint(monkeypatch):
    """Each deliberate mistake of tests/test_step_by_step_mutations.py, checked in Chinese: the
    hint is Chinese (no English sentence left over from an unwrapped string)."""
    from tests.test_step_by_step_mutations import MUTANTS

    monkeypatch.setenv("RNNLAB_LANG", "zh_CN")
    for name, function, old, new, _hint in MUTANTS:
        with pytest.raises(CheckFailed) as failed:
            getattr(sbs_checks, f"check_{function}")(mutant("step_by_step", function, old, new))
        hint = failed.value.hint
        assert CJK.search(hint), f"{name}: {hint}"
        quoted = re.sub(r"\w+(Error|Exception)\b.*?\(at [^)]*\)", " ", hint)  # Python's own words
        prose = re.sub(r"\([^()]*\)|[\w.\[\]:,*+\-=/·ᵀ]+\(|'[^']*'", " ", quoted)
        assert not re.search(r"\b(the|is|must|should|your|with)\b", prose), f"{name}: {hint}"


def test_a_passing_check_prints_its_lines_in_chinese(monkeypatch, capsys):
    from helpers.instructor.graded.step_by_step import rnn_cell_forward

    monkeypatch.setenv("RNNLAB_LANG", "zh_CN")
    sbs_checks.check_rnn_cell_forward(rnn_cell_forward)
    out = capsys.readouterr().out
    assert "  ✓ n_x=3, n_a=5, n_y=2, m=10：输出和缓存与参考值一致" in out
    assert "✅ rnn_cell_forward：全部 3 项检查通过" in out


def test_an_unfinished_function_says_so_in_chinese(monkeypatch, capsys):
    def rnn_cell_forward(xt, a_prev, parameters):
        raise NotImplementedError("rnn_cell_forward: replace these two lines with your code")

    monkeypatch.setenv("RNNLAB_LANG", "zh_CN")
    sbs_checks.check_rnn_cell_forward(rnn_cell_forward)
    assert capsys.readouterr().out == "⏳ rnn_cell_forward：尚未实现\n"
    monkeypatch.setenv("RNNLAB_LANG", "en")
    sbs_checks.check_rnn_cell_forward(rnn_cell_forward)
    assert capsys.readouterr().out == "⏳ rnn_cell_forward: not implemented yet\n"
