"""The book of letters offered to a publisher through the real Dovecot/Postfix: the mail is shown in full with
the book attached, nothing goes before the yes, the yes sends it (a copy in Sent) and the audit log keeps it."""

from __future__ import annotations

import asyncio

from click.testing import CliRunner

from os1.cli.main import cli
from os1.config import Settings
from os1.db.state import PENDING_ACTION
from os1.db.store import Store
from os1.letters import choose, service
from os1.mail.accounts import save_account
from os1.mail.parse import read_message
from os1.runtime import Runtime
from os1.testing import ScriptedModel
from os1.tools import audit

from .conftest import Mailbox, Say, call
from .test_mail_tools import said

LETTER = ("Dear Chris,\n\nFifty years ago you asked me to dance, and I stepped on your toes twice. You laughed and "
          "held on.\n\nAll my love,\nLewman")


async def chosen_book(rt: Runtime) -> None:
    person = await rt.store.user("theodore")
    letters = [await service.add_written(rt.store, person, LETTER.replace("Fifty", str(n)), "Lewman", "Chris")
               for n in range(3)]
    await choose.keep(rt.store, person, choose.Selection("Letters From Your Life", "Theodore Twombly",
                                                         [x.id for x in letters]))


async def test_the_book_goes_to_the_publisher_only_after_yes(say: Say, scripted: ScriptedModel, mailbox: Mailbox,
                                                            mail_runtime: Runtime) -> None:
    server = mailbox.server
    await chosen_book(mail_runtime)
    before = server.count("amy")
    scripted.enqueue_json(call("send_book", to="amy@example.test"))
    question = said(await say("send the book to the publisher at amy@example.test"))
    assert "To: amy@example.test\nSubject: Manuscript: Letters From Your Life" in question
    assert "Attachment: letters-from-your-life.pdf (" in question and "a collection of 3 letters" in question
    assert "can't be taken back" in question
    assert server.count("amy") == before  # shown, not sent
    person = await mail_runtime.store.user("theodore")
    conversation = await mail_runtime.store.latest_conversation(person)
    assert conversation is not None
    assert await mail_runtime.store.get_state(person, PENDING_ACTION.key(conversation.id))

    done = said(await say("yes"))
    assert done.startswith("Sent letters-from-your-life.pdf (") and "to amy@example.test" in done
    assert server.wait_for("amy", before + 1)
    assert "Manuscript: Letters From Your Life" in server.subjects(mailbox.user, "Sent")
    with server.session("amy") as imap:
        imap.select("INBOX", readonly=True)
        _, found = imap.uid("SEARCH", None, "SUBJECT", "Manuscript")  # type: ignore[arg-type]
        uid = found[0].split()[-1]
        _, data = imap.uid("FETCH", uid, "(RFC822)")
        raw = data[0][1]  # type: ignore[index]
    arrived = read_message(raw)  # type: ignore[arg-type]
    assert arrived.attachments == ("letters-from-your-life.pdf",) and "Theodore Twombly" in arrived.text
    (action,) = [a for a in await audit.actions(mail_runtime.store, person) if a.tool == "send_book"]
    assert action.confirmed and action.undo is None


async def test_no_sends_nothing(say: Say, scripted: ScriptedModel, mailbox: Mailbox, mail_runtime: Runtime) -> None:
    await chosen_book(mail_runtime)
    sent_before = mailbox.count("Sent")
    scripted.enqueue_json(call("send_book", to="amy@example.test"))
    await say("email the book to amy@example.test")
    await say("no")
    assert mailbox.count("Sent") == sent_before


async def test_os1_letters_book_send_asks_then_sends(settings: Settings, mailbox: Mailbox) -> None:
    store = await Store.open(settings.db_path)
    try:
        person = await store.user("theodore")
        await save_account(store, settings.home, person, mailbox.account)
        letters = [await service.add_written(store, person, LETTER, "Lewman", "Chris") for _ in range(2)]
        await choose.keep(store, person, choose.Selection("Letters From Your Life", "Theodore Twombly",
                                                          [x.id for x in letters]))
    finally:
        await store.close()
    server = mailbox.server
    before = server.count("amy")
    args = ["letters", "book", "send", "--to", "amy@example.test", "--user", "theodore"]
    declined = await asyncio.to_thread(CliRunner().invoke, cli, args, "n\n")
    assert declined.exit_code == 0, declined.output
    assert "To: amy@example.test" in declined.output and "Attachment: letters-from-your-life.pdf" in declined.output
    assert "Nothing was sent." in declined.output and server.count("amy") == before
    sent = await asyncio.to_thread(CliRunner().invoke, cli, args, "y\n")
    assert sent.exit_code == 0, sent.output
    assert "Sent letters-from-your-life.pdf" in sent.output and server.wait_for("amy", before + 1)
    store = await Store.open(settings.db_path)
    try:
        (action,) = await audit.actions(store, await store.user("theodore"))
        assert action.tool == "send_book" and action.confirmed and "amy@example.test" in action.summary
    finally:
        await store.close()
