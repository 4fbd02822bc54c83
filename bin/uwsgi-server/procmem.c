#include "procmem.h"

#include <stdio.h>
#include <unistd.h>

void proc_memory(pid_t pid, uint64_t *rss, uint64_t *vsz)
{
	char path[64];
	unsigned long long v = 0, r = 0;
	if (pid > 0)
		snprintf(path, sizeof path, "/proc/%d/statm", (int)pid);
	else
		snprintf(path, sizeof path, "/proc/self/statm");
	FILE *f = fopen(path, "re");
	if (f) {
		if (fscanf(f, "%llu %llu", &v, &r) != 2)
			v = r = 0;
		fclose(f);
	}
	uint64_t page = (uint64_t)sysconf(_SC_PAGESIZE);
	if (rss)
		*rss = r * page;
	if (vsz)
		*vsz = v * page;
}
