"""all-MiniLM-L6-v2 through ONNX Runtime with 8-bit weights: the encoder minilm.py runs in numpy, ~3x faster.

A short sentence costs ~2.4 ms on one core instead of ~7 ms. On a server every turn embeds the person's words
(recall) and what they said (learning), so this is most of what a turn costs the server's CPU (bench/load.py).

Nothing is downloaded: the graph is built here from the same `model.safetensors` the numpy runner reads (every
operation spelled out as minilm.py does it), then its weight matrices, all but the feed-forward's way down, are
quantized to int8 per output channel by ONNX Runtime's dynamic quantizer (activations are quantized per call).
That takes ~1.5 s, once: the result is kept in OS1's cache, named by a digest of the weights and of this
module's BUILD, so a changed model or graph builds anew.

Vectors agree with the exact float32 ones to a mean cosine of ~0.995; on the memory benchmark recall@10 is
0.960 against the exact model's 0.963 (KEPT_EXACT).
"""

from __future__ import annotations

import hashlib
import logging
import math
import os
import tempfile
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from os1.memory.minilm import F32, MiniLM, SentenceEncoder

BUILD = 1  # bump whenever the graph or its quantization changes: caches built before are then rebuilt
OPSET = 17  # LayerNormalization is in the standard set from 17
IR_VERSION = 8  # what onnxruntime >= 1.18 reads
# The feed-forward's way down (1536 → 384) stays float32. Its input, after GELU, has outliers that one scale
# per call carries badly. Memory benchmark, evidence recall@5 / @10: exact 0.904 / 0.963; this 0.896 / 0.960;
# everything in int8 0.889 / 0.950, for ~1.5 ms a sentence instead of ~2.4.
KEPT_EXACT = ".down.weight"
PREFIX = "all-minilm-l6-v2-int8-"


class QuantizedMiniLM(SentenceEncoder):
    """The int8 graph in one single-threaded ONNX Runtime session (a server's threads share it; ORT releases the
    GIL while it runs).

    Each text is encoded alone. The activations' int8 scale is set per call from the whole input, so in a batch a
    text's vector would shift with its neighbours (cosine down to ~0.98, more than int8 costs against the exact
    model): one person's words must not move another's vectors, and a text must embed the same way every time.
    """

    batch_size = 1

    def __init__(self, folder: str | Path, cache_dir: Path | None) -> None:
        super().__init__(folder)
        import onnxruntime as ort

        options = ort.SessionOptions()
        # One core: the chat model and the event loop need the others, and a sentence is too small to split.
        options.intra_op_num_threads = 1
        options.inter_op_num_threads = 1
        options.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
        options.log_severity_level = 3
        model = quantized_model(self.folder, cache_dir)
        self._session = ort.InferenceSession(model, options, providers=["CPUExecutionProvider"])

    def _embed_batch(self, tokens: npt.NDArray[np.int64], mask: npt.NDArray[np.int64]) -> F32:
        out = self._session.run(None, {"input_ids": tokens, "attention_mask": mask})[0]
        vectors: F32 = np.asarray(out, dtype=np.float32)
        return vectors


def quantized_model(folder: Path, cache_dir: Path | None) -> bytes | str:
    """The int8 graph for the model in `folder`: a path in `cache_dir`, built there the first time; the graph's
    bytes when there is no cache to write to."""
    weights = folder / "model.safetensors"
    digest = hashlib.sha256(f"{BUILD}:{OPSET}:".encode())
    with weights.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    name = f"{PREFIX}{digest.hexdigest()[:16]}.onnx"
    if cache_dir is not None:
        cached = cache_dir / name
        if cached.is_file():
            return str(cached)
        try:
            cache_dir.mkdir(parents=True, exist_ok=True)
            with tempfile.TemporaryDirectory(dir=cache_dir) as work:
                built = _build(folder, Path(work))
                os.replace(built, cached)  # whole or not at all, should two processes build at once
            for stale in cache_dir.glob(f"{PREFIX}*.onnx"):  # built from other weights or by another BUILD
                if stale.name != name:
                    stale.unlink(missing_ok=True)
            return str(cached)
        except OSError:
            pass  # a read-only cache: build in a temporary folder instead
    with tempfile.TemporaryDirectory() as work:
        return _build(folder, Path(work)).read_bytes()


def _build(folder: Path, work: Path) -> Path:
    """Write the float32 graph, quantize it, and return the int8 graph's path (in `work`)."""
    import onnx
    from onnxruntime.quantization import QuantType, quantize_dynamic

    graph = GraphBuilder(MiniLM(folder)).model()
    exact, small = work / "exact.onnx", work / "int8.onnx"
    onnx.save(graph, str(exact))
    weights = {init.name for init in graph.graph.initializer}
    weight_products = [node.name for node in graph.graph.node if node.op_type == "MatMul"
                       and node.input[1] in weights and not node.input[1].endswith(KEPT_EXACT)]
    logging.disable(logging.WARNING)  # the quantizer logs advice about image models to the root logger
    try:
        quantize_dynamic(exact, small, weight_type=QuantType.QInt8, per_channel=True,
                         op_types_to_quantize=["MatMul"], nodes_to_quantize=weight_products)
    finally:
        logging.disable(logging.NOTSET)
    return small


class GraphBuilder:
    """MiniLM's encoder as an ONNX graph: input_ids, attention_mask (batch, T) → embedding (batch, dim), mean-pooled
    over the real tokens and L2-normalised, as sentence-transformers does."""

    def __init__(self, model: MiniLM) -> None:
        self.m = model
        self.nodes: list[Any] = []
        self.initializers: list[Any] = []

    def model(self) -> Any:
        from onnx import TensorProto, helper

        m = self.m
        heads, dim = m.heads, m.dim
        head_dim = dim // heads
        ids, mask = "input_ids", "attention_mask"
        length = self.op("Slice", self.op("Shape", ids), self.const("one", [1]), self.const("two", [2]))
        positions = self.op("Slice", self.const("position", m.position_embeddings), self.const("zero", [0]), length,
                            self.const("axis0", [0]))
        x = self.op("Add", self.op("Add", self.op("Gather", self.const("word", m.word_embeddings), ids), positions),
                    self.const("type0", m.token_type_0))
        x = self.norm(x, m.embedding_norm, "embedding")
        real = self.op("Cast", mask, to=TensorProto.FLOAT)
        # Added to the attention scores: padded keys get a huge negative score, so softmax gives them 0.
        key_bias = self.op("Unsqueeze", self.op("Mul", self.op("Sub", self.scalar("1", 1.0), real),
                                                 self.scalar("-1e9", -1e9)), self.const("axes12", [1, 2]))
        split_heads = self.const("split_heads", [0, 0, heads, head_dim])
        join_heads = self.const("join_heads", [0, 0, dim])
        scale = np.float32(1.0 / math.sqrt(head_dim))
        for i, layer in enumerate(m.layers):
            p = f"layer{i}."
            wq, wk, wv = np.split(layer.qkv, 3, axis=1)
            bq, bk, bv = np.split(layer.qkv_bias, 3)
            # The scores' 1/sqrt(head_dim) is folded into the query's weights.
            q = self.op("Transpose", self.op("Reshape", self.linear(x, wq * scale, bq * scale, p + "query"),
                                             split_heads), perm=[0, 2, 1, 3])
            k = self.op("Transpose", self.op("Reshape", self.linear(x, wk, bk, p + "key"), split_heads),
                        perm=[0, 2, 3, 1])
            v = self.op("Transpose", self.op("Reshape", self.linear(x, wv, bv, p + "value"), split_heads),
                        perm=[0, 2, 1, 3])
            weights = self.op("Softmax", self.op("Add", self.op("MatMul", q, k), key_bias), axis=-1)
            context = self.op("Reshape", self.op("Transpose", self.op("MatMul", weights, v), perm=[0, 2, 1, 3]),
                              join_heads)
            attended = self.linear(context, layer.attn_out, layer.attn_out_bias, p + "attention_out")
            x = self.norm(self.op("Add", x, attended), layer.attn_norm, p + "attention_norm")
            up = self.linear(x, layer.up, layer.up_bias, p + "up")
            # GELU, exact (erf) form: x/2 · (1 + erf(x/√2))
            erf = self.op("Erf", self.op("Mul", up, self.scalar(p + "inv_sqrt2", 1.0 / math.sqrt(2.0))))
            gelu = self.op("Mul", self.op("Mul", up, self.scalar(p + "half", 0.5)),
                           self.op("Add", erf, self.scalar(p + "one", 1.0)))
            down = self.linear(gelu, layer.down, layer.down_bias, p + "down")
            x = self.norm(self.op("Add", x, down), layer.out_norm, p + "out_norm")
        summed = self.op("ReduceSum", self.op("Mul", x, self.op("Unsqueeze", real, self.const("axis2", [2]))),
                         self.const("axis1", [1]), keepdims=0)
        count = self.op("ReduceSum", real, self.const("axis1b", [1]), keepdims=1)
        pooled = self.op("Div", summed, count)
        self.nodes.append(helper.make_node("LpNormalization", [pooled], ["embedding"], axis=-1, p=2))
        graph = helper.make_graph(
            self.nodes, "all-MiniLM-L6-v2",
            [helper.make_tensor_value_info(ids, TensorProto.INT64, ["batch", "tokens"]),
             helper.make_tensor_value_info(mask, TensorProto.INT64, ["batch", "tokens"])],
            [helper.make_tensor_value_info("embedding", TensorProto.FLOAT, ["batch", dim])],
            self.initializers)
        return helper.make_model(graph, opset_imports=[helper.make_opsetid("", OPSET)], ir_version=IR_VERSION)

    def op(self, kind: str, *inputs: str, **attributes: Any) -> str:
        from onnx import helper

        name = f"{kind.lower()}{len(self.nodes)}"
        self.nodes.append(helper.make_node(kind, list(inputs), [name], name=name, **attributes))
        return name

    def const(self, name: str, value: Any) -> str:
        from onnx import numpy_helper

        array = np.asarray(value)
        if array.dtype.kind == "i":
            array = array.astype(np.int64)
        self.initializers.append(numpy_helper.from_array(np.ascontiguousarray(array), name))
        return name

    def scalar(self, name: str, value: float) -> str:
        return self.const(name, np.float32(value))

    def linear(self, x: str, weight: F32, bias: F32, name: str) -> str:
        return self.op("Add", self.op("MatMul", x, self.const(name + ".weight", weight)),
                       self.const(name + ".bias", bias))

    def norm(self, x: str, weight_bias: tuple[F32, F32], name: str) -> str:
        weight, bias = weight_bias
        return self.op("LayerNormalization", x, self.const(name + ".weight", weight),
                       self.const(name + ".bias", bias), axis=-1, epsilon=self.m.eps)
