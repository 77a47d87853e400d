"""The web app's Letters view in a real browser (Debian's Chromium): a letter opened, proofread, its suggestions
accepted or rejected one by one (the text and its versions follow), and nobody else's letters shown."""

from __future__ import annotations

from playwright.async_api import expect

from os1.letters import service
from os1.server.deps import Hub
from os1.testing import ScriptedModel

from .test_web import SHOTS, Launch, sign_in

SLIPS = "Dear Chris,\n\nI beleive the lake was the the best week of our year.\n\nRegards,\nLewman"


async def test_a_letter_proofread_in_the_browser(server: tuple[str, Hub, ScriptedModel],
                                                 launch: Launch) -> None:
    base_url, hub, _ = server
    person = await hub.runtime.store.user("theodore")
    await service.add_written(hub.runtime.store, person, SLIPS, "Lewman", "Chris")
    other = await hub.runtime.store.user("amy")
    await service.add_written(hub.runtime.store, other, "Dear Bea,\n\nSecret.\n\nAmy", "Amy", "Bea")
    token = await hub.tokens.add("theodore")
    page = await (await launch()).new_page(viewport={"width": 1100, "height": 900})
    errors = await sign_in(page, base_url, token)

    await page.get_by_role("button", name="Letters").click()
    letters = page.locator("#letters-list li")
    await expect(letters).to_have_count(1)
    await expect(letters.first).to_contain_text("To Chris, from Lewman")
    await letters.first.get_by_role("button").click()
    await expect(page.locator("#letter-text")).to_contain_text("I beleive the lake")

    await page.get_by_role("button", name="Proofread").click()
    suggestions = page.locator("#suggestions li")
    await expect(suggestions).to_have_count(3)
    await expect(suggestions.nth(0)).to_contain_text("beleive")
    await suggestions.nth(0).get_by_role("button", name="Accept").click()
    await expect(page.locator("#letter-text")).to_contain_text("I believe the lake")
    await expect(page.locator("#letter-title")).to_contain_text("version 2")
    await expect(suggestions).to_have_count(2)
    await suggestions.nth(1).get_by_role("button", name="Reject").click()  # keep "Regards,"
    await expect(suggestions).to_have_count(1)
    await expect(page.locator("#letter-text")).to_contain_text("Regards,")
    await expect(page.locator("#letter-versions li")).to_have_count(2)
    await page.screenshot(path=SHOTS / "os1-web-letters.png")
    assert errors == []
