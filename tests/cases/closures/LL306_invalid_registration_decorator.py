def routes(app, pages):
    for page in pages:
        @app.route("/" + page.slug)
        def view():  # LL306
            return page.render()
# case: {"id": "registration-decorator"}
