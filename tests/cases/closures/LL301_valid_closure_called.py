def handle(request):
    def render():
        return request.body.decode()
    return render()
# case: {"id": "closure-called"}
