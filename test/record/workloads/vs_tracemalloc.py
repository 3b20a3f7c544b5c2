"""Allocates at known lines with tracemalloc on, marks, then prints what
tracemalloc holds per line of this file: the recorder's stacks must name
the same lines for the same blocks."""
import json
import tracemalloc

import memreplay_marks

tracemalloc.start(1)


def build(n):
    rows = []
    for i in range(n):
        rows.append(bytearray(100 + i % 50))
    return rows


def words(n):
    return {("w%d" % i): [i] * (i % 7) for i in range(n)}


class Item:
    def __init__(self, i):
        self.i = i
        self.name = "item-%d" % i


kept = build(300)
table = words(200)
items = [Item(i) for i in range(150)]
memreplay_marks.mark("measured")
snapshot = tracemalloc.take_snapshot()
tracemalloc.stop()
here = __file__
counts = {}
for stat in snapshot.statistics("lineno"):
    frame = stat.traceback[0]
    if frame.filename == here:
        counts[frame.lineno] = stat.count
print(json.dumps(counts))
