"""The person's files: only the folders they open to OS1 (folders.py), read (reading.py), indexed by name, words
and meaning (index.py, search.py), summarised (summarise.py) and tidied with a plan they approve and can undo
(organise.py, moves.py). The tools the companion uses are in tools.py."""

from os1.files.folders import FilesError

__all__ = ["FilesError"]
