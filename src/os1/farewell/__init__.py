"""Letting go: a person leaves OS1 for good. They are handed everything it keeps of them, as one archive they can
open and bring back (archive.py), and then everything of theirs is deleted, with proof (leaving.py). The goodbye
in the companion's own words is the runtime's to say (it needs the model)."""
