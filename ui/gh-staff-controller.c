/* GhStaffController: staff mode wired into the kiosk window, kept out of the
 * window's own file. It owns the GhStaffMode, puts the banner in the window's
 * banner slot (so it shows above every screen), adds the staff sign-in and
 * staff pages to the window's stack, returns to the screen staff came from,
 * and keeps the visit's actor at "staff:<id>" while staff assist.
 * SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "glasshouse-ui"
#include "config.h"

#include "auth/gh-auth.h"
#include "gh-staff-banner.h"
#include "gh-staff-controller.h"
#include "gh-staff-page.h"
#include "gh-staff-sign-in.h"

#define DEFAULT_STAFF_TIMEOUT 300

struct _GhStaffController
{
  GObject      parent_instance;

  GtkStack    *stack;          /* weak */
  GtkWidget   *banner;
  GtkWidget   *sign_in;
  GtkWidget   *page;
  GtkWidget   *return_to;      /* weak: the screen staff came from */

  GhStaffMode *mode;
  GhCatalog   *catalog;
  GhSession   *session;
  char        *db_path;
  char        *staff_id;       /* who is on the record as assisting, for the end event */
};

G_DEFINE_FINAL_TYPE (GhStaffController, gh_staff_controller, G_TYPE_OBJECT)

static void
go_back (GhStaffController *self)
{
  GtkWidget *target = self->return_to;

  if (self->stack == NULL)
    return;
  if (target == NULL || gtk_stack_get_page (self->stack, target) == NULL
      || target == self->sign_in || target == self->page)
    target = gtk_stack_get_child_by_name (self->stack, "attract");
  gh_staff_sign_in_reset (GH_STAFF_SIGN_IN (self->sign_in));
  gh_staff_page_reset (GH_STAFF_PAGE (self->page));
  if (target != NULL)
    gtk_stack_set_visible_child (self->stack, target);
}

static gboolean
on_staff_screen (GhStaffController *self)
{
  GtkWidget *visible = self->stack != NULL ? gtk_stack_get_visible_child (self->stack) : NULL;

  return visible != NULL && (visible == self->sign_in || visible == self->page);
}

/* One way out of each screen: on the staff screens their own button, elsewhere the
 * banner's "finish helping". */
static void
on_page_shown (GhStaffController *self)
{
  gh_staff_banner_set_end_shown (GH_STAFF_BANNER (self->banner), !on_staff_screen (self));
}

static void
update_actor (GhStaffController *self)
{
  const char *actor = gh_staff_mode_get_actor (self->mode);
  GhStaffMember *member = gh_staff_mode_get_member (self->mode);

  /* A member of staff beginning (however it began) goes on the record. */
  if (member != NULL && g_strcmp0 (self->staff_id, gh_staff_member_get_id (member)) != 0)
    {
      g_free (self->staff_id);
      self->staff_id = g_strdup (gh_staff_member_get_id (member));
      if (self->db_path != NULL)
        gh_auth_record_staff_assist_async (self->db_path, self->staff_id, TRUE, FALSE, NULL,
                                           NULL, NULL);
    }

  if (self->session != NULL && !gh_session_get_ended (self->session))
    gh_session_set_actor (self->session, actor != NULL ? actor : "shopper");
}

static void
on_ended (GhStaffController *self,
          gboolean           timed_out)
{
  if (self->staff_id != NULL && self->db_path != NULL)
    gh_auth_record_staff_assist_async (self->db_path, self->staff_id, FALSE, timed_out, NULL,
                                       NULL, NULL);
  g_clear_pointer (&self->staff_id, g_free);

  /* Nobody is left signed in as staff: no staff screen may stay up. */
  if (on_staff_screen (self))
    go_back (self);
}

static void
on_signed_in (GhStaffController *self,
              GhStaffMember     *member)
{
  int timeout = self->catalog != NULL ? gh_catalog_get_staff_timeout (self->catalog) : 0;

  gh_staff_mode_begin (self->mode, member, timeout > 0 ? (guint) timeout : DEFAULT_STAFF_TIMEOUT);
  gh_staff_page_refresh (GH_STAFF_PAGE (self->page));
  gtk_stack_set_visible_child (self->stack, self->page);
}

void
gh_staff_controller_request_unlock (GhStaffController *self)
{
  GtkWidget *visible;

  g_return_if_fail (GH_IS_STAFF_CONTROLLER (self));
  if (self->stack == NULL || self->catalog == NULL)
    return;

  visible = gtk_stack_get_visible_child (self->stack);
  if (visible != self->sign_in && visible != self->page)
    g_set_weak_pointer (&self->return_to, visible);
  /* Already signed in: straight to the staff page. */
  if (gh_staff_mode_get_active (self->mode))
    {
      gh_staff_mode_extend (self->mode);
      gh_staff_page_refresh (GH_STAFF_PAGE (self->page));
      gtk_stack_set_visible_child (self->stack, self->page);
      return;
    }
  gh_staff_sign_in_reset (GH_STAFF_SIGN_IN (self->sign_in));
  gtk_stack_set_visible_child (self->stack, self->sign_in);
}

static void
gh_staff_controller_dispose (GObject *object)
{
  GhStaffController *self = GH_STAFF_CONTROLLER (object);

  if (self->mode != NULL)
    g_signal_handlers_disconnect_by_data (self->mode, self);
  g_clear_weak_pointer (&self->stack);
  g_clear_weak_pointer (&self->return_to);
  g_clear_object (&self->banner);
  g_clear_object (&self->sign_in);
  g_clear_object (&self->page);
  g_clear_object (&self->mode);
  g_clear_object (&self->catalog);
  g_clear_object (&self->session);
  g_clear_pointer (&self->db_path, g_free);
  g_clear_pointer (&self->staff_id, g_free);

  G_OBJECT_CLASS (gh_staff_controller_parent_class)->dispose (object);
}

static void
gh_staff_controller_class_init (GhStaffControllerClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = gh_staff_controller_dispose;
}

static void
gh_staff_controller_init (GhStaffController *self)
{
  self->mode = gh_staff_mode_new ();
}

/* The staff sign-in and staff pages; they set their words again when the language
 * changes (gh_staff_controller_relabel). */
static void
add_staff_pages (GhStaffController *self)
{
  self->sign_in = g_object_ref_sink (gh_staff_sign_in_new (self->db_path, self->catalog));
  gtk_stack_add_named (self->stack, self->sign_in, "staff-sign-in");
  self->page = g_object_ref_sink (gh_staff_page_new (self->mode, self->db_path));
  gtk_stack_add_named (self->stack, self->page, "staff");

  g_signal_connect_object (self->sign_in, "signed-in", G_CALLBACK (on_signed_in), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->sign_in, "cancelled", G_CALLBACK (go_back), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->page, "done", G_CALLBACK (go_back), self, G_CONNECT_SWAPPED);
}

GhStaffController *
gh_staff_controller_new (GtkStack   *stack,
                         GtkBox     *banner_box,
                         const char *db_path)
{
  GhStaffController *self;

  g_return_val_if_fail (GTK_IS_STACK (stack), NULL);
  g_return_val_if_fail (GTK_IS_BOX (banner_box), NULL);

  self = g_object_new (GH_TYPE_STAFF_CONTROLLER, NULL);
  g_set_weak_pointer (&self->stack, stack);
  self->db_path = g_strdup (db_path);

  self->banner = g_object_ref_sink (gh_staff_banner_new (self->mode));
  gtk_box_append (banner_box, self->banner);
  add_staff_pages (self);
  g_signal_connect_object (stack, "notify::visible-child", G_CALLBACK (on_page_shown), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->mode, "ended", G_CALLBACK (on_ended), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->mode, "notify::actor", G_CALLBACK (update_actor), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->mode, "unlock-requested",
                           G_CALLBACK (gh_staff_controller_request_unlock), self,
                           G_CONNECT_SWAPPED);
  return self;
}

void
gh_staff_controller_set_catalog (GhStaffController *self,
                                 GhCatalog         *catalog)
{
  g_return_if_fail (GH_IS_STAFF_CONTROLLER (self));
  g_set_object (&self->catalog, catalog);
  gh_staff_sign_in_set_catalog (GH_STAFF_SIGN_IN (self->sign_in), catalog);
}

void
gh_staff_controller_set_session (GhStaffController *self,
                                 GhSession         *session)
{
  g_return_if_fail (GH_IS_STAFF_CONTROLLER (self));
  g_set_object (&self->session, session);
  update_actor (self);
}

void
gh_staff_controller_watch_logo (GhStaffController *self,
                                GtkWidget         *logo)
{
  g_return_if_fail (GH_IS_STAFF_CONTROLLER (self));
  g_return_if_fail (GTK_IS_WIDGET (logo));

  gh_staff_mode_watch_logo (self->mode, logo);
}

GhStaffMode *
gh_staff_controller_get_mode (GhStaffController *self)
{
  g_return_val_if_fail (GH_IS_STAFF_CONTROLLER (self), NULL);
  return self->mode;
}

void
gh_staff_controller_relabel (GhStaffController *self)
{
  g_return_if_fail (GH_IS_STAFF_CONTROLLER (self));

  /* The banner speaks to the shopper, so it follows their language at once; so do the
   * staff screens, which keep what they show. */
  gh_staff_banner_relabel (GH_STAFF_BANNER (self->banner));
  gh_staff_sign_in_retranslate (GH_STAFF_SIGN_IN (self->sign_in));
  gh_staff_page_retranslate (GH_STAFF_PAGE (self->page));
  /* The health figures are words too: read them again if they are on screen. */
  if (on_staff_screen (self) && gh_staff_mode_get_active (self->mode))
    gh_staff_page_refresh (GH_STAFF_PAGE (self->page));
}
