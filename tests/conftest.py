import pytest


@pytest.fixture(scope="session")
def use_m3():
    """The multilingual USE-m3 model (numpy only, ships in its package): real vectors, fast."""
    from classifier.embed import load_embedder

    return load_embedder("use-m3")
