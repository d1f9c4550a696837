"""helpers.jazz.audio: MIDI rendered to WAV files, and `make run` writing them."""
import subprocess
import sys
import wave

import nbformat
import numpy as np
import pretty_midi
import pytest

from helpers.jazz import audio, music
from helpers.paths import ROOT


def tiny_midi(path, tempo=150):
    blues = music.parse_progression("Bb7 | Eb7")
    solo = music.decode(["R:=:6", "3:+:6", "5:+:12"] * 4, blues.chord_at, 70, low=55, high=80)
    pm = music.to_midi(solo, tempo=tempo, progression=blues)
    pm.write(str(path))
    return pm


def read_wav(path):
    with wave.open(str(path)) as w:
        assert (w.getnchannels(), w.getsampwidth()) == (1, 2)
        frames = np.frombuffer(w.readframes(w.getnframes()), dtype="<i2")
        return frames / 32768.0, w.getframerate()


def test_midi_to_wav_renders_with_the_soundfont(tmp_path):
    pm = tiny_midi(tmp_path / "tiny.mid")
    path, how = audio.midi_to_wav(tmp_path / "tiny.mid")
    assert path == tmp_path / "tiny.wav" and how == "soundfont"
    sound, rate = read_wav(path)
    assert rate == audio.WAV_RATE
    assert abs(len(sound) / rate - pm.get_end_time()) < 3.0
    assert 0.5 < np.abs(sound).max() <= 0.91
    assert np.sqrt(np.mean(sound ** 2)) > 0.02     # sound, not near-silence


def test_render_folder_writes_one_wav_per_midi_and_names_empty_files(tmp_path, capsys):
    tiny_midi(tmp_path / "a.mid")
    tiny_midi(tmp_path / "b.mid", tempo=220)
    pretty_midi.PrettyMIDI().write(str(tmp_path / "empty.mid"))
    written = audio.render_folder(tmp_path)
    assert [p.name for p in written] == ["a.wav", "b.wav"]
    assert not (tmp_path / "empty.wav").exists()
    out = capsys.readouterr().out
    assert f"skipped empty.mid: MIDI file {tmp_path / 'empty.mid'} has no notes" in out
    with pytest.raises(ValueError, match="has no notes"):
        audio.midi_to_wav(tmp_path / "empty.mid")


def test_make_run_executor_writes_wav_beside_the_notebooks_midi(tmp_path):
    """`make run` (execute --out build/notebooks): the notebook's MIDI in build/jazz gets a WAV."""
    nb = nbformat.v4.new_notebook(metadata={"kernelspec": {"name": "python3", "display_name": "Python 3",
                                                           "language": "python"}})
    nb.cells = [nbformat.v4.new_code_cell(
        "import pretty_midi\n"
        "from helpers.paths import build_dir\n"
        "pm = pretty_midi.PrettyMIDI()\n"
        "sax = pretty_midi.Instrument(program=65, name='solo')\n"
        "sax.notes = [pretty_midi.Note(velocity=90, pitch=60 + k, start=0.5 * k, end=0.5 * k + 0.4) "
        "for k in range(6)]\n"
        "pm.instruments.append(sax)\n"
        "pm.write(str(build_dir('jazz') / 'tiny.mid'))\n"
        "pretty_midi.PrettyMIDI().write(str(build_dir('jazz') / 'empty.mid'))")]
    source = tmp_path / "demo.ipynb"
    nbformat.write(nb, str(source))
    out = tmp_path / "build" / "notebooks"
    run = subprocess.run([sys.executable, "-m", "helpers.instructor.execute", str(source),
                          "--out", str(out)], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stdout + run.stderr[-2000:]
    jazz = tmp_path / "build" / "jazz"
    assert sorted(p.name for p in jazz.iterdir()) == ["empty.mid", "tiny.mid", "tiny.wav"]
    sound, rate = read_wav(jazz / "tiny.wav")
    assert 2.5 < len(sound) / rate < 6 and np.abs(sound).max() > 0.5
    assert "wrote tiny.wav" in run.stdout and "skipped empty.mid" in run.stdout
