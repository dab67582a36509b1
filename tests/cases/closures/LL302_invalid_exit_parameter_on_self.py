class Group:
    async def __aexit__(self, exc_type, exc_val, exc_tb):
        if exc_val is not None:
            self._exceptions.append(exc_val)  # LL302
# case: {"id": "exit-parameter-on-self", "options": {"all-forms": true}}
