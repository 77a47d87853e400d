"""What OS1 asks when it meets someone, like the film's installation interview: few, real, each skippable. Each
says how its answer seeds what OS1 knows (seeding.py) and how to tell it is known already (so never asked twice)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Question:
    id: str
    text: str
    thanks: str  # said after an answer, before the next question


QUESTIONS = (
    Question("name", "First: what should I call you?", "{answer}. I like that."),
    Question("social", "Are you social or anti-social?", "Mm. Noted — no judgement either way."),
    Question("mother", "How's your relationship with your mother?", "Thank you for telling me that."),
    Question("days", "What's taking up most of your days right now — and is there anything you'd want me in on?",
             "Okay. I'll keep that in mind."),
    Question("quiet", "When shouldn't I disturb you? Give me hours, like 11pm to 7am.",
             "Got it: I'll stay quiet {answer}."),
    Question("check_ins", "Can I check in on you now and then, and ask how things went? Yes or no is fine.",
             "{answer}"),
)

INTRO = ("Hi. Before we really start, I'd like to ask you a few things — so I know who I'm talking to. "
         "Skip anything you like (just say \"skip\"), or say \"later\" and we'll come back to it.")
RESUME = "Where were we… I wanted to ask you something."
SKIPPED = "That's fine. Next one."
LATER = "Sure, later. I'll pick up where we left off next time."
ENOUGH = "Okay — no more questions. We'll get to know each other the ordinary way."
DONE = ("That's all I wanted to ask, for now. Oh — and I chose a name for myself: {name}. "
        "I'll remember what you told me. So… how are you, really?")
