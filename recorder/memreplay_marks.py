"""Named instants in a memreplay trace.

    import memreplay_marks
    memreplay_marks.mark("iteration 3")

Under `memreplay record` the recorder has this module built in (built-in
modules are found before sys.path), and mark() writes a `mark` record into
the trace at that instant. This file is the stand-in for every other run:
copy it next to your program (or onto sys.path) so that the same code runs
unchanged without the recorder, where mark() does nothing.
"""

__all__ = ["mark", "recording", "stats_mark"]

#: True only when the program runs under `memreplay record`.
recording = False


def mark(label):
    """Write a `mark` record with this label (a no-op outside the recorder)."""
    if not isinstance(label, str):
        raise TypeError("mark() label must be str, not %.100s" % type(label).__name__)


def stats_mark(label, path):
    """Write a `mark` record, then the pymalloc part of sys._debugmallocstats()
    of the calling interpreter into the file at path (a no-op outside the
    recorder)."""
    if not isinstance(label, str):
        raise TypeError("stats_mark() argument 1 must be str, not %.100s" % type(label).__name__)
