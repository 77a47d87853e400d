"""Settings and leaving for good in the web app, in a real browser (Debian's Chromium) against the real server:
a person's look, quiet hours, check-ins and good morning kept on the server and brought back on the next visit;
the voice chosen at the first spoken conversation; everything exported; and leaving, asked in conversation, taken
through the archive first, then the goodbye and the proof, leaving nothing of them in the tab or on the server."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

from playwright.async_api import expect

from os1.db import state
from os1.farewell.asking import AGREED

from .test_web_household import (
    DESKTOP,
    PHONE,
    SHOTS,
    Launch,
    Server,
    audit,
    everything_kept,
    open_app,
    reply_done,
    say,
    sign_in,
)


async def test_settings_are_kept_for_the_person_and_the_look_follows_them(server: Server, launch: Launch) -> None:
    base_url, hub, _ = server
    token = await hub.tokens.add("maria")
    browser = await launch()
    page, errors = await open_app(browser, base_url, DESKTOP)
    await sign_in(page, token)
    await page.get_by_role("button", name="Settings").click()
    await expect(page.get_by_label("How OS1 sounds when you talk out loud")).to_have_value("kokoro-alpha")
    await expect(page.locator("#set-model")).to_contain_text("OS1 thinks with scripted")

    await page.get_by_label("Quiet hours: nothing but alarms you set yourself").fill("whenever")
    await page.get_by_role("button", name="Save").click()
    await expect(page.locator("#settings-error")).to_contain_text("like 22:00-07:00")

    await page.get_by_label("Dark").check()
    await page.get_by_label("Quiet hours: nothing but alarms you set yourself").fill("10pm to 7am")
    await page.get_by_label("OS1 may check in on me and ask how things went").uncheck()
    await page.get_by_label("Say good morning every day at").fill("07:30")
    await page.get_by_role("button", name="Save").click()
    await expect(page.locator("#settings-saved")).to_have_text("Saved.")
    await expect(page.get_by_label("Quiet hours: nothing but alarms you set yourself")).to_have_value("22:00-07:00")
    assert await page.evaluate("document.documentElement.dataset.theme") == "dark"
    assert await audit(page) == [], "settings, dark"
    await page.screenshot(path=SHOTS / "os1-web-settings-dark-desktop.png", full_page=True)

    person = await hub.runtime.store.user("maria")
    store = hub.runtime.store
    assert await store.get_state(person, state.QUIET_HOURS.key()) == "22:00-07:00"
    assert await store.get_state(person, state.GOOD_MORNING.key()) == "07:30"
    assert not await hub.runtime.outreach.is_on(person)
    assert await store.get_state(person, state.VOICE.key()) is None  # saving the look chose no voice for her

    # Her look comes back with her, on a phone too; Jon on the same screen gets his own.
    phone, phone_errors = await open_app(browser, base_url, PHONE)
    await sign_in(phone, token)
    await expect(phone.locator("html")).to_have_attribute("data-theme", "dark")
    await phone.get_by_role("button", name="Settings").click()
    await expect(phone.get_by_label("Say good morning every day at")).to_have_value("07:30")
    assert await audit(phone) == [], "settings, dark, phone"
    await phone.screenshot(path=SHOTS / "os1-web-settings-dark-phone.png", full_page=True)
    await phone.get_by_role("button", name="Sign out").click()
    await sign_in(phone, await hub.tokens.add("jon"))
    await expect(phone.locator("html")).to_have_attribute("data-theme", "system")

    # Export: a zip of everything, named for her.
    async with page.expect_download() as got:
        await page.get_by_role("button", name="Download everything").click()
    download = await got.value
    assert download.suggested_filename.startswith("os1-maria-") and download.suggested_filename.endswith(".zip")
    with zipfile.ZipFile(await download.path()) as archive:
        assert json.loads(archive.read("os1-export.json"))["person"] == "maria"
    assert errors == [] and phone_errors == []


async def test_the_voice_is_chosen_at_the_first_spoken_conversation(server: Server, launch: Launch) -> None:
    base_url, hub, _ = server
    token = await hub.tokens.add("maria")
    page, errors = await open_app(await launch(), base_url, DESKTOP)
    await sign_in(page, token)
    picker = page.get_by_role("dialog", name="How should I sound?")

    await page.get_by_role("button", name="Talk out loud").click()
    await expect(picker).to_be_visible()
    await expect(picker.get_by_label("Joe (US English, male, Piper)")).to_be_visible()
    await picker.get_by_role("button", name="Not now").click()
    await expect(picker).to_have_count(0)
    await expect(page.locator("#mic")).to_have_attribute("aria-pressed", "false")
    person = await hub.runtime.store.user("maria")
    assert await hub.runtime.voice_choice(person) is None  # "not now" chose nothing

    await page.get_by_role("button", name="Talk out loud").click()
    await picker.get_by_label("Joe (US English, male, Piper)").check()
    await page.screenshot(path=SHOTS / "os1-web-voice-pick.png")
    await picker.get_by_role("button", name="Start talking").click()
    await expect(picker).to_have_count(0)
    # This browser has no microphone: said in words. The choice is kept, and never asked again.
    await expect(page.locator("#chat-error")).to_contain_text("microphone")
    assert await hub.runtime.voice_choice(person) == "joe"
    await page.get_by_role("button", name="Talk out loud").click()
    await expect(page.locator("#chat-error")).to_contain_text("microphone")
    await expect(picker).to_have_count(0)
    await page.get_by_role("button", name="Settings").click()
    await expect(page.get_by_label("How OS1 sounds when you talk out loud")).to_have_value("joe")
    assert errors == []


async def test_leaving_asked_in_conversation_archive_first_then_goodbye_and_nothing_left(
        server: Server, launch: Launch, tmp_path: Path) -> None:
    base_url, hub, scripted = server
    store = hub.runtime.store
    token = await hub.tokens.add("maria")
    other = await store.user("jon")
    kept = await store.append(await store.new_conversation(other), "user", "Jon's own words, which stay.")
    page, errors = await open_app(await launch(), base_url, DESKTOP)
    await sign_in(page, token)

    await say(page, "I think I want to leave you, for good.")
    await expect(page.locator(".msg.assistant").last).to_contain_text("Do you want to go ahead? (yes / no)")
    await say(page, "yes")
    await reply_done(page, AGREED)
    await expect(page.locator("#view-settings")).to_be_visible()
    await expect(page.get_by_role("button", name="Take my archive")).to_be_focused()
    delete = page.get_by_role("button", name="Say goodbye and delete everything")
    await expect(delete).to_be_disabled()
    await expect(page.get_by_label("I have my archive", exact=False)).to_be_disabled()

    async with page.expect_download() as got:
        await page.get_by_role("button", name="Take my archive").click()
    download = await got.value
    archive = tmp_path / download.suggested_filename
    await download.save_as(archive)
    with zipfile.ZipFile(archive) as opened:
        said = [m["content"] for c in json.loads(opened.read("os1-export.json"))["conversations"]
                for m in c["messages"]]
    assert "I think I want to leave you, for good." in said
    await page.get_by_label("I have my archive", exact=False).check()
    scripted.enqueue("Goodbye, Maria. I loved the way you thought out loud with me.")
    await delete.click()

    goodbye = page.get_by_role("heading", name="Goodbye")
    await expect(goodbye).to_be_visible()
    await expect(page.locator(".goodbye blockquote")).to_have_text(
        "Goodbye, Maria. I loved the way you thought out loud with me.")
    await expect(page.locator(".goodbye .proof")).to_contain_text("Deleted: 1 conversation, 4 messages")
    await expect(page.locator(".goodbye .proof")).to_contain_text("none of it is left")
    await page.screenshot(path=SHOTS / "os1-web-goodbye.png")
    tab = await everything_kept(page)
    assert tab["local"] == [] and tab["session"] == [] and tab["caches"] == []
    assert "leave you" not in str(tab["text"])  # the conversation is gone from the page
    assert await page.locator("#app").count() == 0

    assert await store.read("SELECT id FROM users WHERE name = 'maria'", ()) == []
    assert hub.tokens.cached_person(token) is None
    assert (await store.message(other, kept.id)).content == "Jon's own words, which stay."
    gone = await page.request.get(f"{base_url}/api/settings", headers={"Authorization": f"Bearer {token}"})
    assert gone.status == 401
    assert errors == []
