"""stdlib: a mix of everyday work: JSON round trips, regular expressions,
small classes, sorting and string formatting (2,000 records, 20 rounds)."""
import json
import re
from dataclasses import dataclass

WORD = re.compile(r"[a-z]+(\d+)")


@dataclass
class Row:
    key: str
    value: int
    tags: list


def build(n):
    return [Row("k%05d" % i, i * 7 % 1000, ["t%d" % (i % 13), "u%d" % (i % 7)]) for i in range(n)]


total = 0
for rnd in range(20):
    rows = build(2000)
    text = json.dumps([r.__dict__ for r in rows])
    back = json.loads(text)
    total += sum(int(WORD.match(r["key"].replace("k", "key")).group(1)) for r in back[:500])
    back.sort(key=lambda r: (r["value"], r["key"]))
    total += len(",".join("%s=%d" % (r["key"], r["value"]) for r in back[:200]))
print("stdlib:", total)
