#include <errno.h>

#include "test.h"
#include "uwsgiproto/error.h"

static void test_safe_text_control_bytes(void)
{
	char out[32];
	/* A peer's newline must not start a second log line. */
	CHECK_STR(up_safe_text(out, sizeof out, "a\nb\r\x7f\tc", 7), "a?b???c");
	/* A NUL inside the bytes is a control byte too, not the end. */
	CHECK_STR(up_safe_text(out, sizeof out, "x\0y", 3), "x?y");
	/* Bytes over 0x7f (UTF-8) pass. */
	CHECK_STR(up_safe_text(out, sizeof out, "\xc3\xa9", 2), "\xc3\xa9");
}

static void test_safe_text_cut(void)
{
	char out[4];
	CHECK_STR(up_safe_text(out, sizeof out, "abcdef", 6), "abc");
	CHECK_STR(up_safe_text(out, 1, "abcdef", 6), "");
	CHECK_STR(up_safe_text(out, sizeof out, "", 0), "");
}

static void test_err_set_and_sys(void)
{
	up_err_t err;
	CHECK_EQ(up_err_set(&err, UP_EADDR, "bad %s", "thing"), UP_EADDR);
	CHECK_STR(err.msg, "bad thing");
	CHECK_EQ(err.sys_errno, 0);
	errno = ENOENT;
	CHECK_EQ(up_err_sys(&err, UP_ESYS, "open %s", "x"), UP_ESYS);
	CHECK_STR(err.msg, "open x: No such file or directory");
	CHECK_EQ(err.sys_errno, ENOENT);
	CHECK_EQ(errno, ENOENT);
	CHECK_STR(up_strerror(UP_ETIMEDOUT), "timed out");
	CHECK_STR(up_strerror(-9999), "unknown error");
}

static const struct test_case tests[] = {
	T(test_safe_text_control_bytes),
	T(test_safe_text_cut),
	T(test_err_set_and_sys),
};

TEST_MAIN(tests)
