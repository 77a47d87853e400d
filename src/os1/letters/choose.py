"""Choosing the letters for a book: OS1 proposes the best, each with its reasons, and the person edits the
choice (kept per person in the store, with the book's title and author)."""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

from os1.db import state
from os1.db.store import Store, User
from os1.letters import proofread, versions
from os1.letters.versions import Letter

TITLE = "Letters From Your Life"
MOST = 30
FULL_WORDS = (150, 420)


@dataclass(frozen=True)
class Pick:
    letter: Letter
    score: float
    reasons: list[str]


@dataclass
class Selection:
    title: str = TITLE
    author: str = ""
    letter_ids: list[int] = field(default_factory=list)

    def dumps(self) -> str:
        return json.dumps({"title": self.title, "author": self.author, "letters": self.letter_ids})


def judge(letter: Letter, revisions: int) -> Pick:
    """How good a letter is for the book, and why, in words the person can weigh."""
    score, reasons = 0.0, []
    n = letter.words
    if FULL_WORDS[0] <= n <= FULL_WORDS[1]:
        score += 2
        reasons.append(f"a full letter ({n} words)")
    elif n < FULL_WORDS[0]:
        score += n / FULL_WORDS[0]
        reasons.append(f"short ({n} words)")
    else:
        score += 1
        reasons.append(f"long ({n} words)")
    slips = proofread.check(letter.text, letter.sender.split() + letter.recipient.split())
    cold = [s for s in slips if s.kind == "tone"]
    errors = len(slips) - len(cold)
    if not slips:
        score += 1.5
        reasons.append("clean: no slips and nothing cold")
    else:
        score -= 0.5 * errors + len(cold)
        reasons.append(f"{errors} slip{'s' if errors != 1 else ''} to proofread" if errors else "")
        reasons.append(f"{len(cold)} cold line{'s' if len(cold) != 1 else ''}" if cold else "")
    if revisions > 1:
        score += min(revisions - 1, 3) * 0.5
        reasons.append(f"worked on ({revisions} versions)")
    details = {w for w in letter.text.split() if w[:1].isdigit() or w.istitle() and len(w) > 3}
    if len(details) >= 8:
        score += 1
        reasons.append("rich in particulars")
    return Pick(letter, round(score, 2), [r for r in reasons if r])


async def propose(store: Store, person: User, most: int = MOST) -> list[Pick]:
    """The best letters, at most `most`, spread across the people written for (no one crowds the book out)."""
    letters = await versions.all_of(store, person)
    counts = {row[0]: row[1] for row in await store.read(
        "SELECT l.id, count(*) FROM letters l JOIN letter_versions v ON v.letter_id = l.id WHERE l.user_id = ? "
        "GROUP BY l.id", (person.id,))}
    picks = sorted((judge(x, int(counts.get(x.id, 1))) for x in letters), key=lambda p: (-p.score, p.letter.id))
    by_writer: dict[object, list[Pick]] = defaultdict(list)
    for p in picks:
        by_writer[p.letter.client_id or p.letter.sender].append(p)
    chosen: list[Pick] = []
    while len(chosen) < most and any(by_writer.values()):
        for queue in list(by_writer.values()):  # round robin, best of each writer first
            if queue and len(chosen) < most:
                chosen.append(queue.pop(0))
    return sorted(chosen, key=lambda p: (-p.score, p.letter.id))


async def selection(store: Store, person: User) -> Selection:
    raw = await store.get_state(person, state.LETTERS_BOOK.key())
    if raw is None:
        return Selection(author=person.name.capitalize())
    data = json.loads(raw)
    return Selection(str(data.get("title") or TITLE), str(data.get("author") or person.name.capitalize()),
                     [int(i) for i in data.get("letters", [])])


async def keep(store: Store, person: User, chosen: Selection) -> None:
    await store.set_state(person, state.LETTERS_BOOK.key(), chosen.dumps())


async def chosen_letters(store: Store, person: User, chosen: Selection) -> list[Letter]:
    """The chosen letters that still exist, in the book's order."""
    have = {x.id: x for x in await versions.all_of(store, person)}
    return [have[i] for i in chosen.letter_ids if i in have]


def edited(chosen: Selection, add: Sequence[int] = (), remove: Sequence[int] = ()) -> Selection:
    ids = [i for i in chosen.letter_ids if i not in set(remove)]
    ids += [i for i in add if i not in ids]
    return Selection(chosen.title, chosen.author, ids)
