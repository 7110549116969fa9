/* GhWindow's insides, shared by gh-window.c (the object, pages, branding) and
 * gh-window-actions.c (the kiosk.* actions); the _gh_window_* functions are for
 * tests and benchmarks only.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "config/gh-inbox.h"
#include "receipts/gh-receipt.h"
#include "visit/gh-idle-timer.h"
#include "visit/gh-kiosk.h"
#include "gh-narrator.h"
#include "gh-staff-controller.h"
#include "gh-window.h"

G_BEGIN_DECLS

struct _GhWindow
{
  GtkApplicationWindow  parent_instance;

  GtkBox               *banner_box;
  GtkWidget            *top_bar;
  GtkWidget            *brand_box;
  GtkPicture           *top_logo;
  GtkLabel             *top_brand_label;
  GtkBox               *language_box;
  GtkMenuButton        *language_button;
  GtkPopover           *language_popover;
  GtkBox               *a11y_box;
  GtkButton            *sign_out_button;
  GtkOverlay           *overlay;
  GtkStack             *stack;
  GtkWidget            *idle_scrim;
  GtkLabel             *idle_title;
  GtkLabel             *idle_label;
  GtkWidget            *more_time_button;
  GtkWidget            *leave_page;
  GtkLabel             *leave_title;
  GtkLabel             *leave_label;
  GtkBox               *leave_buttons;
  GtkButton            *leave_receipt_button;
  GtkButton            *leave_button;

  GtkWidget            *attract_page;
  GtkWidget            *identify_page;
  GtkWidget            *dashboard_page;
  GtkWidget            *notice_page;
  GtkWidget            *forget_page;
  GtkWidget            *follow_up_page;
  gboolean              follow_up_ends_visit;
  gboolean              leaving;  /* the receipt asked for on the way out */
  guint                 inhibit_cookie;  /* the screen kept awake during a visit */
  gboolean              forgotten;  /* the shopper was erased in this visit */

  GhKiosk              *kiosk;
  GhSession            *session;
  char                 *language;
  GtkCssProvider       *brand_css;
  GCancellable         *cancellable;

  GhIdleTimer          *idle;
  guint                 idle_ms_override;
  guint                 warning_override;

  GhStaffController    *staff;
  GhNarrator           *narrator;  /* Read aloud */
};

/* gh-window.c */
void     gh_window_replace_page        (GhWindow    *self,
                                        GtkWidget  **slot,
                                        GtkWidget   *page,
                                        const char  *name);
void     gh_window_show_page           (GhWindow    *self,
                                        GtkWidget   *page);
void     gh_window_set_follow_up_enabled (GhWindow  *self,
                                          gboolean   enabled);
gboolean gh_window_in_visit            (GhWindow    *self);
void     gh_window_begin_visit         (GhWindow    *self);
void     gh_window_new_forget_page     (GhWindow    *self);
void     gh_window_new_dashboard_page  (GhWindow    *self);
void     gh_window_set_language_field  (GhWindow    *self,
                                        const char  *language);
/* What a screen reader (and Read aloud) calls the page named @name, or NULL. */
const char *gh_window_page_title       (const char  *name);

/* gh-window.c: hides every page but the one showing, from the keyboard and screen readers. */
void     _gh_window_sync_hidden_pages   (GhWindow    *self);

/* gh-window-language.c: the window's words and the language menu, after a change of
 * language or config. */
void     gh_window_rebuild_language_box (GhWindow   *self);

/* gh-window-idle.c: makes self->idle and watches for activity; the timeouts from the
 * config (and the tests' overrides); the warning's countdown text. */
void     _gh_window_watch_idle          (GhWindow    *self);
void     _gh_window_sync_idle_timeouts  (GhWindow    *self);
void     _gh_window_update_idle_label   (GhWindow    *self);

/* gh-window-actions.c */
void     gh_window_show_follow_up      (GhWindow    *self,
                                        GhReceipt   *receipt,
                                        gboolean     ends_visit);
void     gh_window_set_language        (GhWindow    *self,
                                        const char  *language);
void     gh_window_class_install_actions (GtkWidgetClass *widget_class);

/* For tests and benchmarks. Overrides the config's idle timeout (milliseconds) and
 * warning (seconds). */
void _gh_window_set_idle_timeout (GhWindow *self,
                                  guint     idle_ms,
                                  guint     warning_seconds);
gboolean _gh_window_get_idle_warning_shown (GhWindow *self);
GtkWidget *_gh_window_get_page (GhWindow   *self,
                                const char *name);
/* Staff mode (gh-staff-controller.c). */
GhStaffController *_gh_window_get_staff (GhWindow *self);
/* HQ's inbox (NULL until the store is open, or without a key to trust). */
GhInbox *_gh_window_get_inbox (GhWindow *self);
/* Reads the store's active config again in a worker, as the end of a visit does. */
void _gh_window_reload_config (GhWindow *self);
gboolean _gh_window_is_loading_config (GhWindow *self);

G_END_DECLS
