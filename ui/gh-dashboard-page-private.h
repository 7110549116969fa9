/* GhDashboardPage's insides, shared by gh-dashboard-page.c (the sections and the
 * layout) and gh-dashboard-page-actions.c (preview, confirm, undo).
 * SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "gh-box-binding.h"
#include "gh-dashboard-page.h"

G_BEGIN_DECLS

struct _GhDashboardPage
{
  GtkWidget       parent_instance;

  GtkWidget      *overlay;
  GtkLabel       *greeting_label;
  GtkWidget      *follow_up_button;
  GtkLabel       *follow_up_label;
  GtkWidget      *copy_data_button;
  GtkLabel       *copy_data_label;
  GtkWidget      *forget_button;
  GtkLabel       *forget_label;
  GtkLabel       *data_title;
  GtkLabel       *offers_title;
  GtkLabel       *choices_title;
  GtkLabel       *choices_hint;
  GtkWidget      *tabs_box;
  GtkToggleButton *data_tab;
  GtkToggleButton *offers_tab;
  GtkToggleButton *choices_tab;
  GtkBox         *sections_box;
  GtkWidget      *data_section;
  GtkWidget      *offers_section;
  GtkWidget      *choices_section;
  GtkLabel       *data_summary_label;
  GtkLabel       *offers_summary_label;
  GtkBox         *data_box;
  GtkBox         *offers_box;
  GtkBox         *choices_box;
  GtkWidget      *scrim;
  GtkLabel       *preview_title;
  GtkLabel       *preview_body;
  GtkSpinner     *preview_spinner;
  GtkBox         *preview_list;
  GtkButton      *cancel_button;
  GtkWidget      *confirm_button;
  GtkWidget      *undo_bar;
  GtkLabel       *undo_label;
  GtkButton      *undo_button;

  GhSession      *session;
  GhBoxBinding   *choices_binding;  /* the catalog's purposes */
  GhBoxBinding   *offers_binding;   /* the session's offer list */
  GPtrArray      *later_groups;     /* "Your data" groups not built yet (GhDataGroup*) */
  guint           data_groups_built;
  gboolean        rows_complete;    /* every row of the three columns is built */
  GdkFrameClock  *first_frame_clock;
  gulong          first_frame_handler;
  guint           complete_source;
  GCancellable   *cancellable;

  char           *pending_purpose;    /* being previewed or written */
  GhConsentState  pending_state;
  gboolean        pending_is_undo;
  guint           offers_before;

  char           *undo_purpose;       /* what Undo puts back */
  GhConsentState  undo_state;
  int             undo_left;
  guint           undo_source;

  guint           layout_source;
  gboolean        portrait;
  int             landscape_min_width;  /* the columns side by side need this much */
  gboolean        busy;
};

/* gh-dashboard-page.c */
const char *gh_dashboard_page_purpose_title   (GhDashboardPage *self,
                                               const char      *purpose_id);
void        gh_dashboard_page_sync_choices    (GhDashboardPage *self);

/* How many rows (cards, switches, data categories) a column gets before its first
 * frame: a little more than a 1920x1080 screen shows of it side by side, or a 1080x1920
 * one of the column on its tab. The rest is built right after that frame, so
 * the first frame lays out only what is in view. */
#define ROWS_AT_FIRST_FRAME_LANDSCAPE 3
#define ROWS_AT_FIRST_FRAME_PORTRAIT 6

/* gh-dashboard-page.c */
guint       gh_dashboard_page_rows_at_first_frame (GhDashboardPage *self);

/* gh-dashboard-page-data.c */
void        gh_dashboard_page_build_data      (GhDashboardPage *self);
void        gh_dashboard_page_build_later_data (GhDashboardPage *self,
                                                guint            n_groups);
void        gh_dashboard_page_show_data_summary (GhDashboardPage *self);

/* gh-dashboard-page-actions.c */
void        gh_dashboard_page_change_requested (GhDashboardPage *self,
                                                const char      *purpose_id,
                                                gboolean         granted);
void        gh_dashboard_page_class_install_actions (GtkWidgetClass *widget_class);

G_END_DECLS
