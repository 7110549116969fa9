/* The card scanner on the attract screen: a key controller on the window, in the
 * capture phase so it sees keys before any widget, feeding GhScanBurst with each
 * key's event time. Times come from the display server, so a burst is judged by
 * when the keys were typed, not by when a busy main loop got round to them.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "glasshouse-ui"
#include "config.h"

#include "gh-card-scanner.h"

#include <string.h>

#include "visit/gh-scan-burst.h"

typedef struct {
  GhScanBurst           *burst;
  GhCardScanAllowedFunc  allowed;
  GhCardScannedFunc      scanned;
} Scanner;

static void
scanner_free (gpointer data)
{
  Scanner *scanner = data;

  gh_scan_burst_free (scanner->burst);
  g_free (scanner);
}

static void
scanner_free_notify (gpointer  data,
                     GClosure *closure)
{
  scanner_free (data);
}

static gunichar
key_to_char (guint keyval)
{
  if (keyval == GDK_KEY_Return || keyval == GDK_KEY_KP_Enter || keyval == GDK_KEY_ISO_Enter
      || keyval == GDK_KEY_Linefeed)
    return '\n';
  if (keyval >= GDK_KEY_KP_0 && keyval <= GDK_KEY_KP_9)
    return '0' + (keyval - GDK_KEY_KP_0);
  return gdk_keyval_to_unicode (keyval);
}

static gboolean
on_key_pressed (GtkEventControllerKey *controller,
                guint                  keyval,
                guint                  keycode,
                GdkModifierType        state,
                Scanner               *scanner)
{
  GtkWidget *window = gtk_event_controller_get_widget (GTK_EVENT_CONTROLLER (controller));
  g_autofree char *number = NULL;

  if (!scanner->allowed (window))
    {
      gh_scan_burst_reset (scanner->burst);
      return GDK_EVENT_PROPAGATE;
    }
  number = gh_scan_burst_feed (scanner->burst, key_to_char (keyval),
                               gtk_event_controller_get_current_event_time (
                                 GTK_EVENT_CONTROLLER (controller)));
  if (number == NULL)
    return GDK_EVENT_PROPAGATE;
  scanner->scanned (window, number);
  memset (number, 0, strlen (number));
  /* The Enter that ended the scan is the scanner's, not a press of the focused button. */
  return GDK_EVENT_STOP;
}

void
gh_card_scanner_attach (GtkWidget             *window,
                        GhCardScanAllowedFunc  allowed,
                        GhCardScannedFunc      scanned)
{
  GtkEventController *keys = gtk_event_controller_key_new ();
  Scanner *scanner = g_new0 (Scanner, 1);

  scanner->burst = gh_scan_burst_new ();
  scanner->allowed = allowed;
  scanner->scanned = scanned;
  gtk_event_controller_set_propagation_phase (keys, GTK_PHASE_CAPTURE);
  g_signal_connect_data (keys, "key-pressed", G_CALLBACK (on_key_pressed), scanner,
                         scanner_free_notify, 0);
  gtk_widget_add_controller (window, keys);
}
