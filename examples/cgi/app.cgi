#!/usr/local/bin/uwsgi-cgi
# A CGI script for uwsgi-cgi(1). The web server runs it like any CGI
# program; the kernel hands it to uwsgi-cgi (the #! line above), which
# reads the settings below and relays the request to the application kept
# warm in a uwsgi server: `make run` starts one on 127.0.0.1:3031.
# Lines are "key = value"; keys are uwsgi-cgi's long option names.
socket = 127.0.0.1:3031

# The longest the application may stay silent, and the limit for
# connecting, in seconds (defaults 60 and 5).
timeout = 60
connect-timeout = 5

# Extra vars for the application, as many lines as needed:
# var = UWSGI_SCHEME=https
