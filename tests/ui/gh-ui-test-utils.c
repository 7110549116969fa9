/* Shared helpers of the UI tests; see gh-ui-test-utils.h.
 * SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <fcntl.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <gdk/x11/gdkx.h>

#include "gh-dashboard-page.h"
#include "gh-identify-page.h"
#include "store/gh-store-private.h"
#include "gh-ui-test-utils.h"

static const char *
ctl_path (void)
{
  const char *ctl = g_getenv ("GLASSHOUSE_CTL");

  g_assert_nonnull (ctl);
  return ctl;
}

char *
gh_ui_test_demo_store (const char *dir,
                       guint       n_customers)
{
  g_autofree char *db = g_build_filename (dir, "store.db", NULL);
  g_autofree char *count = g_strdup_printf ("%u", n_customers);
  g_autofree char *err = NULL;
  int status = 0;
  const char *argv[] = { ctl_path (), "demo", "--customers", count, "--db", db, NULL };

  g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_STDOUT_TO_DEV_NULL, NULL, NULL,
                               NULL, &err, &status, NULL));
  if (!g_spawn_check_wait_status (status, NULL))
    gh_ui_test_fail ("glasshouse-ctl demo failed: %s", err);
  return g_steal_pointer (&db);
}

static gboolean
catalog_loaded (gpointer data)
{
  return gh_window_get_catalog (data) != NULL;
}

static gboolean
is_mapped (gpointer data)
{
  return gtk_widget_get_mapped (data);
}

GhWindow *
gh_ui_test_window_new (const char *db_path,
                       int         width,
                       int         height)
{
  GhWindow *window;

  /* A cursor blinking in a window without X focus makes GTK warn (fatal here). */
  g_object_set (gtk_settings_get_default (), "gtk-cursor-blink", FALSE, NULL);
  window = gh_window_new (NULL, db_path, NULL, NULL, TRUE);

  gtk_window_set_default_size (GTK_WINDOW (window), width, height);
  gtk_window_present (GTK_WINDOW (window));
  g_assert_true (gh_ui_test_wait (is_mapped, window, 5000));
  g_assert_true (gh_ui_test_wait (catalog_loaded, window, 5000));
  return window;
}

static gboolean
timed_out (gpointer data)
{
  *(gboolean *) data = TRUE;
  return G_SOURCE_REMOVE;
}

gboolean
gh_ui_test_wait (GhUiTestCondition condition,
                 gpointer          data,
                 guint             timeout_ms)
{
  gboolean expired = FALSE;
  guint source = g_timeout_add (timeout_ms, timed_out, &expired);

  while (!condition (data) && !expired)
    g_main_context_iteration (NULL, TRUE);
  if (!expired)
    g_source_remove (source);
  return condition (data);
}

typedef struct {
  GdkFrameClock *clock;
  gint64         target;
} FrameWait;

static gboolean
frames_done (gpointer data)
{
  FrameWait *wait = data;

  return gdk_frame_clock_get_frame_counter (wait->clock) >= wait->target;
}

static gboolean
keep_ticking (GtkWidget     *widget,
              GdkFrameClock *clock,
              gpointer       data)
{
  return G_SOURCE_CONTINUE;
}

gboolean
gh_ui_test_wait_frames (GtkWidget *widget,
                        guint      n_frames)
{
  FrameWait wait = { gtk_widget_get_frame_clock (widget), 0 };
  gboolean done;
  guint tick;

  if (wait.clock == NULL)
    return FALSE;
  wait.target = gdk_frame_clock_get_frame_counter (wait.clock) + n_frames;
  /* A tick callback keeps the clock running even when nothing else asks for a frame. */
  tick = gtk_widget_add_tick_callback (widget, keep_ticking, NULL, NULL);
  done = gh_ui_test_wait (frames_done, &wait, 5000);
  gtk_widget_remove_tick_callback (widget, tick);
  return done;
}

static gboolean
transitions_done (gpointer data)
{
  g_autoptr(GPtrArray) stacks = gh_ui_test_find_all (data, GTK_TYPE_STACK);

  for (guint i = 0; i < stacks->len; i++)
    if (gtk_stack_get_transition_running (g_ptr_array_index (stacks, i)))
      return FALSE;
  return TRUE;
}

void
gh_ui_test_settle (GtkWidget *root)
{
  /* A fixed pause once caught the PIN stage still fading out on a busy machine:
   * wait for every stack's transition to end, then for the layout after it. */
  g_assert_true (gh_ui_test_wait (transitions_done, root, 10000));
  g_assert_true (gh_ui_test_wait_frames (root, 3));
}

typedef struct {
  GhWindow   *window;
  const char *page;
} PageWait;

static gboolean
page_is (gpointer data)
{
  PageWait *wait = data;
  GtkWidget *page;

  if (g_strcmp0 (gh_window_get_page_name (wait->window), wait->page) != 0)
    return FALSE;
  /* The dashboard's rows below its first screenful come right after its first frame:
   * a test looks at the whole page. */
  page = _gh_window_get_page (wait->window, wait->page);
  return !GH_IS_DASHBOARD_PAGE (page)
         || gh_dashboard_page_get_rows_complete (GH_DASHBOARD_PAGE (page));
}

gboolean
gh_ui_test_wait_page (GhWindow   *window,
                      const char *page,
                      guint       timeout_ms)
{
  PageWait wait = { window, page };

  return gh_ui_test_wait (page_is, &wait, timeout_ms);
}

static gboolean
no_spinner_shown (gpointer data)
{
  g_autoptr(GPtrArray) spinners = gh_ui_test_find_all (data, GTK_TYPE_SPINNER);

  for (guint i = 0; i < spinners->len; i++)
    if (gtk_widget_get_visible (g_ptr_array_index (spinners, i)))
      return FALSE;
  return TRUE;
}

gboolean
gh_ui_test_wait_idle_page (GhWindow   *window,
                           const char *page_name,
                           guint       timeout_ms)
{
  GtkWidget *page = _gh_window_get_page (window, page_name);

  g_assert_nonnull (page);
  return gh_ui_test_wait (no_spinner_shown, page, timeout_ms)
         && gh_ui_test_wait_frames (GTK_WIDGET (window), 2);
}

void
gh_ui_test_keypad_type (GhWindow   *window,
                        const char *digits)
{
  gh_ui_test_keypad_type_on (window, "identify", digits);
}

void
gh_ui_test_keypad_type_on (GhWindow   *window,
                           const char *page_name,
                           const char *digits)
{
  GtkWidget *page = _gh_window_get_page (window, page_name);
  GPtrArray *keypads;
  GtkWidget *keypad;

  g_assert_nonnull (page);
  keypads = gh_ui_test_find_all (page, g_type_from_name ("GhKeypad"));
  g_assert_cmpuint (keypads->len, ==, 1);
  keypad = g_ptr_array_index (keypads, 0);
  g_ptr_array_unref (keypads);

  for (const char *p = digits; *p; p++)
    {
      char digit[2] = { *p, 0 };
      g_assert_true (gtk_widget_activate_action (keypad, "keypad.digit", "s", digit));
    }
  g_assert_true (gtk_widget_activate_action (keypad, "keypad.submit", NULL));
}

gboolean
gh_ui_test_sign_in (GhWindow   *window,
                    const char *loyalty_id,
                    const char *pin)
{
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "kiosk.start", NULL));
  g_assert_cmpstr (gh_window_get_page_name (window), ==, "identify");
  gh_ui_test_keypad_type (window, loyalty_id);
  gh_ui_test_keypad_type (window, pin);
  return gh_ui_test_wait_page (window, "dashboard", 10000);
}

static void
collect (GtkWidget *widget,
         GString   *out)
{
  if (GTK_IS_LABEL (widget))
    g_string_append_printf (out, "%s\n", gtk_label_get_label (GTK_LABEL (widget)));
  if (GTK_IS_EDITABLE (widget))
    g_string_append_printf (out, "%s\n", gtk_editable_get_text (GTK_EDITABLE (widget)));
  if (GTK_IS_BUTTON (widget) && gtk_button_get_label (GTK_BUTTON (widget)) != NULL)
    g_string_append_printf (out, "%s\n", gtk_button_get_label (GTK_BUTTON (widget)));
  if (GTK_IS_WINDOW (widget) && gtk_window_get_title (GTK_WINDOW (widget)) != NULL)
    g_string_append_printf (out, "%s\n", gtk_window_get_title (GTK_WINDOW (widget)));

  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    collect (child, out);
}

char *
gh_ui_test_collect_text (GtkWidget *root)
{
  GString *out = g_string_new (NULL);

  collect (root, out);
  return g_string_free (out, FALSE);
}

static void
find_all (GtkWidget *widget,
          GType      type,
          GPtrArray *found)
{
  if (G_TYPE_CHECK_INSTANCE_TYPE (widget, type))
    g_ptr_array_add (found, widget);
  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    find_all (child, type, found);
}

GPtrArray *
gh_ui_test_find_all (GtkWidget *root,
                     GType      type)
{
  GPtrArray *found = g_ptr_array_new ();

  g_assert_true (type != G_TYPE_INVALID);
  find_all (root, type, found);
  return found;
}

GtkWidget *
gh_ui_test_find_named (GtkWidget  *root,
                       const char *name)
{
  if (g_strcmp0 (gtk_widget_get_name (root), name) == 0)
    return root;
  for (GtkWidget *child = gtk_widget_get_first_child (root);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = gh_ui_test_find_named (child, name);
      if (found != NULL)
        return found;
    }
  return NULL;
}

char **
gh_ui_test_label_texts (GtkWidget *root)
{
  g_autoptr(GPtrArray) labels = gh_ui_test_find_all (root, GTK_TYPE_LABEL);
  GStrvBuilder *builder = g_strv_builder_new ();
  char **texts;

  for (guint i = 0; i < labels->len; i++)
    g_strv_builder_add (builder, gtk_label_get_label (g_ptr_array_index (labels, i)));
  texts = g_strv_builder_end (builder);
  g_strv_builder_unref (builder);
  return texts;
}

void
gh_ui_test_save_png (GtkWidget  *widget,
                     const char *path)
{
  g_autoptr(GdkPaintable) paintable = gtk_widget_paintable_new (widget);
  g_autoptr(GtkSnapshot) snapshot = gtk_snapshot_new ();
  g_autoptr(GskRenderNode) node = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  int width = gtk_widget_get_width (widget);
  int height = gtk_widget_get_height (widget);
  GskRenderer *renderer = gtk_native_get_renderer (gtk_widget_get_native (widget));

  g_assert_cmpint (width, >, 0);
  gdk_paintable_snapshot (paintable, snapshot, width, height);
  node = gtk_snapshot_free_to_node (g_steal_pointer (&snapshot));
  if (node == NULL)
    gh_ui_test_fail ("nothing to render: %s is %s, %s, %dx%d", G_OBJECT_TYPE_NAME (widget),
             gtk_widget_get_visible (widget) ? "visible" : "hidden",
             gtk_widget_get_mapped (widget) ? "mapped" : "unmapped", width, height);
  texture = gsk_renderer_render_texture (renderer, node, &GRAPHENE_RECT_INIT (0, 0, width, height));
  g_assert_true (gdk_texture_save_to_png (texture, path));
}

char *
gh_ui_test_consent_state (const char *db,
                          const char *loyalty_id,
                          const char *purpose_id)
{
  g_autoptr(JsonNode) root = gh_ui_test_ctl_json (db, "customer", "show", loyalty_id, "--json",
                                                  NULL);
  JsonArray *consents = json_object_get_array_member (json_node_get_object (root), "consents");

  for (guint i = 0; i < json_array_get_length (consents); i++)
    {
      JsonObject *consent = json_array_get_object_element (consents, i);

      if (g_str_equal (json_object_get_string_member (consent, "purpose"), purpose_id))
        return g_strdup (json_object_get_string_member (consent, "state"));
    }
  return NULL;
}

GhConsentRow *
gh_ui_test_choice_row (GtkWidget  *dashboard,
                       const char *purpose_id)
{
  g_autoptr(GPtrArray) rows = gh_ui_test_find_all (dashboard, GH_TYPE_CONSENT_ROW);

  for (guint i = 0; i < rows->len; i++)
    {
      GhConsentRow *row = rows->pdata[i];

      if (g_str_equal (gh_purpose_get_id (gh_consent_row_get_purpose (row)), purpose_id)
          && gtk_widget_get_ancestor (GTK_WIDGET (row), GTK_TYPE_POPOVER) == NULL)
        return row;
    }
  gh_ui_test_fail ("no switch row of purpose \"%s\" on the dashboard", purpose_id);
  return NULL;
}

JsonNode *
gh_ui_test_ctl_json (const char *db,
                     const char *first_arg,
                     ...)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  int status = 0;
  va_list args;

  g_ptr_array_add (argv, (char *) ctl_path ());
  va_start (args, first_arg);
  for (const char *arg = first_arg; arg != NULL; arg = va_arg (args, const char *))
    g_ptr_array_add (argv, (char *) arg);
  va_end (args);
  g_ptr_array_add (argv, (char *) "--db");
  g_ptr_array_add (argv, (char *) db);
  g_ptr_array_add (argv, NULL);

  g_assert_true (g_spawn_sync (NULL, (char **) argv->pdata, NULL, G_SPAWN_DEFAULT, NULL, NULL,
                               &out, &err, &status, NULL));
  if (!g_spawn_check_wait_status (status, NULL))
    gh_ui_test_fail ("glasshouse-ctl %s failed: %s", first_arg, err);
  json_parser_load_from_data (parser, out, -1, &error);
  g_assert_no_error (error);
  return json_node_copy (json_parser_get_root (parser));
}

char *
gh_ui_test_first_loyalty_id (const char *db_path)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GhStore) store = gh_store_open (db_path, GH_STORE_OPEN_DEFAULT, &error);
  sqlite3_stmt *stmt;
  char *id;

  g_assert_no_error (error);
  stmt = _gh_store_prepare (store, "SELECT loyalty_id FROM customer ORDER BY id LIMIT 1", &error);
  g_assert_no_error (error);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  id = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  sqlite3_reset (stmt);
  return id;
}

/* ---- secrets in the process's memory ------------------------------------------------ */

#define SECRET_KEY 0x5a
#define SECRETS_BYTES (64 * 1024)

struct _GhUiTestSecrets
{
  guint8 *area;   /* its own mmap: [len][encoded bytes]... */
  gsize   used;
};

GhUiTestSecrets *
gh_ui_test_secrets_new (void)
{
  GhUiTestSecrets *secrets = g_new0 (GhUiTestSecrets, 1);

  secrets->area = mmap (NULL, SECRETS_BYTES, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
                        -1, 0);
  g_assert_true (secrets->area != MAP_FAILED);
  return secrets;
}

void
gh_ui_test_secrets_add (GhUiTestSecrets *secrets,
                        const char      *value)
{
  gsize length = strlen (value);

  if (length < 8)
    return;
  g_assert_cmpuint (secrets->used + 1 + length, <, SECRETS_BYTES);
  secrets->area[secrets->used++] = (guint8) MIN (length, 255);
  for (gsize i = 0; i < MIN (length, 255); i++)
    secrets->area[secrets->used++] = (guint8) value[i] ^ SECRET_KEY;
}

void
gh_ui_test_secrets_free (GhUiTestSecrets *secrets)
{
  munmap (secrets->area, SECRETS_BYTES);
  g_free (secrets);
}

/* memmem over @haystack for @needle given encoded, decoding into @scratch (in the secrets'
 * own mapping, which the scan skips). */
static const guint8 *
find_encoded (const guint8 *haystack,
              gsize         haystack_len,
              const guint8 *encoded,
              gsize         length,
              guint8       *scratch)
{
  const guint8 *found;

  for (gsize i = 0; i < length; i++)
    scratch[i] = encoded[i] ^ SECRET_KEY;
  found = memmem (haystack, haystack_len, scratch, length);
  memset (scratch, 0, length);
  return found;
}

char *
gh_ui_test_secrets_scan (GhUiTestSecrets *secrets)
{
  g_autofree char *maps = NULL;
  g_auto(GStrv) lines = NULL;
  g_autoptr(GString) found = g_string_new (NULL);
  guint8 *scratch = secrets->area + SECRETS_BYTES - 512;
  guint8 *region;
  gsize region_size = 0;
  int mem;
  guintptr here = (guintptr) &found;

  g_assert_true (g_file_get_contents ("/proc/self/maps", &maps, NULL, NULL));
  lines = g_strsplit (maps, "\n", -1);
  mem = open ("/proc/self/mem", O_RDONLY | O_CLOEXEC);
  g_assert_cmpint (mem, >=, 0);
  /* One buffer for every region's copy, outside the regions it reads. */
  region = mmap (NULL, 1, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  munmap (region, 1);
  region = NULL;

  for (guint l = 0; lines[l] != NULL; l++)
    {
      guintptr start, end;
      char perms[8] = { 0 };
      char path[512] = { 0 };
      unsigned long offset, inode;
      int dev_major, dev_minor;
      gsize size;

      if (sscanf (lines[l], "%" G_GINTPTR_MODIFIER "x-%" G_GINTPTR_MODIFIER "x %4s %lx %x:%x %lu %511[^\n]",
                  &start, &end, perms, &offset, &dev_major, &dev_minor, &inode, path) < 7)
        continue;
      /* What a core dump of the kiosk would hold of the visit: private writable memory not
       * backed by a file (file-backed data is the program and its libraries). */
      if (perms[0] != 'r' || perms[1] != 'w' || perms[3] != 'p' || inode != 0)
        continue;
      if (g_str_has_prefix (g_strstrip (path), "[vvar") || g_str_has_prefix (path, "[vsyscall"))
        continue;
      if ((guintptr) secrets->area >= start && (guintptr) secrets->area < end)
        continue;
      /* This thread's stack holds the scan itself. */
      if (here >= start && here < end)
        continue;
      size = end - start;
      if (size > region_size)
        {
          if (region != NULL)
            munmap (region, region_size);
          region_size = size;
          region = mmap (NULL, region_size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
                         -1, 0);
          g_assert_true (region != MAP_FAILED);
        }
      if (pread (mem, region, size, (off_t) start) != (ssize_t) size)
        continue;
      for (gsize at = 0; at < secrets->used; at += 1 + secrets->area[at])
        {
          gsize length = secrets->area[at];
          const guint8 *hit = find_encoded (region, size, secrets->area + at + 1, length, scratch);

          if (hit != NULL)
            g_string_append_printf (found, "\n  a %" G_GSIZE_FORMAT "-byte value starting \"%c%c\" in %s at %#"
                                    G_GINTPTR_MODIFIER "x",
                                    length, (secrets->area[at + 1] ^ SECRET_KEY),
                                    (secrets->area[at + 2] ^ SECRET_KEY),
                                    *path != '\0' ? path : "anonymous memory",
                                    start + (guintptr) (hit - region));
        }
    }
  if (region != NULL)
    {
      memset (region, 0, region_size);
      munmap (region, region_size);
    }
  close (mem);
  return found->len > 0 ? g_string_free (g_steal_pointer (&found), FALSE) : NULL;
}

static JsonObject *
config_purpose (JsonObject *config,
                const char *id)
{
  JsonArray *purposes = json_object_get_array_member (config, "purposes");

  for (guint i = 0; i < json_array_get_length (purposes); i++)
    if (g_str_equal (json_object_get_string_member (json_array_get_object_element (purposes, i),
                                                    "id"), id))
      return json_array_get_object_element (purposes, i);
  g_assert_not_reached ();
}

static void
set_notice_change (JsonObject *purpose,
                   gboolean    asks_again,
                   const char *until,
                   const char *en,
                   const char *de)
{
  JsonObject *change = json_object_new ();
  JsonObject *text = json_object_new ();

  json_object_set_string_member (purpose, "notice_version", "2027-02");
  json_object_set_boolean_member (change, "asks_again", asks_again);
  if (until != NULL)
    json_object_set_string_member (change, "until_answered", until);
  json_object_set_string_member (text, "en", en);
  json_object_set_string_member (text, "de", de);
  json_object_set_object_member (change, "what_changed", text);
  json_object_set_object_member (purpose, "notice_change", change);
}

void
gh_ui_test_change_notice (const char *db_path,
                          const char *loyalty_id,
                          const char *until)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GhStore) store = gh_store_open (db_path, GH_STORE_OPEN_DEFAULT, &error);
  g_autoptr(GhCustomer) customer = NULL;
  g_autoptr(GBytes) active = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autofree char *changed = NULL;
  JsonObject *config;
  gint64 version = 0;
  sqlite3_stmt *stmt;

  g_assert_no_error (error);
  customer = gh_store_find_customer (store, loyalty_id, &error);
  g_assert_no_error (error);
  active = gh_store_get_active_config (store, &version, &error);
  g_assert_no_error (error);
  g_assert_true (json_parser_load_from_data (parser, g_bytes_get_data (active, NULL),
                                             g_bytes_get_size (active), &error));
  config = json_node_get_object (json_parser_get_root (parser));

  /* The shopper's yes, given under the notices in force now. */
  for (guint i = 0; i < 2; i++)
    {
      const char *id = i == 0 ? "personalize.offers" : "marketing.email";

      gh_store_set_consent (store, customer, id, GH_CONSENT_GRANTED,
                            json_object_get_string_member (config_purpose (config, id),
                                                           "notice_version"),
                            "shopper", &error);
      g_assert_no_error (error);
    }

  set_notice_change (config_purpose (config, "personalize.offers"), TRUE, until,
                     "We now also use what you browse on our website to choose your offers.",
                     "Wir nutzen jetzt auch, was Sie auf unserer Website ansehen, um Ihre "
                     "Angebote auszuwählen.");
  set_notice_change (config_purpose (config, "marketing.email"), FALSE, NULL,
                     "Our emails now come from news.northwind.example.",
                     "Unsere E-Mails kommen jetzt von news.northwind.example.");
  json_object_set_int_member (config, "version", version + 1);
  changed = json_to_string (json_parser_get_root (parser), FALSE);

  g_assert_true (_gh_store_exec (store, "UPDATE config SET active = 0", &error));
  g_assert_no_error (error);
  stmt = _gh_store_prepare (store,
      "INSERT INTO config (version, applied_at, payload, active) VALUES (?1, 'test', ?2, 1)",
      &error);
  g_assert_no_error (error);
  sqlite3_bind_int64 (stmt, 1, version + 1);
  sqlite3_bind_blob (stmt, 2, changed, strlen (changed), SQLITE_TRANSIENT);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_DONE);
  sqlite3_reset (stmt);
}

GtkWidget *
gh_ui_test_find_button (GtkWidget  *root,
                        const char *label)
{
  g_autoptr(GPtrArray) buttons = gh_ui_test_find_all (root, GTK_TYPE_BUTTON);

  for (guint i = 0; i < buttons->len; i++)
    {
      GtkWidget *button = g_ptr_array_index (buttons, i);

      if (g_strcmp0 (gtk_button_get_label (GTK_BUTTON (button)), label) == 0
          && gtk_widget_is_visible (button))
        return button;
    }
  return NULL;
}

/* ---- xdotool ----------------------------------------------------------------------- */

char *
gh_ui_test_x11_window (GtkWidget *widget)
{
  GdkSurface *surface = gtk_native_get_surface (gtk_widget_get_native (widget));

  g_assert_true (GDK_IS_X11_SURFACE (surface));
  return g_strdup_printf ("%lu", (gulong) gdk_x11_surface_get_xid (surface));
}

gboolean
gh_ui_test_is_true (gpointer flag)
{
  return *(gboolean *) flag;
}

static void
xdotool_ended (GPid     pid,
               int      status,
               gpointer done)
{
  g_spawn_close_pid (pid);
  *(gboolean *) done = TRUE;
}

void
gh_ui_test_xdotool_start (const char * const *args,
                          gboolean           *done)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  GPid pid;

  g_ptr_array_add (argv, "xdotool");
  for (guint i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, (gpointer) args[i]);
  g_ptr_array_add (argv, NULL);
  *done = FALSE;
  g_assert_true (g_spawn_async (NULL, (char **) argv->pdata, NULL,
                                G_SPAWN_SEARCH_PATH | G_SPAWN_DO_NOT_REAP_CHILD, NULL, NULL, &pid,
                                &error));
  g_assert_no_error (error);
  g_child_watch_add (pid, xdotool_ended, done);
}

void
gh_ui_test_xdotool (GtkWidget          *window,
                    const char * const *args)
{
  g_autofree char *xid = gh_ui_test_x11_window (window);
  g_autoptr(GPtrArray) focused = g_ptr_array_new ();
  gboolean done = FALSE;

  g_ptr_array_add (focused, "windowfocus");
  g_ptr_array_add (focused, "--sync");
  g_ptr_array_add (focused, xid);
  for (guint i = 0; args[i] != NULL; i++)
    g_ptr_array_add (focused, (gpointer) args[i]);
  g_ptr_array_add (focused, NULL);
  gh_ui_test_xdotool_start ((const char * const *) focused->pdata, &done);
  g_assert_true (gh_ui_test_wait (gh_ui_test_is_true, &done, 20000));
  gh_ui_test_wait_frames (window, 1);
}
