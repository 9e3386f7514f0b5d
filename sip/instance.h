/*
 * instance.h - private to sip/: our RFC 5626 instance id, the
 * "+sip.instance" a registrar tells this installation's flows apart by.
 *
 * It must stay the same across restarts (a new one looks like another
 * device, and the old bindings linger until they expire): the config key
 * `sip_instance` gives it, else it is generated once and kept in
 * $XDG_CONFIG_HOME/sipvnc/instance-id (~/.config/sipvnc/instance-id).
 */
#ifndef SIPVNC_INSTANCE_H
#define SIPVNC_INSTANCE_H

#include <stdbool.h>
#include <stddef.h>

#define INSTANCE_UUID_LEN 36   /* 8-4-4-4-12 hex digits */

/* A UUID in its canonical textual form (RFC 4122), nothing around it. */
bool instance_uuid_ok(const char *s);

/* The UUID kept in file, or a new random one written there (and its
 * folder made).  uuid has room for INSTANCE_UUID_LEN + 1.  0, or an errno
 * (EINVAL: the file holds something else). */
int instance_load_file(char *uuid, size_t size, const char *file);

/* The default file, $XDG_CONFIG_HOME/sipvnc/instance-id or
 * $HOME/.config/sipvnc/instance-id.  0 or ENOENT (neither is set). */
int instance_default_file(char *path, size_t size);

#endif
