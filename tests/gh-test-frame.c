/* See gh-test-frame.h.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "gh-test-frame.h"

void
gh_test_wait_for_frame (GtkWidget *window)
{
  while (!gtk_widget_get_mapped (window) || gtk_widget_get_width (window) == 0)
    g_main_context_iteration (NULL, TRUE);
  for (int i = 0; i < 20; i++)
    {
      g_usleep (5000);
      while (g_main_context_pending (NULL))
        g_main_context_iteration (NULL, FALSE);
    }
}
