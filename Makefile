# The kiosk's build. Plain make: one library of every module, the program,
# one test program per tests/test_*.c, and the message catalogues.
#
#   make            build/kiosk
#   make demo       build and run the kiosk on the simulated card
#   make check      build and run every test (unit and end-to-end)
#   make check SANITIZE=1   the same under ASan and UBSan (in build-san/)
#   make install    PREFIX=/usr/local DESTDIR=

PREFIX    ?= /usr/local
DESTDIR   ?=
BINDIR    ?= $(PREFIX)/bin
LOCALEDIR ?= $(PREFIX)/share/locale
SYSCONFDIR?= /etc
MANDIR    ?= $(PREFIX)/share/man
VERSION   := 0.1.0

ifdef SANITIZE
BUILD     ?= build-san
SANFLAGS  := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
else
BUILD     ?= build
SANFLAGS  :=
endif

CC        ?= cc
PKGS      := ncursesw libcrypto sqlite3 inih
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

.PHONY: all demo check unit e2e deps install uninstall clean pot
all: $(BUILD)/kiosk $(MO)

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

$(BUILD)/tests/%: $(BUILD)/obj/tests/%.o $(BUILD)/libkiosk.a
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS) $(shell pkg-config --libs cmocka)

$(BUILD)/locale/%/LC_MESSAGES/kiosk.mo: locale/%.po
	@mkdir -p $(dir $@)
	msgfmt --check -o $@ $<

demo: all
	$(BUILD)/kiosk --demo

# Unit tests first, then the end-to-end tests in tmux; any failure fails.
check: unit e2e

unit: $(TESTS) $(MO)
	@set -e; for t in $(filter-out $(BUILD)/tests/test_e2e,$(TESTS)); do \
	    echo "== $$t"; $$t; done

e2e: all $(BUILD)/tests/test_e2e
	@echo "== $(BUILD)/tests/test_e2e"; KIOSK_BIN=$(BUILD)/kiosk $(BUILD)/tests/test_e2e

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

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/kiosk $(DESTDIR)$(MANDIR)/man1/kiosk.1
	for l in $(LANGS); do rm -f $(DESTDIR)$(LOCALEDIR)/$$l/LC_MESSAGES/kiosk.mo; done

clean:
	rm -rf build build-san

-include $(shell find $(BUILD)/obj -name '*.d' 2>/dev/null)
