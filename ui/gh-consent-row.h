/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "config/gh-catalog.h"

G_BEGIN_DECLS

#define GH_TYPE_CONSENT_ROW (gh_consent_row_get_type ())
G_DECLARE_FINAL_TYPE (GhConsentRow, gh_consent_row, GH, CONSENT_ROW, GtkWidget)

GtkWidget  *gh_consent_row_new            (GhPurpose    *purpose,
                                           const char   *language,
                                           gboolean      compact);
GhPurpose  *gh_consent_row_get_purpose    (GhConsentRow *self);
/* Shows @granted without asking anything (the store's state). */
void        gh_consent_row_set_granted    (GhConsentRow *self,
                                           gboolean      granted);
gboolean    gh_consent_row_get_granted    (GhConsentRow *self);
/* While a change is being previewed or written, the switch waits. */
void        gh_consent_row_set_busy       (GhConsentRow *self,
                                           gboolean      busy);

G_END_DECLS
