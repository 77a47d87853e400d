"""`os1 talk` (out loud, or from a wav file to a wav file) and `os1 voices`.

The speech engines (Whisper, Kokoro, Piper, Silero, PortAudio) are imported by the commands that use them, not
with the command line: `os1 chat` and `os1 --help` should not wait for them to load."""

from __future__ import annotations

import asyncio
import json
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import click
from rich.console import Console
from rich.table import Table

from os1.cli.farewell import free_archive, take_leave
from os1.cli.support import USER_ERRORS, err, open_with_progress, settings_from
from os1.db.store import Conversation, User
from os1.events import Error, Event, Heard, Leaving, Music, Reminded, TextDelta, TurnEnded
from os1.runtime import Runtime
from os1.voice.audio import EarUnavailable
from os1.voice.base import Audio, AudioError, Voice, VoiceInfo

if TYPE_CHECKING:
    from os1.voice.loop import VoiceLoop
    from os1.voice.stt import WhisperTranscriber

Show = Callable[[Event], None]



@click.command()
@click.option("--user", "user", help="Who is talking (default: your login name).")
@click.option("--model", "model", help="embedded (default), embedded:small, gguf:PATH or openai:MODEL@URL")
@click.option("--voice", "voice_id", help="The companion's voice (see os1 voices). Remembered for next time.")
@click.option("--input", "source", type=click.Path(dir_okay=False, path_type=Path),
              help="Take the question from this wav file instead of the microphone.")
@click.option("--mic-from", "mic_from", type=click.Path(dir_okay=False, path_type=Path),
              help="Play this recording into the live conversation, in real time, as if it were the microphone "
                   "(to reproduce a turn-taking fault). The speakers' output is discarded, or written to --output.")
@click.option("--output", "target", type=click.Path(dir_okay=False, path_type=Path),
              help="With --input: write the spoken reply to this wav file. With --mic-from: what the speakers "
                   "played, in step with the recording.")
@click.option("--hear-voice", "hear_voice", is_flag=True,
              help="Judge pauses by how the voice sounds (Smart Turn) as well as by the words.")
@click.option("--new", "new", is_flag=True, help="Start a fresh conversation instead of continuing the last.")
@click.option("--json", "json_out", is_flag=True,
              help="Print the turn's events as JSON lines (incl. what was heard); with --mic-from each carries "
                   "t_s (seconds into the recording), and each turn's moments (end of speech, turn ended, first "
                   "audio) are lines of their own.")
def talk(user: str | None, model: str | None, voice_id: str | None, source: Path | None, mic_from: Path | None,
         target: Path | None, hear_voice: bool, new: bool, json_out: bool) -> None:
    """Talk out loud: speak, and hear the answer. Interrupt it any time by speaking."""
    if source is not None and mic_from is not None:
        raise click.UsageError("--input and --mic-from are two ways to talk from a file: use one.")
    if target is not None and source is None and mic_from is None:
        raise click.UsageError("--output needs --input or --mic-from (a live conversation plays through the "
                               "speakers).")
    question = None
    if source is not None or mic_from is not None:
        from os1.voice.headless import load_question

        try:
            path = source or mic_from
            assert path is not None
            question = load_question(path)  # a broken or silent file is said at once, before any model loads
        except AudioError as exc:
            err.print(f"[red]os1:[/] {exc}")
            sys.exit(2)
    with asyncio.Runner() as runner:
        rt = open_with_progress(runner, settings_from(user=user, model=model), quiet=json_out)
        try:
            code = runner.run(_talk(rt, voice_id, source, mic_from, question, target, new, json_out,
                                    hear_voice))
        except (AudioError, EarUnavailable) as exc:
            err.print(f"[red]os1:[/] {exc}")
            code = 2
        except USER_ERRORS as exc:
            err.print(f"[red]os1:[/] {exc}")
            code = 2
        finally:
            runner.run(rt.close())
    sys.exit(code)


async def _talk(rt: Runtime, voice_id: str | None, source: Path | None, mic_from: Path | None,
                question: Audio | None, target: Path | None, new: bool, json_out: bool,
                hear_voice: bool = False) -> int:
    from os1.voice.headless import talk_file
    from os1.voice.stt import WhisperTranscriber

    person = await rt.person()
    conversation = await rt.conversation(person, new=new)
    live = source is None and mic_from is None
    voice = await _voice(rt, person, voice_id, interactive=live and sys.stdin.isatty())
    stt = WhisperTranscriber()
    rt.start()
    try:
        if source is not None:
            ok = await talk_file(rt, person, conversation, stt, voice, source, target, _printer(json_out, person),
                                 question)
            return 0 if ok else 1
        if mic_from is not None:
            assert question is not None
            return await replay_live(rt, person, conversation, stt, voice, question, target, json_out, hear_voice)
        return await _live(rt, person, conversation, stt, voice, _printer(json_out, person), hear_voice)
    finally:
        await _leave(rt, person, announce=live)


async def replay_live(rt: Runtime, person: User, conversation: Conversation, stt: WhisperTranscriber,
                      voice: Voice, recording: Audio, target: Path | None, json_out: bool,
                      hear_voice: bool = False) -> int:
    """The live loop with `recording` as its microphone. Every event carries `t_s`, seconds into the
    recording; the moments of each turn (end of speech, turn ended, first audio) are events of their own."""
    from os1.voice.audio import write_wav
    from os1.voice.loop import VoiceLoop
    from os1.voice.replay import Replay
    from os1.voice.vad import VoiceActivity

    await asyncio.to_thread(stt.warm)
    await rt.prepare(person, conversation)
    printer = _printer(json_out, person)
    replay: Replay | None = None
    spoken_at = 0.0

    def at() -> float:
        return round(replay.seconds(time.perf_counter()), 3) if replay is not None else 0.0

    def show(event: Event) -> None:
        if json_out:
            print(json.dumps({**event.to_dict(), "t_s": at()}, ensure_ascii=False), flush=True)
        else:
            printer(event)

    def moment(name: str, when: float) -> None:
        nonlocal spoken_at
        assert replay is not None
        spoken_at = when if name == "speech_ended" else spoken_at
        t_s, after = round(replay.seconds(when), 3), round((when - spoken_at) * 1000, 1)
        if json_out:
            print(json.dumps({"type": "moment", "name": name, "t_s": t_s, "after_speech_ms": after}), flush=True)
        else:
            err.print(f"[dim]{t_s:8.3f} s  {name.replace('_', ' ')}" + (f" (+{after:.0f} ms)" if after else "")
                      + "[/]")

    loop = VoiceLoop(rt, person, conversation, VoiceActivity(), stt, voice, show, on_moment=moment,
                     hears_voice=hear_voice)
    replay = Replay(recording, loop.outbox, keep=target is not None)
    await loop.run(replay.frames(done=lambda: not loop.talking and not loop.turns.speaking))
    if target is not None:
        write_wav(target, replay.speaker())
    return 0


async def _live(rt: Runtime, person: User, conversation: Conversation, stt: WhisperTranscriber, voice: Voice,
                show: Show, hear_voice: bool = False) -> int:
    from os1.reaching.presence import presence
    from os1.voice.devices import check_devices, duplex
    from os1.voice.loop import VoiceLoop
    from os1.voice.playing import play_through
    from os1.voice.reminders import reminders_out_loud
    from os1.voice.vad import VoiceActivity

    check_devices()
    err.print("Getting ready to listen…")
    await asyncio.to_thread(stt.warm)
    await rt.prepare(person, conversation)
    leaving = asyncio.Event()  # they said yes to leaving for good

    playing: set[asyncio.Task[str]] = set()

    def shown(event: Event) -> None:
        show(event)
        if isinstance(event, Leaving):
            leaving.set()
        if isinstance(event, Music):  # played after the reply, through its speaker: speaking over it stops it
            task = asyncio.ensure_future(play_through(loop, event))
            playing.add(task)
            task.add_done_callback(playing.discard)

    loop = VoiceLoop(rt, person, conversation, VoiceActivity(), stt, voice, shown, hears_voice=hear_voice)
    err.print(f"[bold]Listening.[/] Speak whenever you like ({voice.info.label}). Ctrl-C ends.")
    now = rt.companion.clock()
    err.print((await presence(rt.model, rt.store, now)).line(now), style="dim", markup=False)
    try:
        with reminders_out_loud(rt.open_door, person, loop):  # said between turns, never over one
            listening = asyncio.create_task(loop.run(duplex(loop.outbox)))
            agreed = asyncio.create_task(_once_said(loop, leaving))
            await asyncio.wait({listening, agreed}, return_when=asyncio.FIRST_COMPLETED)
            for task in (listening, agreed):
                task.cancel()
            await loop.stop()
            await asyncio.gather(listening, agreed, return_exceptions=True)
    except (KeyboardInterrupt, asyncio.CancelledError):
        pass
    for music in list(playing):
        music.cancel()
    if leaving.is_set():  # the goodbye, their archive in this folder, then everything deleted
        await take_leave(rt, person, free_archive(person.name))
    return 0


async def _once_said(loop: VoiceLoop, leaving: asyncio.Event) -> None:
    """Once they said yes to leaving, and the reply to it has been heard."""
    await leaving.wait()
    while loop.talking:  # noqa: ASYNC110 - the loop keeps no event for its last audio played
        await asyncio.sleep(0.1)


async def _leave(rt: Runtime, person: User, announce: bool) -> None:
    """Learn what is left of this session before leaving, briefly: what is left then is learned next time."""
    if announce:
        err.print("Remembering what you said…")
    try:
        await rt.leaving(person)
    except (TimeoutError, asyncio.CancelledError, KeyboardInterrupt):
        pass


async def _voice(rt: Runtime, person: User, voice_id: str | None, interactive: bool) -> Voice:
    """The voice to speak with: the one asked for (then remembered), else the one chosen before, else — on a
    first talk at a terminal — the person picks, as one does with a new companion."""
    from os1.voice.tts import DEFAULT_VOICE, available_voices, load_voice

    voice_id = await rt.voice_choice(person, voice_id)
    if voice_id is None and interactive:
        voice_id = _ask_voice([v for v in available_voices() if v.installed], DEFAULT_VOICE)
    voice = await asyncio.to_thread(load_voice, voice_id)
    await rt.keep_voice(person, voice.info.id)
    return voice


def _ask_voice(installed: list[VoiceInfo], default: str) -> str | None:
    if len(installed) < 2:
        return None
    console = Console(stderr=True, highlight=False)
    console.print("How should I sound? (you can change it later with --voice)")
    for n, v in enumerate(installed, start=1):
        console.print(f"  {n}. {v.label}" + ("  [dim](default)[/]" if v.id == default else ""))
    choice = click.prompt("Voice", default="", show_default=False, err=True).strip()
    if choice.isdigit() and 1 <= int(choice) <= len(installed):
        return installed[int(choice) - 1].id
    return choice or None


def _printer(json_out: bool, person: User) -> Show:
    console = Console(highlight=False)

    def show(event: Event) -> None:
        if json_out:
            print(event.to_json(), flush=True)
        elif isinstance(event, Heard):
            console.print(f"[bold]{person.name}:[/] {event.text}")
        elif isinstance(event, Reminded):
            console.print(event.text, style="bold #e8745c", markup=False)
        elif isinstance(event, TextDelta):
            console.print(event.text, end="")
        elif isinstance(event, TurnEnded):
            console.print(" [dim](interrupted)[/]" if event.interrupted else "")
        elif isinstance(event, Error):
            err.print(f"[red]os1:[/] {event.message}")
        elif isinstance(event, Music):
            named = f"“{event.title}”" if event.title else "A new piece"  # named by the reply still to come
            console.print(f"♪ {named} ({event.audio or event.midi}); os1 music play {event.piece_id} plays "
                          f"it any time.", style="dim", markup=False)

    return show


@click.command()
@click.option("--json", "json_out", is_flag=True, help="Print JSON instead of a table.")
def voices(json_out: bool) -> None:
    """The voices OS1 can speak with, and how to install the others."""
    from os1.voice.tts import DEFAULT_VOICE, available_voices

    listed = available_voices()
    if json_out:
        print(json.dumps([{**v.__dict__, "default": v.id == DEFAULT_VOICE} for v in listed], indent=2))
        return
    table = Table(box=None, pad_edge=False)
    for column in ("voice", "", "license", "installed"):
        table.add_column(column)
    for v in listed:
        table.add_row(v.id + (" (default)" if v.id == DEFAULT_VOICE else ""), v.label, v.license,
                      "yes" if v.installed else f"no: {v.install_hint}")
    Console().print(table)
