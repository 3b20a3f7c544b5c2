# One isolated sub-interpreter (CPython 3.12: its own obmalloc state) builds a
# small dict; the main interpreter's pymalloc model cannot follow its arenas.
import _xxsubinterpreters as interpreters
x = interpreters.create()
interpreters.run_string(x, "d = {k: str(k) for k in range(2000)}")
interpreters.destroy(x)
