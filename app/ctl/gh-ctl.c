/* glasshouse-ctl: the dispatcher, and the helpers every subcommand shares.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "glasshouse-ctl"
#include "config.h"

#include <locale.h>
#include <signal.h>
#include <stdio.h>

#include "config/gh-site-settings.h"
#include "ctl/gh-ctl.h"
#include "ctl/gh-ctl-commands.h"
#include "visit/gh-erasure.h"

G_DEFINE_QUARK (gh-ctl-error-quark, gh_ctl_error)

static const GhCtlCommand commands[] = {
  { "init",     NULL,     gh_ctl_init,          "[--kiosk-id ID]", "create or migrate the store" },
  { "demo",     NULL,     gh_ctl_demo,          "--customers N [--seed S] [--today YYYY-MM-DD] [--write-feed FILE]",
    "deterministic demo shoppers + the demo config applied" },
  { "customer", "show",   gh_ctl_customer_show, "LOYALTY_ID [--json]", "what is held, grouped by category" },
  { "consent",  "set",    gh_ctl_consent_set,   "LOYALTY_ID PURPOSE granted|revoked [--actor A]",
    "grant or revoke one purpose" },
  { "audit",    "verify", gh_ctl_audit_verify,  "", "walk the hash chain" },
  { "outbox",   "export", gh_ctl_outbox_export, "[--after SEQ]", "pending events as JSON lines" },
  { "outbox",   "ack",    gh_ctl_outbox_ack,    "SEQ", "HQ has every event up to SEQ" },
  { "outbox",   "push",   gh_ctl_outbox_push,   "--postgres CONNINFO [--batch N] [--backoff-state F]",
    "deliver pending events to HQ, exactly once" },
  { "hq",       "init",   gh_ctl_hq_init,       "--postgres CONNINFO", "create or extend HQ's schema" },
  { "hq",       "status", gh_ctl_hq_status,     "[--json] [--fleet --postgres CONNINFO [--silent-minutes N]]",
    "events waiting for HQ, last push; with --fleet, kiosks gone silent" },
  { "sync",     NULL,     gh_ctl_sync,          "--postgres CONNINFO [--trust PUBFILE] [--inbox DIR] [--backoff-state F] [--json]",
    "push events; pull bundles, member changes, decisions, erasures" },
  { "hq",       "publish", gh_ctl_hq_publish,   "--postgres CONNINFO BUNDLE [--stores S1,S2]",
    "a signed bundle for the kiosks of these stores (default all)" },
  { "hq",       "kiosk",  gh_ctl_hq_kiosk,      "approve ID --postgres CONNINFO",
    "trust a kiosk's registered receipt key" },
  { "hq",       "retention", gh_ctl_hq_retention, "--postgres CONNINFO --keep-months N [--json]",
    "drop whole event partitions older than N months" },
  { "hq",       "import", gh_ctl_hq_import,     "--postgres CONNINFO --trust FILE [--config BUNDLE] FILE|- [--json]",
    "members from the CRM's feed into HQ" },
  { "hq",       "report", gh_ctl_hq_report,     "--postgres CONNINFO --trust FILE --html FILE [--json]",
    "the fleet report: does our data earn its keep" },
  { "kiosk",    "pubkey", gh_ctl_kiosk_pubkey,  "", "this kiosk's receipt-signing key, for HQ's trust file" },
  { "receipt",  "verify", gh_ctl_receipt_verify, "--trust PUBFILE TOKEN [--db PATH] [--json]",
    "check a follow-up token (exit 3 if refused)" },
  { "qr",       NULL,     gh_ctl_qr,            "TEXT --png FILE [--scale N]", "a QR code as PNG" },
  { "offers",   NULL,     gh_ctl_offers,
    "LOYALTY_ID [--json] [--without PURPOSE | --with PURPOSE] [--language LANG]",
    "a shopper's offers and why; what-if for one purpose" },
  { "report",   "minimisation", gh_ctl_report_minimisation, "[--json]",
    "data no offer reads, purposes whose offers reach nobody" },
  { "keygen",   NULL,     gh_ctl_keygen,        "--out PREFIX [--key-id ID]", "an HQ signing key pair" },
  { "bundle",   "sign",   gh_ctl_bundle_sign,   "--key KEY [--unchecked] CONFIG.json", "a signed bundle on stdout" },
  { "bundle",   "verify", gh_ctl_bundle_verify, "--trust PUBFILE BUNDLE [--json]",
    "check a bundle's signature and config" },
  { "config",   "apply",  gh_ctl_config_apply,  "--trust PUBFILE BUNDLE", "verify and apply a bundle" },
  { "config",   "status", gh_ctl_config_status, "[--json]", "the active config, last refusal" },
  { "erase",    NULL,     gh_ctl_erase,         "LOYALTY_ID [--actor A] [--json]", "the right to be forgotten" },
  { "lockout",  "clear",  gh_ctl_lockout_clear, "LOYALTY_ID --staff ID", "staff clear a shopper's PIN lockout" },
  { "pin",      "hash",   gh_ctl_pin_hash,      "[--passphrase] < PIN",
    "argon2id hash of a PIN (staff[].pin_hash) or a passphrase (portal hq-staff-file) on stdin" },
  { "config",   "rollback", gh_ctl_config_rollback, "", "re-activate the previous config" },
  { "import",   NULL,     gh_ctl_import,        "FILE|- [--rejects PATH] [--json]",
    "members from the CRM's feed (docs/member-feed.md)" },
  { "retention", "run",   gh_ctl_retention_run, "[--now TIME] [--json]",
    "delete what is past its retention date" },
  { "health",   NULL,     gh_ctl_health,        "[--json]",
    "what the staff page shows: config, HQ backlog, store, audit chain (exit 4: chain broken)" },
};

/* Commands that only read the store open it read-only: they then also work on a
 * copy handed to an auditor on read-only media, and can never change what they check. */
static const char * const read_only_commands[] = {
  "customer show", "audit verify", "outbox export", "offers", "report minimisation",
  "config status", "hq status", "health", NULL
};
static gboolean store_read_only;

static void
print_usage (FILE *out)
{
  fprintf (out, "Usage: glasshouse-ctl COMMAND [--db PATH] ...\n\nCommands:\n");
  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    {
      g_autofree char *words = g_strjoin (" ", commands[i].group, commands[i].verb, NULL);
      g_autofree char *line = g_strdup_printf ("%s %s", words, commands[i].args);
      fprintf (out, "  %-52s %s\n", line, commands[i].summary);
    }
  fprintf (out, "\nExit codes: 0 done, 2 usage, 3 input rejected, 4 store problem.\n");
}

/* Options may stand before the subcommand as well as after it: `--db X audit verify`
 * is `audit verify --db X`. The store, HQ (--postgres) and --json are the options every command
 * shares; they are moved behind the command's words. Returns the new argv. */
static char **
options_after_words (int    *argc,
                     char  **argv)
{
  GPtrArray *front = g_ptr_array_new ();
  GPtrArray *out = g_ptr_array_new ();
  int i = 1;

  while (i < *argc && argv[i][0] == '-')
    {
      /* --postgres too: every HQ command takes it, and it reads naturally in front. */
      if ((g_str_equal (argv[i], "--db") || g_str_equal (argv[i], "--postgres")) && i + 1 < *argc)
        {
          g_ptr_array_add (front, argv[i++]);
          g_ptr_array_add (front, argv[i++]);
        }
      else if (g_str_has_prefix (argv[i], "--db=") || g_str_has_prefix (argv[i], "--postgres=")
               || g_str_equal (argv[i], "--json"))
        g_ptr_array_add (front, argv[i++]);
      else
        break;
    }
  g_ptr_array_add (out, argv[0]);
  /* The command's words (one or two), then the moved options, then the rest. */
  for (int words = 0; i < *argc && words < 2 && argv[i][0] != '-'; words++)
    g_ptr_array_add (out, argv[i++]);
  for (guint k = 0; k < front->len; k++)
    g_ptr_array_add (out, front->pdata[k]);
  for (; i < *argc; i++)
    g_ptr_array_add (out, argv[i]);
  g_ptr_array_free (front, TRUE);
  *argc = out->len;
  g_ptr_array_add (out, NULL);
  return (char **) g_ptr_array_free (out, FALSE);
}

/* `glasshouse-ctl outbox` alone: the verbs of that group, as a hint. */
static gboolean
print_group (const char *group)
{
  gboolean found = FALSE;

  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    if (commands[i].verb != NULL && g_str_equal (commands[i].group, group))
      {
        if (!found)
          fprintf (stderr, "glasshouse-ctl: error: \"%s\" needs one of:\n", group);
        fprintf (stderr, "  glasshouse-ctl %s %s %s\n", group, commands[i].verb, commands[i].args);
        found = TRUE;
      }
  return found;
}

int
main (int    argc,
      char **argv)
{
  g_autofree char **args = NULL;

  setlocale (LC_ALL, "");
  /* Past a file-size limit the kernel would kill us without a word (SIGXFSZ); ignored,
   * the write fails instead and sqlite rolls the transaction back with an error that
   * says so. */
  signal (SIGXFSZ, SIG_IGN);
  /* Every subcommand's --help then says "glasshouse-ctl", not its own first word. */
  g_set_prgname ("glasshouse-ctl");

  args = options_after_words (&argc, argv);
  argv = args;
  if (argc >= 2 && (g_str_equal (argv[1], "--version") || g_str_equal (argv[1], "-V")))
    {
      printf ("glasshouse-ctl %s\n", PACKAGE_VERSION);
      return GH_CTL_EXIT_OK;
    }
  if (argc < 2 || g_str_equal (argv[1], "--help") || g_str_equal (argv[1], "-h"))
    {
      print_usage (argc < 2 ? stderr : stdout);
      return argc < 2 ? GH_CTL_EXIT_USAGE : GH_CTL_EXIT_OK;
    }

  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    {
      const GhCtlCommand *command = &commands[i];
      g_autofree char *words = NULL;

      if (!g_str_equal (argv[1], command->group))
        continue;
      words = g_strjoin (" ", command->group, command->verb, NULL);
      store_read_only = g_strv_contains (read_only_commands, words);
      if (command->verb == NULL)
        return command->func (argc - 1, argv + 1);
      if (argc >= 3 && g_str_equal (argv[2], command->verb))
        return command->func (argc - 2, argv + 2);
    }

  if ((argc < 3 || argv[2][0] == '-') && print_group (argv[1]))
    return GH_CTL_EXIT_USAGE;
  fprintf (stderr, "glasshouse-ctl: error: unknown command \"%s%s%s\" (see glasshouse-ctl --help)\n",
           argv[1], argc >= 3 ? " " : "", argc >= 3 ? argv[2] : "");
  return GH_CTL_EXIT_USAGE;
}

gboolean
gh_ctl_parse (int            *argc,
              char         ***argv,
              const char     *usage,
              GOptionEntry   *entries,
              gboolean        with_json,
              int             n_positional,
              GhCtlCommon    *common)
{
  g_autoptr(GOptionContext) context = g_option_context_new (usage);
  g_autoptr(GError) error = NULL;
  GOptionEntry common_entries[] = {
    { "db", 0, 0, G_OPTION_ARG_FILENAME, &common->db_path, "The store (default: $GLASSHOUSE_DB, then [kiosk] db in glasshouse.conf, then ./glasshouse.db)", "PATH" },
    { "json", 0, 0, G_OPTION_ARG_NONE, &common->json, "Print JSON", NULL },
    { NULL }
  };

  if (!with_json)
    common_entries[1] = (GOptionEntry) { NULL };
  g_option_context_add_main_entries (context, common_entries, NULL);
  if (entries != NULL)
    g_option_context_add_main_entries (context, entries, NULL);

  if (!g_option_context_parse (context, argc, argv, &error))
    {
      fprintf (stderr, "glasshouse-ctl: error: %s (usage: glasshouse-ctl %s)\n", error->message, usage);
      return FALSE;
    }
  if (n_positional >= 0 && *argc - 1 != n_positional)
    {
      fprintf (stderr, "glasshouse-ctl: error: expected %d argument%s, got %d (usage: glasshouse-ctl %s)\n",
               n_positional, n_positional == 1 ? "" : "s", *argc - 1, usage);
      return FALSE;
    }
  return TRUE;
}

void
gh_ctl_common_clear (GhCtlCommon *common)
{
  g_clear_pointer (&common->db_path, g_free);
}

GhStore *
gh_ctl_open_store (GhCtlCommon  *common,
                   gboolean      create,
                   GError      **error)
{
  const char *path = common->db_path;
  g_autoptr(GhStore) store = NULL;

  if (path == NULL)
    path = g_getenv ("GLASSHOUSE_DB");
  if (path == NULL)
    {
      const GhSiteSettings *settings = gh_site_settings_get (error);

      if (settings == NULL)
        return NULL;
      path = settings->db_path != NULL ? settings->db_path : "glasshouse.db";
    }
  if (!create && store_read_only)
    return gh_store_open (path, GH_STORE_OPEN_READ_ONLY, error);
  store = gh_store_open (path, create ? GH_STORE_OPEN_CREATE : GH_STORE_OPEN_DEFAULT, error);
  /* An erasure is not finished until its bytes are gone: every writer retries
   * the wipe an earlier one could not complete. */
  if (store != NULL && !gh_erasure_finish_pending (store, NULL, error))
    return NULL;
  return g_steal_pointer (&store);
}

int
gh_ctl_exit_code_for (const GError *error)
{
  if (error->domain == G_OPTION_ERROR)
    return GH_CTL_EXIT_USAGE;
  if (error->domain == GH_CTL_ERROR)
    return error->code == GH_CTL_ERROR_USAGE ? GH_CTL_EXIT_USAGE : GH_CTL_EXIT_REJECTED;
  if (error->domain == GH_STORE_ERROR)
    return (error->code == GH_STORE_ERROR_NOT_FOUND || error->code == GH_STORE_ERROR_INVALID)
           ? GH_CTL_EXIT_REJECTED : GH_CTL_EXIT_STORE;
  /* Every other module's errors are about its input: a bundle, a token, a key. */
  return GH_CTL_EXIT_REJECTED;
}

int
gh_ctl_fail (GError *error)
{
  g_autofree char *one_line = g_strdup (error->message);

  g_strdelimit (one_line, "\r\n", ' ');
  fprintf (stderr, "glasshouse-ctl: error: %s\n", one_line);
  return gh_ctl_exit_code_for (error);
}

GhActor *
gh_ctl_parse_actor (const char *text)
{
  g_autoptr(GError) error = NULL;
  GhActor *actor = gh_actor_parse (text != NULL ? text : "cli", &error);

  if (actor == NULL)
    fprintf (stderr, "glasshouse-ctl: error: --actor: %s\n", error->message);
  return actor;
}

void
gh_ctl_print_json (JsonNode *node)
{
  g_autofree char *text = json_to_string (node, TRUE);
  printf ("%s\n", text);
}

char *
gh_ctl_format_date (gint64 unix_seconds)
{
  g_autoptr(GDateTime) date = g_date_time_new_from_unix_utc (unix_seconds);
  return date != NULL ? g_date_time_format (date, "%Y-%m-%d") : g_strdup ("?");
}
