"""OS1's hands: the tool registry (registry.py), when a tool may run (policy.py), the audit trail and undo
(audit.py). The tools themselves live beside their capability (os1.reminders, os1.mail, os1.files) and are
gathered in os1.capabilities."""

from os1.tools.registry import Outcome, Tool, Toolbox, ToolContext, ToolError, Undo, tool

__all__ = ["Outcome", "Tool", "ToolContext", "ToolError", "Toolbox", "Undo", "tool"]
