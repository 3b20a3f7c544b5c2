"""churn: short-lived small objects, no leak. Ten iterations of 200 requests
(marks `iteration 0` .. `iteration 9`, then `done`); every request builds a
dict, a string and a list, one request in ten is kept in a window of the 20
most recent, and the rest is dropped at once: pools fill and empty all the
time while what the program keeps stays the same size."""
import memreplay_marks


def make(i):
    return {"id": i, "name": "item%05d" % i, "tags": [i, i + 1]}


recent = []
for iteration in range(10):
    memreplay_marks.mark("iteration %d" % iteration)
    for i in range(iteration * 200, (iteration + 1) * 200):
        d = make(i)
        if i % 10 == 0:
            recent.append(d)
            if len(recent) > 20:
                del recent[0]
memreplay_marks.mark("done")
print("churn: kept", len(recent))
