"""Code under test: an inbox, an audit trail, a parser with caches."""

import functools

_archive = []
_audit_trail = []
_domains = {}


class Inbox:
    def __init__(self):
        self.unread = []

    def receive(self, sender, body):
        message = {"from": sender, "body": body, "size": len(body)}
        self.unread.append(message)
        _archive.append(dict(message))  # planted: per-call leak
        return message

    def read_all(self):
        messages, self.unread = self.unread, []
        return messages


def audit(user, action):
    _audit_trail.append("%-24s %-48s" % (user, action))  # planted: slow leak


@functools.lru_cache(maxsize=64)
def parse_address(text):
    local, _, domain = text.partition("@")
    return (local.strip().lower(), domain.strip().lower())


def domain_info(domain):
    # A cache filled once per domain: the first call keeps it, later ones find it.
    info = _domains.get(domain)
    if info is None:
        info = _domains[domain] = {"name": domain, "parts": domain.split("."), "mx": ["mx1." + domain, "mx2." + domain]}
    return info


class Node:
    """Linked both ways: every pair is a reference cycle."""

    def __init__(self, name, parent=None):
        self.name = name
        self.parent = parent
        self.children = []
        if parent is not None:
            parent.children.append(self)
