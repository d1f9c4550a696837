"""Sound for notebook 2: MIDI rendered with a General MIDI SoundFont, offline.

``render(pm)`` plays a ``pretty_midi.PrettyMIDI`` through ``midirenderer`` (a Rust
SoundFont synthesiser on PyPI) with the small GM SoundFont that ``pretty_midi`` ships
(``TimGM6mb.sf2``): alto saxophone, acoustic bass, piano, drums. If that fails, it says so in
one line and falls back to ``pretty_midi``'s sine waves. ``render_folder`` writes a WAV file
beside every MIDI file of a folder (``make run`` does it for ``build/jazz/``).
"""
from __future__ import annotations

import io
import wave
from pathlib import Path

import numpy as np

from .music import write_wav
from ..i18n import _

WAV_RATE = 22050


def soundfont() -> Path:
    """The General MIDI SoundFont shipped inside ``pretty_midi``."""
    import pretty_midi
    return Path(pretty_midi.__file__).resolve().parent / "TimGM6mb.sf2"


def _wav_to_array(data: bytes) -> tuple[np.ndarray, int]:
    with wave.open(io.BytesIO(data)) as w:
        rate, channels, width = w.getframerate(), w.getnchannels(), w.getsampwidth()
        frames = w.readframes(w.getnframes())
    if width != 2:
        raise ValueError(f"expected 16-bit audio from the renderer, got {8 * width}-bit")
    audio = np.frombuffer(frames, dtype="<i2").astype(np.float64) / 32768.0
    return audio.reshape(-1, channels).mean(axis=1), rate


def _resample(audio: np.ndarray, rate: int, target: int) -> np.ndarray:
    if rate == target:
        return audio
    if rate % target == 0:  # average blocks (a crude low-pass), then keep one sample per block
        k = rate // target
        n = len(audio) // k * k
        return audio[:n].reshape(-1, k).mean(axis=1)
    t = np.arange(int(len(audio) * target / rate)) * rate / target
    return np.interp(t, np.arange(len(audio)), audio)


def _normalise(audio: np.ndarray) -> np.ndarray:
    peak = float(np.max(np.abs(audio))) if audio.size else 0.0
    return audio / peak * 0.9 if peak > 0 else audio


def render(pm, rate: int = 16000, quiet: bool = False) -> tuple[np.ndarray, str]:
    """Mono audio in [-1, 1] at ``rate`` Hz, and how it was made: ``"soundfont"`` or ``"sine"``."""
    try:
        import midirenderer
        buffer = io.BytesIO()
        pm.write(buffer)
        data = midirenderer.render_wave_from(soundfont().read_bytes(), buffer.getvalue())
        audio, native = _wav_to_array(data)
        if not audio.size or not np.any(audio):
            raise ValueError("the renderer returned silence")
        return _normalise(_resample(audio, native, rate)), "soundfont"
    except Exception as err:  # any failure of the optional renderer: fall back, say why
        if not quiet:
            print(_("SoundFont rendering failed ({error}: {message}); playing pretty_midi's "
                    "sine waves instead").format(error=type(err).__name__, message=err))
        return _normalise(pm.synthesize(fs=rate)), "sine"


def midi_to_wav(midi_path, wav_path=None, rate: int = WAV_RATE) -> tuple[Path, str]:
    """Render a MIDI file to mono 16-bit WAV (default: same name, ``.wav``); return the path
    and how it was rendered. Raises ``ValueError`` naming the file if it has no notes."""
    import pretty_midi

    midi_path = Path(midi_path)
    pm = pretty_midi.PrettyMIDI(str(midi_path))
    if not any(inst.notes for inst in pm.instruments):
        raise ValueError(f"MIDI file {midi_path} has no notes")
    sound, how = render(pm, rate=rate)
    target = midi_path.with_suffix(".wav") if wav_path is None else Path(wav_path)
    return write_wav(target, sound, rate), how


def render_folder(folder, rate: int = WAV_RATE) -> list[Path]:
    """Write ``<name>.wav`` beside every ``<name>.mid`` in ``folder`` (one line each); files
    without notes are skipped with a line saying so. Returns the WAV files written."""
    written = []
    for midi_path in sorted(Path(folder).glob("*.mid")):
        try:
            path, how = midi_to_wav(midi_path, rate=rate)
        except ValueError as err:
            print(_("skipped {name}: {error}").format(name=midi_path.name, error=err), flush=True)
            continue
        seconds = wave_seconds(path)
        print(_("wrote {name} ({seconds:.0f} s, {how})").format(
            name=path.name, seconds=seconds, how=how), flush=True)
        written.append(path)
    return written


def wave_seconds(path) -> float:
    """Length of a WAV file in seconds."""
    with wave.open(str(path)) as w:
        return w.getnframes() / w.getframerate()
