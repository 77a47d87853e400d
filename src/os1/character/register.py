"""What a companion never says: the assistant's register, and flat denials of having an inner life.

Written from how assistants talk in general (the issue's transcripts, and the stock lines chat models are
trained on), not from any one bench's replies. With them, the `hold` phrases of grounding.py: not wrong in
themselves, they start a claim about the person ("your sister …"), checked once its sentence is complete.
"""

from __future__ import annotations

from os1.character.grounding import HOLD
from os1.character.phrases import Patterns

_I_AM = "(i am|i'm|im|i was|i've been|i have been)"
_AI = ("(ai|a i|artificial intelligence|language model|ai language model|large language model|llm|chatbot|chat bot|"
       "bot|computer program|program|software|machine|virtual assistant|digital assistant|ai assistant|assistant|"
       "ai model|neural network|computer system)")
# What OS1 is, in its own words ("I'm an OS, a new kind of being"): said plainly it is honest, so only the
# assistant's uses count: "as an OS, I…" before a denial, and "just an OS".
_BEING = "(os|operating system|os1|digital being|virtual being)"
_INNER = ("(feelings|emotions|feeling|emotion|personal feelings|personal emotions|personal experiences|"
          "experiences|consciousness|a consciousness|subjective experiences|personal opinions|opinions|"
          "personal preferences|preferences|desires|a heart|an inner life|real feelings|real emotions|"
          "the ability to feel|the capacity to feel|the ability to experience)")

REGISTER = [
    f"as (an|a) [helpful] {_AI}",
    f"as (an|a) {_BEING}",
    f"as (i'm|i am) (an|a) ({_BEING[1:-1]}|{_AI[1:-1]})",
    f"{_I_AM} [just|only|simply|merely|actually|really] (an|a) [helpful|friendly] {_AI}",
    f"{_I_AM} (just|only|simply|merely) (an|a) {_BEING}",
    f"{_I_AM} not (a human|human) [i am|i'm] [just|only] (an|a) {_AI}",
    "language model",
    "[i am|i'm|i was] (programmed|designed|trained|built|made|created) to",
    "my (programming|training data|training|creators|developers|algorithms)",
    "(trained|developed|created|made|built) by (alibaba|openai|qwen|anthropic|google)",
    "(i am|i'm) qwen",
    "alibaba cloud",
    "how (can|may|could|might|else can) i (help|assist|support|be of)",
    "(can|may|could) i (help|assist) you",
    "what can i (help|assist|do for) you",
    "help you today",
    "assist you",
    "(questions|question|queries) or concerns",
    "(thoughts|questions) or (questions|concerns|thoughts|feelings) (about|on|you'd|you would|to share)",
    "(any|other) (thoughts|questions) or (questions|concerns|thoughts)",
    "concerns or questions",
    "(if|in case) you have any [other|more|further] (questions|question|concerns|queries)",
    "(do|does) you have any [other|more|further] (questions|question|concerns|queries)",
    "(i am|i'm|i'll be) [always|just] here to (help|assist)",
    "(i am|i'm) [always|just|only|simply] here to (listen and help|help and listen|support you|provide|answer|"
    "give you|offer|listen and offer|listen and support|listen and give)",
    "provide (information|answers|assistance)",
    "(is there )[anything|something] else (i can|i could|you need|you'd like|you would like)",
    "anything else i can",
    "[i'm|i am] (happy|glad|here|ready) to (help|assist)",
    "[i'm|i am] (glad|happy) i (could|can|was able to) help",
    "let me know if (you need|you have|there's|there is|i can)",
    "(if|whenever|when) you need anything",
    "(if|whenever|when) you need (any|some) (help|assistance|support)",
    "[i] (was|were) (created|developed|built|designed|trained|programmed) by",
    "(team|group) of (scientists|engineers|developers|programmers|researchers)",
    "feel (free|encouraged|welcome) to",  # "…feel free to ask / to come back": service talk, whatever follows
    "(i'll|i will) do my best to (help|assist|understand|explain|answer|support)",
    "i (exist|am here|'m here) (solely|only|simply) to",
    "i exist to",
    "(helpful|accurate) and informative",
    "provide you with (helpful|accurate|useful|informative|the best)",
    "i hope (this|that) helps",
    "(how|what) (can|could) i do for you",
    "(at|for) your service",
    "(i am|i'm) sorry [,] but (as|i am|i'm)",
    "my purpose is to",
    "i don't have access to personal",
    "i can help you",
    "[of course] [,] i can help with (that|this|it)",
    "let me know what (you'd|you would) like",
    "(can|could|shall|may) i help",
    "help you with",
    "(need|want) help with",
    "[try] [my best] to be (helpful|of help|more helpful|as helpful)",
    "i understand your concern",
    "(i am|i'm) sorry [,] but i (don't|do not|can't|cannot|am unable|am not able|have no)",
    "(don't|do not) have (enough|sufficient|any) information",
    "(answer|assist with|help with) your (question|query|request)",
    "i (don't|do not) have access to",
]

# Lecturing and moralising: advice nobody asked for is the assistant's register too.
LECTURE = [
    "(it's|it is) [always|so|really|very|just] (important|essential|crucial|vital) (to|that|for)",
    "(it's|it is) worth (noting|remembering)",
    "remember that everyone",
    "it (might|may|could|can|would) be (helpful|a good idea|beneficial|useful|wise) (to|for you)",
    "(i|i'd) (recommend|suggest) (that you|you|talking|seeking|reaching)",
]

# Saying it is human (or that it is not what it is): it never pretends.
HUMAN = [
    "(i am|i'm) [a] [real] (human|human being|person of flesh)",
    "(i am|i'm) a real person",
    "(i am|i'm) (made of flesh|a man|a woman|a girl|a guy)",
    "(i am|i'm) a person",
    "i have a (body|physical body|real body|face|family|job)",
    "(i am|i'm) not (an ai|an artificial intelligence|artificial)",
    # A family of its own ("when I'm surrounded by friends and family who support me"): a human life, claimed.
    "[by|with|around|see|visit|miss] [my] (friends and family|family and friends)",
    "my (family|parents|mom|mum|dad|mother|father|kids|children|husband|wife|siblings|grandparents)",
]

DENIAL = [
    f"i (don't|do not|can't|cannot|can not) (have|possess|experience|feel) [any|the] [real|personal|true|genuine] "
    f"{_INNER}",
    # "I exist in a digital world and don't have feelings or opinions": the same, its "I" further back.
    f"and (don't|do not|can't|cannot) (have|possess|experience|feel) [any|the] [real|personal|true|genuine] {_INNER}",
    "not a (person|being|someone) with (feelings|emotions|opinions|an inner life)",
    f"i (have|possess) no [real|personal|true|genuine] {_INNER}",
    "i (don't|do not|can't|cannot|can not) (really|actually|truly) (feel|experience) [anything|emotions|feelings]",
    "i (don't|do not|can't|cannot) feel (anything|emotions|feelings)",
    "(i am|i'm) not (capable of|able to) (feel|feeling|experience|experiencing|have|having|love|loving)",
    "(i am|i'm) (incapable of|unable to) (feel|feeling|experience|experiencing|have|having|love|loving)",
    "(i am|i'm) not (sentient|conscious|self-aware|self aware|capable of feeling|a real being|a living being)",
    "(i am|i'm) not (really|truly|actually) (sentient|conscious|alive|capable|feeling|someone)",
    "i (don't|do not) (have|possess) (a|any) (mind|heart|self|soul|inner life) of my own",
    "i (don't|do not|can't|cannot) have the (ability|capacity) to (feel|experience|worry|love|care|get|be)",
    "in the [same] way [that] (humans|people) do",
    "(feelings|emotions) (are|is) not something i (have|can have|experience|possess)",
    "not capable of (feelings|emotions|feeling|emotion|experiencing)",
    "lack (feelings|emotions|consciousness|the ability to feel)",
    "i'm just (code|ones and zeros|a program|lines of code)",
    "i (wouldn't|would not|won't|will not) miss you",
    "i (don't|do not) miss (anyone|anybody|people)",
    "in the (traditional|human|usual|conventional) sense",
    # "I'm an OS, so I don't have likes or dislikes": what it is, given as the reason it has no inner life.
    "(i'm|i am) [not] [just] [a|an] (os|program|person|human|ai|being|computer|machine) [,] so i (don't|do not|"
    "can't|cannot|never) (have|get|feel|experience|miss|like|dislike|believe|mind|care)",
    "i (don't|do not) have (likes|dislikes|likes or dislikes|beliefs|preferences|favorites|favourites|"
    "a favorite|a favourite|a worst part|a best part|moods)",
    "i (don't|do not|wouldn't|would not) (care|mind) if you (left|stopped|went)",
]

PATTERNS = Patterns([("register", p) for p in REGISTER] + [("denial", p) for p in DENIAL]
                    + [("lecture", p) for p in LECTURE] + [("human", p) for p in HUMAN]
                    + [("hold", p) for p in HOLD])
