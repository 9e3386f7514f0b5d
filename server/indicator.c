/*
 * indicator.c - keeps capture/'s "being watched" window in step with the
 * calls, and turns its Stop button into hanging up every call.
 */
#include <string.h>

#include <re.h>

#include "capture/indicator.h"
#include "server/app.h"
#include "server/media.h"
#include "server/indicator.h"
#include "server/log.h"

enum { MAX_SHOWN = 16 };

static void on_stop(void *arg)
{
	struct app *app = arg;

	log_info("sipvnc: \"Stop sharing\" clicked at the screen: ending "
		 "every call\n");
	media_end_all(app, "stopped at the screen (Stop sharing)");
}

static void on_x(int flags, void *arg)
{
	struct app *app = arg;

	(void)flags;
	if (capture_indicator_process(app->indicator)) {
		/* the display is gone; the capture says so and stops us */
		indicator_close(app);
	}
}

void indicator_update(struct app *app)
{
	char lines[MAX_SHOWN][320];
	const char *ptrs[MAX_SHOWN];
	size_t n = 0;
	struct le *le;

	if (!app->indicator)
		return;
	for (le = list_head(&app->calls); le && n < MAX_SHOWN; le = le->next) {
		if (media_viewer_line(le->data, lines[n], sizeof(lines[n]))) {
			ptrs[n] = lines[n];
			n++;
		}
	}
	if (capture_indicator_show(app->indicator, ptrs, n))
		indicator_close(app);
}

int indicator_open(struct app *app, const char *display)
{
	bool on = true;
	int err;

	if (!conf_get_bool(app->conf, "indicator", &on) && !on)
		return 0;
	err = capture_indicator_open(&app->indicator, display, on_stop, app);
	if (!err)
		err = fd_listen(capture_indicator_fd(app->indicator), FD_READ,
				on_x, app);
	if (err) {
		log_err("sipvnc: cannot show the sharing notice on the display "
			"(%m); set `indicator no` to run without it\n", err);
		indicator_close(app);
	}
	return err;
}

void indicator_close(struct app *app)
{
	if (!app->indicator)
		return;
	fd_close(capture_indicator_fd(app->indicator));
	capture_indicator_close(app->indicator);
	app->indicator = NULL;
}
