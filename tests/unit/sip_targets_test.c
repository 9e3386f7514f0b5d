/*
 * sip_targets_test - sip/'s public list of whom a user may call (the
 * browser gateway's web_allow lines): the same reading and comparison as
 * `allow`, rights per line, view by default, and refusals.
 */
#include <re.h>

#include "sip/sipua.h"
#include "tests/unit/check.h"

int main(void)
{
	struct sipua_targets *t = NULL;
	enum sipua_rights r = SIPUA_RIGHTS_CONTROL;

	CHECK_EQ_INT(sipua_targets_alloc(&t), 0);
	/* nothing allowed yet: deny by default */
	CHECK(!sipua_targets_check(t, "sip:desk@example.com", &r));
	CHECK_EQ_INT(sipua_targets_add(t, "sip:desk@example.com control"), 0);
	CHECK_EQ_INT(sipua_targets_add(t, "sip:*@kiosk.example.com"), 0);
	CHECK(sipua_targets_add(t, "desk@example.com") != 0);
	CHECK(sipua_targets_add(t, "sip:desk@example.com root") != 0);

	CHECK(sipua_targets_check(t, "sip:desk@example.com", &r) &&
	      r == SIPUA_RIGHTS_CONTROL);
	/* one identity: case of the host, port and parameters aside */
	CHECK(sipua_targets_check(t, "sip:desk@EXAMPLE.com:5070;transport=tcp",
				  &r) && r == SIPUA_RIGHTS_CONTROL);
	CHECK(sipua_targets_check(t, "sip:any@kiosk.example.com", &r) &&
	      r == SIPUA_RIGHTS_VIEW);
	CHECK(!sipua_targets_check(t, "sip:Desk@example.com", &r));
	CHECK(!sipua_targets_check(t, "sip:desk@other.example.com", &r));
	CHECK(!sipua_targets_check(t, "sip:desk@example.com%00", &r));
	CHECK(!sipua_targets_check(t, "tel:+15550100", &r));

	CHECK(sipua_uri_dialable("sip:desk@example.com"));
	CHECK(sipua_uri_dialable("sips:desk@192.0.2.1:5061"));
	CHECK(!sipua_uri_dialable("sip:example.com"));
	CHECK(!sipua_uri_dialable("http://example.com/"));
	CHECK(!sipua_uri_dialable("sip:de%zzk@example.com"));
	mem_deref(t);
	CHECK_DONE("sip_targets");
}
