/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define GH_TYPE_APPLICATION (gh_application_get_type ())
G_DECLARE_FINAL_TYPE (GhApplication, gh_application, GH, APPLICATION, GtkApplication)

GhApplication *gh_application_new (void);

G_END_DECLS
