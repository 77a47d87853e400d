"""Music in the web app: the API serves each person's own pieces (sound rendered by the real FluidSynth) and
nobody else's, and a piece composed in a chat turn appears under the reply with a player, in a real Chromium."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any

import httpx
import pytest
from playwright.async_api import Browser, async_playwright, expect

from os1.music.making import finish_renders
from os1.server.deps import Hub
from os1.testing import ScriptedModel

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--disable-default-apps", "--disable-extensions", "--disable-quic", "--mute-audio",
        "--autoplay-policy=no-user-gesture-required"]
Chat = Callable[..., Awaitable[list[dict[str, Any]]]]
SignIn = Callable[[str], Awaitable[dict[str, str]]]
LAKE = {"action": "call", "tool": "compose_music",
        "arguments": {"about": "our walk by the lake", "mood": "calm", "title": "Still Water"}}


async def test_the_api_serves_a_persons_own_music_only(server: tuple[str, Hub, ScriptedModel], sign_in: SignIn,
                                                       chat: Chat) -> None:
    base_url, _, scripted = server
    theo, amy = await sign_in("theodore"), await sign_in("amy")
    scripted.enqueue_json(LAKE)
    async with httpx.AsyncClient(base_url=base_url, timeout=120) as client:
        events = await chat(client, theo, "write a song about our walk by the lake")
        (music,) = [e for e in events if e["type"] == "music"]
        listed = (await client.get("/api/music", headers=theo)).json()["pieces"]
        assert [(p["id"], p["title"]) for p in listed] == [(music["piece_id"], "Still Water")]
        assert (await client.get("/api/music", headers=amy)).json() == {"pieces": []}
        sound = await client.get(f"/api/music/{music['piece_id']}/audio", headers=theo)
        assert sound.status_code == 200 and sound.headers["content-type"] == "audio/wav"
        assert sound.content[:4] == b"RIFF" and len(sound.content) > 1_000_000
        midi = await client.get(f"/api/music/{music['piece_id']}/audio?format=midi", headers=theo)
        assert midi.content[:4] == b"MThd"
        for method in ("GET", "DELETE"):  # someone else's piece is no piece at all
            path = f"/api/music/{music['piece_id']}" + ("/audio" if method == "GET" else "")
            assert (await client.request(method, path, headers=amy)).status_code == 404
        assert (await client.delete(f"/api/music/{music['piece_id']}", headers=theo)).json()["title"] == "Still Water"
        assert (await client.get("/api/music", headers=theo)).json() == {"pieces": []}
    await finish_renders()


@pytest.fixture
def chromium() -> Path:
    if not CHROMIUM.exists():
        pytest.skip("Chromium is not installed (apt-get install chromium)")
    return CHROMIUM


@pytest.fixture
async def browser(chromium: Path) -> AsyncIterator[Browser]:
    async with async_playwright() as playwright:
        launched = await playwright.chromium.launch(executable_path=str(chromium), headless=True, args=ARGS)
        yield launched
        await launched.close()


async def test_a_composed_piece_gets_a_player_under_the_reply(server: tuple[str, Hub, ScriptedModel],
                                                              browser: Browser) -> None:
    base_url, hub, scripted = server
    scripted.enqueue_json(LAKE)
    token = await hub.tokens.add("theodore")
    page = await browser.new_page(viewport={"width": 1100, "height": 800})
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    await page.goto(base_url)
    await page.get_by_label("Your sign-in token").fill(token)
    await page.get_by_role("button", name="Sign in").click()
    await expect(page.locator("#app")).to_be_visible()
    await page.get_by_label("Message").fill("write a song about our walk by the lake")
    await page.get_by_label("Message").press("Enter")
    await expect(page.locator(".msg.assistant").last).to_contain_text("Still Water")
    piece = page.locator("figure.piece")
    await expect(piece).to_contain_text("♪ Still Water")
    player = piece.locator("audio")
    await expect(player).to_have_attribute("src", re.compile("^blob:"), timeout=60_000)
    duration = await player.evaluate(
        "a => new Promise(ok => a.readyState >= 1 ? ok(a.duration) : a.addEventListener('loadedmetadata', "
        "() => ok(a.duration)))")
    assert 30 <= duration <= 125
    await page.screenshot(path="/tmp/os1-web-music.png")
    assert not errors
    await finish_renders()
