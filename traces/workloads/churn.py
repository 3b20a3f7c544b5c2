"""churn: short-lived small objects. Each of 1,500 requests builds a dict, a
string and a list, keeps one request in ten in a bounded window of recent
ones, and drops the rest at once: pools fill and empty continuously."""
import memreplay_marks


def make(i):
    return {"id": i, "name": "item%d" % i, "tags": [i, i + 1]}


recent = []
for i in range(1500):
    d = make(i)
    if i % 10 == 0:
        recent.append(d)
    if len(recent) > 100:
        del recent[:50]
    if i % 500 == 499:
        memreplay_marks.mark("after %d requests" % (i + 1))
print("churn: kept", len(recent))
