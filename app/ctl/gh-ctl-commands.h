/* The subcommands, one function each; gh-ctl.c's table maps words to them.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

G_BEGIN_DECLS

/* gh-ctl-store.c */
int gh_ctl_init           (int argc, char **argv);
int gh_ctl_customer_show  (int argc, char **argv);
int gh_ctl_consent_set    (int argc, char **argv);
int gh_ctl_audit_verify   (int argc, char **argv);
int gh_ctl_outbox_export  (int argc, char **argv);
int gh_ctl_outbox_ack     (int argc, char **argv);


G_END_DECLS
