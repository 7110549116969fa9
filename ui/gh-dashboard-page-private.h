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
void        gh_dashboard_page_remove_children (GtkBox          *box);
GtkWidget  *gh_dashboard_page_wrapped_label   (const char      *text,
                                               const char      *css_class);
const char *gh_dashboard_page_purpose_title   (GhDashboardPage *self,
                                               const char      *purpose_id);
void        gh_dashboard_page_sync_choices    (GhDashboardPage *self);

/* gh-dashboard-page-data.c */
void        gh_dashboard_page_build_data      (GhDashboardPage *self);
void        gh_dashboard_page_show_data_summary (GhDashboardPage *self);

/* gh-dashboard-page-actions.c */
void        gh_dashboard_page_change_requested (GhDashboardPage *self,
                                                const char      *purpose_id,
                                                gboolean         granted);
void        gh_dashboard_page_class_install_actions (GtkWidgetClass *widget_class);

G_END_DECLS
