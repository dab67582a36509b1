def create_app(config):
    app = make_app()

    @app.route("/")
    def index():
        return config.title

    return app
# case: {"id": "registered-on-a-local-object"}
