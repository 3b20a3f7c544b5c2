# Drives _leaky (leaky.c) and libalign (align.c) for the --native tests.
# argv: the extension's folder, the path of libalign.so.
import _ctypes
import ctypes
import os
import sys
import threading

sys.path.insert(0, sys.argv[1])
import _leaky  # noqa: E402

align = ctypes.CDLL(sys.argv[2])  # dlopen after start-up
align.align_block.restype = ctypes.c_void_p
align.align_block.argtypes = [ctypes.c_size_t]
align.align_free.argtypes = [ctypes.c_void_p]


def feed(n):
    for i in range(n):
        _leaky.push(b"payload-%03d" % i * 8)  # PUSH


feed(20)
_leaky.pymem_leak()  # PYMEM
_leaky.raw_roundtrip()  # RAW
worker = threading.Thread(target=feed, args=(6,))
worker.start()
worker.join()
_leaky.c_thread()
_leaky.exercise()  # EXERCISE
block = align.align_block(5555)  # ALIGN
print("aligned", block % 64)
align.align_free(block)
_ctypes.dlclose(align._handle)  # unloaded before the end: its frames still named
pid = os.fork()
if pid == 0:
    _leaky.push(b"child" * 100)
    os._exit(0)
os.waitpid(pid, 0)
print("child", pid)
_leaky.clear()
