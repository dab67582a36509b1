def routes(app, pages):
    for page in pages:
        @app.route("/" + page.slug)
        def view(page=page):  # LL306
            return page.render()
