"""The web app in a real browser (Debian's Chromium, driven by Playwright) against the real server on loopback:
signing in, a reply streaming in, history, what OS1 knows (and forgetting), a phone-sized screen, and a spoken
turn through Chromium's fake microphone fed a wav of a question (real Silero and Whisper on the server).

Screenshots go to /tmp/os1-web-*.png for a person to look at; nothing is asserted on them."""

from __future__ import annotations

import asyncio
import re
import shutil
import subprocess
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from playwright.async_api import Browser, Page, Route, expect

from os1.memory.facts import add_fact
from os1.memory.profile import set_blocks
from os1.reminders.book import add_reminder
from os1.server.deps import Hub
from os1.testing import FixedClock, ScriptedModel
from os1.voice.audio import read_wav, write_wav
from os1.voice.base import Audio
from os1.voice.stt import WhisperTranscriber

SHOTS = Path("/tmp")
Launch = Callable[..., Awaitable[Browser]]  # the `launch` fixture (conftest.py)
REPLY = "I'm here, and I'm listening. Tell me everything about your day, the good parts and the hard ones."


async def sign_in(page: Page, base_url: str, token: str) -> list[str]:
    """Open the app and sign in; returns the page's script errors (checked at the end of each test)."""
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    await page.goto(base_url)
    await page.get_by_label("Your sign-in token").fill(token)
    await page.get_by_role("button", name="Sign in").click()
    await expect(page.locator("#app")).to_be_visible()
    return errors


async def watch_reply_lengths(page: Page) -> None:
    """Record, in the page, the length of the newest reply each time it changes (to see it stream)."""
    await page.evaluate("""() => {
        window.replyLengths = [];
        new MutationObserver(() => {
            const replies = document.querySelectorAll('.msg.assistant');
            const last = replies[replies.length - 1];
            if (last) window.replyLengths.push(last.firstChild?.textContent.length ?? 0);
        }).observe(document.getElementById('messages'), {subtree: true, childList: true, characterData: true});
    }""")


async def test_signing_in_and_a_reply_streaming_in_then_history(server: tuple[str, Hub, ScriptedModel],
                                                                 launch: Launch) -> None:
    base_url, hub, scripted = server
    scripted.delay_s = 0.08  # per word: the reply arrives over a second or two
    scripted.enqueue(REPLY)
    token = await hub.tokens.add("theodore")
    page = await (await launch()).new_page(viewport={"width": 1100, "height": 800})
    await page.goto(base_url)
    await page.get_by_label("Your sign-in token").fill("os1_000000000000_not-a-real-token-at-all")
    await page.get_by_role("button", name="Sign in").click()
    await expect(page.locator("#sign-in-error")).to_contain_text("isn't one I know")

    errors = await sign_in(page, base_url, token)
    await expect(page.locator("#status-text")).to_have_text("Ready")
    await expect(page.locator("#person")).to_have_text("theodore")
    await watch_reply_lengths(page)
    await page.get_by_label("Message").fill("Hello there, I had a long day at the office.")
    await page.get_by_label("Message").press("Enter")
    reply = page.locator(".msg.assistant").last
    await expect(reply).to_contain_text("I'm here")
    await page.screenshot(path=SHOTS / "os1-web-streaming.png")
    await expect(reply).not_to_have_class(re.compile("streaming"), timeout=10_000)
    await expect(reply).to_have_text(REPLY)
    lengths: list[int] = await page.evaluate("window.replyLengths")
    assert len(set(lengths)) > 5 and max(lengths) == len(REPLY), "the reply grew piece by piece"
    await page.screenshot(path=SHOTS / "os1-web-chat.png")

    await page.get_by_role("button", name="History").click()
    conversations = page.locator("#conversations li")
    await expect(conversations).to_have_count(1)
    await expect(conversations.first).to_contain_text("Hello there, I had a long day")
    await expect(conversations.first).to_contain_text("2 messages")
    await page.get_by_role("button", name="New conversation").click()
    await expect(page.locator(".msg")).to_have_count(0)
    await page.get_by_role("button", name="History").click()
    await expect(conversations).to_have_count(2)
    await page.get_by_label("Search what you talked about").fill("office")
    await page.get_by_role("button", name="Search", exact=True).first.click()
    found = page.locator("#search-results li")
    await expect(found.first).to_contain_text("long day at the office")
    await page.screenshot(path=SHOTS / "os1-web-history.png")
    await found.first.get_by_role("button").click()  # opens the conversation it comes from
    await expect(page.locator(".msg")).to_have_count(2)
    await expect(page.locator(".msg.assistant")).to_have_text(REPLY)

    await page.reload()  # the token stays on the device
    await expect(page.locator("#app")).to_be_visible()
    await page.get_by_role("button", name="Sign out").click()
    await expect(page.locator("#sign-in")).to_be_visible()
    assert await page.evaluate("localStorage.getItem('os1.token')") is None
    assert not errors


async def test_what_os1_knows_is_listed_searched_and_forgotten_after_confirming(
        server: tuple[str, Hub, ScriptedModel], launch: Launch) -> None:
    base_url, hub, scripted = server
    token = await hub.tokens.add("theodore")
    store = hub.runtime.store
    person = await store.user("theodore")
    await add_fact(store, person, "Theodore's sister Ottilie lives in Lisbon.", "family: sister")
    await add_fact(store, person, "Theodore writes letters for a living.", "job")
    await set_blocks(store, person, {"who": "Theodore, a letter writer in Los Angeles."})
    page = await (await launch()).new_page(viewport={"width": 1100, "height": 900})
    errors = await sign_in(page, base_url, token)

    await page.get_by_role("button", name="What OS1 knows about me").click()
    known = page.locator("#memory")
    await expect(known).to_contain_text("Ottilie lives in Lisbon")
    await expect(known).to_contain_text("writes letters for a living")
    await expect(known).to_contain_text("a letter writer in Los Angeles")
    await page.get_by_label("Find something it knows").fill("Ottilie")
    await page.locator("#memory-search button").click()
    await expect(known).to_contain_text("What I remember about “Ottilie”")
    await expect(known.locator("li").first).to_contain_text("Ottilie")

    # Forgetting by words shows what matches, each to tick: only the ticked one goes, and the
    # destructive button neither has the focus nor works before something is ticked.
    await add_fact(store, person, "Ottilie's cat is called Miso.", "pets: sister's cat")
    await page.get_by_label("What should OS1 forget?").fill("Ottilie")
    await page.get_by_role("button", name="Show what would go").click()
    plan = page.locator("#forget-plan")
    await expect(plan).to_contain_text("Tick what should go")
    await expect(plan).to_contain_text("Ottilie lives in Lisbon")
    await expect(plan).to_contain_text("cat is called Miso")
    await expect(page.locator("#forget-confirm")).to_be_disabled()
    assert await page.evaluate("document.activeElement.id") == "forget-lead"
    await page.screenshot(path=SHOTS / "os1-web-forget.png", full_page=True)
    assert len(await hub.runtime.companion.memory.plan_forget(person, "Ottilie")) >= 2  # nothing gone yet
    await plan.get_by_label(re.compile("cat is called Miso")).check()
    await page.locator("#forget-confirm").click()
    await expect(plan).to_contain_text("Done. I've forgotten 1 thing.")
    await expect(known).to_contain_text("Ottilie lives in Lisbon")
    await expect(known).not_to_contain_text("Miso")
    left = await hub.runtime.companion.memory.plan_forget(person, "Ottilie")
    assert [f.text for f in left.facts] == ["Theodore's sister Ottilie lives in Lisbon."]

    # One fact, from the list itself: it asks first, with the focus on keeping it.
    await known.get_by_role("button", name="Forget: Theodore writes letters for a living.").click()
    assert await page.evaluate("document.activeElement.textContent") == "Keep it"
    await known.get_by_role("button", name="Yes, forget it").click()
    await expect(known).not_to_contain_text("writes letters for a living")
    await expect(known).to_contain_text("Ottilie lives in Lisbon")
    assert not errors


def answering(body: dict[str, Any]) -> Callable[[Route], Awaitable[None]]:
    """A route handler that answers with `body` as JSON, in place of the server."""
    async def fulfill(route: Route) -> None:
        await route.fulfill(json=body)

    return fulfill


# Stands in for the browser's Notification (headless Chromium shows none): permitted, and each one recorded.
FAKE_NOTIFICATIONS = """
window.notified = [];
window.Notification = class {
  static permission = "granted";
  static requestPermission() { return Promise.resolve("granted"); }
  constructor(title, options) { window.notified.push({ title, ...options }); }
};
"""


async def until(condition: Callable[[], bool]) -> None:
    async def poll() -> None:
        while not condition():  # noqa: ASYNC110 - the condition is state of another task, not an event
            await asyncio.sleep(0.01)

    await asyncio.wait_for(poll(), 20)


async def test_a_reminder_shows_in_every_open_tab_of_its_person_and_no_one_elses(
        server: tuple[str, Hub, ScriptedModel], launch: Launch) -> None:
    base_url, hub, scripted = server
    clock = FixedClock(datetime(2026, 11, 20, 14, 3, tzinfo=UTC))
    hub.runtime.companion.clock = clock  # the server's scheduler keeps the companion's time
    store = hub.runtime.store
    theodore_token, amy_token = await hub.tokens.add("theodore"), await hub.tokens.add("amy")
    theodore, amy = await store.user("theodore"), await store.user("amy")
    await add_reminder(store, theodore, "take the pasta off", clock() + timedelta(minutes=20))
    browser = await launch()
    his = await browser.new_context(viewport={"width": 1100, "height": 800})
    await his.add_init_script(FAKE_NOTIFICATIONS)
    first = await his.new_page()
    errors = await sign_in(first, base_url, theodore_token)
    second = await his.new_page()  # a second tab: signed in already (the token stays on the device)
    await second.goto(base_url)
    hers = await (await browser.new_context()).new_page()
    errors += await sign_in(hers, base_url, amy_token)
    await until(lambda: hub.notices.tabs(theodore) == 2 and hub.notices.tabs(amy) == 1)

    clock.advance(minutes=21)
    hub.runtime.scheduler.wake()
    for page in (first, second):
        await expect(page.locator(".msg.notice")).to_have_text(["⏰ Reminder: take the pasta off"])
    await first.screenshot(path=SHOTS / "os1-web-reminder.png")
    assert [n["body"] for n in await first.evaluate("window.notified")] == ["⏰ Reminder: take the pasta off"]
    await expect(hers.locator(".msg.notice")).to_have_count(0)
    assert await hers.evaluate("document.getElementById('messages').textContent.includes('pasta')") is False

    # Said once, and kept in his conversation: history shows it as a reminder.
    await first.get_by_role("button", name="History").click()
    await expect(first.locator("#conversations li")).to_have_count(1)
    await first.locator("#conversations li button").first.click()
    await expect(first.locator(".msg.notice")).to_have_text(["⏰ Reminder: take the pasta off"])
    assert not errors


async def test_a_reminder_due_while_no_tab_was_open_appears_when_one_opens(
        server: tuple[str, Hub, ScriptedModel], launch: Launch) -> None:
    base_url, hub, scripted = server
    clock = FixedClock(datetime(2026, 11, 20, 14, 3, tzinfo=UTC))
    hub.runtime.companion.clock = clock
    store = hub.runtime.store
    token = await hub.tokens.add("theodore")
    theodore = await store.user("theodore")
    await add_reminder(store, theodore, "", clock() - timedelta(minutes=3), alarm=True)
    assert await hub.runtime.scheduler.fire_due() == []  # nobody to tell: it waits
    page = await (await launch()).new_page()
    errors = await sign_in(page, base_url, token)
    await expect(page.locator(".msg.notice")).to_have_text(["⏰ It's 14:00: your alarm."])
    assert not errors


async def unreachable(route: Route) -> None:
    await route.abort("connectionrefused")


async def test_the_status_line_says_where_the_companion_is(server: tuple[str, Hub, ScriptedModel],
                                                            launch: Launch) -> None:
    base_url, hub, scripted = server
    token = await hub.tokens.add("theodore")
    page = await (await launch()).new_page()
    errors = await sign_in(page, base_url, token)
    status = page.locator("#status-text")
    await expect(status).to_have_text("Ready")
    for model, said in (({"state": "loading"}, "Loading the model…"),
                        ({"state": "down"}, "The server is up, but can't reach the model"),
                        ({"state": "busy"}, "Busy — 2 waiting")):
        await page.route("**/api/status", answering({"model": {"name": "scripted", **model}, "queue": 2,
                                                     "person": "theodore"}))
        await page.reload()  # the page asks at once when it opens
        await expect(status).to_have_text(said)
        await page.unroute("**/api/status")
    await page.route("**/api/status", unreachable)  # the server itself is gone
    await page.reload()
    await expect(status).to_have_text("Can't reach the OS1 server")
    await page.unroute("**/api/status")

    # Someone else's turn holds the model: this person's message waits, and both the reply and the line say so.
    ticket = hub.turnstile.join(await hub.runtime.store.user("alice"))
    scripted.enqueue("Sorry to keep you waiting.")
    await page.reload()
    await page.get_by_label("Message").fill("Are you there?")
    await page.get_by_label("Message").press("Enter")
    await expect(page.locator(".msg.assistant .note")).to_have_text("You're next in line…")
    await expect(status).to_have_text("Busy — you're next in line…")
    await page.screenshot(path=SHOTS / "os1-web-waiting.png")
    ticket.close()
    await expect(page.locator(".msg.assistant").last).to_have_text("Sorry to keep you waiting.")
    await expect(status).to_have_text("Ready", timeout=10_000)  # looked at again as the reply ends
    assert not errors


async def test_a_phone_sized_screen_has_no_sideways_scrolling(server: tuple[str, Hub, ScriptedModel],
                                                              launch: Launch) -> None:
    base_url, hub, scripted = server
    scripted.enqueue(REPLY + " " + "Averyveryverylongwordwithoutanyspacesthatmightpushthelayoutsideways. " * 2)
    token = await hub.tokens.add("theodore")
    browser = await launch()
    context = await browser.new_context(viewport={"width": 390, "height": 844}, device_scale_factor=2,
                                        is_mobile=True, has_touch=True)
    page = await context.new_page()
    await page.goto(base_url)
    assert await fits(page)
    await page.screenshot(path=SHOTS / "os1-web-phone-sign-in.png")
    errors = await sign_in(page, base_url, token)
    await page.get_by_label("Message").fill("Hello from my phone!")
    await page.get_by_role("button", name="Send").click()
    await expect(page.locator(".msg.assistant").last).not_to_have_class(re.compile("streaming"))
    assert await fits(page)
    await page.screenshot(path=SHOTS / "os1-web-phone.png")
    # Waits for what each view loads (not for the network to go quiet: the live channel for reminders stays open).
    for tab, loaded in (("History", "#conversations li"), ("What OS1 knows about me", "#memory > *")):
        await page.get_by_role("button", name=tab).click()
        await expect(page.locator(loaded).first).to_be_visible()
        assert await fits(page), f"{tab} scrolls sideways"
    await page.screenshot(path=SHOTS / "os1-web-phone-memory.png")
    assert not errors


async def fits(page: Page) -> bool:
    """No horizontal scroll: the page is no wider than the screen."""
    width: int = await page.evaluate("document.documentElement.scrollWidth")
    return width <= 390


@pytest.fixture(scope="module")
def ear() -> WhisperTranscriber:
    whisper = WhisperTranscriber()
    whisper.warm()
    return whisper


def spoken_wav(folder: Path, *lines: tuple[float, str], length_s: float) -> Path:
    """A wav for the fake microphone: each (at_s, text) spoken by espeak-ng at its time, silence between;
    16-bit PCM mono, the format Chromium's fake capture device plays."""
    if shutil.which("espeak-ng") is None:
        pytest.skip("espeak-ng is not installed (apt-get install espeak-ng)")
    rate = 22_050  # espeak-ng's own
    track = np.zeros(int(length_s * rate), dtype=np.float32)
    for n, (at_s, text) in enumerate(lines):
        path = folder / f"line{n}.wav"
        subprocess.run(["espeak-ng", "-v", "en-us", "-s", "165", "-w", str(path), text], check=True,
                       capture_output=True, timeout=30)
        said = read_wav(path).samples
        start = int(at_s * rate)
        track[start:start + len(said)] += said[:len(track) - start]
    out = folder / "microphone.wav"
    write_wav(out, Audio(track, rate))
    return out


async def watch_voice_bar(page: Page) -> None:
    """Record, in the page, the loudest the meter showed and every line the voice state said."""
    await page.evaluate("""() => {
        window.loudest = 0;
        window.voiceLines = [];
        const meter = document.getElementById('mic-level');
        setInterval(() => { window.loudest = Math.max(window.loudest, meter.value); }, 20);
        const line = document.getElementById('voice-state');
        new MutationObserver(() => window.voiceLines.push(line.textContent))
            .observe(line, {childList: true, characterData: true, subtree: true});
    }""")


def fake_microphone(wav: Path) -> list[str]:
    # %noloop: the file plays once, then the microphone hears silence
    return ["--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream",
            f"--use-file-for-fake-audio-capture={wav}%noloop"]


async def test_talking_out_loud_shows_what_was_heard_and_the_reply(
        server: tuple[str, Hub, ScriptedModel], launch: Launch, ear: WhisperTranscriber, tmp_path: Path) -> None:
    base_url, hub, scripted = server
    hub.extras.update(stt=ear, stt_warm=True)
    scripted.enqueue("Paris is the capital of France.")
    token = await hub.tokens.add("theodore")
    await hub.runtime.store.set_state(await hub.runtime.store.user("theodore"), "voice", "espeak")
    wav = spoken_wav(tmp_path, (1.5, "What is the capital of France?"), length_s=8)
    page = await (await launch(*fake_microphone(wav))).new_page(viewport={"width": 1100, "height": 800})
    errors = await sign_in(page, base_url, token)
    await watch_voice_bar(page)
    await page.get_by_role("button", name="Talk out loud").click()
    await expect(page.locator("#mic")).to_have_attribute("aria-pressed", "true")
    heard = page.locator(".msg.user.voice")
    await expect(heard).to_have_count(1, timeout=30_000)
    await expect(heard).to_contain_text(re.compile(r"capital of France", re.IGNORECASE))
    reply = page.locator(".msg.assistant").last
    await expect(reply).to_have_text("Paris is the capital of France.", timeout=30_000)
    await expect(page.locator("#voice-state")).to_contain_text("Listening", timeout=30_000)
    # The meter moved with the voice, and the line said what it was doing, in order.
    assert await page.evaluate("window.loudest") > 0.5
    lines = [line.split(" ")[0] for line in await page.evaluate("window.voiceLines")]
    assert ["Listening", "Thinking…", "Speaking", "Listening"] == [
        w for n, w in enumerate(lines) if n == 0 or lines[n - 1] != w][-4:]
    await page.screenshot(path=SHOTS / "os1-web-voice.png")
    await page.get_by_role("button", name="Stop talking out loud").click()
    await expect(page.locator("#mic")).to_have_attribute("aria-pressed", "false")
    await expect(page.locator("#chat-error")).to_be_hidden()
    assert not errors


async def test_speaking_over_the_reply_in_the_browser_stops_it(
        server: tuple[str, Hub, ScriptedModel], launch: Launch, ear: WhisperTranscriber, tmp_path: Path) -> None:
    base_url, hub, scripted = server
    hub.extras.update(stt=ear, stt_warm=True)
    long_reply = ("Lisbon in March is lovely. The days are mild and bright, and the evenings are cool. You could "
                  "walk along the river, take the tram up to the castle, and eat pastries in the old bakeries. "
                  "A day trip to Sintra is easy by train, and the palaces there are worth a whole afternoon.")
    scripted.enqueue(long_reply)
    scripted.enqueue("Of course, the weather. It should be sunny.")
    token = await hub.tokens.add("theodore")
    await hub.runtime.store.set_state(await hub.runtime.store.user("theodore"), "voice", "espeak")
    # The second line comes while the first reply (about 15 s of speech) is still playing.
    wav = spoken_wav(tmp_path, (1.5, "Tell me about Lisbon in March."), (9.0, "Wait, stop. What will the weather be?"),
                     length_s=20)
    page = await (await launch(*fake_microphone(wav))).new_page()
    cleared: list[str] = []
    page.on("websocket", lambda ws: ws.on(
        "framereceived", lambda frame: cleared.append(frame) if frame == '{"type": "clear"}' else None))
    errors = await sign_in(page, base_url, token)
    await page.get_by_role("button", name="Talk out loud").click()
    heard = page.locator(".msg.user.voice")
    await expect(heard).to_have_count(2, timeout=40_000)
    await expect(heard.nth(1)).to_contain_text("weather")
    replies = page.locator(".msg.assistant")
    await expect(replies.first.locator(".note")).to_have_text("(interrupted)")
    await expect(replies.nth(1)).to_have_text("Of course, the weather. It should be sunny.", timeout=30_000)
    assert cleared, "the page was told to drop the rest of the first reply"
    await page.screenshot(path=SHOTS / "os1-web-barge-in.png")
    assert not errors


async def test_push_to_talk_hears_only_what_is_said_while_held_and_stop_cuts_the_reply(
        server: tuple[str, Hub, ScriptedModel], launch: Launch, ear: WhisperTranscriber, tmp_path: Path) -> None:
    base_url, hub, scripted = server
    hub.extras.update(stt=ear, stt_warm=True)
    long_reply = ("Madrid is the capital of Spain. It sits right in the middle of the country, on a high plain, and "
                  "it is known for its museums, its parks and its very late dinners, often after ten at night.")
    scripted.enqueue(long_reply)
    token = await hub.tokens.add("theodore")
    await hub.runtime.store.set_state(await hub.runtime.store.user("theodore"), "voice", "espeak")
    # The first question comes while nothing is held: never heard. The second, while the button is held.
    wav = spoken_wav(tmp_path, (1.5, "What is the capital of France?"), (7.0, "What is the capital of Spain?"),
                     length_s=30)
    page = await (await launch(*fake_microphone(wav))).new_page(viewport={"width": 1100, "height": 800})
    errors = await sign_in(page, base_url, token)
    await page.evaluate("localStorage.setItem('os1.pushToTalk', '1')")
    await page.get_by_role("button", name="Talk out loud").click()
    started = asyncio.get_running_loop().time()
    hold = page.get_by_role("button", name="Hold to talk")
    await expect(hold).to_be_visible()
    await expect(page.get_by_label("Push to talk")).to_be_checked()
    await expect(page.locator("#voice-state")).to_contain_text("while you hold", timeout=30_000)
    await asyncio.sleep(max(0.0, started + 6.0 - asyncio.get_running_loop().time()))
    await hold.hover()
    await page.mouse.down()
    await expect(page.locator("#hold")).to_have_attribute("aria-pressed", "true")
    await asyncio.sleep(max(0.0, started + 10.5 - asyncio.get_running_loop().time()))
    await page.mouse.up()
    heard = page.locator(".msg.user.voice")
    await expect(heard).to_have_count(1, timeout=30_000)
    await expect(heard).to_contain_text(re.compile(r"Spain", re.IGNORECASE))
    await expect(heard).not_to_contain_text(re.compile(r"France", re.IGNORECASE))

    stop = page.get_by_role("button", name="Stop", exact=True)
    await expect(stop).to_be_visible(timeout=30_000)  # she is speaking
    await page.screenshot(path=SHOTS / "os1-web-voice-speaking.png")
    await stop.click()
    await expect(page.locator(".msg.assistant").last.locator(".note")).to_have_text("(interrupted)", timeout=15_000)
    await expect(stop).to_be_hidden()
    person = await hub.runtime.store.user("theodore")
    conversation = await hub.runtime.store.latest_conversation(person)
    assert conversation is not None
    stored = await hub.runtime.store.messages(conversation)
    assert stored[-1].role == "assistant" and stored[-1].status == "interrupted"
    assert len(stored[-1].content) < len(long_reply) or stored[-1].content == long_reply
    assert not errors
