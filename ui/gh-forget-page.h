/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "receipts/gh-receipt.h"
#include "visit/gh-session.h"

G_BEGIN_DECLS

#define GH_TYPE_FORGET_PAGE (gh_forget_page_get_type ())
G_DECLARE_FINAL_TYPE (GhForgetPage, gh_forget_page, GH, FORGET_PAGE, GtkWidget)

GtkWidget *gh_forget_page_new      (GhSession    *session);
/* TRUE once the erasure is done (or while it runs): the visit cannot go back to the dashboard. */
gboolean   gh_forget_page_get_done (GhForgetPage *self);
/* The erasure receipt once done (its follow-up code), or NULL. */
GhReceipt *gh_forget_page_get_receipt (GhForgetPage *self);

G_END_DECLS
