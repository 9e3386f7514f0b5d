#!/usr/bin/env bash
# make install / uninstall into a DESTDIR: the tree an administrator gets,
# man pages that groff renders without a warning, systemd units that
# systemd-analyze verify accepts, and nothing of ours left by uninstall.
source "$(dirname "$0")/../lib.sh"

dest="$T/dest"
version=$(sed -n '1s/^[^(]*(\([^)]*\)).*/\1/p' "$TOP/debian/changelog")
quiet() { "$@" >"$T/make.log" 2>&1 || { cat "$T/make.log"; return 1; }; }
check "make install into DESTDIR" quiet make -s -C "$TOP" install DESTDIR="$dest" PREFIX=/usr
expected="usr/bin/sipvnc
usr/lib/systemd/user/sipvnc.service
usr/share/man/man1/sipvnc.1
usr/share/man/man5/sipvnc.conf.5
usr/share/sipvnc/sipvnc-guard.nft
usr/share/sipvnc/sipvnc-kiosk.service
usr/share/sipvnc/sipvnc.conf
usr/share/sipvnc/web/app.js
usr/share/sipvnc/web/index.html
usr/share/sipvnc/web/style.css"
got=$(cd "$dest" && find . -type f | sed 's|^\./||' | sort)
check "the tree has exactly the binary, man pages, example, units, web page" test "$got" = "$expected"
[ "$got" = "$expected" ] || diff <(echo "$expected") <(echo "$got")
check "the binary is executable, the rest is not" \
	test -x "$dest/usr/bin/sipvnc" -a ! -x "$dest/usr/share/sipvnc/sipvnc.conf"
check "sipvnc --version prints debian/changelog's version ($version)" \
	test "$("$dest/usr/bin/sipvnc" --version)" = "sipvnc $version"
check "the units run the installed binary" \
	grep -q "^ExecStart=/usr/bin/sipvnc serve" "$dest/usr/lib/systemd/user/sipvnc.service"
check "no @PLACEHOLDER@ is left" bash -c "! grep -rlI '@[A-Z]*@' '$dest'"

for page in man1/sipvnc.1 man5/sipvnc.conf.5; do
	out=$(groff -man -ww -z "$dest/usr/share/man/$page" 2>&1)
	check "groff -man -ww renders $page without a warning" test -z "$out"
	[ -z "$out" ] || echo "$out"
	check "$page names version $version" grep -q "sipvnc $version" "$dest/usr/share/man/$page"
done

# systemd-analyze verify: against the units as installed, with ExecStart
# pointing at a binary that exists and man pages found in the DESTDIR.
# Any message (unknown key, bad value) counts as a failure.
mkdir -p "$T/units" "$T/run"
chmod 700 "$T/run"
sed "s|/usr/bin/sipvnc|$dest/usr/bin/sipvnc|" "$dest/usr/lib/systemd/user/sipvnc.service" >"$T/units/sipvnc.service"
sed "s|/usr/bin/sipvnc|$dest/usr/bin/sipvnc|" "$dest/usr/share/sipvnc/sipvnc-kiosk.service" >"$T/units/sipvnc-kiosk.service"
out=$(MANPATH="$dest/usr/share/man" XDG_RUNTIME_DIR="$T/run" systemd-analyze --user verify "$T/units/sipvnc.service" 2>&1)
check "systemd-analyze --user verify sipvnc.service" test $? = 0 -a -z "$out"
[ -z "$out" ] || echo "$out"
out=$(MANPATH="$dest/usr/share/man" systemd-analyze verify "$T/units/sipvnc-kiosk.service" 2>&1)
check "systemd-analyze verify sipvnc-kiosk.service" test $? = 0 -a -z "$out"
[ -z "$out" ] || echo "$out"
check "the user unit reads ~/.config/sipvnc/sipvnc.conf, after the session, restarts on failure" \
	grep -q "graphical-session.target" "$T/units/sipvnc.service"
grep -q -- "-c %h/.config/sipvnc/sipvnc.conf" "$T/units/sipvnc.service" || bad "user unit: config path"
grep -q "^Restart=on-failure" "$T/units/sipvnc.service" || bad "user unit: Restart=on-failure"

# the installed gateway serves the installed page (BINDIR/../share/sipvnc/web),
# not the source tree's: the installed copy is marked to tell them apart
echo "// installed copy" >>"$dest/usr/share/sipvnc/web/app.js"
wport=$(free_port)
printf 'sip_listen 127.0.0.1:0\nweb_listen 127.0.0.1:%s\n' "$wport" >"$T/web.conf"
"$dest/usr/bin/sipvnc" web -c "$T/web.conf" >"$T/web.log" 2>&1 &
PIDS+=($!)
wait_until 10 port_open "$wport"
check "the installed sipvnc web serves the installed page" \
	cmp -s <(curl -s "http://127.0.0.1:$wport/app.js") "$dest/usr/share/sipvnc/web/app.js"

check "make uninstall" quiet make -s -C "$TOP" uninstall DESTDIR="$dest" PREFIX=/usr
left=$(find "$dest" -type f -o -type l)
check "uninstall removes every installed file" test -z "$left"
check "and our own folder" test ! -e "$dest/usr/share/sipvnc"

finish install_tree
