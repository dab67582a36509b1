def fetch_all(urls, get):
    results = {}
    for url in urls:
        try:
            results[url] = get(url)
        except OSError as e:
            results[url] = e  # LL302
    return results
# case: {"id": "dict-filled-in-a-loop-of-attempts", "options": {"all-forms": true}}
