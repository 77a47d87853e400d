"""The first meeting, run per person: asked when a door first opens (and resumed at a later opening), answered
through the person's ordinary turns, without the model. Its progress is kept in the store (state.FIRST_MEETING),
so it is resumable and nothing is asked twice; what is already known is not asked at all.

    meeting = FirstMeeting(store, identity, model, clock)
    line = await meeting.opening(person, opened)     # the intro and a question, or None
    reply = await meeting.answer(person, text)        # the thanks and the next question, or None: not an answer
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from os1.db import state
from os1.db.store import Store, User
from os1.db.times import utc_iso
from os1.meeting import seeding
from os1.meeting.questions import DONE, ENOUGH, INTRO, LATER, QUESTIONS, RESUME, SKIPPED, Question
from os1.models.base import Model
from os1.persona import Identity

RESUME_AFTER = timedelta(hours=1)  # a question left unanswered is asked again at a door opened this much later
PASSED_BY_LIMIT = 2  # questions talked past before the meeting stops asking
MAX_ANSWER_CHARS = 400  # longer than this is not an answer to one question: they are talking

_SKIP_ALL = re.compile(r"\b(?:skip (?:it all|all|everything|the (?:rest|setup|questions)|setup|this)|no more questions|"
                       r"enough questions|stop asking|let'?s just talk|don'?t want to do (?:this|the setup))\b",
                       re.IGNORECASE)
_LATER = re.compile(r"^\W*(?:later|not now|another time|maybe later|some other time|can we do this later)\W*$",
                    re.IGNORECASE)
_SKIP = re.compile(r"^\W*(?:skip|pass|next|no comment|i'?d rather not(?: say)?|rather not(?: say)?|"
                   r"prefer not to say|none of your business|skip (?:it|that|this one))\W*$", re.IGNORECASE)


@dataclass
class Progress:
    answered: dict[str, str] = field(default_factory=dict)
    skipped: list[str] = field(default_factory=list)
    asked: str | None = None  # the question waiting for an answer
    asked_at: str | None = None
    started: bool = False
    done: bool = False
    passed_by: int = 0  # openings whose question they talked past instead of answering

    def settled(self, question: Question) -> bool:
        return question.id in self.answered or question.id in self.skipped


@dataclass(frozen=True)
class Line:
    text: str
    question: str | None  # the question it asks (None: it only closes the meeting)


class FirstMeeting:
    def __init__(self, store: Store, identity: Identity, model: Model, clock: Callable[[], datetime],
                 enabled: bool = True) -> None:
        self.store = store
        self.identity = identity
        self.model = model
        self.clock = clock
        self.enabled = enabled

    async def active(self, person: User) -> bool:
        return self.enabled and not (await self._progress(person)).done

    async def opening(self, person: User) -> Line | None:
        """What to say as a door opens: the intro and the first question, or the question left open (when it was
        asked a while ago); None when the meeting is over or its question was just asked."""
        if not self.enabled:
            return None
        progress = await self._progress(person)
        if progress.done:
            return None
        now = self.clock()
        if progress.asked and progress.asked_at and now - datetime.fromisoformat(progress.asked_at) < RESUME_AFTER:
            return None
        question = await self._next(person, progress)
        if question is None:
            return None
        return Line(f"{RESUME if progress.started else INTRO}\n\n{question.text}", question.id)

    async def asked(self, person: User, line: Line) -> None:
        """A door took `line`: its question now waits for an answer."""
        progress = await self._progress(person)
        progress.started, progress.asked, progress.asked_at = True, line.question, utc_iso(self.clock())
        await self._keep(person, progress)

    async def unasked(self, person: User) -> None:
        """No door took the line after all: no question waits."""
        progress = await self._progress(person)
        progress.asked = progress.asked_at = None
        await self._keep(person, progress)

    async def answer(self, person: User, text: str) -> str | None:
        """Take `text` as the answer to the question waiting, seed what it says, and return what OS1 says next;
        None when no question waits or `text` is not an answer (a question of their own, a long story): the
        companion answers it, and the question comes again at a later opening."""
        if not self.enabled:
            return None
        progress = await self._progress(person)
        waiting = next((q for q in QUESTIONS if q.id == progress.asked), None)
        if progress.done or waiting is None:
            return None
        text = text.strip()
        if _SKIP_ALL.search(text):
            progress.done, progress.asked = True, None
            await self._keep(person, progress)
            return ENOUGH
        if _LATER.match(text):
            progress.asked = None
            await self._keep(person, progress)
            return LATER
        if text.endswith("?") or len(text) > MAX_ANSWER_CHARS or not (
                _SKIP.match(text) or seeding.plausible(waiting.id, text)):
            # They would rather talk: the question waits for a later opening, and after being talked past
            # twice the meeting gives way to ordinary conversation (what it wanted to know comes up there).
            progress.asked = None
            progress.passed_by += 1
            progress.done = progress.passed_by >= PASSED_BY_LIMIT
            await self._keep(person, progress)
            return None
        if _SKIP.match(text):
            progress.skipped.append(waiting.id)
            said = SKIPPED
        else:
            understood = await seeding.seed(self.store, person, waiting.id, text)
            if understood is None:  # "quiet" hours it could not read: asked once more, then let go
                if waiting.id in progress.answered:
                    progress.answered.pop(waiting.id)
                    progress.skipped.append(waiting.id)
                    said = "Never mind — you can tell me your quiet hours any time."
                else:
                    progress.answered[waiting.id] = ""
                    await self._keep(person, progress)
                    return "I didn't catch the hours — something like \"10pm to 7am\"?"
            else:
                progress.answered[waiting.id] = text
                said = waiting.thanks.format(answer=understood)
        question = await self._next(person, progress)
        if question is None:
            progress.done, progress.asked = True, None
            await self._keep(person, progress)
            name = await self.identity.name(person) or await self.identity.choose_name(person, self.model)
            return f"{said}\n\n{DONE.format(name=name)}"
        progress.asked, progress.asked_at = question.id, utc_iso(self.clock())
        await self._keep(person, progress)
        return f"{said}\n\n{question.text}"

    async def _next(self, person: User, progress: Progress) -> Question | None:
        for question in QUESTIONS:
            if progress.settled(question) and progress.answered.get(question.id) != "":
                continue
            if question.id != progress.asked and await seeding.known(self.store, person, question.id):
                continue  # known already (set another way): not asked
            return question
        return None

    async def _progress(self, person: User) -> Progress:
        value = await self.store.get_state(person, state.FIRST_MEETING.key())
        data: dict[str, Any] = json.loads(value) if value else {}
        return Progress(**data)

    async def _keep(self, person: User, progress: Progress) -> None:
        await self.store.set_state(person, state.FIRST_MEETING.key(), json.dumps(progress.__dict__))
