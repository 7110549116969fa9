/* HQ's longest words: a config whose every title and description (purposes, offers, data
 * categories) is one unbroken 120-letter word, in English and German, must leave the kiosk
 * on its screen: nothing wider than the window, "Forget me", "Sign out" and every consent
 * switch inside it, in landscape and portrait, with and without larger text.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "gh-accessibility.h"
#include "gh-consent-row.h"
#include "gh-ui-test-utils.h"

static char *store_dir;
static char *db_path;

/* "Datenschutzgrundverordnung" over and over: a word no line breaker may split. */
static char *
long_word (guint letters)
{
  static const char stem[] = "Datenschutzgrundverordnung";
  GString *word = g_string_new (NULL);

  while (word->len < letters)
    g_string_append_c (word, stem[word->len % (sizeof stem - 1)]);
  return g_string_free (word, FALSE);
}

static void
lengthen (JsonObject *object,
          const char *member,
          const char *word)
{
  JsonObject *texts;

  if (!json_object_has_member (object, member))
    return;
  texts = json_object_get_object_member (object, member);
  json_object_set_string_member (texts, "en", word);
  json_object_set_string_member (texts, "de", word);
}

static void
lengthen_all (JsonArray  *array,
              const char *word)
{
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonObject *object = json_array_get_object_element (array, i);

      lengthen (object, "title", word);
      lengthen (object, "description", word);
    }
}

/* The demo config as version 2 with every title and description one long word, signed with
 * the demo key and applied to the store with glasshouse-ctl. */
static void
apply_long_words (void)
{
  const char *source_dir = g_getenv ("GLASSHOUSE_SOURCE_DIR");
  g_autofree char *source = g_build_filename (source_dir, "data", "demo", "config.json", NULL);
  g_autofree char *key = g_build_filename (source_dir, "data", "demo", "demo-hq-key-DO-NOT-USE.key",
                                           NULL);
  g_autofree char *trust = g_build_filename (source_dir, "data", "demo", "demo-hq-key-DO-NOT-USE.pub",
                                             NULL);
  g_autofree char *config_path = g_build_filename (store_dir, "long-words.json", NULL);
  g_autofree char *bundle_path = g_build_filename (store_dir, "long-words.bundle", NULL);
  g_autofree char *word = long_word (120);
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autofree char *bundle = NULL;
  JsonObject *config;
  int status = 0;

  g_assert_true (json_parser_load_from_file (parser, source, NULL));
  config = json_node_get_object (json_parser_get_root (parser));
  json_object_set_int_member (config, "version", 2);
  lengthen_all (json_object_get_array_member (config, "purposes"), word);
  lengthen_all (json_object_get_array_member (config, "offers"), word);
  lengthen_all (json_object_get_array_member (config, "data_categories"), word);
  json_generator_set_root (generator, json_parser_get_root (parser));
  g_assert_true (json_generator_to_file (generator, config_path, NULL));
  {
    const char *argv[] = { g_getenv ("GLASSHOUSE_CTL"), "bundle", "sign", "--key", key, config_path,
                           NULL };
    g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, &bundle,
                                 NULL, &status, NULL));
    g_assert_true (g_spawn_check_wait_status (status, NULL));
  }
  g_assert_true (g_file_set_contents (bundle_path, bundle, -1, NULL));
  {
    const char *argv[] = { g_getenv ("GLASSHOUSE_CTL"), "config", "apply", "--trust", trust,
                           bundle_path, "--db", db_path, NULL };
    /* Its "applied config version …" would break the test's TAP output. */
    g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_STDOUT_TO_DEV_NULL, NULL,
                                 NULL, NULL, NULL, &status, NULL));
    g_assert_true (g_spawn_check_wait_status (status, NULL));
  }
}

/* @widget lies inside the window horizontally (a control pushed off the screen cannot be
 * tapped). */
static void
assert_inside (GhWindow   *window,
               GtkWidget  *widget,
               const char *what)
{
  graphene_rect_t bounds;
  int width = gtk_widget_get_width (GTK_WIDGET (window));

  g_assert_true (gtk_widget_compute_bounds (widget, GTK_WIDGET (window), &bounds));
  if (bounds.origin.x < 0 || bounds.origin.x + bounds.size.width > width + 0.5)
    gh_ui_test_fail ("%s lies at x %.0f to %.0f, outside the %d-px window", what, bounds.origin.x,
                     bounds.origin.x + bounds.size.width, width);
}

static GtkWidget *
button_for_action (GtkWidget  *root,
                   const char *action)
{
  g_autoptr(GPtrArray) buttons = gh_ui_test_find_all (root, GTK_TYPE_BUTTON);

  for (guint i = 0; i < buttons->len; i++)
    if (gtk_widget_get_mapped (buttons->pdata[i])
        && g_strcmp0 (gtk_actionable_get_action_name (buttons->pdata[i]), action) == 0)
      return buttons->pdata[i];
  return NULL;
}

static void
check_screen (int         width,
              int         height,
              gboolean    larger_text,
              const char *name)
{
  GhWindow *window = gh_ui_test_window_new (db_path, width, height);
  g_autoptr(GPtrArray) rows = NULL;
  g_autofree char *png = NULL;
  GtkWidget *forget, *sign_out;
  int natural = 0;

  g_assert_true (gh_ui_test_sign_in (window, "4000000002", "0002"));
  if (larger_text)
    gh_accessibility_set_larger_text (gh_accessibility_get_for_display (
      gtk_widget_get_display (GTK_WIDGET (window))), TRUE);
  gh_ui_test_settle (GTK_WIDGET (window));

  /* The window did not grow past the screen, and does not want to. */
  g_assert_cmpint (gtk_widget_get_width (GTK_WIDGET (window)), <=, width);
  gtk_widget_measure (GTK_WIDGET (window), GTK_ORIENTATION_HORIZONTAL, -1, &natural, NULL, NULL,
                      NULL);
  if (natural > width)
    gh_ui_test_fail ("%s: the window needs at least %d px, the screen has %d", name, natural, width);

  forget = button_for_action (GTK_WIDGET (window), "kiosk.forget");
  sign_out = button_for_action (GTK_WIDGET (window), "kiosk.sign-out");
  g_assert_nonnull (forget);
  g_assert_nonnull (sign_out);
  assert_inside (window, forget, "Forget me");
  assert_inside (window, sign_out, "Sign out");
  rows = gh_ui_test_find_all (GTK_WIDGET (window), GH_TYPE_CONSENT_ROW);
  g_assert_cmpuint (rows->len, >, 0);
  for (guint i = 0; i < rows->len; i++)
    {
      g_autoptr(GPtrArray) switches = gh_ui_test_find_all (rows->pdata[i], GTK_TYPE_SWITCH);

      for (guint s = 0; s < switches->len; s++)
        if (gtk_widget_get_mapped (switches->pdata[s]))
          assert_inside (window, switches->pdata[s], "a consent switch");
    }

  {
    g_autofree char *file = g_strdup_printf ("long-words-%s.png", name);
    png = g_build_filename (g_getenv ("GLASSHOUSE_BUILD_DIR"), file, NULL);
  }
  gh_ui_test_save_png (GTK_WIDGET (window), png);
  gtk_window_destroy (GTK_WINDOW (window));
}

static void
test_landscape (void)
{
  check_screen (1920, 1080, FALSE, "landscape");
}

static void
test_portrait (void)
{
  check_screen (1080, 1920, FALSE, "portrait");
}

static void
test_portrait_larger_text (void)
{
  check_screen (1080, 1920, TRUE, "portrait-larger-text");
}

int
main (int   argc,
      char *argv[])
{
  int result;

  gtk_test_init (&argc, &argv, NULL);
  store_dir = g_dir_make_tmp ("glasshouse-long-words-XXXXXX", NULL);
  db_path = gh_ui_test_demo_store (store_dir, 3);
  apply_long_words ();

  g_test_add_func ("/ui/long-words/landscape", test_landscape);
  g_test_add_func ("/ui/long-words/portrait", test_portrait);
  g_test_add_func ("/ui/long-words/portrait-larger-text", test_portrait_larger_text);
  result = g_test_run ();

  {
    g_autofree char *command = g_strdup_printf ("rm -rf '%s'", store_dir);
    (void) !system (command);
  }
  return result;
}
