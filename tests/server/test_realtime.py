"""The realtime voice socket on the real server: a websockets client speaks (espeak-ng, streamed as PCM16 in
100 ms chunks at the pace of speech), real Silero and Whisper listen, espeak answers. The reply's words come
from the scripted model: what is tested is the protocol, listening, speaking and barge-in."""

from __future__ import annotations

import asyncio
import contextlib
import json
import re
import shutil
import sqlite3
import subprocess
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import websockets
from websockets.asyncio.client import ClientConnection

from os1.reminders.book import add_reminder
from os1.server.deps import Hub
from os1.testing import FixedClock, ScriptedModel
from os1.voice.audio import read_wav, resample, to_pcm16
from os1.voice.base import EAR_RATE, Audio, Samples
from os1.voice.stt import WhisperTranscriber

CHUNK = EAR_RATE // 10  # 100 ms, as a browser might batch it
LONG_REPLY = ("Lisbon in March is lovely. The days are mild and bright, the evenings are cool, and the city is "
              "quieter than in summer. You could walk along the river, take the tram up to the castle, and eat "
              "pastries in the old bakeries. A day trip to Sintra is easy by train.")

Speak = Callable[[str], Samples]


@pytest.fixture(scope="module")
def speak(tmp_path_factory: pytest.TempPathFactory) -> Speak:
    """`speak(text)`: espeak-ng saying it, at 16 kHz."""
    if shutil.which("espeak-ng") is None:
        pytest.skip("espeak-ng is not installed (apt-get install espeak-ng)")
    folder = tmp_path_factory.mktemp("spoken")

    def speak(text: str) -> Samples:
        path = folder / f"{abs(hash(text))}.wav"
        subprocess.run(["espeak-ng", "-v", "en-us", "-s", "165", "-w", str(path), text], check=True,
                       capture_output=True, timeout=30)
        return resample(read_wav(Path(path)), EAR_RATE).samples

    return speak


@pytest.fixture(scope="module")
def ear() -> Iterator[WhisperTranscriber]:
    """One warm Whisper for the module (each test's server would otherwise load its own)."""
    whisper = WhisperTranscriber()
    whisper.warm()
    yield whisper


@pytest.fixture
def voice_server(server: tuple[str, Hub, ScriptedModel],
                 ear: WhisperTranscriber) -> tuple[str, Hub, ScriptedModel]:
    base_url, hub, scripted = server
    hub.extras.update(stt=ear, stt_warm=True)
    return base_url.replace("http://", "ws://") + "/v1/realtime", hub, scripted


@dataclass
class Heard:
    """Everything the server sent: JSON messages in order, and the reply audio."""

    messages: list[dict[str, Any]] = field(default_factory=list)
    audio: bytearray = field(default_factory=bytearray)
    audio_at_clear: int | None = None  # bytes of audio received when `clear` came

    def of(self, kind: str) -> list[dict[str, Any]]:
        return [m for m in self.messages if m["type"] == kind]

    @property
    def audio_seconds(self) -> float:
        return len(self.audio) / 2 / EAR_RATE


async def listen(ws: ClientConnection, heard: Heard) -> None:
    async for message in ws:
        if isinstance(message, bytes):
            heard.audio += message
            continue
        data = json.loads(message)
        heard.messages.append(data)
        if data["type"] == "clear" and heard.audio_at_clear is None:
            heard.audio_at_clear = len(heard.audio)


def answered(heard: Heard, after: dict[str, Any]) -> bool:
    """Whether a reply ended after the message `after`."""
    return any(m["type"] == "turn_ended" for m in heard.messages[heard.messages.index(after):])


async def say(ws: ClientConnection, samples: Samples) -> None:
    """Stream `samples` as a microphone would: 100 ms at a time, in real time."""
    for start in range(0, len(samples), CHUNK):
        await ws.send(to_pcm16(Audio(samples[start:start + CHUNK], EAR_RATE)))
        await asyncio.sleep(CHUNK / EAR_RATE)


async def silence_until(ws: ClientConnection, done: Callable[[], bool], limit_s: float = 30.0) -> None:
    """Keep the microphone open (silence: the stream is the server's clock) until `done()` or `limit_s`."""
    quiet = np.zeros(CHUNK, dtype=np.float32)
    for _ in range(int(limit_s * EAR_RATE / CHUNK)):
        if done():
            return
        await say(ws, quiet)
    raise AssertionError(f"gave up after {limit_s} s of silence")


async def hello(ws: ClientConnection, token: str, **extra: Any) -> dict[str, Any]:
    await ws.send(json.dumps({"type": "hello", "token": token, "conversation_id": None, "voice": "espeak", **extra}))
    while True:
        reply = json.loads(await ws.recv())
        if reply["type"] == "ready":
            return dict(reply)
        assert reply == {"type": "status", "state": "loading", "detail": "Getting ready to listen…"}


async def test_a_spoken_question_gets_words_and_audio_back(voice_server, speak) -> None:
    url, hub, scripted = voice_server
    scripted.enqueue("Paris is the capital of France.")
    token = await hub.tokens.add("theodore")
    heard = Heard()
    async with websockets.connect(url) as ws:
        ready = await hello(ws, token)
        assert ready["rate"] == EAR_RATE and ready["format"] == "pcm16le" and ready["voice"] == "espeak"
        listening = asyncio.ensure_future(listen(ws, heard))
        await say(ws, np.concatenate([np.zeros(EAR_RATE // 2, np.float32), speak("What is the capital of France?")]))
        await silence_until(ws, lambda: bool(heard.of("turn_ended")) and heard.audio_seconds > 1.0)
        listening.cancel()
    said = heard.of("heard")
    assert len(said) == 1 and "capital" in said[0]["text"].lower() and "france" in said[0]["text"].lower()
    order = [m["type"] for m in heard.messages if m["type"] in ("heard", "turn_started", "text_delta", "turn_ended")]
    assert order[:2] == ["heard", "turn_started"] and order[-1] == "turn_ended" and "text_delta" in order
    assert "".join(m["text"] for m in heard.of("text_delta")) == "Paris is the capital of France."
    assert heard.of("turn_ended")[0]["interrupted"] is False
    reply = np.frombuffer(bytes(heard.audio), "<i2").astype(np.float32) / 32768
    assert float(np.sqrt(np.mean(reply**2))) > 0.01  # speech, not silence
    person = await hub.runtime.store.user("theodore")
    conversation = await hub.runtime.store.conversation(person, ready["conversation_id"])
    stored = await hub.runtime.store.messages(conversation)
    assert [m.role for m in stored] == ["user", "assistant"] and stored[1].content == "Paris is the capital of France."


@pytest.mark.parametrize("writing_s", [0.1, 0.0], ids=["while-writing", "written-in-full"])
async def test_speaking_over_the_reply_clears_it_and_marks_it_interrupted(voice_server, speak, writing_s) -> None:
    url, hub, scripted = voice_server
    scripted.delay_s = writing_s  # per word: 0.1 s, still writing when interrupted; 0, only still playing
    scripted.enqueue(LONG_REPLY)
    scripted.enqueue("Of course. What would you like to know?")
    token = await hub.tokens.add("theodore")
    heard = Heard()
    async with websockets.connect(url) as ws:
        ready = await hello(ws, token)
        listening = asyncio.ensure_future(listen(ws, heard))
        await say(ws, np.concatenate([np.zeros(EAR_RATE // 2, np.float32), speak("Tell me about Lisbon in March.")]))
        await silence_until(ws, lambda: heard.audio_seconds > 1.5)  # she is talking
        await say(ws, speak("Wait, stop. What will the weather be like?"))
        await silence_until(ws, lambda: len(heard.of("heard")) == 2 and answered(heard, after=heard.of("heard")[1]))
        listening.cancel()
    clear = heard.of("clear")
    assert clear, "the client was told to drop its buffered audio"
    cut = [m for m in heard.of("turn_ended") if m["interrupted"]]
    assert len(cut) == 1 and LONG_REPLY.startswith(cut[0]["text"][:40])
    assert heard.messages.index(clear[0]) < heard.messages.index(cut[0])
    assert heard.audio_at_clear is not None and heard.audio_at_clear / 2 / EAR_RATE < 10  # far from all of it
    assert "weather" in heard.of("heard")[1]["text"].lower()
    person = await hub.runtime.store.user("theodore")
    stored = await hub.runtime.store.messages(await hub.runtime.store.conversation(person, ready["conversation_id"]))
    assert stored[1].role == "assistant" and stored[1].status == "interrupted"


async def test_push_to_talk_is_answered_on_release_and_a_stop_button_cuts_the_reply(voice_server, speak) -> None:
    """Released, what was said is answered at once: no pause follows it here (not one frame of silence), so
    only `end_of_speech` can end the turn. Then the stop button cuts the reply as a barge-in does."""
    url, hub, scripted = voice_server
    scripted.delay_s = 0.05
    scripted.enqueue(LONG_REPLY)
    token = await hub.tokens.add("theodore")
    heard = Heard()
    async with websockets.connect(url) as ws:
        await hello(ws, token)
        listening = asyncio.ensure_future(listen(ws, heard))
        await say(ws, np.concatenate([np.zeros(EAR_RATE // 2, np.float32), speak("Tell me about Lisbon in March.")]))
        await ws.send(json.dumps({"type": "end_of_speech"}))
        for _ in range(300):  # up to 30 s for Whisper on a busy machine, with no audio sent meanwhile
            if heard.of("turn_started"):
                break
            await asyncio.sleep(0.1)
        assert "march" in heard.of("heard")[0]["text"].lower()
        await silence_until(ws, lambda: heard.audio_seconds > 1.0)  # she is talking
        await ws.send(json.dumps({"type": "interrupt"}))
        await silence_until(ws, lambda: bool(heard.of("turn_ended")))
        await ws.send(json.dumps({"type": "telepathy"}))
        await silence_until(ws, lambda: bool(heard.of("error")))
        listening.cancel()
    assert heard.of("clear") and heard.of("turn_ended")[0]["interrupted"] is True
    assert len(heard.of("heard")) == 1  # the button is not something said
    assert "end_of_speech" in heard.of("error")[0]["message"]


async def refusal(url: str, first: dict[str, Any]) -> tuple[int, str, dict[str, Any]]:
    """Send `first` as the hello; the close code, the close reason and the error event that came before."""
    async with websockets.connect(url) as ws:
        await ws.send(json.dumps(first))
        error = json.loads(await ws.recv())
        with pytest.raises(websockets.ConnectionClosed) as closed:
            await ws.recv()
    assert closed.value.rcvd is not None
    return closed.value.rcvd.code, closed.value.rcvd.reason, error


@pytest.mark.parametrize(("first", "code"), [
    ({"type": "hello", "token": "os1_000000000000_not-a-real-token-at-all"}, 4401),
    ({"type": "hello", "token": ""}, 4401),
    ({"type": "hi"}, 4400),
    ({"type": "hello", "token": "x", "conversation_id": "twelve"}, 4400),
])
async def test_a_bad_hello_is_refused_with_a_reason(voice_server, first, code) -> None:
    url, hub, scripted = voice_server
    closed, reason, error = await refusal(url, first)
    assert closed == code and reason and error["type"] == "error" and error["message"].startswith(reason)


async def test_someone_elses_conversation_is_not_found_and_an_unknown_voice_is_refused(voice_server) -> None:
    url, hub, scripted = voice_server
    alice, bob = await hub.tokens.add("alice"), await hub.tokens.add("bob")
    theirs = await hub.runtime.store.new_conversation(await hub.runtime.store.user("alice"))
    closed, _, error = await refusal(url, {"type": "hello", "token": bob, "conversation_id": theirs.id})
    assert closed == 4404 and error["code"] == "not_found"
    closed, _, error = await refusal(url, {"type": "hello", "token": alice, "voice": "hal9000"})
    assert closed == 4400 and "hal9000" in error["message"] and "Valid voices" in error["message"]


async def test_removing_the_token_ends_the_socket_mid_reply_and_nothing_after_is_heard(voice_server,
                                                                                      speak) -> None:
    """`os1 users remove` in another process: the socket is told why and closed (4401), the reply is cut."""
    url, hub, scripted = voice_server
    token = await hub.tokens.add("alice")
    scripted.delay_s = 0.05
    scripted.enqueue(LONG_REPLY)
    heard = Heard()
    async with websockets.connect(url) as ws:
        await hello(ws, token)
        listening = asyncio.create_task(listen(ws, heard))
        await say(ws, speak("What is Lisbon like in March?"))
        await silence_until(ws, lambda: bool(heard.of("text_delta")))
        with sqlite3.connect(hub.runtime.store.path) as db:  # as `os1 users remove alice` does, elsewhere
            db.execute("DELETE FROM api_tokens WHERE user_id = (SELECT id FROM users WHERE name = 'alice')")
        with contextlib.suppress(websockets.ConnectionClosed):  # 4401 ends the listening with an error
            await silence_until(ws, lambda: listening.done())
            await asyncio.wait_for(listening, 30)
    await asyncio.gather(listening, return_exceptions=True)
    assert ws.close_code == 4401
    assert heard.messages[-1]["type"] == "error" and heard.messages[-1]["code"] == "unauthorized"
    conversation = await hub.runtime.store.latest_conversation(await hub.runtime.store.user("alice"))
    assert conversation is not None
    stored = await hub.runtime.store.messages(conversation)
    assert [(m.role, m.status) for m in stored] == [("user", "complete"), ("assistant", "interrupted")]


@pytest.mark.parametrize("conversation_id", [0, -3, 2**63, 2**70, 1.5, True, "7"])
def test_a_hello_with_an_impossible_conversation_id_is_refused(conversation_id: object) -> None:
    from os1.server.realtime import Refused, parse_hello

    with pytest.raises(Refused):
        parse_hello(json.dumps({"type": "hello", "token": "os1_x_y", "conversation_id": conversation_id}))


async def test_a_reminder_is_said_between_turns_and_waits_while_a_turn_runs(voice_server, speak,
                                                                           ear: WhisperTranscriber) -> None:
    url, hub, scripted = voice_server
    clock = FixedClock(datetime(2026, 11, 20, 14, 3, tzinfo=UTC))
    hub.runtime.companion.clock = clock  # the server's scheduler keeps the companion's time
    store = hub.runtime.store
    token = await hub.tokens.add("theodore")
    theodore = await store.user("theodore")
    pasta = await add_reminder(store, theodore, "take the pasta off", clock() + timedelta(minutes=20))
    heard = Heard()
    async with websockets.connect(url) as ws:
        ready = await hello(ws, token)
        listening = asyncio.ensure_future(listen(ws, heard))
        await silence_until(ws, lambda: len(hub.runtime.doors.of(theodore)) == 1)
        # Idle: it comes due, and is said at once, as an event and then as speech.
        clock.advance(minutes=21)
        hub.runtime.scheduler.wake()
        await silence_until(ws, lambda: bool(heard.of("reminder")))
        before = len(heard.audio)
        await silence_until(ws, lambda: (len(heard.audio) - before) / 2 / EAR_RATE > 1.5)
        # During a turn: the reminder waits until the reply has been said.
        scripted.delay_s = 0.15
        scripted.enqueue("Lisbon is lovely in March, mild and bright.")
        await say(ws, speak("What is Lisbon like in March?"))
        await silence_until(ws, lambda: bool(heard.of("turn_started")))
        sister = await add_reminder(store, theodore, "call my sister", clock())
        hub.runtime.scheduler.wake()
        await silence_until(ws, lambda: len(heard.of("reminder")) == 2)
        listening.cancel()
    assert heard.of("reminder")[0] == {"type": "reminder", "reminder_id": pasta.id,
                                       "text": "⏰ Reminder: take the pasta off", "alarm": False,
                                       "due": "2026-11-20T14:23:00.000+00:00"}
    said = ear.transcribe(Audio(np.frombuffer(bytes(heard.audio[before:]), "<i2").astype(np.float32) / 32768,
                                EAR_RATE)).lower()
    assert re.search(r"\btake the pasta? off\b", said), said  # tiny.en may hear espeak's "pasta" as "past"
    order = [m["type"] for m in heard.messages if m["type"] in ("reminder", "turn_started", "turn_ended")]
    assert order == ["reminder", "turn_started", "turn_ended", "reminder"]
    assert heard.of("reminder")[1]["reminder_id"] == sister.id
    stored = await store.messages(await store.conversation(theodore, ready["conversation_id"]))
    assert [(m.role, m.content) for m in stored] == [
        ("assistant", "⏰ Reminder: take the pasta off"), ("user", heard.of("heard")[0]["text"]),
        ("assistant", "Lisbon is lovely in March, mild and bright."), ("assistant", "⏰ Reminder: call my sister")]
