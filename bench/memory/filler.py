"""Small talk: what most of a relationship is made of, and what a memory has to see past.

Every line is built from a template and slot values, so no two sessions read alike. Filler never states a
personal fact a question could ask about (no family, pets, places, dates, weekend plans): the planted turns
are the only evidence, and the abstention questions stay unanswerable.
"""

from __future__ import annotations

import random
from datetime import datetime

DAY_OPENERS = ("Work was", "The day was", "Today was", "The morning was", "The whole day felt")
DAY_ADJECTIVES = {"long": "bad", "weirdly quiet": "neutral", "non-stop": "bad", "fine, I guess": "neutral",
                  "a bit of a blur": "neutral", "surprisingly good": "good", "exhausting": "bad",
                  "pretty chill": "good", "slow": "neutral", "chaotic": "bad", "productive for once": "good",
                  "a mixed bag": "neutral"}
DAY_DETAILS = ("", ", lots of emails", ", meeting after meeting", ", mostly paperwork", " and I barely ate lunch",
               ", so many phone calls", ", nothing worth telling really")
WEATHER = ("raining", "grey and drizzly", "sunny but freezing", "so windy", "foggy", "weirdly warm",
           "snowing a little", "bright and cold", "muggy", "stormy")
WEATHER_TAILS = ("", ", I didn't even want to go outside", ", I went for a walk anyway", ", perfect tea weather",
                 ", my umbrella gave up", ", which suits my mood")
DISHES = ("lentil soup", "a stir-fry", "pasta with whatever was in the fridge", "cheese on toast", "a big salad",
          "veggie chili", "scrambled eggs", "a curry from a jar", "baked potatoes", "noodle soup", "fried rice",
          "a tomato omelette", "bean tacos", "leek and potato soup")
DISH_OUTCOMES = ("", " and it was actually decent", " and burned it a little", ", nothing fancy",
                 " and ate it standing at the counter", ", enough left for tomorrow")
FEELINGS = {"tired": "bad", "restless": "bad", "pretty content": "good", "a bit low": "bad",
            "oddly energetic": "good", "a little anxious": "bad", "calm for once": "good", "scattered": "bad",
            "hopeful": "good", "flat": "bad", "cheerful": "good", "overstimulated": "bad"}
FEELING_REASONS = ("", ", not sure why", ", probably too much coffee", ", it's been a lot", ", the days are still "
                   "so short", ", I think I need a proper rest")
SLEEP = {"Slept badly again": "bad", "Slept really well for once": "good", "Slept on and off": "bad",
         "Woke up at three and couldn't drift off again": "bad", "Had the strangest dream": "neutral"}
SLEEP_TAILS = ("", ", so I'm running on fumes", ", no idea why", ", feeling it now")
OPINION_TOPICS = ("pineapple on pizza", "open-plan offices", "self-checkout machines", "podcasts at double speed",
                  "group chats", "scented candles", "brunch", "reality TV", "standing desks", "voice messages",
                  "airport sandwiches", "fancy notebooks", "smart watches", "escalator etiquette", "oat milk")
OPINION_VERDICTS = ("Overrated.", "Underrated.", "A bit of a scam, honestly.", "Genuinely great.",
                    "Best invention ever.", "I could argue about it for hours.")
ERRANDS = ("do the laundry", "call the bank", "answer a pile of emails", "take the recycling out",
           "pay a parking fine", "fix the wobbly shelf", "renew my library card", "sort out my taxes",
           "iron a shirt for tomorrow", "clean the bathroom", "defrost the freezer", "return a parcel")
ANIMALS = ("a fox", "a heron", "a squirrel", "a pair of swans", "a woodpecker", "a hedgehog",
           "a crow stealing chips", "a robin", "a very fat pigeon", "a family of ducks")
WALKS = ("home", "this morning", "by the river", "at lunch", "through the park", "to the shop")
PODCAST_TOPICS = ("the history of salt", "deep-sea creatures", "unsolved heists", "how bridges are built",
                  "the Roman empire", "sleep science", "space probes", "perfume making", "volcanoes",
                  "the invention of the bicycle", "ancient board games", "how maps get made")
PODCAST_VERDICTS = ("it's fascinating", "it's oddly soothing", "it's a bit dry", "I can't stop listening",
                    "it sends me to sleep in a good way")
WINS = ("finally replied to all my messages", "found a parking space right outside", "fixed the leaky tap myself",
        "got through my whole to-do list", "remembered to drink enough water", "cleaned out the fridge",
        "went to bed before eleven", "said no to something I didn't want to do", "cooked instead of ordering in")
ANNOYANCES = ("the wifi keeps dropping", "the printer jammed again", "I lost my headphones",
              "my phone screen cracked", "the shop ran out of oat milk", "someone microwaved fish at work",
              "my laptop decided to update for an hour", "the heating is making a clanking noise")
MUSINGS = ("whether I should take more breaks", "how fast this year is going", "a conversation I had at work",
           "learning to cook properly", "getting more sleep", "how quiet the flat is at night",
           "what I actually want from this year", "writing things down more", "being kinder to myself")
DRINKS = ("peppermint tea", "chamomile", "builder's tea", "hot chocolate", "rooibos", "hot water with lemon")
QUESTIONS = {  # the person asks the companion something; it answers in kind
    "Do you ever get bored?": "Not with you. I like hearing how your days go.",
    "What do you think makes a good friend?": "Someone who listens, and shows up when it counts.",
    "Is it normal to feel tired all the time in winter?": "Very normal. Less light does that to a lot of people.",
    "How do people stay motivated?": "Small steps, mostly. Motivation tends to follow doing, not the other way.",
    "What should I cook tomorrow?": "Something warm and easy sounds right. Soup, maybe?",
    "Do you think I overthink things?": "Maybe a little, but it comes from caring about getting things right.",
    "What's a good way to unwind?": "A walk, a bath, or an early night usually help.",
    "Is it silly to talk to you this much?": "Not silly at all. I like our chats.",
    "How do you decide what to say?": "I try to listen first, then answer honestly.",
    "What would you do with a free afternoon?": "Wander somewhere new without a plan, I think.",
    "Should I start journaling?": "It's worth a try. Even three lines a day can help.",
    "Why do Mondays feel so long?": "Probably the jump from rest back to routine.",
}
REFLECTIONS = {"good": ("Oh, that sounds lovely.", "Ha, I like that.", "Good for you.", "That made me smile.",
                        "Love that.", "Nice!"),
               "bad": ("That sounds like a lot.", "That sounds really draining.", "Ugh, that's annoying.", "Oh no.",
                       "That's completely understandable.", "I'm sorry, that's rough."),
               "neutral": ("I'm glad you told me.", "Hmm, fair point.", "I can picture it.", "Fair enough.",
                           "Mm, I hear you.", "Ha, okay.")}
FOLLOW_UPS = {"good": ("What was the best part of your day?", "Did anything else happen today?", "Tell me more?",
                       "", ""),
              "bad": ("What helps when you feel like that?", "Do you want to talk it through?",
                      "Is that something you'd like to change?", "How are you feeling about it now?", ""),
              "neutral": ("Did anything else happen today?", "Tell me more?", "How did that go?",
                          "Anything planned for the rest of the day?", "What's on your mind today?", "", "")}
OPENING_REPLIES = ("Hi! How's your day been?", "Hey, good to hear from you. What's new?", "Hello! How are you doing?",
                   "Hi, I'm here. How are things?", "Hey! What's on your mind?")
GREETINGS = ("Hey, it's me again.", "Hi! Got a minute?", "Evening.", "Good evening!", "Hello again.", "Hey you.",
             "Hi, I'm back.",             "Quick chat before bed?", "Hi there.", "Hey, are you around?")
MORNING_GREETINGS = ("Morning!", "Good morning.", "Hi, lazy morning here.")
AFTERNOON_GREETINGS = ("Hi! Got a minute?", "Hello again.", "Hey you.", "Hi, I'm back.", "Afternoon!", "Hi there.")
GOODBYES = ("Okay, I should head to bed. Night!", "Thanks for listening, talk soon.",
            "I'm going to make dinner, bye for now.", "That's enough rambling from me. Goodnight!",
            "Let's talk again in a few days.", "Right, off I go. Thanks.", "I'll let you go. Bye!")
COMPANION_GREETINGS = ("Hi {name}! Good to hear from you.", "Welcome back, {name}. How are you?",
                       "Hey {name}! How's your day been?", "Hello {name}. What's new?",
                       "Good to see you, {name}. How are things?")
COMPANION_GOODBYES = ("Goodnight, {name}. Sleep well.", "Talk soon. Take care of yourself.",
                      "Enjoy your evening!", "Bye for now, {name}.", "Rest well. I'm here whenever you want.")


def sentence(rng: random.Random, kind: int | None = None) -> tuple[str, str]:
    """One sentence of the person's small talk, and its mood ("good", "bad" or "neutral")."""
    pick = rng.choice
    kind = rng.randrange(KINDS) if kind is None else kind
    if kind == 0:
        adjective = pick(list(DAY_ADJECTIVES))
        return f"{pick(DAY_OPENERS)} {adjective}{pick(DAY_DETAILS)}.", DAY_ADJECTIVES[adjective]
    if kind == 1:
        return f"It's been {pick(WEATHER)} all day here{pick(WEATHER_TAILS)}.", "neutral"
    if kind == 2:
        return f"I made {pick(DISHES)} for dinner{pick(DISH_OUTCOMES)}.", "neutral"
    if kind == 3:
        feeling = pick(list(FEELINGS))
        return f"I'm feeling {feeling} today{pick(FEELING_REASONS)}.", FEELINGS[feeling]
    if kind == 4:
        slept = pick(list(SLEEP))
        return f"{slept}{pick(SLEEP_TAILS)}.", SLEEP[slept]
    if kind == 5:
        return f"Hot take: {pick(OPINION_TOPICS)}? {pick(OPINION_VERDICTS)}", "neutral"
    if kind == 6:
        return f"I still need to {pick(ERRANDS)} at some point.", "neutral"
    if kind == 7:
        return f"Saw {pick(ANIMALS)} on my walk {pick(WALKS)}, made my day.", "good"
    if kind == 8:
        return f"I've been listening to a podcast about {pick(PODCAST_TOPICS)}, {pick(PODCAST_VERDICTS)}.", "good"
    if kind == 9:
        return f"Small win: I {pick(WINS)}.", "good"
    if kind == 10:
        return f"Mildly annoyed because {pick(ANNOYANCES)}.", "bad"
    if kind == 11:
        return f"I keep thinking about {pick(MUSINGS)}.", "neutral"
    return f"Making a cup of {pick(DRINKS)} right now.", "neutral"


KINDS = 13


def user_line(rng: random.Random) -> tuple[str, str]:
    """The person's filler message, and what its reply answers: a mood, or the question it asked."""
    kinds = rng.sample(range(KINDS), 2)
    first, mood = sentence(rng, kinds[0])
    if rng.random() < 0.15:
        question = rng.choice(list(QUESTIONS))
        return f"{first} {question}", question
    if rng.random() < 0.5:
        second, mood = sentence(rng, kinds[1])
        return f"{first} {second}", mood
    return first, mood


def companion_line(rng: random.Random, mood: str) -> str:
    """The companion's reply to small talk: an answer if asked, else a reflection and maybe a question back."""
    if mood in QUESTIONS:
        return QUESTIONS[mood]
    return f"{rng.choice(REFLECTIONS[mood])} {rng.choice(FOLLOW_UPS[mood])}".strip()


def opening_reply(rng: random.Random) -> str:
    return rng.choice(OPENING_REPLIES)


def greeting(rng: random.Random, at: datetime) -> str:
    if at.hour < 12:
        return rng.choice(MORNING_GREETINGS)
    if at.hour < 17:
        return rng.choice(AFTERNOON_GREETINGS)
    return rng.choice(GREETINGS)


def companion_greeting(rng: random.Random, name: str) -> str:
    return rng.choice(COMPANION_GREETINGS).format(name=name)


def goodbye(rng: random.Random) -> str:
    return rng.choice(GOODBYES)


def companion_goodbye(rng: random.Random, name: str) -> str:
    return rng.choice(COMPANION_GOODBYES).format(name=name)
