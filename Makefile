# sipvnc - an X desktop reachable at a SIP address (RFB over MSRP).
#
#   make            build build/sipvnc
#   make run        build and start on the embedded default
#   make test       install what is missing, build, run every test
#   make deps       only install the Debian packages
#   make asan       build/asan/sipvnc with AddressSanitizer+UBSan
#   make fuzz       libFuzzer harnesses (clang), FUZZ_SECONDS each
#   make lint       cppcheck + clang-tidy
#   make bench      sipvnc against x11vnc, same run, ratios
#   make stress     long runs (tests/stress/), figures printed

CC       ?= cc
BUILD    ?= build
PKGS     := libre libvncserver xcb xcb-shm xcb-xtest xcb-damage xcb-xfixes \
            xcb-randr xcb-keysyms xcb-composite openssl
WARN     := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes \
            -Wmissing-prototypes -Wno-unused-parameter
CPPFLAGS += -D_GNU_SOURCE -DHAVE_INTTYPES_H -DHAVE_STDBOOL_H -I. \
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
             tigervnc-viewer nftables chromium novnc nodejs curl

.PHONY: all run test deps unit integration fuzz asan lint clean tools bench
.PHONY: stress

all: $(BUILD)/sipvnc

$(BUILD)/%.o: %.c $(wildcard */*.h) Makefile
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) -c -o $@ $<

# the web page's files when none are installed (web_conf.c)
$(BUILD)/server/web_conf.o: CPPFLAGS += -DSIPVNC_WEB_DIR='"$(CURDIR)/server/web"'

$(BUILD)/libsipvnc.a: $(LIB_OBJ)
	@rm -f $@
	ar rcs $@ $^

$(BUILD)/sipvnc: $(BUILD)/server/main.o $(BUILD)/libsipvnc.a
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(BUILD)/tests/%: tests/unit/%.c $(BUILD)/libsipvnc.a
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(LDLIBS)

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

fuzz:
	./tests/fuzz/run.sh

# sipvnc against x11vnc on Xvfb 1920x1080, ratios printed (about 90 s).
bench: deps
	$(MAKE) all tools
	./tests/bench/run.sh
	./tests/bench/web_bench.sh

# tests/run.sh's stress stage: each tests/stress/*_stress.sh
stress: deps
	$(MAKE) all tools
	./tests/run.sh stress

lint:
	cppcheck --quiet --error-exitcode=1 --enable=warning,performance,portability \
	    --inline-suppr --suppress=missingIncludeSystem -I. $(MODULES)
	clang-tidy --quiet $(LIB_SRC) server/main.c -- $(CPPFLAGS) -std=c11

clean:
	rm -rf build
