#include <dirent.h>
#include <stdlib.h>
#include <unistd.h>

#include "test.h"
#include "uwsgiproto/tmpfile.h"

static int entries(const char *dir)
{
	int n = 0;
	DIR *d = opendir(dir);
	if (!d)
		return -1;
	while (readdir(d))
		n++;
	closedir(d);
	return n;
}

static void test_nameless_and_usable(void)
{
	char dir[] = "/tmp/up-tmpfile-XXXXXX";
	CHECK(mkdtemp(dir) != NULL);
	int before = entries(dir);
	int fd = up_tmpfile(dir, NULL);
	CHECK(fd >= 0);
	CHECK_EQ(entries(dir), before);  /* nothing to clean up, ever */
	CHECK_EQ(write(fd, "hello", 5), 5);
	CHECK_EQ(lseek(fd, 0, SEEK_SET), 0);
	char buf[8] = { 0 };
	CHECK_EQ(read(fd, buf, sizeof buf), 5);
	CHECK_MEM(buf, 5, "hello");
	close(fd);
	CHECK_EQ(rmdir(dir), 0);
}

static void test_tmpdir_default(void)
{
	char dir[] = "/tmp/up-tmpfile-XXXXXX";
	CHECK(mkdtemp(dir) != NULL);
	setenv("TMPDIR", dir, 1);
	int fd = up_tmpfile(NULL, NULL);
	CHECK(fd >= 0);
	close(fd);
	unsetenv("TMPDIR");
	CHECK_EQ(rmdir(dir), 0);
}

static void test_missing_dir(void)
{
	up_err_t err;
	int fd = up_tmpfile("/nonexistent/dir", &err);
	CHECK_EQ(fd, UP_ESYS);
	CHECK_STR(err.msg, "temporary file in /nonexistent/dir: No such file or directory");
}

static const struct test_case tests[] = {
	T(test_nameless_and_usable),
	T(test_tmpdir_default),
	T(test_missing_dir),
};

TEST_MAIN(tests)
