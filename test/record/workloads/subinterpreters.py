# Isolated sub-interpreters (CPython 3.12+), each with a pymalloc state of its
# own, and a legacy one sharing the main interpreter's: two isolated ones are
# alive at once, one takes its own statistics (memreplay_marks.stats_mark into
# argv[1]), the main one its own (argv[2]), then all are destroyed.
# Prints the ids of the interpreters, for `memreplay stats --interp`.
import sys

import memreplay_marks

if sys.version_info >= (3, 13):
    import _interpreters as interpreters

    def create(isolated):
        return interpreters.create() if isolated else interpreters.create("legacy")

    run = interpreters.exec
else:
    import _xxsubinterpreters as interpreters

    def create(isolated):
        return interpreters.create(isolated=isolated)

    run = interpreters.run_string

WORK = """
import memreplay_marks
data = [bytes(i % 200) for i in range(20000)]
table = {i: str(i) * 2 for i in range(5000)}
del data
"""

kept = [str(i) * 3 for i in range(2000)]
first = create(isolated=True)
second = create(isolated=True)
legacy = create(isolated=False)
run(first, WORK)
run(legacy, WORK)
run(second, WORK)
more = [(i, str(i)) for i in range(3000)]
run(first, "table.clear()")
run(second, f"memreplay_marks.stats_mark('sub-stats', {sys.argv[1]!r})")
memreplay_marks.stats_mark("main-stats", sys.argv[2])
for iid in (first, second, legacy):
    interpreters.destroy(iid)
print(f"isolated {int(first)} {int(second)} legacy {int(legacy)}")
