"""The terminal doors: `os1 chat` (terminal.py), `os1 talk` (voice.py) and the commands around them, each a thin
layer over the Runtime."""

from os1.cli.main import cli, main

__all__ = ["cli", "main"]
