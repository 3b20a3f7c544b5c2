"""reclaim: fill arenas, then free nearly everything, so that pymalloc gives
whole arenas back to the system ('arenas reclaimed' > 0 at the stats mark).
6,000 strings of 450 bytes (464-byte blocks) fill about three arenas; the
first and the last survive and keep their arenas alive."""
import memreplay_marks

filler = "x" * 440
items = ["%05d %s" % (i, filler) for i in range(6000)]
memreplay_marks.mark("filled")
survivors = [items[0], items[-1]]
del items
memreplay_marks.mark("freed")
print("reclaim: kept", len(survivors))
