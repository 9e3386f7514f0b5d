/*
 * server_conf_test.c - the configuration key check: the shipped examples
 * pass, misspelt or empty keys are refused with their line.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "server/conf_check.h"
#include "tests/unit/check.h"

static int check_text(const char *text)
{
	char path[] = "/tmp/sipvnc-conf-XXXXXX";
	int fd = mkstemp(path), err;
	FILE *f = fd >= 0 ? fdopen(fd, "w") : NULL;

	if (!f)
		return -1;
	fputs(text, f);
	fclose(f);
	err = conf_check_file(path);
	unlink(path);
	return err;
}

int main(void)
{
	CHECK_EQ_INT(conf_check_file("conf/sipvnc.conf"), 0);
	CHECK_EQ_INT(conf_check_file("conf/demo.conf"), 0);
	CHECK_EQ_INT(check_text(""), 0);
	CHECK_EQ_INT(check_text("# only a comment\n\n   \n"), 0);
	CHECK_EQ_INT(check_text("allow sip:a@b control\ndeny sip:*@c\n"), 0);
	CHECK_EQ_INT(check_text("  sip_listen\t127.0.0.1:5060"), 0);
	CHECK_EQ_INT(check_text("alow sip:a@b\n"), EINVAL);
	CHECK_EQ_INT(check_text("dney sip:*@evil\n"), EINVAL);
	CHECK_EQ_INT(check_text("allow\n"), EINVAL);
	CHECK_EQ_INT(check_text("allow   # nobody\n"), EINVAL);
	CHECK_EQ_INT(check_text("allowx sip:a@b\n"), EINVAL);
	CHECK_EQ_INT(check_text("allo sip:a@b\n"), EINVAL);
	CHECK_EQ_INT(conf_check_file("/nonexistent/sipvnc.conf"), ENOENT);
	CHECK_DONE("server_conf");
}
