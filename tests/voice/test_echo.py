import numpy as np

from os1.voice.base import EAR_RATE, FRAME
from os1.voice.echo import EchoCanceller
from os1.voice.outbox import Outbox


def voiced(seconds: float, seed: int) -> np.ndarray:
    """Speech-like test signal: noise shaped by a slow syllable envelope."""
    rng = np.random.default_rng(seed)
    t = np.arange(int(seconds * EAR_RATE)) / EAR_RATE
    envelope = 0.5 + 0.5 * np.sin(2 * np.pi * 4 * t) ** 2
    return (rng.standard_normal(len(t)) * 0.2 * envelope).astype(np.float32)


def run(played: np.ndarray, mic: np.ndarray) -> np.ndarray:
    canceller = EchoCanceller()
    out = []
    for i in range(0, len(mic) - FRAME + 1, FRAME):
        canceller.played(played[i:i + FRAME])
        out.append(canceller.clean(mic[i:i + FRAME]))
    return np.concatenate(out)


def rms(x: np.ndarray) -> float:
    return float(np.sqrt(np.mean(x ** 2)))


def test_the_echo_of_what_was_played_is_taken_out() -> None:
    played = voiced(3.0, seed=1)
    delay = int(0.07 * EAR_RATE)
    mic = np.zeros_like(played)
    mic[delay:] = 0.4 * played[:-delay]
    mic += np.random.default_rng(2).standard_normal(len(mic)).astype(np.float32) * 0.002
    cleaned = run(played, mic)
    settled = slice(EAR_RATE, None)  # after the first second the delay is known
    assert rms(cleaned[settled]) < 0.1 * rms(mic[settled])


def test_the_person_speaking_over_the_echo_stays() -> None:
    played = voiced(3.0, seed=1)
    person = voiced(3.0, seed=7)
    person[: int(1.5 * EAR_RATE)] = 0.0  # the companion talks alone, then the person talks over it
    delay = int(0.05 * EAR_RATE)
    echo = np.zeros_like(played)
    echo[delay:] = 0.4 * played[:-delay]
    cleaned = run(played, echo + person)
    person = person[: len(cleaned)]
    both = slice(int(1.5 * EAR_RATE), None)
    residue = cleaned[both] - person[both]
    assert rms(residue) < 0.2 * rms(person[both])  # what is left is the person


def test_nothing_played_leaves_the_microphone_alone() -> None:
    mic = voiced(1.0, seed=3)
    assert np.array_equal(run(np.zeros_like(mic), mic), mic[: len(mic) // FRAME * FRAME])


def test_outbox_plays_in_order_and_stops_at_once() -> None:
    box = Outbox()
    box.put(np.ones(700, dtype=np.float32))
    box.put(np.full(700, 2.0, dtype=np.float32))
    first = box.pull(FRAME)
    assert np.all(first == 1.0) and box.first_sound_at is not None
    second = box.pull(FRAME)
    assert np.all(second[:188] == 1.0) and np.all(second[188:] == 2.0)
    assert box.clear() == 1400 - 2 * FRAME
    assert not box.busy and np.all(box.pull(FRAME) == 0.0)
