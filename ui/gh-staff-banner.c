/* GhStaffBanner: the strip at the top of every screen while staff assist, so
 * the shopper always knows someone else is acting on their data, and who
 * ("Sam from staff is helping you"). It follows a GhStaffMode: shown while it
 * is active, hidden the moment it ends, whatever screen is up.
 * SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "glasshouse-ui"
#include "config.h"

#include <glib/gi18n.h>

#include "gh-staff-banner.h"
#include "gh-widget-template.h"

struct _GhStaffBanner
{
  GtkWidget    parent_instance;

  GtkWidget   *box;
  GtkLabel    *label;
  GtkWidget   *end_button;

  GhStaffMode *mode;
};

G_DEFINE_FINAL_TYPE (GhStaffBanner, gh_staff_banner, GTK_TYPE_WIDGET)

static void
update (GhStaffBanner *self)
{
  GhStaffMember *member = self->mode != NULL ? gh_staff_mode_get_member (self->mode) : NULL;

  if (member != NULL)
    {
      /* Translators: %s is the first name of the member of staff, e.g. "Sam". */
      g_autofree char *text = g_strdup_printf (_("%s from staff is helping you"),
                                               gh_staff_member_get_name (member));
      gtk_label_set_label (self->label, text);
    }
  else
    gtk_label_set_label (self->label, "");
  gtk_widget_set_visible (GTK_WIDGET (self), member != NULL);
}

static void
banner_end (GtkWidget  *widget,
            const char *action_name,
            GVariant   *parameter)
{
  GhStaffBanner *self = GH_STAFF_BANNER (widget);

  if (self->mode != NULL)
    gh_staff_mode_end (self->mode);
}

static void
gh_staff_banner_dispose (GObject *object)
{
  GhStaffBanner *self = GH_STAFF_BANNER (object);

  g_clear_object (&self->mode);
  gh_widget_dispose_template (GTK_WIDGET (object), GH_TYPE_STAFF_BANNER);

  G_OBJECT_CLASS (gh_staff_banner_parent_class)->dispose (object);
}

static void
gh_staff_banner_class_init (GhStaffBannerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = gh_staff_banner_dispose;

  gtk_widget_class_install_action (widget_class, "staff-banner.end", NULL, banner_end);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/glasshouse/Kiosk/gh-staff-banner.ui");
  gtk_widget_class_bind_template_child (widget_class, GhStaffBanner, box);
  gtk_widget_class_bind_template_child (widget_class, GhStaffBanner, label);
  gtk_widget_class_bind_template_child (widget_class, GhStaffBanner, end_button);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "staffbanner");
}

static void
gh_staff_banner_init (GhStaffBanner *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

GtkWidget *
gh_staff_banner_new (GhStaffMode *mode)
{
  GhStaffBanner *self;

  g_return_val_if_fail (GH_IS_STAFF_MODE (mode), NULL);

  self = g_object_new (GH_TYPE_STAFF_BANNER, NULL);
  self->mode = g_object_ref (mode);
  g_signal_connect_object (mode, "notify::member", G_CALLBACK (update), self, G_CONNECT_SWAPPED);
  update (self);
  return GTK_WIDGET (self);
}

const char *
gh_staff_banner_get_text (GhStaffBanner *self)
{
  g_return_val_if_fail (GH_IS_STAFF_BANNER (self), NULL);
  return gtk_label_get_label (self->label);
}

void
gh_staff_banner_relabel (GhStaffBanner *self)
{
  g_return_if_fail (GH_IS_STAFF_BANNER (self));
  update (self);
}

void
gh_staff_banner_set_end_shown (GhStaffBanner *self,
                               gboolean       shown)
{
  g_return_if_fail (GH_IS_STAFF_BANNER (self));
  gtk_widget_set_visible (self->end_button, shown);
}
