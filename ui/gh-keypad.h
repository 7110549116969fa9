/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define GH_TYPE_KEYPAD (gh_keypad_get_type ())
G_DECLARE_FINAL_TYPE (GhKeypad, gh_keypad, GH, KEYPAD, GtkWidget)

GtkEditable *gh_keypad_get_editable (GhKeypad    *self);
void         gh_keypad_set_editable (GhKeypad    *self,
                                     GtkEditable *editable);
/* Sets the keypad's words again in the language now in force (gh_i18n_set_language). */
void         gh_keypad_retranslate  (GhKeypad    *self);

G_END_DECLS
