"""Proofreading a letter: spelling (Hunspell's en_US dictionary through Enchant), grammar, repeated words and
tone, each found as a suggestion with its place in the text, never applied on its own.

Grammar and tone are rules, each for one mistake people make in letters (a/an, "could of", a lower-case "i",
a sentence that starts in lower case, "more then", "its a"…, and the phrases of a business letter or of blame
that make a personal one sound cold). Rules rather than the model: the same letter gets the same suggestions,
and every suggestion says exactly what it would change.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Literal

from os1.letters.dictionary import english

Kind = Literal["spelling", "grammar", "repeated", "tone"]
KINDS: tuple[Kind, ...] = ("spelling", "grammar", "repeated", "tone")
_ORDER = {"repeated": 0, "grammar": 1, "spelling": 2, "tone": 3}  # which wins where two overlap


@dataclass(frozen=True)
class Suggestion:
    kind: Kind
    start: int
    end: int
    original: str
    replacement: str
    message: str


_WORD = re.compile(r"[A-Za-z][A-Za-z'’]*[A-Za-z]|[A-Za-z]")
_SENTENCE_START = re.compile(r"(?:^\s*|[.!?][\"”)]*\s+|\n[ \t]*\n\s*)[\"“(]*$")  # a line break alone ends nothing
_ABBREVIATION = re.compile(r"\b(?:e\.g|i\.e|etc|vs|mr|mrs|ms|dr|st|p\.s)\.\s+$", re.IGNORECASE)


def _starts_sentence(text: str, at: int) -> bool:
    before = text[max(0, at - 12):at] if at > 12 else text[:at]
    return bool(_SENTENCE_START.search(before)) and not _ABBREVIATION.search(before)


def _cased(word: str, like: str) -> str:
    if like.isupper() and len(like) > 1:
        return word.upper()
    return word[:1].upper() + word[1:] if like[:1].isupper() else word


# -- spelling ---------------------------------------------------------------------------------------------------

def spelling(text: str, names: set[str]) -> Iterator[Suggestion]:
    """Words not in the dictionary, with its first suggestion. A capitalised word inside a sentence is taken
    for a name (Word does the same, less kindly), and the names the person's memory knows are never flagged."""
    words = english()
    for m in _WORD.finditer(text):
        word = m.group(0).replace("’", "'")
        bare = re.sub(r"'s$", "", word)
        if len(bare) < 2 or bare.lower() in names or bare.isupper():
            continue
        if bare[0].isupper() and not _starts_sentence(text, m.start()):
            continue
        if words.check(bare) or words.check(bare.lower()) or words.check(word):
            continue
        offered = [s for s in words.suggest(bare) if " " not in s and "-" not in s]
        if not offered:
            continue
        replacement = _cased(offered[0], bare) + word[len(bare):]
        yield Suggestion("spelling", m.start(), m.end(), m.group(0), replacement.replace("'", "’")
                         if "’" in m.group(0) else replacement,
                         f"“{m.group(0)}” is not in the dictionary: “{replacement}”?")


# -- repeated words ---------------------------------------------------------------------------------------------

_REPEATED = re.compile(r"\b([A-Za-z']+)(\s+)\1\b", re.IGNORECASE)
_MAY_REPEAT = {"had", "that", "is", "bye", "very", "so", "really", "ha", "no", "x", "xo", "there", "far", "ever",
               "more", "on", "by", "again", "over", "round", "long", "yes", "oh", "tick", "boo", "ho", "hee"}


def repeated(text: str) -> Iterator[Suggestion]:
    for m in _REPEATED.finditer(text):
        word = m.group(1)
        if word.lower() in _MAY_REPEAT:
            continue
        yield Suggestion("repeated", m.start(), m.end(), m.group(0), word, f"“{word}” twice in a row.")


# -- grammar ----------------------------------------------------------------------------------------------------

# "an" before a vowel sound, "a" before a consonant sound: the letters mislead for these.
_AN_DESPITE_CONSONANT = re.compile(r"^(?:hour|honest|honou?r|heir|herb)", re.IGNORECASE)
_A_DESPITE_VOWEL = re.compile(r"^(?:one\b|once|uni(?!n)|use|usu|usa|uti|ure|uro|eu|ewe|ufo|uk\b|u\b)", re.IGNORECASE)


def _wants_an(word: str) -> bool:
    if _AN_DESPITE_CONSONANT.match(word):
        return True
    if _A_DESPITE_VOWEL.match(word):
        return False
    if re.match(r"^\d", word):
        return bool(re.match(r"^(?:8|11|18|80)", word))
    return word[:1].lower() in "aeiou"


@dataclass(frozen=True)
class Rule:
    pattern: re.Pattern[str]
    replace: str  # a replacement template for the match (\1 …); cased like the original
    message: str


# "would it have", "did he have", "what is it": a question or a modal before the pronoun takes the bare verb
_NOT_ASKED = (r"(?<!\bwould )(?<!\bcould )(?<!\bshould )(?<!\bwill )(?<!\bdid )(?<!\bdoes )(?<!\bmight )"
              r"(?<!\bmust )(?<!\bmay )(?<!\bcan )(?<!\bwhat )(?<!\bwho )(?<!\bwhere )(?<!\bhow )(?<!\bthat )")


def _rule(pattern: str, replace: str, message: str, flags: int = re.IGNORECASE) -> Rule:
    return Rule(re.compile(pattern, flags), replace, message)


GRAMMAR = (
    _rule(r"\b(could|should|would|must|might|may)\s+of\b", r"\1 have", "“\\1 of” is “\\1 have”."),
    _rule(r"\b(more|less|better|worse|rather|other|greater|older|younger|bigger|smaller|fewer|sooner|longer|"
          r"happier|closer|further|harder|easier|larger|higher|lower|stronger|earlier|later)\s+then\b",
          r"\1 than", "Comparing: “\\1 than”, not “then”."),
    _rule(r"\bits(?=\s+(?:a|an|the|been|so|not|just|only|really|always|never|true|okay|ok|going|time|hard|late|"
          r"like|all|too|very|my|your|our|what)\b)", "it’s", "“its” belongs to something; “it’s” is “it is”."),
    _rule(r"\b(your)\s+(welcome|right|wrong|the best|my|so|always|never|not|going|doing)\b", r"you’re \2",
          "“you’re” (you are), not “your”."),
    _rule(r"\b(he|she|it)\s+don't\b", r"\1 doesn't", "“\\1 doesn't”, not “don't”."),
    _rule(r"\b(I|we|you|they)\s+doesn't\b", r"\1 don't", "“\\1 don't”, not “doesn't”."),
    _rule(r"\b(their|they're)\s+(is|are|was|were|will be|has been)\b", r"there \2", "“there \\2”."),
    _rule(r"\b(we|you|they)\s+was\b", r"\1 were", "“\\1 were”, not “was”.", 0),
    _rule(r"(?<!\bif )(?<!\bas if )(?<!\bwish )\b(he|she)\s+were\b(?!\s+to\b)", r"\1 was", "“\\1 was”, not “were”.",
          0),
    _rule(r"\bI\s+has\b", "I have", "“I have”, not “I has”.", 0),
    _rule(r"\bI\s+is\b", "I am", "“I am”, not “I is”.", 0),
    _rule(_NOT_ASKED + r"\b(he|she|it)\s+have\b", r"\1 has", "“\\1 has”, not “have”."),
    _rule(_NOT_ASKED + r"\b(he|she|it)\s+are\b", r"\1 is", "“\\1 is”, not “are”."),
    _rule(_NOT_ASKED + r"\b(we|they)\s+has\b", r"\1 have", "“\\1 have”, not “has”."),
    _rule(_NOT_ASKED + r"\b(we|they|you)\s+is\b", r"\1 are", "“\\1 are”, not “is”."),
    _rule(r"\bshould have went\b", "should have gone", "“should have gone”."),
    _rule(r"\bcould care less\b", "couldn’t care less", "“couldn’t care less”."),
)


def grammar(text: str) -> Iterator[Suggestion]:
    for m in re.finditer(r"\b(a|an|A|An)\s+([A-Za-z0-9][\w'-]*)", text):
        article, word = m.group(1), m.group(2)
        right = "an" if _wants_an(word) else "a"
        if article.lower() != right and not word.isupper():
            yield Suggestion("grammar", m.start(), m.end(1), article, _cased(right, article),
                             f"“{_cased(right, article)} {word}”, not “{article} {word}”.")
    for m in re.finditer(r"(?<![\w'’.-])i(?=(?:['’](?:m|ve|d|ll))?(?![\w.-]))", text):
        yield Suggestion("grammar", m.start(), m.end(), "i", "I", "“I” is always a capital.")
    for m in re.finditer(r"[a-z][\w'’]*", text):
        if m.group(0) == "i" or not _starts_sentence(text, m.start()):
            continue
        word = m.group(0)
        yield Suggestion("grammar", m.start(), m.start() + 1, word[0], word[0].upper(),
                         f"A sentence starts with a capital: “{word.capitalize()}”.")
    for rule in GRAMMAR:
        for m in rule.pattern.finditer(text):
            replacement = _cased(m.expand(rule.replace), m.group(0))
            if replacement != m.group(0):
                yield Suggestion("grammar", m.start(), m.end(), m.group(0), replacement, m.expand(rule.message))


# -- tone -------------------------------------------------------------------------------------------------------

TONE = (
    _rule(r"\bper my last (?:letter|message|email|note)\b", "as I wrote before",
          "“Per my last letter” sounds like an office, and a little cold."),
    _rule(r"\bas (?:previously|already) (?:stated|mentioned|discussed)\b", "as I said", "This sounds cold: "
          "like a memo, not a letter."),
    _rule(r"\bI regret to inform you(?: that)?\b", "I’m so sorry to tell you", "This line sounds cold: it is "
          "how a bank writes."),
    _rule(r"\bplease be advised(?: that)?\s*", "", "“Please be advised” sounds cold and official."),
    _rule(r"\bit has come to my attention(?: that)?\b", "I’ve noticed", "This sounds cold and official."),
    _rule(r"\bat your earliest convenience\b", "whenever you can", "This sounds like business, not love."),
    _rule(r"\bdo not hesitate to\b", "just", "This sounds like a business letter."),
    _rule(r"\bI am writing to (?:inform|notify|advise) you(?: that)?\b", "I wanted to tell you",
          "This opening sounds cold: like a form letter."),
    _rule(r"\bI hope this (?:letter|email|message|note) finds you well\b", "I’ve been thinking of you",
          "This opening sounds distant: it is how strangers write."),
    _rule(r"\b(?:in regards? to|with regards? to|with respect to)\b", "about", "This sounds stiff."),
    _rule(r"\bthank you for your (?:cooperation|understanding|prompt attention)\b", "thank you for understanding",
          "This sounds like a business letter."),
    _rule(r"^(?:(?:best|kind|warm)\s+)?regards,?$", "With love,", "This sign-off sounds cold for a personal "
          "letter.", re.IGNORECASE | re.MULTILINE),
    _rule(r"^(?:yours\s+)?(?:sincerely|faithfully|truly),?$", "With love,", "This sign-off sounds formal and "
          "cold for a personal letter.", re.IGNORECASE | re.MULTILINE),
    _rule(r"\byou never (?=(?:listen|call|write|care|help|ask|think|notice|remember|say sorry|apologi[sz]e)\b)",
          "sometimes you don't ", "“You never …” can read as blame."),
    _rule(r"\byou always (?=(?:forget|ignore|interrupt|complain|critici[sz]e|make me|have to|leave)\b)",
          "sometimes you ", "“You always …” can read as blame."),
    _rule(r"\bwhatever\.", "it’s all right.", "“Whatever.” sounds cold, even dismissive."),
    _rule(r"\bI suppose\b", "I think", "“I suppose” can sound grudging."),
    _rule(r"\bkindly\b(?= \w)", "please", "“Kindly” sounds cold and official."),
)


def tone(text: str) -> Iterator[Suggestion]:
    for rule in TONE:
        for m in rule.pattern.finditer(text):
            replacement = _cased(m.expand(rule.replace), m.group(0)) if rule.replace else ""
            yield Suggestion("tone", m.start(), m.end(), m.group(0), replacement, rule.message)


# -- all of them ------------------------------------------------------------------------------------------------

def _apart(found: Iterable[Suggestion]) -> list[Suggestion]:
    """Suggestions that do not overlap (where two do, the more basic kind wins), in the order of the text."""
    kept: list[Suggestion] = []
    for s in sorted(found, key=lambda s: (_ORDER[s.kind], s.start)):
        if all(s.end <= k.start or s.start >= k.end for k in kept):
            kept.append(s)
    return sorted(kept, key=lambda s: s.start)


def check(text: str, names: Iterable[str] = ()) -> list[Suggestion]:
    """Every suggestion for `text`; `names` are the people and places the letter may name (never misspelt)."""
    known = {n.lower() for n in names}
    return _apart([*repeated(text), *grammar(text), *spelling(text, known), *tone(text)])


def apply(text: str, accepted: Iterable[Suggestion]) -> str:
    """`text` with these suggestions made (they must not overlap; each is placed in the original text)."""
    out, at = [], 0
    for s in sorted(accepted, key=lambda s: s.start):
        out += [text[at:s.start], s.replacement]
        at = s.end
    return "".join(out) + text[at:]
