/* libFuzzer target for the debugger's command lines: every line goes through cli_dbg_run_line
 * on a live machine. Beyond "no crash, no hang": a command that fails writes exactly one line,
 * starting "error: ", and a command that succeeds writes none.
 *
 * Input: command lines separated by newlines. The guest (built here, see guest_code) runs a
 * few instructions, makes an SBI call, touches the UART (MMIO exits) and powers off, so
 * `continue`, `until` and `stepi N` always end. `trace save` is not fuzzed: it
 * would write files wherever the fuzzer pointed it.
 *
 *   make fuzz && ./fuzz/fuzz_repl tests/fuzz/corpus/repl
 */
#include "cli.h"
#include "debug.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define GUEST_BASE UINT64_C(0x80000000)
#define MAX_LINE   512

static void check(bool ok)
{
	if (!ok)
		__builtin_trap();
}

/* cli_error lives in main.c, which the target does not link. */
void cli_error(const char *fmt, ...)
{
	(void)fmt;
}

/* The guest (words checked with riscv64-linux-gnu-as): an SBI DBCN write of 2 bytes, a UART
 * store and load (MMIO exits), then SBI SRST shutdown. */
static const uint32_t guest_code[] = {
    0x444248b7, /* lui a7,0x44424 */
    0x34e8889b, /* addiw a7,a7,846 -> 0x4442434e */
    0x00000813, /* li a6,0 */
    0x00200513, /* li a0,2 */
    0x00000597, /* auipc a1,0 */
    0x00000613, /* li a2,0 */
    0x00000073, /* ecall */
    0x100002b7, /* lui t0,0x10000 */
    0x000283a3, /* sb zero,7(t0) */
    0x0052c303, /* lbu t1,5(t0) */
    0x535258b7, /* lui a7,0x53525 */
    0x3548889b, /* addiw a7,a7,852 -> 0x53525354 */
    0x00000813, /* li a6,0 */
    0x00000513, /* li a0,0 */
    0x00000593, /* li a1,0 */
    0x00000073, /* ecall */
    0x0000006f, /* j . (never reached) */
};

/* A minimal ELF64 RISC-V executable: one PT_LOAD of guest_code at GUEST_BASE. */
static size_t build_elf(uint8_t *out)
{
	const size_t ehsize = 64, phsize = 56, off = ehsize + phsize;
	memset(out, 0, off);
	memcpy(out, "\177ELF\2\1\1", 7);
	uint16_t half[] = {2 /* EXEC */, 243 /* RISC-V */};
	memcpy(out + 16, half, sizeof half);
	uint32_t version = 1;
	memcpy(out + 20, &version, 4);
	uint64_t entry = GUEST_BASE, phoff = ehsize;
	memcpy(out + 24, &entry, 8);
	memcpy(out + 32, &phoff, 8);
	uint16_t sizes[] = {(uint16_t)ehsize, (uint16_t)phsize, 1, 64, 0, 0};
	memcpy(out + 52, sizes, sizeof sizes);
	uint32_t ptype = 1, pflags = 5;
	uint64_t poff = off, vaddr = GUEST_BASE, filesz = sizeof guest_code, align = 4096;
	uint8_t *ph = out + ehsize;
	memcpy(ph, &ptype, 4);
	memcpy(ph + 4, &pflags, 4);
	memcpy(ph + 8, &poff, 8);
	memcpy(ph + 16, &vaddr, 8);
	memcpy(ph + 24, &vaddr, 8);
	memcpy(ph + 32, &filesz, 8);
	memcpy(ph + 40, &filesz, 8);
	memcpy(ph + 48, &align, 8);
	memcpy(out + off, guest_code, sizeof guest_code);
	return off + sizeof guest_code;
}

static void record(void *ctx, const emu_event *ev)
{
	cli_dbg_record(ctx, ev);
}

static size_t count_lines(const char *text, size_t len, bool *all_errors)
{
	size_t n = 0;
	*all_errors = true;
	for (size_t i = 0; i < len; i++)
		n += text[i] == '\n';
	for (const char *p = text; p < text + len; p = strchr(p, '\n') + 1)
		if (strncmp(p, "error: ", 7) != 0 || !strchr(p, '\n')) {
			*all_errors = false;
			break;
		}
	return n;
}

static void run_one_line(cli_dbg *s, const char *line)
{
	char *errbuf = NULL;
	size_t errlen = 0;
	s->err = open_memstream(&errbuf, &errlen);
	check(s->err != NULL);
	bool ok = cli_dbg_run_line(s, line);
	fclose(s->err);
	bool all_errors;
	size_t lines = count_lines(errbuf, errlen, &all_errors);
	check(ok ? lines == 0 : lines == 1 && all_errors);
	free(errbuf);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t elf[1024];
	static size_t elf_size;
	if (!elf_size)
		elf_size = build_elf(elf);
	cli_dbg s = {.program = "fuzz guest", .out = fopen("/dev/null", "w")};
	emu_virt_config cfg = {
	    .program = "fuzz guest",
	    .program_image = elf,
	    .program_size = elf_size,
	    .mem_size = UINT64_C(1) << 20,
	    .ram = EMU_RAM_LAZY,
	    .gstage = HV_PT_RV_SV39X4,
	    .harts = 2,
	    .record_guest_traps = true,
	    .console = s.out,
	    .on_event = record,
	    .event_ctx = &s,
	};
	char err[256];
	s.m = malloc(sizeof *s.m);
	check(s.out && s.m && emu_virt_create(s.m, &cfg, err, sizeof err));

	char line[MAX_LINE + 1];
	size_t start = 0;
	for (size_t i = 0; i <= size && !s.quit; i++) {
		if (i < size && data[i] != '\n')
			continue;
		size_t n = i - start < MAX_LINE ? i - start : MAX_LINE;
		memcpy(line, data + start, n);
		line[n] = '\0';
		start = i + 1;
		if (strlen(line) != n || strstr(line, "trace"))
			continue; /* NUL bytes cannot be typed; trace save writes files */
		run_one_line(&s, line);
	}
	emu_virt_free(s.m);
	free(s.m);
	free(s.records);
	fclose(s.out);
	return 0;
}
