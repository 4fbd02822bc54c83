/* A minimal TAP-emitting unit test harness.
 *
 * Each test is a function; CHECK records a failure (with file and line, as a
 * TAP diagnostic) and carries on so one run shows every broken assertion.
 * TEST_MAIN runs a table of tests and prints `ok N - name` / `not ok N - name`
 * lines that tests/run-tests counts alongside the bats suites.
 */
#ifndef UP_TEST_H
#define UP_TEST_H

#include <stdio.h>
#include <string.h>

static int test_failed_;

#define CHECK(cond) do { \
	if (!(cond)) { \
		test_failed_ = 1; \
		printf("# %s:%d: CHECK(%s) failed\n", __FILE__, __LINE__, #cond); \
	} \
} while (0)

#define CHECK_EQ(a, b) do { \
	long long a_ = (long long)(a), b_ = (long long)(b); \
	if (a_ != b_) { \
		test_failed_ = 1; \
		printf("# %s:%d: %s == %lld, expected %s == %lld\n", \
		       __FILE__, __LINE__, #a, a_, #b, b_); \
	} \
} while (0)

#define CHECK_STR(a, b) do { \
	const char *a_ = (a), *b_ = (b); \
	if (!a_ || !b_ || strcmp(a_, b_) != 0) { \
		test_failed_ = 1; \
		printf("# %s:%d: %s == \"%s\", expected \"%s\"\n", __FILE__, \
		       __LINE__, #a, a_ ? a_ : "(null)", b_ ? b_ : "(null)"); \
	} \
} while (0)

/* Compare n bytes at p with the NUL-terminated string s. */
#define CHECK_MEM(p, n, s) do { \
	size_t n_ = (n); const char *s_ = (s); \
	if (n_ != strlen(s_) || memcmp((p), s_, n_) != 0) { \
		test_failed_ = 1; \
		printf("# %s:%d: %s is \"%.*s\", expected \"%s\"\n", __FILE__, \
		       __LINE__, #p, (int)n_, (const char *)(p), s_); \
	} \
} while (0)

struct test_case {
	const char *name;
	void (*fn)(void);
};

#define T(fn) { #fn, fn }

static inline int test_run(const struct test_case *tc, size_t n)
{
	int bad = 0;
	printf("1..%zu\n", n);
	for (size_t i = 0; i < n; i++) {
		test_failed_ = 0;
		tc[i].fn();
		printf("%sok %zu - %s\n", test_failed_ ? "not " : "", i + 1, tc[i].name);
		bad += test_failed_;
		fflush(stdout);
	}
	return bad ? 1 : 0;
}

#define TEST_MAIN(table) \
	int main(void) { return test_run(table, sizeof(table) / sizeof((table)[0])); }

#endif
