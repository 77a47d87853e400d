"""The music tools: "play me something that sounds like today", "write a song about our walk by the lake",
"play the one from the lake again", "what songs have you written me?", "delete the wedding song".

Composing makes something new inside the person's own OS1, so it runs at once and "undo that" deletes it;
deleting a piece is proposed first. The model only names the intent (what it is about, a mood word, a title):
music/intent.py checks it against the person's words and the companion's mood, and music/compose.py makes it
music.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

from os1.character.mood import Mood
from os1.db import state
from os1.db.store import telling_words
from os1.events import Event, Music
from os1.music.intent import Intent, settle
from os1.music.library import Piece, choose, delete_piece, pieces, retitle
from os1.music.making import audio_of, make_piece, midi_of
from os1.music.moods import MOODS, MoodWord, style
from os1.music.render import SynthMissing
from os1.tools.registry import Outcome, ToolContext, ToolError, Undo, tool

_MUSIC = r"(?:songs?|pieces?(?: of music)?|music|tunes?|melod(?:y|ies)|lullab(?:y|ies)|waltz)"
# Asking for a new piece; "again" asks for one already made.
ASKS_TO_COMPOSE = (r"^(?!.*\b(?:again|once more)\b)(?:.*\b(?:compose|improvise|sing|play)\b[^.?!]*\b(?:"
                   + _MUSIC + r"|something|anything)\b|.*\b(?:write|make|create|give|do)\b[^.?!]*\b" + _MUSIC
                   + r"\b|.*\bcompose\b)")
# Asking beyond doubt: a request that starts by asking for a new piece ("compose something for…", "play me
# something that sounds like today", "could you write a song about…"): composed even if the model says "none".
SURELY_COMPOSE = (r"^(?!.*\b(?:again|once more)\b)\W*(?:(?:hey|ok|so|please|now)\W+)*(?:(?:can|could|would|will) you"
                  r"(?: please)? )?(?:(?:compose|improvise|sing|play)(?: (?:me|us))? (?:a |an |some |something|"
                  r"anything)|(?:write|make|create)(?: (?:me|us))? (?:a |an |some |another )?(?:little |short |new )?"
                  + _MUSIC + r"\b)")
ASKS_TO_PLAY = (r"\b(?:play|hear|listen to|put on)\b[^.?!]*\b(?:again|once more)\b|"
                r"\bplay (?:the|that|my) (?:one|" + _MUSIC + r")\b|"
                r"\bplay\b[^.?!]*\b" + _MUSIC + r" (?:you (?:wrote|made|composed)|from|about|for)\b")
ASKS_ABOUT = (r"\b(?:what|which|list|show|how many)\b[^.?!]*\b" + _MUSIC + r"\b[^.?!]*\b(?:you|made|wrote|"
              r"written|composed|have)\b")
ASKS_TO_DELETE = r"\b(?:delete|remove|erase|get rid of|throw away|bin)\b[^.?!]*\b" + _MUSIC + r"\b"


def _home(ctx: ToolContext) -> Path:
    if ctx.home is None:
        raise ToolError("I have nowhere to keep music here.")
    return ctx.home


async def _compose_at_once(ctx: ToolContext) -> tuple[Event, ...]:
    """Asked beyond doubt ("play me something that sounds like today"): when the mood is settled by the person's
    words, a memory or the companion's feeling, the model's word could not change it, so the piece is composed and
    its opening plays now, while the model still chooses a title and what it is about (its title comes with the
    reply, when the model has chosen it: `title` is left empty until then)."""
    home = _home(ctx)
    feeling, memories = await _grounds(ctx, "")
    now, texts = ctx.now(), tuple(m["text"] for m in memories)

    def settled(word: str | None) -> Intent:
        return settle(ctx.request, model_mood=word, feeling=feeling, now=now, memories=texts)

    intent = settled(None)
    if any(settled(word).mood != intent.mood for word in MOODS):
        return ()  # the model's word would choose the mood: it is waited for
    conversation_id, message_id = await _asked_in(ctx)
    made = await make_piece(ctx.store, ctx.person, home, intent, request=ctx.request,
                            conversation_id=conversation_id, message_id=message_id, memories=tuple(memories))
    ctx.prepared["compose_music"] = (made, intent)
    return (replace(made.event(), title=""),)


@tool(effect="change", confirm=False, asked_by=ASKS_TO_COMPOSE, sure_by=SURELY_COMPOSE, prelude=_compose_at_once,
      examples=["play me something that sounds like today", "write a song about our walk by the lake",
                "compose something for my sister's wedding"])
async def compose_music(ctx: ToolContext, about: str = "", mood: MoodWord | None = None, title: str = "") -> Outcome:
    """Compose a new piece of music for the person, from this moment, and play it.

    Args:
        about: what or whom it is about, copied from the person's own words
        mood: the feeling it should have
        title: a short title of your own for it, a few words
    """
    home = _home(ctx)
    feeling, memories = await _grounds(ctx, about)
    intent = settle(ctx.request, model_mood=mood, model_title=_own(title, ctx.request), model_about=about,
                    feeling=feeling, now=ctx.now(), memories=tuple(m["text"] for m in memories))
    events: tuple[Event, ...] = ()
    early = ctx.prepared.pop("compose_music", None)
    if early is not None:  # composed and playing already (`_compose_at_once`): its sound stays, named now
        made, settled = early
        piece = await retitle(ctx.store, ctx.person, made.piece.id, intent.title, intent.about)
        intent = replace(settled, title=piece.title, about=piece.about)
    else:
        conversation_id, message_id = await _asked_in(ctx)
        made = await make_piece(ctx.store, ctx.person, home, intent, request=ctx.request,
                                conversation_id=conversation_id, message_id=message_id, memories=tuple(memories))
        piece, events = made.piece, (made.event(),)
    sounds = style(intent.mood).sounds
    text = (f"I wrote you “{piece.title}”, about {piece.about}: {piece.length}, {sounds}, in {piece.score.key.name} "
            f"at {piece.score.tempo:.0f} beats a minute, because {intent.reason}.")
    if made.missing:
        text += f" {made.missing}"
    return Outcome(text, Undo("forget_music", {"ids": [piece.id]}), said_as_is=True, events=events)


async def _grounds(ctx: ToolContext, about: str) -> tuple[Mood | None, list[dict[str, Any]]]:
    """The companion's feeling about the person, and the memories the request points at."""
    feeling = Mood.from_json(await ctx.store.get_state(ctx.person, state.MOOD.key()))
    return feeling, await _memories(ctx, about)


@tool(effect="read", asked_by=ASKS_TO_PLAY, examples=["play the one from the lake again"])
async def play_music(ctx: ToolContext, which: str) -> Outcome:
    """Play again a piece OS1 composed for the person earlier.

    Args:
        which: which piece, copied from the person's words
    """
    found = await _one(ctx, which)
    home = _home(ctx)
    try:
        audio = await audio_of(found, ctx.person, home)
    except SynthMissing as exc:
        midi = midi_of(found, ctx.person, home)
        return Outcome(f"“{found.title}” ({found.length}). {exc}", said_as_is=True,
                       events=(Music(found.id, found.title, round(found.seconds, 1), midi=str(midi)),))
    return Outcome(f"Here's “{found.title}” again, {found.about} ({found.length}).", said_as_is=True,
                   events=(Music(found.id, found.title, round(found.seconds, 1), str(audio), "",
                                 str(midi_of(found, ctx.person, home))),))


@tool(effect="read", asked_by=ASKS_ABOUT)
async def list_music(ctx: ToolContext) -> Outcome:
    """List the pieces of music OS1 has composed for the person."""
    found = await pieces(ctx.store, ctx.person)
    if not found:
        return Outcome("I haven't written you any music yet. Ask me for a piece whenever you like.", said_as_is=True)
    lines = [f"{p.id}. {p.line()} ({p.created_at[:10]})" for p in found]
    return Outcome("The music I've written you:\n" + "\n".join(lines), said_as_is=True)


async def _describe_deleting(ctx: ToolContext, args: dict[str, Any]) -> str:
    found = await _one(ctx, args["which"])
    return f"Delete the piece {found.line()} (its score and its audio)"


@tool(effect="change", asked_by=ASKS_TO_DELETE, describe=_describe_deleting)
async def delete_music(ctx: ToolContext, which: str) -> Outcome:
    """Delete a piece of music OS1 composed for the person.

    Args:
        which: which piece, in the person's words, or its number
    """
    found = await _one(ctx, which)
    await delete_piece(ctx.store, ctx.person, found.id, ctx.home)
    return Outcome(f"Deleted “{found.title}”.")


@tool(effect="change", confirm=False, asked_by=None)
async def forget_music(ctx: ToolContext, ids: list[int]) -> str:
    """Delete the pieces with these ids (taking back a piece just composed)."""
    gone = [p for i in ids if (p := await delete_piece(ctx.store, ctx.person, i, ctx.home)) is not None]
    return f"Deleted {', '.join(f'“{p.title}”' for p in gone)}." if gone else "It was already gone."


def _own(title: str, request: str) -> str:
    """The model's title, unless it is copied from the examples it was shown ("Our Walk by the Lake" for a piece
    about today): such a title names a moment that isn't this one."""
    shown = {w for e in compose_music.examples for w in telling_words(e)} - set(telling_words(request))
    return "" if shown & set(telling_words(title)) else title


MUSIC_TOOLS = (compose_music, play_music, list_music, delete_music, forget_music)


async def _one(ctx: ToolContext, which: str) -> Piece:
    found = await pieces(ctx.store, ctx.person)
    if not found:
        raise ToolError("I haven't written you any music yet.")
    # the model's `which` if the person said it; else their own words ("play the one from the lake again")
    chosen = choose(found, which) if _said(which, ctx.request) else []
    chosen = chosen or choose(found, ctx.request) or choose(found, which)
    if not chosen:
        raise ToolError(f"I couldn't find a piece that matches {which!r}. Ask me what I've written you.")
    return chosen[0]


def _said(words: str, request: str) -> bool:
    mine = set(telling_words(words))
    return not mine or bool(mine & set(telling_words(request)))


async def _memories(ctx: ToolContext, about: str) -> list[dict[str, Any]]:
    """The memories the request points at ("our walk by the lake"), from before this message."""
    if ctx.memory is None:
        return []
    query = " ".join(w for w in telling_words(f"{about} {ctx.request}")
                     if w not in {"song", "piece", "music", "play", "write", "compose", "something", "today"})
    if not query:
        return []
    items = await ctx.memory.recall(ctx.person, query, now=ctx.now(), limit=3)
    wanted = set(query.split())
    return [{"kind": i.kind, "id": i.id, "text": i.text[:300]} for i in items
            if i.text.strip() != ctx.request.strip() and wanted & set(telling_words(i.text))]


async def _asked_in(ctx: ToolContext) -> tuple[int | None, int | None]:
    """The conversation and the message that asked for the piece."""
    if ctx.conversation is None:
        return None, None
    recent = await ctx.store.messages(ctx.conversation, limit=6)
    asked = [m for m in recent if m.role == "user" and m.content.strip() == ctx.request.strip()]
    return ctx.conversation.id, (asked[-1].id if asked else None)
