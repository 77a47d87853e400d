"""The embedded model: llama.cpp in this process.

All llama.cpp work runs on one worker thread, so calls are naturally serialised and the event loop never
blocks. A stream that is closed early sets a flag the worker checks after every token; the worker then
finishes on its own while the next job waits its turn. llama-cpp-python keeps the KV cache of the last
prompt and reuses its longest common prefix, which is why prompts are built stable-prefix-first.
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import threading
from collections.abc import AsyncIterator, Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, TypeVar

from os1.models import cores
from os1.models.base import GenerateOptions, Message, ModelError, ModelUnavailable, PromptTooLong

T = TypeVar("T")
TEMPLATE_TOKENS_PER_MESSAGE = 5  # "<|im_start|>role\n" … "<|im_end|>\n" in ChatML-style templates
AVOID_BIAS = -4.0  # on the logit of an avoided word's first token: rarer, not impossible (it may be meant)
OPENING_BIAS = -8.0  # on an avoided opening's first token, at the reply's first position only
FORBID_BIAS = -100.0  # on a word that may not come next (GenerateOptions.forbid_after): as good as never
STEER_TOKENS = 8  # the reply's last tokens read to see what it ends with (every rule's pattern is shorter)
_DONE = object()


class EmbeddedModel:
    """A GGUF model run by llama-cpp-python, loaded on first use."""

    def __init__(self, path: Path, *, label: str, context_window: int = 4096, threads: int = 0) -> None:
        self._path = path
        self._label = label
        self._n_ctx = context_window
        self._threads = threads or os.cpu_count() or 2
        self._worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="os1-llama")
        self._llm: Any = None
        self._format: Callable[[Sequence[Message]], str] | None = None
        self._stops: tuple[str, ...] = ()
        self._firsts: dict[tuple[str, ...], list[int]] = {}
        self._forbidden: dict[tuple[tuple[str, tuple[str, ...]], ...], list[tuple[re.Pattern[str], list[int]]]] = {}

    @property
    def name(self) -> str:
        return self._label

    @property
    def context_window(self) -> int:
        return self._n_ctx

    @property
    def loaded(self) -> bool:
        return self._llm is not None

    async def load(self) -> None:
        await self._run(self._load_sync)

    def stream(self, messages: Sequence[Message], options: GenerateOptions) -> AsyncIterator[str]:
        return self._stream(list(messages), options)

    async def _stream(self, messages: list[Message], options: GenerateOptions) -> AsyncIterator[str]:
        loop = asyncio.get_running_loop()
        queue: asyncio.Queue[object] = asyncio.Queue()
        cancelled = threading.Event()

        def put(item: object) -> None:
            loop.call_soon_threadsafe(queue.put_nowait, item)

        def work() -> None:
            try:
                llm = self._load_sync()
                tokens = self._prompt_tokens(messages, options.max_tokens)
                chunks = llm.create_completion(
                    tokens, max_tokens=options.max_tokens, temperature=options.temperature,
                    seed=options.seed, stop=list(self._stops + options.stop),
                    repeat_penalty=options.repeat_penalty,
                    logits_processor=self._biased(options, len(tokens)), stream=True)
                try:
                    for chunk in chunks:
                        if cancelled.is_set():
                            break
                        put(chunk["choices"][0]["text"])
                        cores.SHARED.wait()  # the voice may need the cores for the reply's first phrase
                finally:
                    chunks.close()
            except BaseException as exc:  # handed to the awaiting side, re-raised there
                put(exc)
            finally:
                put(_DONE)

        self._worker.submit(work)
        try:
            while (item := await queue.get()) is not _DONE:
                if isinstance(item, BaseException):
                    raise _as_model_error(item)
                if item:
                    yield str(item)
        finally:
            cancelled.set()

    async def complete_json(
        self, messages: Sequence[Message], schema: dict[str, Any], options: GenerateOptions
    ) -> dict[str, Any]:
        def work() -> dict[str, Any]:
            from llama_cpp.llama_grammar import LlamaGrammar

            llm = self._load_sync()
            tokens = self._prompt_tokens(list(messages), options.max_tokens)
            grammar = LlamaGrammar.from_json_schema(json.dumps(schema), verbose=False)
            # Side work (learning, naming) must not evict the conversation the cache holds: keep it and put it
            # back, so the next turn still starts from a warm prefix.
            saved = llm.save_state() if llm.n_tokens else None
            try:
                out = llm.create_completion(tokens, max_tokens=options.max_tokens, temperature=options.temperature,
                                            seed=options.seed, grammar=grammar, stop=list(self._stops))
            finally:
                if saved is not None:
                    llm.load_state(saved)
            text = out["choices"][0]["text"]
            try:
                value = json.loads(text)
            except ValueError as exc:
                raise ModelError(f"The model's JSON was cut short or invalid: {text[:200]!r}") from exc
            if not isinstance(value, dict):
                raise ModelError(f"The model returned JSON that is not an object: {text[:200]!r}")
            return value

        return await self._run(work)

    async def count_tokens(self, messages: Sequence[Message]) -> int:
        """Tokens of the contents plus the chat template's few tokens per message (exact to within those)."""
        def work() -> int:
            llm = self._load_sync()
            return sum(len(llm.tokenize(m["content"].encode("utf-8"), add_bos=False, special=False))
                       + TEMPLATE_TOKENS_PER_MESSAGE for m in messages)

        return await self._run(work)

    async def warm(self, messages: Sequence[Message], *, replying: bool = False) -> None:
        def work() -> None:
            llm = self._load_sync()
            # Not replying: an empty person's turn on the end, so the cache reaches into the next message's own
            # header. Replying: the reply's header too, so the same prompt later finds its logits ready.
            tokens = self._prompt_tokens(list(messages) if replying else [*messages, {"role": "user", "content": ""}],
                                         None)
            # One token is sampled, not read back in: the point is the prefill, kept in the KV cache.
            llm.create_completion(tokens, max_tokens=1, temperature=0.0)

        await self._run(work)

    async def close(self) -> None:
        self._worker.shutdown(wait=True, cancel_futures=True)
        if self._llm is not None:
            self._llm.close()
            self._llm = None

    # -- on the worker thread -------------------------------------------------------------------------

    async def _run(self, fn: Callable[[], T]) -> T:
        try:
            return await asyncio.get_running_loop().run_in_executor(self._worker, fn)
        except (ModelError, asyncio.CancelledError):
            raise
        except Exception as exc:
            raise _as_model_error(exc) from exc

    def _load_sync(self) -> Any:
        if self._llm is not None:
            return self._llm
        if not self._path.exists():
            raise ModelUnavailable(f"The model file {self._path} does not exist.")
        from llama_cpp import Llama
        from llama_cpp.llama_chat_format import Jinja2ChatFormatter

        try:
            llm = Llama(model_path=str(self._path), n_ctx=self._n_ctx, n_threads=self._threads,
                        n_batch=512, verbose=False)
        except (ValueError, RuntimeError) as exc:
            raise ModelUnavailable(f"llama.cpp could not load {self._path}: {exc}. Is it a valid GGUF file?") \
                from exc
        template = llm.metadata.get("tokenizer.chat_template")
        if not template:
            raise ModelUnavailable(f"{self._path} has no chat template, so OS1 cannot talk with it.")
        eos = llm._model.token_get_text(llm.token_eos())
        bos = llm._model.token_get_text(llm.token_bos()) if llm.token_bos() >= 0 else ""
        formatter = Jinja2ChatFormatter(template=template, eos_token=eos, bos_token=bos)
        self._format = lambda msgs: str(formatter(messages=list(msgs)).prompt)  # type: ignore[arg-type]
        self._stops = (eos, "<|endoftext|>", "<|im_end|>")
        self._llm = llm
        return llm

    def _biased(self, options: GenerateOptions, prompt_length: int) -> Any:
        """A logits processor: the avoided words rarer everywhere; the avoided openings rarer as the reply's first
        token and nowhere else ("As an AI…" begins with "As"; "…as an example" stays as likely as ever); and, once
        the reply ends with one of `forbid_after`'s patterns, its words all but impossible next.
        (One processor, not `logit_bias` beside it: llama-cpp-python drops both when given the two.)"""
        everywhere = self._first_tokens(options.avoid, spaced=True)
        first = self._first_tokens(options.avoid_opening, spaced=False)
        rules = self._forbidding(options.forbid_after)
        if not everywhere and not first and not rules:
            return None
        from llama_cpp import LogitsProcessorList

        llm = self._llm

        def bias(input_ids: Any, scores: Any) -> Any:
            if everywhere:
                scores[everywhere] += AVOID_BIAS
            written = len(input_ids) - prompt_length
            if first and written == 0:
                scores[first] += OPENING_BIAS
            if rules and written > 0:
                tail = input_ids[len(input_ids) - min(written, STEER_TOKENS):].tolist()
                text = llm.detokenize(tail).decode("utf-8", "ignore").lower().replace("’", "'")
                for pattern, tokens in rules:
                    if pattern.search(text):
                        scores[tokens] += FORBID_BIAS
            return scores

        return LogitsProcessorList([bias])

    def _forbidding(self, rules: tuple[tuple[str, tuple[str, ...]], ...]) -> list[tuple[re.Pattern[str], list[int]]]:
        """Each rule's pattern, compiled, with the tokens its words can begin with after a space: the word's own
        first token, and those of its beginnings of two letters or more (forbid " with" alone, and the model
        writes " wit" + "h")."""
        if rules and rules not in self._forbidden:
            llm = self._load_sync()

            def first(text: str) -> int:
                return int(llm.tokenize(f" {text}".encode(), add_bos=False, special=False)[0])

            self._forbidden[rules] = [
                (re.compile(pattern), sorted({first(form[:n]) for word in next_words
                                              for form in (word, word.capitalize())
                                              for n in range(min(2, len(form)), len(form) + 1)}))
                for pattern, next_words in rules]
        return self._forbidden.get(rules, [])

    def _first_tokens(self, avoid: tuple[str, ...], *, spaced: bool) -> list[int]:
        """The first token of each word, as written at a sentence's start (and mid-sentence, if `spaced`)."""
        key = (*avoid, str(spaced))
        if avoid and key not in self._firsts:
            llm = self._load_sync()
            forms = [form for word in avoid for form in (word, word.capitalize())]
            if spaced:
                forms += [f" {form}" for form in forms]
            self._firsts[key] = sorted({llm.tokenize(f.encode("utf-8"), add_bos=False, special=False)[0]
                                        for f in forms})
        return self._firsts.get(key, [])

    def _prompt_tokens(self, messages: list[Message], reply_tokens: int | None) -> list[int]:
        llm = self._load_sync()
        assert self._format is not None
        tokens: list[int] = llm.tokenize(self._format(messages).encode("utf-8"), add_bos=True, special=True)
        if reply_tokens is not None and len(tokens) + reply_tokens > self._n_ctx:
            raise PromptTooLong(f"The prompt is {len(tokens)} tokens and the reply needs up to {reply_tokens}, "
                                f"more than the model's window of {self._n_ctx}.")
        return tokens


def _as_model_error(exc: BaseException) -> BaseException:
    if isinstance(exc, ModelError | asyncio.CancelledError | KeyboardInterrupt):
        return exc
    return ModelError(f"The embedded model failed: {exc}")
