"""The player's seam: it starts on the opening phrase and carries on, from the same sample, into the whole piece
once that has rendered (driven here without a sound card: the PortAudio callback is called directly)."""

from __future__ import annotations

import types
from pathlib import Path

import numpy as np
import pytest
import soundfile

from os1.music.player import Player


class Stop(Exception):
    pass


def test_the_opening_then_the_whole_piece_from_the_same_sample(tmp_path: Path) -> None:
    rate = 8000
    whole = np.random.default_rng(0).uniform(-0.5, 0.5, (rate * 3, 2)).astype(np.float32)
    player = Player()
    player._sd = types.SimpleNamespace(CallbackStop=Stop)
    player._samples, player._whole = whole[:rate].copy(), False  # the opening: the first second
    heard = []
    for _ in range(3):  # 0.75 s of the opening
        out = np.zeros((2000, 2), dtype=np.float32)
        player._fill(out, 2000, None, None)
        heard.append(out)
    late = np.zeros((3000, 2), dtype=np.float32)
    player._fill(late, 3000, None, None)  # past the opening, the whole not there yet: 1000 samples then silence
    assert np.array_equal(late[:2000], whole[6000:8000]) and not late[2000:].any()
    heard.append(late[:2000])
    path = tmp_path / "whole.wav"
    soundfile.write(str(path), whole, rate, subtype="FLOAT")
    player._finished.clear()
    player._await_whole(path)
    with pytest.raises(Stop):
        while True:
            out = np.zeros((4000, 2), dtype=np.float32)
            heard.append(out)  # filled in place, also by the last call (the one that says it is over)
            player._fill(out, 4000, None, None)
    played = np.concatenate(heard)[:len(whole)]
    assert np.allclose(played, whole), "nothing skipped, nothing repeated"
