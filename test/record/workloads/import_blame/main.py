import sys

import heavy

print(len(heavy.TABLE), len(heavy.PARSED), file=sys.stderr)
