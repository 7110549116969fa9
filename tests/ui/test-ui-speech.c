/* Read aloud, heard: a private speech-dispatcher for this test alone (its own config,
 * socket and output module) whose generic module writes every utterance, with its
 * language, rate and volume, to a file instead of a loudspeaker. The kiosk is driven
 * by keys through the real X server (xdotool): Read aloud switched on by holding Esc,
 * a whole visit by Tab, digits and Enter; what the file holds is what a blind shopper
 * would have heard. Also: German speech for a German visit, the voice's volume and
 * speed, silence from sign-out on, and a kiosk with no speech service.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gstdio.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "gh-accessibility.h"
#include "gh-consent-row.h"
#include "gh-narrator.h"
#include "gh-spoken.h"
#include "gh-ui-test-utils.h"

#define MODULE_DIR "/usr/lib/speech-dispatcher-modules"

/* test-ui-speech-tour.c sets it: the screenshots alone. */
#ifndef GH_SPEECH_TOUR
#define GH_SPEECH_TOUR 0
#endif

/* The demo's shopper with offers; the demo's PIN is the number's last 4 digits. */
#define SHOPPER "4000000042"

static char *store_dir;
static char *db_path;
static char *speech_dir;
static char *spoken_path;
static char *speechd_address;
static GPid speechd_pid;

/* ---- the private speech service ---------------------------------------------------- */

/* The voices of the kiosk's languages, for the generic module. */
#define GENERIC_VOICES                                                                     \
  "GenericLanguage \"en\" \"en\" \"UTF-8\"\n"                                               \
  "GenericLanguage \"de\" \"de\" \"UTF-8\"\n"                                               \
  "GenericLanguage \"fr\" \"fr\" \"UTF-8\"\n"                                               \
  "GenericLanguage \"es\" \"es\" \"UTF-8\"\n"                                               \
  "AddVoice \"en\" \"MALE1\" \"en\"\n"                                                      \
  "AddVoice \"de\" \"MALE1\" \"de\"\n"                                                      \
  "AddVoice \"fr\" \"MALE1\" \"fr\"\n"                                                      \
  "AddVoice \"es\" \"MALE1\" \"es\"\n"

/* Every utterance, one line: language|rate|volume|text. The generic module quotes
 * $DATA for the shell itself (a ' in the text arrives as '\''), so the line is built
 * with printf and single quotes only. */
static const char capture_module[] =
  "GenericExecuteSynth \"printf '%%s|%%s|%%s|%%s\\\\n' \\'$LANGUAGE\\' \\'$RATE\\' "
  "\\'$VOLUME\\' \\'$DATA\\' >> '%s'\"\n"
  GENERIC_VOICES;

/* Every utterance rendered by espeak-ng, in its language's voice, to a WAV file of
 * its own in the folder given (the shell's pid names it). */
static const char render_module[] =
  "GenericExecuteSynth \"espeak-ng -v $LANGUAGE -w '%s'/utterance-$$.wav \\'$DATA\\'\"\n"
  GENERIC_VOICES;

/* ALSA's null device: the module needs an audio output to start, none is heard. */
static const char speechd_conf[] =
  "LogLevel 2\n"
  "LogDir \"%s\"\n"
  "AudioOutputMethod \"alsa\"\n"
  "AudioALSADevice \"null\"\n"
  "AddModule \"private\" \"sd_generic\" \"private.conf\"\n"
  "DefaultModule private\n"
  "DefaultLanguage \"en\"\n";

static gboolean
file_exists (gpointer data)
{
  return g_file_test (data, G_FILE_TEST_EXISTS);
}

static gboolean
have_program (const char *name)
{
  g_autofree char *program = g_find_program_in_path (name);

  return program != NULL;
}

static gboolean
have_speechd (void)
{
  return have_program ("speech-dispatcher")
         && g_file_test (MODULE_DIR "/sd_generic", G_FILE_TEST_IS_EXECUTABLE);
}

/* A speech-dispatcher of the test's own in @dir whose one output module is the
 * generic one running @module_text; returns its SPEECHD_ADDRESS. */
static char *
spawn_speechd (const char *dir,
               const char *module_text,
               GPid       *pid)
{
  g_autofree char *conf_dir = g_build_filename (dir, "conf", NULL);
  g_autofree char *modules_dir = g_build_filename (conf_dir, "modules", NULL);
  g_autofree char *conf = g_build_filename (conf_dir, "speechd.conf", NULL);
  g_autofree char *module = g_build_filename (modules_dir, "private.conf", NULL);
  g_autofree char *conf_text = g_strdup_printf (speechd_conf, dir);
  g_autofree char *socket = g_build_filename (dir, "speechd.sock", NULL);
  g_autofree char *pid_file = g_build_filename (dir, "speechd.pid", NULL);
  /* Its own pid file, or it takes the user's service for itself; and it ends by
   * itself 20 s after its last client should this test crash. */
  const char *argv[] = { "speech-dispatcher", "-s", "-t", "20", "-C", conf_dir, "-S", socket,
                         "-m", MODULE_DIR, "-P", pid_file, NULL };
  /* A UTF-8 locale, or its module writes "Fran?ais". */
  g_auto(GStrv) env = g_environ_setenv (g_get_environ (), "LC_ALL", "C.UTF-8", TRUE);
  g_autoptr(GError) error = NULL;

  g_assert_cmpint (g_mkdir_with_parents (modules_dir, 0700), ==, 0);
  g_assert_true (g_file_set_contents (conf, conf_text, -1, NULL));
  g_assert_true (g_file_set_contents (module, module_text, -1, NULL));
  g_assert_true (g_spawn_async (NULL, (char **) argv, env,
                                G_SPAWN_SEARCH_PATH | G_SPAWN_STDOUT_TO_DEV_NULL
                                | G_SPAWN_STDERR_TO_DEV_NULL,
                                NULL, NULL, pid, &error));
  g_assert_no_error (error);
  g_assert_true (gh_ui_test_wait (file_exists, socket, 10000));
  return g_strconcat ("unix_socket:", socket, NULL);
}

static void
stop_speechd (GPid pid)
{
  kill (pid, SIGTERM);
  g_spawn_close_pid (pid);
}

static gboolean
start_speechd (void)
{
  g_autofree char *module_text = NULL;

  if (!have_speechd ())
    return FALSE;
  spoken_path = g_build_filename (speech_dir, "spoken.txt", NULL);
  module_text = g_strdup_printf (capture_module, spoken_path);
  speechd_address = spawn_speechd (speech_dir, module_text, &speechd_pid);
  return TRUE;
}

typedef struct {
  char *language;
  int   rate;
  int   volume;
  char *text;
} Utterance;

static void
utterance_free (gpointer data)
{
  Utterance *utterance = data;

  g_free (utterance->language);
  g_free (utterance->text);
  g_free (utterance);
}

/* What was said since the capture was last cleared, in order. */
static GPtrArray *
heard (void)
{
  GPtrArray *utterances = g_ptr_array_new_with_free_func (utterance_free);
  g_autofree char *contents = NULL;
  g_auto(GStrv) lines = NULL;

  if (!g_file_get_contents (spoken_path, &contents, NULL, NULL))
    return utterances;
  lines = g_strsplit (contents, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_auto(GStrv) fields = g_strsplit (lines[i], "|", 4);
      Utterance *utterance;

      if (g_strv_length (fields) != 4)
        continue;
      utterance = g_new0 (Utterance, 1);
      utterance->language = g_strdup (fields[0]);
      utterance->rate = (int) g_ascii_strtod (fields[1], NULL);
      utterance->volume = (int) g_ascii_strtod (fields[2], NULL);
      utterance->text = g_strdup (fields[3]);
      g_ptr_array_add (utterances, utterance);
    }
  return utterances;
}

/* All that was said, one string. */
static char *
heard_text (void)
{
  g_autoptr(GPtrArray) utterances = heard ();
  GString *all = g_string_new (NULL);

  for (guint i = 0; i < utterances->len; i++)
    g_string_append_printf (all, "%s ", ((Utterance *) utterances->pdata[i])->text);
  return g_string_free (all, FALSE);
}

static void
clear_heard (void)
{
  g_assert_true (g_file_set_contents (spoken_path, "", 0, NULL));
}

/* The first utterance containing @words, or NULL. A no-break space (the screen keeps
 * "1992 ·" on one line with one) reaches the voice as a plain space. */
static const Utterance *
find_heard (GPtrArray  *utterances,
            const char *words)
{
  g_auto(GStrv) parts = g_strsplit (words, "\u00a0", -1);
  g_autofree char *plain = g_strjoinv (" ", parts);

  for (guint i = 0; i < utterances->len; i++)
    {
      const Utterance *utterance = utterances->pdata[i];

      if (strstr (utterance->text, plain) != NULL)
        return utterance;
    }
  return NULL;
}

/* @text as TAP comment lines (the test's output is TAP); takes @text. */
static char *
tap_comment (char *text)
{
  g_auto(GStrv) lines = g_strsplit (text != NULL ? text : "", "\n", -1);
  char *joined = g_strjoinv ("\n# ", lines);

  g_free (text);
  return joined;
}

static gboolean
was_heard (gpointer data)
{
  g_autoptr(GPtrArray) utterances = heard ();

  return find_heard (utterances, data) != NULL;
}

static void
assert_heard (const char *words)
{
  if (!gh_ui_test_wait (was_heard, (gpointer) words, 10000))
    {
      g_autofree char *contents = NULL;

      g_file_get_contents (spoken_path, &contents, NULL, NULL);
      contents = tap_comment (contents);
      gh_ui_test_fail ("never heard \"%s\"; heard:\n%s", words, contents);
    }
}

/* ---- keys through the X server ---------------------------------------------------- */

static void
press (GhWindow   *window,
       const char *key)
{
  const char *args[] = { "key", key, NULL };

  gh_ui_test_xdotool (GTK_WIDGET (window), args);
}

/* Digits at a person's pace (a scanner's burst would be taken for a card), then Enter. */
static void
type_digits (GhWindow   *window,
             const char *digits)
{
  const char *args[] = { "type", "--delay", "120", digits, NULL };

  gh_ui_test_xdotool (GTK_WIDGET (window), args);
  press (window, "Return");
}

/* Holds Esc for longer than GH_NARRATOR_HOLD_MS: Read aloud on or off. */
static void
hold_escape (GhWindow *window)
{
  g_autofree char *seconds = g_strdup_printf ("%.1f", GH_NARRATOR_HOLD_MS / 1000.0 + 0.6);
  const char *args[] = { "keydown", "Escape", "sleep", seconds, "keyup", "Escape", NULL };

  gh_ui_test_xdotool (GTK_WIDGET (window), args);
}

/* ---- the kiosk --------------------------------------------------------------------- */

static GhNarrator *
narrator_of (GhWindow *window)
{
  return window->narrator;
}

static gboolean
narrator_unavailable (gpointer data)
{
  return gh_narrator_get_unavailable (data);
}

static GhWindow *
speaking_window (void)
{
  g_setenv ("SPEECHD_ADDRESS", speechd_address, TRUE);
  GhWindow *window;

  clear_heard ();
  window = gh_ui_test_window_new (db_path, 1920, 1080);
  /* Drawn and settled before the first key arrives. */
  gh_ui_test_wait_frames (GTK_WIDGET (window), 5);
  return window;
}

/* A button by the words on it, its label or its label child (Read aloud's buttons),
 * shown or in a closed popover. */
static GtkWidget *
worded_button (GtkWidget  *root,
               const char *words)
{
  g_autoptr(GPtrArray) buttons = gh_ui_test_find_all (root, GTK_TYPE_BUTTON);

  for (guint i = 0; i < buttons->len; i++)
    {
      GtkWidget *button = buttons->pdata[i];
      GtkWidget *child = gtk_button_get_child (GTK_BUTTON (button));
      const char *shown = GTK_IS_LABEL (child) ? gtk_label_get_label (GTK_LABEL (child)) : NULL;

      if (g_strcmp0 (gtk_button_get_label (GTK_BUTTON (button)), words) == 0
          || g_strcmp0 (shown, words) == 0)
        return button;
    }
  return NULL;
}

static GtkWidget *
focus_of (GhWindow *window)
{
  return gtk_root_get_focus (GTK_ROOT (window));
}

/* Tab until @widget has the focus; FALSE if it never comes. Each control the focus
 * passes is heard, by its spoken description, before the next Tab. */
static gboolean
tab_to (GhWindow  *window,
        GtkWidget *widget,
        GPtrArray *described)
{
  for (guint i = 0; i < 200; i++)
    {
      GtkWidget *focus;
      g_autofree char *description = NULL;

      press (window, "Tab");
      focus = focus_of (window);
      description = focus != NULL ? gh_spoken_describe (focus) : NULL;
      if (description != NULL && gh_narrator_get_enabled (narrator_of (window)))
        {
          assert_heard (description);
          if (described != NULL)
            g_ptr_array_add (described, g_strdup (description));
        }
      if (focus == widget || (focus != NULL && gtk_widget_is_ancestor (focus, widget)))
        return TRUE;
    }
  return FALSE;
}

static gboolean
never (gpointer data)
{
  return FALSE;
}

/* ---- tests ------------------------------------------------------------------------- */

/* The whole visit by keyboard, heard: each screen's title, each control the focus
 * reaches, every offer and purpose of the shopper, the PIN only counted, and from
 * sign-out on, nothing. */
static void
test_speech_visit (void)
{
  const char *loyalty_id = SHOPPER;
  const char *pin = loyalty_id + strlen (loyalty_id) - 4;
  GhWindow *window = speaking_window ();
  g_autoptr(GPtrArray) described = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) utterances = NULL;
  GhSession *session;
  GListModel *purposes;
  GPtrArray *offers;
  gsize before;

  /* Silent until asked: nothing is said by a kiosk nobody switched on. */
  g_assert_false (gh_narrator_get_enabled (narrator_of (window)));

  hold_escape (window);
  g_assert_true (gh_narrator_get_enabled (narrator_of (window)));
  assert_heard ("Read aloud is on.");
  assert_heard ("Welcome");
  assert_heard ("Start begins your visit.");

  /* Tab to Start, every control on the way heard, and Enter. */
  g_assert_true (tab_to (window, GTK_WIDGET (window->attract_page), NULL)
                 || gtk_widget_is_ancestor (focus_of (window), window->attract_page));
  g_assert_true (tab_to (window, gh_ui_test_find_button (window->attract_page, "Start"),
                         described));
  g_assert_cmpuint (described->len, >, 0);
  press (window, "Return");
  g_assert_true (gh_ui_test_wait_page (window, "identify", 5000));
  assert_heard ("Sign in");
  assert_heard ("Loyalty number, text field");

  /* The loyalty number and the PIN: counted, never read. */
  type_digits (window, loyalty_id);
  assert_heard ("digit 10 of 10");
  assert_heard ("PIN, text field");
  type_digits (window, pin);
  assert_heard ("digit 4 of 4");
  g_assert_true (gh_ui_test_wait_page (window, "dashboard", 10000));
  assert_heard (gh_window_page_title ("dashboard"));
  assert_heard ("Press Tab to go through your data");

  /* Every offer with its "because", every purpose with its state. */
  session = gh_window_get_session (window);
  offers = gh_session_get_offers (session);
  g_assert_cmpuint (offers->len, >, 0);
  for (guint i = 0; i < offers->len; i++)
    {
      const GhOfferMatch *match = g_ptr_array_index (offers, i);
      g_autofree char *number = g_strdup_printf ("Offer %u of %u: %s.", i + 1, offers->len,
                                                 gh_offer_get_title (match->offer, "en"));

      assert_heard (number);
    }
  /* Each with its "because…" before the next offer (the speech service may say a
   * long utterance sentence by sentence). */
  {
    g_autofree char *all = heard_text ();

    for (guint i = 0; i < offers->len; i++)
      {
        g_autofree char *number = g_strdup_printf ("Offer %u of %u: ", i + 1, offers->len);
        g_autofree char *next = g_strdup_printf ("Offer %u of %u: ", i + 2, offers->len);
        const char *said = strstr (all, number);
        const char *because = said != NULL ? strstr (said, "Because: ") : NULL;
        const char *after = said != NULL ? strstr (said, next) : NULL;

        g_assert_nonnull (because);
        g_assert_true (after == NULL || because < after);
      }
  }
  purposes = gh_catalog_get_purposes (gh_session_get_catalog (session));
  g_assert_cmpuint (g_list_model_get_n_items (purposes), >, 0);
  for (guint i = 0; i < g_list_model_get_n_items (purposes); i++)
    {
      g_autoptr(GhPurpose) purpose = g_list_model_get_item (purposes, i);

      assert_heard (gh_purpose_get_title (purpose, "en"));
    }

  /* Through the dashboard by Tab to "Sign out": each control heard as it is reached,
   * the purposes' switches among them. */
  g_ptr_array_set_size (described, 0);
  g_assert_true (tab_to (window, GTK_WIDGET (window->sign_out_button), described));
  g_assert_true (tab_to (window, GTK_WIDGET (window->sign_out_button), described));
  assert_heard (", switch, ");
  g_assert_cmpuint (described->len, >=, g_list_model_get_n_items (purposes));

  /* Nothing said ever gave the PIN or the loyalty number away. */
  g_clear_pointer (&utterances, g_ptr_array_unref);
  utterances = heard ();
  for (guint i = 0; i < utterances->len; i++)
    {
      const Utterance *said = utterances->pdata[i];

      g_assert_null (strstr (said->text, pin));
      g_assert_null (strstr (said->text, loyalty_id));
      /* Nor a digit said on its own, as a keypad key or a field's echo would. */
      g_assert_false (strlen (said->text) == 1 && g_ascii_isdigit (said->text[0]));
    }
  for (guint j = 1; j <= 4; j++)
    {
      g_autofree char *digit = g_strdup_printf ("digit %u of 4", j);

      g_assert_nonnull (find_heard (utterances, digit));
    }

  /* Sign-out: silence from then on, and the next shopper starts silent. */
  gh_ui_test_wait (never, NULL, 500);
  {
    g_autofree char *contents = NULL;

    g_assert_true (g_file_get_contents (spoken_path, &contents, &before, NULL));
  }
  press (window, "Return");
  g_assert_true (gh_ui_test_wait_page (window, "attract", 5000));
  g_assert_false (gh_narrator_get_enabled (narrator_of (window)));
  gh_ui_test_wait (never, NULL, 2000);
  {
    g_autofree char *contents = NULL;
    gsize after;

    g_assert_true (g_file_get_contents (spoken_path, &contents, &after, NULL));
    if (after != before)
      gh_ui_test_fail ("heard after sign-out:\n# %s", contents + before);
  }

  gtk_window_destroy (GTK_WINDOW (window));
}

/* A German visit speaks German: the voice's language and the words. */
static void
test_speech_german (void)
{
  const char *loyalty_id = SHOPPER;
  GhWindow *window = speaking_window ();
  g_autoptr(GPtrArray) utterances = NULL;
  GListModel *purposes;

  /* Switched on in English, then the shopper picks Deutsch: from then on German. */
  hold_escape (window);
  assert_heard ("Read aloud is on.");
  assert_heard ("Start begins your visit.");
  g_assert_true (tab_to (window, gh_ui_test_find_button (window->attract_page, "Deutsch"),
                         NULL));
  clear_heard ();
  press (window, "Return");
  g_assert_cmpstr (gh_window_get_language (window), ==, "de");
  assert_heard ("Willkommen");
  assert_heard ("Start beginnt Ihren Besuch.");

  g_assert_true (gh_ui_test_sign_in (window, loyalty_id, loyalty_id + strlen (loyalty_id) - 4));
  purposes = gh_catalog_get_purposes (gh_window_get_catalog (window));
  for (guint i = 0; i < g_list_model_get_n_items (purposes); i++)
    {
      g_autoptr(GhPurpose) purpose = g_list_model_get_item (purposes, i);

      assert_heard (gh_purpose_get_title (purpose, "de"));
    }
  assert_heard ("Ihre Angebote");

  utterances = heard ();
  g_assert_cmpuint (utterances->len, >, 5);
  for (guint i = 0; i < utterances->len; i++)
    {
      const Utterance *said = utterances->pdata[i];

      if (g_strcmp0 (said->language, "de") != 0)
        gh_ui_test_fail ("\"%s\" was said in \"%s\", not German", said->text, said->language);
    }

  gtk_widget_activate_action (GTK_WIDGET (window), "kiosk.sign-out", NULL);
  g_assert_false (gh_narrator_get_enabled (narrator_of (window)));
  gtk_window_destroy (GTK_WINDOW (window));
}

/* Louder, quieter, faster, slower: by the keys and by the on-screen buttons, heard at
 * the new volume and speed. */
static void
test_speech_voice (void)
{
  GhWindow *window = speaking_window ();
  g_autoptr(GPtrArray) utterances = NULL;
  const Utterance *said;
  GtkWidget *quieter;

  hold_escape (window);
  assert_heard ("Welcome");
  press (window, "plus");
  assert_heard ("Louder");
  press (window, "asterisk");
  assert_heard ("Faster");
  utterances = heard ();
  said = find_heard (utterances, "Louder");
  g_assert_cmpint (said->volume, ==, GH_SPEECH_STEP);
  said = find_heard (utterances, "Faster");
  g_assert_cmpint (said->rate, ==, GH_SPEECH_STEP);
  g_assert_cmpint (said->volume, ==, GH_SPEECH_STEP);

  quieter = worded_button (window->attract_page, "Quieter");
  g_assert_nonnull (quieter);
  clear_heard ();
  g_signal_emit_by_name (quieter, "clicked");
  assert_heard ("Quieter");
  g_clear_pointer (&utterances, g_ptr_array_unref);
  utterances = heard ();
  g_assert_cmpint (find_heard (utterances, "Quieter")->volume, ==, 0);

  /* The toggle by keyboard: off, then nothing more is said. */
  g_assert_true (tab_to (window, worded_button (window->attract_page, "Read aloud"),
                         NULL));
  press (window, "space");
  g_assert_false (gh_narrator_get_enabled (narrator_of (window)));
  gtk_window_destroy (GTK_WINDOW (window));
}

/* No speech service: Read aloud says so on screen, and the visit goes on. */
static void
test_speech_unavailable (void)
{
  const char *loyalty_id = SHOPPER;
  g_autofree char *dead = g_build_filename (speech_dir, "nobody.sock", NULL);
  g_autofree char *address = g_strconcat ("unix_socket:", dead, NULL);
  GhWindow *window;
  GtkWidget *toggle;

  g_setenv ("SPEECHD_ADDRESS", address, TRUE);
  window = gh_ui_test_window_new (db_path, 1920, 1080);
  toggle = worded_button (window->attract_page, "Read aloud");
  g_assert_nonnull (toggle);
  g_signal_emit_by_name (toggle, "clicked");
  g_assert_true (gh_ui_test_wait (narrator_unavailable, narrator_of (window), 10000));
  g_assert_false (gh_narrator_get_enabled (narrator_of (window)));
  g_assert_false (gtk_toggle_button_get_active (GTK_TOGGLE_BUTTON (toggle)));
  g_assert_nonnull (gh_ui_test_find_named (window->attract_page, "read-aloud"));
  {
    g_auto(GStrv) labels = gh_ui_test_label_texts (window->attract_page);
    gboolean said = FALSE;

    for (guint i = 0; labels[i] != NULL; i++)
      said |= g_str_equal (labels[i], "Read aloud is not available on this kiosk. Please ask "
                                      "a member of staff.");
    g_assert_true (said);
  }
  g_assert_true (gh_ui_test_sign_in (window, loyalty_id, loyalty_id + strlen (loyalty_id) - 4));
  gtk_widget_activate_action (GTK_WIDGET (window), "kiosk.sign-out", NULL);
  g_assert_true (gh_ui_test_wait_page (window, "attract", 5000));
  gtk_window_destroy (GTK_WINDOW (window));
}

/* The preview of switching a choice off, and the idle warning: said at once, over
 * whatever was being read. */
static void
test_speech_preview_and_idle (void)
{
  GhWindow *window = speaking_window ();
  GtkWidget *dashboard;
  g_autoptr(GPtrArray) rows = NULL;
  GtkWidget *chosen = NULL;
  const char *title = NULL;
  g_autofree char *question = NULL;

  g_assert_true (gh_ui_test_sign_in (window, SHOPPER, SHOPPER + strlen (SHOPPER) - 4));
  gh_narrator_set_enabled (narrator_of (window), TRUE);
  assert_heard (gh_window_page_title ("dashboard"));

  /* A choice that is on and can be switched off, in the choices column. */
  dashboard = _gh_window_get_page (window, "dashboard");
  rows = gh_ui_test_find_all (dashboard, GH_TYPE_CONSENT_ROW);
  for (guint i = 0; i < rows->len && chosen == NULL; i++)
    {
      GhConsentRow *row = rows->pdata[i];
      g_autoptr(GPtrArray) switches = gh_ui_test_find_all (GTK_WIDGET (row), GTK_TYPE_SWITCH);

      if (gtk_widget_get_ancestor (GTK_WIDGET (row), GTK_TYPE_POPOVER) == NULL
          && gh_purpose_get_can_revoke (gh_consent_row_get_purpose (row))
          && gh_consent_row_get_granted (row) && switches->len == 1
          && gtk_widget_get_sensitive (switches->pdata[0]))
        {
          chosen = switches->pdata[0];
          title = gh_purpose_get_title (gh_consent_row_get_purpose (row), "en");
        }
    }
  g_assert_nonnull (chosen);
  /* Right after the screen began: the dashboard's lists are still being read. */
  clear_heard ();
  gtk_switch_set_active (GTK_SWITCH (chosen), FALSE);
  question = g_strdup_printf ("Switch off “%s”?", title);
  assert_heard (question);
  gtk_widget_activate_action (dashboard, "dashboard.cancel", NULL);

  clear_heard ();
  _gh_window_set_idle_timeout (window, 300, 20);
  g_assert_true (gh_ui_test_wait ((GhUiTestCondition) _gh_window_get_idle_warning_shown, window,
                                  3000));
  assert_heard (gtk_label_get_label (window->idle_title));
  assert_heard ("I need more time");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "kiosk.more-time", NULL));
  _gh_window_set_idle_timeout (window, 0, 0);

  gtk_widget_activate_action (GTK_WIDGET (window), "kiosk.sign-out", NULL);
  gtk_window_destroy (GTK_WINDOW (window));
}

/* One figure of `sox FILE -n stat` ("Length (seconds)", "RMS     amplitude"). */
static double
sox_stat (const char *wav,
          const char *figure)
{
  const char *argv[] = { "sox", wav, "-n", "stat", NULL };
  g_autofree char *err = NULL;
  int status = 0;
  const char *line;

  g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL,
                               G_SPAWN_SEARCH_PATH | G_SPAWN_STDOUT_TO_DEV_NULL, NULL, NULL,
                               NULL, &err, &status, NULL));
  g_assert_true (g_spawn_check_wait_status (status, NULL));
  line = strstr (err, figure);
  g_assert_nonnull (line);
  return g_ascii_strtod (strchr (line, ':') + 1, NULL);
}

static guint
count_wavs (const char *dir)
{
  g_autoptr(GDir) folder = g_dir_open (dir, 0, NULL);
  const char *name;
  guint n = 0;

  while (folder != NULL && (name = g_dir_read_name (folder)) != NULL)
    n += g_str_has_suffix (name, ".wav");
  return n;
}

static gboolean
three_wavs (gpointer data)
{
  return count_wavs (data) >= 3;
}

/* Real speech: espeak-ng behind speech-dispatcher renders what a German visit's
 * welcome screen says to WAV files, and sox finds each one audible and of a length
 * words take. */
static void
test_speech_audio (void)
{
  g_autofree char *dir = g_build_filename (store_dir, "audio", NULL);
  g_autofree char *module_text = g_strdup_printf (render_module, dir);
  g_autofree char *address = NULL;
  g_autoptr(GDir) folder = NULL;
  const char *name;
  double total = 0;
  GhWindow *window;
  GPid pid;

  if (!have_program ("espeak-ng") || !have_program ("sox"))
    {
      g_test_skip ("espeak-ng or sox is missing");
      return;
    }
  address = spawn_speechd (dir, module_text, &pid);
  g_setenv ("SPEECHD_ADDRESS", address, TRUE);
  window = gh_ui_test_window_new (db_path, 1920, 1080);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "kiosk.language", "s", "de"));
  gh_narrator_set_enabled (narrator_of (window), TRUE);
  g_assert_true (gh_ui_test_wait (three_wavs, dir, 20000));
  /* Each file is whole once the next one has begun; the last may still be written. */
  gh_narrator_set_enabled (narrator_of (window), FALSE);
  gh_ui_test_wait (never, NULL, 1000);

  folder = g_dir_open (dir, 0, NULL);
  while ((name = g_dir_read_name (folder)) != NULL)
    {
      g_autofree char *wav = g_build_filename (dir, name, NULL);
      double length, rms;

      if (!g_str_has_suffix (name, ".wav"))
        continue;
      length = sox_stat (wav, "Length (seconds):");
      rms = sox_stat (wav, "RMS     amplitude:");
      g_test_message ("%s: %.2f s, RMS %.3f", name, length, rms);
      /* A word or more, not a click; not silence. */
      g_assert_cmpfloat (length, >, 0.3);
      g_assert_cmpfloat (length, <, 60);
      g_assert_cmpfloat (rms, >, 0.01);
      total += length;
    }
  g_assert_cmpfloat (total, >, 2);
  gtk_window_destroy (GTK_WINDOW (window));
  stop_speechd (pid);
}

/* ---- the tour ---------------------------------------------------------------------- */

static void
shoot (GhWindow   *window,
       const char *orientation,
       const char *name)
{
  g_autofree char *file = g_strdup_printf ("tour-%s-speech-%s.png", orientation, name);
  g_autofree char *path = g_build_filename (g_getenv ("GLASSHOUSE_BUILD_DIR") ?: ".", file,
                                            NULL);

  gh_ui_test_settle (GTK_WIDGET (window));
  gh_ui_test_save_png (GTK_WIDGET (window), path);
  g_test_message ("wrote %s", path);
}

static gboolean
narrator_ready (gpointer data)
{
  return gh_speech_get_state (gh_narrator_get_speech (data)) == GH_SPEECH_READY;
}

/* Read aloud's screens, landscape and portrait, to tour-<orientation>-speech-*.png:
 * the welcome screen with it on and the voice's buttons open, the top bar while it
 * reads, German with larger text, and the kiosk without a speech service. */
static void
speech_tour (const char *orientation,
             int         width,
             int         height)
{
  GhWindow *window;
  GhAccessibility *a11y;
  g_autoptr(GPtrArray) voice = NULL;
  g_autofree char *dead = g_build_filename (speech_dir, "nobody.sock", NULL);
  g_autofree char *address = g_strconcat ("unix_socket:", dead, NULL);

  g_setenv ("SPEECHD_ADDRESS", speechd_address, TRUE);
  window = gh_ui_test_window_new (db_path, width, height);
  gh_narrator_set_enabled (narrator_of (window), TRUE);
  g_assert_true (gh_ui_test_wait (narrator_ready, narrator_of (window), 10000));
  voice = gh_ui_test_find_all (gh_ui_test_find_named (window->attract_page, "read-aloud"),
                               GTK_TYPE_MENU_BUTTON);
  g_assert_cmpuint (voice->len, ==, 1);
  shoot (window, orientation, "on");
  /* The voice's buttons open in a popover: a surface of its own, shot on its own. */
  gtk_menu_button_popup (voice->pdata[0]);
  shoot (window, orientation, "voice");
  {
    g_autofree char *path = g_strdup_printf ("%s/tour-%s-speech-voice-popover.png",
                                             g_getenv ("GLASSHOUSE_BUILD_DIR") ?: ".",
                                             orientation);

    gh_ui_test_save_png (GTK_WIDGET (gtk_menu_button_get_popover (voice->pdata[0])), path);
  }
  gtk_menu_button_popdown (voice->pdata[0]);

  g_assert_true (gh_ui_test_sign_in (window, SHOPPER, SHOPPER + strlen (SHOPPER) - 4));
  gh_narrator_set_enabled (narrator_of (window), TRUE);
  shoot (window, orientation, "dashboard");
  gtk_widget_activate_action (GTK_WIDGET (window), "kiosk.sign-out", NULL);
  gtk_window_destroy (GTK_WINDOW (window));

  window = gh_ui_test_window_new (db_path, width, height);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "kiosk.language", "s", "de"));
  a11y = gh_accessibility_get_for_display (gtk_widget_get_display (GTK_WIDGET (window)));
  gh_accessibility_set_larger_text (a11y, TRUE);
  gh_narrator_set_enabled (narrator_of (window), TRUE);
  g_assert_true (gh_ui_test_wait (narrator_ready, narrator_of (window), 10000));
  shoot (window, orientation, "de-larger");
  gh_accessibility_reset (a11y);
  gh_narrator_set_enabled (narrator_of (window), FALSE);
  gtk_window_destroy (GTK_WINDOW (window));

  g_setenv ("SPEECHD_ADDRESS", address, TRUE);
  window = gh_ui_test_window_new (db_path, width, height);
  gh_narrator_set_enabled (narrator_of (window), TRUE);
  g_assert_true (gh_ui_test_wait (narrator_unavailable, narrator_of (window), 10000));
  shoot (window, orientation, "unavailable");
  gtk_window_destroy (GTK_WINDOW (window));
}

static void
test_speech_tour (void)
{
  speech_tour ("landscape", 1920, 1080);
  speech_tour ("portrait", 1080, 1920);
}

int
main (int   argc,
      char *argv[])
{
  int status;

  g_setenv ("LANGUAGE", "en", TRUE);
  gtk_test_init (&argc, &argv, NULL);
  store_dir = g_dir_make_tmp ("gh-ui-speech-XXXXXX", NULL);
  speech_dir = g_build_filename (store_dir, "speech", NULL);
  db_path = gh_ui_test_demo_store (store_dir, 50);
  g_setenv ("GLASSHOUSE_INBOX", store_dir, TRUE);

  /* The screenshots are a test of their own (test-ui-speech-tour), each under a minute. */
  if (!GH_SPEECH_TOUR)
    g_test_add_func ("/ui/speech/unavailable", test_speech_unavailable);
  if (start_speechd ())
    {
      if (GH_SPEECH_TOUR)
        g_test_add_func ("/ui/speech/tour", test_speech_tour);
      else
        {
          g_test_add_func ("/ui/speech/visit", test_speech_visit);
          g_test_add_func ("/ui/speech/german", test_speech_german);
          g_test_add_func ("/ui/speech/voice", test_speech_voice);
          g_test_add_func ("/ui/speech/preview-and-idle", test_speech_preview_and_idle);
          g_test_add_func ("/ui/speech/audio", test_speech_audio);
        }
    }
  else
    g_test_message ("speech-dispatcher or its generic module is missing: only the kiosk "
                    "without a speech service is tested");
  status = g_test_run ();

  if (speechd_pid != 0)
    stop_speechd (speechd_pid);
  {
    g_autofree char *command = g_strdup_printf ("rm -rf '%s'", store_dir);

    (void) !system (command);
  }
  return status;
}
