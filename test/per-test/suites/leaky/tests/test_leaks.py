from app.mail import audit


def test_leaks_every_message(inbox, directory):
    for i in range(4):
        inbox.receive("user%d@example.org" % i, "hello " * (20 + i))
    assert len(inbox.read_all()) == 4


def test_leaks_audit_records(directory):
    audit("alice", "login")
