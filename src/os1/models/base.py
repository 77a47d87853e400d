"""What every model backend offers the turn: streaming text, constrained JSON, token counting."""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass
from typing import Any, Literal, Protocol, TypedDict, runtime_checkable


class Message(TypedDict):
    role: Literal["system", "user", "assistant"]
    content: str


@dataclass(frozen=True)
class GenerateOptions:
    max_tokens: int = 384
    temperature: float = 0.7
    seed: int = 0
    stop: tuple[str, ...] = ()
    # Small models loop on a phrase at temperature 0 without it; applied where the backend supports it.
    repeat_penalty: float = 1.1
    # Words made less likely from their first token on (the assistant's register); where the backend can.
    avoid: tuple[str, ...] = ()
    # Words made less likely as the reply's first word only ("As an AI…" opens with "As"); where the backend can.
    avoid_opening: tuple[str, ...] = ()
    # (pattern, words): once what the reply has written ends with the pattern (a regex on its lower-cased text),
    # none of the words may come next. Where the backend can; the character guard checks every backend anyway.
    forbid_after: tuple[tuple[str, tuple[str, ...]], ...] = ()


class ModelError(Exception):
    """A model could not do its work. The message is written for the person using OS1."""

    code = "model_error"


class ModelUnavailable(ModelError):
    """The model cannot be reached or loaded (server down, file missing, timed out)."""

    code = "model_unavailable"


class ModelBusy(ModelUnavailable):
    """Every server of a pool is writing as many replies as it can, and none came free in time (pool.py)."""

    code = "model_busy"


class PromptTooLong(ModelError):
    code = "input_too_long"


class Model(Protocol):
    """A language model backend. `stream` is an async generator of text pieces; closing it stops generation."""

    @property
    def name(self) -> str: ...

    @property
    def context_window(self) -> int: ...

    @property
    def loaded(self) -> bool:
        """False while a first call would still have to load weights (worth telling the person)."""
        ...

    async def load(self) -> None: ...

    def stream(self, messages: Sequence[Message], options: GenerateOptions) -> AsyncIterator[str]: ...

    async def complete_json(
        self, messages: Sequence[Message], schema: dict[str, Any], options: GenerateOptions
    ) -> dict[str, Any]: ...

    async def count_tokens(self, messages: Sequence[Message]) -> int: ...

    async def warm(self, messages: Sequence[Message], *, replying: bool = False) -> None:
        """Prepare for a prompt of `messages` followed by a person's new message (prefill the prefix cache
        where there is one); `replying`: for a reply to `messages` exactly as they are, so that a `stream` of
        the same messages can start writing at once."""
        ...

    async def close(self) -> None: ...


@runtime_checkable
class Remote(Protocol):
    """A model served elsewhere (one server or a pool): asked whether it answers, not whether it is loaded."""

    async def answers(self, timeout_s: float) -> bool: ...
