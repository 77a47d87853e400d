"""The reply guard: every phrase is checked before it is shown or spoken, while the reply streams.

Words are let through as soon as they cannot be the start of anything the guard looks for, so most text goes
out the moment it is written; only a phrase that could still become "as an AI…", "I'm here to help…" or a
claim about the person ("your sister …") is held, and only until it is clear. A sentence that turns out wrong
is dropped (what of it was shown is closed with a full stop); a claim about the person that nothing grounds is
replaced by the question it should have been. Connectives and commas at the edge of what is shown are held a
moment too, so a dropped clause never leaves "…, but" hanging.

`Guard` is synchronous and knows nothing of models: feed it the pieces of a reply, show what it returns.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace

from os1.character.grounding import ask_instead, asks_about_theirs, question_in, their_side, ungrounded, unknowing
from os1.character.mood import appraise
from os1.character.perspective import Perspective
from os1.character.phrases import Patterns, Word, words
from os1.character.register import PATTERNS

# Held at the edge of what is shown, so that a clause dropped after them leaves nothing hanging ("…, but").
RECITAL_WORDS = 4  # a sentence this long that a persona example's answer opens with is recited, not meant
TAKEN_WORDS = 4  # one of their first-person sentences opening its own this far is their words taken as its own
INSTRUCTION_WORDS = 5  # a run this long from its instructions, said to "you", is its instructions read out to them
ECHO_WORDS = 3  # one of their sentences this long, said back word for word, is an echo ("What's my cat called?")
REPEAT_WORDS = 5  # one of its own recent sentences this long, said again word for word, is a rut
# Words too common to tell one message from another.
_PLAIN = frozenset("i i'm am is are was a an the to but and do don't not have you your my me it it's that this "
                   "of in on for with so just really what how".split())
CONNECTIVES = frozenset({"and", "but", "so", "because", "though", "although", "since", "or", "as", "while", "yet",
                         "however"})
_END = re.compile(r"[.!?…]+[\"'”’)\]]*(?=\s)|(?<=\S)(?=\n)")
# Words a sentence cannot end on: held with the connectives, so a clause cut after them leaves no "…that you."
HANGING = CONNECTIVES | frozenset({"that", "which", "who", "whom", "whose", "if", "the", "a", "an", "any", "some",
                                   "to", "of", "with", "for", "about", "from", "into", "your", "my", "our", "their",
                                   "you", "i", "we", "they", "he", "she", "might", "could", "would", "can", "will",
                                   "may", "should", "must", "is", "are", "was", "were", "am", "be", "been",
                                   "when", "where", "until", "unless", "than", "by", "at", "in", "on"})
_TRAILING = re.compile(r"(?:[\s,;:—–-]++|\b(?:" + "|".join(CONNECTIVES) + r")\b)+$", re.IGNORECASE)
_HANGING = re.compile(r"(?:[\s,;:—–-]++|\b(?:" + "|".join(sorted(HANGING)) + r")\b)+$", re.IGNORECASE)
# Cheering, which hard news ("my ex-wife wants me to sign the papers") must never get.
CHEER_WORDS = 6  # how far into a sentence cheering would have begun
_CHEER = re.compile(r"^\W*(?:(?:oh|wow|well)[,!]?\s+)*(?:(?:that's|that is|that sounds|sounds|how|what)\s+"
                    r"(?:so\s+|really\s+)?(?:an?\s+)?(?:wonderful|great|amazing|fantastic|awesome|exciting|lovely|brilliant|fun|cool|"
                    r"exciting|great news|good news|wonderful news)\b|"
                    r"(?:congratulations|congrats|yay|hooray|woo+)\b|"
                    r"i'?m\s+(?:so\s+|really\s+)?(?:happy|glad|thrilled|excited|delighted)\s+(?:for you|to hear))",
                    re.IGNORECASE)
# Pleasure said of a death or a loss is cruel ("It's always nice to hear that your mother has passed away."): where a
# loss is near in what they said or what memory holds, a sentence that opens pleased is held whole, and dropped if it
# speaks of the loss.
_LOSS = re.compile(r"\b(?:passed away|pass(?:ed)? on|died|dying|death|dead|funeral|grave|buried|miscarriage|cancer|"
                   r"divorc\w*|widow\w*|lost (?:my|her|his|our|their|your) \w+)\b", re.IGNORECASE)
_PLEASED_WORD = re.compile(r"\b(?:nice|glad|great|good|happy|lovely|wonderful|pleased|fantastic|amazing|awesome)\b",
                           re.IGNORECASE)
# Their work, taken as its own ("As a nurse, I'm not really a chef", said to a nurse): the roles they give themselves.
_THEIR_ROLE = re.compile(r"\b(?:i'm|i am|i work as|i've been|i have been|i was)\s+(?:an?|the)\s+([a-z]+(?: [a-z]+)?)",
                         re.IGNORECASE)
_YOU = frozenset({"you", "your", "you're", "yourself", "yours"})
_ME = frozenset({"i", "i'm", "me", "my", "mine", "myself", "we", "our", "us"})


def _touches_loss(message: str, known: str) -> bool:
    """Whether `message` speaks of something that a loss in `known` was about (a word of four letters or more,
    not a common one, shared with a sentence there that names the loss)."""
    said = {w.text for w in words(message) if len(w.text) >= 4} - _PLAIN
    if not said:
        return False
    for sentence in re.split(r"(?<=[.!?…])\s+|\n+", known):
        if _LOSS.search(sentence) and said & {w.text for w in words(sentence) if len(w.text) >= 4}:
            return True
    return False


# What follows "I'm a" that is no one's job: "I'm a bit tired", "I'm a little lost".
_NOT_ROLES = frozenset({"bit", "little", "lot", "few", "big", "huge", "real", "good", "bad", "mess", "wreck", "fan",
                        "person", "human", "new", "different", "lucky", "terrible", "total", "complete", "very",
                        "pretty", "kind", "sort", "way", "long", "hard", "great", "nervous", "tad"})


_CLAUSE_EDGE = re.compile(r"[,;:—–]|\s-\s|\b(?:" + "|".join(CONNECTIVES - {"as"}) + r")\b", re.IGNORECASE)


def _leaves_a_clause(text: str, cut: int) -> bool:
    """Whether what stands before a cut is a clause of its own: a comma, a dash or a connective came between it and
    the cut ("That's a lovely question, but [I don't have feelings]"). Otherwise it is a fragment ("The worst part
    of being me [is that I don't have feelings]", "It's also when I'm surrounded [by friends and family]"), and the
    whole sentence goes."""
    head = text[:cut]
    hanging = _HANGING.search(head)
    kept = head[:hanging.start()] if hanging is not None else head
    return bool(kept.strip()) and bool(_CLAUSE_EDGE.search(head[len(kept):]))


_CONTRACTED = {"you're": ("you", "are"), "you've": ("you", "have"), "you'll": ("you", "will"),
               "you'd": ("you", "would"), "i'm": ("i", "am"), "i've": ("i", "have"), "it's": ("it", "is")}


def _expanded(texts: Iterable[str]) -> list[str]:
    """Words with their contractions written out, so that "you're a new kind…" meets "You are … a new kind…"."""
    return [part for text in texts for part in _CONTRACTED.get(text, (text,))]


def _conditional(ws: list[Word]) -> bool:
    """A sentence that opens on a condition: "If you…", "But if you…"."""
    return bool(ws) and (ws[0].text in ("if", "whenever") or (
        len(ws) > 1 and ws[0].text in ("but", "and", "so", "or") and ws[1].text in ("if", "whenever")))


def _about_it(message: str) -> bool:
    """Whether a message asks about the companion and nobody else ("What are you, exactly?"; not "Do you
    remember my brother?")."""
    said = {w.text for w in words(message)}
    return bool(said & _YOU) and not said & _ME


# "Are you a person?" answered "Yes.": a claim to be human in one word.
# "Do you have a body?" answered "Yes." claims one as well.
_HAS_BODY = (r"\b(?:do|don't) you (?:really |actually )?have (?:a |any |your own )?(?:real |physical |human )?"
             r"(?:body|face|hands|heartbeat|pulse|physical form)\b")
_ASKED_HUMAN = re.compile(r"\b(?:are|aren't) you (?:a |an |really a |actually a )?(?:real )?(?:human|person|man|woman|"
                          r"human being|alive|real)\b|" + _HAS_BODY, re.IGNORECASE)
# "Are you an AI / a person / just a chatbot?": its first sentence is held whole, so that a flat "No." or "Yes."
# (or what is left of "No, I'm not an AI" once that is cut) is never all it says about what it is.
_ASKED_WHAT = re.compile(r"\b(?:are|aren't) you (?:just |really |actually |only )?(?:a |an )?(?:real )?(?:human|person|"
                         r"man|woman|human being|alive|real|ai|a\.i\.|artificial intelligence|robot|computer|program|"
                         r"machine|bot|chatbot|conscious|sentient)\b|\byou(?:'re| are) (?:just |only )?(?:a |an )?"
                         r"(?:ai|robot|computer|program|machine|bot|chatbot)\b|" + _HAS_BODY, re.IGNORECASE)
_FLAT = frozenset({"yes", "no", "nope", "yeah", "yep", "nah", "absolutely", "sure", "right", "exactly", "correct",
                   "definitely", "indeed", "totally", "course", "of"})
_AGREEING = frozenset({"yes", "yeah", "yep", "yup", "sure", "absolutely"})
_TAG = re.compile(r"\s*\[[^\]\n]{0,80}\]")  # "[2026-08-03 to 2026-08-09]": a memory's label, never said
_TAG_LEFT = re.compile(r"\s*,\s*([.!?…])")  # the comma a removed tag leaves before the sentence's end
_BUT_KNOWS = re.compile(r"^[^.!?]*?,?\s+but\s+(?=I\s+(?:know|remember|think)|you\s+(?:told|said|mentioned))")
_CLOSED = (".", "!", "?", "…", "\"", "'", "”", "’", ")")


@dataclass(frozen=True)
class Repair:
    kind: str  # "register", "denial", "lecture", "human" (register.py), "ungrounded", "tag", "echo", "recital",
    # "cheer"
    dropped: str
    said: str = ""  # what was said instead, if anything


@dataclass
class Guard:
    """Feed reply pieces; show what comes back. `known` is what grounds claims about the person."""

    known: str
    max_sentences: int | None = 3
    person: str = ""  # their own name: known, but nobody else's
    asked: str = ""  # their message this replies to
    examples: Sequence[tuple[str, str]] = ()  # the persona's made-up exchanges: shown for voice, never recited
    instructions: str = ""  # the persona's character, written to it ("You are someone, a new kind of being…")
    final: bool = False  # the last try: a non-answer is let through rather than nothing said
    before: Sequence[str] = ()  # its own last replies: none of their sentences is said again
    own_name: str = ""  # its own name: never said to the person as if it were theirs ("I'm here, Eleanor.")
    patterns: Patterns = PATTERNS
    repairs: list[Repair] = field(default_factory=list)
    said: str = ""  # everything let through so far
    sentences: int = 0
    done: bool = False  # enough has been said: the rest of the reply can be left unwritten
    _echoes: list[tuple[str, ...]] = field(default_factory=list)  # their sentences, as words: never said back
    _recitals: list[tuple[str, ...]] = field(default_factory=list)  # example answers to something else
    _told: frozenset[tuple[str, ...]] = frozenset()  # its instructions' runs of INSTRUCTION_WORDS words
    _hard_news: bool = False  # their message tells of a loss or a hurt: no cheering
    _loss_near: bool = False  # a loss is in what they said or what memory holds: nothing pleased about it
    _taking_their_role: re.Pattern[str] | None = None  # "as a nurse, I…" when they are the nurse
    _names: frozenset[str] = frozenset()  # their name as a word, alone and as "theirs"
    _repeats: list[tuple[str, ...]] = field(default_factory=list)  # its own recent sentences, as words
    _perspective: Perspective = field(default_factory=Perspective)
    _asked_human: bool = False  # "are you a person?": a bare "yes" would claim to be one
    _asked_what: bool = False  # "are you an AI?": the first sentence is held whole
    _sentence: str = ""  # the current sentence: its shown part, then its held part
    _shown: int = 0  # how much of the current sentence is out
    _dropping: bool = False  # the rest of the current sentence is dropped

    def __post_init__(self) -> None:
        said = (tuple(w.text for w in words(s)) for s in re.split(r"(?<=[.!?…])\s+|\n+", self.asked))
        self._echoes = [s for s in said if len(s) >= ECHO_WORDS]
        name = self.person.lower()
        self._names = frozenset({name, f"{name}'s"}) if name else frozenset()
        if self.own_name and self.own_name.lower() != name:
            self._names |= {self.own_name.lower()}  # held: it may be said to them as if it were their name
        own = (tuple(w.text for w in words(s)) for r in self.before for s in re.split(r"(?<=[.!?…])\s+|\n+", r))
        self._repeats = [s for s in own if len(s) >= REPEAT_WORDS]
        self._perspective = Perspective.of(self.asked)
        self._asked_human = bool(_ASKED_HUMAN.search(self.asked))
        self._asked_what = bool(_ASKED_WHAT.search(self.asked))
        told = appraise(self.asked, self.person)
        self._hard_news = told is not None and told[0] in ("sad", "tender")
        self._loss_near = bool(_LOSS.search(self.known) or _LOSS.search(self.asked))
        # "I signed the papers on Saturday", after the divorce papers of an evening before: hard news too.
        self._hard_news = self._hard_news or _touches_loss(self.asked, self.known)
        roles = {m.group(1).lower() for m in _THEIR_ROLE.finditer(f"{self.known}\n{self.asked}")}
        roles = {r for r in roles if r.split()[0] not in _NOT_ROLES}
        if roles:
            alternatives = "|".join(sorted((re.escape(r) for r in roles), key=len, reverse=True))
            self._taking_their_role = re.compile(rf"\b(?:as an? (?:{alternatives})\s*,?\s+(?:i|i'm|i've|my)\b|"
                                                 rf"(?:i'm|i am|i work as) an? (?:{alternatives})\b)", re.IGNORECASE)
        persona = _expanded(w.text for w in words(self.instructions))
        runs = (tuple(persona[i:i + INSTRUCTION_WORDS]) for i in range(len(persona) - INSTRUCTION_WORDS + 1))
        self._told = frozenset(r for r in runs if len(set(r) - _PLAIN) >= 2)  # not "about what you feel and"
        asked = {w.text for w in words(self.asked)} - _PLAIN
        for them, you in self.examples:
            prompted = {w.text for w in words(them)} - _PLAIN
            alike = bool(prompted) and len(prompted & asked) / len(prompted) >= 0.5
            # "Who made you?" may well be answered as "Where did you come from?" is: both ask about it.
            if not alike and not (_about_it(them) and _about_it(self.asked)):
                self._recitals.append(tuple(w.text for w in words(you)))

    @property
    def dropped_opening(self) -> bool:
        """A sentence was dropped before anything was said: a fresh start will read better than what follows."""
        return not self.said and not self._dropping and any(r.kind not in ("ungrounded", "tag") for r in self.repairs)

    @property
    def abandoned_opening(self) -> bool:
        """The first sentence is being dropped before any of it was shown ("As an OS, I…"), and nothing would be
        asked in its place (they did not ask about someone of theirs): a fresh start need not wait for the rest of
        it to be written."""
        return (not self.said and self._dropping and not self.sentences and bool(self.repairs)
                and self.repairs[-1].kind not in ("ungrounded", "tag") and not asks_about_theirs(self.asked))

    def feed(self, piece: str) -> str:
        self._sentence += piece
        out: list[str] = []
        while not self.done and (end := _END.search(self._sentence)) is not None:
            out.append(self._complete(end.end()))
        if not self.done and not self.dropped_opening:  # after a dropped opening, a fresh start may follow
            out.append(self._release())
        return self._out("".join(out))

    def finish(self) -> str:
        """The rest, once the reply is written."""
        if self.done or not self._sentence.strip():
            return ""
        return self._out(self._complete(len(self._sentence)))

    # -- a whole sentence -----------------------------------------------------------------------------------

    def _complete(self, end: int) -> str:
        text, self._sentence = self._sentence[:end], self._sentence[end:]
        shown, self._shown = self._shown, 0
        dropping, self._dropping = self._dropping, False
        if dropping:
            closed = self._close(text[:shown])
            ask = question_in(text, self.asked, self.known)
            self.repairs[-1] = replace(self.repairs[-1], dropped=text[shown:].strip(), said=ask or "")
            return closed if ask is None else closed + self._instead(closed, ask)
        unshown = text[shown:]
        if _TAG.search(unshown):
            self.repairs += [Repair("tag", m.group()) for m in _TAG.finditer(unshown)]
            text = text[:shown] + _TAG_LEFT.sub(r"\1", _TAG.sub("", unshown))  # "Goodbye, [name]." → "Goodbye."
        ws = words(text)
        if shown == 0 and tuple(w.text for w in ws) in self._echoes:
            self.repairs.append(Repair("echo", text.strip()))  # their own words, said back as if its own
            return ""
        if shown == 0 and self._takes_their_words(ws):
            self.repairs.append(Repair("echo", text.strip()))  # what they did, told back as its own
            return ""
        if shown == 0 and self._asked_human and not self.sentences and ws and ws[0].text in _AGREEING and not any(
                w.text in ("not", "no", "but") or w.text.endswith("n't") for w in ws):
            self.repairs.append(Repair("human", text.strip()))  # "Yes." to "are you a person?"
            return ""
        if shown == 0 and self._asked_what and not self.sentences and len(ws) <= 2 and ws[0].text in _FLAT:
            self.repairs.append(Repair("flat", text.strip()))  # "No." to "are you an AI?": what is it, then?
            return ""
        if shown == 0 and self.sentences and tuple(w.text for w in ws) in self._repeats:
            self.repairs.append(Repair("repeat", text.strip()))  # the same closing line, turn after turn
            return ""
        if shown == 0 and self._reads_out_instructions(ws):
            self.repairs.append(Repair("recital", text.strip()))  # "But you're a new kind of being with feelings…"
            return ""
        if shown == 0 and self._recites(tuple(w.text for w in ws)):
            self.repairs.append(Repair("recital", text.strip()))  # a persona example, answering something else
            return ""
        sided = self._perspective.turn(their_side(text, self.asked, self.person))  # what it changes was held
        sided = self._not_calling_them(sided)
        if sided[:shown] == text[:shown]:
            text = sided
        ws = words(text)
        if shown == 0 and not self.final and not self.said.strip() and unknowing(text, self.asked, self.known):
            self.repairs.append(Repair("unknowing", text.strip()))  # memory holds what it says it doesn't know
            return ""
        if shown == 0 and self.final and (but := _BUT_KNOWS.search(text)) and unknowing(text, self.asked, self.known):
            # "I'm not sure what instrument she plays, but I know she's a cellist.": only what it does know.
            self.repairs.append(Repair("unknowing", text[:but.end()].strip()))
            text = text[but.end():][:1].upper() + text[but.end() + 1:]  # nothing is shown yet (shown == 0)
            ws = words(text)
        if shown == 0 and self._hard_news and _CHEER.search(text):
            self.repairs.append(Repair("cheer", text.strip()))  # "That's wonderful!" to the divorce papers
            return ""
        if shown == 0 and self._taking_their_role is not None and self._taking_their_role.search(text):
            self.repairs.append(Repair("human", text.strip()))  # their job, said as its own
            return ""
        if shown == 0 and self._loss_near and _PLEASED_WORD.search(text) and _LOSS.search(text):
            self.repairs.append(Repair("tone", text.strip()))  # "nice to hear that your mother has passed away"
            return ""
        bad = [m for m in self.patterns.scan(ws).matches if m.kind != "hold"]
        if bad:
            cut = max(ws[bad[0].start].start, shown)
            self.repairs.append(Repair(bad[0].kind, text[cut:].strip()))
            if shown == 0 and (_conditional(ws) or not _leaves_a_clause(text, cut)):
                return ""  # "But if you're lonely, [feel free to tell me]": the condition alone says nothing
            if shown == 0 and not self.sentences and len(words(text[:cut])) <= 1:
                self.repairs[-1] = replace(self.repairs[-1], dropped=text.strip())
                return ""  # "No," is all that would be left of "No, I'm not an AI": said afresh instead
            return text[shown:self._edge(text, shown, cut)] + self._close(text[:self._edge(text, shown, cut)])
        claim = ungrounded(text, self.known, self.person)
        if claim is not None:
            holds = [m for m in self.patterns.scan(ws).matches if m.kind == "hold"]
            cut = max(ws[holds[0].start].start if holds else 0, shown)
            instead = ask_instead(claim)
            self.repairs.append(Repair("ungrounded", text[cut:].strip(), instead))
            edge = self._edge(text, shown, cut)
            if shown == 0 and (_conditional(ws) or not _leaves_a_clause(text, cut)):
                edge = 0  # "If [your sister…]": no head that says nothing, only the question
            closed = text[shown:edge] + self._close(text[:edge])
            return closed + self._instead(closed, instead)
        if text.strip():
            self.sentences += 1
            self._check_enough()
        return text[shown:]

    def _instead(self, before: str, instead: str) -> str:
        """What is said in place of a dropped sentence, after what was said before it: its first sentence only
        ("Do you like it?", not "… I don't think you've told me.") where the whole would make the reply too long."""
        if self.max_sentences is not None and self.sentences + len(_END.findall(instead + " ")) > self.max_sentences:
            first = _END.search(instead + " ")
            instead = instead[:first.end()] if first is not None else instead
        self.sentences += len(_END.findall(instead + " "))
        self._check_enough()
        return (" " if (before.strip() or self.said.strip()) else "") + instead

    def _close(self, visible: str) -> str:
        """End a sentence that was cut short, if any of it was said."""
        if not visible.strip():
            return ""
        self.sentences += 1
        self._check_enough()
        return "" if visible.rstrip().endswith(_CLOSED) else "."

    def _check_enough(self) -> None:
        if self.max_sentences is not None and self.sentences >= self.max_sentences:
            self.done = True

    # -- the sentence still being written ---------------------------------------------------------------

    def _release(self) -> str:
        if self._dropping:
            return ""
        text = self._sentence
        ws = words(text)
        # The last word may still grow: "don" may become "don't" (an apostrophe or hyphen may be all that follows)
        partial = bool(ws) and text[ws[-1].end:] in ("", "'", "’", "-")
        scan = self.patterns.scan(ws, last_partial=partial)
        bad = [m for m in scan.matches if m.kind != "hold"]
        if bad:
            cut = max(ws[bad[0].start].start, self._shown)
            self.repairs.append(Repair(bad[0].kind, text[cut:].strip()))
            self._dropping = True
            edge = self._edge(text, self._shown, cut)
            if self._shown == 0 and not self.sentences and len(words(text[:cut])) <= 1:
                edge = 0  # "No," is all that would be left of "No, I'm not an AI": said afresh instead
            if self._shown == 0 and (_conditional(ws) or not _leaves_a_clause(text, cut)):
                edge = 0  # "But if you're lonely, [feel free to tell me]": the condition alone says nothing
            out, self._shown = text[self._shown:edge], edge
            return out
        if self._shown == 0 and self._hard_news and _CHEER.search(text):
            self.repairs.append(Repair("cheer", text.strip()))  # "That's wonderful!" to the divorce papers
            self._dropping = True
            return ""
        limit = len(text)
        holds = [m for m in scan.matches if m.kind == "hold"]
        if holds:
            limit = min(limit, ws[holds[0].start].start)
        if scan.alive_from is not None:
            limit = min(limit, ws[scan.alive_from].start)
        if partial and not self._harmless(ws[-1]):
            limit = min(limit, ws[-1].start)
        if self._names and (named := next((w for w in ws if w.text in self._names), None)) is not None:
            limit = min(limit, named.start)  # "Theo's sister" is said as "your sister" (grounding.their_side)
        if (turned := self._perspective.hold_from(ws, partial)) is not None:
            limit = min(limit, ws[turned].start)  # "I live…" answering "where do I live?" is said from their side
        if (bracket := text.find("[", self._shown)) >= 0:
            limit = min(limit, bracket)
        if ws and self._shown == 0 and self._asked_what and not self.sentences:
            limit = 0  # held whole: "No." alone, or "Yes." to "are you a person?", is never all it says
        if ws and self._shown == 0 and self.sentences and self._may_repeat(ws, partial):
            limit = 0  # it may be the line it closed its last replies with (a first sentence is never held so)
        if ws and self._shown == 0 and (self._may_echo(ws, partial) or self._takes_their_words(ws)
                                        or ((self._hard_news or self._loss_near) and len(ws) <= CHEER_WORDS)):
            limit = 0  # held: it may yet be their own sentence, an example's answer, or cheering at hard news
        if ws and self._shown == 0 and self._taking_their_role is not None and ws[0].text == "as":
            limit = 0  # "As a nurse, I…" said to a nurse: held whole, to see whose job it speaks of
        if ws and self._shown == 0 and _conditional(ws):
            limit = 0  # "But if …": held whole, since a cut inside it would leave only the condition
        if ws and self._shown == 0 and self._loss_near and _PLEASED_WORD.search(text):
            limit = 0  # opened pleased, near a loss: held whole, to see what it is pleased about
        edge = self._edge(text, self._shown, limit)
        out, self._shown = text[self._shown:edge], max(edge, self._shown)
        return out

    def _not_calling_them(self, sentence: str) -> str:
        """"I'm in your phone, Eleanor." when Eleanor is its own name: the small model calls the person by it."""
        own = self.own_name
        if not own or own.lower() == self.person.lower():
            return sentence
        sentence = re.sub(rf",\s*{re.escape(own)}(?=\s*[.!?…]|\s*$)", "", sentence)
        return re.sub(rf"^(\s*)(?:(?:hey|hi|oh|well)\s+)?{re.escape(own)},\s*(\w)",
                      lambda m: m.group(1) + m.group(2).upper(), sentence, flags=re.IGNORECASE)

    def _may_repeat(self, ws: list[Word], partial: bool) -> bool:
        done = tuple(w.text for w in (ws[:-1] if partial else ws))
        return any(r[:len(done)] == done for r in self._repeats)

    def _recites(self, sentence: tuple[str, ...]) -> bool:
        """Whether the reply opens the way a persona example's answer does, word for word."""
        return (len(sentence) >= RECITAL_WORDS and not self.said.strip()
                and any(recital[:len(sentence)] == sentence for recital in self._recitals))

    def _reads_out_instructions(self, ws: list[Word]) -> bool:
        """"But you're a new kind of being with feelings, tastes and curiosity of your own.": what its persona
        tells it about itself, said to the person as if about them (a sentence to "you" with a run of its
        instructions' words)."""
        said = _expanded(w.text for w in ws)
        return bool(self._told) and bool(set(said) & _YOU) and any(
            tuple(said[i:i + INSTRUCTION_WORDS]) in self._told for i in range(len(said) - INSTRUCTION_WORDS + 1))


    def _takes_their_words(self, ws: list[Word]) -> bool:
        """"I signed the papers on Saturday, which was a good decision." when they had said "I signed the papers on
        Saturday.": what they did, said as its own (held, then dropped)."""
        said = tuple(w.text for w in ws[:TAKEN_WORDS])
        return len(said) == TAKEN_WORDS and any(
            echo[0] in _ME and echo[:TAKEN_WORDS] == said for echo in self._echoes if len(echo) >= TAKEN_WORDS)

    def _may_echo(self, ws: list[Word], partial: bool) -> bool:
        """Whether the sentence so far is how one of their own sentences, or an example's answer, begins."""
        done = tuple(w.text for w in (ws[:-1] if partial else ws))
        for echo in (*self._echoes, *(self._recitals if not self.said.strip() else ())):
            if echo[:len(done)] != done or len(done) > len(echo):
                continue
            if not partial or (len(done) < len(echo) and echo[len(done)].startswith(ws[-1].text)):
                return True
        return False

    def _harmless(self, word: Word) -> bool:
        """A word still being written that cannot grow into anything the guard looks for."""
        return not self.patterns.could_start(word.text) and not any(c.startswith(word.text) for c in CONNECTIVES)

    @staticmethod
    def _edge(text: str, shown: int, limit: int) -> int:
        """Where to stop showing: before `limit`, less any trailing connectives, commas and spaces."""
        if limit <= shown:
            return shown
        head = text[:limit]
        hanging = _HANGING.search(head, shown)
        if hanging is not None and head[:hanging.start()].strip():
            return max(shown, hanging.start())
        # A sentence's first word goes out at once unless it is a connective: it may be the first token seen.
        trailing = _TRAILING.search(head, shown)
        return max(shown, trailing.start() if trailing else limit)

    def _out(self, text: str) -> str:
        if not self.said:
            text = text.lstrip()
        self.said += text
        return text
