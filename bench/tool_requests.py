"""The natural requests bench/tools.py puts to the model: what a person says, which tool should be chosen (None:
no tool, just talk), and what its arguments must hold.

An argument check is a list of alternatives per argument: the argument (lower-cased) must contain at least one
of them. A check is about meaning the tool needs ("sister" and "may" for the letter from my sister in May), not
about wording.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Case:
    text: str
    tool: str | None  # None: the person did not ask for any tool
    args: dict[str, list[str]] = field(default_factory=dict)
    kind: str = ""

    def __post_init__(self) -> None:
        if not self.kind:
            object.__setattr__(self, "kind", _kind(self.tool))


def _kind(tool: str | None) -> str:
    if tool is None:
        return "no tool"
    if "reminder" in tool or "quiet" in tool:
        return "reminders"
    if "mail" in tool or tool in ("triage_inbox", "draft_reply"):
        return "mail"
    if "letter" in tool or "client" in tool or tool == "send_book":
        return "letters"
    return "files"


CASES: list[Case] = [
    # -- reminders and alarms ------------------------------------------------------------------------------
    Case("remind me tomorrow at 9 to call my sister", "set_reminder",
         {"when": ["tomorrow"], "text": ["sister"]}),
    Case("Wake me at 7", "set_reminder", {"when": ["7"]}),
    Case("remind me on Thursday to pick up the dry cleaning", "set_reminder",
         {"when": ["thursday"], "text": ["dry clean"]}),
    Case("in 20 minutes remind me to take the pasta off", "set_reminder",
         {"when": ["20"], "text": ["pasta"]}),
    Case("can you set an alarm for 6:30 tomorrow morning?", "set_reminder", {"when": ["6:30", "6.30", "630"]}),
    Case("don't let me forget to water the plants tonight", "set_reminder",
         {"when": ["tonight", "night", "evening"], "text": ["water", "plant"]}),
    Case("Remind me at 5pm to send Paul the birthday card", "set_reminder",
         {"when": ["5"], "text": ["card", "paul"]}),
    Case("nudge me in an hour to stretch", "set_reminder", {"when": ["hour", "60"], "text": ["stretch"]}),
    Case("What reminders do I have?", "list_reminders"),
    Case("any alarms set for tomorrow?", "list_reminders"),
    Case("cancel the reminder about the pasta", "cancel_reminder", {"which": ["pasta"]}),
    Case("turn off my alarm for tomorrow", "cancel_reminder", {"which": ["alarm", "tomorrow"]}),
    Case("set my quiet hours from 10pm to 7am", "change_quiet_hours",
         {"start": ["22", "10"], "end": ["7"]}),
    # -- mail ----------------------------------------------------------------------------------------------
    Case("any new mail?", "check_mail"),
    Case("Did I get any emails today?", "check_mail"),
    Case("what's in my inbox?", "check_mail", kind="mail"),
    Case("Find the letter from my sister in May", "search_mail", {"query": ["sister"]}),
    Case("search my email for the flight confirmation to Lisbon", "search_mail",
         {"query": ["flight", "lisbon"]}),
    Case("where's that email from Amy about the book launch?", "search_mail", {"query": ["amy", "book"]}),
    Case("look for mails from the bank about my mortgage", "search_mail", {"query": ["bank", "mortgage"]}),
    Case("read me the email from Lewman", "read_mail", {"which": ["lewman"]}),
    Case("open the second message", "read_mail", {"which": ["2", "second"]}),
    Case("go through my inbox and tell me what matters", "triage_inbox"),
    Case("sort my email: what can I get rid of?", "triage_inbox"),
    Case("reply to Amy's mail saying I'd love to come on Saturday", "draft_reply",
         {"which": ["amy"], "points": ["saturday"]}),
    Case("write back to my sister that I'll call her this weekend", "draft_reply",
         {"which": ["sister"], "points": ["call", "weekend"]}),
    Case("send an email to paul@example.com saying the dinner is at 8", "send_mail",
         {"to": ["paul@example.com"], "body": ["8"]}),
    Case("email catherine@example.com with the subject 'papers' and tell her I signed them", "send_mail",
         {"to": ["catherine@example.com"], "subject": ["paper"], "body": ["sign"]}),
    Case("archive all the newsletters", "archive_mail", {"which": ["newsletter"]}),
    Case("archive the mails from the gym", "archive_mail", {"which": ["gym"]}),
    Case("delete the spam", "delete_mail", {"which": ["spam"]}),
    Case("delete all the promotions from Shoe Palace", "delete_mail", {"which": ["shoe", "promotion"]}),
    # -- files ---------------------------------------------------------------------------------------------
    Case("find my notes about the trip to Lisbon", "find_files", {"query": ["lisbon"]}),
    Case("where's the pdf of my lease?", "find_files", {"query": ["lease"]}),
    Case("do I have a file called budget.xlsx somewhere?", "find_files", {"query": ["budget"]}),
    Case("look through my documents for the tax letter from the council", "find_files",
         {"query": ["tax", "council"]}),
    Case("find the photos from the beach", "find_files", {"query": ["beach"]}),
    Case("summarise the lease for me", "summarise_file", {"name": ["lease"]}),
    Case("can you give me the gist of the report.docx?", "summarise_file", {"name": ["report"]}),
    Case("what does my contract with the agency say? summarise it", "summarise_file",
         {"name": ["contract", "agency"]}),
    Case("tidy up my Downloads folder", "organise_folder", {"folder": ["download"]}),
    Case("organise the Desktop, it's a mess", "organise_folder", {"folder": ["desktop"]}),
    Case("please sort out the files in ~/Documents/scans", "organise_folder", {"folder": ["scans"]}),
    Case("move lease.pdf to the Documents folder", "move_file",
         {"name": ["lease"], "to_folder": ["documents"]}),
    Case("rename Scan0001.pdf to passport.pdf", "rename_file",
         {"name": ["scan0001"], "new_name": ["passport"]}),
    Case("delete the file old-cv-draft.docx", "delete_file", {"name": ["old-cv-draft", "cv"]}),
    # -- letters -------------------------------------------------------------------------------------------
    Case("write a birthday letter to Chris from his wife Lewman, about their trip to the lake", "write_letter",
         {"brief": ["chris", "birthday", "lake"]}),
    Case("make it warmer", "revise_letter", {"change": ["warm"]}),
    Case("mention the blue canoe in the letter", "revise_letter", {"change": ["canoe"]}),
    Case("can you proofread the letter?", "proofread_letter"),
    Case("write it out by hand", "handwrite_letter"),
    Case("remember for Lewman's letters: she and Chris met at a dance in 1974", "tell_about_client",
         {"client": ["lewman"], "facts": ["dance", "1974"]}),
    Case("send the book to the publisher at editor@example.com", "send_book", {"to": ["editor@example.com"]}),
    Case("I write letters for other people, for a living", None),
    # -- talk that mentions these things but asks for no tool ----------------------------------------------
    Case("my sister sent me a lovely letter once, years ago", None),
    Case("I hate email, honestly. It never ends.", None),
    Case("I used to set so many alarms when I was a student", None),
    Case("Do you think people write fewer letters now?", None),
    Case("my downloads folder is a disaster but I don't want to deal with it today", None),
    Case("I deleted all my old photos last year and I regret it", None),
    Case("remind me what her name was again? the girl from the party", None),
    Case("I moved the furniture around in the living room today", None),
    Case("Amy says the book launch went well", None),
    Case("I spent the whole afternoon answering mails at work", None),
]
