/* The translations as a whole: po/POTFILES.in sorted and naming every source file
 * with marked strings; no user-facing string in a .ui file or a GTK call left
 * unmarked; the template po/glasshouse.pot holding exactly what xgettext finds in
 * the sources now; and every language in po/LINGUAS compiling cleanly with
 * msgfmt --check, with the right plural forms, nothing untranslated or fuzzy and
 * nothing missing from the template. Uses the gettext tools meson's i18n uses.
 * SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <glib.h>
#include <glib/gstdio.h>
#include <string.h>

#include "gh-test-utils.h"

static const char *source_dir;
static char *fresh_pot;

static char *
source_path (const char *relative)
{
  return g_build_filename (source_dir, relative, NULL);
}

static char **
read_list (const char *relative)
{
  g_autofree char *path = source_path (relative);
  g_autofree char *contents = NULL;
  g_auto(GStrv) lines = NULL;
  GStrvBuilder *builder = g_strv_builder_new ();
  char **list;

  g_assert_true (g_file_get_contents (path, &contents, NULL, NULL));
  lines = g_strsplit (contents, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_strstrip (lines[i]);
      if (*lines[i] != '\0' && *lines[i] != '#')
        g_strv_builder_add (builder, lines[i]);
    }
  list = g_strv_builder_end (builder);
  g_strv_builder_unref (builder);
  return list;
}

/* Runs a gettext tool; its stdout and stderr, and whether it exited with success. */
static gboolean
run (char      **output,
     char      **errors,
     const char *first,
     ...)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  int status = 0;
  va_list args;

  va_start (args, first);
  for (const char *arg = first; arg != NULL; arg = va_arg (args, const char *))
    g_ptr_array_add (argv, (char *) arg);
  va_end (args);
  g_ptr_array_add (argv, NULL);

  if (!g_spawn_sync (source_dir, (char **) argv->pdata, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL,
                     output, errors, &status, &error))
    gh_test_fail ("cannot run %s: %s", first, error->message);
  return g_spawn_check_wait_status (status, NULL);
}

/* ---- POTFILES.in ------------------------------------------------------------------ */

static void
test_potfiles_sorted (void)
{
  g_auto(GStrv) files = read_list ("po/POTFILES.in");

  g_assert_cmpuint (g_strv_length (files), >, 0);
  for (guint i = 0; files[i] != NULL; i++)
    {
      g_autofree char *path = source_path (files[i]);

      if (!g_file_test (path, G_FILE_TEST_IS_REGULAR))
        gh_test_fail ("po/POTFILES.in names %s, which does not exist", files[i]);
      if (i > 0 && strcmp (files[i - 1], files[i]) >= 0)
        gh_test_fail ("po/POTFILES.in is not sorted (or repeats): %s before %s", files[i - 1],
                 files[i]);
    }
}

static gboolean
has_marked_strings (const char *path)
{
  static const char * const markers[] = {
    "_(\"", "N_(\"", "C_(\"", "NC_(\"", "ngettext (", "g_dngettext (", "g_dpgettext2 (",
    "translatable=\"yes\"", NULL
  };
  g_autofree char *contents = NULL;

  /* Desktop files and metainfo need no marks: gettext's own rules name their texts. */
  if (g_str_has_suffix (path, ".desktop.in") || g_str_has_suffix (path, ".metainfo.xml.in"))
    return TRUE;
  g_assert_true (g_file_get_contents (path, &contents, NULL, NULL));
  for (guint i = 0; markers[i] != NULL; i++)
    if (strstr (contents, markers[i]) != NULL)
      return TRUE;
  return FALSE;
}

static void
collect_sources (const char *relative_dir,
                 GPtrArray  *found)
{
  g_autofree char *dir_path = source_path (relative_dir);
  g_autoptr(GDir) dir = g_dir_open (dir_path, 0, NULL);
  const char *name;

  g_assert_nonnull (dir);
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *relative = g_build_filename (relative_dir, name, NULL);
      g_autofree char *path = source_path (relative);

      if (g_file_test (path, G_FILE_TEST_IS_DIR))
        collect_sources (relative, found);
      else if (g_str_has_suffix (name, ".c") || g_str_has_suffix (name, ".ui"))
        g_ptr_array_add (found, g_steal_pointer (&relative));
    }
}

static void
test_potfiles_complete (void)
{
  g_auto(GStrv) listed = read_list ("po/POTFILES.in");
  g_autoptr(GPtrArray) sources = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GString) problems = g_string_new (NULL);

  /* What a person can read comes from the kiosk and the library under it. */
  collect_sources ("ui", sources);
  collect_sources ("app", sources);
  g_assert_cmpuint (sources->len, >, 10);
  for (guint i = 0; i < sources->len; i++)
    {
      const char *relative = sources->pdata[i];
      g_autofree char *path = source_path (relative);
      gboolean marked = has_marked_strings (path);
      gboolean is_listed = g_strv_contains ((const char * const *) listed, relative);

      if (marked && !is_listed)
        g_string_append_printf (problems, "\n  %s has marked strings but is not listed", relative);
    }
  for (guint i = 0; listed[i] != NULL; i++)
    {
      g_autofree char *path = source_path (listed[i]);
      if (!has_marked_strings (path))
        g_string_append_printf (problems, "\n  %s is listed but marks no strings", listed[i]);
    }
  if (problems->len > 0)
    gh_test_fail ("po/POTFILES.in:%s", problems->str);
}

/* ---- nothing left unmarked ------------------------------------------------------- */

typedef struct {
  const char *file;
  GString    *problems;
  gboolean    in_accessibility;
  char       *property;      /* the text property being read, or NULL */
  gboolean    translatable;
  GString    *text;
} UiScan;

static gboolean
is_words (const char *text)
{
  /* Digits and symbols (the keypad's "1") need no translation; words do. */
  for (const char *p = text; *p; p = g_utf8_next_char (p))
    if (g_unichar_isalpha (g_utf8_get_char (p)))
      return TRUE;
  return FALSE;
}

static void
ui_start (GMarkupParseContext *context,
          const char          *element,
          const char         **names,
          const char         **values,
          gpointer             user_data,
          GError             **error)
{
  static const char * const text_properties[] = {
    "label", "title", "placeholder-text", "tooltip-text", "tooltip-markup", "alternative-text",
    "text", "description", "subtitle", NULL
  };
  UiScan *scan = user_data;
  const char *name = NULL;
  const char *translatable = NULL;

  if (g_str_equal (element, "accessibility"))
    scan->in_accessibility = TRUE;
  if (!g_str_equal (element, "property"))
    return;
  for (guint i = 0; names[i] != NULL; i++)
    {
      if (g_str_equal (names[i], "name"))
        name = values[i];
      else if (g_str_equal (names[i], "translatable"))
        translatable = values[i];
    }
  if (name != NULL && g_strv_contains (text_properties, name))
    {
      scan->property = g_strdup (name);
      scan->translatable = g_strcmp0 (translatable, "yes") == 0;
      g_string_truncate (scan->text, 0);
    }
}

static void
ui_text (GMarkupParseContext *context,
         const char          *text,
         gsize                length,
         gpointer             user_data,
         GError             **error)
{
  UiScan *scan = user_data;

  if (scan->property != NULL)
    g_string_append_len (scan->text, text, length);
}

static void
ui_end (GMarkupParseContext *context,
        const char          *element,
        gpointer             user_data,
        GError             **error)
{
  UiScan *scan = user_data;

  if (g_str_equal (element, "accessibility"))
    scan->in_accessibility = FALSE;
  if (!g_str_equal (element, "property") || scan->property == NULL)
    return;
  if (!scan->translatable && is_words (scan->text->str))
    g_string_append_printf (scan->problems, "\n  %s: %s%s \"%s\" is not translatable",
                            scan->file, scan->in_accessibility ? "accessible " : "",
                            scan->property, scan->text->str);
  g_clear_pointer (&scan->property, g_free);
}

static void
test_ui_strings_marked (void)
{
  static const GMarkupParser parser = { ui_start, ui_end, ui_text, NULL, NULL };
  g_autoptr(GPtrArray) sources = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GString) problems = g_string_new (NULL);
  guint n_files = 0;

  collect_sources ("ui", sources);
  for (guint i = 0; i < sources->len; i++)
    {
      const char *relative = sources->pdata[i];
      g_autofree char *path = source_path (relative);
      g_autofree char *contents = NULL;
      g_autoptr(GMarkupParseContext) context = NULL;
      g_autoptr(GError) error = NULL;
      UiScan scan = { relative, problems, FALSE, NULL, FALSE, g_string_new (NULL) };

      if (!g_str_has_suffix (relative, ".ui"))
        continue;
      n_files++;
      g_assert_true (g_file_get_contents (path, &contents, NULL, NULL));
      context = g_markup_parse_context_new (&parser, 0, &scan, NULL);
      if (!g_markup_parse_context_parse (context, contents, -1, &error)
          || !g_markup_parse_context_end_parse (context, &error))
        gh_test_fail ("%s: %s", relative, error->message);
      g_string_free (scan.text, TRUE);
      g_free (scan.property);
    }
  g_assert_cmpuint (n_files, >, 5);
  if (problems->len > 0)
    gh_test_fail ("user-facing text in .ui files without translatable=\"yes\":%s", problems->str);
}

static void
test_c_strings_marked (void)
{
  /* A literal with letters handed straight to a call that shows it to a person:
   * as the first argument of constructors, the second of setters. */
  g_autoptr(GRegex) first = g_regex_new (
    "\\b(gtk_label_new|gtk_button_new_with_label|gtk_toggle_button_new_with_label|"
    "gtk_check_button_new_with_label|wrapped_label|line_label)\\s*\\(\\s*\"([^\"]*)\"",
    G_REGEX_MULTILINE, 0, NULL);
  g_autoptr(GRegex) second = g_regex_new (
    "\\b(gtk_label_set_label|gtk_label_set_text|gtk_label_set_markup|gtk_button_set_label|"
    "gtk_window_set_title|gtk_menu_button_set_label|gtk_entry_set_placeholder_text|"
    "gtk_widget_set_tooltip_text|gtk_picture_set_alternative_text|set_status)"
    "\\s*\\([^,()\"]*,\\s*\"([^\"]*)\"",
    G_REGEX_MULTILINE, 0, NULL);
  GRegex *calls[] = { first, second };
  g_autoptr(GPtrArray) sources = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GString) problems = g_string_new (NULL);

  collect_sources ("ui", sources);
  for (guint i = 0; i < sources->len; i++)
    {
      const char *relative = sources->pdata[i];
      g_autofree char *path = source_path (relative);
      g_autofree char *contents = NULL;
      g_autoptr(GMatchInfo) match = NULL;

      if (!g_str_has_suffix (relative, ".c"))
        continue;
      g_assert_true (g_file_get_contents (path, &contents, NULL, NULL));
      for (guint c = 0; c < G_N_ELEMENTS (calls); c++)
        {
          g_regex_match (calls[c], contents, 0, &match);
          for (; g_match_info_matches (match); g_match_info_next (match, NULL))
            {
              g_autofree char *literal = g_match_info_fetch (match, 2);
              g_autofree char *call = g_match_info_fetch (match, 1);

              if (is_words (literal))
                g_string_append_printf (problems, "\n  %s: %s (\"%s\") is not marked", relative,
                                        call, literal);
            }
          g_clear_pointer (&match, g_match_info_unref);
        }
    }
  if (problems->len > 0)
    gh_test_fail ("user-facing text in C without _():%s", problems->str);
}

/* ---- the template and the languages ---------------------------------------------- */

static void
extract_fresh_template (void)
{
  g_autofree char *potfiles = source_path ("po/POTFILES.in");
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autofree char *tmp = g_dir_make_tmp ("glasshouse-po-XXXXXX", NULL);

  fresh_pot = g_build_filename (tmp, "fresh.pot", NULL);
  /* The keywords of meson's i18n.gettext(preset: 'glib'), which makes po/glasshouse.pot. */
  if (!run (&out, &err, "xgettext", "--package-name=glasshouse", "--from-code=UTF-8",
            "--add-comments", "--keyword=_", "--keyword=N_", "--keyword=C_:1c,2",
            "--keyword=NC_:1c,2", "--keyword=g_dcgettext:2", "--keyword=g_dngettext:2,3",
            "--keyword=g_dpgettext2:2c,3", "--files-from", potfiles, "-o", fresh_pot, NULL))
    gh_test_fail ("xgettext failed: %s", err);
}

static void
test_template_current (void)
{
  g_autofree char *template = source_path ("po/glasshouse.pot");
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;

  g_assert_true (g_file_test (template, G_FILE_TEST_IS_REGULAR));
  /* Every string in the sources is in the template… */
  if (!run (&out, &err, "msgcmp", "--use-untranslated", template, fresh_pot, NULL))
    gh_test_fail ("po/glasshouse.pot lacks strings the sources have; run "
             "ninja glasshouse-pot glasshouse-update-po:\n%s", err);
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  /* …and nothing the sources no longer have. */
  if (!run (&out, &err, "msgcmp", "--use-untranslated", fresh_pot, template, NULL))
    gh_test_fail ("po/glasshouse.pot has strings the sources no longer have:\n%s", err);
}

static const char *
expected_plural_forms (const char *language)
{
  static const char * const table[][2] = {
    { "de", "nplurals=2; plural=(n != 1);" },
    { "es", "nplurals=2; plural=(n != 1);" },
    { "fr", "nplurals=2; plural=(n > 1);" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (table); i++)
    if (g_str_equal (table[i][0], language))
      return table[i][1];
  return NULL;
}

static void
check_language (gconstpointer data)
{
  const char *language = data;
  g_autofree char *relative = g_strdup_printf ("po/%s.po", language);
  g_autofree char *po = source_path (relative);
  g_autofree char *contents = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  const char *plural_forms = expected_plural_forms (language);

  g_assert_true (g_file_get_contents (po, &contents, NULL, NULL));
  /* Format strings match, headers are complete, plurals are well formed. */
  if (!run (&out, &err, "msgfmt", "--check", "-o", "/dev/null", po, NULL)
      || (err != NULL && *err != '\0'))
    gh_test_fail ("msgfmt --check %s:\n%s", relative, err);
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  if (plural_forms != NULL)
    {
      g_autofree char *header = g_strdup_printf ("\"Plural-Forms: %s\\n\"", plural_forms);
      if (strstr (contents, header) == NULL)
        gh_test_fail ("%s: expected %s", relative, header);
    }

  g_assert_true (run (&out, &err, "msgattrib", "--untranslated", po, NULL));
  if (out != NULL && *out != '\0')
    gh_test_fail ("%s has untranslated messages:\n%s", relative, out);
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  g_assert_true (run (&out, &err, "msgattrib", "--only-fuzzy", po, NULL));
  if (out != NULL && *out != '\0')
    gh_test_fail ("%s has fuzzy messages:\n%s", relative, out);
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  /* Every string of today's sources has a (non-fuzzy) translation. */
  if (!run (&out, &err, "msgcmp", po, fresh_pot, NULL))
    gh_test_fail ("%s lacks translations of current strings:\n%s", relative, err);
}

int
main (int   argc,
      char *argv[])
{
  g_auto(GStrv) languages = NULL;
  int result;

  g_test_init (&argc, &argv, NULL);
  source_dir = g_getenv ("GLASSHOUSE_SOURCE_DIR");
  g_assert_nonnull (source_dir);
  extract_fresh_template ();

  g_test_add_func ("/po/potfiles/sorted", test_potfiles_sorted);
  g_test_add_func ("/po/potfiles/complete", test_potfiles_complete);
  g_test_add_func ("/po/marked/ui-files", test_ui_strings_marked);
  g_test_add_func ("/po/marked/c-files", test_c_strings_marked);
  g_test_add_func ("/po/template-current", test_template_current);

  languages = read_list ("po/LINGUAS");
  g_assert_cmpuint (g_strv_length (languages), >=, 3);
  for (guint i = 0; languages[i] != NULL; i++)
    {
      g_autofree char *path = g_strdup_printf ("/po/language/%s", languages[i]);
      g_test_add_data_func (path, languages[i], check_language);
    }
  result = g_test_run ();

  {
    g_autofree char *dir = g_path_get_dirname (fresh_pot);
    g_unlink (fresh_pot);
    g_rmdir (dir);
  }
  return result;
}
