"""Does the voice sound finished? Smart Turn v3.2, an audio end-of-turn model, on the speech so far.

Words alone miss what the voice says: "So yesterday." reads as a sentence, but said with a rising, held tone it
is the start of one. Smart Turn (Daily, BSD-2-Clause; a Whisper-tiny encoder with a classifier, 8 MB, 8-bit)
hears the last 8 s of the utterance and gives the probability that the speaker has finished. It ships inside
the pipecat-ai wheel, which OS1 installs without its dependencies only for this file (scripts/bootstrap); its
log-mel features come from the numpy-only module next to it in the same wheel (no transformers, no torch).
Neither is imported through the pipecat package (whose __init__ needs its full dependencies): both are found by
path. One call took ~300 ms on one core of a heavily loaded 2-core machine: the live loop asks it once per pause,
on a worker thread, beside Whisper, and only when asked to (`os1 talk --hear-voice`): on espeak-ng and Piper
speech (68 sentences, each judged cut at its mid-sentence pause and whole) it told the two apart no better than
chance (AUC 0.48), so it is not trusted by default until it is shown to help on real recordings.
"""

from __future__ import annotations

import importlib.util
import logging
from functools import lru_cache
from pathlib import Path
from types import ModuleType
from typing import Any

import numpy as np

from os1.voice.base import EAR_RATE, Samples

WINDOW_S = 8  # what the model hears: the utterance's last 8 s, silence-padded in front when shorter
PIP_LINE = "--no-deps pipecat-ai==1.14.0"
_HERE = ("audio", "turn", "smart_turn")
log = logging.getLogger(__name__)


def _pipecat_dir() -> Path | None:
    spec = importlib.util.find_spec("pipecat")  # finds the package without running its __init__
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(next(iter(spec.submodule_search_locations))).joinpath(*_HERE)


def model_path() -> Path | None:
    """The Smart Turn v3.2 ONNX file, where the pipecat-ai wheel put it (None when it is not installed)."""
    folder = _pipecat_dir()
    path = folder / "data" / "smart-turn-v3.2-cpu.onnx" if folder is not None else None
    return path if path is not None and path.is_file() else None


def _features_module(folder: Path) -> ModuleType:
    spec = importlib.util.spec_from_file_location("os1_smart_turn_features", folder / "_whisper_features.py")
    if spec is None or spec.loader is None:
        raise ImportError(f"no Smart Turn feature extractor in {folder}")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


class SmartTurn:
    """The probability (0–1) that an utterance, as heard so far, is finished. Thread-safe."""

    def __init__(self, path: Path) -> None:
        import onnxruntime

        options = onnxruntime.SessionOptions()
        # one thread: the turn's end is when the model, Whisper and the language model all want the two cores
        options.intra_op_num_threads = 1
        options.inter_op_num_threads = 1
        options.log_severity_level = 3
        self._session: Any = onnxruntime.InferenceSession(str(path), sess_options=options,
                                                          providers=["CPUExecutionProvider"])
        self._features: Any = _features_module(path.parent.parent).compute_whisper_log_mel_features

    def probability(self, speech: Samples) -> float:
        """`speech`: the utterance at EAR_RATE, float32, ending where the pause began."""
        window = WINDOW_S * EAR_RATE
        audio = np.asarray(speech[-window:], dtype=np.float32)
        if len(audio) < window:
            audio = np.pad(audio, (window - len(audio), 0))
        features = self._features(audio, do_normalize=True).astype(np.float32)
        out = self._session.run(None, {"input_features": features[None]})
        return float(np.asarray(out[0]).reshape(-1)[0])


@lru_cache(maxsize=1)
def shared() -> SmartTurn | None:
    """The one Smart Turn model of this process, or None (words alone judge the pause) when it is missing."""
    path = model_path()
    if path is None:
        log.warning("The audio end-of-turn model (Smart Turn) is not installed, so pauses are judged by words "
                    "alone and a slow speaker is cut off more often. Install it: %s", PIP_LINE)
        return None
    return SmartTurn(path)
