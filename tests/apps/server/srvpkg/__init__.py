# A package whose submodule holds a WSGI app, for --module srvpkg.hello:app.
