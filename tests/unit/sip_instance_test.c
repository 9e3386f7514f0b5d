/*
 * sip_instance_test.c - the RFC 5626 instance id (kept in a file across
 * restarts, checked when read) and the account's sipnat=outbound.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <re.h>
#include "sip/account.h"
#include "sip/instance.h"
#include "tests/unit/check.h"

static void test_uuid_format(void)
{
	CHECK(sip_instance_uuid_ok("0f6c1f0e-9b2a-4c53-8a3d-7d2f1e5a9b10"));
	CHECK(sip_instance_uuid_ok("0F6C1F0E-9B2A-4C53-8A3D-7D2F1E5A9B10"));
	CHECK(!sip_instance_uuid_ok(NULL));
	CHECK(!sip_instance_uuid_ok(""));
	CHECK(!sip_instance_uuid_ok("0f6c1f0e-9b2a-4c53-8a3d-7d2f1e5a9b1"));
	CHECK(!sip_instance_uuid_ok("0f6c1f0e-9b2a-4c53-8a3d-7d2f1e5a9b100"));
	CHECK(!sip_instance_uuid_ok("0f6c1f0e9b2a-4c53-8a3d-7d2f1e5a9b10-"));
	CHECK(!sip_instance_uuid_ok("0f6c1f0e-9b2a-4c53-8a3d-7d2f1e5a9b1g"));
	CHECK(!sip_instance_uuid_ok("\"<urn:uuid:0f6c1f0e-9b2a-4c53-8a3d>\"xx"));
}

static void test_kept_file(void)
{
	char dir[] = "/tmp/sip_instance_test.XXXXXX";
	char file[256], first[40], again[40], other[40];
	FILE *f;

	if (!mkdtemp(dir)) {
		CHECK(0);
		return;
	}
	(void)re_snprintf(file, sizeof(file), "%s/a/b/instance-id", dir);
	/* no folder: server/ makes it, sip/ does not */
	CHECK_EQ_INT(sip_instance_load_file(first, sizeof(first), file), ENOENT);
	(void)re_snprintf(file, sizeof(file), "%s/a", dir);
	CHECK_EQ_INT(mkdir(file, 0700), 0);
	(void)re_snprintf(file, sizeof(file), "%s/a/b", dir);
	CHECK_EQ_INT(mkdir(file, 0700), 0);
	(void)re_snprintf(file, sizeof(file), "%s/a/b/instance-id", dir);
	/* a version 4 UUID */
	CHECK_EQ_INT(sip_instance_load_file(first, sizeof(first), file), 0);
	CHECK(sip_instance_uuid_ok(first));
	CHECK_EQ_INT(first[14], '4');
	CHECK(strchr("89ab", first[19]) != NULL);
	/* the same next time */
	CHECK_EQ_INT(sip_instance_load_file(again, sizeof(again), file), 0);
	CHECK_EQ_STR(again, first);
	/* another file, another id */
	(void)re_snprintf(file, sizeof(file), "%s/other", dir);
	CHECK_EQ_INT(sip_instance_load_file(other, sizeof(other), file), 0);
	CHECK(strcmp(other, first) != 0);
	/* a file with something else in it is an error, not replaced */
	f = fopen(file, "w");
	CHECK(f != NULL);
	if (f) {
		fputs("not a uuid\n", f);
		fclose(f);
	}
	CHECK_EQ_INT(sip_instance_load_file(other, sizeof(other), file), EINVAL);
	/* too small a buffer */
	CHECK_EQ_INT(sip_instance_load_file(other, 36, file), EINVAL);
	unlink(file);
	(void)re_snprintf(file, sizeof(file), "%s/a/b/instance-id", dir);
	unlink(file);
	(void)re_snprintf(file, sizeof(file), "%s/a/b", dir);
	rmdir(file);
	(void)re_snprintf(file, sizeof(file), "%s/a", dir);
	rmdir(file);
	rmdir(dir);
}

static void test_account_sipnat(void)
{
	struct sip_account acc;

	CHECK_EQ_INT(sip_account_parse(&acc, "<sip:d@example.com>;sipnat=outbound;"
		"outbound=\"sip:proxy.example.com;transport=tcp\""), 0);
	CHECK(acc.sip_outbound);
	CHECK_EQ_INT(sip_account_parse(&acc, "<sip:d@example.com>;regint=60"), 0);
	CHECK(!acc.sip_outbound);
	/* a typo must not quietly give a plain registration */
	CHECK_EQ_INT(sip_account_parse(&acc, "<sip:d@example.com>;sipnat=outbund"),
		     EINVAL);
	CHECK_EQ_INT(sip_account_parse(&acc, "<sip:d@example.com>;sipnat=outbound2"),
		     EINVAL);
}

int main(void)
{
	test_uuid_format();
	test_kept_file();
	test_account_sipnat();
	CHECK_DONE("sip_instance_test");
}
