"""Reflection between conversations: the companion looks back, as a person does after a day.

Three steps, each grammar-constrained JSON from the model: summarise the conversations not yet summarised,
rewrite the profile from what it now knows, and write a journal entry of its own (what it noticed, what it
wonders, what it wants to ask next time). Runs on `os1 reflect`, and by itself when a new conversation starts
after a gap.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from os1.db.store import Conversation, StoredMessage, User
from os1.memory import facts as factbook
from os1.memory.journal import entries, write_entry
from os1.memory.memory import Memory
from os1.memory.profile import BLOCK_CHARS, BLOCKS, profile, render_profile, set_blocks
from os1.memory.summaries import Summary, add_summary, summarized_through
from os1.memory.vectors import Entry
from os1.models.base import GenerateOptions, Model

MIN_NEW_MESSAGES = 4  # a two-line exchange is not worth a summary yet
CHUNK_CHARS = 6000  # what one summary reads at most: long conversations are summarised in parts
OPTIONS = GenerateOptions(max_tokens=400, temperature=0.0, seed=0)
Progress = Callable[[str], None]


@dataclass(frozen=True)
class ReflectionReport:
    summaries: int
    profile_changed: list[str]
    journal: str


async def reflect(memory: Memory, model: Model, user: User, companion: str,
                  progress: Progress | None = None) -> ReflectionReport:
    """Summarise, update the profile, write in the journal. Safe to interrupt: each step is stored as done."""
    say = progress or (lambda _: None)
    new = await summarise_new(memory, model, user, say)
    changed = await update_profile(memory, model, user, new) if new else []
    entry = await write_journal(memory, model, user, companion, new) if new else ""
    return ReflectionReport(len(new), changed, entry)


async def summarise_new(memory: Memory, model: Model, user: User, say: Progress) -> list[Summary]:
    store, made = memory.store, []
    for listed in reversed(await store.conversations(user, limit=200)):
        conversation = listed.conversation
        through = await summarized_through(store, conversation)
        fresh = [m for m in await store.messages(conversation) if m.id > through and m.status != "rejected"]
        if len(fresh) < MIN_NEW_MESSAGES:
            continue
        for chunk in _chunks(fresh):
            say(f"Looking back at the conversation of {_day(chunk[0])}…")
            made.append(await _summarise(memory, model, user, conversation, chunk))
    return made


async def _summarise(memory: Memory, model: Model, user: User, conversation: Conversation,
                     chunk: list[StoredMessage]) -> Summary:
    lines = "\n".join(f"{user.name if m.role == 'user' else 'You'}: {m.content}" for m in chunk)
    out = await model.complete_json([
        {"role": "system", "content": f"Summarise this conversation between {user.name} and you in two or three "
         f"sentences: what {user.name} talked about, with names, places and dates, and how they felt. Third "
         f"person, past tense, plain words."},
        {"role": "user", "content": f"Conversation of {_day(chunk[0])}:\n{lines}"}],
        {"type": "object", "properties": {"summary": {"type": "string", "maxLength": 600}}, "required": ["summary"]},
        OPTIONS)
    text = f"{_day(chunk[0])}: " + " ".join(str(out.get("summary", "")).split())
    summary = await add_summary(memory.store, user, conversation, text, chunk)
    if memory.vectors is not None:
        await memory.vectors.add(user, [Entry("summary", summary.id, summary.text)])
    return summary


async def update_profile(memory: Memory, model: Model, user: User, new: list[Summary]) -> list[str]:
    store = memory.store
    known = await factbook.facts(store, user, limit=40)
    replaced = [f for f in await factbook.facts(store, user, include_superseded=True, limit=200) if not f.active][:20]
    current = await profile(store, user)
    schema = {"type": "object", "required": list(BLOCKS), "properties": {
        name: {"type": "string", "maxLength": BLOCK_CHARS} for name in BLOCKS}}
    guide = "\n".join(f"- {name}: {what}" for name, what in BLOCKS.items())
    out = await model.complete_json([
        {"role": "system", "content": f"You keep a short profile of {user.name}, in blocks:\n{guide}\n"
         f"Rewrite each block from what you know, keeping what is still true and replacing what changed. "
         f"At most two sentences per block; leave a block empty if you know nothing for it. Only facts "
         f"{user.name} told you. Where facts disagree, the newer one is true; what is listed as no longer true "
         f"must not stay in the profile."},
        {"role": "user", "content": f"Current profile:\n{render_profile(current) or '(empty)'}\n\n"
         "Known facts, newest first:\n" + "\n".join(f"- ({_told(f.created_at)}) {f.text}" for f in known)
         + ("\n\nNo longer true (replaced by newer facts):\n" + "\n".join(f"- {f.text}" for f in replaced)
            if replaced else "")
         + "\n\nRecent conversations:\n" + "\n".join(f"- {s.text}" for s in new)}], schema, OPTIONS)
    return await set_blocks(store, user, {name: str(out.get(name, "")) for name in BLOCKS})


async def write_journal(memory: Memory, model: Model, user: User, companion: str, new: list[Summary]) -> str:
    last = await entries(memory.store, user, limit=1)
    out = await model.complete_json([
        {"role": "system", "content": f"You are {companion}. Write in your private journal about your "
         f"relationship with {user.name}: two or three honest sentences in your own voice, starting with "
         f"\"I\" — what you noticed about {user.name}, how you feel about it, what you wonder. Don't retell "
         f"the conversation. Then one thing you want to ask {user.name} next time."},
        {"role": "user", "content": (f"Your last entry: {last[0].text}\n\n" if last else "")
         + "What happened since:\n" + "\n".join(f"- {s.text}" for s in new)}],
        {"type": "object", "required": ["entry", "ask_next"], "properties": {
            "entry": {"type": "string", "maxLength": 600}, "ask_next": {"type": "string", "maxLength": 200}}},
        OPTIONS)
    entry = await write_entry(memory.store, user, str(out.get("entry", "")), str(out.get("ask_next", "")))
    return entry.text


def _chunks(messages: list[StoredMessage]) -> list[list[StoredMessage]]:
    chunks: list[list[StoredMessage]] = [[]]
    size = 0
    for m in messages:
        if size + len(m.content) > CHUNK_CHARS and chunks[-1]:
            chunks.append([])
            size = 0
        chunks[-1].append(m)
        size += len(m.content)
    return [c for c in chunks if len(c) >= 2 or len(chunks) == 1]


def _told(when: str) -> str:
    moment = datetime.fromisoformat(when).astimezone()
    return f"{moment.day} {moment:%b %Y}"


def _day(message: StoredMessage) -> str:
    return f"{datetime.fromisoformat(message.created_at).astimezone():%A %d %B %Y}"


async def needs_reflection(memory: Memory, user: User) -> bool:
    """Whether any recent conversation has enough messages no summary covers yet."""
    for listed in await memory.store.conversations(user, limit=20):
        through = await summarized_through(memory.store, listed.conversation)
        rows = await memory.store.read("SELECT count(*) FROM messages WHERE conversation_id = ? AND id > ?",
                                       (listed.conversation.id, through))
        if int(rows[0][0]) >= MIN_NEW_MESSAGES:
            return True
    return False
