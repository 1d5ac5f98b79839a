/* trapscope command line: subcommands, number parsing, rendering of decoded registers. */
#ifndef TRAPSCOPE_CLI_H
#define TRAPSCOPE_CLI_H

#include "decode/decode.h"

#include <stdio.h>

#define CLI_EXIT_USAGE 2 /* bad input: one line on stderr */

/* Prints "trapscope: <fmt>" and a newline on stderr. */
void cli_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Parses hex (0x/0X), binary (0b/0B) or decimal digits with optional '_' between digits.
 * On failure returns false and sets *why to a short reason. */
bool cli_parse_u64(const char *text, uint64_t *value, const char **why);

/* The register name closest to name within two edits, for "did you mean", among the names of
 * architecture only (DEC_ARCH_NONE: both); NULL when none is that close. */
const char *cli_closest_name(const char *name, dec_arch only);

/* Text: an aligned tree of bit ranges, names, values and meanings. */
void cli_render_reg_text(FILE *out, const dec_reg *reg, bool verbose);
void cli_render_report_text(FILE *out, const dec_report *rep);

/* JSON objects (cJSON); 64-bit values as hex strings. The caller owns the result. */
struct cJSON;
struct cJSON *cli_reg_json(const dec_reg *reg);
struct cJSON *cli_report_json(const dec_arch arch, const dec_reg *regs, unsigned nregs,
			      const dec_report *rep);

/* getopt between commands: cli_getopt_start before the first getopt_long of a command (it also
 * drops the rest of an unfinished "-hv" group from an earlier call); cli_bad_option reports
 * the option getopt_long just refused (c = ':' when it lacked its value, else '?'). */
void cli_getopt_start(void);
void cli_bad_option(const char *cmd, int c, char **argv);

int cli_explain(int argc, char **argv);
int cli_run(int argc, char **argv);
int cli_trace(int argc, char **argv);
int cli_debug(int argc, char **argv);

#endif
