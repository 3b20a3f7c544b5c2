"""mixed: a small workload for the recorder tests. Churn of small objects,
marks from memreplay_marks, two more threads allocating, lists growing by
realloc, objects over 512 bytes (pymalloc hands those to the C library) and
enough blocks freed at once that pymalloc returns whole arenas.

`mixed.py single` runs the threads' work on the main thread instead: thread
switches depend on timing, so only then is the sequence of calls the same
from run to run."""
import sys
import threading

import memreplay_marks


def churn(n):
    keep = []
    for i in range(n):
        d = {"i": i, "s": "x%d" % i}
        if i % 7 == 0:
            keep.append(d)
    return keep


def worker(out):
    out.append([str(i) * 3 for i in range(2000)])


memreplay_marks.mark("start")
kept = churn(5000)
memreplay_marks.mark("churned")

results = []
if sys.argv[1:] == ["single"]:
    worker(results)
    worker(results)
else:
    threads = [threading.Thread(target=worker, args=(results,)) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
memreplay_marks.mark("threads joined")

grow = []
for i in range(3000):
    grow.append(i)
blobs = ["y" * (600 + i) for i in range(50)]

filler = [(i, float(i), "r%d" % i) for i in range(10000)]
del filler
memreplay_marks.mark("reclaimed")
print("mixed: kept", len(kept), "results", len(results), "grow", len(grow), "blobs", len(blobs))
