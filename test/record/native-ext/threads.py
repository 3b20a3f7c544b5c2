# Four threads compressing at once: zlib releases the GIL, so their C
# library calls come in parallel (the --native order test).
import threading
import zlib

data = b"".join(b"line %d of the order test\n" % i for i in range(3000))


def work():
    for _ in range(30):
        c = zlib.compressobj(6)
        packed = c.compress(data) + c.flush()
        assert zlib.decompress(packed) == data


threads = [threading.Thread(target=work) for _ in range(4)]
for t in threads:
    t.start()
for t in threads:
    t.join()
print("ok")
