"""The live voice loop: listen, answer out loud, stop when interrupted — on the same turn function as the chat.

Audio arrives as (microphone, played) frame pairs of 32 ms at 16 kHz from a duplex device (or a simulated
room); what to play is pulled from an Outbox by the same device. Per frame:

1. the echo of what was played is taken out of the microphone signal (echo.py);
2. Silero VAD gives a speech probability; while the companion talks a higher one is needed (`barge_threshold`);
3. the turn detector (turns.py) decides: the person started (barge-in if the companion is talking: playback
   stops at the next block, the reply is cancelled and stored flagged interrupted), spoke another second or
   paused (transcribe what was said so far and pre-read the prompt it makes: listen ahead), or finished
   (answer: by then the prompt is mostly read, up to the reply's first word when the words were the same).

Answering runs `companion.respond()` as a task; its text is cut into phrases (phrasing.py), each synthesised
on a worker thread while the model goes on writing, and queued for the speaker.
"""

from __future__ import annotations

import asyncio
import time
from collections import deque
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field

import numpy as np

from os1.db.store import Conversation, User
from os1.events import Error, Event, Heard, Status, TextDelta, TurnEnded, TurnStarted
from os1.models import cores
from os1.voice import smart_turn
from os1.voice.audio import resample
from os1.voice.base import EAR_RATE, Audio, Samples, Transcriber, Turns, Voice
from os1.voice.echo import EchoCanceller
from os1.voice.outbox import Outbox
from os1.voice.phrasing import Phrases
from os1.voice.turns import FRAME_MS, Decision, TurnDetector, TurnPolicy
from os1.voice.vad import VoiceActivity

PREROLL_MS = 300  # audio kept from before speech was confirmed: the first syllable starts before the VAD is sure
CONTINUE_S = 1.5  # speech this soon after the end of a turn, before any answer was heard, continues that turn
BARGE_THRESHOLD = 0.8  # speech probability needed to interrupt the companion (echo residue stays below it)

# While the reply's first phrase is synthesised, the model waits (models/cores.py): the voice gets the cores.
FIRST_PHRASE_FIRST = True

# The moments `on_moment` is told, in order within a turn.
MOMENTS = ("speech_ended", "turn_ended", "first_audio")

Frames = AsyncIterator[tuple[Samples, Samples]]  # (microphone, what the speaker played), 32 ms at EAR_RATE


@dataclass
class TurnTimes:
    """One voice turn, in ms from the end of the person's speech (the first silent frame)."""

    ended_ms: float = 0.0  # when the turn detector decided the turn was over
    heard_ms: float = 0.0  # when the final transcript was ready
    prompt_ms: float = 0.0  # when recall was done and the prompt built (the model starts reading it)
    first_token_ms: float = 0.0
    first_phrase_ms: float = 0.0
    first_audio_ms: float = 0.0  # when the first reply audio went to the speaker
    stt_ms: float = 0.0  # time spent transcribing the final audio (0 when the listen-ahead one was used)
    listened_ahead: bool = False
    transcribed_ms: float = 0.0  # when the listen-ahead transcript that was used was ready
    anticipated_ms: float = 0.0  # when the prompt it makes had been pre-read (0: it was not)

    def as_dict(self) -> dict[str, float]:
        return {k: round(float(v), 1) for k, v in self.__dict__.items()}


@dataclass
class _Turn:
    """The person's current utterance."""

    frames: list[Samples] = field(default_factory=list)
    transcript: asyncio.Task[str] | None = None
    transcript_frames: int = 0  # how many frames the transcript covers
    transcribed_at: float = 0.0  # perf_counter() when the transcript was ready
    foreseen: str = ""  # the latest words whose prompt is being pre-read
    anticipated: tuple[str, float] = ("", 0.0)  # the words whose prompt was pre-read last, and when


class VoiceLoop:
    def __init__(self, replies: Turns, user: User, conversation: Conversation, vad: VoiceActivity,
                 stt: Transcriber, voice: Voice, emit: Callable[[Event], None],
                 policy: TurnPolicy | None = None, on_clear: Callable[[], None] | None = None,
                 on_moment: Callable[[str, float], None] | None = None, hears_voice: bool = False) -> None:
        """`on_clear` is told when reply audio is dropped on a barge-in, before any event about it: a door with
        audio buffered on the far side (a socket's client) must drop that too. `on_moment` is told the moments
        of each turn (MOMENTS), each with its perf_counter() time, to show or log where time went.
        `hears_voice`: pauses are judged by how the voice sounds as well as by the words (when the audio
        end-of-turn model is installed). Off by default: on the synthetic voices OS1 can test with, Smart Turn
        tells a mid-sentence pause from a finished sentence no better than chance, and waiting for its verdict
        slowed finished turns (bench/voice_latency.py --only-cutoffs measures both on the same audio)."""
        self.replies, self.user, self.conversation = replies, user, conversation
        self.vad, self.stt, self.voice, self.emit, self.on_clear = vad, stt, voice, emit, on_clear
        self.on_moment = on_moment
        self.first_phrase_first = FIRST_PHRASE_FIRST
        self.smart_turn = smart_turn.shared() if hears_voice else None
        self.turns = TurnDetector(policy, hears_voice=self.smart_turn is not None)
        self.echo = EchoCanceller()
        self.outbox = Outbox()
        self.times: list[TurnTimes] = []
        self._preroll: deque[Samples] = deque(maxlen=int(PREROLL_MS / FRAME_MS))
        self._turn = _Turn()
        self._reply: asyncio.Task[None] | None = None
        self._speech_ended_at = 0.0
        self._responding = False  # the current reply has reached the companion (its input is stored)
        self._withdraw = False  # the current reply is being cancelled because the person went on
        self._transcribing: asyncio.Future[str] | None = None  # the latest listen-ahead transcription
        # The last reply written in full, its end told once its audio has played (or flagged when cut short).
        self._voiced: TurnEnded | None = None
        self._flagging: asyncio.Future[None] | None = None
        self._last_frames: list[Samples] = []  # the utterance being answered
        self.barge_ins = 0
        self._anticipating: asyncio.Future[None] | None = None
        self._preparing: asyncio.Future[None] | None = None

    @property
    def answering(self) -> bool:
        """Whether a reply is being heard, written or voiced (its audio may still be playing after)."""
        return self._reply is not None and not self._reply.done()

    @property
    def talking(self) -> bool:
        """Whether the companion is answering or still has reply audio to play."""
        return (self._reply is not None and not self._reply.done()) or self.outbox.busy

    async def stop(self) -> None:
        """Stop at once, answering nothing more (the person was signed out): the reply is cut as a barge-in
        cuts it, and listening ahead and preparing end."""
        tasks = [t for t in (self._reply, self._preparing, self._anticipating) if t is not None and not t.done()]
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, *(t for t in (self._flagging,) if t is not None), return_exceptions=True)

    def interrupt(self) -> None:
        """The person asked it to stop talking (a button, not their voice): cut as a barge-in cuts, nothing heard."""
        if self.talking or self._voiced is not None:
            self._barge_in()

    def end_of_speech(self) -> None:
        """The person says they have finished (push-to-talk released): the turn ends now, not after a pause."""
        if self.turns.speaking:
            self._end_turn()

    async def run(self, frames: Frames) -> None:
        """Listen and answer until the frames run out (the device closed), then let the last reply finish."""
        async for mic, played in frames:
            self._frame(mic, played)
        if self.turns.speaking:  # the stream ended mid-turn: answer what was said
            self._end_turn()
        await asyncio.gather(*(t for t in (self._reply, self._preparing, self._anticipating, self._flagging)
                               if t is not None), return_exceptions=True)
        if self._voiced is not None:
            self._heard_in_full()

    def _heard_in_full(self) -> None:
        """A reply's end is told once, when its audio has played: a listener never sees it ended and then cut."""
        assert self._voiced is not None
        ended, self._voiced = self._voiced, None
        self.emit(ended)

    def _frame(self, mic: Samples, played: Samples) -> None:
        self.echo.played(played)
        if self._voiced is not None and not self.talking:
            self._heard_in_full()
        if self.times and not self.times[-1].first_audio_ms and self.outbox.first_sound_at is not None:
            self.times[-1].first_audio_ms = (self.outbox.first_sound_at - self._speech_ended_at) * 1000
            self._moment("first_audio", self.outbox.first_sound_at)
        clean = self.echo.clean(mic)
        probability = self.vad.probability(clean)
        if self.talking and probability < BARGE_THRESHOLD:
            probability = 0.0
        if self.turns.speaking:
            self._turn.frames.append(clean)
        else:
            self._preroll.append(clean)
        decision = self.turns.frame(probability)
        if decision is Decision.STARTED:
            self._started()
        elif decision is Decision.PEEK:
            self._peek()
        elif decision is Decision.TRANSCRIBE:
            self._listen_ahead()
        elif decision is Decision.ENDED:
            self._end_turn()

    def _started(self) -> None:
        frames = list(self._preroll)
        if self._went_on():
            # The pause fooled the turn detector: they went on before hearing any answer. One utterance after
            # all: the answer is withdrawn (its input and any partial reply leave the conversation).
            frames = self._last_frames + frames
            self._withdraw = True
            assert self._reply is not None
            self._reply.cancel()
        elif self.talking:
            self._barge_in()
        self._turn = _Turn(frames=frames)
        self._preroll.clear()

    def _went_on(self) -> bool:
        if self._reply is None or self._reply.done():
            return False
        if not self._responding:
            return True
        unheard = self.outbox.first_sound_at is None and not self.outbox.busy
        return unheard and time.perf_counter() - self._speech_ended_at < CONTINUE_S

    def _barge_in(self) -> None:
        """The person spoke over the companion: silence now, drop the rest, keep what was said (interrupted)."""
        unplayed = self.outbox.clear()
        if self.on_clear is not None:
            self.on_clear()
        if self._reply is not None and not self._reply.done():
            self._reply.cancel()  # still being written or voiced: _answer flags it
        elif unplayed and self._voiced is not None:
            # Written and voiced in full, but not all of it was heard: flag it so.
            ended, self._voiced = self._voiced, None
            self.emit(TurnEnded(ended.message_id, ended.text, interrupted=True, timings=ended.timings))
            if ended.message_id is not None:
                self._flagging = asyncio.ensure_future(self._mark_interrupted(ended.message_id))
        self.barge_ins += 1

    def _transcribe_so_far(self, turn: _Turn) -> asyncio.Task[str]:
        task = asyncio.ensure_future(self._transcribe_after(self._transcribing,
                                                            Audio(np.concatenate(turn.frames), EAR_RATE)))
        self._transcribing = task
        return task

    async def _transcribe_after(self, previous: asyncio.Future[str] | None, audio: Audio) -> str:
        """Transcribe once the previous transcription is done: two at once would each take twice as long."""
        if previous is not None and not previous.done():
            await asyncio.wait([previous])
        return await asyncio.to_thread(self.stt.transcribe, audio)

    def _peek(self) -> None:
        turn = self._turn
        self._transcribe_so_far(turn).add_done_callback(lambda task: self._peeked(turn, task))

    def _peeked(self, turn: _Turn, task: asyncio.Task[str]) -> None:
        if turn is self._turn and self.turns.speaking and (text := (_words(task) or "").strip()):
            self._foresee(turn, text)

    def _listen_ahead(self) -> None:
        turn = self._turn
        turn.transcript_frames = len(turn.frames)
        turn.transcript = self._transcribe_so_far(turn)
        turn.transcript.add_done_callback(lambda task: self._heard_ahead(turn, task))
        if self.smart_turn is not None:  # beside Whisper, not after it: both verdicts are wanted at once
            pause = self.turns.pauses
            voice = asyncio.ensure_future(asyncio.to_thread(self.smart_turn.probability, np.concatenate(turn.frames)))
            voice.add_done_callback(lambda task: self._sounded(turn, pause, task))

    def _sounded(self, turn: _Turn, pause: int, task: asyncio.Future[float]) -> None:
        if turn is not self._turn or task.cancelled():
            return
        # a model that fails leaves the words to judge alone (as if the voice sounded finished)
        probability = 1.0 if task.exception() is not None else task.result()
        if self.turns.sounded(probability, pause) is Decision.ENDED:
            self._end_turn()

    def _heard_ahead(self, turn: _Turn, task: asyncio.Task[str]) -> None:
        text = _words(task)
        if turn is not self._turn or text is None:
            return
        turn.transcribed_at = time.perf_counter()
        if self.turns.heard(text) is Decision.ENDED:
            self._end_turn()  # the turn itself reads the prompt now: pre-reading it too would only compete
        elif text.strip() and self.turns.speaking:
            self._foresee(turn, text.strip())

    def _foresee(self, turn: _Turn, text: str) -> None:
        """Pre-read the prompt `text` makes, after the pre-reading under way: one at a time, the newest words."""
        turn.foreseen = text
        self._anticipating = asyncio.ensure_future(self._anticipate(self._anticipating, turn, text))

    async def _anticipate(self, previous: asyncio.Future[None] | None, turn: _Turn, text: str) -> None:
        if previous is not None and not previous.done():
            await asyncio.wait([previous])
        if turn.foreseen != text:
            return  # newer words came while waiting
        await self.replies.anticipate(self.user, self.conversation, text)
        turn.anticipated = (text, time.perf_counter())

    def _end_turn(self) -> None:
        turn, self._turn = self._turn, _Turn()
        self._speech_ended_at = time.perf_counter() - self.turns.silence_ms / 1000
        self.turns.reset()
        times = TurnTimes(ended_ms=self._since_speech())
        self.times.append(times)
        self._moment("speech_ended", self._speech_ended_at)
        self._moment("turn_ended", self._speech_ended_at + times.ended_ms / 1000)
        self._last_frames, self._responding, self._withdraw = turn.frames, False, False
        if self._voiced is not None:
            self._heard_in_full()
        self._reply = asyncio.ensure_future(self._answer(turn, times))

    async def _answer(self, turn: _Turn, times: TurnTimes) -> None:
        text = await self._final_transcript(turn, times)
        times.heard_ms = self._since_speech()
        if not text:
            return  # noise, a cough: nothing to answer
        self._responding = True
        self.emit(Heard(text))
        self.outbox.mark()
        mouth: asyncio.Queue[str | None] = asyncio.Queue()
        speaking = asyncio.ensure_future(self._speak(mouth, times))
        phrases = Phrases()
        said: list[str] = []
        stored: int | None = None
        asked: int | None = None
        try:
            async for event in self.replies.respond(self.user, self.conversation, text):
                if isinstance(event, TurnEnded):
                    stored, self._voiced = event.message_id, event  # told when heard in full
                    continue
                self.emit(event)
                if isinstance(event, TurnStarted):
                    asked = event.message_id
                elif isinstance(event, Status) and event.state == "thinking":
                    times.prompt_ms = self._since_speech()
                elif isinstance(event, TextDelta):
                    said.append(event.text)
                    if not times.first_token_ms:
                        times.first_token_ms = self._since_speech()
                    for phrase in phrases.add(event.text):
                        mouth.put_nowait(phrase)
                elif isinstance(event, Error):
                    mouth.put_nowait(event.message)
            for phrase in phrases.finish():
                mouth.put_nowait(phrase)
            mouth.put_nowait(None)
            await speaking
            # While the person thinks: pre-read the prompt up to their next message (not part of the reply, so
            # speaking now is no interruption).
            self._preparing = asyncio.ensure_future(self.replies.prepare(self.user, self.conversation))
        except asyncio.CancelledError:
            speaking.cancel()
            timings = self._voiced.timings if self._voiced is not None else {}
            self._voiced = None
            if self._withdraw and asked is not None:
                await self._withdraw_from(asked)
            elif stored is not None:  # written in full, but not all of it was heard
                await self._mark_interrupted(stored)
            self.emit(TurnEnded(stored, "".join(said).strip(), interrupted=True, timings=timings))
            raise

    async def _mark_interrupted(self, message_id: int) -> None:
        await self.replies.interrupted(self.user, message_id)

    async def _withdraw_from(self, message_id: int) -> None:
        """The half-heard input and whatever was replied to it leave the conversation: the whole utterance is
        answered next."""
        await self.replies.withdraw(self.user, self.conversation, message_id)

    async def _final_transcript(self, turn: _Turn, times: TurnTimes) -> str:
        """The words of the whole utterance: the listen-ahead transcript when it covers all the speech (only
        silence came after it), else a fresh one."""
        if turn.transcript is not None and turn.transcript_frames >= _last_voiced(turn.frames):
            times.listened_ahead = True
            try:
                text = (await turn.transcript).strip()
                times.transcribed_ms = self._since(turn.transcribed_at)
                if self._anticipating is not None:
                    await asyncio.wait([self._anticipating])  # not to race it: the model is busy with it anyway
                said, when = turn.anticipated
                times.anticipated_ms = self._since(when) if said == text else 0.0
                return text
            except Exception:  # noqa: BLE001 - fall through to a fresh transcription
                pass
        if not turn.frames:
            return ""
        started = time.perf_counter()
        text = await asyncio.to_thread(self.stt.transcribe, Audio(np.concatenate(turn.frames), EAR_RATE))
        times.stt_ms = (time.perf_counter() - started) * 1000
        return text.strip()

    async def _speak(self, phrases: asyncio.Queue[str | None], times: TurnTimes) -> None:
        """Synthesise phrases in order, queueing each for the speaker as soon as it is ready."""
        while (phrase := await phrases.get()) is not None:
            if times.first_phrase_ms or not self.first_phrase_first:
                audio = await asyncio.to_thread(self.voice.synthesize, phrase)
            else:
                with cores.SHARED.hold():  # the model waits: nobody hears its next words before these
                    audio = await asyncio.to_thread(self.voice.synthesize, phrase)
            if not times.first_phrase_ms:
                times.first_phrase_ms = self._since_speech()
            self.outbox.put(resample(audio, EAR_RATE).samples)

    def _moment(self, name: str, at: float) -> None:
        if self.on_moment is not None:
            self.on_moment(name, at)

    def _since(self, moment: float) -> float:
        return (moment - self._speech_ended_at) * 1000

    def _since_speech(self) -> float:
        return (time.perf_counter() - self._speech_ended_at) * 1000


def _words(task: asyncio.Task[str]) -> str | None:
    """What a finished transcription heard (None if it failed or was cancelled)."""
    if task.cancelled() or task.exception() is not None:
        return None
    return task.result()


def _last_voiced(frames: list[Samples], floor: float = 0.01) -> int:
    """How many frames up to and including the last one with sound above `floor` (peak)."""
    for i in range(len(frames) - 1, -1, -1):
        if float(np.max(np.abs(frames[i]))) > floor:
            return i + 1
    return 0
