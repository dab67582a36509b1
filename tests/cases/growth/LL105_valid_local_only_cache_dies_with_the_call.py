import functools

def total(rows):
    @functools.lru_cache(maxsize=None)
    def price(sku):
        return lookup(sku)
    return sum(price(r.sku) for r in rows)
# case: {"id": "local-only-cache-dies-with-the-call"}
