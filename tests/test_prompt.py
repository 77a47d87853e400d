from datetime import UTC, datetime, timedelta

from os1.db.store import StoredMessage
from os1.persona import default_persona
from os1.prompt import INTERRUPTED_MARK, Window, fit_window, render, system_prompt

T0 = datetime(2026, 11, 20, 20, 0, tzinfo=UTC)


def msg(i: int, role: str, text: str, minutes: int = 0, status: str = "complete") -> StoredMessage:
    when = (T0 + timedelta(minutes=minutes)).isoformat(timespec="milliseconds")
    return StoredMessage(i, 1, role, text, status, when, {})  # type: ignore[arg-type]


def test_system_prompt_carries_identity_and_person() -> None:
    named = system_prompt(default_persona(), "Samantha", "theodore")
    assert "Your name is Samantha" in named and "theodore" in named
    assert "not chosen a name yet" in system_prompt(default_persona(), None, "theodore")


def test_render_is_stable_and_skips_rejected_inputs() -> None:
    history = [msg(1, "user", "hi"), msg(2, "assistant", "hello", 1), msg(3, "user", "x" * 10, 2, "rejected"),
               msg(4, "user", "still there?", 90), msg(5, "assistant", "I was say", 91, "interrupted")]
    rendered = render(history)
    assert [m["role"] for m in rendered] == ["user", "assistant", "user", "assistant"]
    assert rendered[0]["content"].startswith("[") and rendered[0]["content"].endswith("] hi")
    assert rendered[1]["content"] == "hello"
    assert rendered[2]["content"].startswith("[")  # 90 minutes later: the gap is worth a time stamp
    assert rendered[3]["content"] == "I was say" + INTERRUPTED_MARK
    # The previous turn's prompt is a prefix of the next one's.
    assert render(history + [msg(6, "user", "ok", 92)])[:4] == rendered


def sizes(n: int, each: int = 100) -> list[tuple[int, str, int]]:
    return [(i + 1, "user" if i % 2 == 0 else "assistant", each) for i in range(n)]


def test_window_keeps_everything_that_fits() -> None:
    assert fit_window(sizes(6), 1000, None) == Window(1)


def test_window_moves_in_one_big_step_then_stays() -> None:
    window = fit_window(sizes(12), 1000, None)
    assert window.start_id == 9  # cut to half the budget, starting on a person's message: 4 messages left
    # The next turns still fit from the same start, so the cached prefix is reused.
    assert fit_window(sizes(14), 1000, window) == window
    assert fit_window(sizes(16), 1000, window) == window


def test_window_never_starts_on_a_reply() -> None:
    window = fit_window(sizes(11, 100), 900, None)
    assert window.start_id % 2 == 1
