from django.core.exceptions import EmptyResultSet, FullResultSet


class IntegerFieldExact:
    underflow_exception = EmptyResultSet
    overflow_exception = FullResultSet

    def get_prep_lookup(self):
        if self.rhs < 0:
            raise self.underflow_exception  # a class: a new instance per raise
        raise self.overflow_exception


class Template:
    def render(self, context):
        try:
            return self.template.render(context)
        except TemplateDoesNotExist as exc:
            reraise(exc, self.backend)  # raises exc, not the backend
# case: {"id": "raised-class-attribute-and-reraise-arguments", "options": {"all-forms": true}}
