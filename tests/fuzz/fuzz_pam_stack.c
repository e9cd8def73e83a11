/*
 * fuzz_pam_stack.c - whole PAM stacks as the auditor lays them out: the
 * input, split at NUL bytes, becomes up to four files of a scratch root's
 * /etc/pam.d (login, common-auth, other, sub), which may include, substack
 * and jump into each other.  pam_services_load reads them; for every
 * service and type, pam_flow_build lays the program out and
 * pam_flow_analyse explores every path, with pam_mfacover as the second
 * factor and every other module's results from pam_flow_default_outcomes.
 */
#include <security/_pam_types.h>

#include "fuzz_common.h"
#include "fuzz_root.h"
#include "pam_flow.h"
#include "pam_services.h"

static const char *const stack_files[] = {
	"etc/pam.d/login",
	"etc/pam.d/common-auth",
	"etc/pam.d/other",
	"etc/pam.d/sub",
};

#define NFILES (sizeof(stack_files) / sizeof(stack_files[0]))

static size_t
oracle(const struct pam_handler *h, void *ctx, struct pam_outcome *out)
{
	(void)ctx;
	if (strcmp(h->module, "pam_mfacover") == 0) {
		out[0].retval = PAM_SUCCESS;
		out[0].factors = FLOW_FACTOR_SECOND;
		out[0].note = "the user presents the factor";
		out[1].retval = PAM_AUTH_ERR;
		out[1].factors = 0;
		out[1].note = "a wrong code";
		return 2;
	}
	return pam_flow_default_outcomes(h->module, true, out);
}

static void
analyse(const struct pam_host *host, size_t service, enum pam_type type)
{
	struct pam_program prog;
	struct pam_flow_result result;
	struct mfa_parse_err perr;
	size_t i;

	memset(&prog, 0, sizeof(prog));
	memset(&result, 0, sizeof(result));
	if (pam_flow_build(host, service, type, &prog, &perr) != 0)
		return;
	if (pam_flow_analyse(&prog, oracle, NULL, FLOW_FACTOR_SECOND, &result) == 0) {
		/* A witness is a success path, made of this program's handlers. */
		if (result.witness != NULL && !result.can_succeed)
			abort();
		for (i = 0; i < result.nwitness; i++)
			if (result.witness[i].handler >= prog.n)
				abort();
		if ((result.success_without & FLOW_FACTOR_SECOND) != 0 && result.witness == NULL)
			abort();
	}
	pam_flow_result_clear(&result);
	pam_program_clear(&prog);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *p = data, *end = data + size;
	struct pam_host *host = NULL;
	struct mfa_parse_err perr;
	size_t f, s;
	int t;

	for (f = 0; f < NFILES; f++) {
		const uint8_t *nul = p < end ? memchr(p, '\0', (size_t)(end - p)) : NULL;
		size_t len = nul != NULL ? (size_t)(nul - p) : (size_t)(end - p);

		fuzz_root_write(stack_files[f], p, len);
		p = nul != NULL ? nul + 1 : end;
	}
	if (pam_services_load(fuzz_root_path(), &host, &perr) != 0)
		return 0;
	for (s = 0; s < host->nservices; s++)
		for (t = PAM_TYPE_AUTH; t <= PAM_TYPE_SESSION; t++)
			analyse(host, s, (enum pam_type)t);
	pam_host_free(&host);
	return 0;
}
