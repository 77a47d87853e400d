"""OS1's hands: tools the companion can use (registry.py), and when it may (policy.py)."""

from os1.tools.registry import Outcome, Tool, Toolbox, ToolContext, ToolError, Undo, tool
from os1.tools.reminders import REMINDER_TOOLS

__all__ = ["Outcome", "Tool", "ToolContext", "ToolError", "Toolbox", "Undo", "default_toolbox", "tool"]


def default_toolbox() -> Toolbox:
    """The tools every companion has."""
    from os1.files.tools import FILE_TOOLS  # here, not above: the file tools import this package
    from os1.mail import mail_tools  # here, not above: the mail tools import this package

    return Toolbox((*REMINDER_TOOLS, *mail_tools(), *FILE_TOOLS))
