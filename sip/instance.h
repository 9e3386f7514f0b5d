/*
 * instance.h - private to sip/: our RFC 5626 instance id, the
 * "+sip.instance" a registrar tells this installation's flows apart by.
 *
 * It must stay the same across restarts (a new one looks like another
 * device, and the old bindings linger until they expire): the config key
 * `sip_instance` gives it, else it is generated once and kept in
 * instance-id in the folder the program hands over (sipua_handlers
 * config_dir: $XDG_CONFIG_HOME/sipvnc or ~/.config/sipvnc).
 */
#ifndef SIPVNC_INSTANCE_H
#define SIPVNC_INSTANCE_H

#include <stdbool.h>
#include <stddef.h>

#define INSTANCE_UUID_LEN 36   /* 8-4-4-4-12 hex digits */

/* A UUID in its canonical textual form (RFC 4122), nothing around it. */
bool sip_instance_uuid_ok(const char *s);

/* The UUID kept in file, or a new random one written there (its folder
 * must exist: server/ makes it).  uuid has room for INSTANCE_UUID_LEN + 1.  0, or an errno
 * (EINVAL: the file holds something else). */
int sip_instance_load_file(char *uuid, size_t size, const char *file);

#endif
