"""A transaction's reads are made once, until the transaction writes what was read."""

from shared.mongo.unit_of_work import TransactionReads


class Source:
    def __init__(self):
        self.value: str | None = "v1"
        self.reads = 0

    async def read(self):
        self.reads += 1
        return self.value


async def test_a_document_is_read_once_per_transaction_even_when_missing():
    reads, source = TransactionReads(), Source()
    source.value = None
    assert [await reads.once(("tenants", "acme"), source.read) for _ in range(3)] == [None] * 3
    assert source.reads == 1


async def test_keys_are_apart_and_a_forgotten_one_is_read_again():
    reads, source = TransactionReads(), Source()
    assert await reads.once(("tenants", "acme"), source.read) == "v1"
    assert await reads.once(("tenants", "beta"), source.read) == "v1"
    source.value = "v2"  # the transaction wrote it
    reads.forget(("tenants", "acme"))
    assert await reads.once(("tenants", "acme"), source.read) == "v2"
    assert await reads.once(("tenants", "beta"), source.read) == "v1"
    assert source.reads == 3
