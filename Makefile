# Pawprint: one non-recursive Makefile.
#   make            build bin/pawd and bin/paw
#   make check      install what is missing, build with ASan/UBSan, run every test
#   make demo       install what is missing, build, create a demo chain, open paw
#   make bench      1,000,000-member benchmark (long)
#   V=1             show full commands; SANITIZE=1 build with sanitizers

CC	?= gcc
DEBS	= gcc make pkg-config libsodium-dev libmsgpack-dev libsqlite3-dev \
	  libncurses-dev libjansson-dev gettext tmux python3 python3-dissononce \
	  python3-msgpack \
	  sqlite3 procps clang libclang-rt-14-dev
PKGS	= libsodium sqlite3 ncursesw jansson
MSGPACK	:= $(shell pkg-config --exists msgpack-c 2>/dev/null && echo msgpack-c || echo msgpack)

ifeq ($(V),1)
Q =
else
Q = @
endif

WARN	= -Wall -Wextra -Wno-unused-parameter -Wshadow -Wpointer-arith \
	  -Wmissing-prototypes -Wstrict-prototypes -Wformat=2 -Wundef \
	  -Wno-format-nonliteral -Werror
CFLAGS	?= -O2 -g
CFLAGS	+= -std=c11 -D_GNU_SOURCE $(WARN) -Icommon -MMD -MP \
	   -DLOCALEDIR='"$(LOCALEDIR)"' -DPAW_VERSION='"$(VERSION)"'
LDLIBS	= $(shell pkg-config --libs $(PKGS) $(MSGPACK) 2>/dev/null) -lpthread
CFLAGS	+= $(shell pkg-config --cflags $(PKGS) $(MSGPACK) 2>/dev/null)
VERSION	= 0.1.0
LOCALEDIR ?= $(CURDIR)/build/locale

ifeq ($(SANITIZE),1)
CFLAGS	+= -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
LDFLAGS	+= -fsanitize=address,undefined
B	= build/san
else
B	= build/rel
endif

COMMON	= xmalloc log buf clock loop utf8 match noise chan rpc mpjson enroll hex
SERVER	= pawd server session dispatch contract role error db entity migrate audit idem worker staff branch \
	  device member feedback hits pet rpc-system rpc-session rpc-staff \
	  rpc-branch rpc-device rpc-audit rpc-member rpc-feedback rpc-pet \
	  job cron rpc-job rpc-clock
CLIENT	= paw client call enrollc ui ui-widgets ui-login ui-home ui-member \
	  ui-pet ui-staff ui-device keys

COMMON_O = $(COMMON:%=$(B)/common/%.o)
SERVER_O = $(SERVER:%=$(B)/server/%.o)
CLIENT_O = $(CLIENT:%=$(B)/client/%.o)
UNITS	= test-noise test-common test-contract test-entity
UNIT_BIN = $(UNITS:%=$(B)/tests/%)
BIN	= bin

.PHONY: all build deps check demo bench clean locale
# deps runs first, in a make of its own: pkg-config flags are read when a
# make starts, so they must be read after the libraries are installed.
all: deps
	$(Q)$(MAKE) --no-print-directory build

build: $(BIN)/pawd $(BIN)/paw locale

# Install the Debian packages the build needs when they are missing (as root).
deps:
	@missing=""; for p in $(DEBS); do \
		dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
		if [ "$$(id -u)" = 0 ]; then \
			echo "installing:$$missing"; \
			apt-get update -qq && DEBIAN_FRONTEND=noninteractive \
			apt-get install -y -qq --no-install-recommends $$missing >/dev/null \
			|| exit 1; \
		else echo "missing packages:$$missing (run as root or install them)"; exit 1; fi; \
	fi

$(BIN)/pawd: $(SERVER_O) $(COMMON_O)
	@mkdir -p $(BIN)
	@echo "  LD   $@"
	$(Q)$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(BIN)/paw: $(CLIENT_O) $(COMMON_O)
	@mkdir -p $(BIN)
	@echo "  LD   $@"
	$(Q)$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(B)/%.o: %.c
	@mkdir -p $(dir $@)
	@echo "  CC   $<"
	$(Q)$(CC) $(CFLAGS) -Iserver -Iclient -c -o $@ $<

$(B)/tests/test-%: $(B)/tests/unit/test-%.o $(COMMON_O)
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

# The contract's decoder alone, with the server objects it needs.
$(B)/tests/test-contract: $(B)/tests/unit/test-contract.o \
	  $(B)/server/contract.o $(B)/server/error.o $(COMMON_O)
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

# The entity field tables, with the data-file helpers they use.
$(B)/tests/test-entity: $(B)/tests/unit/test-entity.o $(B)/server/entity.o \
	  $(B)/server/db.o $(B)/server/role.o $(B)/server/error.o \
	  $(B)/server/contract.o $(COMMON_O)
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(B)/tests/bench-load: $(B)/bench/load.o $(COMMON_O)
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(B)/tests/bench-jitter: $(B)/bench/jitter.o $(COMMON_O)
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(B)/tests/bench-clock: $(B)/bench/clock.o $(COMMON_O)
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

SEED_O	= $(B)/bench/seed.o $(B)/server/member.o $(B)/server/pet.o \
	  $(B)/server/feedback.o $(B)/server/audit.o \
	  $(B)/server/db.o $(B)/server/migrate.o $(B)/server/error.o \
	  $(B)/server/branch.o $(B)/server/hits.o $(B)/server/entity.o \
	  $(B)/server/role.o
$(B)/tests/bench-seed: $(SEED_O) $(COMMON_O)
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

# Translations: client/po/LANG.po -> build/locale/LANG/LC_MESSAGES/paw.mo
PO	= $(wildcard client/po/*.po)
MO	= $(PO:client/po/%.po=build/locale/%/LC_MESSAGES/paw.mo)
locale: $(MO)
build/locale/%/LC_MESSAGES/paw.mo: client/po/%.po
	@mkdir -p $(dir $@)
	$(Q)msgfmt -c -o $@ $<

pot:
	xgettext -k_ -kN_ --from-code=UTF-8 -o client/po/paw.pot client/*.c common/*.c

check: deps
	$(Q)$(MAKE) --no-print-directory SANITIZE=1 BIN=build/san/bin \
		build/san/bin/pawd build/san/bin/paw $(UNITS:%=build/san/tests/%) locale
	$(Q)$(MAKE) --no-print-directory fuzz-build
	$(Q)tests/run build/san

demo: all
	$(Q)tests/demo.sh

bench: deps
	$(Q)$(MAKE) --no-print-directory $(BIN)/pawd $(BIN)/paw locale \
		$(B)/tests/bench-load $(B)/tests/bench-seed $(B)/tests/bench-jitter \
		$(B)/tests/bench-clock
	$(Q)$(B)/tests/bench-clock
	$(Q)bench/run.sh $(B)
	@echo; echo "terminal client, on the demo chain:"
	$(Q)[ -f build/demo/data/server.key ] || tests/demo.sh </dev/null >/dev/null 2>&1
	$(Q)/usr/bin/python3 bench/tui.py $(CURDIR) $(CURDIR)/build/demo
	@echo; echo "fuzz targets, $(FUZZ_SECONDS) s each:"
	$(Q)$(MAKE) --no-print-directory fuzz-build
	$(Q)fuzz/run.sh $(FUZZ_SECONDS)

# ---- fuzz ----------------------------------------------------------------
# libFuzzer targets (fuzz/fuzz-*.c), built with clang, ASan and UBSan into
# build/fuzz/ from objects of their own, instrumented for coverage:
#   make fuzz		build them, then run each for FUZZ_SECONDS (default 60)
#			on build/fuzz/corpus/TARGET, a copy of fuzz/corpus/TARGET
#			that keeps what earlier runs found
#   make fuzz-build	build them only; make check does, and tests/proto/fuzz.sh
#			runs each over its seed corpus for a few seconds
# pawd.c is built once more with its main() renamed pawd_main(), so that
# fuzz-dispatch makes its data directory by running `pawd init` itself.
# Without clang and its libFuzzer runtime, fuzz-build says so and builds
# nothing (and tests/proto/fuzz.sh skips).
FUZZ_CC		?= clang
FUZZ_SECONDS	?= 60
FUZZ		= msgpack chan dispatch
FB		= build/fuzz
# clang, unlike gcc, takes the { NULL } that ends a table for a field forgotten.
FUZZ_FLAGS	= -O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined \
		  -fno-sanitize-recover=undefined -Wno-missing-field-initializers \
		  -DFUZZ_TOP='"$(CURDIR)"'
FUZZ_COMMON_O	= $(COMMON:%=$(FB)/obj/common/%.o)
FUZZ_SERVER_O	= $(patsubst %,$(FB)/obj/server/%.o,$(filter-out pawd,$(SERVER))) \
		  $(FB)/obj/server/pawd-main.o
FUZZ_BIN	= $(FUZZ:%=$(FB)/fuzz-%)
FUZZ_PROBE	= echo 'int LLVMFuzzerTestOneInput(const char *p, long n);' \
		  'int LLVMFuzzerTestOneInput(const char *p, long n) { return 0; }' | \
		  $(FUZZ_CC) -fsanitize=fuzzer,address -x c -o /dev/null - 2>/dev/null

.PHONY: fuzz fuzz-build
fuzz: deps
	$(Q)$(MAKE) --no-print-directory fuzz-build
	$(Q)fuzz/run.sh $(FUZZ_SECONDS)

fuzz-build:
	@if $(FUZZ_PROBE); then \
		$(MAKE) -s --no-print-directory $(FUZZ_BIN); \
	else echo "fuzz: $(FUZZ_CC) with libFuzzer not found" \
		"(Debian: clang libclang-rt-14-dev): fuzz targets not built"; fi

$(FB)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	@echo "  FUZZ $<"
	$(Q)$(FUZZ_CC) $(CFLAGS) $(FUZZ_FLAGS) -fsanitize=fuzzer-no-link \
		-Iserver -Iclient -c -o $@ $<

# pawd_main() has no prototype: main() needs none.
$(FB)/obj/server/pawd-main.o: server/pawd.c
	@mkdir -p $(dir $@)
	@echo "  FUZZ $< (main as pawd_main)"
	$(Q)$(FUZZ_CC) $(CFLAGS) $(FUZZ_FLAGS) -fsanitize=fuzzer-no-link \
		-Dmain=pawd_main -Wno-missing-prototypes -Iserver -c -o $@ $<

$(FB)/fuzz-chan: $(FB)/obj/fuzz/fuzz-chan.o $(FUZZ_COMMON_O)
	@echo "  LD   $@"
	$(Q)$(FUZZ_CC) $(FUZZ_FLAGS) -fsanitize=fuzzer -o $@ $^ $(LDLIBS)

$(FB)/fuzz-msgpack: $(FB)/obj/fuzz/fuzz-msgpack.o $(FUZZ_SERVER_O) $(FUZZ_COMMON_O)
	@echo "  LD   $@"
	$(Q)$(FUZZ_CC) $(FUZZ_FLAGS) -fsanitize=fuzzer -o $@ $^ $(LDLIBS)

# Argon2id at its cheapest, the answers seen (fuzz/fuzz-dispatch.c says why).
$(FB)/fuzz-dispatch: $(FB)/obj/fuzz/fuzz-dispatch.o $(FUZZ_SERVER_O) $(FUZZ_COMMON_O)
	@echo "  LD   $@"
	$(Q)$(FUZZ_CC) $(FUZZ_FLAGS) -fsanitize=fuzzer -Wl,--wrap=crypto_pwhash_str \
		-Wl,--wrap=session_send -o $@ $^ $(LDLIBS)
# ---- end of fuzz ---------------------------------------------------------

clean:
	rm -rf build bin

-include $(shell find build -name '*.d' 2>/dev/null)
