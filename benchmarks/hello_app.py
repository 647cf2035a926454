"""The baseline of benchmarks/public_pages.py: a bare Flask hello-world, served the same way
(gunicorn, 2 sync workers). Nothing of Talka is imported."""

from flask import Flask

app = Flask(__name__)


@app.route("/")
def hello():
    return "Hello, World!"
