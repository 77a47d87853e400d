"""Speech through the OpenAI-compatible API, on this machine: `/v1/audio/transcriptions` (Whisper tiny.en) and
`/v1/audio/speech` (OS1's own voices; OpenAI's voice names map to the nearest installed one).

Neither goes through the turnstile: it shares the language model, and these do not use it. Both run their
blocking work (decoding, resampling, Whisper, synthesis) on worker threads, never on the event loop.
"""

from __future__ import annotations

import asyncio
import io
import tempfile
import wave
from pathlib import Path
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, File, Form, Response, UploadFile
from fastapi.responses import JSONResponse, PlainTextResponse
from pydantic import BaseModel, ConfigDict, Field

from os1.server.deps import Hub, hub
from os1.server.openai_errors import OpenAIError, OpenAIRoute
from os1.voice.audio import EarUnavailable, is_silent, read_wav, resample, to_pcm16
from os1.voice.base import EAR_RATE, Audio, AudioError, Transcriber, Voice
from os1.voice.stt import WhisperTranscriber
from os1.voice.tts import DEFAULT_VOICE, available_voices, load_voice, speakable

router = APIRouter(route_class=OpenAIRoute)
TheHub = Annotated[Hub, Depends(hub)]

TRANSCRIPTION_MODELS = ("whisper-1", "os1")
SPEECH_MODELS = ("tts-1", "tts-1-hd", "os1")
MAX_UPLOAD_BYTES = 25 * 1024 * 1024  # OpenAI's own limit for an audio file
MAX_SPEECH_CHARS = 4096  # ...and for the text to speak
PCM_RATE = 24_000  # OpenAI's `pcm` is 16-bit little-endian mono at 24 kHz: clients assume that rate
# OpenAI's voices by how they sound, and the OS1 voices nearest to each kind, best first.
OPENAI_VOICES = {
    **dict.fromkeys(("alloy", "coral", "nova", "sage", "shimmer", "marin"), "female"),
    **dict.fromkeys(("ash", "ballad", "echo", "fable", "onyx", "verse", "cedar"), "male"),
}
_NEAREST = {"female": (DEFAULT_VOICE, "kokoro-tebukuro", "flite"), "male": ("joe", "kokoro-kumo", "espeak")}


def _check_model(model: str, known: tuple[str, ...]) -> None:
    if model not in known:
        raise OpenAIError(404, f"The model {model!r} does not exist here. Use one of: {', '.join(known)}.",
                          "model_not_found", "model")


# -- speech to text --------------------------------------------------------------------------------------------

@router.post("/v1/audio/transcriptions")
async def transcriptions(
    file: Annotated[UploadFile, File(description="The audio: WAV (any rate, depth or channels), FLAC, OGG or AIFF.")],
    model: Annotated[str, Form(description="`whisper-1` or `os1`: both are Whisper tiny.en here.")],
    the_hub: TheHub,
    language: Annotated[str | None, Form(description="`en` or left out: the model understands English only.")] = None,
    response_format: Annotated[Literal["json", "text", "verbose_json"], Form()] = "json",
) -> Response:
    """What is said in the uploaded audio. `prompt` and `temperature` are accepted and ignored."""
    _check_model(model, TRANSCRIPTION_MODELS)
    if language and not language.lower().startswith("en"):
        raise OpenAIError(400, f"This server's speech model (Whisper tiny.en) understands English only, not "
                          f"{language!r}.", "unsupported_language", "language")
    data = await _read_upload(file)
    name = f"The uploaded file {file.filename!r}" if file.filename else "The uploaded file"
    try:
        text, seconds = await asyncio.to_thread(_listen, data, name, _ear(the_hub))
    except AudioError as exc:
        raise OpenAIError(400, str(exc), "invalid_audio", "file") from None
    except EarUnavailable as exc:
        raise OpenAIError(503, str(exc), "stt_unavailable") from None
    if response_format == "text":
        return PlainTextResponse(text)
    if response_format == "verbose_json":
        return JSONResponse({"task": "transcribe", "language": "english", "duration": round(seconds, 3),
                             "text": text, "segments": []})
    return JSONResponse({"text": text})


async def _read_upload(file: UploadFile) -> bytes:
    # The server's body limit (os1.server.limits) may be set higher than what Whisper should be given at once.
    data = await file.read(MAX_UPLOAD_BYTES + 1)
    if len(data) > MAX_UPLOAD_BYTES:
        raise OpenAIError(413, f"The file is larger than {MAX_UPLOAD_BYTES // 2**20} MB: send a shorter recording.",
                          "file_too_large", "file")
    return data


def _ear(the_hub: Hub) -> Transcriber:
    """The server's one Whisper, made on first use (its model loads on the first transcription)."""
    ear = the_hub.extras.get("stt")
    if ear is None:
        ear = the_hub.extras.setdefault("stt", WhisperTranscriber())
    return ear  # type: ignore[no-any-return]


def _listen(data: bytes, name: str, ear: Transcriber) -> tuple[str, float]:
    """The words in `data` and its length in seconds. Blocking: decoding, resampling and Whisper all take a
    while on a long upload. AudioError, in words about the upload (not about a server path), when it is
    unreadable, silent or wordless."""
    with tempfile.TemporaryDirectory(prefix="os1-upload-") as folder:
        path = Path(folder) / "upload"
        path.write_bytes(data)
        try:
            audio = read_wav(path)
        except AudioError as exc:
            raise AudioError(str(exc).replace(str(path), name)) from None
    if audio.seconds < 0.1:
        raise AudioError(f"{name} holds almost no audio ({audio.seconds:.2f} s). Record it again.")
    if is_silent(audio):
        raise AudioError(f"{name} is silent: there is no sound in it. Check the recording's input level.")
    text = ear.transcribe(resample(audio, EAR_RATE)).strip()
    if not text:
        raise AudioError(f"No words could be made out in {name.removeprefix('The ').lower()}. Speak closer to "
                         "the microphone, or check that the recording plays back clearly.")
    return text, audio.seconds


# -- text to speech --------------------------------------------------------------------------------------------

class SpeechRequest(BaseModel):
    # `speed`, `instructions` and the like are accepted and ignored: each voice speaks at its own pace.
    model_config = ConfigDict(extra="allow")
    model: str
    input: str = Field(max_length=MAX_SPEECH_CHARS)
    voice: str = Field(DEFAULT_VOICE, description="An OS1 voice id (`os1 voices`), or an OpenAI voice name.")
    response_format: Literal["wav", "pcm"] = Field(
        "wav", description="`wav`, or `pcm`: raw 16-bit little-endian mono samples at 24 kHz.")


@router.post("/v1/audio/speech", response_class=Response,
             responses={200: {"content": {"audio/wav": {}, "audio/pcm": {}}, "description": "The speech."}})
async def speech(body: SpeechRequest, the_hub: TheHub) -> Response:
    """`input` spoken by the chosen voice."""
    _check_model(body.model, SPEECH_MODELS)
    text = speakable(body.input)
    if not text:
        raise OpenAIError(400, "There is nothing to say in `input`: give some words.", "invalid_value", "input")
    voice = _voice(the_hub, body.voice)
    try:
        audio = await asyncio.to_thread(voice.synthesize, text)
    except AudioError as exc:
        raise OpenAIError(500, str(exc), "tts_failed") from None
    if body.response_format == "pcm":
        pcm = await asyncio.to_thread(lambda: to_pcm16(resample(audio, PCM_RATE)))
        return Response(pcm, media_type="audio/pcm", headers={"X-Sample-Rate": str(PCM_RATE)})
    return Response(await asyncio.to_thread(wav_bytes, audio), media_type="audio/wav")


def wav_bytes(audio: Audio) -> bytes:
    """`audio` as a 16-bit mono wav file, in memory."""
    out = io.BytesIO()
    with wave.open(out, "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(2)
        wav.setframerate(audio.rate)
        wav.writeframes(to_pcm16(audio))
    return out.getvalue()


def _voice(the_hub: Hub, requested: str) -> Voice:
    """The voice asked for, loaded once per server and kept in `hub.extras["voices"]`."""
    voice_id = voice_for(requested)
    voices: dict[str, Voice] = the_hub.extras.setdefault("voices", {})
    if voice_id not in voices:
        try:
            voices[voice_id] = load_voice(voice_id)
        except AudioError as exc:  # known, but not installed here: the message says how to install it
            raise OpenAIError(400, str(exc), "voice_not_installed", "voice") from None
    return voices[voice_id]


def voice_for(requested: str) -> str:
    """The OS1 voice id for an OS1 id or an OpenAI voice name (the nearest installed voice of its kind)."""
    listed = {info.id: info for info in available_voices()}
    if requested in listed:
        return requested
    kind = OPENAI_VOICES.get(requested.lower())
    if kind is None:
        installed = [voice_id for voice_id, info in listed.items() if info.installed]
        raise OpenAIError(400, f"Unknown voice {requested!r}. Installed voices: {', '.join(installed)}; OpenAI's "
                          f"names ({', '.join(OPENAI_VOICES)}) map to the nearest of them.", "invalid_voice", "voice")
    for voice_id in _NEAREST[kind]:
        if listed[voice_id].installed:
            return voice_id
    raise OpenAIError(400, f"No {kind} voice is installed: pick one of {', '.join(listed)} (see `os1 voices`).",
                      "voice_not_installed", "voice")
