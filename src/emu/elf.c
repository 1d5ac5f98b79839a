/* The ELF loader: static ELF64 little-endian executables, checked completely before a single
 * byte of RAM is written. Every structure is read field by field from its gABI offset, and
 * every file or memory range is checked as (offset, length) pairs so that no sum can wrap.
 */
#include "emu/bus.h"

#include <elf.h>
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define ELF_MAX_FILE  (UINT64_C(1) << 30)
#define ELF_MAX_PHDRS 256

/* ELF64 structure sizes and field offsets (System V gABI). */
#define EHDR_SIZE    64
#define EH_TYPE	     16
#define EH_MACHINE   18
#define EH_VERSION   20
#define EH_ENTRY     24
#define EH_PHOFF     32
#define EH_SHOFF     40
#define EH_EHSIZE    52
#define EH_PHENTSIZE 54
#define EH_PHNUM     56
#define EH_SHENTSIZE 58
#define EH_SHNUM     60

#define PHDR_SIZE 56
#define PH_TYPE	  0
#define PH_FLAGS  4
#define PH_OFFSET 8
#define PH_VADDR  16
#define PH_PADDR  24
#define PH_FILESZ 32
#define PH_MEMSZ  40

#define SHDR_SIZE  64
#define SH_TYPE	   4
#define SH_OFFSET  24
#define SH_SIZE	   32
#define SH_LINK	   40
#define SH_ENTSIZE 56

#define SYM_SIZE 24
#define ST_NAME	 0
#define ST_INFO	 4
#define ST_SHNDX 6
#define ST_VALUE 8
#define ST_SIZE	 16

struct elf_header {
	uint16_t type;
	uint16_t machine;
	uint32_t version;
	uint64_t entry;
	uint64_t phoff;
	uint64_t shoff;
	uint16_t ehsize;
	uint16_t phentsize;
	uint16_t phnum;
	uint16_t shentsize;
	uint16_t shnum;
};

/* A PT_LOAD program header with something to load. */
struct elf_segment {
	unsigned index; /* in the program header table, for messages */
	uint32_t flags;
	uint64_t offset;
	uint64_t paddr;
	uint64_t vaddr;
	uint64_t filesz;
	uint64_t memsz;
	uint64_t addr; /* where it goes: paddr, or vaddr when every paddr is 0 */
};

struct elf_section {
	uint32_t type;
	uint32_t link;
	uint64_t offset;
	uint64_t size;
	uint64_t entsize;
};

struct loader {
	const emu_load_target *target;
	const uint8_t *image;
	size_t size;
	char *err;
	size_t errlen;
	struct elf_header eh;
	unsigned nsegments;
	struct elf_segment segments[ELF_MAX_PHDRS];
	unsigned nsymbols;
	emu_symbol *symbols;
};

static bool fail(struct loader *ld, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static bool fail(struct loader *ld, const char *fmt, ...)
{
	va_list ap;

	if (!ld->err || !ld->errlen)
		return false;
	va_start(ap, fmt);
	vsnprintf(ld->err, ld->errlen, fmt, ap);
	va_end(ap);
	return false;
}

static uint16_t le16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

static uint32_t le32(const uint8_t *p)
{
	return (uint32_t)le16(p) | (uint32_t)le16(p + 2) << 16;
}

static uint64_t le64(const uint8_t *p)
{
	return (uint64_t)le32(p) | (uint64_t)le32(p + 4) << 32;
}

/* [off, off + len) must lie inside the file; what names the range in the message. */
static bool check_file_range(struct loader *ld, const char *what, uint64_t off, uint64_t len)
{
	if (off <= ld->size && len <= ld->size - off)
		return true;
	return fail(ld, "%s 0x%" PRIx64 "+0x%" PRIx64 " lies outside the %zu-byte file", what, off,
		    len, ld->size);
}

/* ---- header ----------------------------------------------------------------------------- */

static const struct machine_name {
	uint16_t machine;
	const char *article;
	const char *name;
} machine_names[] = {
    {EM_RISCV, "a", "RISC-V"}, {EM_AARCH64, "an", "AArch64"}, {EM_X86_64, "an", "x86-64"},
    {EM_386, "an", "x86"},     {EM_ARM, "an", "ARM"},	      {EM_PPC64, "a", "PowerPC64"},
    {EM_MIPS, "a", "MIPS"},    {EM_S390, "an", "s390"},	      {EM_LOONGARCH, "a", "LoongArch"},
};

static const struct machine_name *machine_lookup(uint16_t machine)
{
	for (size_t i = 0; i < sizeof(machine_names) / sizeof(machine_names[0]); i++)
		if (machine_names[i].machine == machine)
			return &machine_names[i];
	return NULL;
}

static bool check_ident(struct loader *ld)
{
	const uint8_t *id = ld->image;

	if (memcmp(id, ELFMAG, SELFMAG) != 0)
		return fail(ld, "not an ELF file (bad magic)");
	if (id[EI_CLASS] == ELFCLASS32)
		return fail(ld, "is a 32-bit ELF; only ELF64 is supported");
	if (id[EI_CLASS] != ELFCLASS64)
		return fail(ld, "unknown ELF class %u", id[EI_CLASS]);
	if (id[EI_DATA] == ELFDATA2MSB)
		return fail(ld, "is a big-endian ELF; only little-endian is supported");
	if (id[EI_DATA] != ELFDATA2LSB)
		return fail(ld, "unknown ELF data encoding %u", id[EI_DATA]);
	if (id[EI_VERSION] != EV_CURRENT)
		return fail(ld, "unsupported ELF version %u", id[EI_VERSION]);
	return true;
}

static void read_header(struct loader *ld)
{
	const uint8_t *p = ld->image;
	struct elf_header *eh = &ld->eh;

	eh->type = le16(p + EH_TYPE);
	eh->machine = le16(p + EH_MACHINE);
	eh->version = le32(p + EH_VERSION);
	eh->entry = le64(p + EH_ENTRY);
	eh->phoff = le64(p + EH_PHOFF);
	eh->shoff = le64(p + EH_SHOFF);
	eh->ehsize = le16(p + EH_EHSIZE);
	eh->phentsize = le16(p + EH_PHENTSIZE);
	eh->phnum = le16(p + EH_PHNUM);
	eh->shentsize = le16(p + EH_SHENTSIZE);
	eh->shnum = le16(p + EH_SHNUM);
}

static bool check_type(struct loader *ld)
{
	switch (ld->eh.type) {
	case ET_EXEC: return true;
	case ET_DYN:
		return fail(ld, "position-independent executables are not supported; "
				"link with -static -no-pie");
	case ET_REL: return fail(ld, "is a relocatable object (ET_REL), not an executable");
	case ET_CORE: return fail(ld, "is a core dump (ET_CORE), not an executable");
	case ET_NONE: return fail(ld, "has no file type (ET_NONE), not an executable");
	default: return fail(ld, "unknown ELF file type 0x%x", ld->eh.type);
	}
}

static bool check_machine(struct loader *ld, uint16_t want_machine)
{
	const struct machine_name *have = machine_lookup(ld->eh.machine);
	const struct machine_name *want = machine_lookup(want_machine);
	char want_text[32];

	if (ld->eh.machine == want_machine)
		return true;
	if (want)
		snprintf(want_text, sizeof(want_text), "%s", want->name);
	else
		snprintf(want_text, sizeof(want_text), "machine %u", want_machine);
	if (have)
		return fail(ld, "is %s %s ELF, expected %s", have->article, have->name, want_text);
	return fail(ld, "is an ELF for machine %u, expected %s", ld->eh.machine, want_text);
}

static bool check_header(struct loader *ld, uint16_t want_machine)
{
	if (ld->size < EHDR_SIZE)
		return fail(ld, "file of %zu bytes is too short for an ELF header", ld->size);
	if (ld->size > ELF_MAX_FILE)
		return fail(ld, "file of %zu bytes exceeds the 1 GiB limit", ld->size);
	if (!check_ident(ld))
		return false;
	read_header(ld);
	if (ld->eh.version != EV_CURRENT)
		return fail(ld, "unsupported ELF version %" PRIu32, ld->eh.version);
	if (!check_type(ld) || !check_machine(ld, want_machine))
		return false;
	if (ld->eh.ehsize != EHDR_SIZE)
		return fail(ld, "ELF header size %u, expected %u", ld->eh.ehsize, EHDR_SIZE);
	return true;
}

/* ---- program headers -------------------------------------------------------------------- */

static bool check_phdr_table(struct loader *ld)
{
	const struct elf_header *eh = &ld->eh;

	if (eh->phnum == 0)
		return fail(ld, "no program headers");
	if (eh->phnum > ELF_MAX_PHDRS)
		return fail(ld, "%u program headers exceed the limit of %u", eh->phnum,
			    ELF_MAX_PHDRS);
	if (eh->phentsize != PHDR_SIZE)
		return fail(ld, "program header size %u, expected %u", eh->phentsize, PHDR_SIZE);
	return check_file_range(ld, "program header table", eh->phoff,
				(uint64_t)eh->phnum * PHDR_SIZE);
}

/* Reads program header i; a PT_LOAD with memory to fill is added to the segment list. */
static bool read_phdr(struct loader *ld, unsigned i)
{
	const uint8_t *p = ld->image + ld->eh.phoff + (size_t)i * PHDR_SIZE;
	uint32_t type = le32(p + PH_TYPE);
	char what[48];

	if (type == PT_INTERP)
		return fail(ld, "dynamically linked executables are not supported (PT_INTERP); "
				"link with -static");
	if (type != PT_LOAD)
		return true;

	struct elf_segment s = {
	    .index = i,
	    .flags = le32(p + PH_FLAGS),
	    .offset = le64(p + PH_OFFSET),
	    .vaddr = le64(p + PH_VADDR),
	    .paddr = le64(p + PH_PADDR),
	    .filesz = le64(p + PH_FILESZ),
	    .memsz = le64(p + PH_MEMSZ),
	};
	if (s.filesz > s.memsz)
		return fail(
		    ld, "program header %u: file size 0x%" PRIx64 " exceeds memory size 0x%" PRIx64,
		    i, s.filesz, s.memsz);
	snprintf(what, sizeof(what), "program header %u: file range", i);
	if (!check_file_range(ld, what, s.offset, s.filesz))
		return false;
	if (s.memsz)
		ld->segments[ld->nsegments++] = s;
	return true;
}

static bool check_segment_memory(struct loader *ld)
{
	const emu_load_target *t = ld->target;
	bool use_vaddr = true;

	for (unsigned i = 0; i < ld->nsegments; i++)
		if (ld->segments[i].paddr)
			use_vaddr = false;
	for (unsigned i = 0; i < ld->nsegments; i++) {
		struct elf_segment *s = &ld->segments[i];
		s->addr = use_vaddr ? s->vaddr : s->paddr;
		if (s->addr - t->base >= t->size || s->memsz > t->size - (s->addr - t->base))
			return fail(ld,
				    "program header %u: memory range 0x%" PRIx64 "+0x%" PRIx64
				    " lies outside RAM 0x%" PRIx64 "+0x%" PRIx64,
				    s->index, s->addr, s->memsz, t->base, t->size);
	}
	return true;
}

/* Both segments lie inside RAM by now, so addr + memsz cannot wrap. */
static bool segments_overlap(const struct elf_segment *a, const struct elf_segment *b)
{
	return a->addr < b->addr + b->memsz && b->addr < a->addr + a->memsz;
}

static bool check_overlaps(struct loader *ld)
{
	for (unsigned i = 0; i < ld->nsegments; i++) {
		const struct elf_segment *a = &ld->segments[i];
		for (unsigned j = i + 1; j < ld->nsegments; j++) {
			const struct elf_segment *b = &ld->segments[j];
			if (!segments_overlap(a, b))
				continue;
			uint64_t at = a->addr > b->addr ? a->addr : b->addr;
			return fail(ld, "segments %u and %u overlap at 0x%" PRIx64, a->index,
				    b->index, at);
		}
	}
	return true;
}

/* A segment with no flags at all counts as executable: linker scripts without PHDRS (the
 * riscv-tests environment's, for one) produce such segments, and bare-metal loaders such as
 * Spike and QEMU ignore p_flags. One marked readable or writable but not executable does not. */
static bool may_execute(const struct elf_segment *s)
{
	return s->flags == 0 || (s->flags & PF_X);
}

static bool check_entry(struct loader *ld)
{
	uint64_t entry = ld->eh.entry;

	for (unsigned i = 0; i < ld->nsegments; i++) {
		const struct elf_segment *s = &ld->segments[i];
		if (may_execute(s) && entry >= s->addr && entry - s->addr < s->memsz)
			return true;
	}
	return fail(ld, "entry point 0x%" PRIx64 " is outside every executable segment", entry);
}

static bool check_segments(struct loader *ld)
{
	if (!check_phdr_table(ld))
		return false;
	for (unsigned i = 0; i < ld->eh.phnum; i++)
		if (!read_phdr(ld, i))
			return false;
	if (ld->nsegments == 0)
		return fail(ld, "no loadable segment (PT_LOAD)");
	return check_segment_memory(ld) && check_overlaps(ld) && check_entry(ld);
}

/* ---- symbols ---------------------------------------------------------------------------- */

static void read_section(const struct loader *ld, unsigned i, struct elf_section *sec)
{
	const uint8_t *p = ld->image + ld->eh.shoff + (size_t)i * SHDR_SIZE;

	sec->type = le32(p + SH_TYPE);
	sec->offset = le64(p + SH_OFFSET);
	sec->size = le64(p + SH_SIZE);
	sec->link = le32(p + SH_LINK);
	sec->entsize = le64(p + SH_ENTSIZE);
}

static bool check_section_range(struct loader *ld, unsigned i, const struct elf_section *sec)
{
	char what[32];

	snprintf(what, sizeof(what), "section %u: file range", i);
	return check_file_range(ld, what, sec->offset, sec->size);
}

/* Finds .symtab and its string table; *found is false when the file has none. */
static bool find_symtab(struct loader *ld, struct elf_section *symtab, struct elf_section *strtab,
			bool *found)
{
	const struct elf_header *eh = &ld->eh;
	unsigned i;

	*found = false;
	if (eh->shoff == 0 || eh->shnum == 0)
		return true;
	if (eh->shentsize != SHDR_SIZE)
		return fail(ld, "section header size %u, expected %u", eh->shentsize, SHDR_SIZE);
	if (!check_file_range(ld, "section header table", eh->shoff,
			      (uint64_t)eh->shnum * SHDR_SIZE))
		return false;
	for (i = 0; i < eh->shnum; i++) {
		read_section(ld, i, symtab);
		if (symtab->type == SHT_SYMTAB)
			break;
	}
	if (i == eh->shnum)
		return true;
	if (symtab->entsize != SYM_SIZE)
		return fail(ld, "section %u: symbol entry size %" PRIu64 ", expected %u", i,
			    symtab->entsize, SYM_SIZE);
	if (symtab->size % SYM_SIZE)
		return fail(ld,
			    "section %u: symbol table size 0x%" PRIx64 " is not a multiple of %u",
			    i, symtab->size, SYM_SIZE);
	if (!check_section_range(ld, i, symtab))
		return false;
	if (symtab->link == 0 || symtab->link >= eh->shnum)
		return fail(ld, "section %u: string table index %" PRIu32 " is out of range", i,
			    symtab->link);
	read_section(ld, symtab->link, strtab);
	if (strtab->type != SHT_STRTAB)
		return fail(ld, "section %u: linked section %" PRIu32 " is not a string table", i,
			    symtab->link);
	if (!check_section_range(ld, symtab->link, strtab))
		return false;
	*found = true;
	return true;
}

/* Symbols worth showing: functions, objects and plain labels that have a name and a section.
 * Names starting with '$' are mapping symbols ($x, $d) that mark code and data, not places. */
static bool symbol_wanted(const uint8_t *sym, const char *name)
{
	unsigned type = ELF64_ST_TYPE(sym[ST_INFO]);

	if (type != STT_FUNC && type != STT_OBJECT && type != STT_NOTYPE)
		return false;
	return le16(sym + ST_SHNDX) != SHN_UNDEF && name[0] != '\0' && name[0] != '$';
}

static int symbol_order(const void *pa, const void *pb)
{
	const emu_symbol *a = pa, *b = pb;

	if (a->value != b->value)
		return a->value < b->value ? -1 : 1;
	if (a->is_func != b->is_func)
		return a->is_func ? -1 : 1;
	if (a->size != b->size)
		return a->size > b->size ? -1 : 1;
	return strcmp(a->name, b->name);
}

static bool add_symbol(struct loader *ld, const uint8_t *sym, const char *name)
{
	char *copy = strdup(name);
	if (!copy)
		return fail(ld, "out of memory reading symbols");
	ld->symbols[ld->nsymbols++] = (emu_symbol){
	    .name = copy,
	    .value = le64(sym + ST_VALUE),
	    .size = le64(sym + ST_SIZE),
	    .is_func = ELF64_ST_TYPE(sym[ST_INFO]) == STT_FUNC,
	};
	return true;
}

static bool read_symbols(struct loader *ld)
{
	struct elf_section symtab, strtab;
	bool found;

	if (!find_symtab(ld, &symtab, &strtab, &found))
		return false;
	if (!found)
		return true;
	uint64_t count = symtab.size / SYM_SIZE;
	if (count <= 1)
		return true;
	ld->symbols = calloc((size_t)count - 1, sizeof(*ld->symbols));
	if (!ld->symbols)
		return fail(ld, "out of memory reading %" PRIu64 " symbols", count);

	const char *strings = (const char *)ld->image + strtab.offset;
	/* Entry 0 is the reserved null symbol. */
	for (uint64_t i = 1; i < count; i++) {
		const uint8_t *sym = ld->image + symtab.offset + i * SYM_SIZE;
		uint32_t name_off = le32(sym + ST_NAME);
		if (name_off >= strtab.size)
			return fail(ld,
				    "symbol %" PRIu64 ": name offset 0x%" PRIx32
				    " lies outside the 0x%" PRIx64 "-byte string table",
				    i, name_off, strtab.size);
		const char *name = strings + name_off;
		if (!memchr(name, '\0', strtab.size - name_off))
			return fail(ld,
				    "symbol %" PRIu64 ": name runs past the end of the string"
				    " table",
				    i);
		if (symbol_wanted(sym, name) && !add_symbol(ld, sym, name))
			return false;
	}
	if (ld->nsymbols)
		qsort(ld->symbols, ld->nsymbols, sizeof(*ld->symbols), symbol_order);
	return true;
}

static void free_symbols(emu_symbol *symbols, unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		free(symbols[i].name);
	free(symbols);
}

/* ---- loading ---------------------------------------------------------------------------- */

static void copy_segments(struct loader *ld)
{
	for (unsigned i = 0; i < ld->nsegments; i++) {
		const struct elf_segment *s = &ld->segments[i];
		const emu_load_target *t = ld->target;
		t->write(t->ctx, s->addr, ld->image + s->offset, s->filesz);
		t->write(t->ctx, s->addr + s->filesz, NULL, s->memsz - s->filesz);
	}
}

static uint64_t symbol_value(const emu_elf *elf, const char *name)
{
	const emu_symbol *sym = emu_elf_symbol(elf, name);
	return sym ? sym->value : 0;
}

static void ram_write(void *ctx, uint64_t addr, const uint8_t *src, uint64_t len)
{
	uint8_t *dst = emu_ram_ptr(ctx, addr, len);
	if (src)
		memcpy(dst, src, (size_t)len);
	else
		memset(dst, 0, (size_t)len);
}

static void set_htif(emu_bus *bus, const emu_elf *elf)
{
	bus->tohost_addr = symbol_value(elf, "tohost");
	bus->fromhost_addr = symbol_value(elf, "fromhost");
}

bool emu_elf_load_mem(emu_bus *bus, const uint8_t *image, size_t size, uint16_t want_machine,
		      emu_elf *elf, char *err, size_t errlen)
{
	emu_load_target t = {bus->ram_base, bus->ram_size, ram_write, bus};
	if (!emu_elf_load_target_mem(&t, image, size, want_machine, elf, err, errlen))
		return false;
	set_htif(bus, elf);
	return true;
}

bool emu_elf_load_target_mem(const emu_load_target *target, const uint8_t *image, size_t size,
			     uint16_t want_machine, emu_elf *elf, char *err, size_t errlen)
{
	struct loader *ld = calloc(1, sizeof(*ld));

	*elf = (emu_elf){0};
	if (!ld) {
		if (err && errlen)
			snprintf(err, errlen, "out of memory");
		return false;
	}
	ld->target = target;
	ld->image = image;
	ld->size = size;
	ld->err = err;
	ld->errlen = errlen;

	bool ok = check_header(ld, want_machine) && check_segments(ld) && read_symbols(ld);
	if (ok) {
		copy_segments(ld);
		*elf = (emu_elf){
		    .entry = ld->eh.entry,
		    .machine = ld->eh.machine,
		    .nsymbols = ld->nsymbols,
		    .symbols = ld->symbols,
		};
	} else {
		free_symbols(ld->symbols, ld->nsymbols);
	}
	free(ld);
	return ok;
}

bool emu_elf_load(emu_bus *bus, const char *path, uint16_t want_machine, emu_elf *elf, char *err,
		  size_t errlen)
{
	emu_load_target t = {bus->ram_base, bus->ram_size, ram_write, bus};
	if (!emu_elf_load_target(&t, path, want_machine, elf, err, errlen))
		return false;
	set_htif(bus, elf);
	return true;
}

bool emu_elf_load_target(const emu_load_target *target, const char *path, uint16_t want_machine,
			 emu_elf *elf, char *err, size_t errlen)
{
	struct loader ctx = {.err = err, .errlen = errlen};
	struct stat st;
	uint8_t *image = NULL;
	bool ok = false;

	*elf = (emu_elf){0};
	FILE *f = fopen(path, "rb");
	if (!f)
		return fail(&ctx, "%s", strerror(errno));
	if (fstat(fileno(f), &st) != 0)
		fail(&ctx, "%s", strerror(errno));
	else if (!S_ISREG(st.st_mode))
		fail(&ctx, "not a regular file");
	else if ((uint64_t)st.st_size > ELF_MAX_FILE)
		fail(&ctx, "file of %jd bytes exceeds the 1 GiB limit", (intmax_t)st.st_size);
	else if (!(image = malloc((size_t)st.st_size + 1))) /* + 1: malloc(0) may give NULL */
		fail(&ctx, "out of memory reading %jd bytes", (intmax_t)st.st_size);
	else if (fread(image, 1, (size_t)st.st_size, f) != (size_t)st.st_size)
		fail(&ctx, "%s", ferror(f) ? strerror(errno) : "file shrank while being read");
	else
		ok = emu_elf_load_target_mem(target, image, (size_t)st.st_size, want_machine, elf,
					     err, errlen);
	free(image);
	fclose(f);
	return ok;
}

void emu_elf_free(emu_elf *elf)
{
	free_symbols(elf->symbols, elf->nsymbols);
	*elf = (emu_elf){0};
}

const emu_symbol *emu_elf_symbol(const emu_elf *elf, const char *name)
{
	for (unsigned i = 0; i < elf->nsymbols; i++)
		if (strcmp(elf->symbols[i].name, name) == 0)
			return &elf->symbols[i];
	return NULL;
}

/* Among the symbols at the highest address not above addr: a sized one that contains addr,
 * else a label without size (it reaches up to the next symbol). */
const emu_symbol *emu_elf_symbol_at(const emu_elf *elf, uint64_t addr)
{
	unsigned lo = 0, hi = elf->nsymbols;

	while (lo < hi) {
		unsigned mid = lo + (hi - lo) / 2;
		if (elf->symbols[mid].value <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == 0)
		return NULL;
	uint64_t value = elf->symbols[lo - 1].value;
	unsigned first = lo - 1;
	while (first > 0 && elf->symbols[first - 1].value == value)
		first--;
	const emu_symbol *label = NULL;
	for (unsigned i = first; i < lo; i++) {
		const emu_symbol *s = &elf->symbols[i];
		if (s->size && addr - s->value < s->size)
			return s;
		if (!s->size && !label)
			label = s;
	}
	return label;
}
