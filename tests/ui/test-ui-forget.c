/* "Forget me" end to end, as a shopper does it on the real kiosk window under Xvfb:
 * sign in on the keypad, tap "Forget me", read what will be deleted and what the law
 * keeps (with the config's reason), tap "Yes, forget me". Then what the shopper and HQ
 * would notice: the store no longer knows the shopper, the legal records are kept
 * under the pseudonym, the erasure receipt and events wait for HQ, the audit chain
 * holds, the QR code verifies as that erasure's receipt, no widget keeps the
 * shopper's data once the visit ends, and the card no longer signs in. Going back
 * instead deletes nothing; signing out while the erasure runs does not stop it.
 * SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <string.h>

#include "gh-follow-up-page.h"
#include "gh-qr-paintable.h"
#include "store/gh-store-private.h"
#include "gh-process.h"
#include "gh-test-utils.h"
#include "gh-ui-test-utils.h"

/* Generous: the PIN check and the erasure's fsyncs share two cores with other builds. */
#define WAIT_MS 10000

static char *store_dir;
static char *db_path;

/* ---- glasshouse-ctl and the store ------------------------------------------------ */

/* Runs glasshouse-ctl with --db; returns its exit code, stdout in @out if not NULL. */
static int
ctl_status (char       **out,
            const char  *first_arg,
            ...)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  GSpawnFlags flags;
  int status = 0;
  va_list args;

  g_ptr_array_add (argv, (char *) g_getenv ("GLASSHOUSE_CTL"));
  va_start (args, first_arg);
  for (const char *arg = first_arg; arg != NULL; arg = va_arg (args, const char *))
    g_ptr_array_add (argv, (char *) arg);
  va_end (args);
  g_ptr_array_add (argv, (char *) "--db");
  g_ptr_array_add (argv, db_path);
  g_ptr_array_add (argv, NULL);

  /* Kept off the TAP stream: stderr, and stdout unless asked for. */
  flags = G_SPAWN_STDERR_TO_DEV_NULL | (out == NULL ? G_SPAWN_STDOUT_TO_DEV_NULL : 0);
  g_assert_true (g_spawn_sync (NULL, (char **) argv->pdata, NULL, flags, NULL, NULL, out, NULL,
                               &status, NULL));
  if (g_spawn_check_wait_status (status, &error))
    return 0;
  /* A crash is not an exit code. */
  g_assert_true (error->domain == G_SPAWN_EXIT_ERROR);
  return error->code;
}

/* The first column of @sql's first row as text, with ?1, ?2... bound to the
 * NULL-terminated texts; on a connection of its own, as HQ's tools would read. */
static char *
query_valist (const char *sql,
              va_list     params)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GhStore) store = gh_store_open (db_path, GH_STORE_OPEN_DEFAULT, &error);
  sqlite3_stmt *stmt;
  char *value;
  int n = 0;

  g_assert_no_error (error);
  stmt = _gh_store_prepare (store, sql, &error);
  g_assert_no_error (error);
  for (const char *text = va_arg (params, const char *); text != NULL;
       text = va_arg (params, const char *))
    sqlite3_bind_text (stmt, ++n, text, -1, SQLITE_TRANSIENT);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  value = _gh_store_column_dup (stmt, 0);
  sqlite3_reset (stmt);
  return value;
}

static char *
query_text (const char *sql,
            ...)
{
  va_list params;
  char *value;

  va_start (params, sql);
  value = query_valist (sql, params);
  va_end (params);
  return value;
}

static gint64
query_count (const char *sql,
             ...)
{
  va_list params;
  g_autofree char *value = NULL;

  va_start (params, sql);
  value = query_valist (sql, params);
  va_end (params);
  g_assert_nonnull (value);
  return g_ascii_strtoll (value, NULL, 10);
}

/* ---- what the store holds about the shopper, read before the visit -------------- */

typedef struct {
  const char *loyalty_id;
  const char *pin;
  JsonNode   *show;      /* glasshouse-ctl customer show --json */
  char       *show_text;
  const char *name;
  const char *ref;
  char       *item_ids;  /* a JSON array of the shopper's data_item ids */
  GPtrArray  *values;    /* must not outlive the visit: loyalty number, name, ref and the
                          * items' "value" attributes (name, e-mail, postcode...) */
  guint       n_items;
  guint       n_held;    /* items of categories under a legal hold */
} Shopper;

static const char *
legal_hold_of (GhCatalog  *catalog,
               const char *category_id)
{
  GhDataCategory *category = gh_catalog_find_data_category (catalog, category_id);
  const char *reason = category != NULL ? gh_data_category_get_legal_hold (category, "en") : NULL;

  return reason != NULL && *reason != '\0' ? reason : NULL;
}

static void
shopper_add_items (Shopper    *shopper,
                   GhCatalog  *catalog,
                   JsonObject *group,
                   GString    *ids)
{
  JsonArray *items = json_object_get_array_member (group, "items");
  const char *category = json_object_get_string_member (group, "category");

  for (guint i = 0; i < json_array_get_length (items); i++)
    {
      JsonObject *item = json_array_get_object_element (items, i);
      JsonNode *attributes = json_object_get_member (item, "attributes");

      g_string_append_printf (ids, "%s%" G_GINT64_FORMAT, ids->len > 1 ? "," : "",
                              json_object_get_int_member (item, "id"));
      if (JSON_NODE_HOLDS_OBJECT (attributes))
        {
          const char *value = json_object_get_string_member_with_default (
            json_node_get_object (attributes), "value", NULL);
          if (value != NULL && strlen (value) >= 4)
            g_ptr_array_add (shopper->values, (char *) value);
        }
      shopper->n_items++;
      if (legal_hold_of (catalog, category) != NULL)
        shopper->n_held++;
    }
}

static void
shopper_load (Shopper    *shopper,
              GhCatalog  *catalog,
              const char *loyalty_id,
              const char *pin)
{
  JsonObject *customer;
  JsonArray *categories;
  g_autoptr(GString) ids = g_string_new ("[");

  shopper->loyalty_id = loyalty_id;
  shopper->pin = pin;
  shopper->show = gh_ui_test_ctl_json (db_path, "customer", "show", loyalty_id, "--json", NULL);
  shopper->show_text = json_to_string (shopper->show, FALSE);
  customer = json_node_get_object (shopper->show);
  shopper->name = json_object_get_string_member (customer, "display_name");
  shopper->ref = json_object_get_string_member (customer, "ref");
  shopper->values = g_ptr_array_new ();
  g_ptr_array_add (shopper->values, (char *) loyalty_id);
  g_ptr_array_add (shopper->values, (char *) shopper->name);
  g_ptr_array_add (shopper->values, (char *) shopper->ref);

  categories = json_object_get_array_member (customer, "categories");
  for (guint i = 0; i < json_array_get_length (categories); i++)
    shopper_add_items (shopper, catalog, json_array_get_object_element (categories, i), ids);
  g_string_append_c (ids, ']');
  shopper->item_ids = g_string_free (g_steal_pointer (&ids), FALSE);
}

static void
shopper_clear (Shopper *shopper)
{
  g_clear_pointer (&shopper->values, g_ptr_array_unref);
  g_clear_pointer (&shopper->item_ids, g_free);
  g_clear_pointer (&shopper->show_text, g_free);
  g_clear_pointer (&shopper->show, json_node_unref);
}

/* ---- driving the screen ---------------------------------------------------------- */

static gboolean
is_mapped (gpointer widget)
{
  return gtk_widget_get_mapped (widget);
}

/* The one button under @root that activates @action. */
static GtkWidget *
action_button (GtkWidget  *root,
               const char *action)
{
  g_autoptr(GPtrArray) buttons = gh_ui_test_find_all (root, GTK_TYPE_BUTTON);
  GtkWidget *found = NULL;

  for (guint i = 0; i < buttons->len; i++)
    if (g_strcmp0 (gtk_actionable_get_action_name (buttons->pdata[i]), action) == 0)
      {
        g_assert_null (found);
        found = buttons->pdata[i];
      }
  if (found == NULL)
    gh_ui_test_fail ("no button for %s under %s", action, G_OBJECT_TYPE_NAME (root));
  return found;
}

/* The top bar's "Sign out". */
static GtkWidget *
button_for_sign_out (GhWindow *window)
{
  g_autoptr(GPtrArray) buttons = gh_ui_test_find_all (GTK_WIDGET (window), GTK_TYPE_BUTTON);

  for (guint i = 0; i < buttons->len; i++)
    if (g_strcmp0 (gtk_actionable_get_action_name (buttons->pdata[i]), "kiosk.sign-out") == 0)
      return buttons->pdata[i];
  g_assert_not_reached ();
}

/* What a finger does: only a button on screen and enabled can be tapped. */
static void
tap (GtkWidget *button)
{
  g_assert_true (gh_ui_test_wait (is_mapped, button, WAIT_MS));
  g_assert_true (gtk_widget_is_sensitive (button));
  g_signal_emit_by_name (button, "clicked");
}

static GtkWidget *
page (GhWindow   *window,
      const char *name)
{
  GtkWidget *widget = _gh_window_get_page (window, name);

  g_assert_nonnull (widget);
  return widget;
}

/* The labels of @root after the one reading @from, up to the one reading @to (or
 * the end), as "\nline\nline\n" so whole lines can be searched for. */
static char *
lines_between (GtkWidget  *root,
               const char *from,
               const char *to)
{
  g_auto(GStrv) labels = gh_ui_test_label_texts (root);
  GString *lines = g_string_new ("\n");
  guint i = 0;

  while (labels[i] != NULL && g_strcmp0 (labels[i], from) != 0)
    i++;
  g_assert_nonnull (labels[i]);
  for (i++; labels[i] != NULL && g_strcmp0 (labels[i], to) != 0; i++)
    g_string_append_printf (lines, "%s\n", labels[i]);
  return g_string_free (lines, FALSE);
}

#define DELETE_HEADING "What we will delete"
#define KEEP_HEADING   "What the law makes us keep, and why"

/* Each category the shopper holds is under "delete" as "• Title (n)", or, if the
 * config puts it under a legal hold, under "keep" as "Title (n)" with the reason. */
static void
assert_lists_categories (GtkWidget *forget,
                         GhCatalog *catalog,
                         Shopper   *shopper)
{
  g_autofree char *deleted = lines_between (forget, DELETE_HEADING, KEEP_HEADING);
  g_autofree char *kept = lines_between (forget, KEEP_HEADING, NULL);
  JsonArray *categories = json_object_get_array_member (json_node_get_object (shopper->show),
                                                        "categories");
  guint n_held_categories = 0;

  g_assert_nonnull (strstr (deleted, "\n• Your membership: loyalty card and PIN\n"));
  /* The name is said once, with the data ("Your name (1)"), not also with the card. */
  {
    const char *first = strstr (deleted, "Your name");
    g_assert_nonnull (first);
    g_assert_null (strstr (first + 1, "Your name"));
  }
  for (guint i = 0; i < json_array_get_length (categories); i++)
    {
      JsonObject *group = json_array_get_object_element (categories, i);
      const char *id = json_object_get_string_member (group, "category");
      GhDataCategory *category = gh_catalog_find_data_category (catalog, id);
      const char *title = category != NULL ? gh_data_category_get_title (category, "en") : id;
      const char *reason = legal_hold_of (catalog, id);
      guint n = json_array_get_length (json_object_get_array_member (group, "items"));
      g_autofree char *bullet = g_strdup_printf ("\n• %s (%u)\n", title, n);
      g_autofree char *heading = g_strdup_printf ("\n%s (%u)\n", title, n);

      if (reason != NULL)
        {
          g_autofree char *held = g_strdup_printf ("%s%s\n", heading, reason);

          if (strstr (kept, held) == NULL || strstr (deleted, bullet) != NULL)
            gh_ui_test_fail ("%s is not listed as kept with its reason:\n%s", id, kept);
          n_held_categories++;
        }
      else if (strstr (deleted, bullet) == NULL || strstr (kept, heading) != NULL)
        gh_ui_test_fail ("%s is not listed as deleted:\n%s", id, deleted);
    }
  /* The shopper must hold something the law keeps, or this proves little. */
  g_assert_cmpuint (n_held_categories, >, 0);
}

/* The screen says it is done, how much went, and still what was kept and why;
 * neither going back nor a second erasure is offered. */
static void
assert_done_screen (GtkWidget *forget,
                    GhCatalog *catalog,
                    Shopper   *shopper)
{
  g_autofree char *text = gh_ui_test_collect_text (forget);
  g_autofree char *kept = lines_between (forget, KEEP_HEADING, NULL);
  g_autofree char *deleted = g_strdup_printf ("\nWe deleted %u items.\n",
                                              shopper->n_items - shopper->n_held);

  g_assert_nonnull (strstr (text, "You have been forgotten"));
  g_assert_nonnull (strstr (kept, deleted));
  g_assert_nonnull (strstr (kept, legal_hold_of (catalog, "user.behavior.purchase_history")));
  g_assert_false (gtk_widget_get_mapped (action_button (forget, "forget.confirm")));
  g_assert_false (gtk_widget_get_mapped (action_button (forget, "kiosk.dashboard")));
}

/* ---- what the shopper and HQ notice afterwards ----------------------------------- */

static void
assert_store_forgot (Shopper   *shopper,
                     GhCatalog *catalog)
{
  JsonArray *categories = json_object_get_array_member (json_node_get_object (shopper->show),
                                                        "categories");

  /* Unknown to the store, exit 3, as for a number it never had. */
  g_assert_cmpint (ctl_status (NULL, "customer", "show", shopper->loyalty_id, NULL), ==, 3);
  g_assert_cmpint (query_count ("SELECT count(*) FROM customer WHERE ref = ?1 OR loyalty_id = ?2",
                                shopper->ref, shopper->loyalty_id, NULL), ==, 0);
  g_assert_cmpint (query_count ("SELECT count(*) FROM data_item"
                                " WHERE id IN (SELECT value FROM json_each (?1))",
                                shopper->item_ids, NULL), ==, 0);
  g_assert_cmpint (query_count ("SELECT count(*) FROM suppression WHERE customer_ref = ?1",
                                shopper->ref, NULL), ==, 1);

  /* The legal records stay, per category, under the pseudonym and the config's reason. */
  g_assert_cmpint (query_count ("SELECT count(*) FROM legal_hold WHERE customer_ref = ?1",
                                shopper->ref, NULL), ==, shopper->n_held);
  for (guint i = 0; i < json_array_get_length (categories); i++)
    {
      JsonObject *group = json_array_get_object_element (categories, i);
      const char *id = json_object_get_string_member (group, "category");
      const char *reason = legal_hold_of (catalog, id);

      if (reason != NULL)
        g_assert_cmpint (query_count ("SELECT count(*) FROM legal_hold WHERE customer_ref = ?1"
                                      " AND category = ?2 AND reason = ?3",
                                      shopper->ref, id, reason, NULL), ==,
                         json_array_get_length (json_object_get_array_member (group, "items")));
    }
  g_assert_cmpint (ctl_status (NULL, "audit", "verify", NULL), ==, 0);
}

/* The erasure's receipt id, once its row is completed and names a stored erasure receipt. */
static char *
erasure_receipt_id (Shopper *shopper)
{
  char *id = query_text ("SELECT e.receipt_id FROM erasure e JOIN receipt r ON r.id = e.receipt_id"
                         " WHERE e.customer_ref = ?1 AND e.status = 'completed'"
                         " AND r.kind = 'erasure'", shopper->ref, NULL);

  g_assert_nonnull (id);
  return id;
}

/* Counts in @seen the erasure's events: requested, completed, its receipt issued. */
static void
assert_event (JsonObject  *event,
              Shopper     *shopper,
              const char  *receipt_id,
              guint       *seen)
{
  const char *kind = json_object_get_string_member (event, "kind");
  JsonNode *body = json_object_get_member (event, "body");
  JsonObject *fields = body != NULL && JSON_NODE_HOLDS_OBJECT (body)
                       ? json_node_get_object (body) : NULL;

  if (g_str_equal (kind, "erasure.requested"))
    seen[0]++;
  else if (g_str_equal (kind, "erasure.completed"))
    {
      g_assert_nonnull (fields);
      g_assert_cmpint (json_object_get_int_member (fields, "deleted_items"), ==,
                       shopper->n_items - shopper->n_held);
      seen[1]++;
    }
  else if (g_str_equal (kind, "receipt.issued") && fields != NULL
           && g_strcmp0 (json_object_get_string_member_with_default (fields, "receipt_id", NULL),
                         receipt_id) == 0)
    {
      g_assert_cmpstr (json_object_get_string_member (fields, "kind"), ==, "erasure");
      seen[2]++;
    }
  else
    return;
  g_assert_cmpstr (json_object_get_string_member (event, "actor"), ==, "shopper");
}

/* HQ hears of it: the erasure's events and its receipt wait in the outbox, under
 * the pseudonym only. */
static void
assert_outbox_tells_hq (Shopper    *shopper,
                        const char *receipt_id)
{
  g_autofree char *out = NULL;
  g_auto(GStrv) lines = NULL;
  guint seen[3] = { 0, 0, 0 };

  g_assert_cmpint (ctl_status (&out, "outbox", "export", NULL), ==, 0);
  for (guint i = 0; i < shopper->values->len; i++)
    if (shopper->values->pdata[i] != shopper->ref  /* the pseudonym is what HQ is told */
        && strstr (out, shopper->values->pdata[i]) != NULL)
      gh_ui_test_fail ("the outbox holds the shopper's \"%s\"", (char *) shopper->values->pdata[i]);

  lines = g_strsplit (out, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_autoptr(JsonNode) node = NULL;
      JsonObject *event;

      if (*lines[i] == '\0')
        continue;
      node = json_from_string (lines[i], NULL);
      g_assert_nonnull (node);
      event = json_node_get_object (node);
      if (g_strcmp0 (json_object_get_string_member (event, "customer_ref"), shopper->ref) == 0)
        assert_event (event, shopper, receipt_id, seen);
    }
  g_assert_cmpuint (seen[0], ==, 1);
  g_assert_cmpuint (seen[1], ==, 1);
  g_assert_cmpuint (seen[2], ==, 1);
}

/* The follow-up screen's QR code is the erasure receipt's, and a phone's portal
 * (glasshouse-ctl receipt verify, with this kiosk's public key) accepts it. */
static char *
assert_follow_up_code (GhWindow   *window,
                       const char *receipt_id)
{
  GtkWidget *follow_up = page (window, "follow-up");
  g_autoptr(GPtrArray) pictures = gh_ui_test_find_all (follow_up, GTK_TYPE_PICTURE);
  g_autofree char *text = gh_ui_test_collect_text (follow_up);
  g_autofree char *pubkey = NULL;
  g_autofree char *trust = g_build_filename (store_dir, "kiosk.pub", NULL);
  g_autofree char *portal = g_strconcat (gh_catalog_get_portal_url (gh_window_get_catalog (window)),
                                         "/r/", NULL);
  g_autoptr(JsonNode) verified = NULL;
  GdkPaintable *paintable;
  const char *url;

  g_assert_cmpuint (pictures->len, ==, 1);
  g_assert_true (gh_ui_test_wait (is_mapped, pictures->pdata[0], WAIT_MS));
  paintable = gtk_picture_get_paintable (pictures->pdata[0]);
  g_assert_true (GH_IS_QR_PAINTABLE (paintable));
  url = gh_qr_get_text (gh_qr_paintable_get_qr (GH_QR_PAINTABLE (paintable)));
  g_assert_true (g_str_has_prefix (url, portal));
  g_assert_cmpint (gh_follow_up_page_get_kind (GH_FOLLOW_UP_PAGE (follow_up)), ==,
                   GH_RECEIPT_KIND_ERASURE);
  g_assert_nonnull (strstr (text, "follow your request to be forgotten"));

  g_assert_cmpint (ctl_status (&pubkey, "kiosk", "pubkey", NULL), ==, 0);
  g_assert_true (g_file_set_contents (trust, pubkey, -1, NULL));
  verified = gh_ui_test_ctl_json (db_path, "receipt", "verify", "--trust", trust, url, "--json",
                                  NULL);
  g_assert_true (json_object_get_boolean_member (json_node_get_object (verified), "valid"));
  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (verified), "kind"), ==,
                   "erasure");
  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (verified), "receipt_id"),
                   ==, receipt_id);
  return g_strdup (url);
}

/* Once erased, the visit shows nothing of the shopper's data any more (the dashboard
 * goes at once, not when the visit ends) and can issue nothing else for them. */
static void
assert_dashboard_gone (GhWindow *window,
                       Shopper  *shopper)
{
  g_autofree char *text = gh_ui_test_collect_text (GTK_WIDGET (window));
  g_autofree char *png = g_build_filename (g_getenv ("GLASSHOUSE_BUILD_DIR") ?: ".",
                                           "forget-done-landscape.png", NULL);

  g_assert_null (_gh_window_get_page (window, "dashboard"));
  for (guint i = 0; i < shopper->values->len; i++)
    if (shopper->values->pdata[i] != shopper->ref  /* never shown; a pseudonym */
        && strstr (text, shopper->values->pdata[i]) != NULL)
      gh_ui_test_fail ("\"%s\" is still on a widget after the erasure", (char *) shopper->values->pdata[i]);
  g_assert_true (gh_ui_test_wait_frames (GTK_WIDGET (window), 2));  /* the dashboard gone */
  gh_ui_test_save_png (GTK_WIDGET (window), png);
  /* A copy of data that is gone, or a second erasure, would only issue empty receipts:
   * both are switched off (activating them leaves the screen as it is). */
  gtk_widget_activate_action (GTK_WIDGET (window), "kiosk.copy-data", NULL);
  gtk_widget_activate_action (GTK_WIDGET (window), "kiosk.forget", NULL);
  g_assert_false (gh_ui_test_wait_page (window, "follow-up", 1000));
  g_assert_cmpstr (gh_window_get_page_name (window), ==, "forget");
  g_assert_null (_gh_window_get_page (window, "follow-up"));
}

static void
assert_no_trace (GhWindow   *window,
                 Shopper    *shopper,
                 const char *url)
{
  g_autofree char *text = gh_ui_test_collect_text (GTK_WIDGET (window));

  for (guint i = 0; i < shopper->values->len; i++)
    if (strstr (text, shopper->values->pdata[i]) != NULL)
      gh_ui_test_fail ("\"%s\" is still on a widget after the visit", (char *) shopper->values->pdata[i]);
  if (url != NULL)
    g_assert_null (strstr (text, url));
  g_assert_null (_gh_window_get_page (window, "dashboard"));
  g_assert_null (_gh_window_get_page (window, "forget"));
  g_assert_null (_gh_window_get_page (window, "follow-up"));
}

/* The whole visit (sign-in, forget me, the receipt, sign-out) logged with every domain's
 * debug lines on: none of them names the shopper, their number, PIN or data. The ref is a
 * pseudonym and may appear. Also shows the library's layers log under their own domains. */
static void
assert_logs_clean (Shopper *shopper)
{
  g_autofree char *log = gh_test_log_capture_dup ();
  g_autofree char *pin_field = g_strdup_printf ("=%s\n", shopper->pin);

  g_test_message ("%u bytes of log lines from the visit", (guint) strlen (log));
  g_assert_nonnull (strstr (log, "GLIB_DOMAIN=glasshouse-"));
  for (guint i = 0; i < shopper->values->len; i++)
    if (g_strcmp0 (shopper->values->pdata[i], shopper->ref) != 0
        && strstr (log, shopper->values->pdata[i]) != NULL)
      gh_ui_test_fail ("a log line names \"%s\"", (char *) shopper->values->pdata[i]);
  g_assert_null (strstr (log, pin_field));
  g_assert_null (strstr (log, shopper->loyalty_id));
}

typedef struct {
  GhWindow   *window;
  const char *needle;
} TextWait;

static gboolean
identify_says (gpointer data)
{
  TextWait *wait = data;
  g_autofree char *text = gh_ui_test_collect_text (page (wait->window, "identify"));

  return strstr (text, wait->needle) != NULL;
}

static gboolean
config_read_done (gpointer window)
{
  return !_gh_window_is_loading_config (window);
}

/* The card is dead: the same answer as a wrong PIN, and no visit starts. */
static void
assert_cannot_sign_in (GhWindow *window,
                       Shopper  *shopper)
{
  TextWait refused = { window, "do not match" };

  /* The end of the visit reads the config again and then rebuilds the attract and
   * identify pages: start once that is over, as the next person at the kiosk would. */
  g_assert_true (gh_ui_test_wait (config_read_done, window, WAIT_MS));
  tap (action_button (page (window, "attract"), "kiosk.start"));
  g_assert_true (gh_ui_test_wait_page (window, "identify", WAIT_MS));
  gh_ui_test_keypad_type (window, shopper->loyalty_id);
  gh_ui_test_keypad_type (window, shopper->pin);
  g_assert_true (gh_ui_test_wait (identify_says, &refused, WAIT_MS));
  g_assert_cmpstr (gh_window_get_page_name (window), ==, "identify");
  g_assert_null (gh_window_get_session (window));
}

/* ---- tests ----------------------------------------------------------------------- */

static void
open_forget_me (GhWindow *window,
                Shopper  *shopper)
{
  g_autofree char *text = NULL;

  g_assert_true (gh_ui_test_sign_in (window, shopper->loyalty_id, shopper->pin));
  text = gh_ui_test_collect_text (GTK_WIDGET (window));
  g_assert_nonnull (strstr (text, shopper->name));
  tap (action_button (page (window, "dashboard"), "kiosk.forget"));
  g_assert_true (gh_ui_test_wait_page (window, "forget", WAIT_MS));
}

static void
test_forget_me (void)
{
  GhWindow *window = gh_ui_test_window_new (db_path, 1920, 1080);
  /* Held: the end of a visit reloads the config, and may replace this catalog. */
  g_autoptr(GhCatalog) catalog = g_object_ref (gh_window_get_catalog (window));
  Shopper shopper = { 0 };
  g_autoptr(GhSession) session = NULL;
  g_autofree char *receipt_id = NULL;
  g_autofree char *url = NULL;
  g_autoptr(GPtrArray) done_buttons = NULL;
  GtkWidget *forget, *finish;

  shopper_load (&shopper, catalog, "4000000008", "0008");
  open_forget_me (window, &shopper);
  session = g_object_ref (gh_window_get_session (window));
  forget = page (window, "forget");
  assert_lists_categories (forget, catalog, &shopper);
  /* Reading the list deletes nothing. */
  g_assert_cmpint (ctl_status (NULL, "customer", "show", shopper.loyalty_id, NULL), ==, 0);

  finish = action_button (forget, "kiosk.forget-done");
  g_assert_false (gtk_widget_get_visible (finish));
  tap (action_button (forget, "forget.confirm"));
  g_assert_true (gh_ui_test_wait (is_mapped, finish, WAIT_MS));

  assert_done_screen (forget, catalog, &shopper);
  assert_dashboard_gone (window, &shopper);
  /* Nobody left to sign out: "Done" is the one way on (the top bar offered "Sign out"). */
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (button_for_sign_out (window))));
  assert_store_forgot (&shopper, catalog);
  receipt_id = erasure_receipt_id (&shopper);
  assert_outbox_tells_hq (&shopper, receipt_id);

  tap (finish);
  g_assert_true (gh_ui_test_wait_page (window, "follow-up", WAIT_MS));
  url = assert_follow_up_code (window, receipt_id);

  /* Done ends the visit: nothing of the shopper stays on any widget or in memory. */
  done_buttons = gh_ui_test_find_all (page (window, "follow-up"), GTK_TYPE_BUTTON);
  g_assert_cmpuint (done_buttons->len, ==, 1);
  tap (g_ptr_array_index (done_buttons, 0));
  g_assert_true (gh_ui_test_wait_page (window, "attract", WAIT_MS));
  g_assert_true (gh_session_get_ended (session));
  g_assert_null (gh_session_get_customer (session));
  g_assert_null (gh_session_get_items (session));
  assert_no_trace (window, &shopper, url);

  assert_cannot_sign_in (window, &shopper);
  assert_logs_clean (&shopper);
  shopper_clear (&shopper);
  gtk_window_destroy (GTK_WINDOW (window));
}

/* After an ordinary visit ends, nothing the shopper saw is left anywhere in the kiosk's
 * memory: not on a widget (assert_no_trace), and not in the heap either, where a crash
 * dump or a memory-reading attacker would find freed but unwiped strings. The process
 * is hardened as the kiosk's main() hardens it (ui/gh-process.c); the test then reads its
 * own private memory as a core dump holds it. */
static void
test_visit_leaves_nothing_in_memory (void)
{
  GhWindow *window = gh_ui_test_window_new (db_path, 1920, 1080);
  g_autoptr(GhCatalog) catalog = g_object_ref (gh_window_get_catalog (window));
  GhUiTestSecrets *secrets = gh_ui_test_secrets_new ();
  Shopper shopper = { 0 };
  g_autofree char *found = NULL;

  shopper_load (&shopper, catalog, "4000000005", "0005");
  for (guint i = 0; i < shopper.values->len; i++)
    if (g_strcmp0 (shopper.values->pdata[i], shopper.ref) != 0)  /* a pseudonym, kept */
      gh_ui_test_secrets_add (secrets, shopper.values->pdata[i]);
  shopper_clear (&shopper);

  g_assert_true (gh_ui_test_sign_in (window, "4000000005", "0005"));
  gh_ui_test_settle (GTK_WIDGET (window));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "kiosk.sign-out", NULL));
  g_assert_true (gh_ui_test_wait_page (window, "attract", WAIT_MS));
  gh_ui_test_settle (GTK_WIDGET (window));

  found = gh_ui_test_secrets_scan (secrets);
  gh_ui_test_secrets_free (secrets);
  if (found != NULL)
    gh_ui_test_fail ("the visit left the shopper's data in the kiosk's memory:%s", found);
  gtk_window_destroy (GTK_WINDOW (window));
}

static gboolean
is_null (gpointer data)
{
  return *(gpointer *) data == NULL;
}

static gboolean
forget_page_gone (gpointer window)
{
  return _gh_window_get_page (window, "forget") == NULL;
}

static void
test_go_back_keeps_everything (void)
{
  GhWindow *window = gh_ui_test_window_new (db_path, 1920, 1080);
  g_autoptr(GhCatalog) catalog = g_object_ref (gh_window_get_catalog (window));
  Shopper shopper = { 0 };
  g_autoptr(JsonNode) after = NULL;
  g_autofree char *after_text = NULL;
  g_autofree char *text = NULL;
  GhSession *session;

  shopper_load (&shopper, catalog, "4000000011", "0011");
  open_forget_me (window, &shopper);
  session = gh_window_get_session (window);
  g_object_add_weak_pointer (G_OBJECT (session), (gpointer *) &session);
  tap (action_button (page (window, "forget"), "kiosk.dashboard"));
  g_assert_true (gh_ui_test_wait_page (window, "dashboard", WAIT_MS));
  g_assert_true (gh_ui_test_wait (forget_page_gone, window, WAIT_MS));

  /* Still signed in, and may still change their mind. */
  text = gh_ui_test_collect_text (page (window, "dashboard"));
  g_assert_nonnull (strstr (text, shopper.name));
  g_assert_true (gtk_widget_is_sensitive (action_button (page (window, "dashboard"),
                                                         "kiosk.forget")));

  /* Whatever the visit set off has finished once its last reference has gone:
   * only then can "nothing was deleted" be told from "not deleted yet". */
  tap (action_button (GTK_WIDGET (window), "kiosk.sign-out"));
  g_assert_true (gh_ui_test_wait (is_null, &session, WAIT_MS));

  after = gh_ui_test_ctl_json (db_path, "customer", "show", shopper.loyalty_id, "--json", NULL);
  after_text = json_to_string (after, FALSE);
  g_assert_cmpstr (after_text, ==, shopper.show_text);
  g_assert_cmpint (query_count ("SELECT count(*) FROM data_item"
                                " WHERE id IN (SELECT value FROM json_each (?1))",
                                shopper.item_ids, NULL), ==, shopper.n_items);
  g_assert_cmpint (query_count ("SELECT (SELECT count(*) FROM erasure WHERE customer_ref = ?1)"
                                " + (SELECT count(*) FROM suppression WHERE customer_ref = ?1)"
                                " + (SELECT count(*) FROM legal_hold WHERE customer_ref = ?1)"
                                " + (SELECT count(*) FROM event WHERE customer_ref = ?1"
                                "    AND kind LIKE 'erasure.%')",
                                shopper.ref, NULL), ==, 0);
  shopper_clear (&shopper);
  gtk_window_destroy (GTK_WINDOW (window));
}

static gboolean
erasure_completed (gpointer data)
{
  Shopper *shopper = data;

  return query_count ("SELECT count(*) FROM erasure WHERE customer_ref = ?1"
                      " AND status = 'completed'", shopper->ref, NULL) == 1;
}

/* "Yes, forget me" and at once "Sign out": the shopper asked, so the erasure still
 * happens, although the end of the visit wipes the session on the main thread while
 * the erasure's worker waits for the visit's store. The test holds that store's lock
 * so the worker is sure to wait, whatever the machine's speed. */
static void
test_sign_out_while_erasing (void)
{
  GhWindow *window = gh_ui_test_window_new (db_path, 1920, 1080);
  /* Held: the end of a visit reloads the config, and may replace this catalog. */
  g_autoptr(GhCatalog) catalog = g_object_ref (gh_window_get_catalog (window));
  Shopper shopper = { 0 };
  GhSession *session;

  shopper_load (&shopper, catalog, "4000000012", "0012");
  open_forget_me (window, &shopper);
  session = gh_window_get_session (window);
  g_object_add_weak_pointer (G_OBJECT (session), (gpointer *) &session);

  g_assert_nonnull (gh_session_lock_store (session));
  tap (action_button (page (window, "forget"), "forget.confirm"));
  tap (action_button (GTK_WIDGET (window), "kiosk.sign-out"));
  g_assert_cmpstr (gh_window_get_page_name (window), ==, "attract");
  gh_session_unlock_store (session);

  g_assert_true (gh_ui_test_wait (erasure_completed, &shopper, WAIT_MS));
  /* Every worker of the visit has finished once the last reference has gone. */
  g_assert_true (gh_ui_test_wait (is_null, &session, WAIT_MS));
  assert_store_forgot (&shopper, catalog);
  assert_no_trace (window, &shopper, NULL);
  shopper_clear (&shopper);
  gtk_window_destroy (GTK_WINDOW (window));
}

int
main (int   argc,
      char *argv[])
{
  int result;

  /* As the kiosk's main() does: freed memory wiped, which the memory test relies on. */
  gh_process_harden (argv);
  gtk_test_init (&argc, &argv, NULL);
  /* Every domain's debug lines too: the log test reads them all. */
  g_log_set_debug_enabled (TRUE);
  gh_test_log_capture_start ();
  store_dir = g_dir_make_tmp ("glasshouse-ui-forget-XXXXXX", NULL);
  db_path = gh_ui_test_demo_store (store_dir, 20);

  g_test_add_func ("/forget/forget-me", test_forget_me);
  g_test_add_func ("/forget/visit-leaves-nothing-in-memory", test_visit_leaves_nothing_in_memory);
  g_test_add_func ("/forget/go-back-keeps-everything", test_go_back_keeps_everything);
  g_test_add_func ("/forget/sign-out-while-erasing", test_sign_out_while_erasing);
  result = g_test_run ();

  {
    g_autofree char *command = g_strdup_printf ("rm -rf %s", store_dir);
    g_spawn_command_line_sync (command, NULL, NULL, NULL, NULL);
  }
  return result;
}
