/*
 * server_folder_test.c - the one rule for sipvnc's config folder
 * (service_config_dir) and the one mkdir -p (service_make_dir), which
 * msrp/ and sip/ are handed instead of looking the folder up themselves.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "server/service.h"
#include "tests/unit/check.h"

static void test_config_dir(void)
{
	char path[256];

	setenv("XDG_CONFIG_HOME", "/x/cfg", 1);
	setenv("HOME", "/home/desk", 1);
	CHECK_EQ_INT(service_config_dir(path, sizeof(path)), 0);
	CHECK_EQ_STR(path, "/x/cfg/sipvnc");
	/* the XDG spec: a relative XDG_CONFIG_HOME is ignored */
	setenv("XDG_CONFIG_HOME", "cfg", 1);
	CHECK_EQ_INT(service_config_dir(path, sizeof(path)), 0);
	CHECK_EQ_STR(path, "/home/desk/.config/sipvnc");
	setenv("XDG_CONFIG_HOME", "", 1);
	CHECK_EQ_INT(service_config_dir(path, sizeof(path)), 0);
	CHECK_EQ_STR(path, "/home/desk/.config/sipvnc");
	unsetenv("XDG_CONFIG_HOME");
	CHECK_EQ_INT(service_config_dir(path, sizeof(path)), 0);
	CHECK_EQ_STR(path, "/home/desk/.config/sipvnc");
	CHECK_EQ_INT(service_config_dir(path, 10), ENAMETOOLONG);
	unsetenv("HOME");
	CHECK_EQ_INT(service_config_dir(path, sizeof(path)), ENOENT);
}

static void test_make_dir(void)
{
	char dir[] = "/tmp/server_folder_test.XXXXXX";
	char path[128];
	struct stat st;

	if (!mkdtemp(dir)) {
		CHECK(0);
		return;
	}
	snprintf(path, sizeof(path), "%s/a/b/sipvnc", dir);
	CHECK_EQ_INT(service_make_dir(path), 0);
	CHECK(!stat(path, &st) && S_ISDIR(st.st_mode) &&
	      (st.st_mode & 0777) == 0700);
	CHECK_EQ_INT(service_make_dir(path), 0);   /* there already */
	snprintf(path, sizeof(path), "%s/a/b/sipvnc/", dir);
	CHECK_EQ_INT(service_make_dir(path), 0);   /* a trailing slash */
	CHECK_EQ_INT(service_make_dir(""), ENAMETOOLONG);
	snprintf(path, sizeof(path), "%s/a/b/sipvnc", dir);
	rmdir(path);
	snprintf(path, sizeof(path), "%s/a/b", dir);
	rmdir(path);
	snprintf(path, sizeof(path), "%s/a", dir);
	rmdir(path);
	CHECK_EQ_INT(rmdir(dir), 0);
}

int main(void)
{
	test_config_dir();
	test_make_dir();
	CHECK_DONE("server_folder");
}
