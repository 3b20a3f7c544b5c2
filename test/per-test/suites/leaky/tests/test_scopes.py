import gc

import pytest

from app.mail import Node


#: What the module fixture's teardown leaves behind: the fixture's, not the last test's.
CLOSED = []


@pytest.fixture(scope="module")
def tree():
    root = Node("root")
    for i in range(100):
        Node("leaf%d" % i, root)
    yield root
    CLOSED.append(" ".join(child.name for child in root.children) * 4)  # teardown keeps


@pytest.mark.limit_leaks("64 KiB")
def test_module_fixture(tree):
    assert len(tree.children) == 100


def test_cycles_are_collected():
    for i in range(200):
        root = Node("r%d" % i)
        Node("c", root)
    del root
    gc.collect()


class TestWithClassFixture:
    @pytest.fixture(scope="class")
    def index(self, tree):
        return {child.name: child for child in tree.children}

    def test_lookup(self, index):
        assert index["leaf7"].parent.name == "root"

    def test_size(self, index, directory):
        assert len(index) == 100 and len(directory) == 400
