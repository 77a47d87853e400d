"""Character: the companion is someone, on any model. Its mood towards each person, kept and shown in the
prompt (mood.py), and a guard over every reply as it streams (guard.py): no assistant's register, no flat
denial of an inner life, no claim about the person that nothing grounds.

The turn uses it in two places: `note_for`/`feel` as the prompt is built, `stream` around the model's reply.
"""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import AsyncIterator, Callable, Coroutine, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any

from os1.character.grounding import telling_lines
from os1.character.guard import Guard, Repair
from os1.character.mood import Mood, carried, describe, moved, note
from os1.character.phrases import words
from os1.character.steering import FORBIDDEN_NEXT
from os1.character.untold import untold_answer
from os1.db import state
from os1.db.store import Store, StoredMessage, User
from os1.models.base import GenerateOptions, Message, Model
from os1.persona import Persona
from os1.prompt import NEVER_TOLD_NOTE, never_told_in, own_name_in, person_in, voice_examples

log = logging.getLogger(__name__)
# (store, person) → the keeping of their latest message's effect on the mood, while it runs
_MOVING: dict[tuple[int, int], asyncio.Future[None]] = {}

REMIND_EVERY = 8  # messages after which an unchanged mood is said again (it would drift out of sight)
RECENT_REPLIES = 6  # its own replies whose sentences are not said again
RETRIES = 2  # fresh starts after a reply that opened in the assistant's register
# The first words of the assistant's register: made less likely where the backend can (embedded.py).
AVOID = ("assist", "assistance", "assistant", "programmed", "AI")
# The first word of "As an AI/OS/virtual being, I don't…": made less likely as a reply's opening word only.
AVOID_OPENING = ("As",)
# Not "ask them if you don't know": after a false start, a small model took that as leave to ask what its notes
# held ("Do you know what instrument she plays?"). Asking about what memory lacks is the persona's and the
# memory check's to say.
STEER = "Answer their last message as yourself, in one or two short sentences, using what you know of them above."
# Said only when every fresh start went wrong too (the bench counts how often: it should be never).
LOST_THREAD = "Sorry, I lost my thread for a second. Say that again?"
_PLAIN = frozenset("i i'm im am is are was a an the to but and don't do not have has you your my me it it's that "
                   "this of in on for with as so just really can can't be will would like any some what".split())
# The person asks for something long: a story, a list, an explanation. Otherwise a reply is a few sentences.
_ASKS_FOR_LENGTH = re.compile(r"\b(?:tell me (?:a|another) (?:story|tale)|write (?:me )?(?:a|an)|explain|"
                              r"describe|in detail|step by step|list|poem|recipe|how do (?:i|you) make)\b",
                              re.IGNORECASE)
MAX_SENTENCES = 3


@dataclass(frozen=True)
class Character:
    store: Store
    persona: Persona
    clock: Callable[[], datetime]

    async def mood(self, user: User) -> Mood | None:
        return Mood.from_json(await self.store.get_state(user, state.MOOD.key()))

    async def note_for(self, user: User, history: Sequence[StoredMessage]) -> list[Message]:
        """The line on how it feels that the person's next message carries (kept in its meta, shown just before
        it): when the mood is news to this conversation, or has not been said for a while; otherwise nothing.
        It holds the mood carried from before (and the days apart), not what the message will do, so it is the
        same while they type as when they send, and the prompt read ahead (`prepare`, `anticipate`) still fits."""
        if (moving := _MOVING.get((id(self.store), user.id))) is not None:
            await moving  # the last message's effect is being kept: wait for it (long done, outside tests)
        text = note(carried(await self.mood(user), self.clock()), user.name)
        said = [m for m in history if m.role == "user"]
        last = next((i for i in range(len(said) - 1, -1, -1) if said[i].meta.get("mood")), None)
        if last is not None and said[last].meta["mood"] == text and len(said) - last <= REMIND_EVERY:
            return []
        return [{"role": "system", "content": text}]

    def feel(self, user: User, message: str) -> Coroutine[Any, Any, None]:
        """Let the person's message move the mood, and keep it (for the next reply, and the next conversation).
        Meant to run in the background; the next `note` for the person waits for it, and so does the next `feel`."""
        key = (id(self.store), user.id)
        before = _MOVING.get(key)
        done: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        _MOVING[key] = done

        async def work() -> None:
            try:
                if before is not None:
                    await before
                mood = moved(await self.mood(user), message, user.name, self.clock())
                await self.store.set_state(user, state.MOOD.key(), mood.to_json())
            finally:
                done.set_result(None)
                if _MOVING.get(key) is done:
                    del _MOVING[key]

        return work()

    async def how_it_feels(self, user: User) -> str | None:
        return await how_it_feels(self.store, user, self.clock())

    async def stream(self, model: Model, prompt: Sequence[Message], options: GenerateOptions) -> AsyncIterator[str]:
        """The model's reply to `prompt`, through the guard: checked phrase by phrase as it streams. A reply whose
        opening is dropped before anything was shown starts again, told why, with the words it went wrong with
        made less likely (at temperature 0 the same prompt would only say the same again)."""
        known = self._known(prompt)
        asked = _last_user(prompt)
        before = [m["content"] for m in prompt if m["role"] == "assistant"][-RECENT_REPLIES:]
        if (untold := untold_answer(never_told_in(prompt), asked, before)) is not None:
            log.info("character: never told, said at once")
            yield untold  # known before the model starts: nothing to wait for
            return
        limit = None if _ASKS_FOR_LENGTH.search(asked) else MAX_SENTENCES
        messages = list(prompt)
        tries = replace(options, avoid=options.avoid or AVOID, avoid_opening=options.avoid_opening or AVOID_OPENING,
                        forbid_after=options.forbid_after or FORBIDDEN_NEXT)
        for attempt in range(RETRIES + 1):
            last = attempt == RETRIES
            guard = Guard(known, limit, person_in(prompt), asked, examples=self.persona.examples,
                          instructions=self.persona.character, final=last,
                          before=before, own_name=own_name_in(prompt))
            pieces = model.stream(messages, tries)
            try:
                async for piece in pieces:
                    if shown := guard.feed(piece):
                        yield shown
                    if guard.done or ((guard.dropped_opening or guard.abandoned_opening) and not last):
                        break
                else:
                    if rest := guard.finish():
                        yield rest
            finally:
                await _close(pieces)
            for repair in guard.repairs:
                log.info("character: %s repaired (%r)", repair.kind, repair.dropped[:120])
            if guard.said.strip() or not guard.repairs:
                return
            if last:
                log.info("character: nothing was left to say")
                yield LOST_THREAD
                return
            log.info("character: a fresh start (%d)", attempt + 1)
            steer = STEER
            if lines := telling_lines(asked, known):
                # Asked about someone of theirs its notes tell of: after any false start (a recited example,
                # "I don't have enough information"), the notes that answer it, pointed at.
                steer += " What you know that answers it:\n" + "\n".join(f"- {line}" for line in lines)
            messages = [*prompt, {"role": "system", "content": steer}]
            tries = replace(tries, seed=tries.seed + 1, avoid=tries.avoid + _telling_words(guard.repairs))

    def _known(self, prompt: Sequence[Message]) -> str:
        """What grounds claims about the person: their own words and what memory holds, never the persona."""
        parts: list[str] = []
        persona = (self.persona.character.strip(), voice_examples(self.persona) if self.persona.examples else "")
        for m in prompt:
            if m["role"] == "assistant" or m["content"].startswith(NEVER_TOLD_NOTE):
                continue  # its own words ground nothing, nor does the note that memory holds nothing
            text = m["content"]
            for block in persona:
                if block:
                    text = text.replace(block, "")
            parts.append(text)
        return "\n".join(parts)


async def how_it_feels(store: Store, user: User, now: datetime | None = None) -> str | None:
    """How the companion feels about the person and why, in its own words; None before they have talked."""
    mood = Mood.from_json(await store.get_state(user, state.MOOD.key()))
    return describe(mood, now or datetime.now(UTC)) if mood is not None else None


def _telling_words(repairs: Sequence[Repair]) -> tuple[str, ...]:
    """The words a dropped opening went wrong with ("sorry", "information"), less the plain ones."""
    found: list[str] = []
    for r in repairs:
        for w in words(r.dropped):
            if w.text not in _PLAIN and w.text not in found and len(found) < 4:
                found.append(w.text)
    return tuple(found)


def _last_user(prompt: Sequence[Message]) -> str:
    return next((m["content"] for m in reversed(prompt) if m["role"] == "user"), "")


async def _close(pieces: AsyncIterator[str]) -> None:
    """Stop the model writing (a generator closed early tells its backend to stop)."""
    close = getattr(pieces, "aclose", None)
    if close is not None:
        await close()
