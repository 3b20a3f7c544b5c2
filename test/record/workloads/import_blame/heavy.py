# Allocates at import time: its own table, and parsed JSON (a library call).
import json

TABLE = [str(i) * 3 for i in range(3000)]
PARSED = json.loads('[' + ','.join('{"k": "%d"}' % i for i in range(800)) + ']')


def unused(x):
    return [x] * 10
