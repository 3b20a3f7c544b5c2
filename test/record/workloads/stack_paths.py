"""Stacks that share their inner frames but not their outer ones, and
recursion deeper than the 16 frames kept: each allocation's stack must name
its own callers, whatever the allocation before it was (the recorder reuses
what the last stack shares with the new one)."""


def leaf(n):
    return bytearray(n)


def via_a(n):
    return leaf(n)


def via_b(n):
    return leaf(n)


def pick(f, n):
    return f(n)


def deep(k, n):
    if k == 0:
        return leaf(n)
    return deep(k - 1, n)


keep = []
for i in range(3):
    for f, n in ((via_a, 100001), (via_b, 100003)):
        keep.append(pick(f, n))
    keep.append(deep(20, 100005))
    keep.append(deep(3, 100007))
    keep.append(deep(20, 100009))
print("stack paths:", len(keep))
