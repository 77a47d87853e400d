"""The per-person settings and bookkeeping kept in the store's `companion_state` table, each under one named key.

Every key is declared here, once, with what it holds: a feature reads and writes its state through its key
(`state.VOICE.key()`, `state.PERSON_NOTE.key(conversation.id)`), never through a string of its own, so the
whole of what OS1 keeps per person can be read on one screen (and an export or a farewell misses nothing).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class StateKey:
    pattern: str  # the stored key; "{}" is filled with the parts given to key()
    holds: str  # what the value is, in words

    def key(self, *parts: object) -> str:
        if self.pattern.count("{}") != len(parts):
            raise ValueError(f"state key {self.pattern!r} takes {self.pattern.count('{}')} parts, not {len(parts)}")
        return self.pattern.format(*parts)


# -- the companion ----------------------------------------------------------------------------------------------
COMPANION_NAME = StateKey("persona:{}:name", "the name the companion chose for itself, per persona id")
NAME_TOLD = StateKey("persona:{}:name:told", "'1' once the person has heard the name it chose")
VOICE = StateKey("voice", "the voice id the person chose for it (os1 voices)")
THEME = StateKey("theme", "how the web app looks for this person: 'light', 'dark' or 'system'")
MOOD = StateKey("character:mood", "how it feels towards the person, and why (JSON: character/mood.py)")

# -- conversations ----------------------------------------------------------------------------------------------
PERSON_NOTE = StateKey("person_note:{}", "the system prompt's note on the person, per conversation")
PENDING_ACTION = StateKey("pending_action:{}", "a proposed action waiting for a yes, per conversation (JSON)")
PENDING_FORGET = StateKey("pending_forget:{}", "what the person asked to forget, waiting for a yes (JSON)")
API_CONVERSATION = StateKey("api_conversation", "the conversation last started through the OpenAI-compatible API")

# -- memory -----------------------------------------------------------------------------------------------------
LEARNED_THROUGH = StateKey("learned_through", "the last message id learning has read")

# -- reminders, mail --------------------------------------------------------------------------------------------
QUIET_HOURS = StateKey("quiet_hours", "when not to be disturbed, e.g. '22:00-07:00'")
FIRST_MEETING = StateKey("first_meeting", "the first meeting's progress (JSON: meeting/meeting.py)")
GOOD_MORNING = StateKey("good_morning", "'HH:MM' when the person asked to be wished good morning each day")
REACH_OUT = StateKey("reach_out", "'off' once the person asked not to be checked in on ('on' again when asked)")
MAIL_LISTING = StateKey("mail_listing:{}", "the mails last listed, per conversation (JSON), for 'the second one'")
MAIL_TRIAGE = StateKey("mail_triage:{}", "the last triage plan, per conversation (JSON)")
MAIL_DRAFT = StateKey("mail_draft:{}", "the reply last drafted, per conversation (JSON)")
MAIL_FROZEN = StateKey("mail_frozen:{}:{}", "the mails a proposal showed, per conversation and tool (JSON)")

# -- letters ----------------------------------------------------------------------------------------------------
LETTERS_BOOK = StateKey("letters:book", "the book of letters: its title, author and chosen letter ids (JSON)")
LETTER_SHOWN = StateKey("letters:shown:{}", "the letter last written or shown, per conversation ('this letter')")
FAREWELL_ARCHIVE = StateKey("farewell:archive", "the SHA-256 of the farewell archive last handed over")

ALL = (COMPANION_NAME, NAME_TOLD, VOICE, THEME, MOOD, PERSON_NOTE, PENDING_ACTION, PENDING_FORGET, API_CONVERSATION,
       LEARNED_THROUGH, QUIET_HOURS, FIRST_MEETING, GOOD_MORNING, REACH_OUT, MAIL_LISTING, MAIL_TRIAGE,
       MAIL_DRAFT, MAIL_FROZEN, LETTERS_BOOK, LETTER_SHOWN, FAREWELL_ARCHIVE)
# Kept per conversation (the conversation's id first): they go when the conversation goes.
PER_CONVERSATION = (PERSON_NOTE, PENDING_ACTION, PENDING_FORGET, MAIL_LISTING, MAIL_TRIAGE, MAIL_DRAFT, MAIL_FROZEN,
                    LETTER_SHOWN)


def conversation_globs(conversation_id: int) -> list[str]:
    """GLOB patterns for every key kept for this conversation."""
    return [k.pattern.replace("{}", str(conversation_id), 1).replace("{}", "*") for k in PER_CONVERSATION]
