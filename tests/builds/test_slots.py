"""Slots: at most ``count`` held at once, handed out lowest priority first, then in turn."""

from __future__ import annotations

import threading

from relnox.builds.slots import Priority, Slots

WAIT = 30.0  # seconds a test waits for its threads before it fails


def test_no_more_than_count_are_held_at_once() -> None:
    slots = Slots(2)
    release = threading.Event()
    inside: list[int] = []
    most = [0]
    lock = threading.Lock()

    def work() -> None:
        with slots.hold((0,)):
            with lock:
                inside.append(1)
                most[0] = max(most[0], len(inside))
            release.wait(WAIT)
            with lock:
                inside.pop()

    threads = [threading.Thread(target=work) for _ in range(5)]
    for thread in threads:
        thread.start()
    assert slots.wait_for_waiting(3, WAIT)  # two inside, three waiting for them
    with lock:
        assert len(inside) == 2
    release.set()
    for thread in threads:
        thread.join(WAIT)
    assert most[0] == 2 and inside == [] and slots.waiting == 0


def test_a_freed_slot_goes_to_the_lowest_priority_then_the_first_to_ask() -> None:
    slots = Slots(1)
    order: list[Priority] = []
    asks: list[Priority] = [(2, 0), (1, 5), (1, 1), (2, 0)]

    def work(priority: Priority) -> None:
        with slots.hold(priority):
            order.append(priority)

    threads: list[threading.Thread] = []
    with slots.hold((0,)):  # the only slot is taken while they line up
        for number, priority in enumerate(asks, start=1):
            thread = threading.Thread(target=work, args=(priority,))
            thread.start()
            threads.append(thread)
            assert slots.wait_for_waiting(number, WAIT)
    for thread in threads:
        thread.join(WAIT)
    assert order == [(1, 1), (1, 5), (2, 0), (2, 0)]


def test_a_slot_is_given_back_when_the_block_fails() -> None:
    slots = Slots(1)
    try:
        with slots.hold():
            raise ValueError("the hook process failed")
    except ValueError:
        pass
    done = threading.Event()

    def work() -> None:
        with slots.hold():
            done.set()

    thread = threading.Thread(target=work)
    thread.start()
    thread.join(WAIT)
    assert done.is_set()
