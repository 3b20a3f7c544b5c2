"""`python -m unittest` with each test's boundaries marked in a memreplay trace.

`memreplay record -o T.csv.gz -- -m unittest [args]` runs this module in
unittest's place, with the same arguments: unittest's own command line, with
a test result that writes the marks pytest's plugin writes
(memreplay_pytest.py, docs/trace-format.md "Test boundaries"). unittest runs
setUp, the test method and tearDown as one step, so that step is the test's
call phase (`test:call#1:...`); its setup and teardown phases are empty, and
setUpClass / setUpModule run outside every test. The node id is the test's
id with its last dot as `::` (`pkg.test_a.TestK::test_f`), so JUnit reports
name it as unittest's own runners do. Each test runs once. Outside the
recorder it is plain `python -m unittest`.
"""

import gc
import os
import sys
import unittest

try:
    import memreplay_marks
except ImportError:  # run without the recorder and without its stand-in
    memreplay_marks = None

_recording = memreplay_marks is not None and memreplay_marks.recording
#: Trace labels are at most 4096 characters.
MAX_NODEID = 3800


def _nodeid(test):
    owner, _, name = test.id().rpartition(".")
    return ("%s::%s" % (owner, name) if owner else name)[:MAX_NODEID]


def _location(test):
    """`test:at=FILE:LINE`: the test method's file (relative to the working
    directory when under it) and the line of its `def`; None when unknown."""
    method = getattr(test, getattr(test, "_testMethodName", ""), None)
    code = getattr(getattr(method, "__func__", method), "__code__", None)
    if code is None:
        return None
    path = code.co_filename
    try:
        rel = os.path.relpath(path)
        if not rel.startswith(".."):
            path = rel
    except ValueError:  # another drive
        pass
    path = path.replace("%", "%25").replace(" ", "%20").replace("\\", "/")
    return "test:at=%s:%d" % (path[:MAX_NODEID], code.co_firstlineno)


def _mark(*labels):
    for label in labels:
        memreplay_marks.mark(label)


class MarkingResult(unittest.TextTestResult):
    """A text result that marks where each test begins and ends."""

    def startTest(self, test):
        super().startTest(test)
        if not _recording:
            return
        nodeid = _nodeid(test)
        # As in the pytest plugin: what exists is frozen, and the collector
        # empties CPython's free lists, before the test's blocks are counted.
        gc.freeze()
        gc.collect()
        at = _location(test)
        if at is not None:
            _mark(at + " " + nodeid)
        _mark("test:setup:begin " + nodeid, "test:setup:end " + nodeid, "test:call#1:begin " + nodeid)

    def stopTest(self, test):
        if _recording:
            nodeid = _nodeid(test)
            gc.collect()
            _mark("test:call#1:end " + nodeid, "test:teardown:begin " + nodeid, "test:teardown:end " + nodeid)
        super().stopTest(test)
        if _recording:
            gc.collect()
            _mark("test:end " + _nodeid(test))


class MarkingRunner(unittest.TextTestRunner):
    resultclass = MarkingResult


def main():
    # As `python -m unittest` names itself in its usage text.
    sys.argv[0] = "python -m unittest"
    try:
        unittest.main(module=None, testRunner=MarkingRunner)
    finally:
        gc.unfreeze()


if __name__ == "__main__":
    main()
