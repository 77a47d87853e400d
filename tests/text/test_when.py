from datetime import UTC, datetime, timedelta, timezone

import pytest

from os1.text.when import Span, annotate, find_spans, query_span

FRI = datetime(2026, 11, 20, 15, 0, tzinfo=UTC)
SAT = datetime(2026, 11, 21, 10, 0, tzinfo=UTC)
SUN = datetime(2026, 11, 22, 10, 0, tzinfo=UTC)
MON = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)
NEW_YEAR = datetime(2026, 1, 2, 9, 0, tzinfo=UTC)  # a Friday
LEAP = datetime(2024, 3, 1, 9, 0, tzinfo=UTC)  # the day after February 29
AFTER_LEAP = datetime(2025, 3, 1, 9, 0, tzinfo=UTC)
NEW_YEARS_EVE = datetime(2026, 12, 31, 22, 0, tzinfo=UTC)
CHRISTMAS_DAY = datetime(2026, 12, 25, 12, 0, tzinfo=UTC)
ADVENT = datetime(2026, 12, 20, 12, 0, tzinfo=UTC)

CASES = [
    # (now, text, phrase, label)
    (FRI, "I saw Amy last Tuesday", "last Tuesday", "2026-11-17"),
    (FRI, "today", "today", "2026-11-20"),
    (FRI, "Yesterday was long.", "Yesterday", "2026-11-19"),
    (FRI, "the day before yesterday", "the day before yesterday", "2026-11-18"),
    (FRI, "See you tomorrow!", "tomorrow", "2026-11-21"),
    (FRI, "the day after tomorrow", "the day after tomorrow", "2026-11-22"),
    (FRI, "this morning", "this morning", "2026-11-20"),
    (FRI, "tonight", "tonight", "2026-11-20"),
    (FRI, "last night", "last night", "2026-11-19"),
    (FRI, "yesterday evening", "yesterday evening", "2026-11-19"),
    (FRI, "next Tuesday", "next Tuesday", "2026-11-24"),
    (FRI, "this Tuesday", "this Tuesday", "2026-11-17"),
    (FRI, "last Friday", "last Friday", "2026-11-13"),
    (FRI, "next Friday", "next Friday", "2026-11-27"),
    (FRI, "this coming Friday", "this coming Friday", "2026-11-27"),
    (FRI, "We spoke on Monday.", "on Monday", "2026-11-16"),
    (FRI, "What did I say on Friday?", "on Friday", "2026-11-13"),
    (FRI, "I'm going to call her Monday", "Monday", "2026-11-23"),
    (FRI, "She will arrive on Sunday", "on Sunday", "2026-11-22"),
    (FRI, "last week", "last week", "2026-11-09 to 2026-11-15"),
    (FRI, "this week", "this week", "2026-11-16 to 2026-11-22"),
    (FRI, "next week", "next week", "2026-11-23 to 2026-11-29"),
    (FRI, "last weekend", "last weekend", "2026-11-14 to 2026-11-15"),
    (FRI, "this weekend", "this weekend", "2026-11-21 to 2026-11-22"),
    (FRI, "next weekend", "next weekend", "2026-11-28 to 2026-11-29"),
    (FRI, "this past weekend", "this past weekend", "2026-11-14 to 2026-11-15"),
    (FRI, "What did we do over the weekend?", "the weekend", "2026-11-14 to 2026-11-15"),
    (FRI, "We'll hike at the weekend", "the weekend", "2026-11-21 to 2026-11-22"),
    (FRI, "last month", "last month", "October 2026"),
    (FRI, "this month", "this month", "November 2026"),
    (FRI, "next month", "next month", "December 2026"),
    (FRI, "last year", "last year", "2025"),
    (FRI, "next year", "next year", "2027"),
    (FRI, "3 days ago", "3 days ago", "2026-11-17"),
    (FRI, "a couple of days ago", "a couple of days ago", "2026-11-18"),
    (FRI, "a week ago", "a week ago", "2026-11-12 to 2026-11-14"),
    (FRI, "two weeks ago", "two weeks ago", "2026-11-02 to 2026-11-08"),
    (FRI, "a few weeks ago", "a few weeks ago", "2026-10-26 to 2026-11-01"),
    (FRI, "twelve months ago", "twelve months ago", "November 2025"),
    (FRI, "5 years ago", "5 years ago", "2021"),
    (FRI, "in 3 days", "in 3 days", "2026-11-23"),
    (FRI, "in a week", "in a week", "2026-11-26 to 2026-11-28"),
    (FRI, "in two weeks", "in two weeks", "2026-11-30 to 2026-12-06"),
    (FRI, "earlier this week", "earlier this week", "2026-11-16 to 2026-11-20"),
    (FRI, "earlier this month", "earlier this month", "2026-11-01 to 2026-11-20"),
    (FRI, "recently", "recently", "2026-11-06 to 2026-11-20"),
    (FRI, "Lately, I'm tired", "Lately", "2026-11-06 to 2026-11-20"),
    (FRI, "earlier this year", "earlier this year", "2026-01-01 to 2026-11-20"),
    (FRI, "in May", "in May", "May 2026"),
    (FRI, "in November", "in November", "November 2026"),
    (FRI, "in December", "in December", "December 2025"),
    (FRI, "I'll be away in December", "in December", "December 2026"),
    (FRI, "last May", "last May", "May 2026"),
    (FRI, "next May", "next May", "May 2027"),
    (FRI, "this November", "this November", "November 2026"),
    (FRI, "on May 3rd", "on May 3rd", "2026-05-03"),
    (FRI, "May 3", "May 3", "2026-05-03"),
    (FRI, "the 3rd of May", "the 3rd of May", "2026-05-03"),
    (FRI, "on December 3", "on December 3", "2025-12-03"),
    (FRI, "3 May 2025", "3 May 2025", "2025-05-03"),
    (FRI, "May 3rd, 2024", "May 3rd, 2024", "2024-05-03"),
    (FRI, "in May 2025", "in May 2025", "May 2025"),
    (FRI, "I'll be 40 on March 3", "on March 3", "2027-03-03"),
    (FRI, "2026-05-03", "2026-05-03", "2026-05-03"),
    (FRI, "over the holidays", "over the holidays", "2025-12-24 to 2025-12-26"),
    (FRI, "at Christmas", "at Christmas", "2025-12-24 to 2025-12-26"),
    (FRI, "We'll visit at Christmas", "at Christmas", "2026-12-24 to 2026-12-26"),
    # Saturdays and Sundays: "last weekend" is the one before the current one.
    (SAT, "last weekend", "last weekend", "2026-11-14 to 2026-11-15"),
    (SAT, "this weekend", "this weekend", "2026-11-21 to 2026-11-22"),
    (SAT, "over the weekend", "the weekend", "2026-11-21 to 2026-11-22"),
    (SAT, "on Saturday", "on Saturday", "2026-11-14"),
    (SUN, "last weekend", "last weekend", "2026-11-14 to 2026-11-15"),
    (SUN, "this week", "this week", "2026-11-16 to 2026-11-22"),
    (SUN, "next week", "next week", "2026-11-23 to 2026-11-29"),
    (SUN, "last Sunday", "last Sunday", "2026-11-15"),
    (SUN, "next Monday", "next Monday", "2026-11-23"),
    (SUN, "this Monday", "this Monday", "2026-11-16"),
    # Mondays: the weekend just gone is last weekend.
    (MON, "last weekend", "last weekend", "2026-11-21 to 2026-11-22"),
    (MON, "last week", "last week", "2026-11-16 to 2026-11-22"),
    (MON, "on Monday", "on Monday", "2026-11-16"),
    (MON, "this Sunday", "this Sunday", "2026-11-29"),
    (MON, "earlier this week", "earlier this week", "2026-11-23"),
    # Year boundaries.
    (NEW_YEAR, "last month", "last month", "December 2025"),
    (NEW_YEAR, "3 months ago", "3 months ago", "October 2025"),
    (NEW_YEAR, "next month", "next month", "February 2026"),
    (NEW_YEAR, "last week", "last week", "2025-12-22 to 2025-12-28"),
    (NEW_YEAR, "this week", "this week", "2025-12-29 to 2026-01-04"),
    (NEW_YEAR, "yesterday", "yesterday", "2026-01-01"),
    (NEW_YEAR, "the day before yesterday", "the day before yesterday", "2025-12-31"),
    (NEW_YEAR, "a week ago", "a week ago", "2025-12-25 to 2025-12-27"),
    (NEW_YEAR, "in December", "in December", "December 2025"),
    (NEW_YEAR, "at Christmas", "at Christmas", "2025-12-24 to 2025-12-26"),
    (NEW_YEAR, "last year", "last year", "2025"),
    (NEW_YEARS_EVE, "next month", "next month", "January 2027"),
    (NEW_YEARS_EVE, "in 2 months", "in 2 months", "February 2027"),
    (NEW_YEARS_EVE, "in 3 days", "in 3 days", "2027-01-03"),
    (CHRISTMAS_DAY, "over the holidays", "over the holidays", "2026-12-24 to 2026-12-26"),
    (ADVENT, "at Christmas", "at Christmas", "2025-12-24 to 2025-12-26"),
    (ADVENT, "last Christmas", "last Christmas", "2025-12-24 to 2025-12-26"),
    (ADVENT, "next Christmas", "next Christmas", "2026-12-24 to 2026-12-26"),
    (ADVENT, "I'll see mum at Christmas", "at Christmas", "2026-12-24 to 2026-12-26"),
    # Leap years.
    (LEAP, "yesterday", "yesterday", "2024-02-29"),
    (LEAP, "last month", "last month", "February 2024"),
    (LEAP, "on February 29", "on February 29", "2024-02-29"),
    (AFTER_LEAP, "on February 29", "on February 29", "2024-02-29"),
    (AFTER_LEAP, "yesterday", "yesterday", "2025-02-28"),
    (AFTER_LEAP, "a year ago", "a year ago", "2024"),
    # Case, whitespace and punctuation.
    (FRI, "LAST TUESDAY", "LAST TUESDAY", "2026-11-17"),
    (FRI, "last \n tuesday", "last \n tuesday", "2026-11-17"),
    (FRI, "(yesterday)", "yesterday", "2026-11-19"),
    (FRI, "“last week”", "last week", "2026-11-09 to 2026-11-15"),
    (FRI, "— on Wednesday, I think", "on Wednesday", "2026-11-18"),
]


@pytest.mark.parametrize(("now", "text", "phrase", "label"), CASES, ids=[f"{c[0]:%a %F}: {c[1]}" for c in CASES])
def test_resolves(now: datetime, text: str, phrase: str, label: str) -> None:
    spans = find_spans(text, now)
    assert [(span.phrase, span.label()) for span in spans] == [(phrase, label)]


@pytest.mark.parametrize(
    "text",
    [
        "What's my dog's name?",
        "I may go to the shops.",
        "May I ask you something?",
        "These 2 may help.",
        "We march on.",
        "I have one dog and a few cats.",
        "Mondays are hard.",
        "Jan said hi.",
        "Let's meet some day, in a while.",
        "The holiday was nice.",
        "2026-02-30 is no date.",
        "",
    ],
)
def test_plain_sentences_have_no_spans(text: str) -> None:
    assert find_spans(text, FRI) == []
    assert annotate(text, FRI) == text
    assert query_span(text, FRI) is None


def test_spans_are_in_order_of_appearance() -> None:
    text = "Tomorrow I'll tell you about yesterday, and about last week."
    assert [span.phrase for span in find_spans(text, FRI)] == ["Tomorrow", "yesterday", "last week"]


def test_spans_use_the_now_timezone_for_the_calendar() -> None:
    tokyo = timezone(timedelta(hours=9))
    now = datetime(2026, 11, 21, 1, 0, tzinfo=tokyo)  # still the 20th in UTC
    [today] = find_spans("today", now)
    assert today.start == datetime(2026, 11, 21, tzinfo=tokyo)
    assert today.end == datetime(2026, 11, 22, tzinfo=tokyo)
    assert today.start.tzinfo is tokyo


def test_parts_of_the_day_have_hours() -> None:
    afternoon, tonight = find_spans("this afternoon and tonight", FRI)
    assert (afternoon.start.hour, afternoon.end.hour) == (12, 18)
    assert tonight.start == datetime(2026, 11, 20, 18, tzinfo=UTC)
    assert tonight.end == datetime(2026, 11, 21, tzinfo=UTC)


def test_earlier_today_runs_until_now() -> None:
    [span] = find_spans("earlier today", FRI)
    assert (span.start, span.end) == (datetime(2026, 11, 20, tzinfo=UTC), FRI)


def test_contains_is_start_inclusive_end_exclusive() -> None:
    [span] = find_spans("yesterday", FRI)
    assert span.contains(datetime(2026, 11, 19, tzinfo=UTC))
    assert span.contains(datetime(2026, 11, 19, 23, 59, tzinfo=UTC))
    assert span.contains(datetime(2026, 11, 19, 20, tzinfo=timezone(timedelta(hours=-3))))  # 23:00 UTC
    assert not span.contains(datetime(2026, 11, 20, tzinfo=UTC))
    assert not span.contains(datetime(2026, 11, 18, 23, 59, tzinfo=UTC))


def test_label_of_a_span_built_by_hand() -> None:
    day = Span(datetime(2026, 2, 1, tzinfo=UTC), datetime(2026, 3, 1, tzinfo=UTC), "February")
    assert day.label() == "February 2026"
    part = Span(datetime(2026, 2, 1, tzinfo=UTC), datetime(2026, 2, 28, 12, tzinfo=UTC), "most of February")
    assert part.label() == "2026-02-01 to 2026-02-28"


def test_annotate_marks_relative_expressions() -> None:
    assert annotate("I saw Amy last Tuesday", FRI) == "I saw Amy last Tuesday [2026-11-17]"
    assert annotate("Yesterday, and last weekend.", FRI) == (
        "Yesterday [2026-11-19], and last weekend [2026-11-14 to 2026-11-15]."
    )
    assert annotate("Today's walk was cold.", FRI) == "Today's [2026-11-20] walk was cold."


def test_annotate_leaves_absolute_dates_alone() -> None:
    text = "We married on 3 May 2025, and moved on 2026-05-03."
    assert annotate(text, FRI) == text
    assert annotate("on May 3 and 2026-05-03", FRI) == "on May 3 [2026-05-03] and 2026-05-03"


def test_annotate_is_idempotent() -> None:
    once = annotate("I saw Amy last Tuesday, and today's weather was grim.", FRI)
    assert annotate(once, FRI) == once


@pytest.mark.parametrize(
    ("question", "label"),
    [
        ("what did we talk about last weekend?", "2026-11-14 to 2026-11-15"),
        ("What did I tell you a week ago?", "2026-11-12 to 2026-11-14"),
        ("What happened last month, on the 3rd of October?", "2026-10-03"),
        ("what did we discuss recently?", "2026-11-06 to 2026-11-20"),
        ("Who did I meet on Monday?", "2026-11-16"),
        ("what did I say yesterday about tomorrow?", "2026-11-19"),
    ],
)
def test_query_span(question: str, label: str) -> None:
    span = query_span(question, FRI)
    assert span is not None and span.label() == label


def test_naive_now_is_refused() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        find_spans("today", datetime(2026, 11, 20))


def test_a_bare_day_of_the_month_is_the_nearest_in_the_sentences_tense() -> None:
    assert annotate("On the 11th I ran my first 10k.", FRI) == "On the 11th [2026-11-11] I ran my first 10k."
    assert annotate("On the 26th I got my flu jab.", FRI) == "On the 26th [2026-10-26] I got my flu jab."
    assert annotate("On the 26th I will fly home.", FRI) == "On the 26th [2026-11-26] I will fly home."
    assert annotate("On the 31st we went out.", FRI) == "On the 31st [2026-10-31] we went out."
    assert annotate("on the 3rd of May", FRI) == "on the 3rd of May [2026-05-03]"  # the month's own rule


DEC_SUN = datetime(2026, 12, 6, 10, 0, tzinfo=UTC)  # Sunday 6 December 2026


@pytest.mark.parametrize(
    ("text", "label"),
    [
        # Looking ahead in the present tense: the coming day, not the one gone.
        ("I'm so nervous about a job interview Thursday.", "2026-12-10"),
        ("nervous about a job interview Thursday", "2026-12-10"),
        ("Job interview Thursday, wish me luck!", "2026-12-10"),
        ("I have yoga Monday", "2026-12-07"),
        ("We're seeing Amy on Friday", "2026-12-11"),
        ("What am I doing Friday?", "2026-12-11"),
        ("I booked a table for Friday", "2026-12-11"),
        ("I've got an exam in May", "May 2027"),
        ("I signed up for the Lisbon half marathon in March!", "March 2027"),
        # Said of the past: the day gone.
        ("The interview Thursday went well.", "2026-12-03"),
        ("I had an interview on Thursday", "2026-12-03"),
        ("I was nervous and excited about Thursday", "2026-12-03"),
        ("I've been sick since Monday", "2026-11-30"),
        ("I moved to Bristol on Monday", "2026-11-30"),
        ("Who did I meet on Monday?", "2026-11-30"),
    ],
)
def test_the_tense_of_the_clause_decides_which_day_a_weekday_is(text: str, label: str) -> None:
    [span] = find_spans(text, DEC_SUN)
    assert span.label() == label


def test_each_clause_has_its_own_tense() -> None:
    text = "I went running this morning, and I have an interview Thursday."
    assert [s.label() for s in find_spans(text, DEC_SUN)] == ["2026-12-06", "2026-12-10"]
