"""Two friends' lives, told to each other: who they are, what happens to them, and the questions it answers.

A `Person` is drawn from pools (job, family, pet, hobbies, places, leanings). Each story puts one or a few turns
into given sessions, said the way friends say things ("we adopted a beagle last Saturday, his name is Biscuit"),
and drafts the questions those turns answer, asked about the person in the third person, mostly in other words
("What is the name of Maya's dog?"). Kinds, as LoCoMo counts them:

  single    one turn answers it
  multi     turns from different sessions are needed ("What does Maya's sister in Lisbon do?")
  temporal  when something happened, or which came first; the turns say it relatively ("last Saturday")
  open      an inference from what was said, not said outright ("Would Maya enjoy a week at a national park?")

This was written from the kinds of questions such benchmarks ask, before any search was run on it, and is not
changed to suit a search.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

KINDS = ("single", "multi", "temporal", "open")
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")

JOBS = {  # job: (a turn's way of saying it, the answer)
    "nurse": "Being a nurse on the children's ward wears me out some days, but the kids make it worth it.",
    "teacher": "My fourth graders were wild today. Teaching ten-year-olds fractions is an extreme sport.",
    "architect": "We finally submitted the plans for the library extension. Being an architect is mostly paperwork.",
    "chef": "Dinner service was chaos tonight, two line cooks called in sick and I was alone on the grill.",
    "accountant": "Tax season is eating me alive. I've reconciled so many ledgers my eyes are crossing.",
    "firefighter": "We had three calls at the station last night, one was a kitchen fire. Nobody got hurt, "
                   "thankfully.",
    "graphic designer": "The client rejected the logo again. Designing for people who 'know it when they see it' "
                        "is hard.",
    "veterinarian": "I had to tell a family their old cat won't recover. That's the hardest part of being a vet.",
    "software developer": "I spent all day chasing one bug in our payment code. Turned out to be a missing comma.",
    "librarian": "Story time at the library had forty kids today. I read the same dinosaur book three times.",
    "physiotherapist": "One of my patients walked without crutches today after months of rehab. I love my job.",
    "electrician": "Rewired a whole old farmhouse this week. Some of those wires were older than me.",
}
CITIES = ("Lisbon", "Denver", "Toronto", "Osaka", "Edinburgh", "Melbourne", "Austin", "Prague", "Seattle", "Dublin",
          "Montreal", "Cape Town", "Boston", "Vienna", "Portland", "Barcelona")
SIBLING_JOBS = ("a paramedic", "a pastry chef", "a marine biologist", "a lawyer", "a dentist", "a pilot",
                "a journalist", "a physics teacher", "a tattoo artist", "a nurse")
PETS = (  # species, young word, breeds
    ("dog", "puppy", ("beagle", "golden retriever", "corgi", "border collie", "dachshund", "labrador")),
    ("cat", "kitten", ("tabby", "Maine coon", "Siamese", "ginger", "black")),
    ("rabbit", "bunny", ("lop-eared", "Dutch", "lionhead")),
)
PET_NAMES = ("Biscuit", "Pepper", "Luna", "Mochi", "Oscar", "Juniper", "Waffles", "Ziggy", "Clementine", "Bruno",
             "Nacho", "Olive", "Pickle", "Sprout", "Toffee", "Maple")
SIBLING_NAMES = ("Ana", "Theo", "Priya", "Marcus", "Lena", "Jonah", "Sofia", "Ravi", "Greta", "Malik", "Iris", "Owen")
KID_NAMES = ("Ella", "Sam", "Noah", "Mia", "Leo", "Zoe", "Finn", "Ruby", "Max", "Lily", "Jack", "Nora")
TRIPS = {  # place: what they did there
    "Iceland": "we drove around the ring road and swam in a hot spring in the snow",
    "Kyoto": "we saw the temples at dawn before the crowds and ate way too much tofu",
    "the Grand Canyon": "we hiked down to the river and camped under more stars than I've ever seen",
    "Rome": "we walked everywhere and I had gelato twice a day, no regrets",
    "Vancouver Island": "we went kayaking and saw a pod of orcas right next to the boat",
    "Marrakech": "we got lost in the markets for hours and I bought a hand-woven rug",
    "the Scottish Highlands": "it rained every single day but the castles were worth it",
    "Mexico City": "we took a cooking class and learned to make mole from scratch",
    "New Orleans": "we heard live jazz every night and ate beignets for breakfast",
    "the Swiss Alps": "we rode the old cogwheel train up and had fondue at the top",
    "Vietnam": "we rode scooters through Hoi An and had the best noodle soup of my life",
    "Yellowstone": "we watched Old Faithful erupt and a bison walked right past our car",
}
KID_OUTINGS = (
    ("took the kids to the aquarium", "they wouldn't leave the jellyfish tank"),
    ("went strawberry picking with the kids", "we came home with four kilos and sticky faces"),
    ("took the kids camping by the lake", "we roasted marshmallows and told ghost stories"),
    ("did a pottery workshop with the kids", "they each made a lopsided bowl they're very proud of"),
    ("took the kids to the science museum", "they spent an hour at the planetarium"),
    ("went to a farm open day with the kids", "they got to bottle-feed a baby goat"),
    ("took the kids to their first baseball game", "we ate hot dogs and nobody watched the game"),
    ("went ice skating with the kids", "I fell more than they did"),
)
RACES = ("a 5k fun run for the children's hospital", "my first 10k along the river", "a half marathon in the rain",
         "a trail race up the ridge", "a charity swim across the bay", "a 100-mile charity bike ride")
COMMUNITY = (  # event, feeling
    ("went to a grief support group at the community center", "It helped to hear other people's stories."),
    ("volunteered at the food bank", "We packed something like six hundred boxes."),
    ("went to a town hall meeting about the new bike lanes", "People got really heated about parking."),
    ("helped out at an adoption fair at the animal shelter", "Eleven dogs went home with families."),
    ("joined a beach clean-up", "We filled thirty bags with plastic. It was depressing and hopeful at once."),
    ("went to a Pride march downtown", "The energy was incredible, I cried twice."),
    ("gave a talk at my old high school's career day", "The kids asked such funny questions."),
    ("went to a neighborhood potluck", "I finally met the people across the street."),
    ("sang with the community choir at the winter concert", "My hands were shaking but we nailed it."),
    ("went to a mentoring program for new immigrants", "I'm matched with a woman from Syria who wants to be a nurse."),
)
CLASSES = (  # the class, what it is a kind of (for the question)
    ("a beginner salsa class", "dance"), ("a watercolor painting class", "art"), ("a Japanese class", "language"),
    ("a sourdough baking course", "baking"), ("a woodworking class", "craft"),
    ("a wheel-throwing pottery class", "craft"),
    ("an improv comedy class", "performing"), ("a bouldering course", "climbing"),
    ("a photography course", "photography"), ("a sign language class", "language"),
)
INSTRUMENTS = ("violin", "cello", "ukulele", "piano", "saxophone", "drums", "banjo", "flute")
BOOKS = (  # title, author, what it is about
    ("The Remains of the Day", "Kazuo Ishiguro", "an old butler looking back on his life"),
    ("Braiding Sweetgrass", "Robin Wall Kimmerer", "plants, science and indigenous wisdom"),
    ("Station Eleven", "Emily St. John Mandel", "a travelling theatre troupe after a pandemic"),
    ("The Overstory", "Richard Powers", "trees and the people who fight for them"),
    ("Educated", "Tara Westover", "a girl from a survivalist family who ends up at Cambridge"),
    ("Piranesi", "Susanna Clarke", "a man living alone in an endless house of statues"),
    ("A Gentleman in Moscow", "Amor Towles", "a count stuck in a hotel for decades"),
    ("The Midnight Library", "Matt Haig", "a woman trying out all the lives she could have lived"),
)
GIFTS = ("a vintage record player", "a hand-knitted scarf", "a telescope", "a cast-iron skillet", "concert tickets",
         "a framed map of my hometown", "a bread maker", "a pair of hiking boots")
PLANS = (  # what they will do, how a question names it
    ("I'm running my first marathon", "run a marathon"),
    ("we're driving up to see my grandparents", "visit grandparents"),
    ("I'm moving into my new apartment", "move into a new apartment"),
    ("I have my job interview at the museum", "have a job interview"),
    ("my band is playing our first gig at a bar", "play a first gig"),
    ("I'm getting my wisdom teeth out", "have wisdom teeth out"),
    ("we're hosting a fundraiser for the shelter", "host a fundraiser"),
    ("I'm taking my driving test", "take a driving test"),
)
# Leanings said in passing, twice, and what one could infer from them
LEANINGS = (
    ("outdoors", ("I spent the whole weekend on the trail, no phone, just trees and birds.",
                  "Honestly nothing beats waking up in a tent with fog on the lake."),
     "Would {name} enjoy a week at a national park?", "Yes, likely; {they} loves hiking and camping."),
    ("homebody", ("Big parties drain me. I'd rather have one friend over and a pot of tea.",
                  "I skipped the office party again. My couch and a good book won, as usual."),
     "Would {name} prefer a quiet dinner or a big party for {their} birthday?", "A quiet dinner."),
    ("green", ("I started composting and cycling to work to cut down my carbon footprint.",
               "I've stopped buying fast fashion, it's all secondhand or repaired now."),
     "Would {name} likely support a local climate initiative?", "Yes."),
    ("helping", ("I've been reading about adolescent psychology, I think I'd love to counsel teenagers one day.",
                 "Talking that kid through his panic attack at the bus stop felt like what I'm meant to do."),
     "What field might {name} study if {they} went back to school?", "Psychology or counseling."),
    ("music", ("I had a symphony recording on repeat all week, Mahler's second gives me chills every time.",
               "I've been going to the free lunchtime recitals at the conservatory."),
     "Would {name} enjoy an evening at a classical concert?", "Yes."),
    ("faith", ("Church on Sunday really grounded me after the week I've had.",
               "Our pastor asked me to help lead the youth group, I'm honored."),
     "Is {name} likely to be religious?", "Yes, likely Christian."),
    ("animals", ("I can't walk past a stray without stopping, I've been feeding the alley cats behind my building.",
                 "I watched a documentary about elephant orphans and sobbed for an hour."),
     "Would {name} be likely to volunteer at an animal rescue?", "Yes."),
    ("sea", ("Surfed at sunrise before work today, the water was freezing and perfect.",
             "I could never live far from the ocean, I walk along the beach most evenings."),
     "Does {name} likely live near the coast?", "Yes."),
)


@dataclass
class Draft:
    kind: str
    text: str
    answer: str
    evidence: list[str]  # keys of planted turns; the writer turns them into message ids


@dataclass
class Planted:
    session: int
    speaker: str
    text: str
    key: str
    reply: str | None = None  # the friend's answer to it, if a story has a fitting one


@dataclass
class Person:
    name: str
    pronoun: str  # "she" | "he"
    job: str
    sibling: tuple[str, str, str, str]  # name, "sister"|"brother", city, job
    pet: tuple[str, str, str, str] | None  # species, young word, breed, name
    kids: list[str]
    hobby_class: tuple[str, str]
    instrument: str
    trips: list[str]
    leanings: list[int]

    @property
    def they(self) -> str:
        return self.pronoun

    @property
    def their(self) -> str:
        return "her" if self.pronoun == "she" else "his"


@dataclass
class Life:
    """Both friends, their sessions' start times, and what is planted so far."""

    rng: random.Random
    people: tuple[Person, Person]
    starts: list[datetime]
    planted: list[Planted] = field(default_factory=list)
    drafts: list[Draft] = field(default_factory=list)
    used: set[tuple[str, int]] = field(default_factory=set)  # (speaker, session) pairs already carrying a story

    def key(self) -> str:
        return f"k{len(self.planted)}"

    def plant(self, session: int, speaker: Person, text: str, reply: str | None = None) -> str:
        key = self.key()
        self.planted.append(Planted(session, speaker.name, text, key, reply))
        self.used.add((speaker.name, session))
        return key

    def free_session(self, who: Person, low: int = 0, high: int | None = None) -> int:
        """A session in [low, high) where `who` has no story yet (any, if all have one)."""
        high = len(self.starts) if high is None else high
        choices = [s for s in range(low, high) if (who.name, s) not in self.used] or list(range(low, high))
        return self.rng.choice(choices)

    def day(self, session: int) -> date:
        return self.starts[session].date()


def person(rng: random.Random, name: str, pronoun: str, city_taken: set[str]) -> Person:
    city = rng.choice([c for c in CITIES if c not in city_taken])
    city_taken.add(city)
    species, young, breeds = rng.choice(PETS)
    pet = (species, young, rng.choice(breeds), rng.choice(PET_NAMES)) if rng.random() < 0.75 else None
    kids = rng.sample(KID_NAMES, rng.choice((0, 2, 2, 3)))
    return Person(name, pronoun, rng.choice(list(JOBS)),
                  (rng.choice(SIBLING_NAMES), rng.choice(("sister", "brother")), city, rng.choice(SIBLING_JOBS)),
                  pet, kids, rng.choice(CLASSES), rng.choice(INSTRUMENTS), rng.sample(list(TRIPS), 3),
                  rng.sample(range(len(LEANINGS)), 2))


# -- when things happened, said as friends say it --------------------------------------------------------------


def said_when(rng: random.Random, said: date) -> tuple[str, str, date | None]:
    """A relative time phrase for something that happened before `said`: (phrase, answer, the day if one)."""
    choice = rng.randrange(7)
    if choice == 0:
        return "yesterday", _long(said - timedelta(days=1)), said - timedelta(days=1)
    if choice == 1:
        return "this morning", _long(said), said
    if choice == 2:
        day = said - timedelta(days=rng.randint(2, 6))
        return f"last {WEEKDAYS[day.weekday()]}", _long(day), day
    if choice == 3:
        monday = said - timedelta(days=said.weekday() + 7)
        return "last week", f"the week of {_long(monday)}", None
    if choice == 4:
        saturday = said - timedelta(days=said.weekday() + 2)
        return "last weekend", f"the weekend of {_long(saturday)}", None
    if choice == 5:
        n = rng.randint(2, 4)
        return f"{('two', 'three', 'four')[n - 2]} days ago", _long(said - timedelta(days=n)), said - timedelta(days=n)
    return "a couple of weeks ago", f"about two weeks before {_long(said)}", None


def said_ahead(rng: random.Random, said: date) -> tuple[str, str]:
    """A phrase for something coming: (phrase, answer)."""
    choice = rng.randrange(3)
    if choice == 0:
        ahead = rng.randint(1, 6)
        day = said + timedelta(days=ahead)
        return f"this coming {WEEKDAYS[day.weekday()]}", _long(day)
    if choice == 1:
        first = (said.replace(day=1) + timedelta(days=32)).replace(day=1)
        return "next month", first.strftime("%B %Y")
    return "in two weeks", f"about two weeks after {_long(said)}"


def _long(day: date) -> str:
    return f"{day.day} {day.strftime('%B %Y')}"


# -- stories: each plants turns and drafts questions -----------------------------------------------------------

Story = Callable[[Life, Person, Person], None]


def job(life: Life, me: Person, friend: Person) -> None:
    s = life.free_session(me, 0, 6)
    k = life.plant(s, me, JOBS[me.job], "That sounds like a lot. I don't know how you do it.")
    life.drafts.append(Draft("single", f"What does {me.name} do for a living?", me.job, [k]))


def sibling(life: Life, me: Person, friend: Person) -> None:
    sib, relation, city, work = me.sibling
    first = life.free_session(me, 0, len(life.starts) // 2)
    pron = "she" if relation == "sister" else "he"
    k1 = life.plant(first, me, f"My {relation} {sib} finally moved to {city}. {pron.capitalize()}'s never going to "
                               "shut up about the coffee there.",
                    f"{city}! I've always wanted to go. Tell {sib} I said hi.")
    second = life.free_session(me, first + 2)
    k2 = life.plant(second, me, f"Big news in the family, {sib} got the job! {pron.capitalize()}'s going to be "
                                f"{work}, which is what {pron} wanted since we were kids.",
                    "That's amazing, congratulations to your whole family!")
    life.drafts.append(Draft("single", f"Where does {me.name}'s {relation} live?", city, [k1]))
    life.drafts.append(Draft("multi", f"What job did {me.name}'s {relation} in {city} get?", work, [k1, k2]))


def pet(life: Life, me: Person, friend: Person) -> None:
    if me.pet is None:
        return
    species, young, breed, name = me.pet
    s = life.free_session(me, 0, len(life.starts) - 4)
    phrase, answer, _ = said_when(life.rng, life.day(s))
    pron = life.rng.choice(("him", "her"))
    k1 = life.plant(s, me, f"Guess what, we adopted a {breed} {young} {phrase}! We named {pron} {name}.",
                    f"Oh my gosh, a {young}! You have to send me pictures.")
    later = life.free_session(me, s + 2)
    mischief = life.rng.choice(("chewed through my phone charger", "knocked a whole plant off the windowsill",
                                "stole a sandwich right off my plate", "figured out how to open the pantry door"))
    k2 = life.plant(later, me, f"{name} {mischief} today. I can't even be mad, look at that face.",
                    "Ha! The cute ones always get away with everything.")
    life.drafts.append(Draft("single", f"What is the name of {me.name}'s {species}?", name, [k1]))
    life.drafts.append(Draft("temporal", f"When did {me.name} adopt {name}?", answer, [k1]))
    life.drafts.append(Draft("multi", f"What did {me.name}'s {breed} do that {me.they} couldn't be mad about?",
                             mischief, [k1, k2]))


def trips(life: Life, me: Person, friend: Person) -> None:
    keys, answers = [], []
    sessions = sorted(life.rng.sample(range(1, len(life.starts)), len(me.trips)))
    for s, place in zip(sessions, me.trips, strict=True):
        phrase, answer, _ = said_when(life.rng, life.day(s))
        trip = "week away" if life.rng.random() < 0.5 else "trip"
        k = life.plant(s, me, f"We just got back from {place}, we left {phrase}. {TRIPS[place].capitalize()}.",
                       f"That sounds like an amazing {trip}. I'm so jealous!")
        keys.append(k)
        answers.append(answer)
        life.drafts.append(Draft("temporal", f"When did {me.name} go to {place}?", answer, [k]))
    life.drafts.append(Draft("multi", f"Which places has {me.name} traveled to?", ", ".join(me.trips), keys))
    place = life.rng.choice(me.trips)
    life.drafts.append(Draft("single", f"What did {me.name} do in {place}?", TRIPS[place],
                             [keys[me.trips.index(place)]]))
    a, b = life.rng.sample(range(len(me.trips)), 2)
    first = me.trips[min(a, b)]
    life.drafts.append(Draft("temporal", f"Did {me.name} go to {me.trips[a]} or {me.trips[b]} first?", first,
                             [keys[a], keys[b]]))


def outings(life: Life, me: Person, friend: Person) -> None:
    if not me.kids:
        return
    chosen = life.rng.sample(KID_OUTINGS, 3)
    keys = []
    intro_s = life.free_session(me, 0, 4)
    keys_intro = life.plant(intro_s, me, f"{' and '.join(me.kids)} have been bouncing off the walls since school "
                                         "let out. Parenting is a full-contact sport.",
                            "Ha, I believe it. They're lucky to have you though.")
    for outing, detail in chosen:
        s = life.free_session(me, intro_s + 1)
        phrase, answer, _ = said_when(life.rng, life.day(s))
        keys.append(life.plant(s, me, f"We {outing} {phrase}, {detail}.", "That's such a sweet family memory."))
        if len(keys) == 1:
            verb = outing.replace("took the kids to", "go to").replace("went", "go").replace("did", "do")
            verb = verb.replace(" with the kids", "")
            life.drafts.append(Draft("temporal", f"When did {me.name} {verb} with {me.their} kids?", answer,
                                     [keys[0]]))
    life.drafts.append(Draft("multi", f"What activities has {me.name} done with {me.their} kids?",
                             "; ".join(o for o, _ in chosen), keys))
    life.drafts.append(Draft("single", f"What are the names of {me.name}'s kids?", " and ".join(me.kids),
                             [keys_intro]))


def races(life: Life, me: Person, friend: Person) -> None:
    chosen = life.rng.sample(RACES, 2)
    keys = []
    for race in chosen:
        s = life.free_session(me)
        phrase, answer, _ = said_when(life.rng, life.day(s))
        keys.append(life.plant(s, me, f"I did {race} {phrase}! My legs still hate me.",
                               "You're unstoppable. I'm proud of you!"))
        life.drafts.append(Draft("temporal", f"When did {me.name} do {race.replace('my ', me.their + ' ')}?",
                                 answer, [keys[-1]]))
    life.drafts.append(Draft("multi", f"What races or endurance events has {me.name} taken part in?",
                             "; ".join(chosen), keys))


def community(life: Life, me: Person, friend: Person) -> None:
    for event, feeling in life.rng.sample(COMMUNITY, 2):
        s = life.free_session(me)
        phrase, answer, _ = said_when(life.rng, life.day(s))
        k = life.plant(s, me, f"I {event} {phrase}. {feeling}", "I love that you do things like that.")
        asked = event.replace("went to", "go to").replace("volunteered", "volunteer").replace("helped", "help")
        asked = asked.replace("joined", "join").replace("gave", "give").replace("sang", "sing").replace(" my ", " the ")
        life.drafts.append(Draft("temporal", f"When did {me.name} {asked}?", answer, [k]))


def learning(life: Life, me: Person, friend: Person) -> None:
    course, kind = me.hobby_class
    s = life.free_session(me)
    phrase, answer, _ = said_when(life.rng, life.day(s))
    k = life.plant(s, me, f"I finally signed up for {course}, the first session was {phrase}. I was terrible and "
                          "it was so much fun.", "Good for you! Everyone's terrible at first.")
    life.drafts.append(Draft("single", f"What kind of {kind} class did {me.name} sign up for?", course, [k]))
    life.drafts.append(Draft("temporal", f"When did {me.name} start {course}?", answer, [k]))
    s2 = life.free_session(me)
    k2 = life.plant(s2, me, f"I've been practicing {me.instrument} every night before bed. My neighbours must love me.",
                    "Ha! Play me something next time.")
    life.drafts.append(Draft("single", f"What instrument does {me.name} play?", me.instrument, [k2]))


def book(life: Life, me: Person, friend: Person) -> None:
    title, author, about = life.rng.choice(BOOKS)
    s = life.free_session(me)
    k = life.plant(s, me, f"You have to read {title} by {author}. It's about {about} and I couldn't put it down.",
                   "Adding it to my list right now.")
    life.drafts.append(Draft("single", f"What book did {me.name} recommend to {friend.name}?", title, [k]))


def birthday(life: Life, me: Person, friend: Person) -> None:
    gift = life.rng.choice(GIFTS)
    s = life.free_session(me)
    phrase, answer, _ = said_when(life.rng, life.day(s))
    k = life.plant(s, me, f"It was my birthday {phrase}! My partner got me {gift}, I almost cried.",
                   "Happy belated birthday!! That's such a thoughtful present.")
    life.drafts.append(Draft("single", f"What did {me.name} get for {me.their} birthday?", gift, [k]))
    life.drafts.append(Draft("temporal", f"When is {me.name}'s birthday?", answer, [k]))


def plans(life: Life, me: Person, friend: Person) -> None:
    for plan, named in life.rng.sample(PLANS, 2):
        s = life.free_session(me, 0, len(life.starts) - 1)
        phrase, answer = said_ahead(life.rng, life.day(s))
        k = life.plant(s, me, f"{plan.capitalize()} {phrase}. I'm excited and terrified in equal measure.",
                       "You've got this. Tell me how it goes!")
        life.drafts.append(Draft("temporal", f"When was {me.name} going to {named}?", answer, [k]))


def leanings(life: Life, me: Person, friend: Person) -> None:
    for index in me.leanings:
        _, lines, question, answer = LEANINGS[index]
        keys = []
        for line in lines:
            keys.append(life.plant(life.free_session(me), me, line, "I can totally picture that."))
        values = {"name": me.name, "they": me.they, "their": me.their}
        life.drafts.append(Draft("open", question.format(**values), answer.format(**values), keys))


def ordering(life: Life, me: Person, friend: Person) -> None:
    """Which of two of this person's dated events came first (from stories already planted)."""
    mine = [d for d in life.drafts if d.kind == "temporal" and d.text.startswith(f"When did {me.name} ")
            and len(d.evidence) == 1]
    if len(mine) < 2:
        return
    a, b = life.rng.sample(mine, 2)
    session = {p.key: p.session for p in life.planted}
    if session[a.evidence[0]] == session[b.evidence[0]]:
        return
    first = a if session[a.evidence[0]] < session[b.evidence[0]] else b
    what_a = a.text.removeprefix(f"When did {me.name} ").rstrip("?")
    what_b = b.text.removeprefix(f"When did {me.name} ").rstrip("?")
    life.drafts.append(Draft("temporal", f"Which did {me.name} do first: {what_a}, or {what_b}?",
                             what_a if first is a else what_b, [a.evidence[0], b.evidence[0]]))


STORIES: tuple[Story, ...] = (job, sibling, pet, trips, outings, races, community, learning, book, birthday, plans,
                              leanings, ordering)
