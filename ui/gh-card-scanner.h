/* A card scanner on the attract screen.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/* Called with the scanned loyalty number; returns nothing. */
typedef void (*GhCardScannedFunc) (GtkWidget  *window,
                                   const char *loyalty_id);
/* Called before each key: TRUE when a scan may start a visit now (no visit active). */
typedef gboolean (*GhCardScanAllowedFunc) (GtkWidget *window);

/* Watches every key the window receives for a card scanner's burst (visit/gh-scan-burst.h)
 * and calls @scanned with the number when @allowed says no visit is active. Keys are
 * passed on untouched: a person's typing still reaches whatever has the focus. */
void gh_card_scanner_attach (GtkWidget             *window,
                             GhCardScanAllowedFunc  allowed,
                             GhCardScannedFunc      scanned);

G_END_DECLS
