"""The model's pause while the voice synthesises the first phrase: a hold stops a waiter until it is released."""

from __future__ import annotations

import threading

from os1.models.cores import Cores


def test_a_waiter_goes_on_at_once_unless_a_hold_is_under_way() -> None:
    cores = Cores()
    cores.wait()  # nobody holds: no wait at all
    went_on = threading.Event()

    def model() -> None:
        cores.wait()
        went_on.set()

    with cores.hold():
        with cores.hold():  # two holders: the model waits for both
            waiter = threading.Thread(target=model)
            waiter.start()
            assert not went_on.wait(0.2)
        assert not went_on.wait(0.2)
    waiter.join(5)
    assert went_on.is_set()
