"""Music: a piece as a photograph of a moment. Composed symbolically (moods.py: mood → style; compose.py: form,
harmony, melody, accompaniment; score.py), written as MIDI (midi.py), rendered through FluidSynth with a General
MIDI soundfont (render.py), kept per person with the moment it belongs to (library.py), played (player.py), and
asked for in conversation (tools.py)."""
