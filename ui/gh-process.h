/* What the kiosk process does to itself before anything else.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Keeps a shopper's data out of places it could outlive the visit: no core dump, no
 * ptrace by other processes of the same user, every freed block of memory overwritten
 * (so the visit's strings do not linger in the heap after the widgets and objects that
 * held them are gone), GLib's slice allocator on plain malloc so that applies to it
 * too, and a file-size limit turned into a reported error. Call first thing in main(),
 * with main's @argv: the first time, it starts the program again with the allocator
 * settings glibc reads only at start (see gh-process.c). */
void gh_process_harden (char **argv);

/* The GLIBC_TUNABLES the kiosk runs with. */
#define GH_PROCESS_MALLOC_TUNABLES "glibc.malloc.tcache_count=0"

G_END_DECLS
