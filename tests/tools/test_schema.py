"""A tool's JSON schema comes from its signature and docstring; the model's arguments are checked against it."""

import json
import re
from datetime import datetime
from typing import Literal

import pytest

from os1.agent import decision_schema
from os1.tools import Outcome, ToolContext, tool
from os1.tools.schema import ArgumentError, SchemaError, check_arguments, parse_docstring, read_signature


async def archive_mail(ctx: ToolContext, folder: str, older_than_days: int, dry_run: bool = True,
                       kind: Literal["all", "newsletters"] = "all", ratio: float = 0.5,
                       senders: list[str] | None = None, before: datetime | None = None) -> Outcome:
    """Archive old mail in a folder.

    Args:
        folder: the folder to tidy, e.g. "INBOX"
        older_than_days: only mail older than this
            many days (a description over two lines)
        dry_run: only say what would go
        kind: which mail
        ratio: unused here
        senders: only mail from these senders
        before: only mail before this moment
    """
    return Outcome("done")


def test_the_schema_comes_from_the_signature_and_the_docstring() -> None:
    made = tool(effect="change", asked_by=r"\barchive\b")(archive_mail)
    assert made.name == "archive_mail" and made.effect == "change" and made.confirm
    assert made.description == "Archive old mail in a folder."
    assert made.parameters() == {
        "type": "object",
        "properties": {
            "folder": {"type": "string", "description": 'the folder to tidy, e.g. "INBOX"'},
            "older_than_days": {"type": "integer",
                                "description": "only mail older than this many days (a description over two lines)"},
            "dry_run": {"type": "boolean", "description": "only say what would go"},
            "kind": {"type": "string", "enum": ["all", "newsletters"], "description": "which mail"},
            "ratio": {"type": "number", "description": "unused here"},
            "senders": {"anyOf": [{"type": "array", "items": {"type": "string"}}, {"type": "null"}],
                        "description": "only mail from these senders"},
            "before": {"anyOf": [{"type": "string", "format": "date-time"}, {"type": "null"}],
                       "description": "only mail before this moment"},
        },
        "required": ["folder", "older_than_days"],
    }


def test_arguments_are_checked_and_converted() -> None:
    sig = read_signature(archive_mail)
    values = check_arguments(sig, {"folder": "INBOX", "older_than_days": 30.0, "before": "2026-11-01T09:00:00+01:00",
                                   "senders": ["a@example.com"]})
    assert values["older_than_days"] == 30 and isinstance(values["older_than_days"], int)
    assert values["before"] == datetime.fromisoformat("2026-11-01T09:00:00+01:00")
    assert values["dry_run"] is True and values["kind"] == "all" and values["senders"] == ["a@example.com"]


@pytest.mark.parametrize(("arguments", "says"), [
    ({"older_than_days": 3}, "missing argument 'folder'"),
    ({"folder": "INBOX", "older_than_days": 3, "to": "x@example.com"}, "unknown argument(s) to"),
    ({"folder": 7, "older_than_days": 3}, "'folder' must be a string"),
    ({"folder": "INBOX", "older_than_days": 2.5}, "whole number"),
    ({"folder": "INBOX", "older_than_days": True}, "must be a number"),
    ({"folder": "INBOX", "older_than_days": 3, "kind": "spam"}, "must be one of all, newsletters"),
    ({"folder": "INBOX", "older_than_days": 3, "dry_run": "yes"}, "true or false"),
    ({"folder": "INBOX", "older_than_days": 3, "before": "next week"}, "ISO date"),
    ({"folder": "INBOX", "older_than_days": 3, "senders": "a@example.com"}, "must be a list"),
    ("archive everything", "must be a JSON object"),
])
def test_wrong_arguments_say_what_is_wrong(arguments: object, says: str) -> None:
    with pytest.raises(ArgumentError, match=re.escape(says)):
        check_arguments(read_signature(archive_mail), arguments)


def test_a_tool_must_be_typed_and_described() -> None:
    async def undocumented(ctx: ToolContext, x: str) -> str:
        return x

    async def untyped(ctx: ToolContext, x) -> str:  # type: ignore[no-untyped-def]
        """Does x."""
        return str(x)

    async def odd(ctx: ToolContext, x: dict[str, str]) -> str:
        """Takes a mapping."""
        return ""

    with pytest.raises(SchemaError, match="needs a docstring"):
        read_signature(undocumented)
    with pytest.raises(SchemaError, match="needs a type hint"):
        read_signature(untyped)
    with pytest.raises(SchemaError, match="tools take str, int"):
        read_signature(odd)


def test_docstring_sections_after_args_are_not_parameters() -> None:
    first, args = parse_docstring("Do it.\n\nArgs:\n    a: the a\n    b (int): the b\n\nReturns:\n    c: not one")
    assert first == "Do it." and args == {"a": "the a", "b": "the b"}


def test_the_decision_schema_offers_no_tool_or_each_tool_with_its_own_arguments() -> None:
    made = tool(effect="read", asked_by="mail")(archive_mail)
    schema = decision_schema([made])
    none, call = schema["anyOf"]
    assert none["properties"]["action"] == {"const": "none"}
    assert call["properties"]["tool"] == {"const": "archive_mail"}
    assert call["properties"]["arguments"] == made.parameters()


def test_the_embedded_model_can_constrain_its_output_to_the_decision_schema() -> None:
    from llama_cpp.llama_grammar import LlamaGrammar

    from os1.capabilities import default_toolbox

    grammar = LlamaGrammar.from_json_schema(json.dumps(decision_schema(default_toolbox().offered())), verbose=False)
    assert grammar is not None
