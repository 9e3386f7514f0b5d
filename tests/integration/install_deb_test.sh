#!/usr/bin/env bash
# The Debian package: dpkg-buildpackage -us -uc -b from a copy of the tree
# (debian/rules builds into debian/build), no lintian errors or warnings, one version
# everywhere, installs with dpkg -i, `sipvnc --version` and `sipvnc check`
# work from the package, and dpkg -P leaves nothing behind.
source "$(dirname "$0")/../lib.sh"

if [ "$SIPVNC" != "$BUILD/sipvnc" ]; then
	# the package builds its own binary: nothing here differs under ASan
	echo "install_deb: 0 passed, 0 failed (skipped for SIPVNC=$SIPVNC)"
	exit 0
fi
for tool in dpkg-buildpackage lintian dh; do
	command -v "$tool" >/dev/null || { bad "$tool is missing (make deps installs DEB_TEST)"; finish install_deb; exit 1; }
done

src="$T/src"
mkdir -p "$src"
if git -C "$TOP" rev-parse --git-dir >/dev/null 2>&1; then
	# the files of the tree as they are now, tracked or new, not build/
	(cd "$TOP" && git ls-files -z --cached --others --exclude-standard | grep -zv '^build/' |
		xargs -0 cp --parents -t "$src" 2>/dev/null)
else
	tar -C "$TOP" --exclude=./build -cf - . | tar -C "$src" -xf -
fi
version=$(sed -n '1s/^[^(]*(\([^)]*\)).*/\1/p' "$TOP/debian/changelog")

t0=$SECONDS
(cd "$src" && dpkg-buildpackage -us -uc -b) >"$T/build.log" 2>&1
status=$?
check "dpkg-buildpackage -us -uc -b builds ($((SECONDS - t0)) s)" test "$status" = 0
[ "$status" = 0 ] || tail -30 "$T/build.log"
deb=$(ls "$T"/sipvnc_*.deb 2>/dev/null | head -1)
check "a .deb is made" test -f "$deb"
check "its version is debian/changelog's ($version)" test "$(dpkg-deb -f "$deb" Version 2>/dev/null)" = "$version"

lintian --fail-on error,warning "$T"/sipvnc_*.changes >"$T/lintian.log" 2>&1
status=$?
check "lintian: no errors, no warnings" test "$status" = 0
grep -E '^[EW]:' "$T/lintian.log" | head -20

if [ "$(id -u)" != 0 ]; then
	echo "not root: dpkg -i / -P not tried"
	finish install_deb
	exit
fi
if dpkg-query -W -f='${Status}' sipvnc 2>/dev/null | grep -q "ok installed"; then
	echo "a sipvnc package is installed here already: not replacing it"
	finish install_deb
	exit
fi
trap 'dpkg -P sipvnc >/dev/null 2>&1; cleanup' EXIT
check "dpkg -i installs it" dpkg -i "$deb" >"$T/dpkg.log" 2>&1
files=$(dpkg -L sipvnc 2>/dev/null)
check "sipvnc --version from the package says $version" test "$(/usr/bin/sipvnc --version)" = "sipvnc $version"
check "the man pages carry the same version" \
	bash -c "zcat /usr/share/man/man1/sipvnc.1.gz | grep -q '\"sipvnc $version\"' && zcat /usr/share/man/man5/sipvnc.conf.5.gz | grep -q '\"sipvnc $version\"'"
check "sipvnc check passes the packaged example" /usr/bin/sipvnc check -c /usr/share/sipvnc/sipvnc.conf
printf 'dney sip:*@evil.example\n' >"$T/bad.conf"
/usr/bin/sipvnc check -c "$T/bad.conf" >"$T/check.log" 2>&1
status=$?
check "and refuses a broken file (status 3, got $status)" test "$status" = 3
check "the user unit is in place" test -f /usr/lib/systemd/user/sipvnc.service
check "and not enabled for every user" test ! -e /etc/systemd/user/graphical-session.target.wants/sipvnc.service

check "the copyright file names the licence (GPL-2.0-or-later)" \
	grep -q "^License: GPL-2.0-or-later" /usr/share/doc/sipvnc/copyright
check "dpkg -P purges it" dpkg -P sipvnc >"$T/purge.log" 2>&1
left=$(for f in $files; do [ -f "$f" ] && echo "$f"; done)
check "no file of the package is left" test -z "$left"
check "nor our folder" test ! -e /usr/share/sipvnc
dpkg-query -W sipvnc >/dev/null 2>&1
check "dpkg forgot the package" test $? != 0

finish install_deb
