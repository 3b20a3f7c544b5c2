# A library unloaded and a copy of it under another name loaded, most often
# at the same address: each one's block is named with its own library.
# argv: the two libraries' paths.
import _ctypes
import ctypes
import sys

for size, path in ((4441, sys.argv[1]), (4442, sys.argv[2])):
    lib = ctypes.CDLL(path)
    lib.align_block.restype = ctypes.c_void_p
    lib.align_block.argtypes = [ctypes.c_size_t]
    lib.align_free.argtypes = [ctypes.c_void_p]
    lib.align_free(lib.align_block(size))
    _ctypes.dlclose(lib._handle)
