# The uwsgi protocol toolkit: libuwsgiproto and the tools built on it.
# GNU make. `make help` lists the targets.

VERSION := 0.1.0
TOOLS := uwsgi-server uwsgi-cgi uwsgi-send uwsgi-proxy uwsgi-stats uwsgi-dump

PREFIX ?= /usr/local
DESTDIR ?=
BINDIR ?= $(PREFIX)/bin
LIBDIR ?= $(PREFIX)/lib
INCDIR ?= $(PREFIX)/include
MANDIR ?= $(PREFIX)/share/man
# Debian's interpreter, not whichever python3-config comes first on PATH.
PYTHON_CONFIG ?= /usr/bin/python3-config
FUZZ_CC ?= clang
FUZZ_SECONDS ?= 60

ifeq ($(SANITIZE),1)
BASE := build/san
SANFLAGS := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
else
BASE := build
endif
# ROCK_SOLID=1: a server without request threads (and, as they arrive,
# sub-interpreters, dynamic apps and code evaluation), in its own folder.
ifeq ($(ROCK_SOLID),1)
BUILD ?= $(BASE)/rock
VARIANT := -DUP_ROCK_SOLID
else
BUILD ?= $(BASE)
endif

WARN := -Wall -Wextra -Wshadow -Wformat=2
ifneq ($(filter 1 true,$(WERROR) $(CI)),)
WARN += -Werror
endif
CFLAGS ?= -O2 -g
ALL_CFLAGS = -std=c11 -D_GNU_SOURCE -DUP_VERSION='"$(VERSION)"' -Ilib/include \
	$(WARN) $(CFLAGS) $(SANFLAGS) $(VARIANT) -fPIC -MMD -MP
ALL_LDFLAGS = $(LDFLAGS) $(SANFLAGS)

# What each tool links beyond the library (only the server links Python).
CFLAGS_uwsgi-server = $(shell $(PYTHON_CONFIG) --includes)
LDLIBS_uwsgi-server = $(shell $(PYTHON_CONFIG) --ldflags --embed) -linih -lexpat
LDLIBS_uwsgi-proxy = -linih
LDLIBS_uwsgi-stats = -ljansson
LDLIBS_uwsgi-dump = -lpcap
# The option engine's ini (libinih) and XML (expat) readers: the static
# library leaves them to the tools that use them, the shared one links both.
LDLIBS_lib = -linih -lexpat
LDLIBS_test_opt = $(LDLIBS_lib)

LIB_SRC := $(wildcard lib/*.c)
LIB_OBJ := $(LIB_SRC:%.c=$(BUILD)/obj/%.o)
LIB_A := $(BUILD)/lib/libuwsgiproto.a
LIB_SO := $(BUILD)/lib/libuwsgiproto.so.1
COMMON_OBJ := $(patsubst %.c,$(BUILD)/obj/%.o,$(wildcard bin/common/*.c))
UNIT_SRC := $(wildcard tests/unit/test_*.c)
UNIT_BIN := $(UNIT_SRC:tests/unit/%.c=$(BUILD)/tests/%)
FUZZ_SRC := $(wildcard tests/fuzz/fuzz_*.c)
FUZZ_BIN := $(FUZZ_SRC:tests/fuzz/%.c=build/fuzz/%)
TOOL_BIN := $(TOOLS:%=$(BUILD)/bin/%)

.PHONY: all lib tools deps check unit run bench fuzz install uninstall clean help lint
all: lib tools
lib: $(LIB_A) $(LIB_SO) $(BUILD)/lib/libuwsgiproto.so
tools: $(TOOL_BIN)

$(BUILD)/obj/%.o: %.c
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) $(EXTRA_CFLAGS) -c $< -o $@

$(LIB_A): $(LIB_OBJ)
	@mkdir -p $(@D)
	rm -f $@
	$(AR) rcs $@ $^

$(LIB_SO): $(LIB_OBJ)
	@mkdir -p $(@D)
	$(CC) $(ALL_LDFLAGS) -shared -Wl,-soname,libuwsgiproto.so.1 -o $@ $^ $(LDLIBS_lib)

$(BUILD)/lib/libuwsgiproto.so: $(LIB_SO)
	ln -sf libuwsgiproto.so.1 $@

define TOOL_template
$(1)_OBJ := $$(patsubst %.c,$(BUILD)/obj/%.o,$$(wildcard bin/$(1)/*.c))
$$($(1)_OBJ): EXTRA_CFLAGS = -Ibin/common $$(CFLAGS_$(1))
$(BUILD)/bin/$(1): $$($(1)_OBJ) $(COMMON_OBJ) $(LIB_A)
	@mkdir -p $$(@D)
	$$(CC) $$(ALL_LDFLAGS) -o $$@ $$^ $$(LDLIBS_$(1))
endef
$(foreach t,$(TOOLS),$(eval $(call TOOL_template,$(t))))
$(COMMON_OBJ): EXTRA_CFLAGS = -Ibin/common

$(BUILD)/tests/%: tests/unit/%.c $(LIB_A) tests/unit/test.h
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -Itests/unit -o $@ $< $(LIB_A) $(ALL_LDFLAGS) $(LDLIBS_$*)

unit: $(UNIT_BIN)

# Installs the Debian packages the build and the tests need (see .ci/packages).
deps:
	@bash .ci/deps.sh

check: deps
	@$(MAKE) --no-print-directory all unit
	@$(MAKE) --no-print-directory ROCK_SOLID=1 $(BASE)/rock/bin/uwsgi-server
	@UP_BUILD=$(BUILD) UP_VERSION=$(VERSION) bash tests/run-tests

run: deps
	@$(MAKE) --no-print-directory all
	@bash examples/run.sh $(BUILD)/bin/uwsgi-server

bench: deps
	@$(MAKE) --no-print-directory all
	@UP_BUILD=$(BUILD) bash tests/bench/run

# libFuzzer targets; each runs FUZZ_SECONDS on a scratch copy of its seeds.
build/fuzz/%: tests/fuzz/%.c $(LIB_SRC)
	@mkdir -p $(@D)
	$(FUZZ_CC) -std=c11 -D_GNU_SOURCE -DUP_VERSION='"$(VERSION)"' -Ilib/include -Ibin/common -g -O1 \
		-fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined \
		-o $@ $< $(LIB_SRC) $(LDLIBS_lib)

# Targets that take in a tool's own modules rebuild when those change.
build/fuzz/fuzz_dump: $(wildcard bin/uwsgi-dump/*.c bin/uwsgi-dump/*.h)
build/fuzz/fuzz_http_request build/fuzz/fuzz_http_response: tests/fuzz/incremental.h
build/fuzz/fuzz_stats: $(wildcard bin/uwsgi-stats/*.c bin/uwsgi-stats/*.h)
build/fuzz/fuzz_stats: LDLIBS_lib += -ljansson -lm
build/fuzz/fuzz_range: bin/uwsgi-stats/range.c bin/uwsgi-stats/range.h
build/fuzz/fuzz_range: LDLIBS_lib += -lm
build/fuzz/fuzz_spool: bin/uwsgi-server/spool.c bin/uwsgi-server/spool.h
build/fuzz/fuzz_rpc: bin/uwsgi-server/rpc_wire.c bin/uwsgi-server/rpc.h
build/fuzz/fuzz_subs: $(wildcard bin/uwsgi-proxy/subs_msg.* bin/uwsgi-proxy/node.*)
build/fuzz/fuzz_proxy_http: bin/uwsgi-proxy/front_http.c bin/uwsgi-proxy/conn.h
build/fuzz/fuzz_send_request: $(wildcard bin/uwsgi-send/request.* bin/uwsgi-send/send.h)
build/fuzz/fuzz_cgi_relay build/fuzz/fuzz_cgi_script: $(wildcard bin/uwsgi-cgi/*.c bin/uwsgi-cgi/*.h)

fuzz: $(FUZZ_BIN)
	@set -e; for f in $(FUZZ_BIN); do \
		n=$${f##*/}; c=build/fuzz/corpus/$$n; mkdir -p $$c; \
		[ -d tests/fuzz/corpus/$$n ] && cp -n tests/fuzz/corpus/$$n/* $$c/ 2>/dev/null || true; \
		echo "fuzz: $$n for $(FUZZ_SECONDS)s"; \
		$$f -max_total_time=$(FUZZ_SECONDS) -print_final_stats=1 $$c 2>build/fuzz/$$n.log \
			|| { tail -n 40 build/fuzz/$$n.log; exit 1; }; \
		grep -E '^(stat::number_of_executed_units|Done)' build/fuzz/$$n.log || true; \
	done

lint:
	@bash tests/helpers/manlint | { ! grep . ; }

install: all
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(LIBDIR)/pkgconfig \
		$(DESTDIR)$(INCDIR)/uwsgiproto $(DESTDIR)$(MANDIR)/man1 \
		$(DESTDIR)$(MANDIR)/man3 $(DESTDIR)$(MANDIR)/man7
	install -m 755 $(TOOL_BIN) $(DESTDIR)$(BINDIR)/
	install -m 644 $(LIB_A) $(DESTDIR)$(LIBDIR)/
	install -m 755 $(LIB_SO) $(DESTDIR)$(LIBDIR)/
	ln -sf libuwsgiproto.so.1 $(DESTDIR)$(LIBDIR)/libuwsgiproto.so
	install -m 644 lib/include/uwsgiproto/*.h $(DESTDIR)$(INCDIR)/uwsgiproto/
	sed -e 's|@PREFIX@|$(PREFIX)|' -e 's|@LIBDIR@|$(LIBDIR)|' \
		-e 's|@INCDIR@|$(INCDIR)|' -e 's|@VERSION@|$(VERSION)|' \
		lib/uwsgiproto.pc.in > $(DESTDIR)$(LIBDIR)/pkgconfig/uwsgiproto.pc
	for p in man/*.[137]; do [ -e "$$p" ] || continue; \
		install -m 644 $$p $(DESTDIR)$(MANDIR)/man$${p##*.}/; done

uninstall:
	rm -f $(TOOLS:%=$(DESTDIR)$(BINDIR)/%) $(DESTDIR)$(LIBDIR)/libuwsgiproto.* \
		$(DESTDIR)$(LIBDIR)/pkgconfig/uwsgiproto.pc
	rm -rf $(DESTDIR)$(INCDIR)/uwsgiproto
	for p in man/*.[137]; do rm -f $(DESTDIR)$(MANDIR)/man$${p##*.}/$${p##*/}; done

clean:
	rm -rf build

help:
	@echo 'make            build the library and the tools into $(BUILD)/'
	@echo 'make deps       install the Debian packages the build and tests need'
	@echo 'make check      run the unit tests and the bats suites'
	@echo 'make SANITIZE=1 check   the same under ASan+UBSan (build/san/)'
	@echo 'make run        serve examples/hello.py (HTTP :9090, uwsgi :3031, stats :9191)'
	@echo 'make bench      benchmarks beside their anchors (tests/bench/)'
	@echo 'make fuzz       libFuzzer targets, FUZZ_SECONDS each (default 60)'
	@echo 'make install    PREFIX=$(PREFIX) DESTDIR=$(DESTDIR)'
	@echo 'make lint       mandoc -Tlint over the man pages'

-include $(shell find $(BUILD)/obj -name '*.d' 2>/dev/null)
