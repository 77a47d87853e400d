"""Two friends chatting over months: a long, two-speaker, multi-session benchmark in the manner of LoCoMo.

Each conversation is two people (both human, both named) talking in 18–26 sessions spread over five to twelve
months, 14–30 turns a session, mostly small talk; among it are the turns their stories put there
(friends_life.py), and the questions those turns answer, in four kinds: single-hop, multi-hop, temporal and
open-domain inference. Questions name the person they are about in the third person and often ask "when".
Seeded and deterministic; no downloads, no model.

Each conversation is written as `fNN.jsonl` in the JSON-lines format `os1 memory import` reads (`speaker`, `text`,
`time`, `id` like `f03-s05-t12`, `conversation` like `f03-s05`), plus one `questions.jsonl`.

Run:  .venv/bin/python -m bench.memory.friends OUT_DIR [--seed 11] [--conversations 10]
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
from collections import Counter
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from bench.memory.friends_life import KINDS, STORIES, Life, Person, Planted, person

PAIRS = (("Maya", "she"), ("Jon", "he"), ("Priscilla", "she"), ("Tomasz", "he"), ("Keiko", "she"),
         ("Dmitri", "he"), ("Lucia", "she"), ("Andre", "he"), ("Hannah", "she"), ("Felix", "he"),
         ("Nadia", "she"), ("Omar", "he"), ("Rosalind", "she"), ("Sebastian", "he"), ("Beatriz", "she"),
         ("Kwame", "he"), ("Ingrid", "she"), ("Mateo", "he"), ("Yasmin", "she"), ("Callum", "he"),
         ("Esther", "she"), ("Rohan", "he"), ("Marisol", "she"), ("Declan", "he"))
OFFSETS = (-8, -7, -5, -4, 0, 1, 2, 5.5, 9, 10)


@dataclass
class Question:
    id: str
    kind: str
    text: str
    answer: str
    evidence: list[str]  # message ids
    asked_at: str


@dataclass
class Conversation:
    id: str
    speakers: tuple[str, str]
    messages: list[dict[str, str]]  # {"speaker", "text", "time", "id", "conversation"}
    questions: list[Question]

    @property
    def sessions(self) -> int:
        return len({m["conversation"] for m in self.messages})


@dataclass
class Dataset:
    seed: int
    conversations: list[Conversation]

    @property
    def questions(self) -> list[tuple[Conversation, Question]]:
        return [(c, q) for c in self.conversations for q in c.questions]


def build(seed: int = 11, conversations: int = 10) -> Dataset:
    master = random.Random(seed)
    names = list(PAIRS)
    master.shuffle(names)
    out = []
    for i in range(conversations):
        a, b = names[(2 * i) % len(names)], names[(2 * i + 1) % len(names)]
        rng = random.Random(master.getrandbits(64))
        out.append(conversation(rng, f"f{i + 1:02d}", a, b))
    return Dataset(seed, out)


def conversation(rng: random.Random, cid: str, a: tuple[str, str], b: tuple[str, str]) -> Conversation:
    zone = timezone(timedelta(hours=rng.choice(OFFSETS)))
    day = datetime(rng.choice((2022, 2023, 2024)), rng.randint(1, 12), rng.randint(1, 28), tzinfo=zone)
    starts = []
    for _ in range(rng.randint(18, 26)):
        day += timedelta(days=rng.choice((3, 5, 6, 7, 8, 9, 10, 12, 14, 16, 20)))
        starts.append(day.replace(hour=rng.randint(8, 21), minute=rng.randrange(60)))
    cities: set[str] = set()
    people = (person(rng, a[0], a[1], cities), person(rng, b[0], b[1], cities))
    life = Life(rng, people, starts)
    for story in STORIES:
        for me, friend in (people, people[::-1]):
            story(life, me, friend)
    messages, ids = transcript(rng, cid, life)
    asked = (starts[-1] + timedelta(days=3)).isoformat()
    questions = [Question(f"{cid}-q{n + 1:03d}", d.kind, d.text, d.answer, [ids[k] for k in d.evidence], asked)
                 for n, d in enumerate(life.drafts)]
    return Conversation(cid, (a[0], b[0]), messages, questions)


# -- sessions ----------------------------------------------------------------------------------------------------


def transcript(rng: random.Random, cid: str, life: Life) -> tuple[list[dict[str, str]], dict[str, str]]:
    messages: list[dict[str, str]] = []
    ids: dict[str, str] = {}
    for s, start in enumerate(life.starts):
        conv = f"{cid}-s{s + 1:02d}"
        at = start
        for t, (speaker, text, key) in enumerate(session(rng, life, s)):
            mid = f"{conv}-t{t + 1:02d}"
            messages.append({"speaker": speaker, "text": text, "time": at.isoformat(), "id": mid,
                             "conversation": conv})
            if key:
                ids[key] = mid
            at += timedelta(seconds=rng.randint(25, 240))
    return messages, ids


def session(rng: random.Random, life: Life, s: int) -> list[tuple[str, str, str | None]]:
    """Greetings, exchanges (the planted ones among small talk), goodbyes: (speaker, text, key)."""
    first, second = life.people if rng.random() < 0.5 else life.people[::-1]
    plants = [p for p in life.planted if p.session == s]
    rng.shuffle(plants)
    slots: list[Planted | None] = [None] * rng.randint(3, 6)
    for p in plants:
        slots.insert(rng.randint(0, len(slots)), p)
    out: list[tuple[str, str, str | None]] = [
        (first.name, greeting(rng, second.name), None),
        (second.name, greeting_back(rng, first.name), None),
    ]
    for slot in slots:
        if slot is None:
            out += small_talk(rng, *((first, second) if rng.random() < 0.5 else (second, first)))
        else:
            out += exchange(rng, slot, life)
    out += [(first.name, rng.choice(GOODBYES), None), (second.name, rng.choice(GOODBYES_BACK), None)]
    return out


def exchange(rng: random.Random, plant: Planted, life: Life) -> list[tuple[str, str, str | None]]:
    me = plant.speaker
    friend = next(p.name for p in life.people if p.name != me)
    text = plant.text
    if rng.random() < 0.3:  # a story often arrives after something else
        text = f"{rng.choice(SEGUES)} {text}"
    turns = [(me, text, plant.key), (friend, plant.reply or rng.choice(REACTIONS), None)]
    if rng.random() < 0.6:
        turns += [(me, rng.choice(FOLLOW_UPS), None)]
        if rng.random() < 0.5:
            turns += [(friend, rng.choice(REACTIONS), None)]
    return turns


def small_talk(rng: random.Random, a: Person, b: Person) -> list[tuple[str, str, str | None]]:
    turns = [(a.name, everyday(rng), None), (b.name, rng.choice(REACTIONS), None)]
    if rng.random() < 0.5:
        turns.append((b.name, everyday(rng), None))
        turns.append((a.name, rng.choice(REACTIONS).replace("!", f", {b.name}!", 1), None))
    return turns


def everyday(rng: random.Random) -> str:
    when = rng.choice(("Yesterday", "On Sunday", "The other day", "Over the weekend", "On Tuesday"))
    return f"{when} {rng.choice(EVERYDAY)}" + (f" {rng.choice(TAILS)}" if rng.random() < 0.5 else "")


def greeting(rng: random.Random, other: str) -> str:
    return rng.choice(GREETINGS).format(name=other)


def greeting_back(rng: random.Random, other: str) -> str:
    return rng.choice(GREETINGS_BACK).format(name=other)


GREETINGS = ("Hey {name}! How's it going?", "Hi {name}, long time no talk! What's new?",
             "{name}! I've been meaning to message you all week.", "Morning {name}! Got a minute to catch up?",
             "Hey you! How have you been?", "Hi {name}! Hope your week's been kinder than mine.",
             "Hey {name}, it's been ages. How are things?")
GREETINGS_BACK = ("Hey {name}! Good to hear from you. Things are busy but good.",
                  "Hi {name}! I'm alright, just tired. How about you?", "{name}! Perfect timing, I needed a break.",
                  "Hey! Doing okay, hanging in there. What's up with you?",
                  "Hi {name}! Always have time for you. Tell me everything.")
GOODBYES = ("Anyway, I should get going. Talk soon!", "Okay, dinner's calling. Catch you later!",
            "I have to run, but this was nice. Bye for now!", "Gotta go, early start tomorrow. Take care!",
            "Alright, I'll let you go. Talk next week?")
GOODBYES_BACK = ("Bye! Take care of yourself.", "Talk soon, have a good night!", "Same time next week. Bye!",
                 "Take it easy! Miss you.", "Later! Say hi to everyone for me.")
REACTIONS = ("Wow, that's great!", "Oh no, that sounds rough. I'm sorry.", "Ha! That's so you.",
             "That's wonderful, I'm really happy for you!", "No way! Tell me more.", "Honestly, same.",
             "That sounds lovely. You deserve it.", "I totally get that.", "Oh wow, I didn't expect that!",
             "That's so exciting!", "Ugh, I know that feeling.", "Good for you, seriously!",
             "That's hilarious.", "Aw, that's sweet.", "Sounds like a lot. How are you holding up?")
FOLLOW_UPS = ("Thanks! It really meant a lot to me.", "Yeah, I'm still thinking about it honestly.",
              "I'll tell you more about it next time, it's a long story.", "It was a good reminder to slow down.",
              "I know, right? I didn't think I had it in me.", "Thanks, that means a lot coming from you.",
              "I'll send you some photos later.", "It's been a big few weeks, in a good way.")
SEGUES = ("Oh, before I forget!", "Okay, so.", "Anyway, other news:", "Speaking of which,", "So, random, but",
          "Also!", "You'll laugh at this.")
EVERYDAY = ("I burnt a whole tray of cookies because I got distracted by a podcast.",
            "my car made a horrible noise on the highway, so it's at the mechanic now.",
            "I binge-watched half a season of a baking show instead of sleeping.",
            "the power went out in our whole building for three hours.",
            "I tried a new ramen place near work and it was honestly incredible.",
            "I cleaned out my closet and found a jacket I thought I'd lost years ago.",
            "it poured rain and I forgot my umbrella, so I got completely soaked.",
            "my neighbor's dog barked all night, I barely slept.",
            "I finally fixed the leaky kitchen tap myself, very proud.",
            "I spent way too long at the farmers market and came home with six kinds of cheese.",
            "work was nonstop meetings, I didn't even get to eat lunch.",
            "I went for a long walk just to clear my head.",
            "my mom called and we talked for two hours about nothing.",
            "I rearranged the living room furniture, it feels like a new place.",
            "the train was delayed forty minutes so I read on the platform.",
            "I made a huge pot of soup and I'll be eating it all week.",
            "I watched a documentary about octopuses, they're so smart it's creepy.",
            "I had coffee with an old coworker I hadn't seen in years.",
            "I tried yoga at home with a video and mostly just fell over.",
            "I got a parking ticket, which was the perfect end to the day.",
            "I planted some herbs on the balcony, fingers crossed they survive.",
            "I spent the whole evening on a puzzle with a thousand pieces.",
            "I got caught in traffic for an hour because of an accident on the bridge.",
            "I went to the dentist, no cavities for once!")
TAILS = ("Such a weird week.", "Life, huh?", "Anyway, how are you?", "Small victories.", "Not my finest moment.",
         "I needed that.", "What about you, anything new?")


# -- output ------------------------------------------------------------------------------------------------------


def write(dataset: Dataset, folder: Path) -> list[Path]:
    """`<id>.jsonl` per conversation and `questions.jsonl`; returns the transcript paths."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for c in dataset.conversations:
        path = folder / f"{c.id}.jsonl"
        path.write_text("".join(json.dumps(m, ensure_ascii=False) + "\n" for m in c.messages), encoding="utf-8")
        paths.append(path)
    lines = [json.dumps({"conversation": c.id, "speakers": list(c.speakers), **asdict(q)}, ensure_ascii=False) + "\n"
             for c, q in dataset.questions]
    (folder / "questions.jsonl").write_text("".join(lines), encoding="utf-8")
    return paths


def summary(dataset: Dataset) -> dict[str, Any]:
    kinds = Counter(q.kind for _, q in dataset.questions)
    turns = [len(c.messages) for c in dataset.conversations]
    spread = [len({e.split("-t")[0] for e in q.evidence}) for _, q in dataset.questions if q.kind == "multi"]
    return {"seed": dataset.seed, "conversations": len(dataset.conversations),
            "sessions": sum(c.sessions for c in dataset.conversations), "turns": sum(turns),
            "turns_per_conversation": {"min": min(turns), "median": statistics.median(turns), "max": max(turns)},
            "questions": len(dataset.questions), "per_kind": {k: kinds[k] for k in KINDS},
            "multi_hop_sessions": {"mean": round(statistics.mean(spread), 2) if spread else 0, "max": max(spread)}}


def main() -> None:
    parser = argparse.ArgumentParser(description="Write the two-friends benchmark's transcripts and questions.")
    parser.add_argument("out", type=Path)
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--conversations", type=int, default=10)
    args = parser.parse_args()
    dataset = build(args.seed, args.conversations)
    write(dataset, args.out)
    print(json.dumps(summary(dataset), indent=2))


if __name__ == "__main__":
    main()
