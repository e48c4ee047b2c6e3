# The kiosk's build. Plain make: one library of every module, the program,
# one test program per tests/test_*.c, and the message catalogues.
#
#   make            build/kiosk
#   make demo       build and run the kiosk on the simulated card
#   make check      build and run every test (unit and end-to-end)
#   make bench      the card-reading figures over a private pcscd
#   make check SANITIZE=1   the same under ASan and UBSan (in build-san/)
#   make install    PREFIX=/usr/local DESTDIR=
#   make install-demo   the public demo over SSH (DEMO_USER, DEMO_AUTH)
#   make install-appliance  the kiosk on a screen (systemd, X, xterm)
#   make check-display  the kiosk on a headless screen: pictures, keys, a click
#   make screenshots    the README's pictures (doc/screenshots/)

PREFIX    ?= /usr/local
DESTDIR   ?=
BINDIR    ?= $(PREFIX)/bin
LOCALEDIR ?= $(PREFIX)/share/locale
# /usr installs keep their configuration in /etc; any other prefix its own.
SYSCONFDIR?= $(if $(filter /usr,$(PREFIX)),/etc,$(PREFIX)/etc)
MANDIR    ?= $(PREFIX)/share/man
KIOSKLIBDIR ?= $(PREFIX)/lib/kiosk
SYSTEMDUNITDIR ?= $(PREFIX)/lib/systemd/system
DEMO_USER ?= demo
DEMO_AUTH ?= empty
VERSION   := 0.1.0

ifdef SANITIZE
BUILD     ?= build-san
SANFLAGS  := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
# Leaks inside the libraries themselves are not the project's to fix.
export LSAN_OPTIONS = suppressions=$(CURDIR)/tests/lsan.supp
else
BUILD     ?= build
SANFLAGS  :=
endif

CC        ?= cc
PKGS      := ncursesw libcrypto sqlite3 inih libpcsclite libcrypt libqrencode
WERROR    ?=
CFLAGS    ?= -O2 -g
CFLAGS    += -std=c17 -Wall -Wextra -Wpedantic -Wshadow -Wstrict-prototypes \
             -Wmissing-prototypes -Wformat=2 $(WERROR) $(SANFLAGS)
CPPFLAGS  += -D_GNU_SOURCE -I. -DKIOSK_VERSION='"$(VERSION)"' \
             -DKIOSK_LOCALEDIR='"$(LOCALEDIR)"' \
             -DKIOSK_SYSCONFDIR='"$(SYSCONFDIR)"' \
             $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
LDFLAGS   += $(SANFLAGS)
LDLIBS    += $(shell pkg-config --libs $(PKGS) 2>/dev/null) -lunistring -lpthread

LIB_SRC   := $(filter-out kiosk/main.c,$(wildcard kiosk/*.c screens/*.c reader/*.c))
LIB_OBJ   := $(LIB_SRC:%.c=$(BUILD)/obj/%.o)
TEST_SRC  := $(wildcard tests/test_*.c)
TESTS     := $(TEST_SRC:tests/%.c=$(BUILD)/tests/%)
# Tests that run the built programs (the kiosk in tmux, the simulated card
# behind a private pcscd) are named test_e2e*.c and run in `make e2e`.
E2E       := $(filter $(BUILD)/tests/test_e2e%,$(TESTS))
# Shared test code (tests/*.c that are not test_*.c), linked into each test.
TESTLIB_SRC := $(filter-out $(TEST_SRC),$(wildcard tests/*.c))
TESTLIB   := $(BUILD)/libtesthelp.a
BENCH_SRC := $(wildcard tests/bench/bench_*.c)
BENCH     := $(BENCH_SRC:tests/bench/%.c=$(BUILD)/bench/%)
PO        := $(wildcard locale/*.po)
LANGS     := $(PO:locale/%.po=%)
MO        := $(LANGS:%=$(BUILD)/locale/%/LC_MESSAGES/kiosk.mo)
DEPS_OK   := $(BUILD)/.deps-ok

# `make V=1` shows the whole compiler lines.
ifeq ($(V),1)
Q :=
else
Q := @
endif

# Keep the objects of test programs (make would delete them as intermediates).
.SECONDARY:

.PHONY: all demo check unit e2e bench deps install install-demo install-service uninstall clean pot \
        install-appliance check-display screenshots
all: $(BUILD)/kiosk $(BUILD)/jpki-simcard $(MO)

# Install what tools/debian-packages.txt lists and this machine lacks, once.
deps $(DEPS_OK): tools/debian-packages.txt tools/deps.sh
	@tools/deps.sh
	@mkdir -p $(BUILD) && touch $(DEPS_OK)

$(BUILD)/obj/%.o: %.c | $(DEPS_OK)
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  CC      $<")
	$(Q)$(CC) $(CPPFLAGS) $(CFLAGS) -MMD -MP -c $< -o $@

$(BUILD)/libkiosk.a: $(LIB_OBJ)
	@$(if $(Q),echo "  AR      $@")
	$(Q)$(AR) rcs $@ $^

$(BUILD)/kiosk: $(BUILD)/obj/kiosk/main.o $(BUILD)/libkiosk.a
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

# The simulated card behind vsmartcard-vpcd, for tests and the bench.
$(BUILD)/jpki-simcard: $(BUILD)/obj/tools/jpki-simcard.o $(BUILD)/libkiosk.a
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(TESTLIB): $(TESTLIB_SRC:%.c=$(BUILD)/obj/%.o)
	@$(if $(Q),echo "  AR      $@")
	$(Q)$(AR) rcs $@ $^

# Benches share the test helpers (tests/tmux.c reports through cmocka).
$(BUILD)/bench/%: $(BUILD)/obj/tests/bench/%.o $(TESTLIB) $(BUILD)/libkiosk.a
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS) $(shell pkg-config --libs cmocka)

$(BUILD)/tests/%: $(BUILD)/obj/tests/%.o $(TESTLIB) $(BUILD)/libkiosk.a
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS) $(shell pkg-config --libs cmocka)

# The catalogue test reads PO files with gettext's own library.
$(BUILD)/tests/test_catalogues: LDLIBS += -lgettextpo

$(BUILD)/locale/%/LC_MESSAGES/kiosk.mo: locale/%.po | $(DEPS_OK)
	@mkdir -p $(dir $@)
	msgfmt --check -o $@ $<

demo: all
	$(BUILD)/kiosk --demo

# Unit tests first, then the end-to-end tests in tmux; any failure fails.
check: unit e2e

unit: $(TESTS) $(MO)
	@set -e; for t in $(filter-out $(E2E),$(TESTS)); do \
	    echo "== $$t"; $$t; done

e2e: all $(E2E)
	@set -e; for t in $(E2E); do echo "== $$t"; \
	    KIOSK_BIN=$(BUILD)/kiosk SIMCARD_BIN=$(BUILD)/jpki-simcard $$t; done

# Figures, not pass/fail: each tests/bench/bench_*.c prints what it measured.
bench: all $(BENCH)
	@set -e; for b in $(BENCH); do echo "== $$b"; \
	    KIOSK_BIN=$(BUILD)/kiosk SIMCARD_BIN=$(BUILD)/jpki-simcard $$b; done

pot: locale/kiosk.pot
locale/kiosk.pot: $(wildcard kiosk/*.c screens/*.c reader/*.c)
	xgettext --from-code=UTF-8 -k_ -kN_ -kC_:1c,2 --add-comments=TRANSLATORS \
	    --package-name=kiosk --package-version=$(VERSION) -o $@ $^

install: all
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(SYSCONFDIR)/kiosk $(DESTDIR)$(MANDIR)/man1
	install -m 755 $(BUILD)/kiosk $(DESTDIR)$(BINDIR)/kiosk
	install -m 644 config/kiosk.conf $(DESTDIR)$(SYSCONFDIR)/kiosk/kiosk.conf
	install -m 644 kiosk/kiosk.1 $(DESTDIR)$(MANDIR)/man1/kiosk.1
	for l in $(LANGS); do \
	    install -d $(DESTDIR)$(LOCALEDIR)/$$l/LC_MESSAGES; \
	    install -m 644 $(BUILD)/locale/$$l/LC_MESSAGES/kiosk.mo \
	        $(DESTDIR)$(LOCALEDIR)/$$l/LC_MESSAGES/kiosk.mo; done

# The demo over SSH (README, "The demo over SSH"): the sshd drop-in, the
# demo account's shell and, without DESTDIR, the account itself.
install-demo: install
	DESTDIR='$(DESTDIR)' BINDIR='$(BINDIR)' SYSCONFDIR='$(SYSCONFDIR)' \
	    KIOSKLIBDIR='$(KIOSKLIBDIR)' DEMO_USER='$(DEMO_USER)' \
	    DEMO_AUTH='$(DEMO_AUTH)' tools/install-demo.sh install

# The kiosk on a text console as a service (README, "As a service on a
# console"): config/kiosk.service with this installation's paths, the
# machine's lock-down (tools/install-lockdown.sh) and, without DESTDIR,
# the unprivileged account "kiosk".
install-service: install
	install -d $(DESTDIR)$(SYSTEMDUNITDIR)
	sed -e 's|/usr/local/bin/|$(BINDIR)/|' -e 's|/usr/local/etc/|$(SYSCONFDIR)/|' \
	    config/kiosk.service >$(DESTDIR)$(SYSTEMDUNITDIR)/kiosk.service
	DESTDIR='$(DESTDIR)' tools/install-lockdown.sh install
	if [ -z '$(DESTDIR)' ] && ! id kiosk >/dev/null 2>&1; then \
	    useradd --system --home-dir /var/lib/kiosk --no-create-home \
	        --shell /usr/sbin/nologin --comment "self-service kiosk" kiosk; fi

# The kiosk on a screen (README, "On a kiosk with a screen"): the session
# script, the systemd unit, display.conf and, without DESTDIR, the account.
install-appliance: install
	DESTDIR='$(DESTDIR)' BINDIR='$(BINDIR)' SYSCONFDIR='$(SYSCONFDIR)' \
	    KIOSKLIBDIR='$(KIOSKLIBDIR)' SYSTEMDUNITDIR='$(SYSTEMDUNITDIR)' \
	    tools/install-appliance.sh

# The kiosk under config/kiosk-session on a headless X server at 1024x768,
# 1280x1024 and 1920x1080: screenshots, keys, a click, the QR code.
check-display: all
	tests/check-display.sh $(BUILD)/kiosk $(BUILD)/display

# The README's pictures, from the same run at 1024x768.
screenshots: all
	tests/check-display.sh --pictures doc/screenshots $(BUILD)/kiosk $(BUILD)/display

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/kiosk $(DESTDIR)$(MANDIR)/man1/kiosk.1
	rm -f $(DESTDIR)$(SYSTEMDUNITDIR)/kiosk.service
	rm -f $(DESTDIR)$(SYSTEMDUNITDIR)/kiosk-display.service $(DESTDIR)$(KIOSKLIBDIR)/kiosk-session
	DESTDIR='$(DESTDIR)' tools/install-lockdown.sh uninstall
	for l in $(LANGS); do rm -f $(DESTDIR)$(LOCALEDIR)/$$l/LC_MESSAGES/kiosk.mo; done

clean:
	rm -rf build build-san build-clang

-include $(shell find $(BUILD)/obj -name '*.d' 2>/dev/null)
