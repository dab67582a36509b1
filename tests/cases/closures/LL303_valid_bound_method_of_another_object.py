def run_all(futures, results):
    for fut in futures:
        fut.add_done_callback(results.append)
# case: {"id": "bound-method-of-another-object"}
