/* The floor of the server benchmark: what one keep-alive HTTP request
 * costs this machine's kernel when a server does nothing else. Two
 * processes share a listening socket; each takes a connection and answers
 * every request head it reads with a fixed response, in two system calls
 * per request (a blocking recv and a send) - fewer than any real server
 * makes, since it parses nothing, runs no application and watches nothing
 * but that one connection. tests/bench/server.sh measures it beside the
 * real servers, so the targets' ratios can be read against what the
 * kernel alone takes.
 *
 * usage: floor PORT   (listens on 127.0.0.1:PORT; stop it with SIGTERM) */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <unistd.h>

static const char answer[] = "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n"
			     "Content-Length: 14\r\n\r\nHello, World!\n";

/* The complete request heads in buf[0..*len), which are answered; a
 * partial one is kept for the next read. Returns -1 when a send fails. */
static int answer_heads(int fd, char *buf, size_t *len)
{
	char *at = buf, *end;
	while ((end = memmem(at, (size_t)(buf + *len - at), "\r\n\r\n", 4))) {
		if (send(fd, answer, sizeof answer - 1, MSG_NOSIGNAL) != (ssize_t)sizeof answer - 1)
			return -1;
		at = end + 4;
	}
	*len -= (size_t)(at - buf);
	memmove(buf, at, *len);
	return 0;
}

static void serve(int fd)
{
	char buf[8192];
	size_t len = 0;
	for (;;) {
		if (len == sizeof buf)
			break;  /* a head this large is not the benchmark's */
		ssize_t n = recv(fd, buf + len, sizeof buf - len, 0);
		if (n <= 0)
			break;
		len += (size_t)n;
		if (answer_heads(fd, buf, &len) < 0)
			break;
	}
	close(fd);
}

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: floor PORT\n");
		return 2;
	}
	int ls = socket(AF_INET, SOCK_STREAM, 0), one = 1;
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons((uint16_t)atoi(argv[1])),
				 .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	if (ls < 0 || setsockopt(ls, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) < 0 ||
	    bind(ls, (struct sockaddr *)&a, sizeof a) < 0 || listen(ls, 128) < 0) {
		perror("floor: 127.0.0.1");
		return 1;
	}
	/* Two processes, as the servers have two workers; the parent serves
	 * too, and the child dies with it. */
	pid_t pid = fork();
	if (pid < 0) {
		perror("floor: fork");
		return 1;
	}
	if (pid == 0)
		prctl(PR_SET_PDEATHSIG, SIGKILL);
	for (;;) {
		int fd = accept(ls, NULL, NULL);
		if (fd >= 0)
			serve(fd);
	}
}
