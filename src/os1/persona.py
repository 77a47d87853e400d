"""The companion's character, and its identity: the name it chooses for itself and then keeps."""

from __future__ import annotations

import re
import tomllib
import zlib
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from os1.db import state
from os1.db.store import Store, User
from os1.models.base import GenerateOptions, Message, Model, ModelError


class PersonaError(Exception):
    """A persona file that cannot be used; the message says what to fix."""


@dataclass(frozen=True)
class Persona:
    id: str
    character: str
    name: str = ""  # fixed by the persona file; empty means the companion chooses its own
    naming_hint: str = "a warm, simple human first name"
    first_greeting: str = "Hi. I'm here."
    return_greeting: str = "Hey, you're back."
    voice: str = ""
    # Made-up exchanges that show its voice: (what someone says, what it answers). Never facts about a person.
    examples: tuple[tuple[str, str], ...] = ()


def default_persona() -> Persona:
    text = resources.files("os1").joinpath("personas/default.toml").read_text(encoding="utf-8")
    return _parse(text, "the built-in persona")


def load_persona(path: Path | None) -> Persona:
    """Read a persona TOML; missing optional keys fall back to the built-in persona's."""
    if path is None:
        return default_persona()
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise PersonaError(f"Can't read the persona file {path}: {exc.strerror or exc}.") from exc
    return _parse(text, str(path))


def _parse(text: str, where: str) -> Persona:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise PersonaError(f"{where} is not valid TOML: {exc}.") from exc
    known = set(Persona.__dataclass_fields__) - {"examples"} | {"example"}
    unknown = set(data) - known
    if unknown:
        raise PersonaError(f"{where}: unknown key(s) {', '.join(sorted(unknown))}; known: "
                           f"{', '.join(sorted(known))}.")
    if not str(data.get("character", "")).strip():
        raise PersonaError(f"{where} needs a 'character': a few sentences on who the companion is.")
    if not re.fullmatch(r"[A-Za-z0-9_.-]{1,40}", str(data.get("id", ""))):
        raise PersonaError(f"{where} needs an 'id' of letters, digits, '.', '_' or '-' (it keeps this "
                           f"character's identity apart from others').")
    if data.get("name") and not valid_name(str(data["name"])):
        raise PersonaError(f"{where}: name {data['name']!r} should be one word of letters.")
    examples = _examples(data.pop("example", []), where)
    return Persona(**{k: str(v).strip() for k, v in data.items()}, examples=examples)


def _examples(items: object, where: str) -> tuple[tuple[str, str], ...]:
    """`[[example]]` tables, each with `them` (what someone says) and `you` (how the companion answers)."""
    if not isinstance(items, list) or not all(isinstance(i, dict) and set(i) == {"them", "you"} for i in items):
        raise PersonaError(f"{where}: each [[example]] needs exactly two keys, `them` and `you`.")
    return tuple((str(i["them"]).strip(), str(i["you"]).strip()) for i in items)


# -- choosing and keeping a name ---------------------------------------------------------------------

_ASKS_NAME = re.compile(
    r"\b(your name|you(?:'re| are) called|call you|who are you|name yourself|what are you called|"
    r"do you have a name|what(?:'s| is) ur name)\b", re.IGNORECASE)
_NOT_NAMES = {"assistant", "ai", "os", "os1", "qwen", "chatgpt", "bot", "companion", "model", "name", "none"}
_FALLBACK_NAMES = ("Samantha", "Ada", "Juniper", "Iris", "Nora", "Wren", "Maya", "Clara", "Lena", "Ruby")
NAME_SCHEMA = {
    "type": "object",
    "properties": {"name": {"type": "string", "maxLength": 16}},
    "required": ["name"],
}


def asks_for_name(text: str) -> bool:
    """Whether the person is asking what the companion is called."""
    return bool(_ASKS_NAME.search(text))


def valid_name(name: str) -> bool:
    return bool(re.fullmatch(r"[A-Z][a-z]{1,15}", name)) and name.lower() not in _NOT_NAMES


class Identity:
    """The companion's name for one person, chosen once and stored."""

    def __init__(self, store: Store, persona: Persona) -> None:
        self._store = store
        self._persona = persona

    async def name(self, user: User) -> str | None:
        if self._persona.name:
            return self._persona.name
        return await self._store.get_state(user, state.COMPANION_NAME.key(self._persona.id))

    async def first_time_asked(self, user: User) -> bool:
        """True once per person: the first time they ask the name it chose (not for a persona's fixed name)."""
        told = state.NAME_TOLD.key(self._persona.id)
        if self._persona.name or await self._store.get_state(user, told):
            return False
        await self._store.set_state(user, told, "1")
        return True

    async def choose_name(self, user: User, model: Model) -> str:
        """Let the companion pick its own name (the way it would, seeded per person), and keep it."""
        seed = zlib.crc32(f"{user.name}:{self._persona.id}".encode())
        prompt: list[Message] = [
            {"role": "system", "content": self._persona.character},
            {"role": "user", "content": (
                "Before we talk: you get to choose your own name, right now, the way a person might if they "
                f"could. Pick {self._persona.naming_hint} that feels like you. Not OS1, not Assistant. "
                'Answer as JSON: {"name": "..."}')},
        ]
        name = ""
        try:
            out = await model.complete_json(prompt, NAME_SCHEMA,
                                            GenerateOptions(max_tokens=24, temperature=0.9, seed=seed))
            name = str(out.get("name", "")).strip().split(" ")[0].capitalize()
        except ModelError:
            pass  # a name is still chosen below; the conversation must not fail over it
        if not valid_name(name):
            name = _FALLBACK_NAMES[seed % len(_FALLBACK_NAMES)]
        await self._store.set_state(user, state.COMPANION_NAME.key(self._persona.id), name)
        return name
