"""The letters desk in a real browser (Debian's Chromium) against the real server: a letter written from a brief
for a client and revised, a client added and told about, a note forgotten, the book chosen from OS1's proposal,
reordered, saved and opened as a PDF; every screen passes the accessibility audit."""

from __future__ import annotations

from playwright.async_api import expect

from .test_api_letters import LAKE
from .test_web_household import DESKTOP, SHOTS, Launch, Server, audit, open_app, sign_in


async def test_write_a_letter_keep_a_client_and_make_the_book(server: Server, launch: Launch) -> None:
    base_url, hub, scripted = server
    page, errors = await open_app(await launch(), base_url, DESKTOP)
    await sign_in(page, await hub.tokens.add("theodore"))
    await page.get_by_role("button", name="Letters", exact=True).click()

    await page.get_by_role("button", name="People you write for").click()
    await page.get_by_label("Their name").fill("Lewman")
    await page.get_by_label("Whom they write to").fill("Chris, her husband")
    await page.get_by_role("button", name="Add", exact=True).click()
    client = page.locator("#clients-list > li")
    await expect(client).to_have_count(1)
    await client.get_by_label("Tell OS1 about Lewman").fill("They met at a dance in 1974.")
    await client.get_by_role("button", name="Remember").click()
    await expect(client.locator(".notes li")).to_have_text(["They met at a dance in 1974. Forget"])
    await client.get_by_label("Tell OS1 about Lewman").fill("Her sister Margaret lives in Tucson.")
    await client.get_by_role("button", name="Remember").click()
    await expect(client.locator(".notes li")).to_have_count(2)
    await client.get_by_role("button", name="Forget: Her sister Margaret lives in Tucson.").click()
    await expect(client.locator(".notes li")).to_have_count(1)
    assert await audit(page) == [], "clients"
    await page.screenshot(path=SHOTS / "os1-web-letter-clients.png", full_page=True)

    await page.get_by_role("button", name="Your letters").click()
    await page.get_by_label("Written for").select_option("Lewman")
    await page.get_by_label("Who it is to, the occasion, what to tell").fill(
        "A birthday letter to Chris from his wife Lewman, about the lake")
    scripted.enqueue(LAKE)
    await page.get_by_role("button", name="Write it").click()
    await expect(page.locator("#letter-text")).to_contain_text("Dear Chris,", timeout=30_000)
    await expect(page.locator("#letter-title")).to_contain_text("version 1")
    scripted.enqueue(LAKE.replace("Happy birthday, my love.", "Happy birthday, my darling."))
    await page.get_by_label("How should it change?").fill("warmer")
    await page.get_by_role("button", name="Revise").click()
    await expect(page.locator("#letter-title")).to_contain_text("version 2", timeout=30_000)
    await expect(page.locator("#letter-text")).to_contain_text("my darling")
    await expect(page.locator("#letter-versions li")).to_have_count(2)
    assert await audit(page) == [], "a letter"
    await page.screenshot(path=SHOTS / "os1-web-letter-written.png", full_page=True)

    await page.get_by_role("button", name="All letters").click()
    await page.get_by_text("Bring in a letter you wrote").click()
    await page.get_by_label("From", exact=True).fill("Theodore")
    await page.get_by_label("To", exact=True).fill("Mum")
    await page.get_by_label("The letter").fill("Dear Mum,\n\nThe lemons are ripe.\n\nLove,\nTheodore")
    await page.get_by_role("button", name="Keep it").click()
    await expect(page.locator("#letters-error")).to_be_hidden()
    await expect(page.locator("#letter-text")).to_contain_text("The lemons are ripe.")

    await page.get_by_role("button", name="The book").click()
    await expect(page.locator("#book-proposal li")).to_have_count(2)
    await page.get_by_role("button", name="Use this proposal").click()
    chosen = page.locator("#book-chosen li")
    await expect(chosen).to_have_count(2)
    first = await chosen.first.inner_text()
    await page.get_by_role("button", name="Move down", exact=False).first.click()
    await expect(chosen.nth(1)).to_contain_text(first.split(" (")[0])
    await page.get_by_label("Title").fill("Letters From Your Life")
    await page.get_by_role("button", name="Save the book").click()
    await expect(page.locator("#book-saved")).to_have_text("Saved.")
    assert await audit(page) == [], "the book"
    await page.screenshot(path=SHOTS / "os1-web-letter-book.png", full_page=True)
    async with page.expect_popup() as opened:
        await page.get_by_role("button", name="Open the book (PDF)").click()
    assert (await opened.value).url.startswith("blob:")
    assert errors == []
