#include "uwsgiproto/tmpfile.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

int up_tmpfile(const char *dir, up_err_t *err)
{
	if (!dir)
		dir = getenv("TMPDIR");
	if (!dir || !*dir)
		dir = "/tmp";
	int fd = open(dir, O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
	if (fd >= 0)
		return fd;
	char path[4096];
	if (snprintf(path, sizeof path, "%s/uwsgi-tmp.XXXXXX", dir) >= (int)sizeof path)
		return up_err_set(err, UP_EINVAL, "temporary file in %s: path too long", dir);
	fd = mkostemp(path, O_CLOEXEC);
	if (fd < 0)
		return up_err_sys(err, UP_ESYS, "temporary file in %s", dir);
	unlink(path);
	return fd;
}
