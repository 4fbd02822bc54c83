from django.http import HttpResponse, HttpResponseRedirect
from django.views.decorators.csrf import csrf_exempt


def hello(request):
    resp = HttpResponse("Hello from Django, %s!\n" % request.GET.get("name", "world"),
                        content_type="text/plain")
    resp["X-Framework"] = "django"
    return resp


@csrf_exempt
def form(request):
    if request.method != "POST":
        return HttpResponse("POST only\n", status=405, content_type="text/plain")
    fields = " ".join("%s=%s" % (k, request.POST[k]) for k in sorted(request.POST))
    return HttpResponse("form: %s\n" % fields, content_type="text/plain")


def protected(request):
    # CSRF middleware is on and this view is not exempt: a POST without a
    # token must be refused with 403 before it gets here.
    return HttpResponse("reached the protected view\n", content_type="text/plain")


def old(request):
    return HttpResponseRedirect("/hello/?name=moved")
