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

/* gh-ctl-hq.c */
int gh_ctl_outbox_push    (int argc, char **argv);
int gh_ctl_hq_init        (int argc, char **argv);
int gh_ctl_hq_status      (int argc, char **argv);

/* gh-ctl-sync.c */
int gh_ctl_sync             (int argc, char **argv);
int gh_ctl_hq_publish       (int argc, char **argv);
int gh_ctl_hq_kiosk         (int argc, char **argv);
int gh_ctl_hq_retention     (int argc, char **argv);
int gh_ctl_hq_status_fleet  (const char *conninfo, gboolean json, int silent_minutes);

/* gh-ctl-hq-import.c, gh-ctl-hq-report.c */
int gh_ctl_hq_import      (int argc, char **argv);
int gh_ctl_hq_report      (int argc, char **argv);

/* gh-ctl-offers.c */
int gh_ctl_offers              (int argc, char **argv);
int gh_ctl_report_minimisation (int argc, char **argv);

/* gh-ctl-receipt.c */
int gh_ctl_kiosk_pubkey   (int argc, char **argv);
int gh_ctl_receipt_verify (int argc, char **argv);
int gh_ctl_qr             (int argc, char **argv);

/* gh-ctl-bundle.c */
int gh_ctl_keygen          (int argc, char **argv);
int gh_ctl_bundle_sign     (int argc, char **argv);
int gh_ctl_bundle_verify   (int argc, char **argv);
int gh_ctl_config_apply    (int argc, char **argv);
int gh_ctl_config_status   (int argc, char **argv);
int gh_ctl_config_rollback (int argc, char **argv);

/* gh-ctl-demo.c */
int gh_ctl_demo            (int argc, char **argv);

/* gh-ctl-erase.c */
int gh_ctl_erase           (int argc, char **argv);

/* gh-ctl-members.c */
int gh_ctl_import          (int argc, char **argv);
int gh_ctl_retention_run   (int argc, char **argv);
int gh_ctl_health          (int argc, char **argv);

/* gh-ctl-auth.c */
int gh_ctl_lockout_clear   (int argc, char **argv);
int gh_ctl_pin_hash        (int argc, char **argv);


G_END_DECLS
