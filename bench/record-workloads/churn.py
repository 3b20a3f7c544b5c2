"""churn: allocation-heavy. Builds 300,000 small dicts with a string and a
list each, keeps one in ten in a bounded window (so most die young)."""
import sys


def make(i):
    return {"id": i, "name": "item%d" % i, "tags": [i, i + 1]}


def run(n):
    keep = []
    for i in range(n):
        d = make(i)
        if i % 10 == 0:
            keep.append(d)
        if len(keep) > 5000:
            del keep[:2500]
    return len(keep)


print("churn:", run(int(sys.argv[1]) if len(sys.argv) > 1 else 300_000))
