/* UI tests for staff mode, on the real kiosk window under Xvfb: the hidden
 * long press and the staff PIN, the banner above every screen while staff
 * assist (and events carrying "staff:<id>"), staff mode ending on its own,
 * clearing a lockout, and the health page showing why a bundle was refused and how the
 * link to HQ stands.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"


#include <string.h>

#include "auth/gh-auth.h"
#include "config/gh-bundle.h"
#include "config/gh-config.h"
#include "gh-staff-banner.h"
#include "gh-staff-controller.h"
#include "gh-staff-health.h"
#include "gh-staff-mode.h"
#include "gh-staff-page.h"
#include "store/gh-store-private.h"
#include "gh-ui-test-utils.h"

#define STAFF_PIN "2468"  /* the demo staff member's, data/demo/README.md */

static char *store_dir;
static char *db_path;

static gint64
count_sql (const char *sql,
           const char *text)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GhStore) store = gh_store_open (db_path, GH_STORE_OPEN_DEFAULT, &error);
  sqlite3_stmt *stmt;
  gint64 n;

  g_assert_no_error (error);
  stmt = _gh_store_prepare (store, sql, &error);
  g_assert_no_error (error);
  if (text != NULL)
    sqlite3_bind_text (stmt, 1, text, -1, SQLITE_TRANSIENT);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  n = sqlite3_column_int64 (stmt, 0);
  sqlite3_reset (stmt);
  return n;
}

static GhStaffBanner *
find_banner (GhWindow *window)
{
  g_autoptr(GPtrArray) banners = gh_ui_test_find_all (GTK_WIDGET (window), GH_TYPE_STAFF_BANNER);

  g_assert_cmpuint (banners->len, ==, 1);
  return g_ptr_array_index (banners, 0);
}

static gboolean
is_mapped (gpointer widget)
{
  return gtk_widget_get_mapped (widget);
}

static gboolean
is_unmapped (gpointer widget)
{
  return !gtk_widget_get_mapped (widget);
}

static gboolean
staff_inactive (gpointer mode)
{
  return !gh_staff_mode_get_active (mode);
}

typedef struct {
  GtkWidget  *root;
  const char *text;
} TextWait;

static gboolean
text_shown (gpointer data)
{
  TextWait *wait = data;
  g_autofree char *all = gh_ui_test_collect_text (wait->root);

  return strstr (all, wait->text) != NULL;
}

typedef struct {
  const char *sql;
  const char *arg;
  gint64      than;
} CountWait;

static gboolean
count_above (gpointer data)
{
  CountWait *wait = data;

  return count_sql (wait->sql, wait->arg) > wait->than;
}

static GhStaffMember *
demo_staff (GhWindow *window)
{
  GhStaffMember *member = gh_catalog_find_staff (gh_window_get_catalog (window), "s-0042");

  g_assert_nonnull (member);
  return member;
}

/* The hidden gesture: a long press held on the logo opens the staff PIN screen;
 * a wrong PIN is refused; the right one opens the staff page. */
static void
test_long_press_and_pin (void)
{
  GhWindow *window = gh_ui_test_window_new (db_path, 1280, 800);
  GhStaffMode *mode = gh_staff_controller_get_mode (_gh_window_get_staff (window));
  GtkWidget *attract = _gh_window_get_page (window, "attract");
  GtkGesture *gesture = NULL;
  g_autoptr(GPtrArray) pictures = gh_ui_test_find_all (attract, GTK_TYPE_WIDGET);
  g_autofree char *text = NULL;
  gint64 start;

  /* Find the long-press gesture the controller put on the attract page's brand. */
  for (guint i = 0; i < pictures->len && gesture == NULL; i++)
    {
      g_autoptr(GListModel) controllers =
          gtk_widget_observe_controllers (g_ptr_array_index (pictures, i));
      for (guint j = 0; j < g_list_model_get_n_items (controllers) && gesture == NULL; j++)
        {
          g_autoptr(GObject) controller = g_list_model_get_item (controllers, j);
          if (GTK_IS_GESTURE_LONG_PRESS (controller))
            gesture = GTK_GESTURE (controller);
        }
    }
  g_assert_nonnull (gesture);
  /* GTK 4.8 caps the factor at 2: the gesture covers the first part of the hold. */
  g_assert_cmpfloat (gtk_gesture_long_press_get_delay_factor (GTK_GESTURE_LONG_PRESS (gesture)),
                     ==, 2.0);

  /* Let go early: nothing happens. */
  g_signal_emit_by_name (gesture, "pressed", 10.0, 10.0);
  g_assert_false (gh_ui_test_wait_page (window, "staff-sign-in", 300));
  g_signal_emit_by_name (gesture, "end", NULL);
  g_assert_false (gh_ui_test_wait_page (window, "staff-sign-in", 2500));
  g_assert_cmpstr (gh_window_get_page_name (window), ==, "attract");

  /* Held: the staff PIN screen comes up after the full three seconds. */
  start = g_get_monotonic_time ();
  g_signal_emit_by_name (gesture, "pressed", 10.0, 10.0);
  g_assert_true (gh_ui_test_wait_page (window, "staff-sign-in", 5000));
  /* 1 s of gesture (2 x 500 ms) was already behind it; the timer adds the other 2 s. */
  g_assert_cmpint (g_get_monotonic_time () - start, >=, 1900 * 1000);

  gh_ui_test_keypad_type_on (window, "staff-sign-in", "0000");
  {
    TextWait refused = { _gh_window_get_page (window, "staff-sign-in"), "not right" };

    g_assert_true (gh_ui_test_wait (text_shown, &refused, 5000));
  }
  g_assert_true (gh_ui_test_wait_page (window, "staff-sign-in", 10));
  g_assert_false (gh_staff_mode_get_active (mode));

  gh_ui_test_keypad_type_on (window, "staff-sign-in", STAFF_PIN);
  g_assert_true (gh_ui_test_wait_page (window, "staff", 10000));
  g_assert_true (gh_staff_mode_get_active (mode));
  g_assert_cmpstr (gh_staff_mode_get_actor (mode), ==, "staff:s-0042");
  text = gh_ui_test_collect_text (_gh_window_get_page (window, "staff"));
  g_assert_nonnull (strstr (text, "Sam"));

  /* Back to the screen staff came from, still assisting. */
  g_assert_true (gtk_widget_activate_action (_gh_window_get_page (window, "staff"),
                                             "staff-page.done", NULL));
  g_assert_cmpstr (gh_window_get_page_name (window), ==, "attract");
  g_assert_true (gh_staff_mode_get_active (mode));
  gh_staff_mode_end (mode);
  gtk_window_destroy (GTK_WINDOW (window));
}

/* The widget on screen the staff gesture watches: a mapped one with the long-press
 * controller. */
static GtkWidget *
find_long_press_widget (GtkWidget *root)
{
  g_autoptr(GPtrArray) widgets = gh_ui_test_find_all (root, GTK_TYPE_WIDGET);

  for (guint i = 0; i < widgets->len; i++)
    {
      if (!gtk_widget_get_mapped (widgets->pdata[i]))
        continue;
      g_autoptr(GListModel) controllers = gtk_widget_observe_controllers (widgets->pdata[i]);

      for (guint j = 0; j < g_list_model_get_n_items (controllers); j++)
        {
          g_autoptr(GObject) controller = g_list_model_get_item (controllers, j);
          if (GTK_IS_GESTURE_LONG_PRESS (controller))
            return widgets->pdata[i];
        }
    }
  return NULL;
}

/* Presses the X server's first mouse button on @widget's middle for @hold_s seconds,
 * through xdotool (XTEST): a real pointer hold, as a finger on the touchscreen gives,
 * with GTK's own gesture timing. Returns at once; the press goes on in the background
 * and sets *@released once the button is up again. */
static void
hold_pointer_on (GtkWidget  *widget,
                 const char *hold_s,
                 gboolean   *released)
{
  GtkNative *native = gtk_widget_get_native (widget);
  graphene_point_t middle = GRAPHENE_POINT_INIT (gtk_widget_get_width (widget) / 2.0f,
                                                 gtk_widget_get_height (widget) / 2.0f);
  graphene_point_t in_native;
  double offset_x, offset_y;
  g_autofree char *xid = gh_ui_test_x11_window (widget);
  g_autofree char *x = NULL;
  g_autofree char *y = NULL;

  g_assert_true (gtk_widget_compute_point (widget, GTK_WIDGET (native), &middle, &in_native));
  gtk_native_get_surface_transform (native, &offset_x, &offset_y);
  x = g_strdup_printf ("%d", (int) (in_native.x + offset_x));
  y = g_strdup_printf ("%d", (int) (in_native.y + offset_y));
  {
    const char *args[] = { "mousemove", "--sync", "--window", xid, x, y,
                           "mousedown", "1", "sleep", hold_s, "mouseup", "1", NULL };

    gh_ui_test_xdotool_start (args, released);
  }
}

/* The same gesture with a real pointer held on the brand: let go after 1.5 s and
 * nothing happens; hold it and the staff PIN screen comes up after about 3 s. */
static void
test_real_pointer_hold (void)
{
  GhWindow *window = gh_ui_test_window_new (db_path, 1280, 800);
  GtkWidget *logo = find_long_press_widget (GTK_WIDGET (window));
  gboolean released = FALSE;
  gint64 start;
  double held_s;

  g_assert_nonnull (logo);
  g_assert_true (gh_ui_test_wait (is_mapped, logo, 5000));

  /* Let go at 1.5 s: the PIN screen does not come, not even in the 3 s after. */
  hold_pointer_on (logo, "1.5", &released);
  g_assert_true (gh_ui_test_wait (gh_ui_test_is_true, &released, 10000));
  g_assert_false (gh_ui_test_wait_page (window, "staff-sign-in", 3000));
  g_assert_cmpstr (gh_window_get_page_name (window), ==, "attract");

  start = g_get_monotonic_time ();
  hold_pointer_on (logo, "4", &released);
  g_assert_true (gh_ui_test_wait_page (window, "staff-sign-in", 8000));
  held_s = (g_get_monotonic_time () - start) / 1e6;
  g_test_message ("staff PIN screen after a %.2f s hold", held_s);
  g_assert_cmpfloat (held_s, >=, 2.9);

  /* Let the background press finish before the window goes. */
  g_assert_true (gh_ui_test_wait (gh_ui_test_is_true, &released, 10000));
  gtk_window_destroy (GTK_WINDOW (window));
}

/* The shopper switches to German while staff assist: the banner above their screen
 * speaks German at once, and the staff screens, opened afterwards, are German too; the
 * screen that was up stays up. */
static void
test_language_change_while_assisting (void)
{
  GhWindow *window = gh_ui_test_window_new (db_path, 1280, 800);
  GhStaffController *staff = _gh_window_get_staff (window);
  GhStaffMode *mode = gh_staff_controller_get_mode (staff);
  GhStaffBanner *banner = find_banner (window);
  g_autofree char *loyalty_id = gh_ui_test_first_loyalty_id (db_path);
  const char *pin = loyalty_id + strlen (loyalty_id) - 4;
  g_autofree char *page_text = NULL;
  g_autofree char *sign_in_text = NULL;

  g_assert_true (gh_ui_test_sign_in (window, loyalty_id, pin));
  gh_staff_mode_begin (mode, demo_staff (window), 300);
  g_assert_cmpstr (gh_staff_banner_get_text (banner), ==, "Sam from staff is helping you");

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "kiosk.language", "s", "de"));
  g_assert_cmpstr (gh_staff_banner_get_text (banner), ==, "Sam vom Personal hilft Ihnen");
  g_assert_cmpstr (gh_window_get_page_name (window), ==, "dashboard");

  gh_staff_controller_request_unlock (staff);
  g_assert_cmpstr (gh_window_get_page_name (window), ==, "staff");
  page_text = gh_ui_test_collect_text (_gh_window_get_page (window, "staff"));
  g_assert_nonnull (strstr (page_text, "PIN-Sperre aufheben"));
  g_assert_null (strstr (page_text, "Clear a PIN lockout"));

  /* Back to English with the staff page up: it is made again, and stays on screen. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "kiosk.language", "s", "en"));
  g_assert_cmpstr (gh_window_get_page_name (window), ==, "staff");
  g_clear_pointer (&page_text, g_free);
  page_text = gh_ui_test_collect_text (_gh_window_get_page (window, "staff"));
  g_assert_nonnull (strstr (page_text, "Clear a PIN lockout"));

  /* Staff mode over, a later sign-in screen is in the visit's language as well. */
  gh_staff_mode_end (mode);
  g_assert_true (gh_ui_test_wait (staff_inactive, mode, 5000));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "kiosk.language", "s", "de"));
  gh_staff_controller_request_unlock (staff);
  g_assert_cmpstr (gh_window_get_page_name (window), ==, "staff-sign-in");
  sign_in_text = gh_ui_test_collect_text (_gh_window_get_page (window, "staff-sign-in"));
  g_assert_nonnull (strstr (sign_in_text, "Anmeldung für Personal"));
  gtk_window_destroy (GTK_WINDOW (window));
}

static void
assert_banner_on (GhWindow   *window,
                  const char *page)
{
  GhStaffBanner *banner = find_banner (window);
  GtkWidget *child = _gh_window_get_page (window, page);

  g_assert_nonnull (child);
  gtk_stack_set_visible_child (GTK_STACK (gtk_widget_get_parent (child)), child);
  g_assert_true (gh_ui_test_wait (is_mapped, child, 2000));
  g_assert_true (gh_ui_test_wait (is_mapped, banner, 2000));
  g_assert_cmpstr (gh_staff_banner_get_text (banner), ==, "Sam from staff is helping you");
  g_test_message ("banner shown on %s", page);
}

/* While staff assist, the banner is above every screen the kiosk has; events of
 * the visit carry staff:<id>; ending staff mode hides it everywhere. */
static void
test_banner_every_screen (void)
{
  GhWindow *window = gh_ui_test_window_new (db_path, 1280, 800);
  GhStaffMode *mode = gh_staff_controller_get_mode (_gh_window_get_staff (window));
  GhStaffBanner *banner = find_banner (window);
  g_autofree char *loyalty_id = gh_ui_test_first_loyalty_id (db_path);
  const char *pin = loyalty_id + strlen (loyalty_id) - 4;
  GhSession *session;
  GtkStack *stack;
  GPtrArray *consents;
  gint64 before;
  guint n_pages = 0;

  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (banner)));
  g_assert_true (gh_ui_test_sign_in (window, loyalty_id, pin));
  session = gh_window_get_session (window);
  g_assert_cmpstr (gh_session_get_actor (session), ==, "shopper");

  gh_staff_mode_begin (mode, demo_staff (window), 300);
  g_assert_cmpstr (gh_session_get_actor (session), ==, "staff:s-0042");

  /* The per-visit pages come and go; open each one the visit can show. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "kiosk.forget", NULL));
  g_assert_true (gh_ui_test_wait_page (window, "forget", 5000));
  /* Nothing changed yet: the follow-up screen here is the data copy. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "kiosk.copy-data", NULL));
  g_assert_true (gh_ui_test_wait_page (window, "follow-up", 5000));

  stack = GTK_STACK (gtk_widget_get_parent (_gh_window_get_page (window, "attract")));
  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (stack)); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkStackPage *page = gtk_stack_get_page (stack, child);

      assert_banner_on (window, gtk_stack_page_get_name (page));
      n_pages++;
    }
  /* attract, identify, dashboard, forget, staff-sign-in, staff at the very least. */
  g_assert_cmpuint (n_pages, >=, 6);

  /* A change made while staff assist is recorded with staff as the actor. */
  consents = gh_session_get_consents (session);
  g_assert_nonnull (consents);
  before = count_sql ("SELECT count(*) FROM event WHERE actor = ?1", "staff:s-0042");
  {
    GhCatalog *catalog = gh_window_get_catalog (window);
    GListModel *purposes = gh_catalog_get_purposes (catalog);
    const char *purpose_id = NULL;
    GhConsentState to = GH_CONSENT_GRANTED;

    for (guint i = 0; i < g_list_model_get_n_items (purposes) && purpose_id == NULL; i++)
      {
        g_autoptr(GhPurpose) purpose = g_list_model_get_item (purposes, i);
        if (gh_purpose_get_can_revoke (purpose))
          {
            purpose_id = gh_purpose_get_id (purpose);
            to = gh_session_get_state (session, purpose_id) == GH_CONSENT_GRANTED
                 ? GH_CONSENT_REVOKED : GH_CONSENT_GRANTED;
          }
      }
    g_assert_nonnull (purpose_id);
    gh_session_set_consent_async (session, purpose_id, to, NULL, NULL, NULL);
  }
  {
    CountWait recorded = { "SELECT count(*) FROM event WHERE actor = ?1", "staff:s-0042", before };

    g_assert_true (gh_ui_test_wait (count_above, &recorded, 5000));
  }
  g_assert_cmpint (count_sql ("SELECT count(*) FROM event WHERE actor = ?1", "staff:s-0042"),
                   ==, before + 1);

  gh_staff_mode_end (mode);
  g_assert_true (gh_ui_test_wait (is_unmapped, banner, 2000));
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (banner)));
  g_assert_cmpstr (gh_session_get_actor (session), ==, "shopper");

  gh_window_end_visit (window);
  gtk_window_destroy (GTK_WINDOW (window));
}

static void
on_ended (GhStaffMode *mode,
          gboolean     timed_out,
          int         *ended)
{
  *ended = timed_out ? 2 : 1;
}

/* Staff mode ends on its own: the banner goes, the staff page is left. */
static void
test_staff_mode_times_out (void)
{
  GhWindow *window = gh_ui_test_window_new (db_path, 1280, 800);
  GhStaffController *staff = _gh_window_get_staff (window);
  GhStaffMode *mode = gh_staff_controller_get_mode (staff);
  GhStaffBanner *banner = find_banner (window);
  int ended = 0;
  gint64 start;

  g_signal_connect (mode, "ended", G_CALLBACK (on_ended), &ended);
  gh_staff_controller_request_unlock (staff);
  g_assert_cmpstr (gh_window_get_page_name (window), ==, "staff-sign-in");
  gh_ui_test_keypad_type_on (window, "staff-sign-in", STAFF_PIN);
  g_assert_true (gh_ui_test_wait_page (window, "staff", 10000));
  /* Shortened from the config's minutes so the test does not wait them out. */
  gh_staff_mode_begin (mode, gh_staff_mode_get_member (mode), 2);
  g_assert_true (gh_ui_test_wait (is_mapped, banner, 2000));

  /* Activity restarts the clock... */
  start = g_get_monotonic_time ();
  g_assert_false (gh_ui_test_wait (staff_inactive, mode, 1500));
  gh_staff_mode_extend (mode);
  g_assert_false (gh_ui_test_wait (staff_inactive, mode, 1000));
  g_assert_true (gh_staff_mode_get_active (mode));

  /* ...and without it, staff mode ends by itself. */
  g_assert_true (gh_ui_test_wait (staff_inactive, mode, 4000));
  g_assert_cmpint (g_get_monotonic_time () - start, >=, 3400 * 1000);
  g_assert_cmpint (ended, ==, 2);
  g_assert_true (gh_ui_test_wait (is_unmapped, banner, 2000));
  g_assert_cmpstr (gh_window_get_page_name (window), ==, "attract");
  g_assert_null (gh_staff_mode_get_actor (mode));

  /* On the record: who assisted, and that the timeout ended it. */
  {
    CountWait ended = { "SELECT count(*) FROM event WHERE kind = 'staff.assist_ended'"
                        " AND body = ?1", "{\"timed_out\":true}", 0 };

    g_assert_true (gh_ui_test_wait (count_above, &ended, 5000));
  }
  g_assert_cmpint (count_sql ("SELECT count(*) FROM event WHERE kind = 'staff.assist_ended'"
                              " AND actor = 'staff:s-0042' AND body = ?1", "{\"timed_out\":true}"),
                   >=, 1);
  g_assert_cmpint (count_sql ("SELECT count(*) FROM event WHERE kind = 'staff.assist_started'"
                              " AND actor = ?1", "staff:s-0042"), >=, 1);
  gtk_window_destroy (GTK_WINDOW (window));
}

static gboolean
health_loaded (gpointer health)
{
  return !gh_staff_health_get_loading (health);
}

/* A refused bundle's reason is on the health page, with the other figures. */
static void
test_health_shows_refusal (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GhStore) store = gh_store_open (db_path, GH_STORE_OPEN_DEFAULT, &error);
  g_autoptr(GhTrust) trust = gh_trust_new ();
  static const char not_a_bundle[] = "{\"format\":\"not-a-bundle\"}";
  g_autoptr(GBytes) bundle = g_bytes_new_static (not_a_bundle, strlen (not_a_bundle));
  g_autoptr(GhCatalog) refused = NULL;
  g_autoptr(GhConfigStatus) status = NULL;
  g_autoptr(GtkWidget) health = g_object_ref_sink (gh_staff_health_new ());
  g_autofree char *text = NULL;
  g_autofree char *pending = NULL;

  g_assert_no_error (error);
  refused = gh_config_apply (store, bundle, trust, "/var/lib/glasshouse/inbox/evil.bundle", &error);
  g_assert_null (refused);
  g_assert_nonnull (error);
  status = gh_config_get_status (store, NULL);
  g_assert_nonnull (status->rejected_reason);

  gh_staff_health_refresh (GH_STAFF_HEALTH (health), db_path);
  g_assert_true (gh_ui_test_wait (health_loaded, health, 10000));
  text = gh_ui_test_collect_text (health);
  g_test_message ("health page:\n%s", text);
  g_assert_nonnull (strstr (text, status->rejected_reason));
  g_assert_nonnull (strstr (text, "evil.bundle"));
  g_assert_null (strstr (text, "/var/lib/glasshouse"));
  g_assert_nonnull (strstr (text, "Version 1"));
  g_assert_nonnull (strstr (text, "Intact"));
  pending = g_strdup_printf ("\n%" G_GINT64_FORMAT " · never delivered to HQ\n",
                             gh_store_outbox_count (store, NULL));
  g_assert_nonnull (strstr (text, pending));

  /* After a push, the backlog says when HQ last took events (issue: HQ link). */
  {
    g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
    g_autoptr(GDateTime) before = g_date_time_add_minutes (now, -7);
    g_autofree char *iso = g_date_time_format_iso8601 (before);

    g_assert_true (gh_store_set_meta (store, "hq_last_push_at", iso, NULL));
    gh_staff_health_refresh (GH_STAFF_HEALTH (health), db_path);
    g_assert_true (gh_ui_test_wait (health_loaded, health, 10000));
    g_free (text);
    text = gh_ui_test_collect_text (health);
    g_assert_nonnull (strstr (text, "last delivered to HQ 7 minutes ago"));
  }

  /* A tampered chain shows as broken, not as an error of the page. */
  g_assert_true (_gh_store_exec (store, "DROP TRIGGER event_no_update;"
                                        "UPDATE event SET body = '{}' WHERE seq = 1", NULL));
  gh_staff_health_refresh (GH_STAFF_HEALTH (health), db_path);
  g_assert_true (gh_ui_test_wait (health_loaded, health, 10000));
  g_free (text);
  text = gh_ui_test_collect_text (health);
  g_test_message ("health page:\n%s", text);
  /* Said plainly, and without the store's path. */
  g_assert_nonnull (strstr (text, "BROKEN at event 1"));
  g_assert_null (strstr (text, db_path));
  g_assert_null (strstr (text, ".db"));
}

/* A test store's folder and the files in it (the store, its log and index). */
static void
remove_store_dir (const char *path)
{
  g_autoptr(GFile) dir = g_file_new_for_path (path);
  g_autoptr(GFileEnumerator) children = g_file_enumerate_children (dir, "standard::name", 0,
                                                                   NULL, NULL);
  GFileInfo *info;

  while (children != NULL && (info = g_file_enumerator_next_file (children, NULL, NULL)) != NULL)
    {
      g_autoptr(GFile) child = g_file_get_child (dir, g_file_info_get_name (info));
      g_file_delete (child, NULL, NULL);
      g_object_unref (info);
    }
  g_file_delete (dir, NULL, NULL);
}

static void
set_meta_minutes_ago (GhStore    *store,
                      const char *key,
                      int         minutes,
                      const char *after)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr(GDateTime) then = g_date_time_add_minutes (now, -minutes);
  g_autofree char *iso = g_date_time_format_iso8601 (then);
  g_autofree char *value = after != NULL ? g_strdup_printf ("%s: %s", iso, after)
                                         : g_strdup (iso);

  g_assert_true (gh_store_set_meta (store, key, value, NULL));
}

static char *
refreshed_text (GtkWidget  *health,
                const char *path)
{
  gh_staff_health_refresh (GH_STAFF_HEALTH (health), path);
  g_assert_true (gh_ui_test_wait (health_loaded, health, 10000));
  return gh_ui_test_collect_text (health);
}

/* The link to HQ as the sync round left it: staff see a round that fails, and why, until a
 * later one goes well, and a kiosk HQ has not approved (phones refuse its receipts). */
static void
test_health_shows_hq_link (void)
{
  g_autofree char *dir = g_dir_make_tmp ("glasshouse-staff-link-XXXXXX", NULL);
  g_autofree char *path = gh_ui_test_demo_store (dir, 3);
  g_autoptr(GhStore) store = gh_store_open (path, GH_STORE_OPEN_DEFAULT, NULL);
  g_autofree char *png = g_build_filename (g_getenv ("GLASSHOUSE_BUILD_DIR") ?: ".",
                                           "staff-health-hq-link.png", NULL);
  GtkWidget *window = gtk_window_new ();
  GtkWidget *health = gh_staff_health_new ();
  char *text;

  gtk_window_set_default_size (GTK_WINDOW (window), 900, 500);
  gtk_window_set_child (GTK_WINDOW (window), health);
  gtk_window_present (GTK_WINDOW (window));

  text = refreshed_text (health, path);
  g_assert_nonnull (strstr (text, "Link to HQ\nNo sync round with HQ yet\n"));
  g_free (text);

  /* The last round failed after the one before went well. */
  set_meta_minutes_ago (store, "hq_last_sync_at", 63, NULL);
  set_meta_minutes_ago (store, "hq_last_sync_error", 3,
                        "HQ kiosk-7@hq.example:5432/glasshouse is unreachable");
  g_assert_true (gh_store_set_meta (store, "hq_approval", "approved", NULL));
  text = refreshed_text (health, path);
  g_test_message ("health page:\n%s", text);
  g_assert_nonnull (strstr (text, "\nLast round failed 3 minutes ago: HQ "
                                  "kiosk-7@hq.example:5432/glasshouse is unreachable\n"));
  g_free (text);
  {
    g_autoptr(GPtrArray) labels = gh_ui_test_find_all (health, GTK_TYPE_LABEL);
    gboolean flagged = FALSE;

    for (guint i = 0; i < labels->len; i++)
      if (g_str_has_prefix (gtk_label_get_label (labels->pdata[i]), "Last round failed"))
        flagged = gtk_widget_has_css_class (labels->pdata[i], "error");
    g_assert_true (flagged);
  }
  g_assert_true (gh_ui_test_wait_frames (window, 2));
  gh_ui_test_save_png (window, png);

  /* A later round went well: the old failure is gone; HQ has not approved the kiosk. */
  set_meta_minutes_ago (store, "hq_last_sync_at", 1, NULL);
  g_assert_true (gh_store_set_meta (store, "hq_approval", "waiting", NULL));
  text = refreshed_text (health, path);
  g_assert_null (strstr (text, "unreachable"));
  g_assert_nonnull (strstr (text, "\nWaiting for HQ to approve this kiosk: phones cannot open "
                                  "its receipts until then · last round 1 minute ago\n"));
  g_free (text);

  g_assert_true (gh_store_set_meta (store, "hq_approval", "approved", NULL));
  text = refreshed_text (health, path);
  g_assert_nonnull (strstr (text, "\nWorking · last round 1 minute ago\n"));
  g_free (text);

  gtk_window_destroy (GTK_WINDOW (window));
  g_clear_object (&store);
  remove_store_dir (dir);
}

/* Staff clear a shopper's lockout on the staff page; the event names them. */
static void
test_clear_lockout (void)
{
  GhWindow *window = gh_ui_test_window_new (db_path, 1280, 800);
  GhStaffController *staff = _gh_window_get_staff (window);
  GhStaffMode *mode = gh_staff_controller_get_mode (staff);
  g_autofree char *loyalty_id = gh_ui_test_first_loyalty_id (db_path);
  GtkWidget *page;
  g_autoptr(GPtrArray) entries = NULL;
  g_autoptr(GPtrArray) checks = NULL;
  g_autofree char *text = NULL;
  g_autofree char *ref = NULL;
  gint64 before;

  {
    g_autoptr(GhStore) store = gh_store_open (db_path, GH_STORE_OPEN_DEFAULT, NULL);
    g_autoptr(GhCustomer) customer = gh_store_find_customer (store, loyalty_id, NULL);
    g_autofree char *sql = g_strdup_printf ("UPDATE customer SET locked_until = %" G_GINT64_FORMAT
                                            " WHERE id = %" G_GINT64_FORMAT,
                                            g_get_real_time () / G_USEC_PER_SEC + 600, customer->id);
    g_assert_true (_gh_store_exec (store, sql, NULL));
    ref = g_strdup (customer->ref);
  }
  before = count_sql ("SELECT count(*) FROM event WHERE kind = 'staff.lockout_cleared'"
                      " AND actor = 'staff:s-0042' AND customer_ref = ?1", ref);

  gh_staff_mode_begin (mode, demo_staff (window), 300);
  gh_staff_controller_request_unlock (staff);
  g_assert_cmpstr (gh_window_get_page_name (window), ==, "staff");
  page = _gh_window_get_page (window, "staff");

  entries = gh_ui_test_find_all (page, GTK_TYPE_ENTRY);
  checks = gh_ui_test_find_all (page, GTK_TYPE_CHECK_BUTTON);
  g_assert_cmpuint (entries->len, ==, 1);
  g_assert_cmpuint (checks->len, ==, 1);
  gtk_editable_set_text (g_ptr_array_index (entries, 0), loyalty_id);
  /* Not before staff say they checked the shopper's identity. */
  gtk_widget_activate_action (page, "staff-page.clear-lockout", NULL);
  {
    CountWait cleared = { "SELECT count(*) FROM event WHERE kind = 'staff.lockout_cleared'"
                          " AND customer_ref = ?1", ref, before };

    g_assert_false (gh_ui_test_wait (count_above, &cleared, 500));
  }
  g_assert_cmpint (count_sql ("SELECT count(*) FROM event WHERE kind = 'staff.lockout_cleared'"
                              " AND customer_ref = ?1", ref), ==, before);
  gtk_check_button_set_active (g_ptr_array_index (checks, 0), TRUE);
  g_assert_true (gtk_widget_activate_action (page, "staff-page.clear-lockout", NULL));
  {
    TextWait cleared = { page, "Lockout cleared" };

    g_assert_true (gh_ui_test_wait (text_shown, &cleared, 10000));
  }
  text = gh_ui_test_collect_text (page);
  g_assert_nonnull (strstr (text, "Lockout cleared"));
  /* The number does not stay on screen once used. */
  g_assert_null (strstr (text, loyalty_id));
  g_assert_cmpint (count_sql ("SELECT count(*) FROM event WHERE kind = 'staff.lockout_cleared'"
                              " AND actor = 'staff:s-0042' AND customer_ref = ?1", ref), ==, before + 1);
  g_assert_cmpint (count_sql ("SELECT locked_until FROM customer WHERE loyalty_id = ?1", loyalty_id),
                   ==, 0);
  gh_staff_mode_end (mode);
  g_assert_cmpstr (gh_window_get_page_name (window), ==, "attract");
  gtk_window_destroy (GTK_WINDOW (window));
}

int
main (int   argc,
      char *argv[])
{
  int result;

  gtk_test_init (&argc, &argv, NULL);
  store_dir = g_dir_make_tmp ("glasshouse-staff-XXXXXX", NULL);
  db_path = gh_ui_test_demo_store (store_dir, 3);

  g_test_add_func ("/ui/staff/long-press-and-pin", test_long_press_and_pin);
  g_test_add_func ("/ui/staff/real-pointer-hold", test_real_pointer_hold);
  g_test_add_func ("/ui/staff/language-change-while-assisting",
                   test_language_change_while_assisting);
  g_test_add_func ("/ui/staff/banner-every-screen", test_banner_every_screen);
  g_test_add_func ("/ui/staff/times-out", test_staff_mode_times_out);
  g_test_add_func ("/ui/staff/clear-lockout", test_clear_lockout);
  g_test_add_func ("/ui/staff/health-shows-refusal", test_health_shows_refusal);
  g_test_add_func ("/ui/staff/health-shows-hq-link", test_health_shows_hq_link);
  result = g_test_run ();

  remove_store_dir (store_dir);
  return result;
}
