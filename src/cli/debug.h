/* trapscope debug: the REPL's session and what its command files share.
 *
 * debug.c        the session: options, the built-in demo, the read loop (readline or plain
 *                lines), -x files, Ctrl-C, history, completion, the command table and help
 * debug_run.c    run control: stepi, continue, until, run-to-exit, next-trap, step-exit and
 *                its five phases, breakpoints
 * debug_show.c   regs, csrs, frame, explain, x, disas, hart, trace save, history-exits
 * debug_pt.c     pt: both translation stages, every level's PTE decoded
 *
 * Every command is `bool fn(cli_dbg *s, int argc, char **argv)`: argv[0] is the command word
 * as typed ("x/4xw" for x); it returns false after printing one error line with cli_dbg_error.
 * The machine is the virt machine of `trapscope run` (src/emu/virt.h): the debugger pauses it
 * with emu_virt_run_until and advances exits phase by phase with emu_virt_advance.
 */
#ifndef TRAPSCOPE_CLI_DEBUG_H
#define TRAPSCOPE_CLI_DEBUG_H

#include "emu/virt.h"

#include <signal.h>
#include <stdio.h>

#define CLI_DBG_MAX_BREAKS  64
#define CLI_DBG_HISTORY	    64	   /* exits history-exits can show */
#define CLI_DBG_MAX_RECORDS 100000 /* events kept for trace save */

typedef enum cli_dbg_break_kind {
	CLI_DBG_BREAK_PC,     /* a guest pc */
	CLI_DBG_BREAK_REASON, /* an exit reason: mmio_write, sbi, ... (hv_exit kind or "sbi") */
	CLI_DBG_BREAK_CAUSE,  /* an exit with this scause (RISC-V) */
	CLI_DBG_BREAK_EC,     /* an exit with this ESR_EL2.EC (AArch64) */
} cli_dbg_break_kind;

typedef struct cli_dbg_break {
	unsigned id; /* as numbered for the user, from 1 */
	cli_dbg_break_kind kind;
	uint64_t value; /* pc, cause or EC */
	char what[64];	/* pc: "main+0x1c"; reason: its name */
	uint64_t hits;
} cli_dbg_break;

/* Colours by role; empty strings when colour is off. */
typedef enum cli_dbg_style {
	CLI_DBG_PLAIN,
	CLI_DBG_HEAD,	 /* a phase or section title */
	CLI_DBG_ADDR,	 /* addresses and symbols */
	CLI_DBG_CHANGED, /* a value that changed */
	CLI_DBG_OLD,	 /* a value before it changed */
	CLI_DBG_NOTE,	 /* explanations */
	CLI_DBG_ERR,
	CLI_DBG_STYLE_COUNT
} cli_dbg_style;

typedef struct cli_dbg {
	emu_virt *m;
	const char *program; /* the guest's path or "built-in demo" */
	unsigned hart;	     /* the hart commands act on */
	FILE *out;
	FILE *err; /* error lines (stderr) */
	bool color;
	bool interactive; /* readline on a terminal */
	bool quit;
	bool failed;		   /* a command failed (the exit status of a scripted session) */
	size_t handler_action_len; /* step-exit: the action text the handler phase wrote */
	volatile sig_atomic_t interrupted; /* set by SIGINT while the guest runs */

	cli_dbg_break breaks[CLI_DBG_MAX_BREAKS];
	unsigned nbreaks, next_break_id;

	/* Every event since the start, for trace save (the newest CLI_DBG_MAX_RECORDS). */
	emu_event *records;
	size_t nrecords, records_cap;
	uint64_t dropped_records;
} cli_dbg;

/* ---- output ---- */
const char *cli_dbg_style_on(const cli_dbg *s, cli_dbg_style style);
const char *cli_dbg_style_off(const cli_dbg *s);
/* One line on stderr naming the problem (stdout flushed first so the order holds); keeps the
 * session alive. Always returns false, so commands can `return cli_dbg_error(...)`. */
bool cli_dbg_error(cli_dbg *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* ---- the current hart ---- */
rv_hart *cli_dbg_rv_hart(cli_dbg *s);
emu_vcpu *cli_dbg_vcpu(cli_dbg *s);

/* ---- addresses and symbols ---- */
/* A number, a symbol, symbol+offset, or a register name (pc, sp, a0, ...) of the current
 * hart. false with *why set when it is none of these. */
bool cli_dbg_parse_addr(cli_dbg *s, const char *text, uint64_t *addr, const char **why);
/* "main+0x1c", "main", or "" when no symbol holds addr. */
const char *cli_dbg_symbolize(const cli_dbg *s, uint64_t addr, char *buf, size_t size);
/* "0x80200010 <main+0x1c>" or "0x80200010", styled as an address. */
void cli_dbg_print_addr(cli_dbg *s, uint64_t addr);

/* ---- guest memory, as the current hart's guest sees it ---- */
typedef enum cli_dbg_space { CLI_DBG_GVA, CLI_DBG_GPA, CLI_DBG_HPA } cli_dbg_space;
/* Splits "gva:ADDR", "gpa:ADDR", "hpa:ADDR" (ipa: = gpa:); no prefix means gva. */
const char *cli_dbg_split_space(const char *text, cli_dbg_space *space);
/* Reads len (1, 2, 4, 8) bytes; false with a one-line reason in why. */
bool cli_dbg_read(cli_dbg *s, cli_dbg_space space, uint64_t addr, unsigned len, uint64_t *val,
		  char *why, size_t whylen);
/* The instruction at a guest virtual address: length 2 or 4, or 0 when it cannot be read. */
unsigned cli_dbg_fetch(cli_dbg *s, uint64_t gva, uint32_t *raw);
/* "0x80200010 <main+0x1c>:  00b52023  sw a1,0(a0)" on s->out. */
void cli_dbg_print_insn(cli_dbg *s, uint64_t gva, bool mark_pc);

/* ---- names the REPL knows (completion, explain, regs) ---- */
/* CSR number for a name the hart implements ("scause", "hstatus", "vsatp"), or -1. */
int cli_dbg_csr_number(const char *name);

/* ---- commands, by file ---- */
typedef bool cli_dbg_cmd_fn(cli_dbg *s, int argc, char **argv);

/* debug_run.c */
cli_dbg_cmd_fn cli_dbg_stepi, cli_dbg_continue, cli_dbg_until, cli_dbg_run_to_exit,
    cli_dbg_next_trap, cli_dbg_step_exit, cli_dbg_break_cmd, cli_dbg_break_exit, cli_dbg_delete,
    cli_dbg_info_breakpoints;
/* debug_show.c */
cli_dbg_cmd_fn cli_dbg_regs, cli_dbg_csrs, cli_dbg_frame, cli_dbg_explain, cli_dbg_x, cli_dbg_disas,
    cli_dbg_hart_cmd, cli_dbg_trace_save, cli_dbg_history_exits;
/* debug_pt.c */
cli_dbg_cmd_fn cli_dbg_pt;

/* Runs one command line ('#' starts a comment); false when it failed or was not understood
 * (then exactly one line went to s->err). */
bool cli_dbg_run_line(cli_dbg *s, const char *line);
/* "instruction", "trap entry", "exit handler", "machine action", "resume" */
const char *cli_dbg_phase_name(emu_phase phase);
/* "VS-mode", "HS-mode", "VU-mode", "M-mode", ... */
const char *cli_dbg_mode_name(const rv_hart *h);
/* Where the current hart stands, one line: "hart 0 at 0x80200010 <main+0x1c>: sw a1,0(a0)",
 * or the exit phase it is paused in. */
void cli_dbg_print_where(cli_dbg *s);
/* An event recorded while the guest ran (the machine's on_event). */
void cli_dbg_record(cli_dbg *s, const emu_event *ev);
/* The last n events that were exits (not guest traps), oldest first, into out; returns how
 * many. */
size_t cli_dbg_last_exits(const cli_dbg *s, const emu_event **out, size_t n);

#endif
