"""A seeded set of letters with known mistakes, for measuring proofreading (tests and bench/letters.py).

Twelve clean letters, written the way people write to those they love; into each, mistakes of every kind are
put at known places (a misspelling people really make, a word written twice, a grammar slip, a cold line), with
a fixed seed, so the set is the same on every run. A proofreader's suggestions are then scored against them:
per kind, precision (its suggestions that point at a real mistake) and recall (the mistakes it found).
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

CLEAN = (
    """Dear Chris,

Fifty years ago you asked me to dance, and I said yes before you finished the question. I still believe it was the
best thing I ever did. Remember the little house on Elm Street, with the window that never closed?

This summer at the lake you paddled the blue canoe out past the reeds, and I watched you from the dock. You looked
happier than I had seen you in months. I could have stayed there until the sun went down.

Happy birthday, my love. I hope we have a hundred more summers together.

All my love,
Lewman""",
    """Dear Sofia,

Your mother and I read your letter from Lisbon three times at breakfast. It sounds like a wonderful city, and it's
clear you are making it your own. I always knew you would.

We miss you every morning. The kitchen is quieter without your singing, and the dog still waits by your door. I
thought you should know that he is getting old and a little grey around the nose.

Write when you can, and tell us about your friends and your classes.

With love,
Dad""",
    """Dear Grandma,

Thank you for the scarf you knitted for my birthday. It is the warmest thing I own, and I wear it every day on the
way to school. My friends say it is the most beautiful scarf they have ever seen.

I remember the winter you taught me to knit. I was terrible at it, and you were patient with every dropped stitch.
I think of you whenever it gets cold.

I will visit you at Easter, and we can bake bread together like we used to.

Love always,
Maya""",
    """Dear Tom,

I have been meaning to write since the funeral. I didn't know what to say then, and I am not sure I know now. Your
father was a kind man, and he made everyone feel welcome in his house.

I remember the summer he taught us both to fish. We caught nothing, and he said it was the best day of his year.
I believe he meant it.

If there is anything you need, even just an hour of company, I am here.

Your friend,
Daniel""",
    """Dear Anna,

It has been a year since we moved to the coast, and I still walk past the bakery where we used to meet. The owner
asked about you last week. I told him you were doing well and that you would visit soon.

I miss our long walks and the way you laughed at my terrible jokes. Nobody here laughs at them, which is probably
a good thing.

Come in the spring, when the garden is full of tulips. I will make your favourite soup.

With all my heart,
Clara""",
    """Dear Michael,

Congratulations on the new job! I always knew you would find a place where people see how good you are. It was
hard to watch you wait so long, but you never gave up.

I remember when you were six and wanted to be an astronaut. You built a rocket out of boxes and tape, and you sat
in it for a whole afternoon. You have always been a dreamer, and I love that about you.

Call me after your first week and tell me everything.

Proud of you always,
Mom""",
    """Dear Ben,

I am sorry about the argument on Sunday. I said things I did not mean, and I have thought about them every day
since. You deserved more patience than I gave you.

We have been friends for twenty years, and one bad evening should not change that. I would rather lose every
argument than lose you.

Let me buy you dinner on Friday. You can choose the place, and I promise to listen more than I talk.

Your friend,
Sam""",
    """Dear Lily,

Happy first birthday, little one. You will not read this for many years, but I wanted to write it down while I
still remember how small you were when we brought you home.

You had an enormous appetite and a tiny voice. Your father sang to you every night, even though he cannot sing at
all. You fell asleep anyway, which tells me you are already very kind.

I love you more than any letter can say.

Love,
Mum""",
    """Dear Peter,

Thank you for coming to the hospital every evening last month. I know it was a long drive after work, and you
never once complained. Your visits were the best part of every day.

The doctors say I am doing better, and I can walk to the end of the garden now. Next week I want to try the walk
to the river, if you will come with me.

I am lucky to have a brother like you.

With love,
Rose""",
    """Dear Eleanor,

I found your old letters in a box in the attic this morning, and I spent the whole afternoon reading them. You
wrote about the orchard, the dog, and the night the power went out during the storm.

It made me wish we still wrote to each other like that. An email is quick, but it is not the same as your
handwriting on thin blue paper.

So here is a real letter, to start again. Your turn.

Yours always,
James""",
    """Dear Nora,

Today is our tenth anniversary, and I wanted to tell you something I do not say often enough. You make our house a
home. You notice when I am tired before I do, and you always know when to make tea.

I remember our first apartment, with the leaking roof and the neighbour who played the trumpet. We were poor and
happy, and I would not change a single day.

Here is to the next ten years, and the ten after that.

Forever yours,
Leo""",
    """Dear Mr Patel,

Thank you for teaching me maths for the last three years. Before your class I thought I was bad at numbers, and
now I want to study engineering at university.

You stayed after school every Tuesday to help anyone who asked. I know you did not have to, and it made a real
difference to me and to many others.

I hope you know how much your students care about you.

With gratitude,
Aisha""",
)

# Mistakes people really make in letters, each over a word the clean letters have.
MISSPELT = {
    "believe": "beleive", "beautiful": "beautifull", "remember": "remeber", "wonderful": "wonderfull",
    "together": "togather", "little": "litle", "thought": "thougt", "until": "untill", "because": "becuase",
    "friends": "freinds", "friend": "freind", "always": "allways", "every": "evrey", "finished": "finnished",
    "breakfast": "brekfast", "favourite": "favourate", "probably": "probly", "tomorrow": "tommorow",
    "afternoon": "afternon", "morning": "mornign", "months": "monhts", "welcome": "wellcome", "anyway": "anyways",
    "patient": "pacient", "weekend": "weeekend", "promise": "promiss", "enormous": "enourmous", "knitted": "knited",
    "grateful": "greatful", "gratitude": "gratitute", "appetite": "apetite", "complained": "complaned",
    "difference": "diffrence", "engineering": "enginering", "university": "univercity", "neighbour": "nieghbour",
    "apartment": "appartment", "anniversary": "aniversary", "handwriting": "handwritting", "evening": "evenning",
    "hospital": "hospitol", "brother": "brohter", "received": "recieved", "different": "diffrent",
}
COLD = ("Please be advised that ", "Per my last letter, ", "As previously stated, ", "I regret to inform you that ",
        "It has come to my attention that ")
FORMAL_CLOSINGS = ("Regards,", "Best regards,", "Sincerely,", "Yours sincerely,", "Kind regards,")


@dataclass(frozen=True)
class Mistake:
    kind: str  # spelling, grammar, repeated, tone
    start: int
    end: int
    wrong: str


@dataclass(frozen=True)
class Seeded:
    text: str
    mistakes: list[Mistake]


@dataclass(frozen=True)
class _Edit:
    kind: str
    start: int
    end: int
    new: str


Injector = Callable[[str, random.Random], list[_Edit]]


def _spelling(text: str, rng: random.Random) -> list[_Edit]:
    found = [m for m in re.finditer(r"\b[a-z]+\b", text) if m.group(0) in MISSPELT]
    return [_Edit("spelling", m.start(), m.end(), MISSPELT[m.group(0)]) for m in rng.sample(found, min(1, len(found)))]


def _repeated(text: str, rng: random.Random) -> list[_Edit]:
    words = [m for m in re.finditer(r"(?<=[a-z] )(?:the|a|to|and|I|it|you|of|in|was|my)\b(?= [a-z])", text)]
    m = rng.choice(words)
    return [_Edit("repeated", m.start(), m.end(), f"{m.group(0)} {m.group(0)}")]


def _grammar(text: str, rng: random.Random) -> list[_Edit]:
    options: list[_Edit] = []
    for m in re.finditer(r"(?<=[a-z,] )I(?= )", text):
        options.append(_Edit("grammar", m.start(), m.end(), "i"))
    for m in re.finditer(r"\b(could|should|would) have\b", text):
        options.append(_Edit("grammar", m.start(), m.end(), f"{m.group(1)} of"))
    for m in re.finditer(r"\b(happier|better|more|rather) than\b", text):
        options.append(_Edit("grammar", m.start(), m.end(), f"{m.group(1)} then"))
    for m in re.finditer(r"\bit's\b", text):
        options.append(_Edit("grammar", m.start(), m.end(), "its"))
    for m in re.finditer(r"\b(a|an) (\w+)", text):
        options.append(_Edit("grammar", m.start(), m.end(1), "an" if m.group(1) == "a" else "a"))
    for m in re.finditer(r"(?<=\. )([A-Z])(?=[a-z]+ )", text):
        if m.group(1) != "I":
            options.append(_Edit("grammar", m.start(), m.end(), m.group(1).lower()))
    # and slips no rule is written for, so that recall is not flattered: "you're letter", "I has", "it are"
    for m in re.finditer(r"\byour (?=[a-z]+)", text):
        options.append(_Edit("grammar", m.start(), m.start() + 4, "you're"))
    for m in re.finditer(r"(?<=\bI )(have|am)\b", text):
        options.append(_Edit("grammar", m.start(), m.end(), "has" if m.group(1) == "have" else "is"))
    for m in re.finditer(r"(?<=\b[Ii]t )is\b", text):
        options.append(_Edit("grammar", m.start(), m.end(), "are"))
    return [rng.choice(options)]


def _tone(text: str, rng: random.Random) -> list[_Edit]:
    if rng.random() < 0.4:
        closing = re.search(r"\n\n([^\n]+,)\n[^\n]+$", text)
        if closing:
            return [_Edit("tone", closing.start(1), closing.end(1), rng.choice(FORMAL_CLOSINGS))]
    starts = [m for m in re.finditer(r"(?<=\. )([A-Z])(?=[a-z]+ )", text) if m.group(1) != "I"]
    m = rng.choice(starts)
    cold = rng.choice(COLD)
    return [_Edit("tone", m.start(), m.start(), cold + m.group(1).lower())] if m.group(1) else []


def _apply(text: str, edits: Sequence[_Edit]) -> Seeded:
    edits = sorted(edits, key=lambda e: e.start)
    out, mistakes, at, shift = [], [], 0, 0
    for e in edits:
        out.append(text[at:e.start])
        start = e.start + shift
        if e.kind == "tone" and e.start == e.end:  # a cold phrase put before a word: the word is replaced too
            end_new = start + len(e.new)
            out.append(e.new)
            at = e.start + 1
            shift += len(e.new) - 1
        else:
            end_new = start + len(e.new)
            out.append(e.new)
            at = e.end
            shift += len(e.new) - (e.end - e.start)
        mistakes.append(Mistake(e.kind, start, end_new, e.new))
    out.append(text[at:])
    return Seeded("".join(out), mistakes)


def _overlapping(a: _Edit, b: _Edit) -> bool:
    return not (a.end + 1 < b.start or b.end + 1 < a.start)


def seeded(count: int = 48, seed: int = 21) -> list[Seeded]:
    """`count` letters, each a clean one with one to four mistakes of different kinds put in."""
    rng = random.Random(seed)
    injectors: list[Injector] = [_spelling, _repeated, _grammar, _tone]
    letters = []
    for n in range(count):
        base = CLEAN[n % len(CLEAN)]
        edits: list[_Edit] = []
        for inject in rng.sample(injectors, rng.randint(1, 4)):
            for _ in range(rng.randint(1, 2)):
                for e in inject(base, rng):
                    if all(not _overlapping(e, x) for x in edits):
                        edits.append(e)
        letters.append(_apply(base, edits))
    return letters


@dataclass(frozen=True)
class Score:
    kind: str
    found: int  # suggestions of this kind
    right: int  # of those, on a real mistake of this kind
    mistakes: int
    caught: int

    @property
    def precision(self) -> float:
        return self.right / self.found if self.found else 1.0

    @property
    def recall(self) -> float:
        return self.caught / self.mistakes if self.mistakes else 1.0


def score(letters: Sequence[Seeded], suggest: Callable[[str], Sequence[tuple[str, int, int]]],
          kinds: Sequence[str] = ("spelling", "grammar", "repeated", "tone")) -> list[Score]:
    """Precision and recall per kind of `suggest(text)` → [(kind, start, end)] over the seeded letters."""
    tallies = {k: [0, 0, 0, 0] for k in kinds}
    for letter in letters:
        found = list(suggest(letter.text))
        for kind, start, end in found:
            t = tallies[kind]
            t[0] += 1
            t[1] += any(m.kind == kind and start < m.end and m.start < end for m in letter.mistakes)
        for m in letter.mistakes:
            t = tallies[m.kind]
            t[2] += 1
            t[3] += any(k == m.kind and s < m.end and m.start < e for k, s, e in found)
    return [Score(k, *tallies[k]) for k in kinds]
