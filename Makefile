# mdkit: one Makefile. `make`, `make check`, `make check-interop`,
# `make stress`, `make fuzz`, `make demo`, `make bench`,
# `make install PREFIX=... DESTDIR=...`, `make uninstall`, `make deb`.

VERSION = 0.9.0
SOVERSION = 0 # the shared library's ABI: bump on an incompatible change

PREFIX ?= /usr/local
BINDIR ?= $(PREFIX)/bin
MANDIR ?= $(PREFIX)/share/man
LIBDIR ?= $(PREFIX)/lib
INCLUDEDIR ?= $(PREFIX)/include
# Where bash-completion loads a program's completion on demand, and
# where zsh looks in its fpath (for PREFIX=/usr, Debian's zsh looks in
# /usr/share/zsh/vendor-completions).
BASHCOMPDIR ?= $(PREFIX)/share/bash-completion/completions
ZSHCOMPDIR ?= $(PREFIX)/share/zsh/site-functions
PKGCONFIGDIR ?= $(LIBDIR)/pkgconfig
O ?= build
# One spelling of a build directory inside the tree (O=$PWD/build is
# build): the dependency files name their targets as O spells them, and
# an absolute O (t/0950's) left rules the next plain make never matched,
# so a changed header no longer rebuilt what includes it.
override O := $(patsubst $(CURDIR)/%,%,$(O))

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
    -MMD -MP -DMDKIT_VERSION='"$(VERSION)"' $(CPPFLAGS)

PROGS = md-deliver md-list md-flag md-move md-expunge md-mkdir md-check md-index \
    md-sieve
LIBSRC = $(wildcard libmaildir/*.c)
LIBOBJ = $(LIBSRC:libmaildir/%.c=$(O)/lib/%.o)
LIB = $(O)/libmaildir.a
# The shared library, for programs outside mdkit: its own PIC objects;
# mdkit's programs link the static one.
PICOBJ = $(LIBSRC:libmaildir/%.c=$(O)/pic/%.o)
SONAME = libmaildir.so.$(SOVERSION)
SOLIB = $(O)/libmaildir.so.$(VERSION)
SOMAP = libmaildir/libmaildir.map
BINS = $(PROGS:%=$(O)/bin/%)
UNITS = $(patsubst t/unit/%.c,$(O)/unit/%,$(wildcard t/unit/test-*.c))
BENCHES = $(patsubst t/bench/%.c,$(O)/bench/%,$(wildcard t/bench/*.c))
CRASHBINS = $(O)/crash/killat $(O)/crash/msg
# Fuzz targets, one a file (t/fuzz/NAME.c): replayed over their seeds and
# saved crashes by make check (REPLAYS), run by libFuzzer in make fuzz.
FUZZ_NAMES = $(filter-out replay,$(patsubst t/fuzz/%.c,%,$(wildcard t/fuzz/*.c)))
REPLAYS = $(FUZZ_NAMES:%=$(O)/fuzz/replay-%)
FUZZERS = $(FUZZ_NAMES:%=$(O)/fuzz/fuzz-%)
MANS = $(wildcard man/*.[0-9])

all: $(BINS)

# What a program outside mdkit builds on (make install, make deb).
libs: $(LIB) $(SOLIB) $(O)/libmaildir.pc

$(O)/lib/%.o: libmaildir/%.c
	@mkdir -p $(@D)
	$(CC) $(MDCFLAGS) $(CFLAGS) -c -o $@ $<

$(O)/pic/%.o: libmaildir/%.c
	@mkdir -p $(@D)
	$(CC) $(MDCFLAGS) $(CFLAGS) -fPIC -c -o $@ $<

# libbsd loaded here, not linked in: its archive is not built for a
# shared object. The version script (SOMAP) exports maildir.h's
# functions only, under the version LIBMAILDIR_0.
$(SOLIB): $(PICOBJ) $(SOMAP)
	$(CC) $(CFLAGS) $(LDFLAGS) -shared -Wl,-soname,$(SONAME) \
	    -Wl,--version-script=$(SOMAP) -o $@ $(PICOBJ) -lbsd -pthread

$(O)/libmaildir.pc: contrib/libmaildir.pc.in Makefile
	@mkdir -p $(@D)
	sed -e 's|@PREFIX@|$(PREFIX)|' -e 's|@LIBDIR@|$(LIBDIR)|' \
	    -e 's|@INCLUDEDIR@|$(INCLUDEDIR)|' -e 's|@VERSION@|$(VERSION)|' \
	    contrib/libmaildir.pc.in >$@

$(LIB): $(LIBOBJ)
	rm -f $@
	$(AR) rcs $@ $(LIBOBJ)

# What the programs share (cmd/common.c, the progress line in
# cmd/progress.c, the walk over targets and folders in cmd/walk.c):
# linked into each, never into the library.
CMDOBJ = $(O)/cmd/common.o $(O)/cmd/progress.o $(O)/cmd/walk.o \
    $(O)/cmd/counts.o $(O)/cmd/out.o
$(CMDOBJ): $(O)/cmd/%.o: cmd/%.c
	@mkdir -p $(@D)
	$(CC) $(MDCFLAGS) $(CFLAGS) -c -o $@ $<

# md-deliver's Sieve side (a script's stores and sends carried out) is
# a file of its own, linked into md-deliver alone.
DELIVEROBJ = $(O)/cmd/deliver-sieve.o
$(DELIVEROBJ): $(O)/cmd/%.o: cmd/%.c
	@mkdir -p $(@D)
	$(CC) $(MDCFLAGS) $(CFLAGS) -c -o $@ $<
$(O)/bin/md-deliver: $(DELIVEROBJ)
$(O)/bin/md-deliver: PROGOBJ = $(DELIVEROBJ)

$(O)/bin/%: cmd/%.c $(CMDOBJ) $(LIB)
	@mkdir -p $(@D)
	$(CC) $(MDCFLAGS) $(CFLAGS) $(LDFLAGS) -o $@ $< $(PROGOBJ) \
	    $(CMDOBJ) $(LIB) $(LIBS)

# test-common tests the programs' shared helpers: cmd/*.o too.
$(O)/unit/%: t/unit/%.c $(CMDOBJ) $(LIB)
	@mkdir -p $(@D)
	$(CC) $(MDCFLAGS) -Icmd $(CFLAGS) $(LDFLAGS) -o $@ $< \
	    $(CMDOBJ) $(LIB) -lcmocka $(LIBS)

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

all-tests: $(BINS) $(UNITS) $(REPLAYS) $(O)/fault/inject.so $(CRASHBINS) \
    $(O)/stress/shim.so $(O)/bench/mkmaildir

# LD_PRELOAD shim for fault tests: plain cc, never sanitized.
$(O)/fault/inject.so: t/fault/inject.c
	@mkdir -p $(@D)
	cc -shared -fPIC -O1 -Wall -Wextra -o $@ $< -ldl

# Crash and stress helpers (t/crash/, t/stress/): plain cc too.
$(O)/crash/%: t/crash/%.c
	@mkdir -p $(@D)
	cc -std=c11 -D_GNU_SOURCE -O2 -Wall -Wextra -o $@ $<
$(O)/stress/shim.so: t/stress/shim.c
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

# mdkit beside a real Postfix and a real Dovecot (t/interop/): installed
# from Debian's packages when missing (as root), run on 127.0.0.1 from
# private configuration directories, stopped and removed afterwards.
# The tests skip, saying why, when that cannot be done here; what they
# could leave behind is compared before and after (t/interop/state.sh).
check-interop: deps
	@sh contrib/install-deps.sh --interop || \
	    echo "mdkit: check-interop: the tests will skip what is missing" >&2
	@$(MAKE) --no-print-directory all
	@sh t/interop/state.sh >$(O)/interop.before
	MDKIT_BIN=$(CURDIR)/$(O)/bin prove -v t/interop/*.t
	@sh t/interop/state.sh >$(O)/interop.after
	@diff -u $(O)/interop.before $(O)/interop.after && \
	    echo "check-interop: the machine is as it was (t/interop/state.sh)"

# The same suite under AddressSanitizer and UBSan, in its own build tree.
check-asan:
	@sh contrib/install-deps.sh clang
	@$(MAKE) --no-print-directory O=build-asan CC=clang \
	    CFLAGS="-O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all" \
	    all-tests run-tests

# make stress: the long runs, each a stress-NAME target of its own, then
# one table of what the fault, crash, power and concurrency runs saw
# (each writes its rows to $(O)/stress/NAME.rows), printed even when a
# run failed (-k): the table says what failed.
KILLS = 200
STRESS_ENV = MDKIT_BIN=$(CURDIR)/$(O)/bin MDKIT_STRESS_ROWS=$(CURDIR)/$(O)/stress/$(@:stress-%=%).rows
stress:
	@rm -f $(O)/stress/*.rows
	@$(MAKE) --no-print-directory -k stress-faults stress-crash \
	    stress-power stress-concurrency stress-memory; s=$$?; \
	    sh t/stress/table.sh $(O)/stress/*.rows; t=$$?; \
	    echo; echo "peak memory (KiB):"; cat $(O)/stress/memory.txt; \
	    [ $$s -eq 0 ] && [ $$t -eq 0 ]

# Every call of every operation failed in turn, with every errno it can
# meet (t/fault/sweep.sh; t/0920-fault-sweep.t is its short form).
stress-faults: deps
	@$(MAKE) -s --no-print-directory $(BINS) $(O)/fault/inject.so
	@mkdir -p $(O)/stress; rm -f $(O)/stress/faults.rows
	$(STRESS_ENV) MDKIT_FAULTLIB=$(CURDIR)/$(O)/fault/inject.so \
	    sh t/fault/sweep.sh

stress-crash: deps
	@$(MAKE) --no-print-directory all-tests
	@rm -f $(O)/stress/crash.rows
	$(STRESS_ENV) MDKIT_CRASH_KILLS=$(KILLS) MDKIT_CRASH_MBOX=2000 \
	    prove -v t/0980-crash.t

# Every state a power cut can leave after each operation (t/crash/README;
# t/0982-power.t is its short form): more messages, more states a point.
stress-power: deps
	@$(MAKE) --no-print-directory all-tests
	@rm -f $(O)/stress/power.rows
	$(STRESS_ENV) MDKIT_POWER_MAX=4096 MDKIT_POWER_MESSAGES=6 \
	    MDKIT_POWER_ZMAX=200000 \
	    prove -v t/0982-power.t

stress-concurrency: deps
	@$(MAKE) --no-print-directory all-tests
	@rm -f $(O)/stress/concurrency.rows
	$(STRESS_ENV) MDKIT_STRESS_DELIVERERS=4 MDKIT_STRESS_MESSAGES=1000 \
	    MDKIT_STRESS_OPS=100000 MDKIT_STRESS_HOST_MESSAGES=1000 \
	    prove -v t/0985-concurrency.t t/0990-hosts.t

# Peak RSS of each program at full size (t/0186-memory.t, which make
# check runs small): a 1 GiB message and a 100 MiB header line through a
# pipe, a 10,000,000-line mbox, a maildir of 1,000,000 entries. The
# figures go to $(O)/stress/memory.txt.
stress-memory: deps
	@$(MAKE) --no-print-directory all-tests
	@mkdir -p $(O)/stress
	@rm -f $(O)/stress/memory.txt
	MDKIT_BIN=$(CURDIR)/$(O)/bin MDKIT_MEM_REPORT=$(CURDIR)/$(O)/stress/memory.txt \
	    MDKIT_MEM_MESSAGE_MB=1024 MDKIT_MEM_LINE_MB=100 \
	    MDKIT_MEM_MBOX_LINES=10000000 MDKIT_MEM_ENTRIES=1000000 \
	    prove -v t/0186-memory.t

# Each program once or more under valgrind, doing real work
# (t/valgrind.sh): no error, no definite or possible leak.
check-valgrind: deps
	@$(MAKE) --no-print-directory all
	sh t/valgrind.sh $(O)/bin

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

# Programs, man pages, the library (static and shared, with its soname
# link and the link to build against), the public header, libmaildir.pc,
# bash and zsh completion (contrib/completion/).
install: all libs
	mkdir -p $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1 \
	    $(DESTDIR)$(MANDIR)/man3 $(DESTDIR)$(MANDIR)/man7 \
	    $(DESTDIR)$(LIBDIR) $(DESTDIR)$(INCLUDEDIR) $(DESTDIR)$(PKGCONFIGDIR)
	for p in $(PROGS); do install -m 755 $(O)/bin/$$p $(DESTDIR)$(BINDIR); done
	for m in $(MANS); do s=$${m##*.}; \
	    install -m 644 $$m $(DESTDIR)$(MANDIR)/man$$s; done
	install -m 644 $(LIB) $(DESTDIR)$(LIBDIR)
	install -m 755 $(SOLIB) $(DESTDIR)$(LIBDIR)
	ln -sf libmaildir.so.$(VERSION) $(DESTDIR)$(LIBDIR)/$(SONAME)
	ln -sf $(SONAME) $(DESTDIR)$(LIBDIR)/libmaildir.so
	install -m 644 libmaildir/maildir.h $(DESTDIR)$(INCLUDEDIR)
	install -m 644 $(O)/libmaildir.pc $(DESTDIR)$(PKGCONFIGDIR)
	mkdir -p $(DESTDIR)$(BASHCOMPDIR) $(DESTDIR)$(ZSHCOMPDIR)
	for p in $(PROGS); do install -m 644 contrib/completion/mdkit.bash \
	    $(DESTDIR)$(BASHCOMPDIR)/$$p; done
	install -m 644 contrib/completion/_mdkit $(DESTDIR)$(ZSHCOMPDIR)

uninstall:
	for p in $(PROGS); do rm -f $(DESTDIR)$(BINDIR)/$$p; done
	for m in $(MANS); do s=$${m##*.}; \
	    rm -f $(DESTDIR)$(MANDIR)/man$$s/$${m##*/}; done
	rm -f $(DESTDIR)$(LIBDIR)/libmaildir.a \
	    $(DESTDIR)$(LIBDIR)/libmaildir.so.$(VERSION) \
	    $(DESTDIR)$(LIBDIR)/$(SONAME) $(DESTDIR)$(LIBDIR)/libmaildir.so \
	    $(DESTDIR)$(INCLUDEDIR)/maildir.h \
	    $(DESTDIR)$(PKGCONFIGDIR)/libmaildir.pc
	for p in $(PROGS); do rm -f $(DESTDIR)$(BASHCOMPDIR)/$$p; done
	rm -f $(DESTDIR)$(ZSHCOMPDIR)/_mdkit

# Debian packages (mdkit, libmaildir0, libmaildir-dev) built by
# dpkg-buildpackage in a copy of the tree with contrib/debian as its
# debian/, so that nothing is written here but $(O)/deb, where the .debs
# land. DEB_DEPS: the Build-Depends of contrib/debian/control.
DEB_DEPS = build-essential dpkg-dev debhelper libbsd-dev
DEB_TREE = $(O)/deb/mdkit-$(VERSION)
deb:
	@sh contrib/install-deps.sh --only $(DEB_DEPS)
	@v=$$(dpkg-parsechangelog -l contrib/debian/changelog -S Version) && \
	if [ "$$v" != "$(VERSION)" ]; then echo "make deb: contrib/debian/changelog" \
	    "is at $$v, the Makefile at $(VERSION)" >&2; exit 1; fi
	rm -rf $(O)/deb
	mkdir -p $(DEB_TREE)
	cp -R ARCHITECTURE.md Makefile README.md cmd contrib libmaildir man t \
	    $(DEB_TREE)
	cp -R contrib/debian $(DEB_TREE)/debian
	cd $(DEB_TREE) && dpkg-buildpackage -us -uc -b
	@ls $(O)/deb/*.deb

clean:
	rm -rf build build-asan build-fuzz demo

-include $(wildcard $(O)/*/*.d)

.PHONY: all libs deb deps check all-tests run-tests valgrind-units check-asan \
    check-interop check-valgrind stress stress-faults stress-crash \
    stress-power stress-concurrency stress-memory fuzz fuzzers lint-man demo \
    bench format install uninstall clean
