def fetch(urls, get):
    last_error = None
    for url in urls:
        try:
            return get(url)
        except OSError as e:
            last_error = e  # LL302
    raise last_error
# case: {"id": "local-kept-after-handler", "message_contains": "reference cycle", "options": {"all-forms": true}}
