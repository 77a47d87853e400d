"""OS1's hands: tools the companion can use (registry.py), and when it may (policy.py)."""

from os1.tools.registry import Outcome, Tool, Toolbox, ToolContext, ToolError, Undo, tool
from os1.tools.reminders import REMINDER_TOOLS

__all__ = ["Outcome", "Tool", "ToolContext", "ToolError", "Toolbox", "Undo", "default_toolbox", "tool"]


def default_toolbox() -> Toolbox:
    """The tools every companion has."""
    return Toolbox(REMINDER_TOOLS)
