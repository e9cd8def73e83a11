/*
 * fuzz_root.h - a scratch root directory for harnesses whose parser only
 * reads through root_fs (sshd_config, openvpn): one per process, made at
 * first use under $TMPDIR (or /tmp) and removed at exit.
 */
#ifndef MFACOVER_FUZZ_ROOT_H
#define MFACOVER_FUZZ_ROOT_H

#include <stddef.h>

/* The root's descriptor for root_fs calls; aborts if it cannot be made. */
int fuzz_root_fd(void);

/* The root's path, for loaders that take one (pam_services_load). */
const char *fuzz_root_path(void);

/* Replace the file at rel (inside the root, parents made) with data. */
void fuzz_root_write(const char *rel, const void *data, size_t len);

#endif /* MFACOVER_FUZZ_ROOT_H */
