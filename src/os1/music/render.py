"""Sound from a score: the MIDI file played through FluidSynth with Debian's General MIDI soundfont (FluidR3).

Both are Debian packages (`fluidsynth`, `fluid-soundfont-gm`). Without them a piece is still composed and its
MIDI written; what to install is said in words.
"""

from __future__ import annotations

import asyncio
import os
import shutil
from pathlib import Path

RATE = 44100
GAIN = 1.0  # FluidSynth's default (0.2) is faint; 1.0 leaves full chords well short of clipping
SOUNDFONTS = (Path("/usr/share/sounds/sf2/FluidR3_GM.sf2"), Path("/usr/share/sounds/sf2/default-GM.sf2"))
INSTALL = "sudo apt-get install fluidsynth fluid-soundfont-gm"
FORMATS = {"wav": "wav", "ogg": "oga", "flac": "flac"}  # file suffix → FluidSynth's file type


class SynthMissing(RuntimeError):
    """No synthesiser or soundfont here; the message says what to install."""


def soundfont() -> Path:
    """The General MIDI soundfont: $OS1_SOUNDFONT, else Debian's."""
    chosen = os.environ.get("OS1_SOUNDFONT")
    for path in ([Path(chosen)] if chosen else []) + list(SOUNDFONTS):
        if path.is_file():
            return path
    raise SynthMissing(f"No General MIDI soundfont found, so I wrote only the MIDI file. To hear it: {INSTALL}")


def synthesiser() -> str:
    found = shutil.which("fluidsynth")
    if found is None:
        raise SynthMissing(f"The FluidSynth synthesiser isn't installed, so I wrote only the MIDI file. "
                           f"To hear it: {INSTALL}")
    return found


async def render(midi: Path, target: Path) -> Path:
    """Play `midi` through FluidSynth into `target` (.wav, .ogg or .flac), faster than real time."""
    kind = FORMATS.get(target.suffix.lower().lstrip("."))
    if kind is None:
        raise ValueError(f"I can write {', '.join(FORMATS)} audio, not {target.suffix or 'that'}.")
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".part")
    process = await asyncio.create_subprocess_exec(
        synthesiser(), "-n", "-i", "-q", "-g", str(GAIN), "-r", str(RATE), "-T", kind, "-F", str(partial),
        str(soundfont()), str(midi), stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.PIPE)
    _, err = await process.communicate()
    if process.returncode != 0 or not partial.is_file():
        partial.unlink(missing_ok=True)
        raise RuntimeError(f"FluidSynth could not render the piece: {err.decode(errors='replace').strip()[:300]}")
    partial.replace(target)  # never a half-written file under the real name
    return target
