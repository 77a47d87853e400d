"""The web app on a household's shared screen, in a real browser (Debian's Chromium through Playwright) against the
real server on loopback: one person signing out and the next signing in on the same tab finds nothing of the
first (page, storage, caches, connections); the conversation comes back at its end after a reload; errors keep
the unsent text and send it again; a reply can be stopped, copied, written again, and the last message edited;
replies are Markdown, rendered safely; a first visit says how to get a token; an accessibility audit.

Screenshots go to /tmp/os1-web-*.png for a person to look at; nothing is asserted on them."""

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path

import pytest
from axe_playwright_python.async_playwright import Axe
from playwright.async_api import Browser, Page, Request, Route, expect

from os1.config import Settings
from os1.server.app import create_app, open_hub
from os1.server.deps import Hub
from os1.testing import ScriptedModel

SHOTS = Path("/tmp")
Launch = Callable[..., Awaitable[Browser]]  # the `launch` fixture (conftest.py)
Server = tuple[str, Hub, ScriptedModel]
DESKTOP = {"width": 1100, "height": 760}
PHONE = {"width": 390, "height": 844}


async def sign_in(page: Page, token: str) -> None:
    await page.get_by_label("Your sign-in token").fill(token)
    await page.get_by_role("button", name="Sign in").click()
    await expect(page.locator("#app")).to_be_visible()


async def open_app(browser: Browser, base_url: str, viewport: dict[str, int] = DESKTOP) -> tuple[Page, list[str]]:
    """A new tab on the app; returns it with the list its script errors go to (checked at the end of a test)."""
    context = await browser.new_context(viewport=viewport)  # type: ignore[arg-type]
    page = await context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    await page.goto(base_url)
    return page, errors


async def say(page: Page, text: str) -> None:
    await page.get_by_label("Message").fill(text)
    await page.get_by_label("Message").press("Enter")


async def reply_done(page: Page, text: str) -> None:
    reply = page.locator(".msg.assistant").last
    await expect(reply).to_have_text(text, timeout=10_000)
    await expect(reply).not_to_have_class(re.compile("streaming"))


async def until(condition: Callable[[], bool]) -> None:
    async def poll() -> None:
        while not condition():  # noqa: ASYNC110 - the condition is state of another task, not an event
            await asyncio.sleep(0.01)

    await asyncio.wait_for(poll(), 20)


async def everything_kept(page: Page) -> dict[str, object]:
    """What the tab holds: its text, every field's value, its storage, its caches."""
    kept: dict[str, object] = await page.evaluate(r"""async () => ({
        text: document.body.innerText + ' ' + document.body.textContent,
        fields: [...document.querySelectorAll('input, textarea')].map((f) => f.value).join(' '),
        local: Object.keys(localStorage), session: Object.keys(sessionStorage),
        // The offline shell (sw.js) keeps the app's own files, filled again on every visit: anything else, or
        // anything but those files in it, would be someone's.
        caches: window.caches ? (await Promise.all((await caches.keys()).map(async (name) =>
          name.startsWith('os1-shell-') ? (await (await caches.open(name)).keys()).map((r) => new URL(r.url).pathname)
                .filter((p) => p !== '/' && !/^\/[\w.-]+\.(?:html|js|css|svg|png|webmanifest)$/.test(p))
            : [name]))).flat() : [],
    })""")
    return kept


async def test_the_next_person_on_the_same_tab_finds_nothing_of_the_one_before(server: Server,
                                                                                launch: Launch) -> None:
    base_url, hub, scripted = server
    maria_token, jon_token = await hub.tokens.add("maria"), await hub.tokens.add("jon")
    maria = await hub.runtime.store.user("maria")
    scripted.enqueue("A surprise party on Friday! Your secret is safe with me.")
    page, errors = await open_app(await launch(), base_url)
    answers: list[tuple[str, str | None]] = []
    page.on("response", lambda r: answers.append((r.url, r.headers.get("cache-control"))))
    await sign_in(page, maria_token)
    await say(page, "Psst: the surprise party for Jon is on Friday.")
    await reply_done(page, "A surprise party on Friday! Your secret is safe with me.")
    await page.get_by_role("button", name="History").click()
    await page.get_by_label("Search what you talked about").fill("party")
    await page.get_by_role("button", name="Search", exact=True).first.click()
    await expect(page.locator("#search-results li").first).to_contain_text("surprise party")
    await page.get_by_role("button", name="What OS1 knows about me").click()
    await page.get_by_label("Find something it knows").fill("surprise party")
    await page.get_by_label("What should OS1 forget?").fill("the party")
    await page.get_by_role("button", name="Talk").click()
    await page.get_by_label("Message").fill("and the cake is chocolate")  # typed, never sent
    await until(lambda: hub.notices.tabs(maria) == 1)
    assert all(cache == "no-store" for url, cache in answers if "/api/" in url), "nothing of hers kept in a cache"

    sent_after: list[Request] = []
    await page.get_by_role("button", name="Sign out").click()
    page.on("request", lambda request: sent_after.append(request))
    await expect(page.get_by_role("heading", name="You're signed out")).to_be_visible()
    await until(lambda: hub.notices.tabs(maria) == 0)  # her live channel is closed
    kept = await everything_kept(page)
    for word in ("party", "Friday", "chocolate", "maria", "secret"):
        assert word not in str(kept["text"]) + str(kept["fields"]), f"{word!r} is still in the page"
    assert kept["local"] == [] and kept["session"] == [] and kept["caches"] == []
    await page.screenshot(path=SHOTS / "os1-web-signed-out.png")

    await sign_in(page, jon_token)
    await expect(page.locator("#person")).to_have_text("jon")
    await expect(page.locator("#chat-empty")).to_be_visible()
    await expect(page.locator(".msg")).to_have_count(0)
    await page.get_by_role("button", name="History").click()
    await expect(page.locator("#conversations li")).to_have_text(["No conversations yet. Say hello!"])
    await expect(page.locator("#found")).to_be_hidden()
    await page.get_by_role("button", name="What OS1 knows about me").click()
    await expect(page.locator("#memory")).to_contain_text("Nothing yet")
    kept = await everything_kept(page)
    for word in ("party", "Friday", "chocolate", "maria", "secret"):
        assert word not in str(kept["text"]) + str(kept["fields"]), f"Jon sees {word!r}"
    assert not [r.url for r in sent_after if maria_token in (r.headers.get("authorization") or "")], \
        "nothing was asked with her token after she signed out"
    assert not errors


def sse(*events: dict[str, object]) -> str:
    return "".join(f"data: {json.dumps(e)}\n\n" for e in events)


async def last_message_in_sight(page: Page) -> bool:
    """The newest message ends above the composer (not under it), within the window."""
    result: bool = await page.evaluate("""() => {
        const turns = document.querySelectorAll('#messages .turn');
        const last = turns[turns.length - 1].querySelector('.msg').getBoundingClientRect();
        const composer = document.getElementById('composer').getBoundingClientRect();
        return last.bottom <= composer.top + 1 && last.bottom > 0;
    }""")
    return result


async def test_the_conversation_comes_back_at_its_end_and_stays_in_sight(server: Server, launch: Launch) -> None:
    base_url, hub, scripted = server
    token = await hub.tokens.add("theodore")
    store = hub.runtime.store
    person = await store.user("theodore")
    older = await store.new_conversation(person)
    await store.append(older, "user", "The first thing I ever told you was about the lake.")
    for n in range(15):
        await store.append(older, "user", f"Older question number {n}, long enough to take a line or two here.")
        await store.append(older, "assistant", f"Older answer number {n}: a reply that fills the screen up.")
    latest = await store.new_conversation(person)
    for n in range(15):
        await store.append(latest, "user", f"Question number {n}, long enough to take a line or two of space.")
        await store.append(latest, "assistant", f"Answer number {n}: a reply that fills the screen up nicely.")
    page, errors = await open_app(await launch(), base_url)
    await sign_in(page, token)
    await expect(page.locator(".msg")).to_have_count(30)  # the latest conversation, at its end
    await expect(page.locator(".msg").last).to_have_text("Answer number 14: a reply that fills the screen up nicely.")
    assert await last_message_in_sight(page)

    long_reply = ("The lake at dusk turns the colour of the inside of a shell, pink and grey and silver all at "
                  "once, and the water goes so still that the far shore seems to hang upside down in it. "
                  "You said once that it was the only place where you could hear yourself think. "
                  "I'd love to hear what it was like this time, and whether the old boathouse is still there.")
    scripted.enqueue(long_reply)
    await say(page, "A new message at the end of a long conversation.")
    await reply_done(page, long_reply)
    assert await last_message_in_sight(page), "the newest reply is not hidden under the message box"
    assert await page.evaluate("(() => { const b = document.getElementById('message');"
                               " return b.scrollHeight <= b.clientHeight; })()"), "no scrollbar in the box"
    await expect(page.locator("#status")).to_be_in_viewport()  # the header stays at the top
    await page.screenshot(path=SHOTS / "os1-web-talk.png")

    # A reply that comes in one piece (no deltas) is brought into sight too.
    whole = " ".join(f"Part {n} of it, all at once." for n in range(30))
    await page.route("**/api/chat", lambda route: route.fulfill(
        status=200, content_type="text/event-stream",
        body=sse({"type": "turn_started", "conversation_id": latest.id}, {"type": "turn_ended", "text": whole})))
    await say(page, "Say it all at once, please.")
    await reply_done(page, whole.strip())
    assert await last_message_in_sight(page)
    await page.unroute("**/api/chat")

    await page.reload()
    await expect(page.locator(".msg")).to_have_count(32)  # the one-piece reply was the stand-in's, not stored
    assert await last_message_in_sight(page), "after a reload the conversation shows at its end"

    await page.get_by_role("button", name="History").click()
    await page.locator("#conversations li button").nth(1).click()  # the older one
    await expect(page.locator(".msg").first).to_have_text("The first thing I ever told you was about the lake.")
    assert await last_message_in_sight(page), "a conversation opened from History shows at its end"
    assert not errors


@pytest.fixture
async def impatient_server(settings: Settings, scripted: ScriptedModel,
                           served: Callable[..., object]) -> AsyncIterator[Server]:
    """The server with a short wait in line: where a door without its own Stop would give up on a turn."""
    hub = await open_hub(settings, model=scripted, queue_timeout_s=0.3)
    try:
        async with served(create_app(hub, learn=False)) as base_url:  # type: ignore[attr-defined]
            yield base_url, hub, scripted
    finally:
        await hub.runtime.close()


async def refused(route: Route) -> None:
    await route.abort("connectionrefused")


async def test_a_message_is_never_lost_to_an_error_a_queue_or_a_stop(impatient_server: Server,
                                                                     launch: Launch) -> None:
    base_url, hub, scripted = impatient_server
    token = await hub.tokens.add("theodore")
    page, errors = await open_app(await launch(), base_url)
    await sign_in(page, token)

    await page.route("**/api/chat", refused)  # the server went away just as it was sent
    await say(page, "Remind me what we said about Lisbon?")
    problem = page.locator(".turn.unsent .problem")
    await expect(problem).to_contain_text("can't reach the OS1 server")
    await expect(page.get_by_label("Message")).to_have_value("Remind me what we said about Lisbon?")
    await page.screenshot(path=SHOTS / "os1-web-unsent.png")
    await page.unroute("**/api/chat")
    scripted.enqueue("We said March, for the light.")
    await problem.get_by_role("button", name="Send again").click()
    await reply_done(page, "We said March, for the light.")
    await expect(page.locator(".turn.user")).to_have_count(1)
    await expect(page.locator(".turn.unsent")).to_have_count(0)
    await expect(page.get_by_label("Message")).to_have_value("")

    # Behind someone else's long turn, past the server's usual wait: it waits on, and is answered.
    ticket = hub.turnstile.join(await hub.runtime.store.user("alice"))
    scripted.enqueue("Sorry to keep you waiting.")
    await say(page, "Are you there?")
    await expect(page.locator(".msg.assistant .note").last).to_have_text("You're next in line…")
    await asyncio.sleep(1.0)  # over three times the wait after which the server would have given up
    ticket.close()
    await reply_done(page, "Sorry to keep you waiting.")

    # Stop: the reply ends where it is, and the model is free again.
    scripted.delay_s = 0.15
    scripted.enqueue("Once upon a time " + "there was a very long story that went on and on " * 20)
    await say(page, "Tell me a long story.")
    await expect(page.locator(".msg.assistant").last).to_contain_text("Once upon")
    await page.get_by_role("button", name="Stop the reply").click()
    await expect(page.locator(".msg.assistant .note").last).to_have_text("(stopped)")
    await expect(page.get_by_role("button", name="Send", exact=True)).to_be_visible()
    await until(lambda: not hub.turnstile.snapshot().active)
    assert not errors


MARKDOWN = ("Here is **something bold** and *a thought*, a [safe link](https://example.org/a) and "
            "[a trap](javascript:alert(1)) and <img src=x onerror=\"window.owned=1\"> too.\n\n"
            "- first thing\n- second thing\n\n```\nprint('<b>hi</b>')\n```")


async def test_replies_in_markdown_with_time_copy_again_and_edit(server: Server, launch: Launch) -> None:
    base_url, hub, scripted = server
    token = await hub.tokens.add("theodore")
    browser = await launch()
    context = await browser.new_context(viewport=DESKTOP)  # type: ignore[arg-type]
    await context.grant_permissions(["clipboard-read", "clipboard-write"])
    page = await context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    await page.goto(base_url)
    await sign_in(page, token)
    # The page's rendering of everything Markdown can hold, links and code included, with markup and a script
    # hidden in it, from a stand-in for the server (the companion's own words pass through its text guard first).
    await page.route("**/api/chat", lambda route: route.fulfill(
        status=200, content_type="text/event-stream",
        body=sse({"type": "text_delta", "text": MARKDOWN[:40]}, {"type": "text_delta", "text": MARKDOWN[40:]},
                 {"type": "turn_ended", "text": MARKDOWN})))
    await say(page, "Show me everything.")
    reply = page.locator(".msg.assistant").last
    await expect(reply.locator("strong")).to_have_text("something bold")
    await expect(reply.locator("em")).to_have_text("a thought")
    await expect(reply.locator("li")).to_have_text(["first thing", "second thing"])
    await expect(reply.locator("pre code")).to_have_text("print('<b>hi</b>')")
    link = reply.get_by_role("link", name="safe link")
    await expect(link).to_have_attribute("href", "https://example.org/a")
    await expect(link).to_have_attribute("rel", "noopener noreferrer nofollow")
    await expect(reply.get_by_role("link", name="a trap")).to_have_count(0)
    await expect(reply.locator("img, b, script")).to_have_count(0)
    await expect(reply).to_contain_text('<img src=x onerror="window.owned=1">')
    assert await page.evaluate("window.owned") is None
    await reply.locator("xpath=..").get_by_role("button", name="Copy this reply").click()
    assert await page.evaluate("navigator.clipboard.readText()") == MARKDOWN
    await page.unroute("**/api/chat")
    await page.reload()  # the stand-in's exchange was never stored

    scripted.enqueue("Here is **something bold** and *a thought*.\n\n- first thing\n- second thing")
    await say(page, "Show me some formatting.")
    reply = page.locator(".msg.assistant").last
    await expect(reply.locator("strong")).to_have_text("something bold")
    await expect(reply.locator("li")).to_have_text(["first thing", "second thing"])
    for turn in await page.locator(".turn.user, .turn.assistant").all():
        assert await turn.locator("time[datetime]").count() == 1

    store = hub.runtime.store
    person = await store.user("theodore")
    scripted.enqueue("A second try, plainer.")
    await page.get_by_role("button", name="Write this reply again").click()
    await reply_done(page, "A second try, plainer.")
    conversation = (await store.conversations(person, 1))[0].conversation
    assert [m.content for m in await store.messages(conversation)] == ["Show me some formatting.",
                                                                       "A second try, plainer."]

    scripted.enqueue("Lists, then.")
    await page.get_by_role("button", name="Change what you said last").click()
    await expect(page.get_by_label("Message")).to_have_value("Show me some formatting.")
    await expect(page.locator("#editing")).to_be_visible()
    await say(page, "Show me a list instead.")
    await reply_done(page, "Lists, then.")
    await expect(page.locator(".msg")).to_have_count(2)
    await expect(page.locator(".msg.user")).to_have_text("Show me a list instead.")
    assert [m.content for m in await store.messages(conversation)] == ["Show me a list instead.", "Lists, then."]
    assert not errors


SERIOUS = {"serious", "critical"}


async def audit(page: Page) -> list[str]:
    results = await Axe().run(page)
    return [f"{v['id']}: {v['help']} at {[n['target'] for n in v['nodes']]}"
            for v in results.response["violations"] if v["impact"] in SERIOUS]


async def test_a_first_visit_and_every_view_pass_an_accessibility_audit(server: Server, launch: Launch) -> None:
    base_url, hub, scripted = server
    token = await hub.tokens.add("theodore")
    scripted.enqueue("Welcome! **Glad** you're here.")
    browser = await launch()
    for name, viewport in (("desktop", DESKTOP), ("phone", PHONE)):
        page, errors = await open_app(browser, base_url, viewport)
        await expect(page.get_by_role("heading", name="Welcome to OS1")).to_be_visible()
        await page.get_by_text("New here? How to get a token").click()
        await expect(page.locator(".new-here")).to_contain_text("os1 users add")
        await page.screenshot(path=SHOTS / f"os1-web-first-visit-{name}.png")
        assert await audit(page) == [], "the sign-in page"
        await sign_in(page, token)
        if name == "desktop":
            await say(page, "Hello, I'm new.")
        await reply_done(page, "Welcome! Glad you're here.")
        assert await audit(page) == [], "talk"
        await page.screenshot(path=SHOTS / f"os1-web-talk-{name}.png")
        for tab, ready in (("History", "#conversations li"), ("What OS1 knows about me", "#memory > *"),
                           ("Settings", "#set-model")):
            await page.get_by_role("button", name=tab).click()
            await expect(page.locator(ready).first).to_be_visible()
            assert await audit(page) == [], tab
            await page.screenshot(path=SHOTS / f"os1-web-{tab.split()[0].lower()}-{name}.png", full_page=True)
        assert not errors

    icon = await page.request.get(f"{base_url}/icon.svg")
    assert icon.ok and "svg" in icon.headers["content-type"]
    manifest = await (await page.request.get(f"{base_url}/manifest.webmanifest")).json()
    assert manifest["name"] == "OS1" and {"192x192", "512x512"} <= {i["sizes"] for i in manifest["icons"]}
    assert (await page.evaluate("document.querySelector('link[rel=icon]').href")).endswith("/icon.svg")
