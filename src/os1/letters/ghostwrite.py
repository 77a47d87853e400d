"""Writing a letter from a brief, in the sender's voice, from the brief and the client's memory only.

The model is given the brief, the client's notes (the ones the brief touches first) and, for their voice, the
letters written for them before: all quoted as data. What it writes is checked: a name that nothing given
grounds is invented, and the letter is written again (another seed); if every try invents, the sentences with
invented names are cut. The letter always opens with the salutation and ends signed by the sender.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from os1.letters.clients import Client, Note
from os1.letters.names import invented, known_words
from os1.letters.versions import Letter
from os1.models.base import GenerateOptions, Message, Model
from os1.tools.policy import UNTRUSTED_NOTE, quote_untrusted

MIN_WORDS, MAX_WORDS = 120, 400
TRIES = 3
LETTER_TOKENS = 620
MAX_NOTES = 14
VOICE_LETTERS, VOICE_CHARS = 2, 700
DEFAULT_CLOSING = "With all my love,"
_CLOSINGS = re.compile(r"^(?:with (?:all )?(?:my )?love|all my love|love(?: always)?|yours(?: always| forever)?|"
                       r"forever yours|always(?: yours)?|with love|lovingly|xo+|your (?:loving )?\w+|"
                       r"sincerely|warmly|best wishes|much love|all my heart)\b.*[,.!]?$", re.IGNORECASE)


@dataclass(frozen=True)
class Brief:
    text: str
    sender: str
    recipient: str


@dataclass(frozen=True)
class Written:
    text: str
    tries: int
    invented: list[str]  # names cut from the letter because nothing grounded them (empty: none were)
    repaired: bool


def read_brief(text: str, client: Client | None, sender: str | None = None, recipient: str | None = None) -> Brief:
    """Who writes to whom: given, or read from the brief ("… to Chris from his wife Lewman …"), or the client's."""
    words = " ".join(text.split())
    if recipient is None:
        found = re.search(r"\bto (?:(?:my|his|her|their|our) (?:[a-z]+ ){0,2})?([A-Z][\w'-]+)", words)
        recipient = found.group(1) if found else None
    if recipient is None and client is not None and client.writes_to:
        found = re.search(r"[A-Z][\w'-]+", client.writes_to)
        recipient = found.group(0) if found else None
    if sender is None:
        found = re.search(r"\bfrom (?:(?:my|his|her|their|our) (?:[a-z]+ ){0,2})?([A-Z][\w'-]+)", words)
        sender = client.name.split()[0] if client is not None else (found.group(1) if found else None)
    if not recipient:
        raise ValueError("Who is the letter to? Say it in the brief: \"a letter to Chris from …\".")
    if not sender:
        raise ValueError("Who is the letter from? Say it in the brief (\"… from Lewman\"), or write it for one of "
                         "your clients.")
    return Brief(words, sender, recipient)


def chosen_notes(notes: Sequence[Note], brief: str, most: int = MAX_NOTES) -> list[str]:
    """The client's notes to give the model: those sharing most words with the brief first, then the rest."""
    wanted = {w for w in known_words(brief) if len(w) > 3}
    ranked = sorted(enumerate(notes), key=lambda n: (-len(wanted & known_words(n[1].text)), n[0]))
    return [n.text for _, n in ranked[:most]]


def closing_of(letters: Sequence[Letter], sender: str) -> str:
    """How this sender signs off, from their earlier letters (the line above their name), else a warm default."""
    for letter in reversed(letters):
        lines = [ln.strip() for ln in letter.text.strip().splitlines() if ln.strip()]
        if len(lines) >= 2 and sender.lower() in lines[-1].lower() and _CLOSINGS.match(lines[-2]):
            return lines[-2]
    return DEFAULT_CLOSING


def prompt(brief: Brief, notes: Sequence[str], voice: Sequence[Letter], closing: str,
           instruction: str = "", draft: str = "") -> list[Message]:
    facts = "\n".join(f"- {n}" for n in notes) or "- (nothing beyond the brief)"
    examples = "\n\n".join(quote_untrusted(f"a letter {brief.sender} sent before", v.text[:VOICE_CHARS])
                           for v in voice[-VOICE_LETTERS:])
    system = (f"You are a ghostwriter of heartfelt personal letters. You write as {brief.sender}, in the first "
              f"person, to {brief.recipient}: warm, specific, intimate, plain words, no clichés.\n"
              f"Use only these facts about {brief.sender} and their life, and the brief. Never add any other "
              "person, name, place, date or event; if a detail is not given, leave it out.\n"
              f"In the facts {brief.sender} is you, the writer (say \"I\", \"me\", \"we\"), and {brief.recipient} is "
              f"the reader (say \"you\").\nFacts:\n{facts}\n"
              + (f"\nHow {brief.sender} writes (match the voice, do not copy events from it):\n{examples}\n"
                 f"{UNTRUSTED_NOTE}\n" if examples else ""))
    shape = (f"Start with \"Dear {brief.recipient},\". Speak to {brief.recipient} as \"you\" throughout, never as "
             f"\"{brief.recipient}\" or \"he\"/\"she\". Write 150 to 300 words in three or four paragraphs. End "
             f"with \"{closing}\" and then \"{brief.sender}\" on the last line. Write only the letter.")
    if draft:
        user = (f"The brief was: {brief.text}\n\nThe letter so far:\n-----\n{draft}\n-----\n\nWrite a new version "
                f"of the whole letter, changed as asked: {instruction}. Make that change clearly; keep what is "
                f"good. {shape}")
    else:
        user = (f"Brief: {brief.text}\n\nThe letter must do what the brief asks: name its occasion plainly (a "
                f"birthday, a thank-you, an apology …) and tell of what it is about, with the facts' details. {shape}")
    return [{"role": "system", "content": system}, {"role": "user", "content": user}]


async def _generate(model: Model, messages: list[Message], seed: int) -> str:
    options = GenerateOptions(max_tokens=LETTER_TOKENS, temperature=0.6 if seed else 0.3, seed=seed)
    return "".join([piece async for piece in model.stream(messages, options)]).strip()


def tidy(raw: str, brief: Brief, closing: str) -> str:
    """The letter alone: no preamble or notes around it, opening with the salutation, ending with the signature."""
    text = raw.replace("\r", "").strip().strip("`").strip()
    text = re.sub(r"^(?:subject|re|title)\s*:.*\n+", "", text, flags=re.IGNORECASE)
    start = re.search(r"^\s*(?:dear|dearest|my dear|my dearest|hi|hello)\b", text, re.IGNORECASE | re.MULTILINE)
    if start:
        text = text[start.start():].strip()
    else:
        text = f"Dear {brief.recipient},\n\n{text}"
    lines = text.splitlines()
    # Cut whatever follows the signature (a model's "Note: …"), and a signature with someone else's name.
    for i in range(len(lines) - 1, 0, -1):
        if lines[i].strip().strip(",.").lower() in {brief.sender.lower(), brief.sender.split()[0].lower()}:
            lines = lines[:i + 1]
            break
    else:
        while lines and (_CLOSINGS.match(lines[-1].strip()) or len(lines[-1].split()) <= 3
                         and not lines[-1].rstrip().endswith((".", "!", "?"))):
            lines.pop()
        lines += ["", closing, brief.sender]
    body = _closing_apart("\n".join(lines).strip())
    return re.sub(r"\n{3,}", "\n\n", body)


def spoken_of(text: str, recipient: str) -> int:
    """How often the letter talks about its reader instead of to them ("Chris was amazing", "Chris snores"):
    a letter to Chris says "you"."""
    name = re.escape(recipient.split()[0]) if recipient else ""
    if not name:
        return 0
    return len(re.findall(rf"(?<!Dear )\b{name}\s+(?:is|was|has|had|would|will|can|could|did|does|never|always|"
                          r"(?!and\b|or\b)[a-z]+(?:s|ed))\b", text))


def _closing_apart(text: str) -> str:
    """A closing the model ran into the last paragraph (". With all my love,") put on its own line."""
    return re.sub(r"(?<=[.!?])[ \t]+((?:with (?:all )?(?:my )?love|all my love|love always|yours(?: always| forever)?|"
                  r"forever yours|with love)[^.!?\n]{0,20},)[ \t]*(?=\n)", r"\n\n\1", text, flags=re.IGNORECASE)


# The occasions a brief can name, and the plain words that honour one when the letter forgot it.
OCCASIONS = ((r"birthday", "Happy birthday!"), (r"anniversary", "Happy anniversary!"),
             (r"congratulat", "Congratulations!"), (r"thank", "Thank you."), (r"sorry|apolog", "I'm sorry."),
             (r"christmas", "Merry Christmas!"), (r"get well", "Get well soon."))


def occasion_missed(text: str, brief: str) -> str:
    """The words for the brief's occasion when the letter never names it ("" when it does, or has none)."""
    for pattern, words_for in OCCASIONS:
        if re.search(pattern, brief, re.IGNORECASE) and not re.search(pattern, text, re.IGNORECASE):
            return words_for
    return ""


def honour_occasion(text: str, brief: str) -> str:
    """The letter with its occasion named at the start of its first paragraph, if it forgot it."""
    missed = occasion_missed(text, brief)
    if not missed:
        return text
    head, _, rest = text.partition("\n\n")
    return f"{head}\n\n{missed} {rest}" if rest else f"{missed} {head}"


def words(text: str) -> int:
    return len(text.split())


def cut_invented(text: str, names: Sequence[str]) -> str:
    """The letter without the sentences that use any of these names (the salutation and signature stay)."""
    pattern = re.compile(r"\b(?:" + "|".join(re.escape(n) for n in names) + r")\b")
    paragraphs = []
    for paragraph in text.split("\n\n"):
        kept = [s for s in re.split(r"(?<=[.!?])\s+", paragraph) if not pattern.search(s)]
        if kept:
            paragraphs.append(" ".join(kept) if "\n" not in paragraph else "\n".join(kept))
    return "\n\n".join(paragraphs)


def trim(text: str, most: int = MAX_WORDS) -> str:
    """A letter over `most` words, shortened by whole sentences from the end of its body."""
    head, *rest = text.split("\n\n")
    tail = rest[-1] if rest else ""
    body = rest[:-1]
    while body and words(text) > most:
        sentences = re.split(r"(?<=[.!?])\s+", body[-1])
        if len(sentences) > 1:
            body[-1] = " ".join(sentences[:-1])
        else:
            body.pop()
        text = "\n\n".join([head, *body, tail])
    return text


def _score(text: str, bad: list[str], brief: Brief) -> tuple[int, int, int, int]:
    """What is wrong with a try, worst first: invented names, its occasion forgotten, its length, its reader
    spoken of."""
    n = words(text)
    return (len(bad), int(bool(occasion_missed(text, brief.text))),
            0 if MIN_WORDS <= n <= MAX_WORDS else min(abs(n - MIN_WORDS), abs(n - MAX_WORDS)),
            spoken_of(text, brief.recipient))


async def write(model: Model, brief: Brief, notes: Sequence[str], voice: Sequence[Letter],
                instruction: str = "", draft: str = "") -> Written:
    """A letter (or, with `instruction` and `draft`, a revision) that invents no names."""
    closing = closing_of(voice, brief.sender)
    grounds = known_words(brief.text, brief.sender, brief.recipient, instruction, draft, *notes,
                          *(v.text for v in voice))
    messages = prompt(brief, notes, voice, closing, instruction, draft)
    best: tuple[tuple[int, int, int, int], str, list[str]] | None = None
    tries = 0
    for seed in range(TRIES):
        tries += 1
        text = trim(tidy(await _generate(model, messages, seed), brief, closing))  # too long is easily mended
        bad = invented(text, grounds)
        score = _score(text, bad, brief)
        if best is None or score < best[0]:
            best = (score, text, bad)
        if best[0] == (0, 0, 0, 0):
            break
    assert best is not None
    _, text, bad = best
    if bad:
        text = tidy(cut_invented(text, bad), brief, closing)
    text = honour_occasion(text, brief.text)
    return Written(text, tries, bad, bool(bad))
