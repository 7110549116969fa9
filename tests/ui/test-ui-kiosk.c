/* The kiosk driven through its real widgets, headless under Xvfb: sign in on the
 * keypad; the data and offers on screen match glasshouse-ctl; revoking a purpose
 * previews what the what-if predicts, confirming removes those offers, the store
 * has the revocation and its event; Undo restores; wrong PINs get the error and
 * then the lockout; the idle timeout warns, "I need more time" extends, and the
 * end leaves no trace of the shopper in any widget.
 * SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <glib/gstdio.h>

#include "gh-consent-row.h"
#include "gh-data-item-row.h"
#include "gh-dashboard-page.h"
#include "gh-follow-up-page.h"
#include "gh-offer-card.h"
#include "gh-ui-test-utils.h"
#include "store/gh-store-preview.h"

static char *store_dir;
static char *db_path;

/* ---- helpers -------------------------------------------------------------------- */

static GhDashboardPage *
dashboard_of (GhWindow *window)
{
  GtkWidget *page = _gh_window_get_page (window, "dashboard");

  g_assert_nonnull (page);
  return GH_DASHBOARD_PAGE (page);
}

static gboolean
dashboard_idle (gpointer data)
{
  return !gh_dashboard_page_get_busy (data);
}

static gboolean
dashboard_portrait (gpointer data)
{
  return gh_dashboard_page_get_portrait (data);
}

static gboolean inbox_started (gpointer data);

static gboolean
preview_ready (gpointer data)
{
  GtkWidget *body = gh_ui_test_find_named (data, "preview-list");
  g_auto(GStrv) texts = gh_ui_test_label_texts (GTK_WIDGET (data));

  /* Ready when the spinner's "Checking…" line has been replaced. */
  for (guint i = 0; texts[i] != NULL; i++)
    if (g_str_equal (texts[i], "Checking which offers would go…"))
      return FALSE;
  return body != NULL;
}

static GPtrArray *
shown_offer_ids (GhWindow *window)
{
  g_autoptr(GPtrArray) cards = gh_ui_test_find_all (GTK_WIDGET (dashboard_of (window)),
                                                    GH_TYPE_OFFER_CARD);
  GPtrArray *ids = g_ptr_array_new_with_free_func (g_free);

  for (guint i = 0; i < cards->len; i++)
    g_ptr_array_add (ids, g_strdup (gh_offer_card_get_offer_id (cards->pdata[i])));
  return ids;
}

/* The ids in @member of `glasshouse-ctl offers` ("offers"), or of its what-if
 * with --without @without ("would_remove", "would_stay"). */
static GPtrArray *
ctl_offer_ids (const char *loyalty_id,
               const char *without,
               const char *member)
{
  g_autoptr(JsonNode) root = without != NULL
    ? gh_ui_test_ctl_json (db_path, "offers", loyalty_id, "--json", "--without", without, NULL)
    : gh_ui_test_ctl_json (db_path, "offers", loyalty_id, "--json", NULL);
  JsonArray *offers = json_object_get_array_member (json_node_get_object (root), member);
  GPtrArray *ids = g_ptr_array_new_with_free_func (g_free);

  g_assert_nonnull (offers);
  for (guint i = 0; i < json_array_get_length (offers); i++)
    {
      JsonNode *node = json_array_get_element (offers, i);
      g_ptr_array_add (ids, g_strdup (JSON_NODE_HOLDS_OBJECT (node)
                                        ? json_object_get_string_member (json_node_get_object (node), "id")
                                        : json_node_get_string (node)));
    }
  return ids;
}

static char *
join_ids (GPtrArray *ids)
{
  g_autoptr(GString) out = g_string_new (NULL);

  for (guint i = 0; i < ids->len; i++)
    g_string_append_printf (out, "%s%s", i ? "," : "", (char *) ids->pdata[i]);
  return g_string_free (g_steal_pointer (&out), FALSE);
}

static GhConsentRow *
choice_row (GhWindow   *window,
            const char *purpose_id)
{
  return gh_ui_test_choice_row (GTK_WIDGET (dashboard_of (window)), purpose_id);
}

static void
tap_switch (GhConsentRow *row,
            gboolean      on)
{
  g_autoptr(GPtrArray) switches = gh_ui_test_find_all (GTK_WIDGET (row), GTK_TYPE_SWITCH);

  g_assert_cmpuint (switches->len, ==, 1);
  g_assert_true (gtk_widget_get_sensitive (switches->pdata[0]));
  gtk_switch_set_active (switches->pdata[0], on);
}

/* The last event of @kind for @purpose_id in the outbox, as its JSON line. */
static char *
last_event (const char *kind,
            const char *purpose_id)
{
  const char *argv[] = { g_getenv ("GLASSHOUSE_CTL"), "outbox", "export", "--db", db_path, NULL };
  g_autofree char *out = NULL;
  g_auto(GStrv) lines = NULL;
  g_autofree char *kind_field = g_strdup_printf ("\"kind\":\"%s\"", kind);
  g_autofree char *purpose_field = g_strdup_printf ("\"%s\"", purpose_id);
  char *found = NULL;

  g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, &out,
                               NULL, NULL, NULL));
  lines = g_strsplit (out, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    if (strstr (lines[i], kind_field) && strstr (lines[i], purpose_field))
      {
        g_free (found);
        found = g_strdup (lines[i]);
      }
  return found;
}

/* How many receipt.issued events of receipt kind @receipt_kind the outbox holds. */
static guint
count_receipts_issued (const char *receipt_kind)
{
  const char *argv[] = { g_getenv ("GLASSHOUSE_CTL"), "outbox", "export", "--db", db_path, NULL };
  g_autofree char *out = NULL;
  g_auto(GStrv) lines = NULL;
  g_autofree char *wanted = g_strdup_printf ("%s\\\\?\"", receipt_kind);
  g_autofree char *pattern = g_strconcat ("\\\\?\"kind\\\\?\":\\\\?\"", wanted, NULL);
  g_autoptr(GRegex) of_kind = g_regex_new (pattern, 0, 0, NULL);
  guint n = 0;

  g_assert_nonnull (of_kind);
  g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, &out,
                               NULL, NULL, NULL));
  lines = g_strsplit (out, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    if (strstr (lines[i], "\"kind\":\"receipt.issued\"") != NULL
        && g_regex_match (of_kind, lines[i], 0, NULL))
      n++;
  return n;
}

static gboolean
on_follow_up (gpointer data)
{
  return g_strcmp0 (gh_window_get_page_name (data), "follow-up") == 0;
}

/* The dashboard's button that activates @action (borrowed). */
static GtkWidget *
button_for_action (GtkWidget  *root,
                   const char *action)
{
  g_autoptr(GPtrArray) buttons = gh_ui_test_find_all (root, GTK_TYPE_BUTTON);

  for (guint i = 0; i < buttons->len; i++)
    if (g_strcmp0 (gtk_actionable_get_action_name (g_ptr_array_index (buttons, i)), action) == 0)
      return g_ptr_array_index (buttons, i);
  return NULL;
}

/* ---- tests ---------------------------------------------------------------------- */

static void
test_sign_in_matches_store (void)
{
  GhWindow *window = gh_ui_test_window_new (db_path, 1920, 1080);
  g_autoptr(JsonNode) show = gh_ui_test_ctl_json (db_path, "customer", "show", "4000000002",
                                                  "--json", NULL);
  JsonObject *customer = json_node_get_object (show);
  JsonArray *categories = json_object_get_array_member (customer, "categories");
  GhCatalog *catalog = gh_window_get_catalog (window);
  g_autofree char *text = NULL;
  g_autoptr(GPtrArray) shown = NULL;
  g_autoptr(GPtrArray) expected = NULL;
  g_autofree char *shown_text = NULL;
  g_autofree char *expected_text = NULL;

  g_assert_true (gh_ui_test_sign_in (window, "4000000002", "0002"));
  text = gh_ui_test_collect_text (GTK_WIDGET (dashboard_of (window)));

  /* The greeting names the shopper the store holds. */
  g_assert_nonnull (strstr (text, json_object_get_string_member (customer, "display_name")));
  /* The choices say how long the record of each is kept (the demo config: 1,095 days). */
  g_assert_cmpint (gh_catalog_get_consent_proof_days (catalog), ==, 1095);
  g_assert_nonnull (strstr (text, "We keep a record of each choice for 3 years"));

  /* Every category held is shown under the catalog's title with the store's item count. */
  g_assert_cmpuint (json_array_get_length (categories), >, 0);
  for (guint i = 0; i < json_array_get_length (categories); i++)
    {
      JsonObject *group = json_array_get_object_element (categories, i);
      const char *id = json_object_get_string_member (group, "category");
      GhDataCategory *category = gh_catalog_find_data_category (catalog, id);
      g_autofree char *heading = g_strdup_printf ("%s (%u)\n",
        category ? gh_data_category_get_title (category, "en") : id,
        json_array_get_length (json_object_get_array_member (group, "items")));

      if (strstr (text, heading) == NULL)
        gh_ui_test_fail ("category heading %s not on screen", heading);
    }

  /* The offers on screen are exactly the engine's, in its order. */
  shown = shown_offer_ids (window);
  expected = ctl_offer_ids ("4000000002", NULL, "offers");
  shown_text = join_ids (shown);
  expected_text = join_ids (expected);
  g_assert_cmpstr (shown_text, ==, expected_text);
  g_assert_cmpuint (shown->len, >, 0);

  /* Tapping a "because…" chip shows the item and the switch of the offer's purpose. */
  {
    g_autoptr(GPtrArray) chips = gh_ui_test_find_all (GTK_WIDGET (dashboard_of (window)),
                                                      GTK_TYPE_MENU_BUTTON);
    GtkPopover *popover;
    g_autoptr(GPtrArray) rows = NULL;
    GhOfferCard *card;

    g_assert_cmpuint (chips->len, >, 0);
    card = GH_OFFER_CARD (gtk_widget_get_ancestor (chips->pdata[0], GH_TYPE_OFFER_CARD));
    g_assert_nonnull (card);
    gtk_menu_button_popup (chips->pdata[0]);
    popover = gtk_menu_button_get_popover (chips->pdata[0]);
    g_assert_nonnull (popover);
    rows = gh_ui_test_find_all (GTK_WIDGET (popover), GH_TYPE_CONSENT_ROW);
    g_assert_cmpuint (rows->len, ==, 1);
    g_assert_cmpstr (gh_purpose_get_id (gh_consent_row_get_purpose (rows->pdata[0])), ==,
                     gh_offer_get_purpose_id (gh_catalog_find_offer (catalog,
                                                gh_offer_card_get_offer_id (card))));
    gtk_popover_popdown (popover);
  }

  gtk_window_destroy (GTK_WINDOW (window));
}

/* The preview counters (store migration 7): today's totals for @purpose_id. */
static void
preview_counts (const char *purpose_id,
                gint64     *opened,
                gint64     *kept_on)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GhStore) store = gh_store_open (db_path, GH_STORE_OPEN_READ_ONLY, &error);
  g_autoptr(GPtrArray) rows = NULL;

  g_assert_no_error (error);
  rows = gh_store_preview_daily_list (store, NULL, &error);
  g_assert_no_error (error);
  *opened = *kept_on = 0;
  for (guint i = 0; i < rows->len; i++)
    {
      GhPreviewDaily *row = g_ptr_array_index (rows, i);
      if (g_str_equal (row->purpose_id, purpose_id))
        {
          *opened += row->opened;
          *kept_on += row->kept_on;
        }
    }
}

typedef struct {
  const char *purpose_id;
  gint64      opened;
  gint64      kept_on;
} PreviewWanted;

static gboolean
preview_counted (gpointer data)
{
  PreviewWanted *wanted = data;
  gint64 opened, kept_on;

  preview_counts (wanted->purpose_id, &opened, &kept_on);
  return opened == wanted->opened && kept_on == wanted->kept_on;
}

/* A switch-off preview opened and ended with "Keep it on" is counted as opened and kept
 * on, in the day's totals and nowhere else; the purpose stays on. */
static void
test_preview_kept_on_is_counted (void)
{
  const char *purpose = "personalize.offers";
  GhWindow *window = gh_ui_test_window_new (db_path, 1920, 1080);
  GhDashboardPage *dashboard;
  PreviewWanted wanted = { purpose, 0, 0 };
  g_autofree char *state = NULL;

  preview_counts (purpose, &wanted.opened, &wanted.kept_on);
  g_assert_true (gh_ui_test_sign_in (window, "4000000015", "0015"));
  dashboard = dashboard_of (window);
  if (!gh_consent_row_get_granted (choice_row (window, purpose)))
    {
      tap_switch (choice_row (window, purpose), TRUE);
      g_assert_true (gh_ui_test_wait (dashboard_idle, dashboard, 5000));
    }

  tap_switch (choice_row (window, purpose), FALSE);
  g_assert_true (gh_dashboard_page_get_preview_shown (dashboard));
  g_assert_true (gh_ui_test_wait (preview_ready, dashboard, 5000));
  wanted.opened++;
  g_assert_true (gh_ui_test_wait (preview_counted, &wanted, 5000));

  /* "Keep it on". */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (dashboard), "dashboard.cancel", NULL));
  g_assert_false (gh_dashboard_page_get_preview_shown (dashboard));
  wanted.kept_on++;
  g_assert_true (gh_ui_test_wait (preview_counted, &wanted, 5000));
  g_assert_true (gh_consent_row_get_granted (choice_row (window, purpose)));
  state = gh_ui_test_consent_state (db_path, "4000000015", purpose);
  g_assert_cmpstr (state, ==, "granted");

  gtk_window_destroy (GTK_WINDOW (window));
}

static void
test_revoke_preview_confirm_undo (void)
{
  const char *loyalty = "4000000003";
  const char *purpose = "personalize.offers";
  GhWindow *window = gh_ui_test_window_new (db_path, 1920, 1080);
  GhDashboardPage *dashboard;
  g_autoptr(GPtrArray) before = NULL;
  g_autoptr(GPtrArray) without = NULL;
  g_autoptr(GPtrArray) would_remove = NULL;
  g_autoptr(GPtrArray) after = NULL;
  g_autoptr(GPtrArray) restored = NULL;
  g_autoptr(GString) predicted = g_string_new (NULL);
  g_auto(GStrv) preview_lines = NULL;
  g_autofree char *state = NULL;
  g_autofree char *event = NULL;
  g_autofree char *after_text = NULL;
  g_autofree char *without_text = NULL;
  g_autofree char *before_text = NULL;
  g_autofree char *restored_text = NULL;
  GhCatalog *catalog;
  guint n_removed = 0;

  g_assert_true (gh_ui_test_sign_in (window, loyalty, "0003"));
  dashboard = dashboard_of (window);
  catalog = gh_window_get_catalog (window);
  before = shown_offer_ids (window);
  without = ctl_offer_ids (loyalty, purpose, "would_stay");
  would_remove = ctl_offer_ids (loyalty, purpose, "would_remove");

  /* What the what-if predicts, as the preview should list it. */
  for (guint i = 0; i < would_remove->len; i++)
    {
      GhOffer *offer = gh_catalog_find_offer (catalog, would_remove->pdata[i]);
      g_string_append_printf (predicted, "• %s\n", gh_offer_get_title (offer, "en"));
      n_removed++;
    }
  g_assert_cmpuint (n_removed, >, 0);

  tap_switch (choice_row (window, purpose), FALSE);
  g_assert_true (gh_dashboard_page_get_preview_shown (dashboard));
  /* Nothing is written before the shopper confirms. */
  state = gh_ui_test_consent_state (db_path, loyalty, purpose);
  g_assert_cmpstr (state, ==, "granted");
  g_clear_pointer (&state, g_free);

  g_assert_true (gh_ui_test_wait (preview_ready, dashboard, 5000));
  {
    g_autoptr(GString) listed = g_string_new (NULL);
    preview_lines = gh_ui_test_label_texts (gh_ui_test_find_named (GTK_WIDGET (dashboard),
                                                                   "preview-list"));
    for (guint i = 0; preview_lines[i] != NULL; i++)
      g_string_append_printf (listed, "%s\n", preview_lines[i]);
    g_assert_cmpstr (listed->str, ==, predicted->str);
  }

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (dashboard), "dashboard.confirm", NULL));
  g_assert_true (gh_ui_test_wait (dashboard_idle, dashboard, 5000));
  g_assert_false (gh_dashboard_page_get_preview_shown (dashboard));
  g_assert_true (gh_dashboard_page_get_undo_shown (dashboard));

  /* The screen lost exactly the predicted offers... */
  after = shown_offer_ids (window);
  after_text = join_ids (after);
  without_text = join_ids (without);
  g_assert_cmpstr (after_text, ==, without_text);
  g_assert_false (gh_consent_row_get_granted (choice_row (window, purpose)));
  /* ...and the store has the revocation and its event, by the shopper. */
  state = gh_ui_test_consent_state (db_path, loyalty, purpose);
  g_assert_cmpstr (state, ==, "revoked");
  g_clear_pointer (&state, g_free);
  event = last_event ("consent.revoked", purpose);
  g_assert_nonnull (event);
  g_assert_nonnull (strstr (event, "\"actor\":\"shopper\""));
  g_assert_cmpuint (gh_session_get_changes (gh_window_get_session (window))->len, ==, 1);

  /* Undo puts it back, with its own event. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (dashboard), "dashboard.undo", NULL));
  g_assert_true (gh_ui_test_wait (dashboard_idle, dashboard, 5000));
  g_assert_false (gh_dashboard_page_get_undo_shown (dashboard));
  restored = shown_offer_ids (window);
  restored_text = join_ids (restored);
  before_text = join_ids (before);
  g_assert_cmpstr (restored_text, ==, before_text);
  state = gh_ui_test_consent_state (db_path, loyalty, purpose);
  g_assert_cmpstr (state, ==, "granted");
  g_clear_pointer (&event, g_free);
  event = last_event ("consent.granted", purpose);
  g_assert_nonnull (event);
  g_assert_true (gh_consent_row_get_granted (choice_row (window, purpose)));

  gtk_window_destroy (GTK_WINDOW (window));
}

static void
count_change_requested (GhConsentRow *row,
                        const char   *purpose_id,
                        gboolean      granted,
                        guint        *count)
{
  (*count)++;
}

/* The row's click gesture (borrowed). */
static GtkGestureClick *
row_click (GtkWidget *row)
{
  g_autoptr(GListModel) controllers = gtk_widget_observe_controllers (row);

  for (guint i = 0; i < g_list_model_get_n_items (controllers); i++)
    {
      g_autoptr(GObject) controller = g_list_model_get_item (controllers, i);

      if (GTK_IS_GESTURE_CLICK (controller))
        return GTK_GESTURE_CLICK (controller);
    }
  return NULL;
}

/* A consent switch is a 64 px target, and the whole row is its target: a tap on the
 * row's title asks for the change as a tap on the switch does. */
static void
test_consent_row_is_the_target (void)
{
  GhWindow *window = gh_ui_test_window_new (db_path, 1920, 1080);
  GhDashboardPage *dashboard;
  GhConsentRow *row;
  g_autoptr(GPtrArray) switches = NULL;
  g_autoptr(GPtrArray) labels = NULL;
  GtkWidget *title = NULL;
  GtkGestureClick *click;
  graphene_point_t at;
  guint requested = 0;

  g_assert_true (gh_ui_test_sign_in (window, "4000000013", "0013"));
  dashboard = dashboard_of (window);
  g_assert_true (gh_ui_test_wait_frames (GTK_WIDGET (window), 3));
  row = choice_row (window, "personalize.offers");
  switches = gh_ui_test_find_all (GTK_WIDGET (row), GTK_TYPE_SWITCH);
  g_assert_cmpuint (switches->len, ==, 1);
  g_test_message ("switch: %dx%d", gtk_widget_get_width (switches->pdata[0]),
                  gtk_widget_get_height (switches->pdata[0]));
  g_assert_cmpint (gtk_widget_get_height (switches->pdata[0]), >=, 64);
  g_assert_cmpint (gtk_widget_get_width (switches->pdata[0]), >=, 64);

  labels = gh_ui_test_find_all (GTK_WIDGET (row), GTK_TYPE_LABEL);
  for (guint i = 0; i < labels->len && title == NULL; i++)
    if (gtk_widget_has_css_class (labels->pdata[i], "row-title"))
      title = labels->pdata[i];
  g_assert_nonnull (title);
  click = row_click (GTK_WIDGET (row));
  g_assert_nonnull (click);
  g_assert_true (gtk_widget_compute_point (title, GTK_WIDGET (row),
                                           &GRAPHENE_POINT_INIT (gtk_widget_get_width (title) / 2.f,
                                                                 gtk_widget_get_height (title) / 2.f),
                                           &at));
  g_signal_connect (row, "change-requested", G_CALLBACK (count_change_requested), &requested);
  g_assert_false (gh_dashboard_page_get_preview_shown (dashboard));
  g_signal_emit_by_name (click, "released", 1, (double) at.x, (double) at.y);
  g_assert_cmpuint (requested, ==, 1);
  /* The shopper's switch-off goes to the preview, as from the switch. */
  if (gh_consent_row_get_granted (row))
    g_assert_true (gh_dashboard_page_get_preview_shown (dashboard));
  gtk_window_destroy (GTK_WINDOW (window));
}

/* A deletion date still to come reads as one: "Will be deleted on …", never
 * "Deleted on …" for data the shopper can see is still held. */
static void
test_deletion_dates_in_the_future (void)
{
  GhWindow *window = gh_ui_test_window_new (db_path, 1920, 1080);
  g_auto(GStrv) texts = NULL;
  guint future = 0;

  g_assert_true (gh_ui_test_sign_in (window, "4000000014", "0014"));
  texts = gh_ui_test_label_texts (_gh_window_get_page (window, "dashboard"));
  for (guint i = 0; texts[i] != NULL; i++)
    {
      if (g_str_has_prefix (texts[i], "Deleted on"))
        gh_ui_test_fail ("\"%s\" reads as already deleted", texts[i]);
      if (g_str_has_prefix (texts[i], "Will be deleted on "))
        future++;
    }
  g_assert_cmpuint (future, >, 0);
  gtk_window_destroy (GTK_WINDOW (window));
}

static void
test_cannot_switch_off_contract (void)
{
  GhWindow *window = gh_ui_test_window_new (db_path, 1920, 1080);
  GhConsentRow *row;
  g_autoptr(GPtrArray) switches = NULL;
  g_autofree char *text = NULL;

  g_assert_true (gh_ui_test_sign_in (window, "4000000004", "0004"));
  row = choice_row (window, "service.membership");
  switches = gh_ui_test_find_all (GTK_WIDGET (row), GTK_TYPE_SWITCH);
  g_assert_false (gtk_widget_get_visible (switches->pdata[0]));
  text = gh_ui_test_collect_text (GTK_WIDGET (row));
  g_assert_nonnull (strstr (text, "cannot be switched off"));
  g_assert_nonnull (strstr (text, "Always on"));
  gtk_window_destroy (GTK_WINDOW (window));
}

typedef struct {
  GhWindow   *window;
  const char *needle;
} TextWait;

static gboolean
identify_says (gpointer data)
{
  TextWait *wait = data;
  g_autofree char *text = gh_ui_test_collect_text (_gh_window_get_page (wait->window,
                                                                        "identify"));
  return strstr (text, wait->needle) != NULL;
}

static gboolean
not_checking (gpointer data)
{
  return !identify_says (data);
}

static void
test_wrong_pin_then_lockout (void)
{
  GhWindow *window = gh_ui_test_window_new (db_path, 1920, 1080);
  TextWait mismatch = { window, "do not match" };
  TextWait locked = { window, "Too many wrong PINs" };
  TextWait checking = { window, "Checking…" };

  TextWait four_left = { window, "try the PIN 4 more times" };
  TextWait three_left = { window, "try the PIN 3 more times" };
  TextWait pin_step = { window, "Enter your PIN" };

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "kiosk.start", NULL));
  gh_ui_test_keypad_type (window, "4000000005");
  gh_ui_test_keypad_type (window, "1234");
  g_assert_true (gh_ui_test_wait (identify_says, &mismatch, 5000));
  g_assert_cmpstr (gh_window_get_page_name (window), ==, "identify");
  /* Still on the PIN step, told how many tries are left. */
  g_assert_true (identify_says (&pin_step));
  g_assert_true (identify_says (&four_left));
  gh_ui_test_keypad_type (window, "4321");
  g_assert_true (gh_ui_test_wait (identify_says, &three_left, 5000));
  g_assert_true (identify_says (&pin_step));

  /* An unknown number reads exactly the same. */
  gtk_widget_activate_action (_gh_window_get_page (window, "identify"), "identify.back", NULL);
  gh_ui_test_keypad_type (window, "4999999999");
  gh_ui_test_keypad_type (window, "1234");
  g_assert_true (gh_ui_test_wait (identify_says, &mismatch, 5000));
  g_assert_true (identify_says (&four_left));

  /* Wrong again and again: the account locks and the page says how long to wait. */
  gtk_widget_activate_action (_gh_window_get_page (window, "identify"), "identify.back", NULL);
  gh_ui_test_keypad_type (window, "4000000005");
  for (int i = 0; i < 8 && !identify_says (&locked); i++)
    {
      gh_ui_test_keypad_type (window, "1234");
      g_assert_true (identify_says (&checking));
      g_assert_true (gh_ui_test_wait (not_checking, &checking, 5000));
    }
  g_assert_true (identify_says (&locked));
  {
    TextWait minutes = { window, "minute" };
    g_assert_true (identify_says (&minutes));
  }
  /* Even the right PIN is refused while locked. */
  gh_ui_test_keypad_type (window, "4000000005");
  gh_ui_test_keypad_type (window, "0005");
  g_assert_true (identify_says (&checking));
  g_assert_true (gh_ui_test_wait (not_checking, &checking, 5000));
  g_assert_cmpstr (gh_window_get_page_name (window), ==, "identify");
  g_assert_true (identify_says (&locked));
  gtk_window_destroy (GTK_WINDOW (window));
}

static gboolean
on_attract (gpointer data)
{
  return g_strcmp0 (gh_window_get_page_name (data), "attract") == 0;
}

/* No data item row is on screen, and no mapped label shows @name or @email. */
static void
assert_no_data_mapped (GhWindow   *window,
                       const char *name,
                       const char *email)
{
  g_autoptr(GPtrArray) rows =
    gh_ui_test_find_all (_gh_window_get_page (window, "dashboard"), GH_TYPE_DATA_ITEM_ROW);
  g_autoptr(GPtrArray) labels = gh_ui_test_find_all (GTK_WIDGET (window), GTK_TYPE_LABEL);

  g_assert_cmpuint (rows->len, >, 0);
  for (guint i = 0; i < rows->len; i++)
    g_assert_false (gtk_widget_get_mapped (g_ptr_array_index (rows, i)));
  for (guint i = 0; i < labels->len; i++)
    {
      GtkWidget *label = g_ptr_array_index (labels, i);
      const char *text = gtk_label_get_label (GTK_LABEL (label));

      if (!gtk_widget_get_mapped (label))
        continue;
      if (strstr (text, email) != NULL || strstr (text, name) != NULL)
        gh_ui_test_fail ("\"%s\" readable behind the idle warning", text);
    }
}

/* "Copy of my data" tapped three times issues one copy and shows its code three times;
 * the receipt button appears only once there is a change to receipt, and each page says
 * what it is and how long its code works. */
static void
test_copy_once_per_visit (void)
{
  GhWindow *window = gh_ui_test_window_new (db_path, 1920, 1080);
  GtkWidget *copy_button;
  GtkWidget *receipt_button;
  g_autofree char *first_code = NULL;
  guint before = count_receipts_issued ("access");

  g_assert_true (gh_ui_test_sign_in (window, "4000000011", "0011"));
  copy_button = button_for_action (_gh_window_get_page (window, "dashboard"), "kiosk.copy-data");
  receipt_button = button_for_action (_gh_window_get_page (window, "dashboard"),
                                      "kiosk.follow-up");
  g_assert_nonnull (copy_button);
  g_assert_nonnull (receipt_button);
  /* Nothing changed yet: no receipt to offer, and its action does nothing. */
  g_assert_false (gtk_widget_get_visible (receipt_button));
  gtk_widget_activate_action (GTK_WIDGET (window), "kiosk.follow-up", NULL);
  g_assert_false (gh_ui_test_wait (on_follow_up, window, 500));

  for (guint tap = 0; tap < 3; tap++)
    {
      GtkWidget *page;
      g_auto(GStrv) texts = NULL;
      g_autofree char *all = NULL;

      g_assert_true (gtk_widget_is_sensitive (copy_button));
      g_assert_true (gtk_widget_activate (copy_button));
      g_assert_true (gh_ui_test_wait (on_follow_up, window, 10000));
      page = _gh_window_get_page (window, "follow-up");
      g_assert_cmpint (gh_follow_up_page_get_kind (GH_FOLLOW_UP_PAGE (page)), ==,
                       GH_RECEIPT_KIND_ACCESS);
      texts = gh_ui_test_label_texts (page);
      all = g_strjoinv ("\n", texts);
      g_assert_nonnull (strstr (all, "A copy of your data"));
      g_assert_nonnull (strstr (all, "The code works for 30 days."));
      g_assert_null (strstr (all, "at any time"));
      if (first_code == NULL)
        first_code = g_strdup (gh_follow_up_page_get_short_code (GH_FOLLOW_UP_PAGE (page)));
      else
        g_assert_cmpstr (gh_follow_up_page_get_short_code (GH_FOLLOW_UP_PAGE (page)), ==,
                         first_code);
      g_signal_emit_by_name (page, "done");
      g_assert_true (gh_ui_test_wait_page (window, "dashboard", 2000));
    }
  g_assert_cmpuint (count_receipts_issued ("access"), ==, before + 1);
  gtk_window_destroy (GTK_WINDOW (window));
}

static gboolean
widget_is_mapped (gpointer widget)
{
  return gtk_widget_get_mapped (widget);
}

static void
test_idle_timeout_wipes (void)
{
  GhWindow *window = gh_ui_test_window_new (db_path, 1920, 1080);
  g_autoptr(JsonNode) show = gh_ui_test_ctl_json (db_path, "customer", "show", "4000000006",
                                                  "--json", NULL);
  JsonObject *customer = json_node_get_object (show);
  const char *name = json_object_get_string_member (customer, "display_name");
  const char *email = NULL;
  JsonArray *categories = json_object_get_array_member (customer, "categories");
  g_autofree char *text = NULL;
  GhSession *session;
  GPtrArray *rows;

  for (guint i = 0; i < json_array_get_length (categories); i++)
    {
      JsonObject *group = json_array_get_object_element (categories, i);
      if (g_str_equal (json_object_get_string_member (group, "category"), "user.contact.email"))
        email = json_object_get_string_member (json_object_get_object_member (
          json_array_get_object_element (json_object_get_array_member (group, "items"), 0),
          "attributes"), "value");
    }
  g_assert_nonnull (email);

  g_assert_true (gh_ui_test_sign_in (window, "4000000006", "0006"));
  session = g_object_ref (gh_window_get_session (window));
  text = gh_ui_test_collect_text (GTK_WIDGET (window));
  g_assert_nonnull (strstr (text, name));
  g_assert_nonnull (strstr (text, email));
  g_clear_pointer (&text, g_free);

  /* The warning comes, and "I need more time" keeps the visit. */
  _gh_window_set_idle_timeout (window, 300, 2);
  g_assert_true (gh_ui_test_wait ((GhUiTestCondition) _gh_window_get_idle_warning_shown, window,
                                  3000));
  /* Behind the warning nothing of the shopper's is readable. */
  g_assert_true (gh_ui_test_wait_frames (GTK_WIDGET (window), 2));
  assert_no_data_mapped (window, name, email);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "kiosk.more-time", NULL));
  g_assert_false (_gh_window_get_idle_warning_shown (window));
  g_assert_cmpstr (gh_window_get_page_name (window), ==, "dashboard");
  g_assert_true (gh_ui_test_wait_frames (GTK_WIDGET (window), 2));
  rows = gh_ui_test_find_all (_gh_window_get_page (window, "dashboard"), GH_TYPE_DATA_ITEM_ROW);
  g_assert_cmpuint (rows->len, >, 0);
  /* Back on screen once the page is laid out again (a few frames on a busy machine). */
  g_assert_true (gh_ui_test_wait (widget_is_mapped, g_ptr_array_index (rows, 0), 3000));
  g_ptr_array_unref (rows);

  /* Left alone: warning, countdown, back to attract. */
  g_assert_true (gh_ui_test_wait ((GhUiTestCondition) _gh_window_get_idle_warning_shown, window,
                                  3000));
  g_assert_true (gh_ui_test_wait (on_attract, window, 5000));
  g_assert_null (gh_window_get_session (window));
  g_assert_true (gh_session_get_ended (session));
  g_assert_null (gh_session_get_customer (session));
  g_assert_null (gh_session_get_items (session));
  g_object_unref (session);

  g_assert_true (gh_ui_test_wait_frames (GTK_WIDGET (window), 2));
  text = gh_ui_test_collect_text (GTK_WIDGET (window));
  g_assert_null (strstr (text, name));
  g_assert_null (strstr (text, email));
  g_assert_null (strstr (text, "4000000006"));
  g_assert_null (_gh_window_get_page (window, "dashboard"));
  gtk_window_destroy (GTK_WINDOW (window));
}

static void
test_sign_out_wipes (void)
{
  GhWindow *window = gh_ui_test_window_new (db_path, 1080, 1920);
  g_autofree char *text = NULL;
  const char *name;
  g_autofree char *copy = NULL;

  g_assert_true (gh_ui_test_sign_in (window, "4000000007", "0007"));
  g_assert_true (gh_ui_test_wait (dashboard_portrait, dashboard_of (window), 5000));
  g_assert_true (gh_dashboard_page_get_portrait (dashboard_of (window)));
  name = gh_session_get_display_name (gh_window_get_session (window));
  copy = g_strdup (name);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "kiosk.sign-out", NULL));
  g_assert_cmpstr (gh_window_get_page_name (window), ==, "attract");
  g_assert_true (gh_ui_test_wait_frames (GTK_WIDGET (window), 2));
  text = gh_ui_test_collect_text (GTK_WIDGET (window));
  g_assert_null (strstr (text, copy));
  g_assert_null (strstr (text, "4000000007"));
  gtk_window_destroy (GTK_WINDOW (window));
}

/* Switches personalize.offers the other way for @loyalty, confirming a switch-off. */
static void
change_a_choice (GhWindow   *window,
                 const char *loyalty)
{
  GhDashboardPage *dashboard = dashboard_of (window);
  g_autofree char *state = gh_ui_test_consent_state (db_path, loyalty, "personalize.offers");
  gboolean granted = g_strcmp0 (state, "granted") == 0;

  tap_switch (choice_row (window, "personalize.offers"), !granted);
  if (granted)
    {
      g_assert_true (gh_ui_test_wait (preview_ready, dashboard, 5000));
      g_assert_true (gtk_widget_activate_action (GTK_WIDGET (dashboard), "dashboard.confirm",
                                                 NULL));
    }
  g_assert_true (gh_ui_test_wait (dashboard_idle, dashboard, 5000));
  g_assert_cmpuint (gh_session_get_changes (gh_window_get_session (window))->len, ==, 1);
}

static gboolean
on_leave (gpointer data)
{
  return g_strcmp0 (gh_window_get_page_name (data), "leave") == 0;
}

/* Signing out after a change offers the receipt: one tap shows the code, one leaves;
 * or one tap leaves without it. */
static void
test_sign_out_offers_receipt (void)
{
  GhWindow *window = gh_ui_test_window_new (db_path, 1920, 1080);
  GtkWidget *sign_out = button_for_action (GTK_WIDGET (window), "kiosk.sign-out");
  GtkWidget *page;
  GtkWidget *done;
  guint before = count_receipts_issued ("consent");

  g_assert_true (gh_ui_test_sign_in (window, "4000000012", "0012"));
  change_a_choice (window, "4000000012");
  g_assert_true (gtk_widget_activate (sign_out));
  g_assert_true (gh_ui_test_wait (on_leave, window, 2000));
  g_assert_nonnull (gh_window_get_session (window));
  /* Tap 1: the code. */
  g_assert_true (gtk_widget_activate (button_for_action (_gh_window_get_page (window, "leave"),
                                                         "kiosk.leave-with-receipt")));
  g_assert_true (gh_ui_test_wait (on_follow_up, window, 10000));
  page = _gh_window_get_page (window, "follow-up");
  g_assert_cmpint (gh_follow_up_page_get_kind (GH_FOLLOW_UP_PAGE (page)), ==,
                   GH_RECEIPT_KIND_CONSENT);
  g_assert_nonnull (gh_follow_up_page_get_url (GH_FOLLOW_UP_PAGE (page)));
  g_assert_cmpuint (count_receipts_issued ("consent"), ==, before + 1);
  /* Tap 2: gone, and the visit with it. */
  {
    g_autoptr(GPtrArray) buttons = gh_ui_test_find_all (page, GTK_TYPE_BUTTON);
    done = NULL;
    for (guint i = 0; i < buttons->len; i++)
      if (g_strcmp0 (gtk_button_get_label (buttons->pdata[i]), "Done") == 0)
        done = buttons->pdata[i];
  }
  g_assert_nonnull (done);
  g_assert_true (gtk_widget_activate (done));
  g_assert_true (gh_ui_test_wait (on_attract, window, 2000));
  g_assert_null (gh_window_get_session (window));

  /* Or one tap leaves without it. */
  g_assert_true (gh_ui_test_sign_in (window, "4000000012", "0012"));
  change_a_choice (window, "4000000012");
  g_assert_true (gtk_widget_activate (sign_out));
  g_assert_true (gh_ui_test_wait (on_leave, window, 2000));
  g_assert_true (gtk_widget_activate (button_for_action (_gh_window_get_page (window, "leave"),
                                                         "kiosk.leave")));
  g_assert_true (gh_ui_test_wait (on_attract, window, 2000));
  g_assert_null (gh_window_get_session (window));
  g_assert_cmpuint (count_receipts_issued ("consent"), ==, before + 1);

  /* Receipt already taken from the dashboard: signing out is one tap again. */
  g_assert_true (gh_ui_test_sign_in (window, "4000000012", "0012"));
  change_a_choice (window, "4000000012");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "kiosk.follow-up", NULL));
  g_assert_true (gh_ui_test_wait (on_follow_up, window, 10000));
  g_signal_emit_by_name (_gh_window_get_page (window, "follow-up"), "done");
  g_assert_true (gh_ui_test_wait_page (window, "dashboard", 2000));
  g_assert_true (gtk_widget_activate (sign_out));
  g_assert_true (gh_ui_test_wait (on_attract, window, 2000));
  g_assert_cmpuint (count_receipts_issued ("consent"), ==, before + 2);
  gtk_window_destroy (GTK_WINDOW (window));
}

/* Writes the demo config as version @version under the brand @brand, signed with the
 * demo key, into @inbox the way HQ's delivery does (a temporary name, then renamed). */
static void
drop_bundle (const char *inbox,
             gint64      version,
             const char *brand)
{
  g_autofree char *source = g_build_filename (g_getenv ("GLASSHOUSE_SOURCE_DIR"), "data", "demo",
                                              "config.json", NULL);
  g_autofree char *key = g_build_filename (g_getenv ("GLASSHOUSE_SOURCE_DIR"), "data", "demo",
                                           "demo-hq-key-DO-NOT-USE.key", NULL);
  g_autofree char *config_path = g_build_filename (store_dir, "config-next.json", NULL);
  g_autofree char *tmp = g_build_filename (inbox, ".incoming", NULL);
  g_autofree char *name = g_strdup_printf ("v%" G_GINT64_FORMAT ".bundle", version);
  g_autofree char *final = g_build_filename (inbox, name, NULL);
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autofree char *bundle = NULL;
  JsonObject *config;
  const char *argv[] = { g_getenv ("GLASSHOUSE_CTL"), "bundle", "sign", "--key", key, config_path,
                         NULL };
  int status = 0;

  g_assert_true (json_parser_load_from_file (parser, source, NULL));
  config = json_node_get_object (json_parser_get_root (parser));
  json_object_set_int_member (config, "version", version);
  json_object_set_string_member (json_object_get_object_member (config, "branding"), "name",
                                 brand);
  json_generator_set_root (generator, json_parser_get_root (parser));
  g_assert_true (json_generator_to_file (generator, config_path, NULL));
  g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, &bundle,
                               NULL, &status, NULL));
  g_assert_true (g_spawn_check_wait_status (status, NULL));
  g_mkdir_with_parents (inbox, 0755);
  g_assert_true (g_file_set_contents (tmp, bundle, -1, NULL));
  g_assert_cmpint (g_rename (tmp, final), ==, 0);
}

typedef struct {
  GhWindow   *window;
  const char *brand;
} BrandWait;

static gboolean
brand_is (gpointer data)
{
  BrandWait *wait = data;
  GhCatalog *catalog = gh_window_get_catalog (wait->window);

  return catalog != NULL && g_strcmp0 (gh_catalog_get_brand_name (catalog), wait->brand) == 0;
}

static void
test_config_waits_for_the_visit (void)
{
  GhWindow *window = gh_ui_test_window_new (db_path, 1920, 1080);
  g_autofree char *inbox = g_build_filename (store_dir, "inbox", NULL);
  BrandWait renamed = { window, "Glasshouse Test Market" };
  g_autofree char *text = NULL;

  /* Let the inbox start (it waits for the attract screen's first frame). */
  g_assert_true (gh_ui_test_wait (inbox_started, window, 10000));
  g_assert_true (gh_ui_test_sign_in (window, "4000000008", "0008"));
  drop_bundle (inbox, 2, renamed.brand);
  /* Nothing changes under the shopper... */
  g_assert_false (gh_ui_test_wait (brand_is, &renamed, 3000));
  g_assert_false (brand_is (&renamed));
  g_assert_cmpstr (gh_window_get_page_name (window), ==, "dashboard");

  /* ...and the new config is in force once the visit ends. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "kiosk.sign-out", NULL));
  g_assert_true (gh_ui_test_wait (brand_is, &renamed, 10000));
  g_assert_true (gh_ui_test_wait_frames (GTK_WIDGET (window), 2));
  text = gh_ui_test_collect_text (_gh_window_get_page (window, "attract"));
  g_assert_nonnull (strstr (text, renamed.brand));
  gtk_window_destroy (GTK_WINDOW (window));
}

static gboolean
inbox_started (gpointer data)
{
  return _gh_window_get_inbox (data) != NULL;
}

static gboolean
config_read_done (gpointer data)
{
  return !_gh_window_is_loading_config (data);
}

/* The demo config with another brand name, as HQ's inbox hands it over once applied. */
static GhCatalog *
demo_catalog_named (const char *brand)
{
  g_autofree char *source = g_build_filename (g_getenv ("GLASSHOUSE_SOURCE_DIR"), "data", "demo",
                                              "config.json", NULL);
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) error = NULL;
  GhCatalog *catalog;
  JsonObject *config;
  gsize length;
  char *json;

  g_assert_true (json_parser_load_from_file (parser, source, NULL));
  config = json_node_get_object (json_parser_get_root (parser));
  json_object_set_string_member (json_object_get_object_member (config, "branding"), "name",
                                 brand);
  json_generator_set_root (generator, json_parser_get_root (parser));
  json = json_generator_to_data (generator, &length);
  bytes = g_bytes_new_take (json, length);
  catalog = gh_catalog_new_from_bytes (bytes, &error);
  g_assert_no_error (error);
  return catalog;
}

/* The end of a visit reads the store's config in a worker while the inbox may apply a
 * newer bundle: when the inbox's config arrives first, the older read that finishes
 * after it must not put the old brand back on screen (it once did, now and then). */
static void
test_inbox_config_outlives_older_read (void)
{
  GhWindow *window = gh_ui_test_window_new (db_path, 1920, 1080);
  g_autoptr(GhCatalog) newer = demo_catalog_named ("Glasshouse Newer Market");
  BrandWait newer_brand = { window, "Glasshouse Newer Market" };

  g_assert_true (gh_ui_test_wait (inbox_started, window, 10000));
  _gh_window_reload_config (window);   /* reads the older config, still in the store */
  g_signal_emit_by_name (_gh_window_get_inbox (window), "config-changed", newer);
  g_assert_true (brand_is (&newer_brand));

  g_assert_true (gh_ui_test_wait (config_read_done, window, 10000));
  g_assert_true (gh_ui_test_wait_frames (GTK_WIDGET (window), 2));
  g_assert_true (brand_is (&newer_brand));
  gtk_window_destroy (GTK_WINDOW (window));
}

int
main (int   argc,
      char *argv[])
{
  int result;

  gtk_test_init (&argc, &argv, NULL);
  store_dir = g_dir_make_tmp ("glasshouse-ui-XXXXXX", NULL);
  db_path = gh_ui_test_demo_store (store_dir, 20);

  g_test_add_func ("/kiosk/sign-in-matches-store", test_sign_in_matches_store);
  g_test_add_func ("/kiosk/revoke-preview-confirm-undo", test_revoke_preview_confirm_undo);
  g_test_add_func ("/kiosk/preview-kept-on-is-counted", test_preview_kept_on_is_counted);
  g_test_add_func ("/kiosk/contract-cannot-be-switched-off", test_cannot_switch_off_contract);
  g_test_add_func ("/kiosk/consent-row-is-the-target", test_consent_row_is_the_target);
  g_test_add_func ("/kiosk/deletion-dates-in-the-future", test_deletion_dates_in_the_future);
  g_test_add_func ("/kiosk/wrong-pin-then-lockout", test_wrong_pin_then_lockout);
  g_test_add_func ("/kiosk/copy-once-per-visit", test_copy_once_per_visit);
  g_test_add_func ("/kiosk/idle-timeout-wipes", test_idle_timeout_wipes);
  g_test_add_func ("/kiosk/sign-out-wipes", test_sign_out_wipes);
  g_test_add_func ("/kiosk/sign-out-offers-receipt", test_sign_out_offers_receipt);
  g_test_add_func ("/kiosk/config-waits-for-the-visit", test_config_waits_for_the_visit);
  g_test_add_func ("/kiosk/inbox-config-outlives-older-read",
                   test_inbox_config_outlives_older_read);
  result = g_test_run ();

  {
    g_autofree char *command = g_strdup_printf ("rm -rf %s", store_dir);
    g_spawn_command_line_sync (command, NULL, NULL, NULL, NULL);
  }
  return result;
}
