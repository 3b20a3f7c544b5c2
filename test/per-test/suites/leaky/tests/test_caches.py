import pytest

from app.mail import domain_info, parse_address


def test_lru_cache_filled_once(directory):
    for address in list(directory)[:20]:
        assert parse_address(address)[1] == "example.org"


def test_module_cache_filled_once():
    info = domain_info("mail.example.net")
    assert info["mx"][0] == "mx1.mail.example.net"


@pytest.mark.parametrize("n", [1, 10, 100])
def test_parametrized(n, templates):
    text = "".join(t % ("user", ) if "%s" in t else t for t in templates[:n % 50 + 1])
    assert text.startswith("Dear user")
