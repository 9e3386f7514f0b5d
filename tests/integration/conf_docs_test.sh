#!/usr/bin/env bash
# Every configuration key sipvnc knows (server/conf_check.c's known_keys) is
# documented in the three places a user reads: sipvnc.conf(5), README.md's
# key table and the example conf/sipvnc.conf.  Keeps them from drifting.
source "$(dirname "$0")/../lib.sh"

src="$TOP/server/conf_check.c"
man5="$TOP/conf/sipvnc.conf.5"
readme="$TOP/README.md"
example="$TOP/conf/sipvnc.conf"

# The quoted words between `known_keys[] = {` and the closing `};`
keys=$(sed -n '/known_keys\[\] = {/,/^};/p' "$src" | grep -o '"[a-z_0-9]*"' | tr -d '"')
check "known_keys found in conf_check.c" test "$(echo "$keys" | wc -w)" -gt 30

in_man5() {    # a tagged paragraph of its own: .B/.BI KEY after .TP or .TQ
	awk -v k="$1" '
		prev ~ /^\.T[PQ]/ && ($1 == ".B" || $1 == ".BI") && $2 == k { f = 1 }
		{ prev = $0 }
		END { exit !f }' "$man5"
}
in_readme() {  # a row of the key table naming `KEY`
	grep -E '^\| ' "$readme" | grep -qF "\`$1\`"
}
in_example() { # a line `KEY value` or `#KEY value`
	grep -qE "^#?$1([[:space:]]|\$)" "$example"
}

for k in $keys; do
	check "$k in sipvnc.conf(5)" in_man5 "$k"
	check "$k in README.md's key table" in_readme "$k"
	check "$k in conf/sipvnc.conf" in_example "$k"
done

finish conf_docs
