"""OS1: a private companion that talks with you, remembers you, and helps with your digital life."""

__version__ = "0.1.0"

import os as _os

# numpy's BLAS would start a thread per core for each small matrix product of the embedder, and fight the
# language model for the same cores: one thread is several times faster here (set before numpy loads).
_os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
