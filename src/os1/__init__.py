"""OS1: a private companion that talks with you, remembers you, and helps with your digital life."""

__version__ = "0.1.0"
