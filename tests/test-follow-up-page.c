/* The follow-up screen as a phone sees it: the real GhFollowUpPage, rendered
 * headlessly to PNG the way GTK's reftests do, decoded by zbarimg. The text
 * must be exactly the receipt's URL in landscape, in portrait, at the page's
 * smallest size and under a dark theme; the code's pixels must be pure black
 * and white (whole pixels per module); nothing decoded may identify the
 * shopper. The PNGs stay in the build folder (tests/follow-up-*.png) to look at.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <gtk/gtk.h>
#include <string.h>

#include "gh-follow-up-page.h"
#include "receipts/gh-kiosk-keys.h"
#include "gh-qr-paintable.h"
#include "receipts/gh-receipt.h"
#include "gh-test-frame.h"
#include "gh-test-utils.h"

#define LOYALTY_ID "4000987654"
#define REF        "c-19b0d4e7"
#define NAME       "Grace Hopper-Example"
#define EMAIL      "grace.hopper@example.org"

typedef struct {
  char      *dir;
  GhStore   *store;
  GhCatalog *catalog;
  GhReceipt *receipt;
  char      *url;
} Fixture;

static void
fixture_set_up (Fixture       *fx,
                gconstpointer  data)
{
  g_autofree char *db_path = NULL;
  g_autoptr(GhCustomer) customer = NULL;
  g_autoptr(GError) error = NULL;
  gint64 id;

  fx->dir = gh_test_mkdtemp ();
  db_path = g_build_filename (fx->dir, "kiosk.db", NULL);
  fx->store = gh_test_demo_kiosk_store (db_path, &fx->catalog);

  id = gh_store_add_customer (fx->store, LOYALTY_ID, REF, NAME, NULL, &error);
  g_assert_no_error (error);
  gh_store_add_data_item (fx->store, id, "user.contact.email", "{\"value\":\"" EMAIL "\"}",
                          GH_SOURCE_PROVIDED, 1700000000, 1900000000, &error);
  g_assert_no_error (error);
  customer = gh_store_find_customer (fx->store, LOYALTY_ID, &error);
  g_assert_no_error (error);

  fx->receipt = gh_receipt_issue (fx->store, fx->catalog, customer, GPOINTER_TO_INT (data),
                                  NULL, NULL, "en", &error);
  g_assert_no_error (error);
  fx->url = gh_receipt_get_follow_up_url (fx->receipt, fx->catalog);
}

static void
fixture_tear_down (Fixture       *fx,
                   gconstpointer  data)
{
  g_clear_object (&fx->receipt);
  g_clear_object (&fx->catalog);
  g_clear_object (&fx->store);
  gh_test_rmdir (fx->dir);
  g_free (fx->dir);
  g_free (fx->url);
}

typedef struct {
  int width, height;        /* the window as allocated */
  int code_side;            /* the code's picture, shorter side */
  int module_px;
} Rendered;

/* Renders @window like GTK's reftests, saves it as @name in the build folder
 * and returns what zbarimg reads in it. */
static char *
render (GtkWidget  *window,
        GtkWidget  *page,
        const char *name,
        Rendered   *out)
{
  g_autoptr(GdkTexture) texture = NULL;
  g_autofree char *path = g_build_filename (g_getenv ("GLASSHOUSE_BUILD_DIR"), "tests", name, NULL);
  GtkWidget *picture = (GtkWidget *) gtk_widget_get_template_child (page, GH_TYPE_FOLLOW_UP_PAGE, "code_picture");
  GdkPaintable *code = gtk_picture_get_paintable (GTK_PICTURE (picture));
  graphene_rect_t bounds;
  g_autofree guchar *pixels = NULL;
  int w, h, modules, side, x0, y0;
  gsize stride;

  texture = gh_test_render_window (window, path);
  w = gtk_widget_get_width (window);
  h = gtk_widget_get_height (window);

  /* Crisp: inside the code (quiet zone included) every pixel is pure black or
   * pure white, which holds only with whole pixels per module on whole pixels. */
  g_assert_true (gtk_widget_compute_bounds (picture, window, &bounds));
  modules = gh_qr_get_size (gh_qr_paintable_get_qr (GH_QR_PAINTABLE (code))) + 2 * GH_QR_QUIET_ZONE;
  out->width = w;
  out->height = h;
  out->code_side = MIN (bounds.size.width, bounds.size.height);
  out->module_px = out->code_side / modules;
  g_assert_cmpint (out->module_px, >=, GH_QR_PAINTABLE_MIN_MODULE_PX);
  side = out->module_px * modules;
  x0 = bounds.origin.x + (int) ((bounds.size.width - side) / 2);
  y0 = bounds.origin.y + (int) ((bounds.size.height - side) / 2);
  stride = (gsize) w * 4;
  pixels = g_malloc (stride * h);
  gdk_texture_download (texture, pixels, stride);
  for (int y = y0; y < y0 + side; y++)
    for (int x = x0; x < x0 + side; x++)
      {
        const guchar *p = pixels + y * stride + x * 4;  /* B G R A, premultiplied */
        gboolean black = p[0] == 0 && p[1] == 0 && p[2] == 0 && p[3] == 255;
        gboolean white = p[0] == 255 && p[1] == 255 && p[2] == 255 && p[3] == 255;

        if (!black && !white)
          {
            g_autofree char *message =
              g_strdup_printf ("%s: pixel %d,%d is %02x%02x%02x/%02x, neither black nor white",
                               name, x, y, p[2], p[1], p[0], p[3]);

            g_assertion_message (G_LOG_DOMAIN, __FILE__, __LINE__, G_STRFUNC, message);
          }
      }
  /* The quiet zone's corner is white, the finder pattern's corner black. */
  g_assert_cmpint (pixels[y0 * stride + x0 * 4], ==, 255);
  g_assert_cmpint (pixels[(y0 + 4 * out->module_px) * stride + (x0 + 4 * out->module_px) * 4], ==, 0);

  g_test_message ("%s: window %d x %d, code %d px, %d px per module", path, w, h,
                  out->code_side, out->module_px);
  return gh_test_zbar_decode (path);
}

static void
assert_no_identifiers (const char *text)
{
  g_assert_null (strstr (text, LOYALTY_ID));
  g_assert_null (strstr (text, REF));
  g_assert_null (strstr (text, NAME));
  g_assert_null (strstr (text, "Hopper"));
  g_assert_null (strstr (text, EMAIL));
}

static void
check_size (Fixture    *fx,
            int         width,
            int         height,
            const char *name,
            Rendered   *rendered)
{
  GhFollowUpPage *page = GH_FOLLOW_UP_PAGE (gh_follow_up_page_new ());
  GtkWidget *window;
  g_autofree char *decoded = NULL;

  gh_follow_up_page_set_receipt (page, fx->receipt, fx->catalog);
  g_assert_cmpstr (gh_follow_up_page_get_url (page), ==, fx->url);
  window = gh_test_window_new (GTK_WIDGET (page), width, height);
  decoded = render (window, GTK_WIDGET (page), name, rendered);
  g_assert_cmpstr (decoded, ==, fx->url);
  assert_no_identifiers (decoded);
  gtk_window_destroy (GTK_WINDOW (window));
}

static void
test_landscape_and_portrait (Fixture       *fx,
                             gconstpointer  data)
{
  Rendered landscape, portrait;

  check_size (fx, 1920, 1080, "follow-up-landscape.png", &landscape);
  check_size (fx, 720, 1080, "follow-up-portrait.png", &portrait);
  /* Large on the kiosk's screen: several pixels per module. */
  g_assert_cmpint (landscape.module_px, >=, 6);
  g_assert_cmpint (portrait.module_px, >=, 6);
}

static void
test_smallest (Fixture       *fx,
               gconstpointer  data)
{
  Rendered smallest;
  int modules;
  g_autoptr(GhQr) qr = gh_qr_new (fx->url, NULL);

  /* A window asked to be 1 x 1 gets the page's minimum size. */
  check_size (fx, 1, 1, "follow-up-smallest.png", &smallest);
  modules = gh_qr_get_size (qr) + 2 * GH_QR_QUIET_ZONE;
  g_assert_cmpint (smallest.module_px, ==, GH_QR_PAINTABLE_MIN_MODULE_PX);
  g_assert_cmpint (smallest.code_side, ==, modules * GH_QR_PAINTABLE_MIN_MODULE_PX);
}

static void
test_dark_theme (Fixture       *fx,
                 gconstpointer  data)
{
  GtkSettings *settings = gtk_settings_get_default ();
  Rendered dark;

  g_object_set (settings, "gtk-application-prefer-dark-theme", TRUE, NULL);
  check_size (fx, 1280, 800, "follow-up-dark.png", &dark);
  g_object_set (settings, "gtk-application-prefer-dark-theme", FALSE, NULL);
}

static void
on_done (GhFollowUpPage *page,
         int            *count)
{
  (*count)++;
}

static void
test_page_contents (Fixture       *fx,
                    gconstpointer  data)
{
  GhFollowUpPage *page = g_object_ref_sink (GH_FOLLOW_UP_PAGE (gh_follow_up_page_new ()));
  GtkWidget *picture = (GtkWidget *) gtk_widget_get_template_child (GTK_WIDGET (page), GH_TYPE_FOLLOW_UP_PAGE, "code_picture");
  GtkWidget *code_label = (GtkWidget *) gtk_widget_get_template_child (GTK_WIDGET (page), GH_TYPE_FOLLOW_UP_PAGE, "short_code_label");
  GtkWidget *fallback = (GtkWidget *) gtk_widget_get_template_child (GTK_WIDGET (page), GH_TYPE_FOLLOW_UP_PAGE, "fallback_label");
  GtkWidget *sentence = (GtkWidget *) gtk_widget_get_template_child (GTK_WIDGET (page), GH_TYPE_FOLLOW_UP_PAGE, "sentence_label");
  GtkWidget *done = (GtkWidget *) gtk_widget_get_template_child (GTK_WIDGET (page), GH_TYPE_FOLLOW_UP_PAGE, "done_button");
  GtkWidget *problem = (GtkWidget *) gtk_widget_get_template_child (GTK_WIDGET (page), GH_TYPE_FOLLOW_UP_PAGE, "problem_label");
  g_autofree char *consent_sentence = NULL;
  g_autofree char *filler = g_strnfill (4000, 'x');
  g_autofree char *huge = g_strconcat ("https://privacy.northwind.example/r/", filler, NULL);
  int done_count = 0;

  /* Empty until given a receipt. */
  g_assert_false (gtk_widget_get_visible (picture));
  g_assert_false (gtk_widget_get_visible (code_label));
  consent_sentence = g_strdup (gtk_label_get_label (GTK_LABEL (sentence)));

  gh_follow_up_page_set_receipt (page, fx->receipt, fx->catalog);
  g_assert_true (gtk_widget_get_visible (picture));
  g_assert_cmpint (gh_follow_up_page_get_kind (page), ==, gh_receipt_get_kind (fx->receipt));
  g_assert_cmpstr (gtk_label_get_label (GTK_LABEL (code_label)), ==, gh_receipt_get_short_code (fx->receipt));
  g_assert_cmpstr (gh_follow_up_page_get_short_code (page), ==, gh_receipt_get_short_code (fx->receipt));
  g_assert_nonnull (strstr (gtk_label_get_label (GTK_LABEL (fallback)), "privacy.northwind.example"));
  g_assert_null (strstr (gtk_label_get_label (GTK_LABEL (fallback)), "/r/"));
  /* Each kind says what the phone will show; the picture describes itself with it. */
  g_assert_cmpstr (gtk_picture_get_alternative_text (GTK_PICTURE (picture)), ==,
                   gtk_label_get_label (GTK_LABEL (sentence)));
  if (gh_receipt_get_kind (fx->receipt) != GH_RECEIPT_KIND_CONSENT)
    g_assert_cmpstr (gtk_label_get_label (GTK_LABEL (sentence)), !=, consent_sentence);

  g_signal_connect (page, "done", G_CALLBACK (on_done), &done_count);
  g_signal_emit_by_name (done, "clicked");
  g_assert_cmpint (done_count, ==, 1);

  /* A URL too long for any QR code: no code, a sentence saying who can help. */
  g_test_expect_message ("glasshouse-ui", G_LOG_LEVEL_WARNING, "follow-up code: QR code:*");
  gh_follow_up_page_set_url (page, huge);
  g_test_assert_expected_messages ();
  g_assert_false (gtk_widget_get_visible (picture));
  g_assert_true (gtk_widget_get_visible (problem));

  /* Cleared: nothing left on the page. */
  gh_follow_up_page_set_receipt (page, NULL, NULL);
  g_assert_null (gh_follow_up_page_get_url (page));
  g_assert_false (gtk_widget_get_visible (picture));
  g_assert_false (gtk_widget_get_visible (code_label));
  g_assert_false (gtk_widget_get_visible (problem));
  g_assert_null (gtk_picture_get_paintable (GTK_PICTURE (picture)));
  g_object_unref (page);
}

static void
no_display (void)
{
  g_test_fail_printf ("no display (DISPLAY=%s): run the suite under xvfb-run",
                      g_getenv ("DISPLAY") != NULL ? g_getenv ("DISPLAY") : "unset");
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  if (!gtk_init_check ())
    {
      /* Registering nothing would pass without checking anything: say why it cannot run. */
      g_test_add_func ("/follow-up-page/display", no_display);
      return g_test_run ();
    }
#define ADD(path, kind, func) GH_TEST_ADD_FIXTURE (path, GINT_TO_POINTER (kind), func)
  ADD ("/follow-up-page/landscape-and-portrait", GH_RECEIPT_KIND_ACCESS, test_landscape_and_portrait);
  ADD ("/follow-up-page/smallest", GH_RECEIPT_KIND_ERASURE, test_smallest);
  ADD ("/follow-up-page/dark-theme", GH_RECEIPT_KIND_ACCESS, test_dark_theme);
  ADD ("/follow-up-page/contents", GH_RECEIPT_KIND_ERASURE, test_page_contents);
#undef ADD
  return g_test_run ();
}
