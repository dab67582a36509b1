class StreamReader:
    def set_exception(self, exc):
        self._exception = exc

    async def read(self, n=-1):
        if self._exception is not None:
            raise self._exception  # LL302
        return await self._read(n)


class FixtureDef:
    def execute(self, request):
        if self.cached_result is not None:
            exc = self.cached_result[2]  # LL302
            if exc is not None:
                raise exc
            return self.cached_result[0]


def run(runtimectx, fn):
    result = fn(runtimectx)
    if result is FAILED:
        e = runtimectx.curexc  # LL302
        runtimectx.curexc = None
        raise e
    return result


class Message:
    def decode(self):
        if self.errors:
            reraise(*self.errors[0])  # LL302
        return self._decoded
