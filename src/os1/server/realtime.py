"""The realtime voice socket, `/v1/realtime`: talk with your companion out loud from a browser or any program.

It is the live voice loop (os1.voice.loop) with a WebSocket for its microphone and speaker, so listening,
turn-taking, barge-in and the turn itself are the same as `os1 talk`.

Protocol
--------
1. The client opens the socket and sends, as its first (text) message::

       {"type": "hello", "token": "…", "conversation_id": null | 12, "voice": null | "kokoro-alpha"}

   `conversation_id` null continues the person's latest conversation (or starts one), as /api/chat does;
   `voice` null keeps the voice the person chose before (or the default). A refusal is an `error` event
   saying what to do, then a close: code 4401 for a bad token, 4400 for a malformed hello or a voice that is
   unknown or not installed, 4404 for a conversation that is not the person's, 4429 for too many sign-in
   attempts from the address or at the token (the hello is metered as every sign-in is).
2. The server answers (after loading the speech models, announced by a `status` event `loading`)::

       {"type": "ready", "rate": 16000, "format": "pcm16le", "voice": "kokoro-alpha", "conversation_id": 12}

3. The client streams the microphone as binary messages: 16 kHz mono PCM16 little-endian, any size (the
   server re-chunks into 32 ms frames). Keep streaming silence too: the client's stream is the clock, every
   32 ms of microphone audio received lets 32 ms of reply audio go out.
4. The server sends the turn's events as text messages, each the `to_json()` of an `os1.events` event —
   `heard`, `turn_started`, `status`, `recalled`, `text_delta`, `turn_ended` (with `interrupted`), `error` —
   and the reply's audio as binary messages in the format of `ready` (16 kHz mono PCM16 little-endian).
5. Barge-in: when the person speaks over the reply, the server stops it and sends ``{"type": "clear"}``:
   drop all reply audio buffered or scheduled, at once. A `turn_ended` with `"interrupted": true` follows.
6. Reminders and alarms that come due while the socket is open are said between turns (never during one: they
   wait for the reply to finish playing): a `reminder` event, then its words as reply audio::

       {"type": "reminder", "reminder_id": 3, "text": "⏰ Reminder: call my sister", "alarm": false,
        "due": "2026-11-20T13:23:00.000+00:00"}

7. The client may also send, as text: ``{"type": "interrupt"}`` (a stop button: the reply is cut as a barge-in
   cuts it, `clear` follows) and ``{"type": "end_of_speech"}`` (push-to-talk released: what was said is answered
   now, without waiting for a pause). Between them, a push-to-talk client streams silence.
8. Either side may close. A reply still being written when the client leaves is finished and stored.
9. When the token the socket signed in with is removed (`os1 users remove`, here or in another process on the
   same store), the socket ends within a second: the reply being said is cut, an `error` event `unauthorized`
   says why, and it closes with 4401. Nothing sent after that is heard.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Callable, Coroutine
from dataclasses import dataclass
from typing import Any

import numpy as np
from fastapi import APIRouter, WebSocket, WebSocketDisconnect

from os1.db.store import Conversation, NotFound, User
from os1.events import Error, Event, Status
from os1.server.auth import SignInThrottled, authenticate_token, client_address
from os1.server.deps import MAX_ID, Hub
from os1.server.revocation import SIGNED_OUT, Held, unless_revoked
from os1.server.turns import turn_events
from os1.voice.audio import EarUnavailable, from_pcm16, to_pcm16
from os1.voice.base import EAR_RATE, FRAME, Audio, AudioError, Samples, Voice
from os1.voice.loop import Frames, VoiceLoop
from os1.voice.reminders import SpokenReminders
from os1.voice.stt import WhisperTranscriber
from os1.voice.vad import VoiceActivity

router = APIRouter()

HELLO_TIMEOUT_S = 10.0  # a socket that never says who it is should not hold a slot
FRAME_BYTES = FRAME * 2  # one 32 ms frame of PCM16
CLEAR = json.dumps({"type": "clear"})

# WebSocket close codes, after their HTTP cousins
BAD_REQUEST, UNAUTHORIZED, NOT_FOUND, TOO_MANY = 4400, 4401, 4404, 4429
ERROR_CODES = {BAD_REQUEST: "bad_request", UNAUTHORIZED: "unauthorized", NOT_FOUND: "not_found",
               TOO_MANY: "rate_limited"}
MAX_REASON_BYTES = 123  # what a close frame can carry


class Refused(Exception):
    """The socket cannot go on: closed with `code` and `reason` (a sentence for the person)."""

    def __init__(self, code: int, reason: str) -> None:
        super().__init__(reason)
        self.code, self.reason = code, reason


@dataclass(frozen=True)
class Hello:
    token: str
    conversation_id: int | None = None
    voice: str | None = None


def parse_hello(text: str) -> Hello:
    """The client's first message, checked; Refused (4400) saying what is wrong otherwise."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError:
        data = None
    if not isinstance(data, dict) or data.get("type") != "hello":
        raise Refused(BAD_REQUEST, 'Start with a hello: {"type": "hello", "token": "…"}.')
    token, conversation_id, voice = data.get("token"), data.get("conversation_id"), data.get("voice")
    if not isinstance(token, str) or not token:
        raise Refused(UNAUTHORIZED, "Sign in first: the hello needs your token.")
    if conversation_id is not None and (not isinstance(conversation_id, int) or isinstance(conversation_id, bool)
                                        or not 0 < conversation_id <= MAX_ID):
        raise Refused(BAD_REQUEST, "conversation_id must be a conversation's number, or null for your latest.")
    if voice is not None and not isinstance(voice, str):
        raise Refused(BAD_REQUEST, "voice must be a voice id (see `os1 voices`), or null.")
    return Hello(token, conversation_id, voice)


class TurnTaking:
    """The runtime's turns as the voice loop sees them, each reply run as the server runs every turn (turns.py):
    waiting its turn in the hub's turnstile, so that people talking and people typing share the model fairly.
    Listening ahead and preparing (they only pre-read a prompt) are skipped while the model is taken: their
    work would be thrown away anyway."""

    def __init__(self, hub: Hub) -> None:
        self.hub, self.runtime, self.turnstile = hub, hub.runtime, hub.turnstile

    async def respond(self, user: User, conversation: Conversation, text: str) -> AsyncIterator[Event]:
        # A barge-in cancels the loop's reply task: the cancellation unwinds the turn and frees its slot.
        async for event in turn_events(self.hub, user, conversation, text):
            yield event

    async def anticipate(self, user: User, conversation: Conversation, text: str) -> None:
        if self._free():
            await self.runtime.anticipate(user, conversation, text)

    async def prepare(self, user: User, conversation: Conversation) -> None:
        if self._free():
            await self.runtime.prepare(user, conversation)

    async def interrupted(self, user: User, message_id: int) -> None:
        await self.runtime.interrupted(user, message_id)

    async def withdraw(self, user: User, conversation: Conversation, from_message_id: int) -> None:
        await self.runtime.withdraw(user, conversation, from_message_id)

    def _free(self) -> bool:
        queue = self.turnstile.snapshot()
        return not queue.busy and not queue.waiting


async def shared_ear(hub: Hub) -> WhisperTranscriber:
    """The server's one Whisper (`hub.extras["stt"]`, shared with the OpenAI audio routes; it serialises its
    own calls), warmed once so that nobody's first spoken turn waits for the model to load."""
    lock: asyncio.Lock = hub.extras.setdefault("stt_lock", asyncio.Lock())
    async with lock:
        ear: WhisperTranscriber = hub.extras.setdefault("stt", WhisperTranscriber())
        if not hub.extras.get("stt_warm"):
            await asyncio.to_thread(ear.warm)
            hub.extras["stt_warm"] = True
    return ear


async def shared_voice(hub: Hub, voice_id: str | None) -> Voice:
    """A voice by id (None: the default), kept in `hub.extras["voices"]` by id and shared by everyone who
    chose it. Refused (4400) when it is unknown or not installed; the reason says how to install it."""
    from os1.voice.tts import load_voice

    voices: dict[str, Voice] = hub.extras.setdefault("voices", {})
    if voice_id is not None and voice_id in voices:
        return voices[voice_id]
    try:
        voice = await asyncio.to_thread(load_voice, voice_id)  # cheap: a voice's model loads on first use
    except AudioError as exc:
        raise Refused(BAD_REQUEST, str(exc)) from exc
    return voices.setdefault(voice.info.id, voice)


@router.websocket("/v1/realtime")
async def realtime(websocket: WebSocket) -> None:
    """Talk out loud: see the module docstring for the protocol."""
    await websocket.accept()
    hub: Hub = websocket.app.state.hub
    try:
        session = await _open(websocket, hub)
    except Refused as refused:
        await _refuse(websocket, refused)
        return
    except WebSocketDisconnect:
        return
    await session.run()


async def _refuse(websocket: WebSocket, refused: Refused) -> None:
    """Say why in full as an `error` event (a close reason is cut at 123 bytes), then close with the code."""
    try:
        await websocket.send_text(Error(ERROR_CODES[refused.code], refused.reason).to_json())
        reason = refused.reason.encode()[:MAX_REASON_BYTES].decode(errors="ignore")
        await websocket.close(refused.code, reason)
    except (WebSocketDisconnect, RuntimeError, OSError):
        pass  # they left first


async def _open(websocket: WebSocket, hub: Hub) -> Session:
    """Everything before the first frame: who it is, which conversation, which voice, the speech models."""
    hello = parse_hello(await _first_text(websocket))
    user = await _authenticated(hello.token, hub, client_address(websocket))
    held = hub.connections.hold(hello.token, user)  # from now on, removing the token ends the socket
    try:
        conversation = await _conversation(hub, user, hello.conversation_id)
        voice = await _chosen_voice(hub, user, hello.voice)
        if not hub.extras.get("stt_warm"):
            await websocket.send_text(Status("loading", "Getting ready to listen…").to_json())
        try:
            ear = await shared_ear(hub)
        except EarUnavailable as exc:
            raise Refused(BAD_REQUEST, str(exc)) from exc
        session = Session(websocket, hub, user, conversation, ear, voice, held)
        await websocket.send_text(json.dumps({"type": "ready", "rate": EAR_RATE, "format": "pcm16le",
                                              "voice": voice.info.id, "conversation_id": conversation.id}))
    except BaseException:
        held.release()
        raise
    return session


async def _chosen_voice(hub: Hub, user: User, asked: str | None) -> Voice:
    """The voice asked for (then remembered, as `os1 talk` does), else the one chosen before, else the default.
    A voice chosen before that is gone (uninstalled) gives way to the default rather than lock the person out."""
    chosen = await hub.runtime.voice_choice(user, asked)
    if asked is None and chosen is not None:
        try:
            return await shared_voice(hub, chosen)
        except Refused:
            pass
    voice = await shared_voice(hub, asked)
    await hub.runtime.keep_voice(user, voice.info.id)
    return voice


async def _first_text(websocket: WebSocket) -> str:
    try:
        message = await asyncio.wait_for(websocket.receive(), HELLO_TIMEOUT_S)
    except TimeoutError as exc:
        raise Refused(BAD_REQUEST, f"No hello within {HELLO_TIMEOUT_S:.0f} s.") from exc
    if message["type"] == "websocket.disconnect":
        raise WebSocketDisconnect(message.get("code", 1000))
    text = message.get("text")
    if not isinstance(text, str):
        raise Refused(BAD_REQUEST, "The first message must be the hello, as JSON text.")
    return text


async def _authenticated(token: str, hub: Hub, caller: str | None) -> User:
    try:
        user = await authenticate_token(token, hub, caller)
    except SignInThrottled as exc:
        raise Refused(TOO_MANY, f"Too many sign-in attempts; wait {exc.retry_after_s} s and try again.") from None
    if user is None:
        raise Refused(UNAUTHORIZED, "That sign-in token is not valid: it may be mistyped, or it was removed. Ask "
                                    "whoever runs the server for a new one (`os1 users add YOUR_NAME`).")
    return user


async def _conversation(hub: Hub, user: User, conversation_id: int | None) -> Conversation:
    """Theirs with this id; for None, as /api/chat does, their latest conversation (or a new one)."""
    try:
        return await hub.runtime.conversation(user, conversation_id)
    except NotFound as exc:
        raise Refused(NOT_FOUND, f"You have no conversation {conversation_id}; send null for your latest.") from exc


class Session:
    """One person talking: the socket as the voice loop's microphone and speaker.

    Everything to the client goes through one queue and one sender task, so that events (emitted by the
    loop's reply task) and audio (sent as frames are pulled) never interleave mid-message."""

    def __init__(self, websocket: WebSocket, hub: Hub, user: User, conversation: Conversation,
                 ear: WhisperTranscriber, voice: Voice, held: Held | None = None) -> None:
        self.websocket = websocket
        self.held = held
        self.close_code = 1000
        self.user, self.runtime = user, hub.runtime
        self._outgoing: asyncio.Queue[str | bytes | None] = asyncio.Queue()
        self._background: set[asyncio.Task[None]] = set()  # held: an unheld task may vanish mid-way
        self.loop = VoiceLoop(TurnTaking(hub), user, conversation, VoiceActivity(), ear, voice, self.emit,
                              on_clear=lambda: self._send(CLEAR))
        self._open = True

    def emit(self, event: Event) -> None:
        self._send(event.to_json())

    def _send(self, message: str | bytes) -> None:
        if self._open:
            self._outgoing.put_nowait(message)

    async def run(self) -> None:
        sender = asyncio.create_task(self._sender())
        # Pre-read the prompt while the person gets ready to speak, as `os1 talk` does before it listens.
        self._in_background(self.loop.replies.prepare(self.loop.user, self.loop.conversation))
        reminders = SpokenReminders(self.loop)
        close = self.runtime.open_door(self.user, reminders)
        try:
            if await unless_revoked(self.held, self.loop.run(self.frames())):
                await self.loop.stop()  # signed out: nothing more is heard or said
                self.emit(Error("unauthorized", SIGNED_OUT))
                self.close_code = UNAUTHORIZED
        except Exception as exc:  # noqa: BLE001 - tell the person, then close: one socket must not take the server
            self.emit(Error("voice_failed", f"Voice stopped working ({exc}). Reconnect to go on."))
        finally:
            if self.held is not None:
                self.held.release()
            reminders.closed = True
            close()
            self._outgoing.put_nowait(None)
            self._open = False
            await sender
            await asyncio.gather(*self._background, return_exceptions=True)
        await _close_quietly(self.websocket, self.close_code)

    async def _sender(self) -> None:
        while (message := await self._outgoing.get()) is not None:
            try:
                if isinstance(message, str):
                    await self.websocket.send_text(message)
                else:
                    await self.websocket.send_bytes(message)
            except (WebSocketDisconnect, RuntimeError, OSError):
                self._open = False  # they left: keep draining so nothing waits on us

    async def frames(self) -> Frames:
        """(microphone, played) frames, one per 32 ms of audio the client sent; plays from the loop's outbox."""
        async for mic in self._microphone():
            played = self.loop.outbox.pull(FRAME)
            if np.any(played):
                self._send(to_pcm16(Audio(played, EAR_RATE)))
            yield mic, played

    def _control(self, kind: str) -> bool:
        """A control message from the client: the stop button, or push-to-talk released."""
        if kind == "interrupt":
            self.loop.interrupt()
        elif kind == "end_of_speech":
            self.loop.end_of_speech()
        else:
            return False
        return True

    def _in_background(self, work: Coroutine[Any, Any, None]) -> None:
        task = asyncio.create_task(work)
        self._background.add(task)
        task.add_done_callback(self._background.discard)

    async def _microphone(self) -> AsyncIterator[Samples]:
        """The client's audio in FRAME-sample frames, whatever sizes it arrives in, until it leaves."""
        pending = bytearray()
        async for chunk in _binary_messages(self.websocket, self.emit, self._control):
            pending += chunk
            whole = len(pending) - len(pending) % FRAME_BYTES
            for start in range(0, whole, FRAME_BYTES):
                yield from_pcm16(bytes(pending[start:start + FRAME_BYTES]), EAR_RATE).samples
            del pending[:whole]


async def _binary_messages(websocket: WebSocket, emit: Callable[[Event], None],
                           control: Callable[[str], bool]) -> AsyncIterator[bytes]:
    """The client's audio; its control messages go to `control` (False: not one it knows)."""
    while True:
        try:
            message = await websocket.receive()
        except (WebSocketDisconnect, RuntimeError):
            return
        if message["type"] == "websocket.disconnect":
            return
        if message.get("bytes") is not None:
            yield message["bytes"]
        elif message.get("text") is not None and not control(_control_type(message["text"])):
            emit(Error("unexpected_text", 'After the hello, send binary 16 kHz mono PCM16, and as text only '
                                          '{"type": "interrupt"} or {"type": "end_of_speech"}.'))


def _control_type(text: str) -> str:
    try:
        data = json.loads(text)
    except ValueError:
        return ""
    return str(data.get("type", "")) if isinstance(data, dict) else ""


async def _close_quietly(websocket: WebSocket, code: int = 1000) -> None:
    try:
        await websocket.close(code)
    except (WebSocketDisconnect, RuntimeError, OSError):
        pass  # the client closed it first
