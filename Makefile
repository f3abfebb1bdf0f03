# mdkit: one Makefile. `make`, `make check`, `make demo`, `make bench`,
# `make fuzz`, `make install PREFIX=... DESTDIR=...`.

PREFIX ?= /usr/local
BINDIR ?= $(PREFIX)/bin
MANDIR ?= $(PREFIX)/share/man
O ?= build

CC ?= cc
CFLAGS ?= -O2 -g
# libbsd's overlay gives strlcpy, strtonum, expand_number, ... in libc's
# own headers; written out so a fresh machine needs no pkg-config.
BSD_CFLAGS = -isystem /usr/include/bsd -DLIBBSD_OVERLAY
# Linked in, not loaded: an MTA starts md-deliver once per message, and
# loading libbsd.so and its libmd.so cost 19 of a delivery's 76 system
# calls (strace -c); the few functions used add 30 KB to each program.
BSD_LIBS = -Wl,--push-state,-Bstatic -lbsd -lmd -Wl,--pop-state
# md_index_update reads with threads (in libc since glibc 2.34).
LIBS = $(BSD_LIBS) -pthread
# -MMD -MP: each object notes the headers it read (build/**/*.d, read
# below), so a change to a header rebuilds what includes it.
MDCFLAGS = -std=c11 -D_GNU_SOURCE -Wall -Wextra -Ilibmaildir $(BSD_CFLAGS) \
    -MMD -MP $(CPPFLAGS)

PROGS = md-deliver md-list md-flag md-move md-expunge md-mkdir md-check md-index
LIBSRC = $(wildcard libmaildir/*.c)
LIBOBJ = $(LIBSRC:libmaildir/%.c=$(O)/lib/%.o)
LIB = $(O)/libmaildir.a
BINS = $(PROGS:%=$(O)/bin/%)
UNITS = $(patsubst t/unit/%.c,$(O)/unit/%,$(wildcard t/unit/test-*.c))
BENCHES = $(patsubst t/bench/%.c,$(O)/bench/%,$(wildcard t/bench/*.c))
# Fuzz targets, one a file (t/fuzz/NAME.c): replayed over their seeds and
# saved crashes by make check (REPLAYS), run by libFuzzer in make fuzz.
FUZZ_NAMES = $(filter-out replay,$(patsubst t/fuzz/%.c,%,$(wildcard t/fuzz/*.c)))
REPLAYS = $(FUZZ_NAMES:%=$(O)/fuzz/replay-%)
FUZZERS = $(FUZZ_NAMES:%=$(O)/fuzz/fuzz-%)
MANS = $(wildcard man/*.[0-9])

all: $(BINS)

$(O)/lib/%.o: libmaildir/%.c
	@mkdir -p $(@D)
	$(CC) $(MDCFLAGS) $(CFLAGS) -c -o $@ $<

$(LIB): $(LIBOBJ)
	rm -f $@
	$(AR) rcs $@ $(LIBOBJ)

# What the programs share (cmd/common.c): linked into each, never into
# the library.
$(O)/cmd/common.o: cmd/common.c
	@mkdir -p $(@D)
	$(CC) $(MDCFLAGS) $(CFLAGS) -c -o $@ $<

$(O)/bin/%: cmd/%.c $(O)/cmd/common.o $(LIB)
	@mkdir -p $(@D)
	$(CC) $(MDCFLAGS) $(CFLAGS) $(LDFLAGS) -o $@ $< $(O)/cmd/common.o \
	    $(LIB) $(LIBS)

# test-common tests the programs' shared helpers: cmd/common.o too.
$(O)/unit/%: t/unit/%.c $(O)/cmd/common.o $(LIB)
	@mkdir -p $(@D)
	$(CC) $(MDCFLAGS) -Icmd $(CFLAGS) $(LDFLAGS) -o $@ $< \
	    $(O)/cmd/common.o $(LIB) -lcmocka $(LIBS)

# A fuzz target with replay.c's main(), for make check: no libFuzzer.
$(O)/fuzz/replay.o: t/fuzz/replay.c
	@mkdir -p $(@D)
	$(CC) $(MDCFLAGS) $(CFLAGS) -c -o $@ $<

$(O)/fuzz/replay-%: t/fuzz/%.c $(O)/fuzz/replay.o $(LIB)
	@mkdir -p $(@D)
	$(CC) $(MDCFLAGS) $(CFLAGS) $(LDFLAGS) -o $@ $< $(O)/fuzz/replay.o \
	    $(LIB) $(LIBS)

# The same target with libFuzzer's main(), for make fuzz (CC=clang).
$(O)/fuzz/fuzz-%: t/fuzz/%.c $(LIB)
	@mkdir -p $(@D)
	$(CC) $(MDCFLAGS) $(CFLAGS) -fsanitize=fuzzer $(LDFLAGS) -o $@ $< \
	    $(LIB) $(LIBS)

# --as-needed: a floor loads only the libraries it calls, so that it
# stays the bare cost of the job.
$(O)/bench/%: t/bench/%.c $(LIB)
	@mkdir -p $(@D)
	$(CC) $(MDCFLAGS) $(CFLAGS) $(LDFLAGS) -Wl,--as-needed -o $@ $< \
	    $(LIB) $(LIBS)

# Installs libbsd-dev, libcmocka-dev, mandoc, perl when missing.
deps:
	@sh contrib/install-deps.sh

check: deps
	@$(MAKE) --no-print-directory all-tests
	@$(MAKE) --no-print-directory run-tests

all-tests: $(BINS) $(UNITS) $(REPLAYS) $(O)/fault/inject.so

# LD_PRELOAD shim for fault tests: plain cc, never sanitized.
$(O)/fault/inject.so: t/fault/inject.c
	@mkdir -p $(@D)
	cc -shared -fPIC -O1 -Wall -Wextra -o $@ $< -ldl

run-tests:
	@set -e; for u in $(UNITS); do echo "== $$u"; $$u; done
	@$(MAKE) --no-print-directory valgrind-units
	MDKIT_BIN=$(CURDIR)/$(O)/bin MDKIT_FAULTLIB=$(CURDIR)/$(O)/fault/inject.so \
	    MDKIT_FUZZ=$(CURDIR)/$(O)/fuzz prove -v t/*.t

# The library's unit tests again, under valgrind: no leaks, no bad reads.
# Skipped in sanitized builds (O=build-asan), which check themselves.
VALGRIND = valgrind -q --leak-check=full --suppressions=t/valgrind.supp \
    --errors-for-leak-kinds=definite,possible --error-exitcode=1
valgrind-units: $(UNITS)
	@if [ "$(O)" = build-asan ]; then exit 0; fi; \
	set -e; for u in $(UNITS); do echo "== valgrind $$u"; \
	    $(VALGRIND) $$u >/dev/null; done

# The same suite under AddressSanitizer and UBSan, in its own build tree.
check-asan:
	@sh contrib/install-deps.sh clang
	@$(MAKE) --no-print-directory O=build-asan CC=clang \
	    CFLAGS="-O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all" \
	    all-tests run-tests

# libFuzzer over each target (t/fuzz/README): clang's fuzzer, ASan and
# UBSan, in its own build tree; FUZZ_TIME seconds a target, one at a
# time; FUZZ="header mbox" runs only those. New crashes are saved in
# t/fuzz/crashes/NAME/, the corpus grown in build-fuzz/corpus/NAME/.
FUZZ_TIME = 60
FUZZ =
fuzz:
	@sh contrib/install-deps.sh clang libclang-rt-14-dev time
	@$(MAKE) --no-print-directory O=build-fuzz CC=clang \
	    CFLAGS="-O1 -g -fno-omit-frame-pointer -fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=all" \
	    fuzzers
	@sh t/fuzz/run.sh build-fuzz "$(FUZZ_TIME)" $(FUZZ)

fuzzers: $(FUZZERS)

lint-man:
	mandoc -Tlint -Wwarning $(MANS)

demo: deps
	@$(MAKE) --no-print-directory all
	@sh contrib/demo.sh $(O)/bin

# `make bench BENCH="d f"` runs only those sections (see t/bench/run.sh).
bench: deps
	@$(MAKE) --no-print-directory all $(BENCHES)
	@sh t/bench/run.sh $(O) "$(BENCH)"

format:
	clang-format -i cmd/*.[ch] libmaildir/*.[ch] t/unit/*.c t/bench/*.c \
	    t/fuzz/*.[ch]

install: all
	mkdir -p $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1 \
	    $(DESTDIR)$(MANDIR)/man3 $(DESTDIR)$(MANDIR)/man7
	for p in $(PROGS); do install -m 755 $(O)/bin/$$p $(DESTDIR)$(BINDIR); done
	for m in $(MANS); do s=$${m##*.}; \
	    install -m 644 $$m $(DESTDIR)$(MANDIR)/man$$s; done

clean:
	rm -rf build build-asan build-fuzz demo

-include $(wildcard $(O)/*/*.d)

.PHONY: all deps check all-tests run-tests valgrind-units check-asan fuzz \
    fuzzers lint-man demo bench format install clean
