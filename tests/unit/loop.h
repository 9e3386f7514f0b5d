/*
 * loop.h - run libre's event loop for a while in a unit test.
 */
#ifndef SIPVNC_TEST_LOOP_H
#define SIPVNC_TEST_LOOP_H

#include <re.h>

static struct tmr loop_guard;

static inline void loop_guard_h(void *arg)
{
	(void)arg;
	re_cancel();
}

/* Run the loop until something calls re_cancel(), or ms have passed. */
static inline void loop_run_ms(unsigned ms)
{
	tmr_start(&loop_guard, ms, loop_guard_h, NULL);
	(void)re_main(NULL);
	tmr_cancel(&loop_guard);
}

#endif
