"""What the companion can do beyond talking: each capability's tools, gathered in one place.

A new capability (letters, music, other minds) is a package of its own with its tools beside it; it plugs in by
adding them here. The runtime builds the companion's toolbox from this list, once.
"""

from __future__ import annotations

from os1.files.tools import FILE_TOOLS
from os1.letters.tools import LETTER_TOOLS
from os1.mail import mail_tools
from os1.music.tools import MUSIC_TOOLS
from os1.reminders.tools import REMINDER_TOOLS
from os1.tools import Toolbox


def default_toolbox() -> Toolbox:
    """The tools every companion has."""
    return Toolbox((*REMINDER_TOOLS, *mail_tools(), *FILE_TOOLS, *MUSIC_TOOLS, *LETTER_TOOLS))
