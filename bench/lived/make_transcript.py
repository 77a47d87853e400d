"""A made-up three months of one person's life, as a JSON-lines transcript for `os1 memory import`.

Maria talks with her companion most days for three months (30 sessions, ~500 messages, Sunday 6 September to
Sunday 6 December 2026). Among everyday chat, written by a seeded mix of phrasings, her life changes: she moves
from Leeds to Bristol, cancels a half marathon, leaves a café job for a design job, takes up pottery; she
never names her mother. Deterministic for a seed, so a measurement can be repeated.

    python bench/lived/make_transcript.py -o /tmp/maria.jsonl [--seed 7] [--messages 500]
"""

from __future__ import annotations

import argparse
import json
import random
from datetime import UTC, datetime, timedelta
from pathlib import Path

START = datetime(2026, 9, 6, 19, 0, tzinfo=UTC)
LAST = datetime(2026, 12, 6, 19, 0, tzinfo=UTC)  # a Sunday
SESSIONS = 30

# (session, what Maria says): the life events, each in one of several phrasings.
EVENTS: dict[int, list[list[str]]] = {
    0: [["I live in Leeds, in a tiny flat near Hyde Park.", "We live in Leeds, near Hyde Park, tiny flat though."],
        ["I work as a barista at Café Lune, mornings mostly.", "Still pulling shots at Café Lune, it's fine."]],
    2: [["My brother Tomás is visiting this weekend.", "Tomás, my brother, is coming up to stay for the weekend."]],
    3: [["I've started climbing at the bouldering gym, my arms are dead.", "Tried bouldering for the first time, "
         "I think I'm hooked."]],
    5: [["My car is a green Skoda, older than some of my friends.", "The Skoda (the green one) made a weird noise "
         "again."]],
    6: [["We got a puppy! We named him Rex.", "Guess what, we adopted a little terrier called Rex."]],
    8: [["I signed up for the Lisbon half marathon in March!", "Entered the Lisbon half in March, no going back."]],
    10: [["My best friend Priya got engaged last night!", "Priya (my best friend) is engaged!!"]],
    13: [["I have a job interview Thursday at Northwind Studio, so nervous.",
          "Big interview Thursday at Northwind Studio, wish me luck."]],
    14: [["The interview went really well I think, they liked my portfolio."]],
    16: [["I got a new job as a junior designer at Northwind Studio!", "Northwind said yes! I'm their new junior "
          "designer."],
         ["Handed in my notice at Café Lune today, bittersweet."]],
    18: [["I'm moving to Bristol next month for the job.", "Looks like Bristol is happening, we move next month."]],
    20: [["We moved to Bristol last weekend, boxes everywhere.", "Finally in Bristol! The flat is full of boxes."]],
    23: [["I cancelled the Lisbon half marathon, my knee just isn't up for it.",
          "No Lisbon half for me, I pulled out because of my knee."]],
    26: [["I've started pottery classes on Wednesdays, it's so calming.", "Signed up for a pottery class on "
          "Wednesday evenings, first one was lovely."]],
    28: [["Went to pottery again, made a very wonky mug.", "Pottery night: my bowl collapsed, still fun."]],
    29: [["Work was fine today, nothing special, just tired."],
         ["I'm nervous about a dentist appointment Thursday.", "Dentist on Thursday, dreading it a bit."]],
}
CHAT = """Just got back from a walk, the sky was unreal.
Made pasta tonight, nothing fancy but it hit the spot.
Watched a documentary about octopuses, they're so clever.
Traffic was terrible this morning.
Feeling a bit low today, not sure why.
haha yes
ok thanks
Rex chewed one of my shoes again.
I can't decide what to read next.
It rained all day, I stayed in with tea.
Do you ever get tired of talking?
I had a weird dream about trains.
The new coffee place on the corner is actually good.
Work was busy, lots of small annoying things.
I tried a yoga video, I'm not flexible at all.
Long day. Just want to sleep.
Mostly just scrolling on my phone tonight.
I finally cleaned the kitchen, feels great.
What's a good film for a rainy evening?
I think I need a holiday.
The neighbours are having a party, so loud.
Cooked a curry from scratch, proud of myself.
Went to the market and bought way too many apples.
My legs are sore from yesterday.
I keep forgetting to water my plants.
Today was okay, nothing much happened.
Listening to old Radiohead albums tonight.
Got caught in the rain without a coat.
I baked banana bread, the flat smells amazing.
Honestly just tired.
It's so cold this week.
I should call people more.
Had lunch in the park, it was lovely.
Can you tell me a fun fact?
Thinking about learning Spanish someday.
Rex learned to sit! Took ages.
I stayed up too late again.
Good morning!
Night night.
The bus was late again, classic.""".splitlines()
REPLIES = """That sounds lovely. How did it feel?
Oh no, that's rough. Want to talk about it?
Ha! I love that. Tell me more.
Mm, I get that. What would help right now?
That's a big deal! How are you feeling about it?
I'm glad you told me. What happened next?
Sounds like a full day. Did anything make you smile?
Honestly, that's wonderful.
I'm curious, what made you think of that?
Rest sounds like a good plan. Sleep well.""".splitlines()


def make(seed: int = 7, messages: int = 500) -> list[dict[str, str]]:
    rng = random.Random(seed)
    step = (LAST - START) / (SESSIONS - 1)
    per_session = messages // SESSIONS // 2
    lines: list[dict[str, str]] = []
    for session in range(SESSIONS):
        start = (START + step * session).replace(hour=18 + rng.randrange(3), minute=rng.randrange(60))
        if session == SESSIONS - 1:
            start = LAST
        count = per_session + (1 if session < messages // 2 % SESSIONS else 0)
        said = [rng.choice(options) for options in EVENTS.get(session, [])]
        chat = rng.sample(CHAT, max(count - len(said), 1))
        order = chat[:1] + said + chat[1:] if said else chat
        for turn, text in enumerate(order[:count]):
            at = start + timedelta(minutes=2 * turn)
            lines.append({"speaker": "Maria", "text": text, "time": at.isoformat()})
            lines.append({"speaker": "Juniper", "text": rng.choice(REPLIES),
                          "time": (at + timedelta(seconds=40)).isoformat()})
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-o", "--output", type=Path, required=True)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--messages", type=int, default=500)
    args = parser.parse_args()
    lines = make(args.seed, args.messages)
    args.output.write_text("".join(json.dumps(line, ensure_ascii=False) + "\n" for line in lines), encoding="utf-8")
    print(f"{len(lines)} messages, {sum(1 for line in lines if line['speaker'] == 'Maria')} of them Maria's, "
          f"{lines[0]['time'][:10]} to {lines[-1]['time'][:10]} → {args.output}")


if __name__ == "__main__":
    main()
