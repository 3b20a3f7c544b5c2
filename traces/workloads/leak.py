"""leak: a planted leak. Five iterations of 250 requests each; every request
builds a payload and a result, and every tenth payload is also put in a
module-level cache that is never emptied. The marks `iteration 0` ..
`iteration 4` and `done` let a reader compare the live blocks from one
iteration to the next: the ones that keep growing come from remember()."""
import memreplay_marks

_cache = {}


def remember(request_id, payload):
    _cache[request_id] = payload  # the leak: nothing ever removes these


def process(payload):
    return {"id": payload["id"], "size": len(payload["body"]), "total": sum(payload["items"])}


def handle(request_id):
    payload = {"id": request_id, "body": "x" * (request_id % 60), "items": list(range(request_id % 12))}
    result = process(payload)
    if request_id % 10 == 0:
        remember(request_id, payload)
    return result


for iteration in range(5):
    memreplay_marks.mark("iteration %d" % iteration)
    for r in range(iteration * 250, (iteration + 1) * 250):
        handle(r)
memreplay_marks.mark("done")
print("leak: cached", len(_cache), "payloads")
