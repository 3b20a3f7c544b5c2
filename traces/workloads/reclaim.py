"""reclaim: fill arenas, then free nearly everything, so that pymalloc gives
whole arenas back to the system ('arenas reclaimed' > 0 at the stats mark).
Three rounds: 6,000 strings of 441 characters (490 bytes: 496-byte blocks)
fill about three arenas (mark `round N filled`), then all but the first and
the last are dropped (mark `round N freed`): two arenas go back each round,
those holding a survivor stay. Each round's survivors replace the previous
round's, so the program holds the same at every `freed` mark: no leak."""

import itertools

import memreplay_marks

filler = "x" * 440
survivors = []
for round_ in range(3):
    # repeat(), not range(): a loop over range() would make an int per string
    items = [filler + "." for _ in itertools.repeat(None, 6000)]
    memreplay_marks.mark("round %d filled" % round_)
    survivors = [items[0], items[-1]]
    del items
    memreplay_marks.mark("round %d freed" % round_)
print("reclaim: kept", len(survivors))
