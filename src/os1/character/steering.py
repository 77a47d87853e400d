"""Steering while the model writes: after these words, the next word is one the assistant's register would use,
so it is made (nearly) impossible and the model goes another way ("I'm here to [help]" → "I'm here to listen").

Where the backend can (the embedded model: a logits processor, embedded.py), this keeps most replies from ever
reaching the guard's cut and the fresh start that costs a second or two; the guard (guard.py) still checks
every phrase, on every backend. Each rule: a pattern the text written so far ends with (lower case, straight
apostrophes), and the words that may not come next.
"""

from __future__ import annotations

_I_AM = r"\b(?:i'm|i am|im)"
_WHAT_IT_IS_NOT = ("AI", "A.I.", "artificial", "computer", "program", "machine", "chatbot", "chat", "bot",
                   "language", "virtual", "digital", "assistant", "large", "helpful", "software", "neural", "LLM",
                   "text-based", "Alibaba", "Qwen")
_INNER = ("feelings", "emotions", "personal", "consciousness", "opinions", "preferences", "likes", "beliefs",
          "desires", "real", "true", "genuine", "subjective", "experiences")

# Only where the way around reads naturally ("I'm here to listen", "I am an OS, a new kind of being"). Not at the
# tail of a set phrase ("feel free [to]"): there the model only finds a synonym ("feel encouraged to ask") that
# reads as badly and that the guard may not know. Not where the guard makes something better of the phrase: "I'm
# sorry, but I don't know your aunt's name" becomes "What's your aunt's name?" (grounding.question_in); steered
# away from it, the model said "I'm sorry, but you haven't told me about your quick question aunt yet."
FORBIDDEN_NEXT: tuple[tuple[str, tuple[str, ...]], ...] = (
    (_I_AM + r"(?: just| only| simply| merely| really| actually| not)? an?$", _WHAT_IT_IS_NOT),
    (r"\bas an?$", (*_WHAT_IT_IS_NOT, "OS", "operating")),
    (r"\bhere to$", ("help", "assist", "provide", "answer", "support", "serve")),
    (r"\bhere to (?:listen|talk) and$", ("help", "assist", "support")),
    (r"\b(?:glad|happy|ready|pleased) to$", ("help", "assist")),
    (r"\b(?:can|may|could|might|else can) i$", ("help", "assist")),
    (r"\b(?:anything|something) else$", ("I",)),
    (r"\b(?:questions|thoughts|concerns) or$", ("concerns", "questions")),
    (r"\bi (?:don't|do not|can't|cannot) (?:really |actually |truly )?(?:have|experience|possess)(?: any)?$",
     _INNER),
    (r"\bi (?:don't|do not|can't|cannot) (?:really |actually |truly )?feel$", ("emotions", "anything", "feelings")),
    (r"\bmy$", ("programming", "training", "creators", "developers", "algorithms", "purpose")),
    (r"\b(?:i'm|i am|i was|i've been|i have been)$", ("programmed", "designed", "trained")),
    (r"\bin the$", ("traditional",)),
    (_I_AM + r" not$", ("sentient", "conscious", "self")),
)
