/*
 * check.h - the smallest test harness that tells what failed and where.
 * Each unit test binary ends with CHECK_DONE("name"), which prints
 * "name: N passed, N failed" and gives the exit status.
 */
#ifndef SIPVNC_CHECK_H
#define SIPVNC_CHECK_H

#include <stdio.h>
#include <string.h>

static unsigned check_passed, check_failed;

#define CHECK(cond) do { \
	if (cond) { check_passed++; } else { check_failed++; \
		fprintf(stderr, "%s:%d: CHECK(%s) failed\n", __FILE__, __LINE__, #cond); } \
} while (0)

#define CHECK_EQ_INT(a, b) do { long long a_ = (long long)(a), b_ = (long long)(b); \
	if (a_ == b_) { check_passed++; } else { check_failed++; \
		fprintf(stderr, "%s:%d: %s == %lld, expected %s == %lld\n", __FILE__, __LINE__, \
			#a, a_, #b, b_); } \
} while (0)

#define CHECK_EQ_STR(a, b) do { const char *a_ = (a), *b_ = (b); \
	if (a_ && b_ && !strcmp(a_, b_)) { check_passed++; } else { check_failed++; \
		fprintf(stderr, "%s:%d: %s == \"%s\", expected \"%s\"\n", __FILE__, __LINE__, \
			#a, a_ ? a_ : "(null)", b_ ? b_ : "(null)"); } \
} while (0)

#define CHECK_DONE(name) do { \
	printf("%s: %u passed, %u failed\n", (name), check_passed, check_failed); \
	return check_failed ? 1 : 0; \
} while (0)

#endif
