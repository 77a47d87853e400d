"""Real speech for the ear's tests, spoken by Debian's espeak-ng (22.05 kHz, 16-bit mono wav)."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from os1.voice.audio import read_wav
from os1.voice.base import Audio

Speak = Callable[[str], Audio]


@pytest.fixture(scope="session")
def speak(tmp_path_factory: pytest.TempPathFactory) -> Speak:
    """`speak(text)`: `text` as espeak-ng says it, read back with read_wav (so at espeak's own 22.05 kHz)."""
    if shutil.which("espeak-ng") is None:
        pytest.skip("espeak-ng is not installed (apt-get install espeak-ng)")
    folder = tmp_path_factory.mktemp("espeak")

    def speak(text: str) -> Audio:
        path = folder / f"{abs(hash(text))}.wav"
        if not path.exists():
            subprocess.run(["espeak-ng", "-w", str(path), text], check=True, capture_output=True, timeout=30)
        return read_wav(Path(path))

    return speak
