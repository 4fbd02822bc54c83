/* A process's memory as /proc/PID/statm reports it, in bytes. */
#ifndef UWSGI_SERVER_PROCMEM_H
#define UWSGI_SERVER_PROCMEM_H

#include <stdint.h>
#include <sys/types.h>

/* RSS and address space (VSZ) of pid (0: this process); both 0 when it
 * cannot be read (the process is gone). */
void proc_memory(pid_t pid, uint64_t *rss, uint64_t *vsz);

#endif
