import pytest

from app.mail import Inbox


@pytest.fixture(scope="session")
def directory():
    # Kept for the whole session: not a leak of the first test that asks for it.
    return {"user%d@example.org" % i: ["group%d" % (i % 7)] * 3 for i in range(400)}


@pytest.fixture(scope="package")
def templates():
    return ["Dear %s,\n" + "line %d of the template\n" % i * 4 for i in range(50)]


@pytest.fixture
def inbox():
    box = Inbox()
    yield box
    box.read_all()
