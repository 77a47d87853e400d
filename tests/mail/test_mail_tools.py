"""The mail tools through the whole turn (`Companion.respond`, a scripted model choosing the tools) against a real
Dovecot + Postfix: check, search, read, triage, draft, send after a yes, archive and delete in bulk with undo."""

from __future__ import annotations

import pytest

from os1.capabilities import default_toolbox
from os1.db.state import PENDING_ACTION
from os1.events import Event, ToolCall, ToolResult, TurnEnded
from os1.mail.client import fetch_inbox
from os1.mail.parse import read_message
from os1.mail.triage import triage
from os1.runtime import Runtime
from os1.testing import ScriptedModel
from os1.testing.mail_seed import SISTER_MAY_SUBJECT
from os1.tools import audit

from .conftest import START, Mailbox, Say, call


def results(events: list[Event]) -> list[ToolResult]:
    return [e for e in events if isinstance(e, ToolResult)]


def said(events: list[Event]) -> str:
    end = events[-1]
    assert isinstance(end, TurnEnded), events
    return end.text


async def pending(rt: Runtime) -> str | None:
    user = await rt.store.user("theodore")
    conversation = await rt.store.latest_conversation(user)
    assert conversation is not None
    return await rt.store.get_state(user, PENDING_ACTION.key(conversation.id))


async def test_any_new_mail_lists_the_unread_most_important_first(say: Say, scripted: ScriptedModel,
                                                                  mailbox: Mailbox) -> None:
    unread = sum(1 for m in mailbox.seeded if m.seed.folder == "INBOX" and not m.seed.seen)
    scripted.enqueue_json(call("check_mail"))
    events = await say("any new mail?")
    (found,) = results(events)
    assert found.ok and found.output.startswith(f"You have {unread} new messages")
    first = found.output.splitlines()[1]
    assert "needs a reply" in first or "bill" in first  # a person or a bill first, never a newsletter
    assert "Your new OS" in found.output
    assert said(events) == found.output  # the exact list, said as it is


async def test_the_letter_from_my_sister_in_may(say: Say, scripted: ScriptedModel) -> None:
    # The model drops "in May": the person's own words still say when.
    scripted.enqueue_json(call("search_mail", query="letter from my sister"))
    events = await say("find the letter from my sister in May")
    (found,) = results(events)
    assert "from catherine@example.test in May 2026" in found.output
    assert found.output.splitlines()[1].endswith(f"Catherine Twombly <catherine@example.test> — {SISTER_MAY_SUBJECT}")

    scripted.enqueue_json(call("read_mail", which="1"))
    scripted.enqueue_json({"action": "none"})
    scripted.enqueue("She wrote from the lake house: she swam in the cold water and wants you to come up.")
    events = await say("read me the first one")
    (letter,) = results(events)
    assert "I'm writing from the lake house" in letter.output and "From: Catherine Twombly" in letter.output
    assert "lake house" in said(events)


async def test_an_unknown_relation_is_said(say: Say, scripted: ScriptedModel) -> None:
    scripted.enqueue_json(call("search_mail", query="the mail from my brother"))
    events = await say("find the mail from my brother")
    assert "I don't know who your brother is yet" in results(events)[0].output


async def test_triage_sorts_hundreds_and_holds_the_plan(say: Say, scripted: ScriptedModel, mailbox: Mailbox) -> None:
    scripted.enqueue_json(call("triage_inbox"))
    events = await say("go through my email and tell me what matters")
    (report,) = results(events)
    assert report.output.startswith("I went through 300 messages")
    assert "What matters:" in report.output and "What can go:" in report.output
    expected_can_go = sum(1 for m in mailbox.seeded if m.kind == "can_go" and m.seed.folder == "INBOX")
    mails = await fetch_inbox(mailbox.account)
    sorted_ = await triage(mails, me=[mailbox.account.address], now=START)
    truth = {read_message(m.seed.raw).message_id: m.kind for m in mailbox.seeded}
    right = sum(1 for k in ("matters", "keep", "can_go", "other") for s in sorted_.of(k)  # type: ignore[arg-type]
                if truth.get(s.mail.message_id) == k)
    assert len(sorted_.can_go) == expected_can_go
    assert right / len(mails) > 0.85


async def test_archive_in_bulk_after_a_yes_and_undo(say: Say, scripted: ScriptedModel, mailbox: Mailbox,
                                                    mail_runtime: Runtime) -> None:
    newsletters = sum(1 for m in mailbox.seeded if m.tag == "newsletter")
    before = mailbox.count()
    scripted.enqueue_json(call("triage_inbox"))
    await say("sort my inbox")
    scripted.enqueue_json(call("archive_mail", which="all the newsletters"))
    events = await say("archive all the newsletters")
    question = said(events)
    assert f"Archive {newsletters} messages" in question and "(yes / no)" in question
    assert "… and" in question and mailbox.count() == before  # shown, not done
    events = await say("yes")
    assert said(events).startswith(f"Archived {newsletters} messages (Archive).")
    assert mailbox.count() == before - newsletters and mailbox.count("Archive") == newsletters
    newsletter_subjects = {m.subject for m in mailbox.seeded if m.tag == "newsletter"}
    assert set(mailbox.server.subjects(mailbox.user, "Archive")) <= newsletter_subjects

    events = await say("undo that")
    assert said(events) == f"Undone. Moved {newsletters} messages back to INBOX."
    assert mailbox.count() == before and mailbox.count("Archive") == 0


async def test_delete_moves_to_trash_never_erases_and_undo_brings_back(say: Say, scripted: ScriptedModel,
                                                                        mailbox: Mailbox) -> None:
    promotions = sum(1 for m in mailbox.seeded if m.tag == "promotion")
    before = mailbox.count()
    scripted.enqueue_json(call("delete_mail", which="the promotions"))
    events = await say("trash the promotions")  # no triage held: sorted now
    assert f"Delete {promotions} messages (moved to Trash" in said(events)
    await say("yes")
    assert mailbox.count("Trash") == promotions and mailbox.count() == before - promotions
    await say("undo that")
    assert mailbox.count("Trash") == 0 and mailbox.count() == before


async def test_no_to_a_proposal_moves_nothing(say: Say, scripted: ScriptedModel, mailbox: Mailbox,
                                              mail_runtime: Runtime) -> None:
    before = mailbox.count()
    scripted.enqueue_json(call("archive_mail", which="what can go"))
    await say("archive what can go")
    assert await pending(mail_runtime) is not None
    events = await say("no")
    assert said(events) == "Okay, I won't. Nothing was done."
    assert mailbox.count() == before and mailbox.count("Archive") == 0
    assert await audit.actions(mail_runtime.store, await mail_runtime.store.user("theodore")) == []


async def test_draft_then_send_it_after_yes_arrives_through_postfix(say: Say, scripted: ScriptedModel,
                                                                     mailbox: Mailbox) -> None:
    server = mailbox.server
    amy_before = server.count("amy")
    scripted.enqueue_json(call("check_mail"))
    await say("any new mail?")
    scripted.enqueue_json(call("draft_reply", which="Amy's mail", points="she's wonderful, I'll tell her everything"))
    scripted.enqueue(f"Amy,\n\nShe's wonderful. Dinner soon and I'll tell you everything ({mailbox.user}).\n\nTheo")
    events = await say("reply to Amy's mail saying she's wonderful and I'll tell her everything")
    (draft,) = results(events)
    assert "To: amy@example.test" in draft.output and "Subject: Re: Your new OS" in draft.output
    assert "Nothing has been sent" in said(events)
    prompt = scripted.prompts[-1][0]["content"]
    assert "How Theodore writes" in prompt and "<<<DATA" in prompt  # his own mails as examples; hers as data

    # The model fills in something else; the draft he saw is what is proposed and sent.
    scripted.enqueue_json(call("send_mail", to="amy@example.test", subject="hi", body="something else"))
    events = await say("send it")
    question = said(events)
    assert "To: amy@example.test\nSubject: Re: Your new OS" in question and "She's wonderful." in question
    assert "can't be taken back" in question
    assert server.count("amy") == amy_before  # nothing sent before the yes
    events = await say("yes")
    assert said(events).startswith("Sent to amy@example.test: “Re: Your new OS”.")
    assert server.wait_for("amy", amy_before + 1)
    assert "Re: Your new OS" in server.subjects("amy")
    assert "Re: Your new OS" in server.subjects(mailbox.user, "Sent")
    events = await say("undo that")
    assert "I can't undo that one" in said(events)


async def test_no_to_send_sends_nothing(say: Say, scripted: ScriptedModel, mailbox: Mailbox) -> None:
    sent_before = mailbox.count("Sent")
    scripted.enqueue_json(call("send_mail", to="catherine@example.test", subject="Hello",
                               body=f"Hi Cathy, {mailbox.user} here."))
    events = await say("email my sister saying hello")
    assert "To: catherine@example.test" in said(events)
    await say("no")
    assert mailbox.count("Sent") == sent_before
    assert f"{mailbox.user} here" not in " ".join(mailbox.server.subjects("catherine"))


@pytest.mark.parametrize(("tool", "arguments", "asked"), [
    ("send_mail", {"to": "amy@example.test", "subject": "x", "body": "y"}, "any new mail?"),
    ("archive_mail", {"which": "everything"}, "what's in my inbox"),
    ("delete_mail", {"which": "everything"}, "go through my email"),
])
async def test_a_change_the_person_did_not_ask_for_is_refused(say: Say, scripted: ScriptedModel, mailbox: Mailbox,
                                                              mail_runtime: Runtime, tool: str,
                                                              arguments: dict[str, object], asked: str) -> None:
    before = mailbox.count()
    scripted.enqueue_json(call(tool, **arguments))
    scripted.enqueue("Here's what I found.")
    events = await say(asked)
    assert not any(isinstance(e, ToolCall) and e.name == tool for e in events)
    assert await pending(mail_runtime) is None and mailbox.count() == before


@pytest.mark.parametrize(("text", "tools"), [
    ("any new mail?", ["check_mail"]),
    ("what's in my inbox", ["check_mail"]),
    ("find the email from Paul about the letters", ["search_mail", "read_mail"]),
    ("go through my email", ["triage_inbox"]),
    ("reply to Amy's mail saying yes", ["draft_reply"]),
    ("send it", ["send_mail"]),
    ("archive all the newsletters", ["archive_mail"]),
    ("delete the spam", ["delete_mail"]),
    ("trash the promotions", ["delete_mail"]),
    ("my sister sent me a letter once", []),
    ("did you send it?", []),
    ("I should archive my thoughts", []),
    ("I deleted that app", []),
    ("I had a strange dream", []),
])
def test_which_tools_a_message_could_be_asking_for(text: str, tools: list[str]) -> None:
    offered = [t.name for t in default_toolbox().could_apply(text) if t.name not in ("list_reminders",)]
    assert [t for t in offered if t.endswith("_mail") or t in ("triage_inbox", "draft_reply")] == tools
