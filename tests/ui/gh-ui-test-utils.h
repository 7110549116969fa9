/* Helpers the UI tests share: a demo store made with glasshouse-ctl, a kiosk window
 * on it, spinning the main loop until something holds, driving the keypad, walking
 * the widget tree and rendering it to PNG (as GTK's reftests do).
 * SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>
#include <json-glib/json-glib.h>

#include "gh-consent-row.h"
#include "gh-window-private.h"

G_BEGIN_DECLS

/* Fails the test with a message, as a failed g_assert_* does (TAP "not ok" with the
 * reason, the test stops). */
#define gh_ui_test_fail(...)                                                       \
  G_STMT_START {                                                                   \
    char *gh_ui_test_message_ = g_strdup_printf (__VA_ARGS__);                      \
    g_assertion_message (G_LOG_DOMAIN, __FILE__, __LINE__, G_STRFUNC,              \
                         gh_ui_test_message_);                                     \
    g_free (gh_ui_test_message_);                                                  \
  } G_STMT_END

/* A demo store with @n_customers shoppers at @dir/store.db; returns its path. */
char      *gh_ui_test_demo_store     (const char   *dir,
                                      guint         n_customers);
/* The loyalty number of the store's first shopper (the demo's PIN: its last 4 digits). */
char      *gh_ui_test_first_loyalty_id (const char *db_path);
/* A windowed kiosk on @db_path at @width x @height, mapped, its config loaded. */
GhWindow  *gh_ui_test_window_new     (const char   *db_path,
                                      int           width,
                                      int           height);

typedef gboolean (*GhUiTestCondition) (gpointer data);
/* Spins the main loop until @condition holds; FALSE after @timeout_ms. */
gboolean   gh_ui_test_wait           (GhUiTestCondition condition,
                                      gpointer          data,
                                      guint             timeout_ms);
/* Spins the main loop until @widget's frame clock has drawn @n_frames more frames
 * (layout and paint done for what changed before); FALSE after 5 s. */
gboolean   gh_ui_test_wait_frames    (GtkWidget    *widget,
                                      guint         n_frames);
/* Waits until no stack under @root is in a transition, then for the frames after it:
 * before a screenshot. */
void       gh_ui_test_settle         (GtkWidget    *root);
/* Waits for the window to show @page ("dashboard", ...). */
gboolean   gh_ui_test_wait_page      (GhWindow     *window,
                                      const char   *page,
                                      guint         timeout_ms);

/* Waits until the page called @page_name shows no spinner (its worker is done: a PIN
 * checked, figures read), then for the frames after it. */
gboolean   gh_ui_test_wait_idle_page (GhWindow     *window,
                                      const char   *page_name,
                                      guint         timeout_ms);

/* Real keys and pointer through the X server (xdotool, XTEST), with GTK's own timing. */
/* @widget's X window id, as xdotool takes it. */
char      *gh_ui_test_x11_window     (GtkWidget           *widget);
/* Starts xdotool with @args (NULL-terminated) and returns at once; *@done is set TRUE
 * once it has exited (see gh_ui_test_is_true). */
void       gh_ui_test_xdotool_start  (const char * const  *args,
                                      gboolean            *done);
/* Focuses @window's X window, runs xdotool @args after that, waits for it to end (20 s
 * at most) and for the frame after it. */
void       gh_ui_test_xdotool        (GtkWidget           *window,
                                      const char * const  *args);
/* A GhUiTestCondition: *(gboolean *) @flag. */
gboolean   gh_ui_test_is_true        (gpointer             flag);

/* Types @digits on the identify page's keypad and presses OK. */
void       gh_ui_test_keypad_type    (GhWindow     *window,
                                      const char   *digits);
/* Taps @digits and OK on the keypad of the page called @page_name. */
void       gh_ui_test_keypad_type_on (GhWindow     *window,
                                      const char   *page_name,
                                      const char   *digits);
/* Start, loyalty number and PIN on the keypad, then waits for the dashboard. */
gboolean   gh_ui_test_sign_in        (GhWindow     *window,
                                      const char   *loyalty_id,
                                      const char   *pin);

/* Every text the widget tree under @root holds: labels, editables, buttons,
 * accessible labels, hidden widgets and popovers included. Newline-separated. */
char      *gh_ui_test_collect_text   (GtkWidget    *root);
/* All widgets of @type under @root, depth first (borrowed). */
GPtrArray *gh_ui_test_find_all       (GtkWidget    *root,
                                      GType         type);
/* The first descendant with that widget name (gtk_widget_set_name). */
GtkWidget *gh_ui_test_find_named     (GtkWidget    *root,
                                      const char   *name);
/* Texts of the GtkLabels directly or deeply inside @root, in order (free with g_strfreev). */
char     **gh_ui_test_label_texts    (GtkWidget    *root);

/* Secrets a test looks for in its own memory after a visit. They are kept XOR-encoded in a
 * mapping of their own, so the only plain copies in the process are the program's. */
typedef struct _GhUiTestSecrets GhUiTestSecrets;
GhUiTestSecrets *gh_ui_test_secrets_new    (void);
/* Adds @value (the caller then frees its own copy); values under 8 bytes are skipped: they
 * would match by chance. */
void             gh_ui_test_secrets_add    (GhUiTestSecrets *secrets,
                                            const char      *value);
/* Reads every private writable mapping of this process (heap, anonymous, thread stacks
 * other than the caller's) through /proc/self/mem, as a core dump would hold them, and
 * returns a description of each secret found ("\"<first 3 chars>…\" in [heap] at 0x…"),
 * NULL when none is. */
char            *gh_ui_test_secrets_scan   (GhUiTestSecrets *secrets);
void             gh_ui_test_secrets_free   (GhUiTestSecrets *secrets);

/* Renders @widget as it is now to @path (PNG). */
void       gh_ui_test_save_png       (GtkWidget    *widget,
                                      const char   *path);

/* Runs glasshouse-ctl with --db @db and @args and parses its JSON output. */
JsonNode  *gh_ui_test_ctl_json       (const char   *db,
                                      const char   *first_arg,
                                      ...) G_GNUC_NULL_TERMINATED;

/* The state of @purpose_id for @loyalty_id as `glasshouse-ctl customer show` reports
 * it ("granted", "revoked", ...), or NULL when it has none. */
char      *gh_ui_test_consent_state  (const char   *db,
                                      const char   *loyalty_id,
                                      const char   *purpose_id);

/* The switch row of @purpose_id in the dashboard's choices column (not the ones in
 * the popovers of the "because…" chips); fails the test when there is none. */
GhConsentRow *gh_ui_test_choice_row  (GtkWidget    *dashboard,
                                      const char   *purpose_id);

/* For the changed-notice tests: @loyalty_id says yes to personalised offers and
 * emails under the active config's notices, then a new config is made active whose
 * personalised-offers notice changed and asks again (until_answered @until,
 * "paused" or "kept") and whose email notice changed and only tells. */
void       gh_ui_test_change_notice  (const char   *db_path,
                                      const char   *loyalty_id,
                                      const char   *until);
/* The first visible button under @root labelled @label, or NULL. */
GtkWidget *gh_ui_test_find_button    (GtkWidget    *root,
                                      const char   *label);

G_END_DECLS
