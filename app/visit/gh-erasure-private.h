/* Shared between the erasure and its wipe.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "store/gh-store.h"

G_BEGIN_DECLS

/* Marks erasure @erasure_id 'log_pending' (its bytes may still be in the files). */
gboolean _gh_erasure_mark_log_pending (GhStore  *store,
                                       gint64    erasure_id,
                                       GError  **error);

G_END_DECLS
