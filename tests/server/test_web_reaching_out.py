"""The web app in Chromium (Debian's, through Playwright) against the real server on loopback: a follow-up that
came due while no tab was open shows when one opens, with why OS1 spoke up; announced maintenance is on the
status line until it begins."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta

from playwright.async_api import Browser, expect

from os1.server.deps import Hub
from os1.testing import FixedClock, ScriptedModel

Launch = Callable[..., Awaitable[Browser]]


async def test_a_follow_up_and_announced_maintenance_show_in_the_web_app(
        server: tuple[str, Hub, ScriptedModel], launch: Launch) -> None:
    base_url, hub, _ = server
    clock = FixedClock(datetime(2026, 11, 20, 14, 3, tzinfo=UTC))
    hub.runtime.companion.clock = clock
    token = await hub.tokens.add("theodore")
    theodore = await hub.runtime.store.user("theodore")
    await hub.runtime.outreach.heard(theodore, "My interview is tomorrow at 10")
    clock.advance(hours=22)  # Saturday 12:03, after it; no tab open
    await hub.runtime.outreach.announce("upgrading the model", clock() + timedelta(hours=5))

    page = await (await launch()).new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    await page.goto(base_url)
    await page.get_by_label("Your sign-in token").fill(token)
    await page.get_by_role("button", name="Sign in").click()
    notices = page.locator(".msg.notice")
    await expect(notices).to_have_count(2)  # the notice first (before its moment), then the follow-up
    await expect(notices.first).to_contain_text("upgrading the model")
    await expect(notices.last).to_contain_text("your interview")
    await expect(notices.last).to_contain_text("you told me your interview was Sat 21 Nov at 10:00")
    await expect(page.locator("#status-text")).to_contain_text("Away for maintenance")
    await expect(page.locator("#status-text")).to_contain_text("upgrading the model")
    await page.screenshot(path="/tmp/os1-web-reach-out.png")
    assert not errors
