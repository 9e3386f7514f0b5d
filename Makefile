# sipvnc - an X desktop reachable at a SIP address (RFB over MSRP).
#
#   make            build build/sipvnc
#   make run        build and start on the embedded default
#   make test       install what is missing, build, run every test
#   make deps       only install the Debian packages
#   make asan       build/asan/sipvnc with AddressSanitizer+UBSan
#   make tsan       build/tsan/sipvnc and the unit tests with ThreadSanitizer
#   make fuzz       libFuzzer harnesses (clang), FUZZ_SECONDS each
#   make lint       cppcheck + clang-tidy
#   make bench      sipvnc against x11vnc, same run, ratios
#   make stress     the long stress stage (tests/stress/*_stress.sh, minutes)
#   make install    PREFIX (/usr/local) and DESTDIR: binary, man pages,
#                   example configuration, systemd units; make uninstall
#   make docs       the key tables of README.md, conf/sipvnc.conf and
#                   sipvnc.conf(5) from server/conf_keys.c

CC       ?= cc
BUILD    ?= build
PKGS     := libre libvncserver xcb xcb-shm xcb-xtest xcb-damage xcb-xfixes \
            xcb-randr xcb-keysyms xcb-composite openssl zlib
WARN     := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes \
            -Wmissing-prototypes -Wno-unused-parameter
# The version lives in debian/changelog only: the binary, the man pages
# and the package all take it from there.
VERSION  := $(shell sed -n '1s/^[^(]*(\([^)]*\)).*/\1/p' debian/changelog)
CPPFLAGS += -D_GNU_SOURCE -DHAVE_INTTYPES_H -DHAVE_STDBOOL_H -I. \
            -DSIPVNC_VERSION='"$(VERSION)"' \
            $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
CFLAGS   ?= -O2 -g
CFLAGS   += -std=c11 $(WARN)
LDLIBS   += $(shell pkg-config --libs $(PKGS) 2>/dev/null) \
            -lmbedtls -lmbedx509 -lmbedcrypto -lpthread

MODULES  := msrp capture sip server
LIB_SRC  := $(wildcard msrp/*.c capture/*.c sip/*.c) \
            $(filter-out server/main.c,$(wildcard server/*.c))
LIB_OBJ  := $(LIB_SRC:%.c=$(BUILD)/%.o)
UNIT_SRC := $(wildcard tests/unit/*_test.c)
UNIT_BIN := $(UNIT_SRC:tests/unit/%.c=$(BUILD)/tests/%)
TOOL_SRC := $(wildcard tests/tools/*.c)
TOOL_BIN := $(TOOL_SRC:tests/tools/%.c=$(BUILD)/tools/%)

# Debian packages: build dependencies, then what the tests drive.
DEB_BUILD := build-essential pkg-config libre-dev libvncserver-dev \
             libxcb1-dev libxcb-shm0-dev libxcb-xtest0-dev \
             libxcb-damage0-dev libxcb-xfixes0-dev libxcb-randr0-dev \
             libxcb-keysyms1-dev libxcb-composite0-dev libmbedtls-dev libssl-dev \
             zlib1g-dev
DEB_RUN   := xvfb x11-utils novnc
DEB_TEST  := xvfb x11-apps x11-utils x11-xserver-utils xdotool \
             xserver-xorg-core xserver-xorg-video-dummy kamailio sip-tester x11vnc \
             vncsnapshot libvncclient1 libvncserver-dev clang \
             libclang-rt-14-dev valgrind cppcheck clang-tidy iproute2 \
             procps psmisc netcat-openbsd kamailio-tls-modules openssl \
             dnsmasq-base python3 kamailio-outbound-modules \
             tigervnc-viewer nftables groff-base systemd debhelper lintian \
             dpkg-dev xterm chromium novnc nodejs curl strace

.PHONY: all run test deps unit integration fuzz asan lint clean tools bench \
        install uninstall man stress tsan docs

all: $(BUILD)/sipvnc man

# pkg-config's answer for each .pc (and the Debian package that has it):
# asked once, and only when something is compiled, so that `make deps`
# and `make test` can install what is missing first.
PC_DEB := libre:libre-dev libvncserver:libvncserver-dev xcb:libxcb1-dev \
          xcb-shm:libxcb-shm0-dev xcb-xtest:libxcb-xtest0-dev \
          xcb-damage:libxcb-damage0-dev xcb-xfixes:libxcb-xfixes0-dev \
          xcb-randr:libxcb-randr0-dev xcb-keysyms:libxcb-keysyms1-dev \
          xcb-composite:libxcb-composite0-dev openssl:libssl-dev \
          zlib:zlib1g-dev
PKG_MISSING = $(eval PKG_MISSING := $$(strip $$(foreach p,$$(PKGS),$$(if $$(shell \
              pkg-config --exists $$(p) && echo y),,$$(p)))))$(PKG_MISSING)
pkg_check = $(if $(PKG_MISSING),$(error pkg-config cannot find: \
            $(foreach p,$(PKG_MISSING),$(p) (Debian: $(patsubst $(p):%,%,\
            $(filter $(p):%,$(PC_DEB))))); install them or run `make deps`))

$(BUILD)/%.o: %.c Makefile debian/changelog
	$(pkg_check)
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) -MMD -MP -c -o $@ $<

# Per-file header dependencies, written by the compiler (-MMD -MP).
-include $(LIB_OBJ:.o=.d) $(BUILD)/server/main.d

# the web page's files when none are installed (web_conf.c)
$(BUILD)/server/web_conf.o: CPPFLAGS += -DSIPVNC_WEB_DIR='"$(CURDIR)/server/web"'

$(BUILD)/libsipvnc.a: $(LIB_OBJ)
	@rm -f $@
	ar rcs $@ $^

$(BUILD)/sipvnc: $(BUILD)/server/main.o $(BUILD)/libsipvnc.a
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(LDLIBS)

# A header of msrp/ ... changes the library, which relinks every test;
# the tests' own headers are listed.
$(BUILD)/tests/%: tests/unit/%.c $(BUILD)/libsipvnc.a $(wildcard tests/unit/*.h)
	$(pkg_check)
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) $(LDFLAGS) -o $@ $< $(BUILD)/libsipvnc.a $(LDLIBS)

$(BUILD)/tools/%: tests/tools/%.c $(wildcard tests/tools/*.h)
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) $(LDFLAGS) -o $@ $< $(LDLIBS) -lvncclient -lz

tools: $(TOOL_BIN)

# Recursive makes: pkg-config can only answer once deps has installed it.
run: deps
	$(MAKE) $(BUILD)/sipvnc $(BUILD)/tools/xdemo
	./tests/run-demo.sh

deps:
	@missing=$$(for p in $(DEB_BUILD) $(if $(filter run,$(MAKECMDGOALS)),$(DEB_RUN)) \
	    $(if $(filter test bench stress,$(MAKECMDGOALS)),$(DEB_TEST)); do \
	    dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q 'install ok installed' || echo $$p; done); \
	if [ -n "$$missing" ]; then \
	    echo "installing: $$missing"; \
	    SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	    $$SUDO apt-get update -qq && \
	    DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq --no-install-recommends $$missing; \
	fi
	@# npm comes with NodeSource's nodejs; with Debian's nodejs it is a
	@# package of its own (which NodeSource's would conflict with)
	@if [ -n "$(filter test bench,$(MAKECMDGOALS))" ] && ! command -v npm >/dev/null; then \
	    echo "installing: npm"; \
	    SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	    DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq --no-install-recommends npm; \
	fi

unit: $(UNIT_BIN)
	@pass=0; fail=0; for t in $(UNIT_BIN); do \
	    if $$t; then pass=$$((pass+1)); else echo "FAIL: $$t"; fail=$$((fail+1)); fi; done; \
	    echo "unit: $$pass passed, $$fail failed"; [ $$fail = 0 ]

test: deps
	$(MAKE) all tools $(UNIT_BIN)
	cd tests/web && PUPPETEER_SKIP_DOWNLOAD=1 npm ci --no-audit --no-fund
	./tests/run.sh

asan:
	$(MAKE) BUILD=build/asan CC=clang \
	    CFLAGS="-O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all" \
	    LDFLAGS="-fsanitize=address,undefined" all $(patsubst $(BUILD)/%,build/asan/%,$(UNIT_BIN))

# Viewers' input runs on libvncserver's client threads next to the event
# loop: ThreadSanitizer checks what they share (tests/run.sh tsan).
tsan:
	$(MAKE) BUILD=build/tsan CC=clang \
	    CFLAGS="-O1 -g -fsanitize=thread -fno-omit-frame-pointer" \
	    LDFLAGS="-fsanitize=thread" all $(patsubst $(BUILD)/%,build/tsan/%,$(UNIT_BIN))

fuzz:
	./tests/fuzz/run.sh

# sipvnc against x11vnc on Xvfb 1920x1080, ratios printed (about 3 minutes).
bench: deps
	$(MAKE) all tools
	./tests/bench/run.sh
	./tests/bench/web_bench.sh

# Load, floods, dead peers and faults at full size, with figures.
stress: deps
	$(MAKE) all tools
	STRESS_LONG=1 ./tests/run.sh stress

# one file per clang-tidy is slow; LINT_JOBS of them side by side
LINT_JOBS ?= 2
lint:
	cppcheck --quiet --error-exitcode=1 --enable=warning,performance,portability \
	    --inline-suppr --suppress=missingIncludeSystem -j $(LINT_JOBS) -I. $(MODULES)
	$(MAKE) -s -j $(LINT_JOBS) $(patsubst %,tidy/%,$(LIB_SRC) server/main.c)
tidy/%: FORCE
	clang-tidy --quiet $* -- $(CPPFLAGS) -std=c11
FORCE:

# Man pages carry the version of debian/changelog.
MAN_SRC := conf/sipvnc.1 conf/sipvnc.conf.5
MAN_OUT := $(MAN_SRC:conf/%=$(BUILD)/man/%)
man: $(MAN_OUT)
$(BUILD)/man/%: conf/% debian/changelog
	@mkdir -p $(dir $@)
	sed 's/@VERSION@/$(VERSION)/g' $< >$@

# The key documentation comes from server/conf_keys.c's table: `make docs`
# rewrites the lines between "BEGIN sipvnc keys" and "END sipvnc keys" in
# README.md (--md), conf/sipvnc.conf (--conf) and conf/sipvnc.conf.5
# (--man); tests/integration/conf_docs_test.sh fails until it has run.
KEY_DOCS := README.md:md conf/sipvnc.conf:conf conf/sipvnc.conf.5:man
docs: $(BUILD)/sipvnc
	@for d in $(KEY_DOCS); do f=$${d%:*}; \
	    $(BUILD)/sipvnc keys --$${d#*:} >$(BUILD)/keys.txt || exit 1; \
	    awk -v gen=$(BUILD)/keys.txt '/END sipvnc keys/ { skip = 0 } \
	        !skip { print } /BEGIN sipvnc keys/ { skip = 1; \
	        while ((getline l < gen) > 0) print l }' $$f >$$f.new && \
	    mv $$f.new $$f && echo "docs: $$f"; done

# make install / uninstall: what a package or an administrator puts in
# place.  uninstall removes exactly the files install wrote (INSTALLED),
# and the folders of ours only when empty.
PREFIX     ?= /usr/local
BINDIR     ?= $(PREFIX)/bin
MANDIR     ?= $(PREFIX)/share/man
DATADIR    ?= $(PREFIX)/share/sipvnc
USERUNITDIR ?= $(PREFIX)/lib/systemd/user
# the browser gateway's page (sipvnc web finds it at BINDIR/../share/sipvnc/web)
WEB_FILES  := $(wildcard server/web/*)
INSTALLED  := $(BINDIR)/sipvnc $(MANDIR)/man1/sipvnc.1 \
              $(MANDIR)/man5/sipvnc.conf.5 $(DATADIR)/sipvnc.conf \
              $(DATADIR)/sipvnc-kiosk.service $(USERUNITDIR)/sipvnc.service \
              $(DATADIR)/sipvnc-guard.nft \
              $(addprefix $(DATADIR)/web/,$(notdir $(WEB_FILES)))
UNIT_SED   := sed -e 's|@BINDIR@|$(BINDIR)|g' -e 's|@DATADIR@|$(DATADIR)|g'

install: $(BUILD)/sipvnc $(MAN_OUT)
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1 \
	    $(DESTDIR)$(MANDIR)/man5 $(DESTDIR)$(DATADIR) $(DESTDIR)$(USERUNITDIR)
	install -m 755 $(BUILD)/sipvnc $(DESTDIR)$(BINDIR)/sipvnc
	install -m 644 $(BUILD)/man/sipvnc.1 $(DESTDIR)$(MANDIR)/man1/sipvnc.1
	install -m 644 $(BUILD)/man/sipvnc.conf.5 $(DESTDIR)$(MANDIR)/man5/sipvnc.conf.5
	install -m 644 conf/sipvnc.conf $(DESTDIR)$(DATADIR)/sipvnc.conf
	install -m 644 conf/sipvnc-guard.nft $(DESTDIR)$(DATADIR)/sipvnc-guard.nft
	$(UNIT_SED) conf/sipvnc.service >$(DESTDIR)$(USERUNITDIR)/sipvnc.service
	$(UNIT_SED) conf/sipvnc-kiosk.service >$(DESTDIR)$(DATADIR)/sipvnc-kiosk.service
	chmod 644 $(DESTDIR)$(USERUNITDIR)/sipvnc.service $(DESTDIR)$(DATADIR)/sipvnc-kiosk.service
	install -d $(DESTDIR)$(DATADIR)/web
	install -m 644 $(WEB_FILES) $(DESTDIR)$(DATADIR)/web/

uninstall:
	rm -f $(addprefix $(DESTDIR),$(INSTALLED))
	-rmdir $(DESTDIR)$(DATADIR)/web 2>/dev/null
	-rmdir $(DESTDIR)$(DATADIR) 2>/dev/null

clean:
	rm -rf build
