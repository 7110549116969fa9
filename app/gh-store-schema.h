/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

guint       gh_store_schema_latest    (void);
/* The SQL that takes a store from user_version @version - 1 to @version. */
const char *gh_store_schema_migration (guint version);

G_END_DECLS
