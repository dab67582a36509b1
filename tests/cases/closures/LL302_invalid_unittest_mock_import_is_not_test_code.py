from unittest.mock import Mock

def check_union(value, types, check):
    errors = {}
    for type_ in types:
        try:
            return check(value, type_)
        except TypeError as exc:
            errors[type_] = exc  # LL302
    raise TypeError(f"no match: {errors}")
# case: {"id": "unittest-mock-import-is-not-test-code", "options": {"all-forms": true}}
