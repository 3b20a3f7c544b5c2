import unittest

_kept = []


class TestInventory(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        # Set up once for the class: no test's.
        cls.shelves = [bytearray(1000) for _ in range(200)]

    def setUp(self):
        self.scratch = [bytearray(100) for _ in range(10)]

    def test_keeps_a_buffer(self):
        _kept.append(bytearray(100000))  # planted: keeps 100 kB

    def test_uses_the_shelves(self):
        counts = [len(s) for s in self.shelves]
        self.assertEqual(sum(counts), 200000)
