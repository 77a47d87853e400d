"""Any OpenAI-compatible chat server: vLLM, llama.cpp server, Ollama, LM Studio, OpenAI itself.

Spoken over plain HTTP with httpx. Every failure becomes a ModelError whose message names the server and
says what to check; a server that accepts the connection but never answers times out instead of hanging.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import AsyncIterator, Sequence
from typing import Any

import httpx

from os1.models.base import GenerateOptions, Message, ModelError, ModelUnavailable

# Without a tokenizer for a remote model, prompt sizes are estimated; ~3.2 characters per token errs large.
CHARS_PER_TOKEN = 3.2
PER_MESSAGE_TOKENS = 6
# How a server turns down a response_format it does not take: 400 or 422, or 500 from llama-cpp-python's
# server, which reports every request validation error that way. The next format is then worth a try.
FORMAT_REJECTED = frozenset({400, 422, 500})
DRAIN_S = 1.0  # how long the end of a finished stream is waited for (see _finish_reading)


class OpenAICompatModel:
    def __init__(self, model: str, base_url: str, *, api_key: str | None = None, context_window: int = 8192,
                 connect_timeout_s: float = 5.0, first_token_timeout_s: float = 120.0,
                 transport: httpx.AsyncBaseTransport | None = None) -> None:
        self._model = model
        self._base_url = base_url.rstrip("/")
        self._n_ctx = context_window
        headers = {"Authorization": f"Bearer {api_key}"} if api_key else {}
        # The read timeout bounds the wait for the first byte and for every later piece of the stream.
        timeout = httpx.Timeout(connect=connect_timeout_s, read=first_token_timeout_s, write=30.0, pool=30.0)
        self._http = httpx.AsyncClient(base_url=self._base_url, headers=headers, timeout=timeout,
                                       transport=transport)

    @property
    def name(self) -> str:
        return f"{self._model} at {self._base_url}"

    @property
    def model_name(self) -> str:
        return self._model

    @property
    def base_url(self) -> str:
        return self._base_url

    @property
    def context_window(self) -> int:
        return self._n_ctx

    @property
    def loaded(self) -> bool:
        return True

    async def load(self) -> None:
        return None

    def stream(self, messages: Sequence[Message], options: GenerateOptions) -> AsyncIterator[str]:
        return self._stream(list(messages), options)

    async def _stream(self, messages: list[Message], options: GenerateOptions) -> AsyncIterator[str]:
        body = self._body(messages, options) | {"stream": True}
        try:
            async with self._http.stream("POST", "/chat/completions", json=body) as response:
                if response.status_code >= 400:
                    await response.aread()
                    raise self._http_error(response)
                lines = response.aiter_lines()
                async for line in lines:
                    text = self._delta(line)
                    if text is None:
                        break
                    if text:
                        yield text
                await _finish_reading(lines)
        except httpx.HTTPError as exc:
            raise self._transport_error(exc) from exc

    async def complete(self, messages: Sequence[Message], options: GenerateOptions,
                       extra: dict[str, Any] | None = None) -> str:
        """One whole reply, without streaming."""
        response = await self._post(self._body(list(messages), options) | (extra or {}))
        if response.status_code >= 400:
            raise self._http_error(response)
        return self._content(response)

    async def complete_json(
        self, messages: Sequence[Message], schema: dict[str, Any], options: GenerateOptions
    ) -> dict[str, Any]:
        # Servers differ: OpenAI and vLLM take json_schema; llama.cpp's servers take json_object + schema
        # (llama-cpp-python's answers json_schema with a 500), so a format turned down falls back to the next.
        formats = [
            {"type": "json_schema", "json_schema": {"name": "reply", "schema": schema, "strict": False}},
            {"type": "json_object", "schema": schema},
        ]
        body = self._body(list(messages), options)
        for fmt in formats:
            response = await self._post(body | {"response_format": fmt})
            if response.status_code not in FORMAT_REJECTED:
                break
        if response.status_code >= 400:
            raise self._http_error(response)
        return _parse_json_object(self._content(response))

    async def count_tokens(self, messages: Sequence[Message]) -> int:
        return sum(int(len(m["content"]) / CHARS_PER_TOKEN) + PER_MESSAGE_TOKENS for m in messages)

    async def warm(self, messages: Sequence[Message], *, replying: bool = False) -> None:
        return None  # remote servers keep their own prefix caches

    async def answers(self, timeout_s: float) -> bool:
        """Whether the server answers a request for its model list: any HTTP answer, even a refusal, means it is
        up. Asked over this model's own connections: a new client would build a TLS context every time (~30 ms of
        the event loop, here)."""
        try:
            await self._http.get("/models", timeout=timeout_s)
        except httpx.HTTPError:
            return False
        return True

    async def close(self) -> None:
        await self._http.aclose()

    async def _post(self, body: dict[str, Any]) -> httpx.Response:
        try:
            return await self._http.post("/chat/completions", json=body)
        except httpx.HTTPError as exc:
            raise self._transport_error(exc) from exc

    def _content(self, response: httpx.Response) -> str:
        try:
            return str(response.json()["choices"][0]["message"]["content"] or "")
        except (ValueError, KeyError, IndexError, TypeError) as exc:
            raise ModelError(f"The model server at {self._base_url} sent a reply OS1 cannot read: "
                             f"{response.text[:200]!r}") from exc

    def _body(self, messages: list[Message], options: GenerateOptions) -> dict[str, Any]:
        body: dict[str, Any] = {"model": self._model, "messages": messages, "max_tokens": options.max_tokens,
                                "temperature": options.temperature, "seed": options.seed}
        if options.stop:
            body["stop"] = list(options.stop)
        return body

    def _delta(self, line: str) -> str | None:
        """The text in one server-sent-events line; None at the end of the stream."""
        if not line.startswith("data:"):
            return ""
        data = line[5:].strip()
        if data == "[DONE]":
            return None
        try:
            choice = json.loads(data)["choices"][0]
        except (ValueError, KeyError, IndexError, TypeError):
            raise ModelError(f"The model server at {self._base_url} sent a stream OS1 cannot read: "
                             f"{data[:200]!r}") from None
        return str((choice.get("delta") or {}).get("content") or "")

    def _http_error(self, response: httpx.Response) -> ModelError:
        detail = _error_detail(response)
        where = f"The model server at {self._base_url}"
        if response.status_code in (401, 403):
            return ModelUnavailable(f"{where} refused the API key ({response.status_code}: {detail}). "
                                    f"Set the key in the environment variable named by api_key_env "
                                    f"(OS1_API_KEY by default).")
        if response.status_code == 404:
            return ModelUnavailable(f"{where} does not know model {self._model!r} or this API path "
                                    f"(404: {detail}). Check the model name and that the URL ends in /v1.")
        if response.status_code >= 500:
            return ModelUnavailable(f"{where} failed ({response.status_code}: {detail}). Try again shortly.")
        return ModelError(f"{where} rejected the request ({response.status_code}: {detail}).")

    def _transport_error(self, exc: httpx.HTTPError) -> ModelError:
        where = f"the model server at {self._base_url}"
        if isinstance(exc, httpx.ConnectTimeout):
            return ModelUnavailable(f"Timed out connecting to {where}. Is the address right and the server up?")
        if isinstance(exc, httpx.ConnectError):
            return ModelUnavailable(f"Can't reach {where} ({exc or 'connection refused'}). Is the server running?")
        if isinstance(exc, httpx.TimeoutException):
            return ModelUnavailable(f"{where[0].upper()}{where[1:]} stopped answering (no data within the "
                                    f"timeout). It may be overloaded; try again, or raise first_token_timeout_s.")
        return ModelUnavailable(f"Lost the connection to {where}: {exc!r}.")


async def _finish_reading(lines: AsyncIterator[str]) -> None:
    """Read what follows `[DONE]` (the stream's last chunk, usually in the same packet): a response read to its
    end gives its connection back to the pool, where one left unread is closed, and every turn would then open a
    new connection (a new TLS handshake, for a server elsewhere). A server that keeps the stream open after
    `[DONE]` costs at most DRAIN_S, and then only that connection; one that hangs up instead of ending the stream
    (llama-cpp-python's server does) has still sent the whole reply."""
    with contextlib.suppress(TimeoutError, httpx.HTTPError):
        async with asyncio.timeout(DRAIN_S):
            async for _ in lines:
                pass


def _error_detail(response: httpx.Response) -> str:
    try:
        data = response.json()
        err = (data.get("error") or data.get("detail") or data) if isinstance(data, dict) else data
        msg = err.get("message", err) if isinstance(err, dict) else err
        return str(msg)[:300]
    except ValueError:
        return response.text[:300] or response.reason_phrase


def _parse_json_object(text: str) -> dict[str, Any]:
    """Parse a JSON object, tolerating prose or code fences around it."""
    start, end = text.find("{"), text.rfind("}")
    if start < 0 or end < start:
        raise ModelError(f"The model did not return JSON: {text[:200]!r}")
    try:
        value = json.loads(text[start:end + 1])
    except ValueError as exc:
        raise ModelError(f"The model returned invalid JSON: {text[:200]!r}") from exc
    if not isinstance(value, dict):
        raise ModelError(f"The model returned JSON that is not an object: {text[:200]!r}")
    return value
