# A program feeding the ring extension (ringbuf.c), as a user's service
# would: batches of requests, each pushing its payload, with a memreplay
# mark after each batch (the iterations the growth rule compares).
# argv: the folder holding the built extension.
import sys

import memreplay_marks

sys.path.insert(0, sys.argv[1])
import ringbuf  # noqa: E402


def handle(request):
    payload = b"request %06d " % request * 12
    ringbuf.push(payload)  # PUSH


for batch in range(16):
    for request in range(400):
        handle(batch * 400 + request)
    memreplay_marks.mark("batch")
