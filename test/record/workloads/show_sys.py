"""Prints what a program sees of how it was started, as JSON: compared
between a plain interpreter and the recorder (the first free file
descriptor included: the recorder's own are out of the way)."""
import json
import os
import sys

print(json.dumps({
    "argv": sys.argv,
    "executable": sys.executable,
    "path": sys.path,
    "prefix": sys.prefix,
    "base_prefix": sys.base_prefix,
    "exec_prefix": sys.exec_prefix,
    "flags": [getattr(sys.flags, name) for name in ("optimize", "isolated", "no_user_site", "ignore_environment", "safe_path") if hasattr(sys.flags, name)],
    "main": getattr(sys.modules["__main__"], "__file__", None),
    "spec": getattr(getattr(sys.modules["__main__"], "__spec__", None), "name", None),
    "cwd": os.getcwd(),
    "stdin_isatty": sys.stdin.isatty(),
    "first_free_fd": os.open(os.devnull, os.O_RDONLY),
}))
