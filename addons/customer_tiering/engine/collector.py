"""The cyclic garbage collector, paused while a batch of plain objects is built."""

import contextlib
import gc


@contextlib.contextmanager
def gc_paused():
    """No cyclic garbage collection inside the block.

    A grading batch builds some hundred thousand facts, scores and rows, none of them
    garbage, and every 700 new ones started a collection whose older generations
    walk the whole server's heap: a fifth of a nightly pass went there.  A batch is
    bounded (the policy's batch size), so what it leaves is collected after.  Only
    the caller that found collection on turns it back on, so that a block in one
    thread never leaves it off for the others.
    """
    was_on = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_on:
            gc.enable()
