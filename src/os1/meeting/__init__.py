"""The first meeting: a few real questions, in OS1's own voice, the first time a person opens any door."""
