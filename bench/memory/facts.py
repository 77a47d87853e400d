"""Fact templates: single facts, facts across two sessions, and facts that change.

Each template plants the person's turns in a `Life` and asks one question about them. Questions paraphrase
the evidence (dog/beagle, line of work/ward shifts), so matching words alone is not enough for all of them.
`topics` keep templates that would confuse each other (two cars, a dog and a cat) out of the same life;
a template may also offer near-miss abstention questions.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from bench.memory.life import Life, pronouns

FEMALE = ("Ana", "Beatriz", "Chloe", "Dana", "Elif", "Freya", "Greta", "Hana", "Ines", "Jolene", "Keiko", "Lena",
          "Marisol", "Nadia", "Orla", "Priya", "Rosa", "Signe", "Talia", "Uma", "Vera", "Wren", "Yasmin", "Zora",
          "Helen", "Imogen", "Carmen", "Dilnoza", "Esme", "Farah")
MALE = ("Arjun", "Bruno", "Callum", "Dmitri", "Emeka", "Felix", "Gareth", "Hugo", "Idris", "Jonas", "Kenji",
        "Luca", "Marco", "Nikhil", "Oskar", "Pablo", "Quentin", "Rafael", "Sami", "Theo", "Umar", "Viktor",
        "Walter", "Yusuf", "Zeke", "Anders", "Bashir", "Cormac", "Desmond", "Elliot")
BABY_GIRLS = ("Lia", "Mila", "Ava", "Nora", "Isla", "Juno", "Esther", "Pia", "Ada", "Maeve")
BABY_BOYS = ("Leo", "Finn", "Otto", "Milo", "Ezra", "Rory", "Tobias", "Nico", "Arlo", "Jude")
PET_NAMES = ("Pickles", "Biscuit", "Noodle", "Waffles", "Pepper", "Ziggy", "Mochi", "Bramble", "Rocket", "Clementine",
             "Bagel", "Sherlock", "Turnip", "Pudding", "Marbles")
CITIES = ("Porto", "Lyon", "Melbourne", "Toronto", "Edinburgh", "Seoul", "Vancouver", "Dublin", "Krakow", "Valencia",
          "Montreal", "Cape Town", "Auckland", "Bristol", "Denver", "Rotterdam", "Gothenburg", "Bologna", "Osaka",
          "Austin", "Wellington", "Leipzig", "Seville", "Ghent", "Galway", "Tallinn", "Lisbon", "Copenhagen",
          "Vienna", "Nairobi", "Berlin", "Glasgow", "Helsinki", "Marseille")
TOWNS = ("Whitby", "Hallstatt", "Tofino", "Ericeira", "Dingle", "Portree", "Kinsale", "Assisi", "Annecy", "Bayfield",
         "Hay-on-Wye", "Giethoorn", "Rye", "Colmar", "Tobermory", "Ystad")
COMPANIES = ("Halden & Co", "Bluefin Analytics", "Northgate Insurance", "Copperleaf Media", "Marlowe Logistics",
             "Pinecrest Bank", "Sunward Energy", "Quill Publishing", "Brightwell Labs", "Tidewater Studio",
             "Kestrel Robotics", "Northlight Games", "Arden Biotech", "Cobalt Systems")


@dataclass(frozen=True)
class Template:
    name: str
    topics: frozenset[str]
    plant: Callable[[Life], None]


def person(life: Life) -> tuple[str, dict[str, str]]:
    gender = life.pick("fm")
    return life.unique(FEMALE if gender == "f" else MALE), pronouns(gender)


# -- single: one fact said once ----------------------------------------------------------------------------


PETS = (("beagle", "dog"), ("corgi", "dog"), ("labrador puppy", "dog"), ("whippet", "dog"), ("border collie", "dog"),
        ("dachshund", "dog"), ("tabby kitten", "cat"), ("ginger kitten", "cat"), ("Siamese", "cat"),
        ("Maine Coon", "cat"))


def pet(life: Life) -> None:
    breed, species = life.pick(PETS)
    name = life.unique(PET_NAMES)
    text = life.pick((f"We adopted a {breed} from the shelter this week and named him {name}.",
                      f"Big news: there's a {breed} living with me now! {name} has already claimed the sofa.",
                      f"Meet {name}, my new {breed}. He's adorable and chews everything."))
    key = life.say(life.session(), text, "news")
    life.ask("single", life.pick((f"What's my {species} called?", f"What name did I give my {species}?",
                                     "What did I name the animal I adopted?")),
             name, [name], [key])
    other = "cat" if species == "dog" else "dog"
    life.near_miss(f"What's my {other}'s name?", [f"my {other}", f"our {other}"])


JOBS = (("nurse", "Twelve-hour shifts on the ward really wear you down, nursing is no joke.", ("nurse", "nursing")),
        ("electrician", "Spent the whole day rewiring an old house, that's the electrician life.", ("electrician",)),
        ("primary school teacher", "My class of eight-year-olds was wild today, teaching year three is never boring.",
         ("teach",)),
        ("pharmacist", "The pharmacy was packed, I counted out prescriptions until my eyes crossed.",
         ("pharmacist", "pharmacy")),
        ("architect", "I'm drawing plans for a library extension, best project since I qualified as an architect.",
         ("architect",)),
        ("baker", "Up at four again to get the loaves in the ovens, the joys of running a bakery.",
         ("baker", "bakery", "baking")),
        ("accountant", "It's nearly tax season, which for an accountant like me means no social life.",
         ("accountant", "accounting")),
        ("paramedic", "Our ambulance got called out nine times on my shift.", ("paramedic", "ambulance")),
        ("translator", "I translated forty pages of a German contract today, my brain is mush.", ("translat",)),
        ("bus driver", "Drove the number 12 bus route all day and every passenger was grumpy.",
         ("bus driver", "drive a bus", "drive buses", "bus")),
        ("vet", "Three surgeries at the animal clinic today, being a vet isn't all cuddles.", ("vet",)),
        ("software developer", "I spent all day hunting one bug in our code, the developer life.",
         ("software", "developer", "programmer", "coder")))


def job(life: Life) -> None:
    title, text, accept = life.pick(JOBS)
    key = life.say(life.session(), text, "fact")
    life.ask("single", life.pick(("What do I do for a living?", "What's my line of work?",
                                  "What kind of work do I do all day?")), title, accept, [key])


DISHES = (("mushroom risotto", ("risotto",)), ("chicken tikka masala", ("tikka",)), ("pierogi", ("pierogi",)),
          ("shakshuka", ("shakshuka",)), ("lasagne", ("lasagne", "lasagna")), ("pho", ("pho",)),
          ("paella", ("paella",)), ("moussaka", ("moussaka",)), ("goulash", ("goulash",)),
          ("jollof rice", ("jollof",)), ("enchiladas", ("enchilada",)), ("dumplings", ("dumpling",)))


def dish(life: Life) -> None:
    name, accept = life.pick(DISHES)
    text = life.pick((f"Nothing beats my grandmother's {name}, I'd eat it every single day if I could.",
                      f"I could live on {name}, honestly. It's the one thing I never get tired of."))
    key = life.say(life.session(), text, "fact")
    life.ask("single", life.pick(("What's my favourite food?", "What meal do I love most?",
                                  "What could I eat every single day?")), name, accept, [key])


INSTRUMENTS = ("cello", "ukulele", "saxophone", "piano", "violin", "drums", "trumpet", "banjo", "harp", "clarinet")


def instrument(life: Life) -> None:
    name = life.pick(INSTRUMENTS)
    text = life.pick((f"I signed up for {name} lessons, Thursday evenings with a very patient teacher.",
                      f"My neighbours must hate me, I've been practising the {name} every night."))
    key = life.say(life.session(), text, "news")
    life.ask("single", life.pick(("Which instrument am I learning to play?", "What am I practising these days?")),
             name, [name], [key])
    life.near_miss("Who teaches my music lessons?", ["my teacher is", "teacher called", "teacher named"])


ALLERGENS = (("peanuts", "peanut"), ("shellfish", "shellfish"), ("kiwi", "kiwi"), ("sesame", "sesame"),
             ("penicillin", "penicillin"), ("strawberries", "strawberr"), ("hazelnuts", "hazelnut"),
             ("celery", "celery"))


def allergy(life: Life) -> None:
    name, accept = life.pick(ALLERGENS)
    key = life.say(life.session(), f"Turns out the rash was from {name}, the doctor says I'm allergic.", "hard")
    question = life.pick(("Is there anything my body reacts badly to?", "What do I have to avoid for health reasons?",
                          "What am I allergic to?"))
    life.ask("single", question, name, [accept], [key])


BOOKS = (("Pride and Prejudice", "pride and prejudice"), ("The Hobbit", "hobbit"), ("Dune", "dune"),
         ("Middlemarch", "middlemarch"), ("The Secret History", "secret history"), ("Jane Eyre", "jane eyre"),
         ("One Hundred Years of Solitude", "solitude"), ("The Remains of the Day", "remains of the day"),
         ("Station Eleven", "station eleven"), ("Rebecca", "rebecca"))


def book(life: Life) -> None:
    title, accept = life.pick(BOOKS)
    key = life.say(life.session(), f"I'm rereading {title} for the third time, it never gets old.", "fact")
    question = life.pick(("Which novel do I keep coming back to?", "Which book am I rereading?"))
    life.ask("single", question, title, [accept], [key])


def hometown(life: Life) -> None:
    town = life.unique(TOWNS)
    text = life.pick((f"I grew up in {town}, a tiny place where everyone knew everyone.",
                      f"I was a kid in {town}, you could cycle across the whole town in ten minutes."))
    key = life.say(life.session(), text, "fact")
    life.ask("single", life.pick(("Where am I originally from?", "Which town did I spend my childhood in?",
                                  "Which tiny town did I grow up in?")), town,
             [town], [key])


DRINKS = (("oat flat white", "flat white"), ("cortado", "cortado"), ("chai latte", "chai"),
          ("double espresso", "espresso"), ("matcha latte", "matcha"), ("iced americano", "americano"),
          ("cappuccino", "cappuccino"), ("mocha", "mocha"))


def drink(life: Life) -> None:
    name, accept = life.pick(DRINKS)
    text = f"My usual at the café downstairs is a {name}, the barista starts making it when I walk in."
    key = life.say(life.session(), text, "fact")
    life.ask("single", life.pick(("What do I normally get when I buy coffee?", "What's my usual order at the café?")),
             name, [accept], [key])


TEAMS = (("Celtic", "celtic"), ("the Chicago Cubs", "cubs"), ("Ajax", "ajax"), ("Benfica", "benfica"),
         ("the Green Bay Packers", "packers"), ("Borussia Dortmund", "dortmund"), ("Leeds United", "leeds"),
         ("Napoli", "napoli"), ("the Toronto Maple Leafs", "maple leafs"), ("the All Blacks", "all blacks"))


def team(life: Life) -> None:
    name, accept = life.pick(TEAMS)
    key = life.say(life.session(), f"I've supported {name} since I was six, even through the terrible seasons.")
    life.ask("single", life.pick(("Which team am I a fan of?", "Who do I cheer for in sport?",
                                  "Which team have I supported since I was a kid?")), name, [accept], [key])


HOBBIES = (("bouldering", ("boulder", "climb")), ("pottery", ("pottery", "ceramic")), ("birdwatching", ("bird",)),
           ("sourdough baking", ("sourdough", "bread")), ("chess", ("chess",)), ("knitting", ("knit",)),
           ("kayaking", ("kayak",)), ("watercolour painting", ("watercolo", "paint")),
           ("woodworking", ("woodwork", "carpentry")), ("salsa dancing", ("salsa", "danc")))


def hobby(life: Life) -> None:
    name, accept = life.pick(HOBBIES)
    text = f"I've gotten really into {name} lately, I spend every spare hour on it."
    key = life.say(life.session(), text, "news")
    question = life.pick(("What pastime have I picked up recently?", "What have I gotten really into lately?"))
    life.ask("single", question, name, accept, [key])


def old_friend(life: Life) -> None:
    name, p = person(life)
    key = life.say(life.session(), f"My oldest friend {name} and I have known each other since we were five.")
    question = life.pick(("Who have I been friends with since childhood?", "Who is my oldest friend?"))
    life.ask("single", question, name, [name], [key])
    life.near_miss(f"What does {name} do for work?", [f"{name} works", f"{name} is a"])


FILMS = (("Paddington 2", ("paddington",)), ("Amélie", ("amélie", "amelie")), ("Spirited Away", ("spirited away",)),
         ("The Princess Bride", ("princess bride",)), ("Mamma Mia", ("mamma mia",)),
         ("Back to the Future", ("back to the future",)), ("Jurassic Park", ("jurassic park",)),
         ("Notting Hill", ("notting hill",)), ("The Grand Budapest Hotel", ("grand budapest",)),
         ("Toy Story", ("toy story",)))


def film(life: Life) -> None:
    name, accept = life.pick(FILMS)
    key = life.say(life.session(), f"{name} is my comfort movie, I put it on whenever I'm sick.")
    life.ask("single", life.pick(("What do I watch when I'm feeling under the weather?", "What's my comfort movie?")),
             name, accept, [key])


LANGUAGES = ("Japanese", "Portuguese", "Korean", "Italian", "Greek", "Dutch", "Turkish", "Swedish", "Polish", "Welsh")


def language(life: Life) -> None:
    name = life.pick(LANGUAGES)
    key = life.say(life.session(), f"I'm learning {name} on an app, twenty minutes every morning before work.")
    life.ask("single", life.pick(("Which language am I studying?", "What foreign tongue am I trying to pick up?",
                                  "Which language am I learning on an app?")),
             name, [name], [key])


PLANTS = ("monstera", "fiddle-leaf fig", "snake plant", "cactus", "bonsai", "peace lily", "rubber plant")
PLANT_NAMES = ("Gerald", "Fernanda", "Kevin", "Sir Leafalot", "Audrey", "Planty McPlantface", "Doris", "Spike")


def houseplant(life: Life) -> None:
    kind, name = life.pick(PLANTS), life.pick(PLANT_NAMES)
    key = life.say(life.session(), f"I bought a {kind} for the living room and named it {name}.")
    life.ask("single", life.pick(("What did I call my houseplant?", "What's the plant in my living room named?")),
             name, [name], [key])
    life.near_miss("Where did I buy my houseplant?", ["garden centre", "nursery", "from the"])


FEARS = (("spiders", ("spider",)), ("heights", ("height",)), ("deep water", ("water",)), ("flying", ("fly", "plane")),
         ("thunderstorms", ("thunder", "storm")), ("clowns", ("clown",)), ("needles", ("needle",)),
         ("snakes", ("snake",)))


def fear(life: Life) -> None:
    name, accept = life.pick(FEARS)
    key = life.say(life.session(), f"I'm honestly terrified of {name}, always have been.", "hard")
    question = life.pick(("What's my biggest phobia?", "What frightens me most?", "What am I terrified of?"))
    life.ask("single", question, name, accept, [key])


FLOORS = (("third", "3rd"), ("fourth", "4th"), ("fifth", "5th"), ("sixth", "6th"), ("seventh", "7th"),
          ("eighth", "8th"), ("ninth", "9th"))


def flat(life: Life) -> None:
    word, short = life.pick(FLOORS)
    key = life.say(life.session(), f"My flat is on the {word} floor and the lift has been broken for a week.", "hard")
    question = life.pick(("Which storey is my apartment on?", "Which floor is my flat on?"))
    life.ask("single", question, f"the {word} floor", [word, short], [key])


SINGLE = [Template(fn.__name__, frozenset(topics), fn) for fn, topics in (
    (pet, {"pet"}), (job, {"job"}), (dish, {"food"}), (instrument, {"music"}), (allergy, {"allergy"}),
    (book, {"book"}), (hometown, {"hometown"}), (drink, {"drink"}), (team, {"team"}), (hobby, {"hobby"}),
    (old_friend, {"oldfriend"}), (film, {"film"}), (language, {"language"}), (houseplant, {"plant"}),
    (fear, {"fear"}), (flat, {"flat"}))]
