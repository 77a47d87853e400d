"""Mail: the person's own IMAP/SMTP account, read, searched, sorted and answered by OS1.

accounts.py (the account, its password sealed), client.py (IMAP and SMTP), parse.py (MIME to text), search.py
(words to IMAP SEARCH), triage.py (sorting a big inbox fast), selection.py (which messages the person means),
compose.py (replies in their voice), tools.py and actions.py (the tools). A real mail server and a realistic
mailbox for tests and benchmarks are in os1.testing (mail_server.py, mail_seed.py).
"""

from __future__ import annotations

from os1.mail.actions import archive_mail, delete_mail, restore_mail, send_mail
from os1.mail.tools import check_mail, draft_reply, read_mail, search_mail, triage_inbox
from os1.tools.registry import Tool


def mail_tools() -> tuple[Tool, ...]:
    """The mail tools."""
    return (check_mail, search_mail, read_mail, triage_inbox, draft_reply, send_mail, archive_mail, delete_mail,
            restore_mail)
