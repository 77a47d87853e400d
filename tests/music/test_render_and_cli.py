"""The real synthesiser (Debian's FluidSynth with the FluidR3 General MIDI soundfont) and `os1 music`."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import soundfile
from click.testing import CliRunner, Result

from os1.cli import cli
from os1.music.compose import compose
from os1.music.making import opening_of
from os1.music.midi import RING_S, write_midi
from os1.music.moods import style
from os1.music.render import INSTALL, render


async def test_fluidsynth_renders_audible_audio_of_the_right_length(tmp_path: Path) -> None:
    score = compose(style("tender"), 5)
    midi = write_midi(score, tmp_path / "p.mid")
    audio, rate = soundfile.read(str(await render(midi, tmp_path / "p.wav")), always_2d=True)
    assert rate == 44100 and audio.shape[1] == 2
    # the score's length, the ring the file leaves, and the synthesiser's own release of the last chord
    assert score.seconds + RING_S <= audio.shape[0] / rate <= score.seconds + RING_S + 2.5
    second = rate
    loud = [float(np.sqrt(np.mean(audio[i:i + second] ** 2))) for i in range(0, len(audio) - second, second)]
    assert min(loud[:int(score.seconds) - 1]) > 0.003, "sound all the way through, not only somewhere"
    assert np.abs(audio).max() < 1.0, "not clipped"
    # The opening, rendered first so that playing can start at once, is the start of the whole.
    opening, _ = soundfile.read(str(await render(write_midi(opening_of(score), tmp_path / "o.mid"),
                                                 tmp_path / "o.wav")), always_2d=True)
    head = int(2 * rate)
    assert np.allclose(opening[:head], audio[:head], atol=1e-3)


async def test_ogg_too(tmp_path: Path) -> None:
    midi = write_midi(compose(style("playful"), 2), tmp_path / "p.mid")
    data, rate = soundfile.read(str(await render(midi, tmp_path / "p.ogg")))
    assert rate == 44100 and float(np.abs(data).max()) > 0.05


def os1(*args: str) -> Result:
    """`os1 music …` in this process (OS1_HOME is the test's own, from the `home` fixture)."""
    return CliRunner().invoke(cli, ["music", *args], catch_exceptions=False)


def test_os1_music_compose_list_why_export_delete(home: Path, tmp_path: Path) -> None:
    made = os1("compose", "our walk by the lake", "--user", "theo", "--no-play")
    assert made.exit_code == 0, made.output
    assert "Walk by the Lake" in made.stdout and "1.wav" in made.stdout
    listed = os1("list", "--user", "theo")
    assert listed.stdout.startswith("1  “Walk by the Lake”"), listed.stdout
    assert os1("list", "--user", "amy").stdout.startswith("No music yet"), "one person's music only"
    assert os1("play", "lake", "--user", "amy").exit_code != 0
    why = os1("why", "the", "lake", "--user", "theo")
    assert "because that's how our walk by the lake feels to me" in " ".join(why.stdout.split())
    for kind, suffix in (("midi", "mid"), ("wav", "wav"), ("ogg", "ogg")):
        out = tmp_path / f"lake.{suffix}"
        done = os1("export", "1", "--user", "theo", "--format", kind, "--output", str(out))
        assert done.exit_code == 0 and out.stat().st_size > 1000, done.output
    assert soundfile.info(str(tmp_path / "lake.ogg")).format == "OGG"
    played = os1("play", "lake", "--user", "theo")  # no speakers on a test machine: it says where
    assert played.exit_code == 0 and "1.wav" in played.stdout
    assert os1("delete", "1", "--user", "theo", "--yes").stdout.strip() == "Deleted “Walk by the Lake”."
    assert os1("list", "--user", "theo").stdout.startswith("No music yet")
    assert not list((home / "music").glob("*/1.*"))


def test_without_fluidsynth_it_says_what_to_install_and_writes_the_midi(home: Path, tmp_path: Path,
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))  # no fluidsynth on it
    made = os1("compose", "the rain", "--user", "theo", "--no-play")
    assert made.exit_code == 0, made.output
    assert INSTALL in " ".join(made.stderr.split())
    assert list((home / "music").glob("*/1.mid")) and not list((home / "music").glob("*/1.wav"))
