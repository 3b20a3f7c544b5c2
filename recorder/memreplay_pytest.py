"""pytest plugin: each test's boundaries as marks in a memreplay trace.

`memreplay record -o T.csv.gz -- -m pytest ...` loads it by itself; a run
that starts pytest another way names it: `pytest -p memreplay_pytest` (this
folder on PYTHONPATH). Outside the recorder it does nothing.

Labels (docs/trace-format.md, "Test boundaries"), NODEID being pytest's node id:

    test:at=FILE:LINE NODEID          where the test function is defined
    test:limit_leaks=SIZE NODEID      a limit_leaks / limit_memory marker
    test:repeat=N NODEID              how many times its call phase runs
    test:setup:begin NODEID           .. test:setup:end NODEID
    test:call#K:begin NODEID          .. test:call#K:end NODEID  (K = 1..N)
    test:teardown:begin NODEID        .. test:teardown:end NODEID
    test:end NODEID                   where what the test keeps is counted
    fixture:setup:begin:SCOPE NAME    .. fixture:setup:end:SCOPE NAME
    fixture:teardown:begin:SCOPE NAME .. fixture:teardown:end:SCOPE NAME

Only fixtures wider than a function are marked: what a session, package,
module or class fixture allocates while it is set up, or torn down, is the
fixture's, not that of the first test that asked for it or of the last test,
in whose teardown it is torn down. A full collection runs before and after
each call and before `test:end`, so that cycles a test dropped are freed,
and CPython's free lists emptied, before its blocks are counted; objects
made before a test are frozen (gc.freeze) so that these collections walk only
what the test made.

With MEMREPLAY_REPEAT_TESTS=N (`memreplay record --repeat-tests N`) the call
phase runs N times within the one setup and teardown, so that growth per
repetition tells a leak from a cache filled once. A test with side effects
(files, counters, a database) sees them N times; mark it
`@pytest.mark.memreplay_no_repeat` to run it once.
"""

import gc
import os

import pytest

try:
    import memreplay_marks
except ImportError:  # pytest started without the recorder and without its stand-in
    memreplay_marks = None

#: Set by `memreplay record --repeat-tests N`.
REPEAT_ENV = "MEMREPLAY_REPEAT_TESTS"
#: Trace labels are at most 4096 characters; a node id longer than this is cut.
MAX_NODEID = 3800
LIMIT_MARKERS = ("limit_leaks", "limit_memory")
NO_REPEAT_MARKER = "memreplay_no_repeat"

_recording = memreplay_marks is not None and memreplay_marks.recording


def _mark(label):
    memreplay_marks.mark(label)


def _nodeid(item):
    return item.nodeid[:MAX_NODEID]


def _repeats(item):
    try:
        n = int(os.environ.get(REPEAT_ENV, "1"))
    except ValueError:
        n = 1
    if n < 1 or item.get_closest_marker(NO_REPEAT_MARKER) is not None:
        return 1
    return n


def pytest_configure(config):
    config.addinivalue_line("markers", "limit_leaks(size): memreplay check --per-test fails the test when more than SIZE (\"4 KiB\") it allocated is live after its teardown")
    config.addinivalue_line("markers", "limit_memory(size): memreplay check --per-test fails the test when the bytes it holds live at once exceed SIZE (\"24 MB\")")
    config.addinivalue_line("markers", NO_REPEAT_MARKER + ": run the call phase once under memreplay record --repeat-tests (a test with side effects)")


def _location_mark(item, nodeid):
    # item.location: the file relative to pytest's root and the 0-based line
    # of the test function (the line of its `def`), or None when pytest
    # cannot tell (a test item of a plugin). Blanks and `%` in the file are
    # %-escaped: the node id follows the first blank.
    try:
        path, line, _ = item.location
    except (TypeError, ValueError):
        return
    if not isinstance(line, int) or line < 0:
        return
    path = str(path).replace("%", "%25").replace(" ", "%20").replace("\\", "/")
    _mark("test:at=%s:%d %s" % (path[:MAX_NODEID], line + 1, nodeid))


def _limit_marks(item, nodeid):
    for name in LIMIT_MARKERS:
        marker = item.get_closest_marker(name)
        if marker is None:
            continue
        size = marker.args[0] if marker.args else marker.kwargs.get("size", "")
        # No blanks in the value: the node id follows the first blank.
        _mark("test:%s=%s %s" % (name, "".join(str(size).split()), nodeid))


def _repeated(item, runtest, times):
    nodeid = _nodeid(item)

    def runtest_marked():
        for k in range(1, times + 1):
            # Empty CPython's free lists first: an object the call takes from
            # one would otherwise be a block allocated before the call.
            gc.collect()
            _mark("test:call#%d:begin %s" % (k, nodeid))
            try:
                runtest()
            finally:
                gc.collect()
                _mark("test:call#%d:end %s" % (k, nodeid))

    return runtest_marked


if _recording:

    @pytest.hookimpl(hookwrapper=True, tryfirst=True)
    def pytest_runtest_setup(item):
        nodeid = _nodeid(item)
        _location_mark(item, nodeid)
        _limit_marks(item, nodeid)
        # How many calls follow: a test run once needs no sample for the growth rule.
        _mark("test:repeat=%d %s" % (_repeats(item), nodeid))
        _mark("test:setup:begin " + nodeid)
        try:
            yield
        finally:
            # The call phase calls item.runtest(): marked (and repeated) from inside.
            item.runtest = _repeated(item, item.runtest, _repeats(item))
            _mark("test:setup:end " + nodeid)

    @pytest.hookimpl(hookwrapper=True, tryfirst=True)
    def pytest_runtest_teardown(item, nextitem):
        nodeid = _nodeid(item)
        _mark("test:teardown:begin " + nodeid)
        try:
            yield
        finally:
            # Drop the instance attribute set at setup: the item keeps nothing of ours.
            item.__dict__.pop("runtest", None)
            _mark("test:teardown:end " + nodeid)

    @pytest.hookimpl(hookwrapper=True, tryfirst=True)
    def pytest_runtest_protocol(item, nextitem):
        # Every object made so far goes to the collector's permanent
        # generation, so that the full collections of this test walk only
        # what was made since (a full collection of a session with thousands
        # of collected items took tens of milliseconds: most of the cost).
        gc.freeze()
        yield
        # What the test keeps is counted here, once the hook calls of its
        # phases have returned (pluggy holds their wrappers and results until
        # then) and the collector has freed the cycles it dropped.
        gc.collect()
        _mark("test:end " + _nodeid(item))

    @pytest.hookimpl(trylast=True)
    def pytest_sessionfinish(session):
        # Back to normal for the end of the run: frozen cycles can be freed again.
        gc.unfreeze()

    @pytest.hookimpl(hookwrapper=True, tryfirst=True)
    def pytest_fixture_setup(fixturedef, request):
        scope = fixturedef.scope
        if scope == "function":
            yield
            return
        name = "%s %s" % (scope, fixturedef.argname)
        # Finalizers run last-in first-out: this one, added before the
        # fixture's own teardown is, runs after it.
        fixturedef.addfinalizer(lambda: _mark("fixture:teardown:end:" + name))
        _mark("fixture:setup:begin:" + name)
        try:
            outcome = yield
        finally:
            _mark("fixture:setup:end:" + name)
        if outcome.excinfo is None:
            # ... and this one, added after it, runs before it.
            fixturedef.addfinalizer(lambda: _mark("fixture:teardown:begin:" + name))
