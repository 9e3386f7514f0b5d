#!/usr/bin/env bash
# The Makefile: a library pkg-config cannot find stops the build naming it
# and its Debian package; a changed header rebuilds only the objects that
# include it (-MMD -MP); the version comes from debian/changelog.
source "$(dirname "$0")/../lib.sh"

# make -n -W FILE: what would run if FILE had changed, touching nothing.
out=$(make -C "$TOP" -n PKGS="libre sipvnc-no-such-lib xcb" -W server/view.c build/server/view.o 2>&1)
check "a missing .pc stops the build" grep -q "pkg-config cannot find" <<<"$out"
check "naming it" grep -q "sipvnc-no-such-lib" <<<"$out"
# a pkg-config that finds nothing: each is named with its Debian package
out=$(PKG_CONFIG_LIBDIR=/nonexistent PKG_CONFIG_PATH= make -C "$TOP" -n -W server/view.c build/server/view.o 2>&1)
check "libre is named with libre-dev" grep -q "libre (Debian: libre-dev)" <<<"$out"
check "xcb-damage with libxcb-damage0-dev" grep -q "xcb-damage (Debian: libxcb-damage0-dev)" <<<"$out"

make -C "$TOP" -s all >/dev/null 2>&1
check "the compiler writes header dependencies" grep -q "server/bridge.h" "$BUILD/server/bridge.d"
n=$(make -C "$TOP" -n -W server/bridge.h all 2>/dev/null | grep -c -- ' -c -o ')
users=$(grep -l '"server/bridge.h"' "$TOP"/server/*.c | wc -l)
check "a changed server/bridge.h rebuilds its $users users ($n objects)" test "$n" = "$users"
n=$(make -C "$TOP" -n -W msrp/msrp.h all 2>/dev/null | grep -c -- ' -c -o ')
total=$(ls "$TOP"/{msrp,capture,sip,server}/*.c | wc -l)
check "a changed msrp/msrp.h rebuilds $n of $total objects, not all" test "$n" -gt 0 -a "$n" -lt "$total"

version=$(sed -n '1s/^[^(]*(\([^)]*\)).*/\1/p' "$TOP/debian/changelog")
check "sipvnc --version is debian/changelog's $version" test "$("$BUILD/sipvnc" --version)" = "sipvnc $version"
"$BUILD/sipvnc" -v --version >/dev/null 2>&1
check "-v is an option now, not a usage error" test $? = 0

finish build_makefile
