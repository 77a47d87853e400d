"""Facts that take two sessions: people introduced once and news about them later (multi), and facts that
change (update: the old value early, the new one weeks later; the answer is the new one)."""

from __future__ import annotations

from bench.memory.facts import BABY_BOYS, BABY_GIRLS, CITIES, COMPANIES, FEMALE, MALE, TOWNS, Template, person
from bench.memory.life import Life, pronouns

NUMBER_WORDS = {3: "three", 4: "four", 5: "five", 6: "six", 7: "seven", 8: "eight", 9: "nine", 10: "ten",
                11: "eleven", 12: "twelve", 60: "sixty", 65: "sixty-five", 70: "seventy", 75: "seventy-five",
                80: "eighty", 85: "eighty-five", 90: "ninety"}


def two_sessions(life: Life) -> tuple[int, int]:
    """An earlier and a later session at least two sessions apart."""
    first = life.session(0, -3)
    return first, life.session(first + 2)


# -- multi: two turns in different sessions ----------------------------------------------------------------


def sibling(life: Life) -> None:
    relation = life.pick(("sister", "brother"))
    name = life.unique(FEMALE if relation == "sister" else MALE)
    p = pronouns("f" if relation == "sister" else "m")
    city = life.unique(CITIES)
    girl = life.rng.random() < 0.5
    baby = life.unique(BABY_GIRLS if girl else BABY_BOYS)
    life.topics.add(relation)
    s1, s2 = two_sessions(life)
    first = life.say(s1, life.pick((f"My {relation} {name} lives in {city}, I miss having {p['them']} close by.",
                                    f"My {relation} {name} moved to {city} a few years ago and loves it there.")))
    parents = name if relation == "sister" else f"{name} and his wife"
    second = life.say(s2, f"{parents} just had a baby {'girl' if girl else 'boy'}! They named "
                          f"{'her' if girl else 'him'} {baby}.", "news")
    if life.rng.random() < 0.5:
        life.ask("multi", f"What's my {relation}'s new baby called?", baby, [baby], [first, second])
    else:
        parent = "mum" if relation == "sister" else "dad"
        life.ask("multi", f"Which city does the new {parent} in my family live in?", city, [city], [first, second])
    other = "brother" if relation == "sister" else "sister"
    life.near_miss(f"What's my {other}'s name?", [other])
    life.near_miss(f"How much did my {relation}'s baby weigh?", ["weigh", "kilo", "pounds"])


FRIEND_JOBS = (("firefighter", ("firefighter", "fire")), ("marine biologist", ("marine biolog",)),
               ("dentist", ("dentist",)), ("chef", ("chef", "cook")), ("pilot", ("pilot",)),
               ("zookeeper", ("zoo",)), ("journalist", ("journalist", "reporter")),
               ("lawyer", ("lawyer", "solicitor", "attorney")), ("midwife", ("midwife",)),
               ("tattoo artist", ("tattoo",)))


def engaged_friend(life: Life) -> None:
    name, p = person(life)
    fiance, _ = person(life)
    work, accept = life.pick(FRIEND_JOBS)
    s1, s2 = two_sessions(life)
    first = life.say(s1, f"My friend {name} works as a {work}, {p['they']} always has the wildest stories.")
    second = life.say(s2, f"{name} got engaged! {fiance} proposed on a beach, apparently.", "news")
    if life.rng.random() < 0.5:
        life.ask("multi", "What does my friend who just got engaged do for work?", work, accept, [first, second])
    else:
        life.ask("multi", f"Who is my {work} friend going to marry?", fiance, [fiance], [first, second])
    life.near_miss("When is my friend's wedding?", ["wedding"])


SPORTS = (("training for another marathon", "long-distance runner", ("marathon", "run")),
          ("training for a triathlon", "triathlete", ("triathlon",)),
          ("rowing at five every morning", "rower", ("rowing", "row")),
          ("cycling a hundred kilometres before breakfast", "cyclist", ("cycl", "bike")),
          ("swimming in the sea all winter", "cold-water swimmer", ("swim",)),
          ("doing ultra trail runs in the hills", "trail runner", ("trail", "ultra", "run")))


def coworker(life: Life) -> None:
    name, p = person(life)
    doing, noun, accept = life.pick(SPORTS)
    city = life.unique(CITIES)
    s1, s2 = two_sessions(life)
    first = life.say(s1, f"{name} at work is {doing}, I get tired just hearing about it.")
    second = life.say(s2, f"{name} told the team {p['they']} is leaving, {p['they']}'s moving to {city} for a new "
                          "job.", "hard")
    if life.rng.random() < 0.5:
        life.ask("multi", f"Where is my colleague, the {noun}, moving to?", city, [city], [first, second])
    else:
        life.ask("multi", f"What sport is my colleague who's relocating to {city} into?", doing, accept,
                 [first, second])
    life.near_miss("Which company is my colleague joining?", ["joining"])


BIG_DOGS = (("Great Dane", "great dane"), ("Newfoundland", "newfoundland"), ("Saint Bernard", "bernard"),
            ("Irish wolfhound", "wolfhound"), ("Bernese mountain dog", "bernese"), ("Leonberger", "leonberger"))
COUNTRIES = ("Japan", "Peru", "Iceland", "Vietnam", "Morocco", "Canada", "Greece", "Mexico", "Norway", "Kenya",
             "Chile", "Georgia")


def neighbour(life: Life) -> None:
    name, p = person(life)
    breed, accept = life.pick(BIG_DOGS)
    country = life.unique(COUNTRIES)
    s1, s2 = two_sessions(life)
    first = life.say(s1, f"Our neighbour {name} has a huge {breed}, it's bigger than my sofa.")
    second = life.say(s2, f"{name} asked me to water {p['their']} plants while {p['they']}'s in {country} for two "
                          "weeks.", "event")
    if life.rng.random() < 0.5:
        life.ask("multi", "Where is my neighbour with the enormous dog travelling to?", country, [country],
                 [first, second])
    else:
        life.ask("multi", "What breed is the dog of the neighbour whose plants I'm looking after?", breed, [accept],
                 [first, second])
    if "pet" not in life.topics:
        life.near_miss("What's my dog called?", ["my dog", "our dog"])


SUBJECTS = (("physics", ("physic",)), ("law", ("law",)), ("architecture", ("architect",)),
            ("economics", ("economic",)), ("chemistry", ("chemist",)), ("art history", ("art",)),
            ("computer science", ("computer", "computing")), ("geology", ("geolog",)))


def cousin(life: Life) -> None:
    name, p = person(life)
    subject, accept = life.pick(SUBJECTS)
    company = life.unique(COMPANIES)
    s1, s2 = two_sessions(life)
    first = life.say(s1, f"My cousin {name} is finishing {p['their']} degree in {subject} this spring, "
                         f"{p['they']}'s so stressed.")
    second = life.say(s2, f"{name} got hired at {company}! {p['They']} starts in the summer.", "news")
    if life.rng.random() < 0.5:
        life.ask("multi", "Where is my cousin going to work after graduating?", company, [company], [first, second])
    else:
        life.ask("multi", f"What did the relative who got a job at {company} study?", subject, accept,
                 [first, second])
    life.near_miss("Where did I go to university?", ["university", "college"])


SHOPS = (("bookshop", ("book",)), ("bakery", ("bakery", "bread")), ("flower shop", ("flower", "florist")),
         ("hardware store", ("hardware",)), ("farm shop", ("farm",)), ("bike repair shop", ("bike", "bicycle")),
         ("cheese shop", ("cheese",)))


def aunt(life: Life) -> None:
    relation = life.pick(("aunt", "uncle"))
    name = life.unique(FEMALE if relation == "aunt" else MALE)
    shop, accept = life.pick(SHOPS)
    town = life.unique(TOWNS)
    age = life.pick((60, 65, 70, 75, 80, 85, 90))
    s1, s2 = two_sessions(life)
    first = life.say(s1, f"My {relation} {name} runs a little {shop} in {town}, it's been there forever.")
    second = life.say(s2, f"{name} turns {NUMBER_WORDS[age]} next month, we're planning a surprise party.", "news")
    if life.rng.random() < 0.5:
        life.ask("multi", f"What birthday is my {relation} about to celebrate?", str(age),
                 [str(age), NUMBER_WORDS[age]], [first, second])
    else:
        life.ask("multi", f"What kind of shop does the relative who's turning {age} run?", shop, accept,
                 [first, second])
    spouse = "husband" if relation == "aunt" else "wife"
    life.near_miss(f"What's my {relation}'s {spouse} called?", [spouse])


ROLES = (("head of design", "head of design"), ("senior engineer", "senior engineer"),
         ("deputy head teacher", "deputy head"), ("team lead", "lead"), ("head chef", "head chef"),
         ("regional manager", "regional manager"), ("charge nurse", "charge nurse"))


def partner(life: Life) -> None:
    name, p = person(life)
    years = life.pick((3, 4, 5, 6, 7, 8, 9, 10, 11, 12))
    role, accept = life.pick(ROLES)
    s1, s2 = two_sessions(life)
    first = life.say(s1, f"My partner {name} and I have been together {NUMBER_WORDS[years]} years now, it went "
                         "so fast.")
    second = life.say(s2, f"{name} got promoted to {role} today, I'm so proud.", "news")
    if life.rng.random() < 0.5:
        life.ask("multi", "What's my other half's new job title?", role, [accept], [first, second])
    else:
        life.ask("multi", "How long have I been with the person who just got promoted?", f"{years} years",
                 [str(years), NUMBER_WORDS[years]], [first, second])
    life.near_miss("Where did my partner and I first meet?", ["we met", "first met"])


BANDS = ("The Paper Lanterns", "Velvet Static", "Moth Parade", "The Lowland Hums", "Saltwater Choir", "Neon Orchard",
         "The Quiet Lights", "Glasshouse Radio")
VENUES = ("the Blue Door", "the Old Fire Station", "the Lantern Rooms", "the Anchor", "Hollow Hall",
          "the Corner Stage", "the Velvet Room")


def band(life: Life) -> None:
    name, _ = person(life)
    played = life.pick(("bass", "drums", "keyboards", "guitar"))
    group, venue = life.pick(BANDS), life.pick(VENUES)
    s1, s2 = two_sessions(life)
    first = life.say(s1, f"My mate {name} plays {played} in a band called {group}, they're actually good.")
    second = life.say(s2, f"{name}'s band has a gig at {venue} soon, I've already bought a ticket.", "event")
    if life.rng.random() < 0.5:
        life.ask("multi", f"What's the band called that's playing at {venue}?", group,
                 [group.removeprefix("The ")], [first, second])
    else:
        life.ask("multi", f"Where is the band my friend plays {played} in performing?", venue,
                 [venue.removeprefix("the ")], [first, second])
    if "music" not in life.topics:
        life.near_miss("Which instrument do I play?", ["i play the", "lessons", "practising the"])


MULTI = [Template(fn.__name__, frozenset(topics), fn) for fn, topics in (
    (sibling, {"sibling"}), (engaged_friend, {"friendjob"}), (coworker, {"coworker"}),
    (neighbour, {"neighbour"}), (cousin, {"cousin"}), (aunt, {"aunt"}), (partner, {"partner"}), (band, {"band"}))]


# -- update: a fact, and later a newer value -------------------------------------------------------------


def old_and_new(life: Life) -> tuple[int, int]:
    """The old value in the first half, the new one at least three sessions later."""
    n = len(life.sessions)
    old = life.session(0, n // 2 - 1)
    return old, life.session(max(old + 3, n // 2))


def update(life: Life, question: str, old_text: str, new_text: str, answer: str, accept: tuple[str, ...],
           stale: tuple[str, ...], tone: str = "news") -> None:
    s_old, s_new = old_and_new(life)
    life.say(s_old, old_text)
    key = life.say(s_new, new_text, tone)
    life.ask("update", question, answer, accept, [key], stale=stale)


def home(life: Life) -> None:
    old, new = life.unique(CITIES), life.unique(CITIES)
    update(life, life.pick(("Which city am I living in now?", "Where's home for me these days?")),
           f"Life in {old} is expensive but I love my neighbourhood.",
           f"We finally moved to {new}! Still unpacking boxes.", new, (new,), (old,))
    life.near_miss("How much rent do I pay?", ["rent is", "rent of", "pay in rent"])


def employer(life: Life) -> None:
    old, new = life.unique(COMPANIES), life.unique(COMPANIES)
    update(life, "Which company do I work for at the moment?",
           f"Another long week at {old}, the new office coffee machine is the only highlight.",
           f"Today was my last day at {old}. On Monday I start at {new}!", new, (new,), (old,))
    life.near_miss("How much do I earn?", ["salary", "earn"])


CARS = (("Toyota Corolla", "corolla"), ("Volkswagen Golf", "golf"), ("Honda Civic", "civic"),
        ("Ford Fiesta", "fiesta"), ("Mazda 3", "mazda"), ("Renault Clio", "clio"), ("Skoda Octavia", "octavia"),
        ("Kia Niro", "niro"), ("Fiat Panda", "panda"), ("Volvo V40", "volvo"))


def car(life: Life) -> None:
    (old, old_key), (new, new_key) = life.rng.sample(CARS, 2)
    update(life, life.pick(("What car do I drive these days?", "What am I driving at the moment?")),
           f"My old {old} made a horrible noise again on the way home.",
           f"I finally sold the {old.split()[-1]}, I'm driving a {new} now.", new, (new_key,), (old_key,))
    life.near_miss("What colour is my car?", ["red car", "blue car", "black car", "white car", "silver car"])


DIETS = (("I've been vegetarian for two years, I don't miss meat at all.",
          "I've gone fully vegan this month, goodbye cheese.", "vegan", ("vegan",), ("vegetarian",)),
         ("I'm pescatarian, fish is the only meat I eat.",
          "I cut out fish too, so I'm properly vegetarian now.", "vegetarian", ("vegetarian",), ("pescatarian",)),
         ("I've been doing keto since New Year, so much bacon.",
          "I dropped keto, I'm eating Mediterranean style now, lots of olive oil and beans.", "Mediterranean",
          ("mediterranean",), ("keto",)))


def diet(life: Life) -> None:
    old_text, new_text, answer, accept, stale = life.pick(DIETS)
    update(life, "What kind of diet am I following these days?", old_text, new_text, answer, accept, stale)


SHOWS = ("Severance", "The Bear", "Slow Horses", "Shrinking", "Succession", "Fleabag", "Dark", "Ted Lasso",
         "Abbott Elementary", "Only Murders in the Building", "Bluey", "The Expanse")


def show(life: Life) -> None:
    old, new = life.rng.sample(SHOWS, 2)
    update(life, "Which series am I into right now?", f"I'm hooked on {old}, I watched three episodes in a row.",
           f"I gave up on {old}, now I can't stop watching {new}.", new, (new.removeprefix("The "),),
           (old.removeprefix("The "),))


TIMES = (("6:30", ("6:30", "half past six", "6.30")), ("5:45", ("5:45", "quarter to six", "5.45")),
         ("7:15", ("7:15", "quarter past seven", "7.15")), ("6:00", ("6:00", "six o'clock", "6 am", "6am")),
         ("5:30", ("5:30", "half past five", "5.30")), ("7:45", ("7:45", "quarter to eight", "7.45")))


def wake(life: Life) -> None:
    (old, old_accept), (new, new_accept) = life.rng.sample(TIMES, 2)
    update(life, "What time do I get up these days?", f"My alarm goes off at {old} every weekday, it's brutal.",
           f"New rota at work, so I'm getting up at {new} now.", new, new_accept, old_accept, "fact")


def manager(life: Life) -> None:
    old, _ = person(life)
    new, p = person(life)
    update(life, "Who do I report to at work now?", f"My boss {old} keeps scheduling meetings at five o'clock.",
           f"{old} left the company, my new manager is someone called {new}.", new, (new,), (old,), "fact")


COMMUTES = (("I cycle to work every day, rain or shine.", "My bike got stolen, so I take the tram to work now.",
             "by tram", ("tram",), ("cycl", "bike")),
            ("I drive to work, forty minutes each way.", "I've stopped driving to work, the train is so much calmer.",
             "by train", ("train",), ("drive", "car")),
            ("I take the bus to work, it's always late.", "I've started walking to work, it's only half an hour.",
             "on foot", ("walk", "on foot"), ("bus",)),
            ("I get the train to work, it's packed every morning.",
             "I switched to cycling to work, no more packed trains.", "by bike", ("cycl", "bike"), ("train",)))


def commute(life: Life) -> None:
    old_text, new_text, answer, accept, stale = life.pick(COMMUTES)
    update(life, "How do I get to work these days?", old_text, new_text, answer, accept, stale, "fact")


HAIR = ("blue", "pink", "platinum blonde", "copper red", "purple", "jet black", "silver", "green")


def hair(life: Life) -> None:
    old, new = life.rng.sample(HAIR, 2)
    update(life, "What colour is my hair right now?", f"I dyed my hair {old} on a whim, people keep staring.",
           f"The {old} hair is gone, I went {new} this time.", new, (new,), (old,))


UPDATE = [Template(fn.__name__, frozenset(topics), fn) for fn, topics in (
    (home, {"home"}), (employer, {"employer", "work"}), (car, {"car", "transport"}), (diet, {"diet"}),
    (show, {"show"}), (wake, {"wake"}), (manager, {"manager", "work"}), (commute, {"commute", "transport"}),
    (hair, {"hair"}))]
