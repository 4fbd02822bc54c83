/* splice(2) through a pipe. */
#include <fcntl.h>
#include <unistd.h>

#include "zcopy.h"

int zcopy_pipe(int p[2])
{
	return pipe2(p, O_NONBLOCK | O_CLOEXEC);
}

ssize_t zcopy_in(int fd, int pipe_w, size_t n)
{
	return splice(fd, NULL, pipe_w, NULL, n, SPLICE_F_NONBLOCK | SPLICE_F_MOVE);
}

ssize_t zcopy_out(int pipe_r, int fd, size_t n)
{
	return splice(pipe_r, NULL, fd, NULL, n, SPLICE_F_NONBLOCK | SPLICE_F_MOVE);
}

void zcopy_close(int p[2])
{
	for (int i = 0; i < 2; i++) {
		if (p[i] >= 0)
			close(p[i]);
		p[i] = -1;
	}
}
