"""The conversations sidebar and the reminders panel in a real browser (Debian's Chromium) against the real server:
conversations found, renamed in place, opened, deleted for good only after saying what goes (with "Keep it"
focused); a drawer on a laptop or phone, a column on a wide screen; reminders listed, cancelled and brought back."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from playwright.async_api import expect

from os1.reminders.book import add_reminder, reminders

from .test_web_household import DESKTOP, PHONE, SHOTS, Launch, Server, audit, open_app, sign_in

WIDE = {"width": 1440, "height": 900}


async def two_conversations(server: Server) -> None:
    store = server[1].runtime.store
    person = await store.user("maria")
    lake = await store.new_conversation(person)
    await store.append(lake, "user", "We sold the blue canoe at the lake house.")
    await store.append(lake, "assistant", "The blue canoe! That must have been hard to let go of.")
    bakery = await store.new_conversation(person)
    await store.append(bakery, "user", "My new job at the bakery starts Monday.")
    await store.append(bakery, "assistant", "A bakery! Early mornings and warm bread.")


async def test_conversations_found_renamed_opened_and_deleted_from_the_sidebar(server: Server,
                                                                            launch: Launch) -> None:
    base_url, hub, _ = server
    await two_conversations(server)
    page, errors = await open_app(await launch(), base_url, DESKTOP)
    await sign_in(page, await hub.tokens.add("maria"))
    await expect(page.locator(".msg.assistant").last).to_have_text("A bakery! Early mornings and warm bread.")
    sidebar = page.get_by_role("complementary", name="Conversations")
    await expect(sidebar).to_be_hidden()
    await page.get_by_role("button", name="Conversations").click()
    await expect(sidebar).to_be_visible()
    items = sidebar.locator(".side-item")
    await expect(items).to_have_count(2)
    await expect(items.first.locator(".open")).to_have_attribute("aria-current", "true")  # the one open

    await sidebar.get_by_label("Find a conversation").fill("canoe")
    await expect(items).to_have_count(1)
    await sidebar.get_by_role("button", name="Rename “We sold the blue canoe at the lake house.”").click()
    await sidebar.get_by_label("New title").fill("The lake house")
    await sidebar.get_by_label("New title").press("Enter")
    await expect(items.first.locator(".title")).to_have_text("The lake house")
    await sidebar.get_by_label("Find a conversation").fill("")
    await expect(items).to_have_count(2)

    await items.filter(has_text="The lake house").locator(".open").click()
    await expect(sidebar).to_be_hidden()  # the drawer gets out of the way
    await expect(page.locator(".msg.assistant").last).to_have_text(
        "The blue canoe! That must have been hard to let go of.")

    await page.get_by_role("button", name="Conversations").click()
    await sidebar.get_by_role("button", name="Delete “The lake house”").click()
    dialog = page.get_by_role("dialog", name="Delete “The lake house”?")
    await expect(dialog).to_contain_text("Its 2 messages go for good, with what OS1 learned from them")
    await expect(dialog.get_by_role("button", name="Keep it")).to_be_focused()
    await page.screenshot(path=SHOTS / "os1-web-delete-conversation.png")
    await page.keyboard.press("Enter")  # the focused button: nothing goes
    await expect(dialog).to_have_count(0)
    await expect(items).to_have_count(2)
    await sidebar.get_by_role("button", name="Delete “The lake house”").click()
    await dialog.get_by_role("button", name="Delete for good").click()
    await expect(items).to_have_count(1)
    # The open one went: the latest left is shown.
    await expect(page.locator(".msg.assistant").last).to_have_text("A bakery! Early mornings and warm bread.")
    assert b"blue canoe" not in hub.runtime.settings.db_path.read_bytes()
    assert errors == []


async def test_a_column_on_a_wide_screen_and_a_drawer_on_a_phone(server: Server, launch: Launch) -> None:
    base_url, hub, _ = server
    await two_conversations(server)
    token = await hub.tokens.add("maria")
    browser = await launch()
    wide, errors = await open_app(browser, base_url, WIDE)
    await sign_in(wide, token)
    sidebar = wide.get_by_role("complementary", name="Conversations")
    await expect(sidebar).to_be_visible()
    await expect(sidebar.locator(".side-item")).to_have_count(2)
    await expect(wide.get_by_role("button", name="Conversations")).to_be_hidden()
    assert await audit(wide) == [], "wide, with the sidebar"
    await wide.screenshot(path=SHOTS / "os1-web-talk-wide.png")

    phone, phone_errors = await open_app(browser, base_url, PHONE)
    await sign_in(phone, token)
    await phone.get_by_role("button", name="Conversations").click()
    drawer = phone.get_by_role("complementary", name="Conversations")
    await expect(drawer.locator(".side-item")).to_have_count(2)
    assert await audit(phone) == [], "phone, the drawer open"
    await phone.screenshot(path=SHOTS / "os1-web-conversations-phone.png")
    await phone.keyboard.press("Escape")
    await expect(drawer).to_be_hidden()
    await expect(phone.get_by_role("button", name="Conversations")).to_be_focused()
    assert errors == [] and phone_errors == []


async def test_reminders_listed_cancelled_and_brought_back_in_the_panel(server: Server, launch: Launch) -> None:
    base_url, hub, _ = server
    store = hub.runtime.store
    person = await store.user("maria")
    now = datetime.now(UTC)
    await add_reminder(store, person, "call my sister", now + timedelta(hours=3))
    await add_reminder(store, person, "take the bread out", now + timedelta(minutes=20), alarm=True)
    page, errors = await open_app(await launch(), base_url, DESKTOP)
    await sign_in(page, await hub.tokens.add("maria"))
    await page.get_by_role("button", name="Reminders").click()
    waiting = page.get_by_role("list", name="Still to come").locator("li")
    past = page.get_by_role("list", name="Said or cancelled").locator("li")
    await expect(waiting).to_have_count(2)
    await expect(waiting.first).to_contain_text("⏰ Alarm: take the bread out")
    await page.get_by_role("button", name="Cancel: call my sister").click()
    await expect(waiting).to_have_count(1)
    await expect(past.first).to_contain_text("call my sister")
    await expect(past.first).to_contain_text("cancelled")
    assert await audit(page) == [], "reminders"
    await page.screenshot(path=SHOTS / "os1-web-reminders-desktop.png", full_page=True)
    await page.get_by_role("button", name="Bring back: call my sister").click()
    await expect(waiting).to_have_count(2)
    assert [r.text for r in await reminders(store, person)] == ["take the bread out", "call my sister"]
    assert errors == []
