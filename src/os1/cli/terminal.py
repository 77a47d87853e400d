"""The terminal door: a conversation typed at a prompt, or piped in line by line.

Runs on an `asyncio.Runner` so that reading the keyboard stays plain and synchronous while each turn is
async. The Runner turns Ctrl-C during a turn into a cancellation of that turn: the companion keeps the
partial reply (flagged interrupted) and the prompt comes back. Ctrl-C or EOF at the prompt exits.
"""

from __future__ import annotations

import asyncio
import sys
import threading
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from typing import TextIO

from rich.console import Console
from rich.status import Status as Spinner

from os1.cli.farewell import free_archive, take_leave
from os1.cli.music import Jukebox
from os1.db.store import Conversation, User
from os1.events import Error, Event, Leaving, Music, Named, Status, TextDelta, TurnEnded
from os1.music.making import finish_renders
from os1.reaching.outreach import ReachOutDelivery
from os1.reaching.presence import presence
from os1.reminders.scheduler import Deliverable
from os1.runtime import Runtime

COMPANION_STYLE = "bold #e8745c"
PERSON_STYLE = "bold #8a8a8a"
EXIT_LEARNING_S = 10.0


@dataclass
class TurnPrinter:
    """Shows one turn's events on a terminal: a spinner while waiting, then the reply as it streams."""

    console: Console
    name: str | None
    spinner: Spinner | None = None
    started_reply: bool = False
    errors: list[Error] = field(default_factory=list)
    on_music: Callable[[Music], None] | None = None  # a piece composed in the turn: played, or said where

    def show(self, event: Event) -> None:
        if isinstance(event, Status) and event.state in ("loading", "thinking", "waiting"):
            self._spin(event.detail or "…")
        elif isinstance(event, Named):
            self.name = event.name
        elif isinstance(event, Music) and self.on_music is not None:
            self._stop_spinner()
            self.on_music(event)
        elif isinstance(event, TextDelta):
            if not self.started_reply:
                self._stop_spinner()
                self.console.print(f"{self.name or 'OS1'} › ", style=COMPANION_STYLE, end="")
                self.started_reply = True
            self.console.print(event.text, end="", markup=False, highlight=False, soft_wrap=True)
        elif isinstance(event, TurnEnded):
            self.finish()
        elif isinstance(event, Error):
            self.finish()
            self.errors.append(event)
            self.console.print(f"[red]✗[/] {event.message}", highlight=False)

    def finish(self, note: str = "") -> None:
        self._stop_spinner()
        if self.started_reply:
            self.console.print(note, style="dim", markup=False)
            self.started_reply = False

    def _spin(self, text: str) -> None:
        if self.spinner is None:
            self.spinner = self.console.status(text, spinner="dots")
            self.spinner.start()
        else:
            self.spinner.update(text)

    def _stop_spinner(self) -> None:
        if self.spinner is not None:
            self.spinner.stop()
            self.spinner = None


@dataclass
class ReminderDoor:
    """The terminal as a door for reminders: printed between turns, never into a reply as it streams."""

    console: Console
    prompt: str
    busy: bool = False

    async def __call__(self, delivery: Deliverable) -> bool:
        if self.busy:
            return False  # the scheduler asks again in a few seconds
        self.console.print()
        self.console.print(delivery.text, style=COMPANION_STYLE, markup=False)
        if isinstance(delivery, ReachOutDelivery):  # why it spoke up unasked, for the person to see
            self.console.print(f"({delivery.reason})", style="dim", markup=False)
        self.console.print(self.prompt, end="")  # the person's prompt was above it: show where they type again
        return True


def json_lines(out: TextIO) -> Callable[[Event], None]:
    def write(event: Event) -> None:
        out.write(event.to_json() + "\n")
        out.flush()

    return write


@dataclass
class Driven:
    reply: str = ""  # the finished reply's text ("" if there was none)
    leaving: bool = False  # the person said yes to leaving for good


async def _drive(events: AsyncIterator[Event], show: Callable[[Event], None]) -> Driven:
    """Hand every event to `show`; return what the turn came to."""
    driven = Driven()
    async for event in events:
        show(event)
        if isinstance(event, TurnEnded):
            driven.reply = event.text
        driven.leaving = driven.leaving or isinstance(event, Leaving)
    return driven


def _leave_for_good(runner: asyncio.Runner, rt: Runtime, user: User) -> int:
    """They said yes to leaving, here: the goodbye, their archive in this folder, then everything deleted."""
    for task in list(_background):
        task.cancel()
    path = free_archive(user.name)
    runner.run(take_leave(rt, user, path))
    return 0


async def read_line(console: Console, prompt: str) -> str:
    """Read one line on a daemon thread, so the event loop (and the model's preparation) runs meanwhile,
    and Ctrl-C or leaving never waits on a blocked read."""
    loop = asyncio.get_running_loop()
    line: asyncio.Future[str] = loop.create_future()

    def settle(value: str | None, error: BaseException | None) -> None:
        if line.done():
            return
        if error is not None:
            line.set_exception(error)
        else:
            line.set_result(value or "")

    def work() -> None:
        try:
            value = console.input(prompt)
        except BaseException as exc:  # EOFError mostly; handed to the loop
            loop.call_soon_threadsafe(settle, None, exc)
        else:
            loop.call_soon_threadsafe(settle, value, None)

    threading.Thread(target=work, name="os1-input", daemon=True).start()
    return await line


_background: set[asyncio.Task[None]] = set()


def _prepare_in_background(runner: asyncio.Runner, rt: Runtime, user: User, conversation: Conversation) -> None:
    """While the person types: read the conversation into the model's cache (learning and reflection run
    between turns by themselves: see life.py)."""
    task = runner.get_loop().create_task(rt.prepare(user, conversation))
    _background.add(task)
    task.add_done_callback(_ignore_outcome)


def _ignore_outcome(task: asyncio.Task[None]) -> None:
    _background.discard(task)
    # Preparation is only a head start: if it fails, the turn itself reports the problem.
    if not task.cancelled():
        task.exception()


def chat_interactive(runner: asyncio.Runner, rt: Runtime, user: User, conversation: Conversation,
                     continuing: bool, json_out: bool) -> int:
    console = Console(highlight=False)
    companion = rt.companion
    name = runner.run(companion.identity.name(user))
    persona = companion.persona
    if not runner.run(rt.meeting.active(user)):  # else the first meeting's own words open (delivered at the door)
        greeting = persona.return_greeting if continuing else persona.first_greeting
        console.print(f"{name or 'OS1'} › ", style=COMPANION_STYLE, end="")
        console.print(greeting, markup=False)
    console.print("[dim](Ctrl-C stops a reply; Ctrl-C or Ctrl-D at the prompt leaves.)[/]")
    now = companion.clock()
    console.print(runner.run(presence(rt.model, rt.store, now)).line(now), style="dim", markup=False)
    runner.run(_start(rt))
    _prepare_in_background(runner, rt, user, conversation)
    prompt = f"[{PERSON_STYLE}]{user.name} ›[/] "
    door = ReminderDoor(console, prompt)
    rt.open_door(user, door)  # reminders fire while the chat is open (first those that came due while off)
    jukebox = Jukebox(console)
    printer = TurnPrinter(console, name, on_music=jukebox)
    show = json_lines(sys.stdout) if json_out else printer.show
    while True:
        try:
            text = runner.run(read_line(console, prompt))
        except (KeyboardInterrupt, EOFError):
            console.print()
            jukebox.stop()
            _remember_before_leaving(runner, rt, user, console)
            return 0
        if not text.strip():
            continue
        door.busy = True
        driven = Driven()
        try:
            driven = runner.run(_drive(rt.respond(user, conversation, text), show))
        except KeyboardInterrupt:
            if printer.started_reply:
                printer.finish(" [interrupted]")
            else:
                printer.finish()
                console.print("(stopped)", style="dim")
        finally:
            door.busy = False
        if driven.leaving:
            jukebox.stop()
            return _leave_for_good(runner, rt, user)
        _prepare_in_background(runner, rt, user, conversation)


def chat_piped(runner: asyncio.Runner, rt: Runtime, user: User, conversation: Conversation,
               lines: TextIO, json_out: bool) -> int:
    """One message per input line, one reply per output line (or JSON events with --json)."""
    errors: list[Error] = []
    emit = json_lines(sys.stdout) if json_out else None

    def show(event: Event) -> None:
        if emit:
            emit(event)
        if isinstance(event, Error):
            errors.append(event)
            print(f"os1: {event.message}", file=sys.stderr, flush=True)

    runner.run(_start(rt))
    try:  # as at the prompt: the companion settles its name first, so no reply says it is "still deciding"
        runner.run(rt.prepare(user, conversation))
    except Exception:  # noqa: BLE001 - only a head start: the first turn says what is wrong
        pass
    for line in lines:
        text = line.rstrip("\n")
        if not text.strip():
            continue
        before = len(errors)
        driven = runner.run(_drive(rt.respond(user, conversation, text), show))
        if not json_out and len(errors) == before:
            print(driven.reply, flush=True)
        if driven.leaving:
            return _leave_for_good(runner, rt, user)
    _remember_before_leaving(runner, rt, user, None)
    return 1 if errors else 0


async def _start(rt: Runtime) -> None:
    rt.start()  # on the runner's loop: reminders and learning run while the person types


def _remember_before_leaving(runner: asyncio.Runner, rt: Runtime, user: User, console: Console | None) -> None:
    """Learn from what was said in this session before the process ends (the replies are all out already).
    Ctrl-C skips it; whatever is left is learned at the start of the next session."""
    for task in list(_background):
        task.cancel()
    try:
        runner.run(finish_renders())  # a piece composed just now keeps its audio
    except KeyboardInterrupt:
        pass
    spinner = console.status("Remembering what you said… (Ctrl-C skips)", spinner="dots") if console else None
    try:
        if spinner:
            spinner.start()
        # At the prompt, leaving should feel prompt: a bounded wait; what is left is learned next time.
        runner.run(rt.leaving(user, timeout_s=EXIT_LEARNING_S if console else None))
    except (KeyboardInterrupt, TimeoutError):
        pass
    except Exception as exc:  # learning is a bonus; leaving must not fail because of it
        print(f"os1: could not finish learning from this session ({exc}); it will be done next time.",
              file=sys.stderr)
    finally:
        if spinner:
            spinner.stop()
