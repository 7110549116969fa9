/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* The migration that made pin_lockout; migrate () adds its key to meta, under this name. */
#define GH_STORE_SCHEMA_PIN_LOCKOUT   4
#define GH_STORE_META_PIN_LOCKOUT_KEY "pin_lockout_key"
/* The migration that made data_item.crm_id; migrate () adds the member pseudonym key. */
#define GH_STORE_SCHEMA_MEMBERS       5
#define GH_STORE_META_MEMBER_REF_KEY  "member_ref_key"

guint       gh_store_schema_latest    (void);
/* The SQL that takes a store from user_version @version - 1 to @version. */
const char *gh_store_schema_migration (guint version);

G_END_DECLS
