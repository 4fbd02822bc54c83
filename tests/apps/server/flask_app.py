# A small Flask (Debian's python3-flask) site served through nginx by
# tests/server_fronts.bats: a GET with a query, a POST form, JSON in and
# out, a cookie, a redirect and Flask's own 404.
from flask import Flask, jsonify, redirect, request

application = Flask(__name__)


@application.get("/hello")
def hello():
    return "Hello, %s!\n" % request.args.get("name", "world")


@application.post("/form")
def form():
    fields = " ".join("%s=%s" % (k, request.form[k]) for k in sorted(request.form))
    return "form: %s\n" % fields


@application.post("/json")
def json_echo():
    data = request.get_json()
    return jsonify(got=data, keys=sorted(data), method=request.method)


@application.get("/cookie")
def cookie():
    resp = application.make_response("cookie set\n")
    resp.set_cookie("flavour", "oatmeal", path="/")
    return resp


@application.get("/seen")
def seen():
    return "cookie: %s\n" % request.cookies.get("flavour", "(none)")


@application.get("/go")
def go():
    return redirect("/hello?name=redirected")
