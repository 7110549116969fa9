/* The kiosk window's idle timeout (GhIdleTimer): the timeouts the config asks for, the
 * warning over the screen with its countdown, and every touch or key that keeps a visit
 * alive. The visit's end when it expires is gh-window.c's.
 * SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "glasshouse-ui"
#include "config.h"

#include <glib/gi18n.h>

#include "gh-window-private.h"

void
_gh_window_sync_idle_timeouts (GhWindow *self)
{
  GhCatalog *catalog = gh_kiosk_get_catalog (self->kiosk);
  guint total = catalog != NULL ? (guint) gh_catalog_get_idle_timeout (catalog) : 60;
  /* WCAG 2.2.1 gives a person at least 20 seconds to ask for more time, whatever
   * the config says (docs/config-format.md). */
  guint warning = catalog != NULL ? MAX (20, (guint) gh_catalog_get_warning_seconds (catalog))
                                  : 20;
  /* idle_timeout_seconds is the whole time from the last touch to the screen being
   * cleared, the warning included: the shopper's data is never on screen longer. At
   * least 10 s pass before the warning, so a pause to read is not interrupted. */
  guint idle_ms = (total > warning + 10 ? total - warning : 10) * 1000;

  if (self->idle_ms_override > 0)
    idle_ms = self->idle_ms_override;
  if (self->warning_override > 0)
    warning = self->warning_override;
  gh_idle_timer_set_timeouts (self->idle, idle_ms, warning);
}

void
_gh_window_update_idle_label (GhWindow *self)
{
  int left = gh_idle_timer_get_seconds_left (self->idle);
  g_autofree char *text =
    g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                  "For your privacy, this visit ends in %d second and the "
                                  "screen is cleared.",
                                  "For your privacy, this visit ends in %d seconds and the "
                                  "screen is cleared.", left), left);

  gtk_label_set_label (self->idle_label, text);
}

/* The idle warning is modal for the keyboard too: only "I need more time" (and what
 * else the warning holds) takes the focus while it shows. */
static void
on_idle_warning (GhWindow *self)
{
  gboolean warning = gh_idle_timer_get_warning (self->idle);

  if (warning)
    {
      g_autofree char *spoken = NULL;

      _gh_window_update_idle_label (self);
      spoken = g_strdup_printf ("%s %s %s", gtk_label_get_label (self->idle_title),
                                gtk_label_get_label (self->idle_label),
                                gtk_button_get_label (GTK_BUTTON (self->more_time_button)));
      gh_narrator_announce (GTK_WIDGET (self), TRUE, spoken);
    }
  gtk_widget_set_visible (self->idle_scrim, warning);
  /* Whoever steps up to an unattended kiosk sees the warning, not the shopper's data:
   * the page behind it is hidden until "I need more time". */
  gtk_widget_set_visible (GTK_WIDGET (self->stack), !warning);
  gtk_widget_set_can_focus (gtk_overlay_get_child (self->overlay), !warning);
  if (warning)
    gtk_widget_grab_focus (self->more_time_button);
}

static gboolean
on_any_event (GhWindow *self,
              GdkEvent *event)
{
  switch (gdk_event_get_event_type (event))
    {
    case GDK_BUTTON_PRESS:
    case GDK_KEY_PRESS:
    case GDK_TOUCH_BEGIN:
    case GDK_TOUCH_UPDATE:
    case GDK_SCROLL:
    case GDK_MOTION_NOTIFY:
      /* While the warning shows, only "I need more time" extends: the choice is explicit. */
      gh_idle_timer_poke (self->idle);
      break;
    default:
      break;
    }
  return GDK_EVENT_PROPAGATE;
}

void
_gh_window_watch_idle (GhWindow *self)
{
  GtkEventController *activity;

  self->idle = gh_idle_timer_new ();
  g_signal_connect_object (self->idle, "notify::warning", G_CALLBACK (on_idle_warning), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->idle, "notify::seconds-left",
                           G_CALLBACK (_gh_window_update_idle_label), self, G_CONNECT_SWAPPED);

  activity = gtk_event_controller_legacy_new ();
  gtk_event_controller_set_propagation_phase (activity, GTK_PHASE_CAPTURE);
  g_signal_connect_object (activity, "event", G_CALLBACK (on_any_event), self,
                           G_CONNECT_SWAPPED);
  gtk_widget_add_controller (GTK_WIDGET (self), activity);
}
