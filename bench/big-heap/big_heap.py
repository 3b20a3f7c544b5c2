# A big heap of small objects whose arenas are released and taken again:
# `npm run bench:big-heap` records it on CPython 3.8 (256 KiB arenas) and
# 3.11 (1 MiB arenas) and replays it with `memreplay stats --verify`.
#
#   python big_heap.py MIB [ROUNDS]
#
# Builds about MIB MiB of tuples of 2 to 17 items (48 to 160 bytes: several
# size classes), in chunks of 10,000; then, ROUNDS times, drops the oldest
# half of the chunks (their arenas become wholly free and go back to the OS)
# and builds as many again (new arenas, in the freed arena slots first). The
# heap is held at exit, where the recorder takes the `stats` mark.
import sys

MIB = int(sys.argv[1]) if len(sys.argv) > 1 else 120
ROUNDS = int(sys.argv[2]) if len(sys.argv) > 2 else 3
CHUNK = 10_000
# Each tuple is one allocation: a 1-tuple of a cached small int times n, with
# base and n read from a list made once (a counter would allocate an int
# object per tuple past 256).
BASES = [(k,) for k in range(64)]
RECIPE = [(BASES[i & 63], 2 + (i & 15)) for i in range(CHUNK)]
TUPLE_BYTES = sum(sys.getsizeof(BASES[0] * n) for n in range(2, 18)) / 16


def chunk():
    return [base * n for base, n in RECIPE]


chunks = []
target = MIB * 1024 * 1024
while len(chunks) * CHUNK * TUPLE_BYTES < target:
    chunks.append(chunk())
for _ in range(ROUNDS):
    half = len(chunks) // 2
    del chunks[:half]
    chunks.extend(chunk() for _ in range(half))
print(f"{len(chunks) * CHUNK:,} tuples, about {len(chunks) * CHUNK * TUPLE_BYTES / 2**20:,.0f} MiB", file=sys.stderr)
