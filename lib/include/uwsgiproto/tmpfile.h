/* Anonymous temporary files, for bodies whose length must be known before
 * they are sent (a pipe on stdin, a chunked upload). */
#ifndef UWSGIPROTO_TMPFILE_H
#define UWSGIPROTO_TMPFILE_H

#include "uwsgiproto/error.h"

/* A new, empty, read-write, close-on-exec file in dir (NULL: $TMPDIR, else
 * /tmp) that has no name: it disappears when the last descriptor closes.
 * O_TMPFILE where the filesystem has it, else mkostemp and unlink. Returns
 * the fd (the caller owns it) or UP_ESYS ("temporary file in /tmp: No
 * space left on device"). */
int up_tmpfile(const char *dir, up_err_t *err);

#endif
