"""The web app as an installed app, in a real browser (Debian's Chromium): it opens with no network (the offline
shell says it can't reach the server, and keeps nothing anyone said), and its keyboard shortcuts work."""

from __future__ import annotations

import re
from pathlib import Path

from playwright.async_api import expect

from os1.server.app import WEB_APP

from .test_web_household import DESKTOP, Launch, Server, open_app, sign_in


def test_the_offline_shell_keeps_every_file_of_the_app() -> None:
    listed = set(re.findall(r'"([^"]+)"', (WEB_APP / "sw.js").read_text().split("const FILES = [")[1].split("];")[0]))
    files = {p.name for p in Path(WEB_APP).iterdir() if p.is_file() and p.name != "sw.js"}
    assert listed - {"./"} == files


async def test_keys_then_opening_with_no_network(server: Server, launch: Launch) -> None:
    base_url, hub, scripted = server
    store = hub.runtime.store
    person = await store.user("maria")
    await store.append(await store.new_conversation(person), "user", "The lemon tree has flowers again.")
    page, errors = await open_app(await launch(), base_url, DESKTOP)
    await sign_in(page, await hub.tokens.add("maria"))

    await page.locator("h1").click()  # nothing focused that takes text
    await page.keyboard.press("/")
    await expect(page.get_by_label("Message")).to_be_focused()
    await page.locator("h1").click()
    await page.keyboard.press("Control+k")
    await expect(page.get_by_label("Find a conversation")).to_be_focused()
    await page.keyboard.press("Escape")
    await expect(page.get_by_role("complementary", name="Conversations")).to_be_hidden()
    await page.keyboard.press("Alt+Shift+N")
    await expect(page.locator(".msg")).to_have_count(0)
    assert len(await store.conversations(person)) == 2

    # Installed: the shell is kept, and nothing of what is said.
    assert await page.evaluate("navigator.serviceWorker.ready.then((r) => !!r.active)")
    await page.reload()
    await expect(page.locator("#app")).to_be_visible()
    kept = await page.evaluate("""async () => {
        const cache = await caches.open('os1-shell-v1');
        return (await cache.keys()).map((r) => new URL(r.url).pathname);
    }""")
    assert "/app.js" in kept and not any(p.startswith(("/api/", "/v1/")) for p in kept)

    await page.context.set_offline(True)
    await page.reload()
    await expect(page.locator("#status-text")).to_have_text("Can't reach the OS1 server", timeout=20_000)
    await expect(page.get_by_label("Message")).to_be_visible()
    await page.context.set_offline(False)
    await page.reload()
    await expect(page.locator("#status-text")).to_have_text("Ready", timeout=20_000)
    assert [e for e in errors if "Failed to fetch" not in e] == []
