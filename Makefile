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
	  sqlite3 procps
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

clean:
	rm -rf build bin

-include $(shell find build -name '*.d' 2>/dev/null)
