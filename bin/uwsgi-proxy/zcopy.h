/* Zero-copy relaying with splice(2) through a pipe: the bytes of a bulk
 * answer go from the node's socket to the client's without passing
 * through user space. The one module with splice and pipe2 (Linux). */
#ifndef UWSGI_PROXY_ZCOPY_H
#define UWSGI_PROXY_ZCOPY_H

#include <stddef.h>
#include <sys/types.h>

/* What a pipe holds at most before the relay stops filling it: the
 * bound of the zero-copy path, as the buffers are of the other one. */
#define ZCOPY_PIPE_BYTES 65536

/* A non-blocking, close-on-exec pipe in p. 0 or -1 with errno set. */
int zcopy_pipe(int p[2]);

/* Move up to n bytes from socket fd into the pipe's write end, or from
 * the pipe's read end to socket fd. The count, 0 at the socket's end of
 * file (zcopy_in), or -1 with errno (EAGAIN: nothing possible now). */
ssize_t zcopy_in(int fd, int pipe_w, size_t n);
ssize_t zcopy_out(int pipe_r, int fd, size_t n);

/* Close both ends (those >= 0) and set them to -1. */
void zcopy_close(int p[2]);

#endif
