# Pushes copies into _leaky, allocates enough for the trace to be written out
# a few times, and is killed (SIGKILL): the module map must already be in the
# trace, since the end of the run never comes. argv: the extension's folder.
import os
import sys

sys.path.insert(0, sys.argv[1])
import _leaky  # noqa: E402

for i in range(5):
    _leaky.push(b"before %d" % i)
kept = [str(i) * 3 for i in range(20_000)]
for i in range(5):
    _leaky.push(b"after %d" % i)
kept += [str(i) * 3 for i in range(40_000)]
os.kill(os.getpid(), 9)
