/* trapscope debug: the session, the read loop and the command table. See debug.h for the map
 * of the debugger's files. */
#include "cli.h"
#include "debug.h"
#include "virt_opts.h"

#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <readline/history.h>
#include <readline/readline.h>

#ifdef HAVE_DEMO_GUEST
/* tests/guests/rv/vs/demo.c, built for riscv64 and turned into bytes by the build */
extern const unsigned char cli_demo_guest[];
extern const size_t cli_demo_guest_size;
#endif

#define DBG_MAX_ARGS  16
#define DBG_HISTORY_N 1000
/* How far past a symbol without a size (an assembly label) addresses are named after it. */
#define DBG_LABEL_REACH 0x10000

/* ---- output ---------------------------------------------------------------------------------- */

static const char *const style_codes[CLI_DBG_STYLE_COUNT] = {
    [CLI_DBG_PLAIN] = "",	  [CLI_DBG_HEAD] = "\033[1;34m",
    [CLI_DBG_ADDR] = "\033[36m",  [CLI_DBG_CHANGED] = "\033[1;33m",
    [CLI_DBG_OLD] = "\033[2m",	  [CLI_DBG_NOTE] = "\033[32m",
    [CLI_DBG_ERR] = "\033[1;31m",
};

const char *cli_dbg_style_on(const cli_dbg *s, cli_dbg_style style)
{
	return s->color ? style_codes[style] : "";
}

const char *cli_dbg_style_off(const cli_dbg *s)
{
	return s->color ? "\033[0m" : "";
}

bool cli_dbg_error(cli_dbg *s, const char *fmt, ...)
{
	va_list ap;
	bool color = s->color && isatty(fileno(s->err));
	fflush(s->out);
	fputs(color ? style_codes[CLI_DBG_ERR] : "", s->err);
	fputs("error: ", s->err);
	va_start(ap, fmt);
	vfprintf(s->err, fmt, ap);
	va_end(ap);
	fputs(color ? "\033[0m\n" : "\n", s->err);
	fflush(s->err);
	s->failed = true;
	return false;
}

/* ---- the current hart ------------------------------------------------------------------------ */

rv_hart *cli_dbg_rv_hart(cli_dbg *s)
{
	return &s->m->vcpu[s->hart].hart;
}

emu_vcpu *cli_dbg_vcpu(cli_dbg *s)
{
	return &s->m->vcpu[s->hart];
}

/* ---- addresses and symbols ----------------------------------------------------------------- */

/* x0..x31 by ABI name (and xN, fp) or pc, on the current hart. */
static bool register_value(cli_dbg *s, const char *name, uint64_t *value)
{
	const rv_hart *h = cli_dbg_rv_hart(s);
	if (strcmp(name, "pc") == 0) { /* the guest's pc, also inside an exit */
		*value = h->virt ? h->pc : h->sepc;
		return true;
	}
	for (unsigned i = 0; i < 32; i++) {
		char xname[8];
		snprintf(xname, sizeof xname, "x%u", i);
		if (strcmp(name, dec_rv_reg_name(i)) == 0 || strcmp(name, xname) == 0 ||
		    (i == 8 && strcmp(name, "fp") == 0)) {
			*value = h->x[i];
			return true;
		}
	}
	return false;
}

static bool symbol_value(const cli_dbg *s, const char *text, uint64_t *value, const char **why)
{
	char name[128];
	const char *plus = strchr(text, '+');
	size_t n = plus ? (size_t)(plus - text) : strlen(text);
	uint64_t off = 0;
	if (n >= sizeof name) {
		*why = "name too long";
		return false;
	}
	memcpy(name, text, n);
	name[n] = '\0';
	const emu_symbol *sym = emu_elf_symbol(&s->m->elf, name);
	if (!sym) {
		*why = "no such symbol, register or number";
		return false;
	}
	if (plus && !cli_parse_u64(plus + 1, &off, why))
		return false;
	*value = sym->value + off;
	return true;
}

bool cli_dbg_parse_addr(cli_dbg *s, const char *text, uint64_t *addr, const char **why)
{
	if (!*text) {
		*why = "empty address";
		return false;
	}
	if (*text == '$')
		text++;
	if (text[0] >= '0' && text[0] <= '9')
		return cli_parse_u64(text, addr, why);
	if (register_value(s, text, addr))
		return true;
	return symbol_value(s, text, addr, why);
}

const char *cli_dbg_symbolize(const cli_dbg *s, uint64_t addr, char *buf, size_t size)
{
	const emu_symbol *sym = emu_elf_symbol_at(&s->m->elf, addr);
	if (sym && !sym->size && addr - sym->value >= DBG_LABEL_REACH)
		sym = NULL; /* a label far behind (an absolute value, _end): no help */
	if (!sym)
		snprintf(buf, size, "%s", "");
	else if (addr == sym->value)
		snprintf(buf, size, "%s", sym->name);
	else
		snprintf(buf, size, "%s+0x%" PRIx64, sym->name, addr - sym->value);
	return buf;
}

void cli_dbg_print_addr(cli_dbg *s, uint64_t addr)
{
	char sym[160];
	cli_dbg_symbolize(s, addr, sym, sizeof sym);
	fprintf(s->out, "%s0x%" PRIx64 "%s%s%s%s", cli_dbg_style_on(s, CLI_DBG_ADDR), addr,
		*sym ? " <" : "", sym, *sym ? ">" : "", cli_dbg_style_off(s));
}

const char *cli_dbg_split_space(const char *text, cli_dbg_space *space)
{
	static const struct {
		const char *prefix;
		cli_dbg_space space;
	} prefixes[] = {{"gva:", CLI_DBG_GVA},
			{"gpa:", CLI_DBG_GPA},
			{"ipa:", CLI_DBG_GPA},
			{"hpa:", CLI_DBG_HPA}};
	*space = CLI_DBG_GVA;
	for (size_t i = 0; i < sizeof prefixes / sizeof *prefixes; i++)
		if (strncmp(text, prefixes[i].prefix, 4) == 0) {
			*space = prefixes[i].space;
			return text + 4;
		}
	return text;
}

/* ---- where the current hart stands --------------------------------------------------------- */

const char *cli_dbg_phase_name(emu_phase phase)
{
	static const char *const names[] = {
	    [EMU_PHASE_INSN] = "instruction",	  [EMU_PHASE_TRAP_ENTRY] = "trap entry",
	    [EMU_PHASE_HANDLER] = "exit handler", [EMU_PHASE_ACTION] = "machine action",
	    [EMU_PHASE_RESUME] = "resume",
	};
	return (unsigned)phase < sizeof names / sizeof *names ? names[phase] : "?";
}

const char *cli_dbg_mode_name(const rv_hart *h)
{
	static const char *const names[2][4] = {{"U-mode", "HS-mode", "?", "M-mode"},
						{"VU-mode", "VS-mode", "?", "?"}};
	return names[h->virt][h->priv & 3];
}

void cli_dbg_print_where(cli_dbg *s)
{
	const emu_vcpu *v = cli_dbg_vcpu(s);
	const rv_hart *h = &v->hart;
	if (v->stopped) {
		fprintf(s->out, "hart %u is stopped (not started, or SBI HART_STOP)\n", s->hart);
		return;
	}
	if (v->phase != EMU_PHASE_INSN) {
		fprintf(s->out, "hart %u is inside an exit, before phase %u of 5 (%s); guest pc ",
			s->hart, (unsigned)v->phase + 1, cli_dbg_phase_name(v->phase));
		cli_dbg_print_addr(s, v->ev.pc);
		fprintf(s->out, "\n");
		return;
	}
	fprintf(s->out, "hart %u, %s%s:\n", s->hart, cli_dbg_mode_name(h),
		v->halted ? ", waiting for an interrupt" : "");
	cli_dbg_print_insn(s, h->pc, true);
}

/* ---- events ---------------------------------------------------------------------------------- */

void cli_dbg_record(cli_dbg *s, const emu_event *ev)
{
	if (s->nrecords == CLI_DBG_MAX_RECORDS) { /* keep the newer half */
		size_t keep = CLI_DBG_MAX_RECORDS / 2;
		memmove(s->records, s->records + s->nrecords - keep, keep * sizeof *s->records);
		s->dropped_records += s->nrecords - keep;
		s->nrecords = keep;
	}
	if (s->nrecords == s->records_cap) {
		size_t cap = s->records_cap ? s->records_cap * 2 : 256;
		emu_event *grown = realloc(s->records, cap * sizeof *grown);
		if (!grown) {
			s->dropped_records++;
			return;
		}
		s->records = grown;
		s->records_cap = cap;
	}
	s->records[s->nrecords++] = *ev;
}

static void on_event(void *ctx, const emu_event *ev)
{
	cli_dbg_record(ctx, ev);
}

size_t cli_dbg_last_exits(const cli_dbg *s, const emu_event **out, size_t n)
{
	size_t found = 0, i = s->nrecords;
	while (i > 0 && found < n)
		if (!s->records[--i].guest_trap)
			found++;
	for (size_t k = 0; i < s->nrecords; i++)
		if (!s->records[i].guest_trap)
			out[k++] = &s->records[i];
	return found;
}

/* ---- the command table --------------------------------------------------------------------- */

typedef struct dbg_command {
	const char *name, *alias, *args;
	cli_dbg_cmd_fn *fn;
	const char *summary;
	const char *help; /* what help CMD adds to the summary */
} dbg_command;

static cli_dbg_cmd_fn cmd_help, cmd_quit, cmd_info;

static const dbg_command commands[] = {
    {"stepi", "si", "[N]", cli_dbg_stepi, "execute N guest instructions (default 1)",
     "Executes instructions on the current hart; other harts wait. An instruction that traps\n"
     "into the hypervisor stops at the exit's trap entry (see step-exit). Inside an exit,\n"
     "stepi first finishes it."},
    {"continue", "c", "", cli_dbg_continue, "run every hart until a breakpoint, exit or Ctrl-C",
     "Runs the machine as 'trapscope run' does until a breakpoint (break, break-exit) hits,\n"
     "the guest stops the machine, or Ctrl-C."},
    {"until", "u", "ADDR|SYMBOL", cli_dbg_until, "run until a hart reaches ADDR",
     "A one-time breakpoint at ADDR (a number, SYMBOL, SYMBOL+OFFSET or a register)."},
    {"run-to-exit", "rte", "[REASON]", cli_dbg_run_to_exit,
     "run until the next VM exit (of REASON: mmio_write, sbi, ...)",
     "Stops when an exit begins: the hardware has latched the trap, the handler has not run.\n"
     "REASON is an exit kind (nothing, hypercall, mmio_read, mmio_write, mmio, sbi,\n"
     "nested_page_fault, halt, cpu_up, cpu_down, system_down, system_reset, send_ipi,\n"
     "external_interrupt); the handler is consulted on a copy to know the reason early."},
    {"next-trap", "nt", "", cli_dbg_next_trap, "run until the next trap: an exit or a guest trap",
     "Like run-to-exit, but also stops after a trap the guest handles itself (delegated to\n"
     "VS-mode by hedeleg/hideleg; no exit)."},
    {"step-exit", "sx", "", cli_dbg_step_exit, "advance the current exit by one phase",
     "The five phases: (1) the instruction, (2) trap entry: the CSRs the hardware latched,\n"
     "decoded, and the world switch, (3) the exit handler's decision and its reasons,\n"
     "(4) the machine's action (device, console, hart start), (5) resume: CSRs written back,\n"
     "sret into the guest. Each phase prints what changed, before and after."},
    {"break", "b", "ADDR|SYMBOL", cli_dbg_break_cmd, "stop before a guest pc",
     "Any hart in VS/VU-mode reaching ADDR stops before executing it."},
    {"break-exit", "be", "REASON|cause=N|esr.ec=N", cli_dbg_break_exit,
     "stop when an exit of a kind begins",
     "REASON as for run-to-exit; cause=N matches scause (interrupts with bit 63 set);\n"
     "esr.ec=N matches ESR_EL2.EC on AArch64 machines."},
    {"delete", "d", "[N...]", cli_dbg_delete, "delete breakpoints N (all without N)", ""},
    {"info", "i", "breakpoints|registers|harts|exits", cmd_info,
     "info breakpoints, registers, harts or exits", ""},
    {"regs", "r", "", cli_dbg_regs, "the current hart's registers",
     "x0-x31 by ABI name, pc and mode; values changed since the last 'regs' are marked."},
    {"csrs", NULL, "[trap|hs|vs|s|m|counters|all]", cli_dbg_csrs, "CSRs by group",
     "Each with the one-line summary of its decoder (default group: trap)."},
    {"frame", "f", "", cli_dbg_frame, "the vCPU register block the exit handler sees", ""},
    {"explain", "e", "NAME[=VALUE]...", cli_dbg_explain, "decode registers, live or given",
     "The explain decoder of 'trapscope explain' on the current hart's values: explain\n"
     "scause, explain hstatus htinst, explain scause=0x17."},
    {"x", NULL, "/NFU [gva:|gpa:|hpa:]ADDR", cli_dbg_x, "examine memory",
     "N units of U (b, h, w, g) in format F (x, d, u, c, s, i) at a guest virtual (default),\n"
     "guest physical or host physical address: x/8xw gpa:0x80200000, x/s msg, x/4i pc."},
    {"disas", NULL, "[ADDR] [N]", cli_dbg_disas, "disassemble N instructions (default 8)", ""},
    {"pt", NULL, "[gva:|gpa:]ADDR [r|w|x]", cli_dbg_pt,
     "walk both translation stages for an address",
     "Every level's PTE of the VS-stage (vsatp) and the G-stage (hgatp) decoded, the\n"
     "G-stage walks of the VS-stage tables, and where and why a walk fails."},
    {"hart", NULL, "[N]", cli_dbg_hart_cmd, "select hart N, or list the harts", ""},
    {"trace", NULL, "save FILE", cli_dbg_trace_save, "save the exits so far as a trace",
     "FILE.jsonl: JSON Lines, else one JSON document; the format of 'run --trace'."},
    {"history-exits", "hx", "[N]", cli_dbg_history_exits, "the last N exits (default 10)", ""},
    {"help", "h", "[COMMAND]", cmd_help, "list commands, or describe one", ""},
    {"quit", "q", "", cmd_quit, "leave the debugger (Ctrl-D too)", ""},
};

#define NCOMMANDS (sizeof commands / sizeof *commands)

static const dbg_command *find_command(const char *word)
{
	char name[32];
	size_t n = strcspn(word, "/");
	if (n >= sizeof name)
		return NULL;
	memcpy(name, word, n);
	name[n] = '\0';
	for (size_t i = 0; i < NCOMMANDS; i++)
		if (strcmp(name, commands[i].name) == 0 ||
		    (commands[i].alias && strcmp(name, commands[i].alias) == 0))
			return &commands[i];
	return NULL;
}

static bool cmd_help(cli_dbg *s, int argc, char **argv)
{
	if (argc > 2)
		return cli_dbg_error(s, "help: one command at a time");
	if (argc == 1) {
		for (size_t i = 0; i < NCOMMANDS; i++) {
			char head[64];
			snprintf(head, sizeof head, "%s%s%s%s", commands[i].name,
				 commands[i].alias ? " (" : "",
				 commands[i].alias ? commands[i].alias : "",
				 commands[i].alias ? ")" : "");
			fprintf(s->out, "  %-22s %s\n", head, commands[i].summary);
		}
		fprintf(s->out, "'help COMMAND' describes one; an empty line repeats the last "
				"command at a terminal.\n");
		return true;
	}
	const dbg_command *c = find_command(argv[1]);
	if (!c)
		return cli_dbg_error(s, "help: unknown command '%s' (try 'help')", argv[1]);
	fprintf(s->out, "%s %s\n  %s.\n", c->name, c->args, c->summary);
	if (c->alias)
		fprintf(s->out, "  Short form: %s.\n", c->alias);
	if (*c->help)
		fprintf(s->out, "%s\n", c->help);
	return true;
}

static bool cmd_quit(cli_dbg *s, int argc, char **argv)
{
	(void)argv;
	if (argc > 1)
		return cli_dbg_error(s, "quit: takes no arguments");
	s->quit = true;
	return true;
}

static bool cmd_info(cli_dbg *s, int argc, char **argv)
{
	static const struct {
		const char *name;
		size_t min; /* shortest accepted prefix */
		cli_dbg_cmd_fn *fn;
	} subs[] = {{"breakpoints", 1, cli_dbg_info_breakpoints},
		    {"registers", 1, cli_dbg_regs},
		    {"harts", 1, cli_dbg_hart_cmd},
		    {"exits", 1, cli_dbg_history_exits}};
	if (argc < 2)
		return cli_dbg_error(s, "info: what? (breakpoints, registers, harts, exits)");
	size_t n = strlen(argv[1]);
	for (size_t i = 0; i < sizeof subs / sizeof *subs; i++)
		if (n >= subs[i].min && strncmp(argv[1], subs[i].name, n) == 0) {
			if (subs[i].fn == cli_dbg_hart_cmd && argc > 2)
				return cli_dbg_error(s, "info harts: takes no arguments");
			return subs[i].fn(s, argc - 1, argv + 1);
		}
	return cli_dbg_error(s, "info: unknown '%s' (breakpoints, registers, harts, exits)",
			     argv[1]);
}

/* Splits line into words in place; false when there are too many. */
static bool split_words(char *line, int *argc, char **argv)
{
	*argc = 0;
	for (char *p = strtok(line, " \t\r\n"); p; p = strtok(NULL, " \t\r\n")) {
		if (*argc == DBG_MAX_ARGS)
			return false;
		argv[(*argc)++] = p;
	}
	return true;
}

bool cli_dbg_run_line(cli_dbg *s, const char *text)
{
	char line[1024];
	char *argv[DBG_MAX_ARGS + 1];
	int argc;
	size_t len = strlen(text);
	if (len >= sizeof line)
		return cli_dbg_error(s, "line too long (%zu characters; at most %zu)", len,
				     sizeof line - 1);
	memcpy(line, text, len + 1);
	char *hash = strchr(line, '#');
	if (hash)
		*hash = '\0';
	if (!split_words(line, &argc, argv))
		return cli_dbg_error(s, "too many words (at most %d)", DBG_MAX_ARGS);
	if (argc == 0)
		return true;
	argv[argc] = NULL;
	const dbg_command *c = find_command(argv[0]);
	if (!c)
		return cli_dbg_error(s, "unknown command '%s' (try 'help')", argv[0]);
	if (strchr(argv[0], '/') && c->fn != cli_dbg_x)
		return cli_dbg_error(s, "%s: no /FORMAT for this command", c->name);
	bool ok = c->fn(s, argc, argv);
	fflush(s->out);
	return ok;
}

/* ---- Ctrl-C -------------------------------------------------------------------------------- */

static cli_dbg *active;

static void on_sigint(int sig)
{
	(void)sig;
	if (active)
		active->interrupted = 1;
}

/* Readline calls this when a signal interrupts its read (it leaves SIGINT to us:
 * rl_catch_signals = 0): Ctrl-C at the prompt drops the line and gives a fresh prompt, as shells
 * do. */
static int on_readline_signal(void)
{
	if (active && active->interrupted) {
		active->interrupted = 0;
		rl_replace_line("", 0);
		rl_crlf();
		rl_on_new_line();
		rl_redisplay();
	}
	return 0;
}

static void install_sigint(void)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_sigint;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL); /* no SA_RESTART: a blocking read returns */
}

/* ---- completion ---------------------------------------------------------------------------- */

typedef enum complete_kind {
	COMPLETE_COMMANDS,
	COMPLETE_SYMBOLS,
	COMPLETE_NAMES, /* CSRs and explain names */
	COMPLETE_GROUPS,
	COMPLETE_REASONS,
	COMPLETE_INFO,
} complete_kind;

static const char *const csr_groups[] = {"trap", "hs", "vs", "s", "m", "counters", "all"};
static const char *const info_words[] = {"breakpoints", "registers", "harts", "exits"};
static const char *const extra_reasons[] = {"sbi", "mmio", "cause=", "esr.ec="};

/* The words Tab offers after the line's first word. */
typedef struct word_list {
	const char **words;
	size_t n, cap;
} word_list;

static word_list candidates;

static void add_word(const char *w)
{
	if (!w)
		return;
	if (candidates.n == candidates.cap) {
		size_t cap = candidates.cap ? candidates.cap * 2 : 256;
		const char **grown = realloc(candidates.words, cap * sizeof *grown);
		if (!grown)
			return;
		candidates.words = grown;
		candidates.cap = cap;
	}
	candidates.words[candidates.n++] = w;
}

static void add_words(const char *const *w, size_t n)
{
	for (size_t i = 0; i < n; i++)
		add_word(w[i]);
}

/* Every CSR name the hart implements, built once. */
static void add_csr_names(void)
{
	static char names[4096][24];
	for (unsigned csr = 0; csr < 4096; csr++)
		if (names[csr][0] || dec_rv_csr_name(csr, names[csr], sizeof names[csr]))
			add_word(names[csr]);
}

static void gather(const char *first, bool first_word)
{
	static const char *const name_cmds[] = {"explain", "e"}, *const reason_cmds[] = {
								     "break-exit", "be",
								     "run-to-exit", "rte"};
	candidates.n = 0;
	if (first_word || strcmp(first, "help") == 0 || strcmp(first, "h") == 0) {
		for (size_t i = 0; i < NCOMMANDS; i++) {
			add_word(commands[i].name);
			add_word(commands[i].alias);
		}
	} else if (strcmp(first, "csrs") == 0) {
		add_words(csr_groups, sizeof csr_groups / sizeof *csr_groups);
	} else if (strcmp(first, "info") == 0 || strcmp(first, "i") == 0) {
		add_words(info_words, sizeof info_words / sizeof *info_words);
	} else if (!strcmp(first, name_cmds[0]) || !strcmp(first, name_cmds[1])) {
		for (const dec_regdef *d = dec_regdefs(DEC_ARCH_RISCV64); d->name; d++)
			add_word(d->name);
		add_csr_names();
	} else if (!strcmp(first, reason_cmds[0]) || !strcmp(first, reason_cmds[1]) ||
		   !strcmp(first, reason_cmds[2]) || !strcmp(first, reason_cmds[3])) {
		for (unsigned k = 0; k < HV_EXIT_KIND_COUNT; k++)
			add_word(hv_exit_name((hv_exit_kind)k));
		add_words(extra_reasons, sizeof extra_reasons / sizeof *extra_reasons);
	} else {
		for (unsigned r = 0; r < 32; r++)
			add_word(dec_rv_reg_name(r));
		add_word("pc");
		for (unsigned i = 0; active && i < active->m->elf.nsymbols; i++)
			add_word(active->m->elf.symbols[i].name);
	}
}

static char *complete_next(const char *text, int state)
{
	static size_t next;
	size_t len = strlen(text);
	if (state == 0)
		next = 0;
	while (next < candidates.n) {
		const char *w = candidates.words[next++];
		if (strncmp(w, text, len) == 0)
			return strdup(w);
	}
	return NULL;
}

static char **complete(const char *text, int start, int end)
{
	(void)end;
	char first[32] = "";
	rl_attempted_completion_over = 1; /* never file names */
	sscanf(rl_line_buffer, "%31s", first);
	gather(first, strspn(rl_line_buffer, " \t") >= (size_t)start);
	return rl_completion_matches(text, complete_next);
}
/* ---- the read loop ------------------------------------------------------------------------- */

static char *history_path(void)
{
	const char *home = getenv("HOME");
	if (!home || !*home)
		return NULL;
	size_t n = strlen(home) + sizeof "/.trapscope_history";
	char *path = malloc(n);
	if (path)
		snprintf(path, n, "%s/.trapscope_history", home);
	return path;
}

static void repl_interactive(cli_dbg *s)
{
	char *hist = history_path();
	char *last = NULL;
	rl_readline_name = "trapscope";
	rl_attempted_completion_function = complete;
	rl_signal_event_hook = on_readline_signal;
	rl_catch_signals = 0;
	using_history();
	stifle_history(DBG_HISTORY_N);
	if (hist)
		read_history(hist);
	while (!s->quit) {
		s->interrupted = 0;
		char *line = readline("(trapscope) ");
		if (!line) {
			fputs("quit\n", s->out);
			break;
		}
		if (*line) {
			add_history(line);
			free(last);
			last = strdup(line);
			cli_dbg_run_line(s, line);
		} else if (last) {
			cli_dbg_run_line(s, last); /* an empty line repeats, as in gdb */
		}
		free(line);
	}
	if (hist) {
		write_history(hist);
		history_truncate_file(hist, DBG_HISTORY_N);
	}
	free(hist);
	free(last);
	free(candidates.words);
	candidates = (word_list){0};
}

static void repl_lines(cli_dbg *s, FILE *in)
{
	char *line = NULL;
	size_t cap = 0;
	while (!s->quit) {
		errno = 0;
		if (getline(&line, &cap, in) == -1) {
			if (errno != EINTR)
				break;
			clearerr(in); /* Ctrl-C while waiting for a line: read on */
			continue;
		}
		cli_dbg_run_line(s, line);
	}
	free(line);
}

/* -x FILE: stops at the first command that fails, as gdb's source does. */
static bool run_file(cli_dbg *s, const char *path)
{
	FILE *f = fopen(path, "r");
	if (!f) {
		cli_error("debug: -x '%s': %s", path, strerror(errno));
		return false;
	}
	char *line = NULL;
	size_t cap = 0;
	unsigned lineno = 0;
	bool ok = true;
	while (ok && !s->quit && getline(&line, &cap, f) != -1) {
		lineno++;
		if (!cli_dbg_run_line(s, line)) {
			cli_error("debug: -x '%s': stopped at line %u", path, lineno);
			ok = false;
		}
	}
	free(line);
	fclose(f);
	return ok;
}

/* ---- the session --------------------------------------------------------------------------- */

typedef struct debug_opts {
	cli_virt_opts virt;
	const char *files[8];
	unsigned nfiles;
} debug_opts;

static void debug_usage(FILE *out)
{
	fputs("usage: trapscope debug [OPTIONS] [GUEST.elf]\n"
	      "       trapscope            (no arguments: the built-in demo guest)\n"
	      "\n"
	      "Loads a RISC-V guest on the virt machine of 'trapscope run' and opens a REPL that\n"
	      "single-steps it through VM exits, phase by phase. Without GUEST.elf it loads the\n"
	      "built-in demo guest. At a terminal the REPL uses GNU readline (history in\n"
	      "~/.trapscope_history, Tab completes commands, registers, CSRs and symbols; Ctrl-C\n"
	      "stops a running guest, Ctrl-D quits); otherwise it reads commands line by line.\n"
	      "'help' inside lists the commands.\n"
	      "\n"
	      "Exit status: 0, or 1 when a command read from a file or pipe failed; 2 for bad\n"
	      "options or a guest that cannot be loaded.\n"
	      "\n"
	      "options:\n"
	      "  -x FILE             run the commands in FILE first (stops at a failing "
	      "one)\n" CLI_VIRT_OPTS_HELP "  -h, --help          show this help\n",
	      out);
}

static bool parse_debug_opts(int argc, char **argv, debug_opts *o, int *status)
{
	static const struct option longopts[] = {
	    CLI_VIRT_LONGOPTS,
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	int c;
	*status = CLI_EXIT_USAGE;
	cli_getopt_start();
	while ((c = getopt_long(argc, argv, ":x:h", longopts, NULL)) != -1) {
		if (c == 'h') {
			debug_usage(stdout);
			*status = 0;
			return false;
		}
		if (c == '?' || c == ':') {
			cli_bad_option("debug", c, argv);
			return false;
		}
		if (c == 'x') {
			if (o->nfiles == sizeof o->files / sizeof *o->files) {
				cli_error("debug: at most %zu -x files",
					  sizeof o->files / sizeof *o->files);
				return false;
			}
			o->files[o->nfiles++] = optarg;
		} else if (!cli_virt_option("debug", c, optarg, &o->virt)) {
			return false;
		}
	}
	if (argc - optind > 1) {
		cli_error("debug: one guest at a time");
		return false;
	}
	for (unsigned i = 0; i < o->nfiles; i++)
		if (access(o->files[i], R_OK) != 0) {
			cli_error("debug: -x '%s': %s", o->files[i], strerror(errno));
			return false;
		}
	return true;
}

static bool load_guest(cli_dbg *s, const debug_opts *o, const char *program)
{
	char err[256];
	emu_virt_config cfg = {
	    .program = program,
	    .record_guest_traps = true,
	    .console = stdout,
	    .on_event = on_event,
	    .event_ctx = s,
	};
	cli_virt_config(&o->virt, &cfg);
	if (!program) {
#ifdef HAVE_DEMO_GUEST
		cfg.program = s->program = "built-in demo";
		cfg.program_image = cli_demo_guest;
		cfg.program_size = cli_demo_guest_size;
#else
		cli_error("debug: this trapscope was built without the demo guest (no riscv64 "
			  "compiler at configure time); give a GUEST.elf");
		return false;
#endif
	}
	s->m = malloc(sizeof *s->m);
	if (!s->m) {
		cli_error("debug: out of memory");
		return false;
	}
	if (!emu_virt_create(s->m, &cfg, err, sizeof err)) {
		cli_error("%s: %s", s->program, err);
		free(s->m);
		s->m = NULL;
		return false;
	}
	if (emu_virt_arch_id(s->m) != DEC_ARCH_RISCV64) {
		cli_error("%s: the debugger steps RISC-V guests only so far (AArch64: use run)",
			  s->program);
		emu_virt_free(s->m);
		free(s->m);
		s->m = NULL;
		return false;
	}
	return true;
}

static void banner(cli_dbg *s)
{
	const emu_virt_config *c = &s->m->cfg;
	fprintf(s->out,
		"trapscope debug: %s, a riscv64 guest in VS-mode on the virt machine (%u hart%s, "
		"%" PRIu64 " MiB, %s)\n",
		s->program, c->harts, c->harts == 1 ? "" : "s", c->mem_size >> 20,
		c->gstage == HV_PT_RV_SV48X4 ? "sv48x4" : "sv39x4");
	if (s->interactive)
		fputs("Type 'help' for commands, Tab completes; Ctrl-C stops the guest, Ctrl-D "
		      "quits.\n",
		      s->out);
	cli_dbg_print_where(s);
}

static int session(cli_dbg *s, const debug_opts *o)
{
	banner(s);
	for (unsigned i = 0; i < o->nfiles && !s->quit; i++)
		run_file(s, o->files[i]);
	if (s->interactive)
		repl_interactive(s);
	else
		repl_lines(s, stdin);
	fflush(s->out);
	return !s->interactive && s->failed ? 1 : 0;
}

int cli_debug(int argc, char **argv)
{
	debug_opts o = {.virt = CLI_VIRT_OPTS_DEFAULT};
	int status;
	if (argc > 0 && !parse_debug_opts(argc, argv, &o, &status))
		return status;
	const char *program = argc > optind ? argv[optind] : NULL;
	const char *no_color = getenv("NO_COLOR");
	cli_dbg s = {
	    .program = program,
	    .out = stdout,
	    .err = stderr,
	    .color = isatty(STDOUT_FILENO) && !(no_color && *no_color),
	    .interactive = isatty(STDIN_FILENO),
	};
	if (!load_guest(&s, &o, program))
		return CLI_EXIT_USAGE;
	active = &s;
	install_sigint();
	status = session(&s, &o);
	active = NULL;
	signal(SIGINT, SIG_DFL);
	emu_virt_free(s.m);
	free(s.m);
	free(s.records);
	return status;
}
