"""The OpenAI-compatible audio API: real speech (espeak-ng) through the real Whisper, real voices out, all driven
by OpenAI's own client against the real server on loopback."""

from __future__ import annotations

import io
import shutil
import subprocess
import wave
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path

import numpy as np
import openai
import pytest
from openai import AsyncOpenAI

from os1.server.deps import Hub
from os1.server.openai_audio import OPENAI_VOICES, voice_for
from os1.testing import ScriptedModel
from os1.voice.audio import write_wav
from os1.voice.base import Audio
from os1.voice.stt import WhisperTranscriber
from os1.voice.tts import available_voices
from os1.voice.wer import word_error_rate

pytest.importorskip("faster_whisper", reason="pip install faster-whisper==1.2.1")
if shutil.which("espeak-ng") is None:
    pytest.skip("espeak-ng is not installed (apt-get install espeak-ng)", allow_module_level=True)

Server = tuple[str, Hub, ScriptedModel]
SignIn = Callable[[str], Awaitable[dict[str, str]]]
QUESTION = "Can you remind me to call the dentist tomorrow morning?"


@pytest.fixture(scope="module")
def ear() -> WhisperTranscriber:
    """One Whisper for the whole module (loading it is the slow part); each test's server is handed it."""
    transcriber = WhisperTranscriber()
    transcriber.warm()
    return transcriber


@pytest.fixture
async def client(server: Server, sign_in: SignIn, ear: WhisperTranscriber) -> AsyncIterator[AsyncOpenAI]:
    server[1].extras["stt"] = ear
    token = (await sign_in("alice"))["Authorization"].removeprefix("Bearer ")
    async with AsyncOpenAI(base_url=f"{server[0]}/v1", api_key=token, max_retries=0) as signed_in:
        yield signed_in


def spoken(folder: Path, text: str) -> Path:
    """`text` said by espeak-ng into a wav file (22.05 kHz, as espeak writes it)."""
    path = folder / "spoken.wav"
    subprocess.run(["espeak-ng", "-w", str(path), text], check=True, capture_output=True, timeout=30)
    return path


def read(data: bytes) -> tuple[int, int, int, float]:
    """(channels, sample width, rate, seconds) of a wav file's bytes, by the standard library's reader."""
    with wave.open(io.BytesIO(data)) as wav:
        return wav.getnchannels(), wav.getsampwidth(), wav.getframerate(), wav.getnframes() / wav.getframerate()


async def test_spoken_words_are_transcribed(client: AsyncOpenAI, tmp_path: Path) -> None:
    with spoken(tmp_path, QUESTION).open("rb") as audio:
        transcript = await client.audio.transcriptions.create(model="whisper-1", file=audio, language="en")
    assert word_error_rate(QUESTION, transcript.text) <= 0.25, transcript.text


async def test_a_transcript_comes_as_text_or_verbose_json(client: AsyncOpenAI, tmp_path: Path) -> None:
    path = spoken(tmp_path, QUESTION)
    text = await client.audio.transcriptions.create(model="os1", file=path, response_format="text")
    assert word_error_rate(QUESTION, text) <= 0.25, text
    verbose = await client.audio.transcriptions.create(model="whisper-1", file=path, response_format="verbose_json")
    assert verbose.text == text and 1.0 < verbose.duration < 10.0


async def test_audio_with_nothing_to_hear_is_a_bad_request(client: AsyncOpenAI, tmp_path: Path) -> None:
    silent = tmp_path / "silence.wav"
    write_wav(silent, Audio(np.zeros(16_000, dtype=np.float32), 16_000))
    with pytest.raises(openai.BadRequestError, match="silent"):
        await client.audio.transcriptions.create(model="whisper-1", file=silent)
    with pytest.raises(openai.BadRequestError, match="not a WAV file") as broken:
        await client.audio.transcriptions.create(model="whisper-1", file=("notes.wav", b"these are not sounds"))
    assert "notes.wav" in broken.value.message and str(tmp_path) not in broken.value.message
    with pytest.raises(openai.BadRequestError, match="English only"):
        await client.audio.transcriptions.create(model="whisper-1", file=spoken(tmp_path, QUESTION), language="fr")


async def test_unknown_audio_models_are_not_found(client: AsyncOpenAI, tmp_path: Path) -> None:
    with pytest.raises(openai.NotFoundError):
        await client.audio.transcriptions.create(model="whisper-9", file=spoken(tmp_path, QUESTION))
    with pytest.raises(openai.NotFoundError):
        await client.audio.speech.create(model="tts-9", voice="espeak", input="Hello.")


async def test_speech_is_a_wav_of_the_words(client: AsyncOpenAI) -> None:
    response = await client.audio.speech.create(model="tts-1", voice="espeak", input=QUESTION)
    assert response.response.headers["content-type"] == "audio/wav"
    channels, width, rate, seconds = read(response.content)
    assert (channels, width, rate) == (1, 2, 22_050)
    assert 1.5 < seconds < 8.0  # ten words, said at a speaking pace


async def test_pcm_is_raw_16_bit_at_openais_rate(client: AsyncOpenAI) -> None:
    wav = await client.audio.speech.create(model="tts-1", voice="espeak", input=QUESTION)
    pcm = await client.audio.speech.create(model="tts-1", voice="espeak", input=QUESTION, response_format="pcm")
    assert pcm.response.headers["content-type"] == "audio/pcm"
    assert pcm.response.headers["X-Sample-Rate"] == "24000"
    seconds = read(wav.content)[3]
    assert len(pcm.content) % 2 == 0 and abs(len(pcm.content) / 2 / 24_000 - seconds) < 0.01


async def test_speech_heard_back_gives_the_words(client: AsyncOpenAI, tmp_path: Path) -> None:
    speech = await client.audio.speech.create(model="tts-1", voice="espeak", input=QUESTION)
    transcript = await client.audio.transcriptions.create(model="whisper-1", file=("reply.wav", speech.content))
    assert word_error_rate(QUESTION, transcript.text) <= 0.25, transcript.text


async def test_unknown_voices_and_unspeakable_input_are_bad_requests(client: AsyncOpenAI) -> None:
    with pytest.raises(openai.BadRequestError) as refused:
        await client.audio.speech.create(model="tts-1", voice="marvin", input="Hello.")
    assert "espeak" in refused.value.message and "alloy" in refused.value.message  # it lists the choices
    with pytest.raises(openai.BadRequestError):
        await client.audio.speech.create(model="tts-1", voice="espeak", input="🙂 **")
    with pytest.raises(openai.BadRequestError):
        await client.audio.speech.create(model="tts-1", voice="espeak", input="x" * 4097)
    with pytest.raises(openai.BadRequestError):
        await client.audio.speech.create(model="tts-1", voice="espeak", input="Hi.", response_format="mp3")


def test_openai_voice_names_map_to_an_installed_voice_of_their_kind() -> None:
    voices = {info.id: info for info in available_voices()}
    for name, kind in OPENAI_VOICES.items():
        chosen = voices[voice_for(name)]
        assert chosen.installed and chosen.gender == kind, (name, chosen.id)
    assert voice_for("espeak") == "espeak"  # OS1's own ids are taken as they are
