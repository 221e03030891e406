# Rabta - build, test, run.  `make run` and `make test` are the two set-up commands.
.DEFAULT_GOAL := all
SHELL := /bin/bash

DEB_PACKAGES := build-essential pkg-config libmicrohttpd-dev libcurl4-openssl-dev libpq-dev \
	libjansson-dev libpcre2-dev libunistring-dev libssl-dev postgresql postgresql-contrib \
	curl jq ca-certificates clang-format chromium fonts-noto-core
PKGS := libmicrohttpd libcurl libpq jansson libpcre2-8 libcrypto

CC ?= cc
WARN := -Wall -Wextra -Wformat=2 -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
	-Wpointer-arith -Wvla -Wwrite-strings -fno-common -Wno-missing-field-initializers
ifneq ($(filter true,$(CI))$(filter 1,$(WERROR)),)
WARN += -Werror
endif
PKG_CFLAGS = $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS = $(shell pkg-config --libs $(PKGS) 2>/dev/null) -lunistring -lpthread -lm
BASE_CFLAGS = -std=c17 -D_GNU_SOURCE $(WARN) -Isrc -MMD -MP $(PKG_CFLAGS)
REL_CFLAGS = $(BASE_CFLAGS) -O2 -g
TEST_CFLAGS = $(BASE_CFLAGS) -O1 -g -DRB_DEBUG -fsanitize=address,undefined \
	-fno-sanitize-recover=all -fno-omit-frame-pointer
TEST_LDFLAGS = -fsanitize=address,undefined

ifeq ($(V),1)
Q :=
else
Q := @
endif

SRC := $(shell find src -name '*.c' | sort)
LIB_SRC := $(filter-out src/main.c,$(SRC))
REL_OBJ := $(LIB_SRC:src/%.c=build/release/%.o)
TEST_OBJ := $(LIB_SRC:src/%.c=build/test/%.o)
CORE_TEST_OBJ := $(filter build/test/core/%,$(TEST_OBJ))
UNIT_SRC := $(sort $(wildcard tests/unit/test_*.c))
UNIT_BIN := $(UNIT_SRC:tests/unit/%.c=build/test/unit/%)
FAKE_BIN := build/test/fake_upstream
FAKE_SRC := $(sort $(wildcard tests/fake_upstream/*.c))
FAKE_HDR := $(wildcard tests/fake_upstream/*.h)
TEST_TOOLS := $(patsubst tests/tools/%.c,build/test/tools/%,$(wildcard tests/tools/*.c))
CORE_REL_OBJ := $(filter build/release/core/%,$(REL_OBJ))
BENCH_BIN := $(patsubst tests/bench/%.c,build/release/bench/%,$(wildcard tests/bench/*.c))
BENCH_FAKE := build/release/bench/fake_upstream

.PHONY: all deps run test unit bench soak stop check clean format check-format check-layers \
	check-headers check-store release-build test-build bench-build

# `make` alone installs what is missing first, like `make run`.
all: release-build

# Installs what is missing (apt-get, as root) and does nothing when all is present.
deps:
	@missing=""; for p in $(DEB_PACKAGES); do \
		dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
		echo "installing:$$missing"; \
		export DEBIAN_FRONTEND=noninteractive; \
		SUDO=""; [ "$$(id -u)" = 0 ] || SUDO=sudo; \
		$$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq --no-install-recommends $$missing; \
	fi

bin/rabta: build/release/main.o $(REL_OBJ)
	@mkdir -p bin
	@echo "  LINK $@"
	$(Q)$(CC) -o $@ $^ $(PKG_LIBS)

build/test/rabta: build/test/main.o $(TEST_OBJ)
	@echo "  LINK $@"
	$(Q)$(CC) $(TEST_LDFLAGS) -o $@ $^ $(PKG_LIBS)

build/release/%.o: src/%.c
	@mkdir -p $(dir $@)
	@echo "  CC   $<"
	$(Q)$(CC) $(REL_CFLAGS) -c $< -o $@

build/test/%.o: src/%.c
	@mkdir -p $(dir $@)
	@echo "  CC   $< (test)"
	$(Q)$(CC) $(TEST_CFLAGS) -c $< -o $@

# A unit test names the modules it is about on a line `/* links: nlu/text nlu/values */`;
# core/ is always linked, and whatever else it calls comes from the archive of every
# module (the linker takes only the objects it needs), so a module split in two
# or a new dependency does not break a test's link line.
unit_links = $(patsubst %,build/test/%.o,$(shell sed -n 's|^/\* links: *\(.*\) *\*/.*|\1|p' $(1)))
TEST_LIB := build/test/librabta.a
REL_LIB := build/release/librabta.a

$(TEST_LIB): $(TEST_OBJ)
	@rm -f $@
	$(Q)ar rcs $@ $^

$(REL_LIB): $(REL_OBJ)
	@rm -f $@
	$(Q)ar rcs $@ $^

build/test/unit/%: tests/unit/%.c tests/lib/harness.h $(TEST_OBJ) $(TEST_LIB)
	@mkdir -p $(dir $@)
	@echo "  UNIT $@"
	$(Q)$(CC) $(TEST_CFLAGS) -Itests/lib -o $@ $< $(call unit_links,$<) $(CORE_TEST_OBJ) \
		$(TEST_LIB) $(TEST_LDFLAGS) $(PKG_LIBS)

$(FAKE_BIN): $(FAKE_SRC) $(FAKE_HDR)
	@mkdir -p $(dir $@)
	@echo "  CC   $@"
	$(Q)$(CC) $(TEST_CFLAGS) -o $@ $(FAKE_SRC) $(TEST_LDFLAGS) $(PKG_LIBS)

build/test/tools/%: tests/tools/%.c $(TEST_OBJ)
	@mkdir -p $(dir $@)
	@echo "  CC   $@"
	$(Q)$(CC) $(TEST_CFLAGS) -o $@ $< $(TEST_OBJ) $(TEST_LDFLAGS) $(PKG_LIBS)

# Bench tools (tests/bench/*.c): release flags, warnings are errors. Like a unit
# test, a tool names the modules it links on a `/* links: ... */` line; core/
# is always linked. The fake upstream gets a release build of its own here so
# that a sanitizer build does not share the two cores with what is measured.
bench_links = $(patsubst %,build/release/%.o,$(shell \
	sed -n 's|^/\* links: *\(.*\) *\*/.*|\1|p' $(1)))

build/release/bench/%: tests/bench/%.c $(REL_OBJ) $(REL_LIB)
	@mkdir -p $(dir $@)
	@echo "  CC   $@"
	$(Q)$(CC) $(REL_CFLAGS) -Werror -o $@ $< $(call bench_links,$<) $(CORE_REL_OBJ) $(REL_LIB) \
		$(PKG_LIBS)

$(BENCH_FAKE): $(FAKE_SRC) $(FAKE_HDR)
	@mkdir -p $(dir $@)
	@echo "  CC   $@"
	$(Q)$(CC) $(REL_CFLAGS) -o $@ $(FAKE_SRC) $(PKG_LIBS)

release-build: deps
	$(Q)$(MAKE) --no-print-directory bin/rabta

test-build: deps
	$(Q)$(MAKE) --no-print-directory build/test/rabta $(UNIT_BIN) $(FAKE_BIN) $(TEST_TOOLS)

# Build, start the embedded PostgreSQL, migrate, serve in sandbox mode.
run: release-build
	bin/rabta serve

# Sanitizer build, throwaway PostgreSQL and fake upstream, every test.
test: test-build
	@tests/run

unit: test-build
	@tests/run --unit-only

# Benchmarks (not part of `make test`): tests/bench/run builds bin/rabta and the
# bench tools itself (`make bench-build`), about 2 minutes; results in tests/bench/results/.
bench: deps
	@tests/bench/run

bench-build:
	$(Q)$(MAKE) --no-print-directory bin/rabta $(BENCH_BIN) $(BENCH_FAKE)

# Faults under load and a soak (not part of `make test`): three serve processes
# with one killed, PostgreSQL restarted mid-flood, a steady-rate soak printing
# RSS, descriptors, threads and latency (SOAK_SECONDS=1800 for 30 minutes).
soak: test-build
	@$(MAKE) --no-print-directory bin/rabta
	@tests/soak/run

stop:
	@if [ -x bin/rabta ]; then bin/rabta db stop; fi

# rabta check (config, intents, prompts) and the code's guard rails: includes
# point down the layers, every header stands alone, the sources are formatted
# (tests/check/*.sh; tests/e2e/019-checks.sh proves each can fail).
check: release-build
	bin/rabta check
	@tests/check/layers.sh && tests/check/headers.sh && tests/check/store.sh && tests/check/format.sh

format:
	clang-format -i $$(find src tests/unit tests/lib tests/fake_upstream tests/bench tests/tools \
		tests/fuzz -name '*.[ch]' 2>/dev/null)

check-format:
	@tests/check/format.sh

check-layers:
	@tests/check/layers.sh

check-headers:
	@tests/check/headers.sh

check-store:
	@tests/check/store.sh

# libFuzzer targets (not part of `make test`; needs clang): tests/fuzz/fuzz_*.c, each
# naming the modules it links on a `/* links: ... */` line (core/ always) and its seed
# folders on a `/* seeds: ... */` line. `make fuzz` builds them in build/fuzz/ and runs
# each for FUZZ_TIME seconds; what they find goes to build/fuzz/corpus/NAME, a crash
# to build/fuzz/crash-* (rerun: build/fuzz/NAME build/fuzz/crash-...).
FUZZ_CC ?= clang
FUZZ_TIME ?= 60
# clang warns where gcc does not (-Wformat-nonliteral in buf_vaddf): not an error here.
FUZZ_CFLAGS = $(filter-out -Werror,$(BASE_CFLAGS)) -Wno-format-nonliteral -O1 -g -DRB_DEBUG \
	-fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
FUZZ_OBJ := $(LIB_SRC:src/%.c=build/fuzz/obj/%.o)
.SECONDARY: $(FUZZ_OBJ)
FUZZ_BIN := $(patsubst tests/fuzz/%.c,build/fuzz/%,$(wildcard tests/fuzz/fuzz_*.c))
fuzz_links = $(patsubst %,build/fuzz/obj/%.o,$(shell sed -n 's|^/\* links: *\(.*\) *\*/.*|\1|p' $(1)))

build/fuzz/obj/%.o: src/%.c
	@mkdir -p $(dir $@)
	@echo "  CC   $< (fuzz)"
	$(Q)$(FUZZ_CC) $(FUZZ_CFLAGS) -c $< -o $@

build/fuzz/librabta.a: $(FUZZ_OBJ)
	@rm -f $@
	$(Q)ar rcs $@ $^

build/fuzz/fuzz_%: tests/fuzz/fuzz_%.c $(FUZZ_OBJ) build/fuzz/librabta.a
	@mkdir -p $(dir $@)
	@echo "  FUZZ $@"
	$(Q)$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer -o $@ $< $(call fuzz_links,$<) \
		$(filter build/fuzz/obj/core/%,$(FUZZ_OBJ)) build/fuzz/librabta.a $(PKG_LIBS)

build/fuzz/seeds/intents: intents/examples/labeled.tsv
	@rm -rf $@ && mkdir -p $@
	@cut -f1 $< | grep -v '^#' | split -l 1 - $@/line-

.PHONY: fuzz
fuzz: deps
	@command -v $(FUZZ_CC) >/dev/null || { echo "make fuzz needs $(FUZZ_CC)"; exit 1; }
	$(Q)$(MAKE) --no-print-directory $(FUZZ_BIN) build/fuzz/seeds/intents
	@for f in $(FUZZ_BIN); do n=$${f##*/}; mkdir -p build/fuzz/corpus/$$n; \
		seeds=$$(sed -n 's|^/\* seeds: *\(.*\) *\*/.*|\1|p' tests/fuzz/$$n.c); \
		echo "  RUN  $$n for $(FUZZ_TIME) s"; \
		$$f -max_total_time=$(FUZZ_TIME) -timeout=2 -rss_limit_mb=4096 -print_final_stats=1 \
			-artifact_prefix=build/fuzz/ build/fuzz/corpus/$$n $$seeds || exit 1; \
	done

clean:
	rm -rf build bin

-include $(shell find build -name '*.d' 2>/dev/null)
