"""A realistic mailbox for Theodore, for tests and benchmarks: newsletters, promotions, notifications, bills,
friends, his sister Catherine's letters (one of them in May), funny mails, work mail and threads, plus what he
sent (his Sent folder: his own voice). Deterministic for a seed; each message says what triage should make of it.

    mailbox = generate_mailbox(1000, now)        # [Seeded(seed=Seed(raw, folder, seen, received), kind, tag)]
    server.seed("theodore", [m.seed for m in mailbox])
"""

from __future__ import annotations

import random
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from typing import Literal

from os1.testing.mail_server import DOMAIN, Seed

Kind = Literal["matters", "can_go", "keep", "other"]
ME = ("Theodore Twombly", f"theodore@{DOMAIN}")
SISTER = ("Catherine Twombly", f"catherine@{DOMAIN}")
AMY = ("Amy", f"amy@{DOMAIN}")
CHARLES = ("Charles", f"charles@{DOMAIN}")
PAUL = ("Paul Martinez", "paul@beautifulhandwrittenletters.example")
TATIANA = ("Tatiana", "tatiana@beautifulhandwrittenletters.example")
LEWMAN = ("Lewman", "lewman@lakemail.example")
FRIENDS = (AMY, CHARLES, LEWMAN)
SISTER_MAY_SUBJECT = "A letter from the lake house"


@dataclass(frozen=True)
class Seeded:
    seed: Seed
    kind: Kind  # what a good triage makes of it
    tag: str  # what it is: "newsletter", "sister", "sister-may", "bill", …
    subject: str
    sender: str


def generate_mailbox(count: int, now: datetime, seed: int = 7, sent: int = 12, address: str = ME[1]) -> list[Seeded]:
    """`count` messages for the INBOX (spread over the ten months before `now`, the newest unread) and `sent`
    of Theodore's own in Sent; `address` is his (a test gives each mailbox its own)."""
    rng = random.Random(seed)
    fixed = _fixed(now)
    makers = [(_newsletter, 18), (_promotion, 16), (_notification, 14), (_bill, 7), (_friend, 12), (_work, 12),
              (_funny, 5), (_thread, 6), (_sister_note, 3), (_stranger_question, 3)]
    weights = [w for _, w in makers]
    inbox = list(fixed)
    while len(inbox) < count:
        maker = rng.choices([m for m, _ in makers], weights)[0]
        when = now - timedelta(days=rng.uniform(0.05, 300))
        inbox.append(maker(rng, when))
    inbox = sorted(inbox[:count], key=lambda m: m.seed.received or 0)
    newest = {id(m) for m in inbox[-12:]}
    marked = [Seeded(Seed(m.seed.raw, "INBOX", id(m) not in newest and rng.random() > 0.03, m.seed.received),
                     m.kind, m.tag, m.subject, m.sender) for m in inbox]
    everything = marked + [_sent(rng, now - timedelta(days=3 + 20 * i)) for i in range(sent)]
    if address == ME[1]:
        return everything
    # Another mailbox: his address in the headers becomes that one (the messages are ASCII there).
    return [replace(m, seed=replace(m.seed, raw=m.seed.raw.replace(ME[1].encode(), address.encode())))
            for m in everything]


# -- building one message ------------------------------------------------------------------------------------

def build(sender: tuple[str, str], subject: str, text: str, when: datetime, *, to: tuple[str, str] = ME,
          html: str | None = None, headers: dict[str, str] | None = None, charset: str = "utf-8",
          attachments: tuple[tuple[str, bytes, str], ...] = (), reply_to: str | None = None,
          in_reply_to: str | None = None) -> tuple[bytes, str]:
    """(raw bytes, Message-ID) of a message as a mail program would write it."""
    msg = EmailMessage()
    msg["From"] = f'"{sender[0]}" <{sender[1]}>' if sender[0] else sender[1]
    msg["To"] = f'"{to[0]}" <{to[1]}>'
    msg["Subject"] = subject
    msg["Date"] = format_datetime(when)
    message_id = make_msgid(domain=sender[1].split("@")[1])
    msg["Message-ID"] = message_id
    if reply_to:
        msg["Reply-To"] = reply_to
    if in_reply_to:
        msg["In-Reply-To"] = in_reply_to
        msg["References"] = in_reply_to
    for k, v in (headers or {}).items():
        msg[k] = v
    if text:
        msg.set_content(text, charset=charset)
        if html:
            msg.add_alternative(html, subtype="html")
    elif html:
        msg.set_content(html, subtype="html")
    for name, data, kind in attachments:
        maintype, subtype = kind.split("/")
        msg.add_attachment(data, maintype=maintype, subtype=subtype, filename=name)
    return msg.as_bytes(), message_id


def _seeded(sender: tuple[str, str], subject: str, text: str, when: datetime, kind: Kind, tag: str,
            **extra: object) -> Seeded:
    raw, _ = build(sender, subject, text, when, **extra)  # type: ignore[arg-type]
    return Seeded(Seed(raw, "INBOX", True, when.timestamp()), kind, tag, subject, sender[1])


def _bulk(address: str) -> dict[str, str]:
    return {"List-Unsubscribe": f"<mailto:unsubscribe@{address.split('@')[1]}>, "
                                f"<https://{address.split('@')[1]}/unsubscribe>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click", "Precedence": "bulk"}


# -- the kinds of mail -----------------------------------------------------------------------------------------

_NEWSLETTERS = [("The Atlantic Weekly", "newsletter@atlantic-weekly.example", "This week: {t}"),
                ("Poetry Daily", "daily@poetrydaily.example", "Today's poem: {t}"),
                ("LA Architecture Digest", "digest@la-arch.example", "The Digest — {t}"),
                ("Letters & Lines", "news@lettersandlines.example", "Issue {n}: {t}"),
                ("Game Dev Monthly", "hello@gamedevmonthly.example", "{t} | Game Dev Monthly")]
_TOPICS = ["the quiet return of handwritten letters", "ten new buildings downtown", "why we still write poems",
           "the loneliness economy", "a walk along the LA river", "notes on the future of games",
           "the best books of the season", "a history of the love letter", "how cities learn to listen"]
_PROMOS = [("ShoeHaus", "deals@shoehaus.example", "{p}% off everything this weekend only"),
           ("Vinyl Corner", "offers@vinylcorner.example", "Your exclusive offer: {p}% off records"),
           ("CloudBox", "marketing@cloudbox.example", "Upgrade to CloudBox Pro and save {p}%"),
           ("Lumen Lamps", "promo@lumen.example", "Last chance: {p}% off lamps ends tonight"),
           ("TravelNest", "deals@travelnest.example", "Flash sale: weekend getaways {p}% off")]
_NOTIFY = [("Cloud Photos", "no-reply@photos.example", "You have {n} new memories from this day"),
           ("Git Forge", "notifications@gitforge.example", "[os1] New comment on issue #{n}"),
           ("Parcel Tracker", "noreply@parceltrack.example", "Your package is out for delivery"),
           ("Security", "no-reply@accounts.example", "New sign-in to your account"),
           ("Calendar", "calendar-notification@calendar.example", "Reminder: dentist on Thursday"),
           ("SocialNet", "notification@socialnet.example", "{n} people viewed your profile")]
_BILLS = [("City Power & Light", "billing@citypower.example", "Your electricity bill: ${a} due {d}"),
          ("Pacific Water", "accounts@pacificwater.example", "Invoice {n}: payment due {d}"),
          ("Lakeview Apartments", "office@lakeview-apts.example", "Rent for {m} is due on {d}"),
          ("Franchise Tax Board", "notices@ftb.example", "Deadline reminder: file by {d}"),
          ("Fiber Net", "billing@fibernet.example", "Your statement is ready: ${a}, due {d}")]
_FRIEND_LINES = [("Dinner next week?", "Hey Theo,\n\nAre you free for dinner next Thursday? Charles found a little "
                  "place near the pier. Let me know what works for you.\n\nAmy"),
                 ("The game", "Theodore,\n\nI finally finished the level you were stuck on. Want me to show you? "
                  "Can you come by Saturday?\n\nCharles"),
                 ("Photos from the hike", "Hi Theo! Here are the photos from the hike, the one of you on the rock is "
                  "my favourite. Hope you're well.\n\nAmy"),
                 ("Thank you", "Dear Theodore,\n\nThank you for the letter you wrote for Chris. She cried reading it. "
                  "I don't know how you do it.\n\nWith love, Lewman"),
                 ("Checking in", "Hey, just checking in. How are you holding up? Call me when you can.\n\nAmy")]
_WORK = [("Letters due Friday", "Hi Theodore,\n\nCould you finish the three anniversary letters by Friday? The "
          "clients asked for something warm and a little funny. Please reply to confirm.\n\nPaul"),
         ("Client feedback", "Theodore,\n\nThe Hendersons loved the letter. They asked if you could write one for "
          "their daughter's graduation next month. What do you think?\n\nTatiana"),
         ("Team lunch", "Hi all,\n\nTeam lunch is on Wednesday at noon, upstairs. No need to reply.\n\nPaul"),
         ("New client brief", "Theodore,\n\nAttached is the brief for the Romero account: fifty years of marriage, "
          "letters from him to her. Can you start on Monday?\n\nPaul")]
_FUNNY = [("You won't believe what my cat did", "Theo,\n\nHaha, so the cat got into the flour and now the whole "
           "kitchen looks like a crime scene in the snow. She sat in the middle of it looking SO proud. I laughed "
           "until I cried. Photo attached lol.\n\nAmy"),
          ("The dancing pigeon", "Okay this is the funniest thing: a pigeon at the station was doing a little dance "
           "to the busker's song, perfectly in time. The whole platform was cracking up. 😂\n\nCharles"),
          ("My mother and the voice assistant", "You'll love this. My mother spent an hour arguing with her new "
           "voice assistant about whether tomatoes are a fruit. It gave up first. Hilarious.\n\nLewman")]
_SISTER_LETTERS = [("News from the coast", "Dear Theo,\n\nThe coast is grey and beautiful this time of year. I think "
                    "of our summers here as kids, you reading on the porch while I tried to catch crabs. Write "
                    "back when you can, I miss your letters.\n\nLove,\nCathy"),
                   ("Mom's birthday", "Theo,\n\nMom turns seventy in September. I'm planning a small dinner. Could "
                    "you write her something? You always find the words.\n\nCathy"),
                   ("Autumn", "Dear Theo,\n\nThe leaves have turned. I found the old photo of us on the swing and "
                    "laughed at your haircut. I hope the city is treating you kindly.\n\nYour sister,\nCathy")]


def _newsletter(rng: random.Random, when: datetime) -> Seeded:
    name, address, subject = rng.choice(_NEWSLETTERS)
    topic = rng.choice(_TOPICS)
    subject = subject.format(t=topic, n=rng.randint(40, 300))
    html = (f"<html><body><h1>{name}</h1><p>In this issue: <b>{topic}</b>, and more reading for your week.</p>"
            f"<p><a href='https://{address.split('@')[1]}/read'>Read online</a></p>"
            f"<p style='font-size:11px'>You are receiving this because you subscribed. "
            f"<a href='https://{address.split('@')[1]}/unsubscribe'>Unsubscribe</a></p></body></html>")
    text = f"{name}\n\nIn this issue: {topic}, and more reading for your week.\n\nUnsubscribe: https://" \
           f"{address.split('@')[1]}/unsubscribe"
    return _seeded((name, address), subject, text, when, "can_go", "newsletter", html=html, headers=_bulk(address))


def _promotion(rng: random.Random, when: datetime) -> Seeded:
    name, address, subject = rng.choice(_PROMOS)
    subject = subject.format(p=rng.choice([15, 20, 30, 40, 50]))
    html = (f"<html><body style='background:#fafafa'><table><tr><td><h2>{subject}</h2>"
            "<p>Shop now — limited time offer. Use code SAVE at checkout. Free shipping on orders over $50.</p>"
            "<p><a href='https://shop.example/sale'>Shop the sale</a></p><p>Unsubscribe | Privacy</p>"
            "</td></tr></table></body></html>")
    headers = _bulk(address) | {"X-Mailer": "MassMailer 5.2", "Feedback-ID": f"promo:{name.lower()}"}
    return _seeded((name, address), subject, "", when, "can_go", "promotion", html=html, headers=headers)


def _notification(rng: random.Random, when: datetime) -> Seeded:
    name, address, subject = rng.choice(_NOTIFY)
    subject = subject.format(n=rng.randint(2, 900))
    text = f"{subject}.\n\nThis is an automated message, please do not reply. Manage your notification settings " \
           "in your account."
    return _seeded((name, address), subject, text, when, "can_go", "notification",
                   headers={"Auto-Submitted": "auto-generated"})


def _bill(rng: random.Random, when: datetime) -> Seeded:
    name, address, subject = rng.choice(_BILLS)
    due = when + timedelta(days=rng.randint(7, 21))
    subject = subject.format(a=f"{rng.uniform(30, 1900):.2f}", d=f"{due:%b} {due.day}", n=rng.randint(10000, 99999),
                             m=f"{due:%B}")
    text = (f"Dear Theodore Twombly,\n\n{subject}.\nAmount due and payment details are in the attached invoice. "
            f"Please pay by {due:%d %B %Y} to avoid a late fee.\n\n{name}")
    return _seeded((name, address), subject, text, when, "matters", "bill",
                   attachments=((f"invoice-{due:%Y-%m}.pdf", b"%PDF-1.4\n% invoice\n", "application/pdf"),))


def _friend(rng: random.Random, when: datetime) -> Seeded:
    subject, text = rng.choice(_FRIEND_LINES)
    sender = AMY if text.endswith("Amy") else CHARLES if text.endswith("Charles") else LEWMAN
    kind: Kind = "matters" if "?" in text or "Call me" in text else "keep"
    return _seeded(sender, subject, text, when, kind, "friend")


def _work(rng: random.Random, when: datetime) -> Seeded:
    subject, text = rng.choice(_WORK)
    sender = TATIANA if text.endswith("Tatiana") else PAUL
    kind: Kind = "other" if "No need to reply" in text else "matters"
    return _seeded(sender, subject, text, when, kind, "work")


def _funny(rng: random.Random, when: datetime) -> Seeded:
    subject, text = rng.choice(_FUNNY)
    sender = AMY if text.endswith("Amy") else CHARLES if text.endswith("Charles") else LEWMAN
    return _seeded(sender, subject, text, when, "keep", "funny")


def _thread(rng: random.Random, when: datetime) -> Seeded:
    subject, text = rng.choice(_FRIEND_LINES[:2] + _WORK[:2])
    sender = rng.choice([AMY, CHARLES, PAUL])
    reply = f"Re: {subject}"
    body = f"Sounds good to me. Are we still on for then?\n\n{sender[0]}\n\n> {text.splitlines()[2][:80]}"
    return _seeded(sender, reply, body, when, "matters", "thread", in_reply_to=make_msgid(domain=DOMAIN))


def _sister_note(rng: random.Random, when: datetime) -> Seeded:
    if 4 <= when.month <= 6:  # the only May letter from her is the fixed one
        when = when.replace(month=3)
    subject, text = rng.choice(_SISTER_LETTERS)
    return _seeded(SISTER, subject, text, when, "keep", "sister")


def _stranger_question(rng: random.Random, when: datetime) -> Seeded:
    name = rng.choice(["Maria Lopez", "Jonah Reed", "Priya Nair"])
    address = name.lower().replace(" ", ".") + "@mail.example"
    text = (f"Hello Mr. Twombly,\n\nA friend recommended your letters. Would you be able to write a letter for my "
            f"grandmother's ninetieth birthday? What would it cost, and how long does it take?\n\nBest,\n{name}")
    return _seeded((name, address), "A letter for my grandmother", text, when, "matters", "question")


def _fixed(now: datetime) -> list[Seeded]:
    """The messages tests look for by name."""
    may = now.replace(month=5, day=14, hour=18, minute=20) if now.month > 5 else \
        now.replace(year=now.year - 1, month=5, day=14, hour=18, minute=20)
    letter = ("Dear Theo,\n\nI'm writing from the lake house. The water is still cold in May but I swam anyway, "
              "like we used to. Dad's old canoe is still under the porch. I found your letters from college in "
              "the attic and read all of them again.\n\nCome up in the summer? It would mean a lot.\n\nLove,\nCathy")
    return [
        _seeded(SISTER, SISTER_MAY_SUBJECT, letter, may, "keep", "sister-may"),
        _seeded(AMY, "May plans", "Theo, what are you doing for the long weekend in May? Let me know!\n\nAmy",
                may - timedelta(days=6), "matters", "friend"),
        _seeded(("Catherine Twombly", "catherine@" + DOMAIN), "Recipe you asked for",
                "Theo, here is Grandma's lemon cake recipe, as promised.\n\nCathy", may.replace(month=8), "keep",
                "sister"),
        _seeded(("Pétra Noël", "petra@paris.example"), "Lettre de Paris — à bientôt",
                "Cher Theodore,\n\nJe t'écris de Paris : il pleut, les cafés sont pleins, et je pense à ta lettre. "
                "Réponds-moi vite ?\n\nPétra", now - timedelta(days=2), "matters", "friend", charset="iso-8859-1"),
        _seeded(AMY, "Your new OS", "Theo! How is it going with your new OS? Is she funny? Tell me everything.\n\nAmy",
                now - timedelta(hours=5), "matters", "friend"),
    ]


def _sent(rng: random.Random, when: datetime) -> Seeded:
    to, subject, text = rng.choice([
        (AMY, "Re: Dinner next week?", "Amy,\n\nThursday works. I'll bring the wine, you bring the stories. "
         "Can't wait.\n\nTheo"),
        (SISTER, "Re: News from the coast", "Cathy,\n\nYour letter made my whole week. I can still smell the "
         "porch. I'll write properly soon, I promise.\n\nLove,\nTheo"),
        (PAUL, "Re: Letters due Friday", "Paul,\n\nYes, Friday is fine. I'll send them over in the morning.\n\n"
         "Theodore"),
        (CHARLES, "Re: The game", "Charles,\n\nSaturday's good. Prepare to be humbled.\n\nTheo"),
    ])
    raw, _ = build(ME, subject, text, when, to=to)
    return Seeded(Seed(raw, "Sent", True, when.timestamp()), "other", "sent", subject, ME[1])
