"""When has the person finished speaking? Turn-taking from voice activity and what was said so far.

Silence alone is a poor judge: people pause mid-sentence ("I was thinking… maybe Lisbon") and a fixed long
wait makes every answer slow. So a pause is judged by the words before it:

- while the person speaks, every `peek_ms` (1 s) of speech is a moment to transcribe what they have said so
  far, so the companion can pre-read the prompt it makes (most of it is the same when they finish);
- a pause of `listen_ms` (128 ms) is the moment to transcribe what has been said so far (listen ahead), so the
  words are ready when the turn ends (Whisper takes ~0.1 s; a pause the person breaks only costs a
  transcription nobody waits for);
- if those words sound finished (a sentence end, not a trailing "and", "because", "um", "my"…), the turn ends
  after `finished_ms` of silence in all (384 ms);
- otherwise it waits up to `unfinished_ms` (2 s) for the person to go on, and only then ends the turn.

A word or two after an opener ("So yesterday.", "Honestly.") is a start, not a thought; a number read out
("my number is 555 12"), a list without its "and" yet ("I need eggs, milk.") or a hanging "could", "think",
"what" (without a question mark), which words cannot judge, wait `unsure_ms` (1.5 s).

When asked to (`hears_voice`), the voice is heard too: an audio end-of-turn model (smart_turn.py) judges the
same pause, told with `sounded`. Finished words in a voice that does not sound finished ("We went to the
beach." said rising, a list to come) wait `unsure_ms` instead of 384 ms; a number in such a voice waits the full
`unfinished_ms`. With words that trail ("and", "the", "um") the voice is not trusted to end the turn early: a
cut-off costs more than a wait.

Speech must last `start_ms` (96 ms) to count: a cough or a click is not the person talking.
The detector is pure: frames and transcripts in, decisions out, no clock or threads; the live loop feeds it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import Enum

from os1.voice.base import EAR_RATE, FRAME

FRAME_MS = FRAME * 1000 / EAR_RATE  # 32 ms

# Words a finished sentence rarely ends on: a person who stops after one of these is thinking, not done.
TRAILING = frozenset("""
and but or so because cause if when while then than that which who whose where like um uh er erm hmm
the a an my your his her our their this these those to of for with about from in on at by as into onto
is are was were am be been i i'm we you they he she it's and so maybe also just really very
""".split())
ASKED_LAST = frozenset("is are was were am be been".split())
_LAST_WORD = re.compile(r"([\w']+)\W*$")
# A word or two after an opener is a start, not a thought: "So yesterday." "Honestly." "Well, last week."
_OPENER = re.compile(r"^(?:so|and|but|well|honestly|actually|basically|anyway|okay so|um|uh|er|also|then)\b[\s,]*",
                     re.IGNORECASE)
_DONE_SHORT = frozenset("yes no yeah yep nope okay ok sure thanks right fine good great exactly".split())
# A sentence that opens with one of these needs a second clause: "If it rains on Saturday…" is half a thought.
_SUBORDINATE = re.compile(r"^(?:if|when|whenever|because|although|though|while|since|unless|once|after|before|"
                          r"as soon as|even if|in case)\b", re.IGNORECASE)


class Decision(Enum):
    NOTHING = "nothing"
    STARTED = "started"  # the person started speaking (barge-in, when the companion is talking)
    PEEK = "peek"  # mid-speech: transcribe what was said so far, to get ready (the turn goes on)
    TRANSCRIBE = "transcribe"  # a pause: transcribe what was said so far, and tell `heard`
    ENDED = "ended"  # the turn is over: answer it


@dataclass(frozen=True)
class TurnPolicy:
    threshold: float = 0.5  # speech probability that counts as speech
    release: float = 0.35  # and below which it counts as silence (between: keeps the current state)
    start_ms: float = 96.0
    listen_ms: float = 128.0
    peek_ms: float | None = 1000.0  # None: never peek
    finished_ms: float = 384.0
    # Pauses of 1.2 s mid-sentence (plus the silence around the words) outlasted 1.1 / 1.4 s: 22 of 34 cut
    unsure_ms: float = 1500.0  # a number, a list, a hanging "could"; finished words in an unfinished voice
    unfinished_ms: float = 2000.0
    sounds_done: float = 0.5  # the audio model's probability from which the voice counts as finished
    max_turn_s: float = 60.0


class Words(Enum):
    FINISHED = "finished"
    UNSURE = "unsure"  # a number read out: words cannot tell whether more digits come
    UNFINISHED = "unfinished"


_NUMBER_END = re.compile(r"\d[\d\s,.-]*$")
# Words a sentence can end on, but a thought often goes on after ("I was wondering if you could…", "I think…").
_HANGING = frozenset("could would should can will might must think guess mean wonder what".split())
_NUMBER_WORDS = frozenset("""
zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen seventeen
eighteen nineteen twenty thirty forty fifty sixty seventy eighty ninety hundred thousand million
""".split())


def judge_words(text: str) -> Words:
    """What the words so far say about the pause after them."""
    if not sounds_finished(text):
        return Words.UNFINISHED
    text = text.strip()
    if text.endswith("?"):
        return Words.FINISHED
    last = _LAST_WORD.search(text.lower())
    hanging = last is not None and last.group(1) in _NUMBER_WORDS | _HANGING
    if _NUMBER_END.search(text.rstrip(".")) or hanging or _open_list(text):
        return Words.UNSURE
    return Words.FINISHED


def _open_list(text: str) -> bool:
    """"I need eggs, milk." — items after a comma with no "and" or "or" yet: the list may go on."""
    sentence = re.split(r"(?<=[.!?])\s+", text)[-1]
    if "," not in sentence or re.search(r"\b(?:and|or)\b", sentence, re.IGNORECASE):
        return False
    head, tail = sentence.split(",", 1)[0], sentence.rsplit(",", 1)[1]
    return len(head.split()) >= 3 and len(tail.split()) <= 2


def sounds_finished(text: str) -> bool:
    """Whether a transcript reads as a complete thought the person meant to end there."""
    text = text.strip()
    if not text:
        return False
    if text.endswith(("...", "…", ",", "-", "—")):
        return False
    last = _LAST_WORD.search(text.lower())
    if last is None:
        return False
    if text.endswith("?") and last.group(1) in ASKED_LAST:
        return True  # "…what my sister's name is?": a question can end on its verb
    if last.group(1) in TRAILING:
        return False
    if _SUBORDINATE.match(text) and not re.search(r"[,;:]", text) and not text.endswith("?"):
        return False  # "If it rains on Saturday." — Whisper's full stop does not make it finished
    if (opener := _OPENER.match(text)) is not None and not text.endswith(("?", "!")):
        rest = re.findall(r"[\w']+", text[opener.end():].lower())
        if len(rest) <= 2 and not (rest and rest[-1] in _DONE_SHORT):
            # "So yesterday." is where a story starts ("So good." waits a second longer); so is Whisper's "So yes,
            # today." for it. An answer ends on its yes or thanks: "So, yes." "Well, thanks."
            return False
    return True


class TurnDetector:
    """Follows one person's speech frame by frame. Call `frame(probability)` for every 32 ms frame, and
    `heard(text)` when the transcript asked for by a TRANSCRIBE decision is ready."""

    def __init__(self, policy: TurnPolicy | None = None, hears_voice: bool = False) -> None:
        """`hears_voice`: an audio end-of-turn model will judge each pause too (told with `sounded`); its
        verdict is waited for before a pause is ended early."""
        self.policy = policy or TurnPolicy()
        self.hears_voice = hears_voice
        self.pauses = 0  # pauses transcribed so far: `sounded` names the one it judged
        self.reset()

    def reset(self) -> None:
        self.speaking = False  # inside a turn (the person has started and not finished)
        self._voiced = 0.0  # ms of speech in a row, before the turn counts as started
        self._silence = 0.0  # ms of silence since the last speech
        self._length = 0.0  # ms since the turn started
        self._unpeeked = 0.0  # ms of speech since the turn started or was last peeked at
        self._asked = False  # a transcript of this pause was asked for
        self._words: str | None = None  # the transcript of everything up to this pause, once heard
        self._voice: float | None = None  # the audio model's probability that this pause ends the turn
        self._in_speech = False

    @property
    def silence_ms(self) -> float:
        return self._silence

    def frame(self, probability: float) -> Decision:
        p = self.policy
        if probability >= p.threshold:
            self._in_speech = True
        elif probability < p.release:
            self._in_speech = False
        if not self.speaking:
            self._voiced = self._voiced + FRAME_MS if self._in_speech else 0.0
            if self._voiced >= p.start_ms:
                self.speaking, self._length, self._silence, self._unpeeked = True, self._voiced, 0.0, self._voiced
                return Decision.STARTED
            return Decision.NOTHING
        self._length += FRAME_MS
        if self._in_speech:
            if self._silence:
                # they went on: the pause is void
                self._silence, self._asked, self._words, self._voice = 0.0, False, None, None
            if self._length >= p.max_turn_s * 1000:
                return Decision.ENDED
            self._unpeeked += FRAME_MS
            if p.peek_ms is not None and self._unpeeked >= p.peek_ms:
                self._unpeeked = 0.0
                return Decision.PEEK
            return Decision.NOTHING
        self._silence += FRAME_MS
        if self._silence >= p.listen_ms and not self._asked:
            self._asked = True
            self.pauses += 1
            return Decision.TRANSCRIBE
        return self._judge()

    def heard(self, text: str) -> Decision:
        """The transcript up to the current pause arrived (it may arrive after more frames)."""
        if not self.speaking or not self._asked:
            return Decision.NOTHING  # stale: they spoke again since it was asked for
        self._words = text
        return self._judge()

    def sounded(self, probability: float, pause: int) -> Decision:
        """The audio model's verdict on pause number `pause` (see `pauses`) arrived."""
        if not self.speaking or not self._asked or pause != self.pauses:
            return Decision.NOTHING  # stale: they spoke again since
        self._voice = probability
        return self._judge()

    def _judge(self) -> Decision:
        p = self.policy
        if self._silence >= p.unfinished_ms:
            return self._end()
        if self._words is None:
            return Decision.NOTHING
        if not self._words.strip():
            # nothing intelligible was said: don't keep the person waiting on noise
            return self._end() if self._silence >= p.finished_ms else Decision.NOTHING
        words = judge_words(self._words)
        if words is Words.UNFINISHED:
            return Decision.NOTHING  # until unfinished_ms
        if self.hears_voice and self._voice is None:
            # the voice's verdict is still coming: wait for it, but not past what a doubt would wait anyway
            return self._end() if self._silence >= p.unsure_ms else Decision.NOTHING
        done = self._voice is None or self._voice >= p.sounds_done
        wait = {(Words.FINISHED, True): p.finished_ms, (Words.FINISHED, False): p.unsure_ms,
                (Words.UNSURE, True): p.unsure_ms, (Words.UNSURE, False): p.unfinished_ms}[(words, done)]
        return self._end() if self._silence >= wait else Decision.NOTHING

    def _end(self) -> Decision:
        self.speaking = False
        self._voiced = 0.0
        self._asked = False
        self._words = None
        self._voice = None
        return Decision.ENDED
