/* The virt machine's options, shared by run and debug: --mem, --ram, --gstage, --harts,
 * --htinst (parsed in run.c). */
#ifndef TRAPSCOPE_CLI_VIRT_OPTS_H
#define TRAPSCOPE_CLI_VIRT_OPTS_H

#include "emu/virt.h"

typedef struct cli_virt_opts {
	uint64_t mem;
	emu_ram_backend ram;
	hv_pt_format gstage;
	unsigned harts;
	rv_htinst_mode htinst;
} cli_virt_opts;

#define CLI_VIRT_OPTS_DEFAULT                                                                      \
	{                                                                                          \
		EMU_VIRT_MEM_DEFAULT, EMU_RAM_LINEAR, HV_PT_RV_SV39X4, 1, RV_HTINST_TRANSFORMED    \
	}

/* getopt_long entries; their values are the c that cli_virt_option takes. */
#define CLI_VIRT_LONGOPTS                                                                          \
	{"mem", required_argument, NULL, 'M'}, {"ram", required_argument, NULL, 'R'},              \
	    {"harts", required_argument, NULL, 'N'}, {"gstage", required_argument, NULL, 'G'},     \
	{                                                                                          \
		"htinst", required_argument, NULL, 'H'                                             \
	}

/* Applies one option (c from CLI_VIRT_LONGOPTS); false after a one-line error naming cmd. */
bool cli_virt_option(const char *cmd, int c, const char *arg, cli_virt_opts *o);
void cli_virt_config(const cli_virt_opts *o, emu_virt_config *cfg);

/* The options' help lines, as debug prints them. */
_Static_assert(EMU_VIRT_MAX_HARTS == 8, "CLI_VIRT_OPTS_HELP names the number of harts");
#define CLI_VIRT_OPTS_HELP                                                                         \
	"      --mem SIZE      guest RAM: bytes or with K, M, G (default 128M)\n"                  \
	"      --ram BACKEND   guest RAM backend: linear (default: one host block),\n"             \
	"                      alloc (a frame per page up front), lazy (frames on first touch)\n"  \
	"      --gstage MODE   G-stage tables: sv39x4 (default, hgatp mode 8) or sv48x4\n"         \
	"      --harts N       harts, 1 to 8 (default 1); others start via SBI HSM\n"              \
	"      --htinst MODE   transformed (default) or zero: what htinst holds on guest-page\n"   \
	"                      faults (zero: like some hardware and QEMU before 9.2)\n"

#endif
