"""cheavy: C-heavy work, where most allocations are the C libraries' own
(malloc, not Python's allocator): zlib streams and an in-memory sqlite3
database (200 rounds of compress/decompress, 20,000 rows inserted, indexed
and queried)."""
import sqlite3
import zlib

data = b"".join(b"row %06d: the quick brown fox jumps over the lazy dog\n" % i for i in range(2000))
total = 0
for rnd in range(200):
    c = zlib.compressobj(6)
    packed = c.compress(data) + c.flush()
    total += len(zlib.decompress(packed))

db = sqlite3.connect(":memory:")
db.execute("create table t (k integer primary key, name text, v real)")
db.executemany("insert into t (name, v) values (?, ?)", (("name%05d" % i, i * 0.5) for i in range(20000)))
db.execute("create index t_name on t (name)")
for i in range(200):
    total += db.execute("select count(*), sum(v) from t where name between ? and ?", ("name%05d" % (i * 50), "name%05d" % (i * 50 + 400))).fetchone()[0]
db.close()
print("cheavy:", total)
