/* The modifier1 table: ordered for the binary search, complete against
 * PROTOCOL.md §2, the right payload framing, lookups by value and by name. */
#include "test.h"

#include "uwsgiproto/error.h"
#include "uwsgiproto/modifiers.h"

#include <stdint.h>

static void test_table_sorted_unique(void)
{
	size_t n = 0;
	const up_modifier_info_t *t = up_modifier_table(&n);
	CHECK(t != NULL);
	CHECK(n > 0);
	for (size_t i = 1; i < n; i++)
		if (t[i - 1].m1 >= t[i].m1) {
			test_failed_ = 1;
			printf("# table out of order at %zu: %u then %u\n", i,
			       t[i - 1].m1, t[i].m1);
		}
	for (size_t i = 0; i < n; i++) {
		CHECK(t[i].name && t[i].name[0]);
		CHECK(t[i].desc && t[i].desc[0]);
		CHECK(t[i].payload <= UP_PAYLOAD_NONE);
		/* The search finds every entry, the very entry of the table. */
		CHECK(up_modifier_info(t[i].m1) == &t[i]);
	}
	/* Names are unique, apart from the reserved block. */
	for (size_t i = 0; i < n; i++)
		for (size_t j = i + 1; j < n; j++)
			if (strcmp(t[i].name, t[j].name) == 0 &&
			    strcmp(t[i].name, "reserved") != 0) {
				test_failed_ = 1;
				printf("# duplicate name %s\n", t[i].name);
			}
}

/* The binary search agrees with a linear scan for every value 0..300. */
static void test_search_matches_scan(void)
{
	size_t n;
	const up_modifier_info_t *t = up_modifier_table(&n);
	for (unsigned m = 0; m <= 300; m++) {
		const up_modifier_info_t *want = NULL;
		for (size_t i = 0; i < n; i++)
			if (t[i].m1 == m)
				want = &t[i];
		if (up_modifier_info(m) != want) {
			test_failed_ = 1;
			printf("# up_modifier_info(%u) disagrees with a scan\n", m);
		}
		CHECK_STR(up_modifier_name(m), want ? want->name : "unknown");
		CHECK_EQ(up_modifier_payload(m), want ? want->payload : UP_PAYLOAD_RAW);
	}
	CHECK(up_modifier_info(256) == NULL);
	CHECK(up_modifier_info(256 + 100) == NULL);  /* not ping: no wrap */
	CHECK(up_modifier_info((unsigned)-1) == NULL);
}

/* Every value of PROTOCOL.md §2 and how its payload is framed. */
static const struct {
	unsigned m1;
	int payload;
	const char *name;
} protocol[] = {
	{ 0, UP_PAYLOAD_VARS, "wsgi" },
	{ 1, UP_PAYLOAD_RAW, "reserved" },
	{ 2, UP_PAYLOAD_RAW, "reserved" },
	{ 3, UP_PAYLOAD_RAW, "reserved" },
	{ 5, UP_PAYLOAD_VARS, "psgi" },
	{ 6, UP_PAYLOAD_VARS, "lua" },
	{ 7, UP_PAYLOAD_VARS, "rack" },
	{ 8, UP_PAYLOAD_VARS, "jvm" },
	{ 9, UP_PAYLOAD_VARS, "cgi" },
	{ 10, UP_PAYLOAD_VARS, "manage" },
	{ 14, UP_PAYLOAD_VARS, "php" },
	{ 15, UP_PAYLOAD_VARS, "mono" },
	{ 17, UP_PAYLOAD_VARS, "spooler" },
	{ 18, -1, NULL },
	{ 22, UP_PAYLOAD_RAW, "eval" },
	{ 23, -1, NULL },
	{ 24, -1, NULL },
	{ 25, -1, NULL },
	{ 26, -1, NULL },
	{ 27, UP_PAYLOAD_VARS, NULL },
	{ 30, UP_PAYLOAD_VARS, NULL },
	{ 31, UP_PAYLOAD_VARS, NULL },
	{ 32, UP_PAYLOAD_RAW, NULL },
	{ 33, UP_PAYLOAD_RAW, NULL },
	{ 48, -1, NULL },
	{ 72, UP_PAYLOAD_RAW, NULL },
	{ 73, -1, NULL },
	{ 74, -1, NULL },
	{ 95, UP_PAYLOAD_VARS, NULL },
	{ 96, -1, NULL },
	{ 97, -1, NULL },
	{ 98, -1, NULL },
	{ 99, UP_PAYLOAD_VARS, NULL },
	{ 100, UP_PAYLOAD_NONE, "ping" },
	{ 101, UP_PAYLOAD_RAW, "echo" },
	{ 109, -1, NULL },
	{ 110, -1, NULL },
	{ 111, UP_PAYLOAD_VARS, "cache" },
	{ 173, UP_PAYLOAD_ARRAY, "rpc" },
	{ 200, UP_PAYLOAD_NONE, "close" },
	{ 224, UP_PAYLOAD_VARS, "subscribe" },
	{ 255, UP_PAYLOAD_RAW, "response" },
};

static void test_protocol_values(void)
{
	for (size_t i = 0; i < sizeof protocol / sizeof protocol[0]; i++) {
		unsigned m = protocol[i].m1;
		const up_modifier_info_t *mi = up_modifier_info(m);
		if (!mi) {
			test_failed_ = 1;
			printf("# modifier %u of PROTOCOL.md missing\n", m);
			continue;
		}
		CHECK_EQ(mi->m1, m);
		if (protocol[i].payload >= 0 && mi->payload != protocol[i].payload) {
			test_failed_ = 1;
			printf("# modifier %u: payload %u, expected %d\n", m, mi->payload,
			       protocol[i].payload);
		}
		if (protocol[i].name)
			CHECK_STR(mi->name, protocol[i].name);
		CHECK_EQ(up_modifier_payload(m), mi->payload);
		if (protocol[i].payload >= 0)
			CHECK_EQ(up_modifier_payload(m), protocol[i].payload);
	}
	/* The table holds nothing §2 does not list. */
	size_t n;
	const up_modifier_info_t *t = up_modifier_table(&n);
	CHECK_EQ(n, sizeof protocol / sizeof protocol[0]);
	for (size_t i = 0; i < n; i++) {
		int listed = 0;
		for (size_t j = 0; j < sizeof protocol / sizeof protocol[0]; j++)
			listed |= protocol[j].m1 == t[i].m1;
		if (!listed) {
			test_failed_ = 1;
			printf("# modifier %u not in PROTOCOL.md\n", t[i].m1);
		}
	}
	/* The header's enum names the same values. */
	CHECK(up_modifier_info(UP_MOD_WSGI) != NULL);
	CHECK_EQ(up_modifier_info(UP_MOD_RPC)->payload, UP_PAYLOAD_ARRAY);
	CHECK_EQ(up_modifier_info(UP_MOD_SPOOL)->payload, UP_PAYLOAD_VARS);
	CHECK_EQ(up_modifier_info(UP_MOD_SUBSCRIBE)->payload, UP_PAYLOAD_VARS);
	CHECK_EQ(up_modifier_info(UP_MOD_ECHO)->payload, UP_PAYLOAD_RAW);
	CHECK_STR(up_modifier_name(UP_MOD_PING), "ping");
	CHECK_STR(up_modifier_name(UP_MOD_CLOSE), "close");
	CHECK_STR(up_modifier_name(UP_MOD_RESPONSE), "response");
	/* modifier2 meanings where §2 gives one. */
	CHECK(up_modifier_info(100)->m2 != NULL);
	CHECK(up_modifier_info(173)->m2 != NULL);
	CHECK(up_modifier_info(224)->m2 != NULL);
	CHECK(up_modifier_info(111)->m2 != NULL);
}

static void test_unassigned(void)
{
	static const unsigned holes[] = { 4, 11, 12, 13, 16, 19, 20, 21, 28, 29, 34,
					  47, 49, 71, 75, 94, 102, 108, 112, 172,
					  174, 199, 201, 223, 225, 254 };
	for (size_t i = 0; i < sizeof holes / sizeof holes[0]; i++) {
		CHECK(up_modifier_info(holes[i]) == NULL);
		CHECK_STR(up_modifier_name(holes[i]), "unknown");
		CHECK_EQ(up_modifier_payload(holes[i]), UP_PAYLOAD_RAW);
	}
	for (unsigned m = 1; m <= 3; m++) {
		CHECK(up_modifier_info(m) != NULL);
		CHECK_STR(up_modifier_name(m), "reserved");
	}
	CHECK_STR(up_modifier_name(256), "unknown");
	CHECK_STR(up_modifier_name(1000), "unknown");
}

static void test_by_name(void)
{
	CHECK_EQ(up_modifier_by_name("ping"), 100);
	CHECK_EQ(up_modifier_by_name("wsgi"), 0);
	CHECK_EQ(up_modifier_by_name("rpc"), 173);
	CHECK_EQ(up_modifier_by_name("spooler"), 17);
	CHECK_EQ(up_modifier_by_name("echo"), 101);
	CHECK_EQ(up_modifier_by_name("subscribe"), 224);
	CHECK_EQ(up_modifier_by_name("response"), 255);
	CHECK_EQ(up_modifier_by_name("173"), 173);
	CHECK_EQ(up_modifier_by_name("0"), 0);
	CHECK_EQ(up_modifier_by_name("255"), 255);
	CHECK_EQ(up_modifier_by_name("4"), 4);      /* a number needs no entry */
	CHECK_EQ(up_modifier_by_name("007"), 7);
	CHECK_EQ(up_modifier_by_name("256"), UP_ENOTFOUND);
	CHECK_EQ(up_modifier_by_name("99999999999999999999999"), UP_ENOTFOUND);
	CHECK_EQ(up_modifier_by_name("nope"), UP_ENOTFOUND);
	CHECK_EQ(up_modifier_by_name(""), UP_ENOTFOUND);
	CHECK_EQ(up_modifier_by_name("12x"), UP_ENOTFOUND);
	CHECK_EQ(up_modifier_by_name("-1"), UP_ENOTFOUND);
	CHECK_EQ(up_modifier_by_name(" 1"), UP_ENOTFOUND);
	CHECK_EQ(up_modifier_by_name("PING"), UP_ENOTFOUND);  /* case-sensitive */
	CHECK_EQ(up_modifier_by_name("pin"), UP_ENOTFOUND);
	CHECK_EQ(up_modifier_by_name("pings"), UP_ENOTFOUND);
	CHECK_EQ(up_modifier_by_name("reserved"), UP_ENOTFOUND);
	CHECK_EQ(up_modifier_by_name("unknown"), UP_ENOTFOUND);

	/* Every named entry round-trips through its name and its number. */
	size_t n;
	const up_modifier_info_t *t = up_modifier_table(&n);
	for (size_t i = 0; i < n; i++) {
		char num[8];
		snprintf(num, sizeof num, "%u", t[i].m1);
		CHECK_EQ(up_modifier_by_name(num), t[i].m1);
		if (strcmp(t[i].name, "reserved") != 0)
			CHECK_EQ(up_modifier_by_name(t[i].name), t[i].m1);
	}
}

static void test_strerror(void)
{
	CHECK_STR(up_strerror(UP_ENOTFOUND), "not found");
	CHECK_STR(up_strerror(0), "success");
	CHECK_STR(up_strerror(1), "unknown error");
	CHECK_STR(up_strerror(UP_ERRMIN - 1), "unknown error");
	for (int c = UP_ERRMIN; c <= 0; c++)
		CHECK(strcmp(up_strerror(c), "unknown error") != 0);
}

static const struct test_case tests[] = {
	T(test_table_sorted_unique),
	T(test_search_matches_scan),
	T(test_protocol_values),
	T(test_unassigned),
	T(test_by_name),
	T(test_strerror),
};

TEST_MAIN(tests)
