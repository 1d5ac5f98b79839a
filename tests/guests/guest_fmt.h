/* The guests' printf formatting (%s %c %d %u %x %p %%, with l/ll), shared by the RISC-V VS
 * guests (rv/vs/vslib.c) and the AArch64 guests (a64/a64lib.c). Freestanding: the including
 * file provides <stdarg.h> and <stdint.h>; static, so each guest library gets its own copy. */
#ifndef TRAPSCOPE_GUEST_FMT_H
#define TRAPSCOPE_GUEST_FMT_H

struct guest_buf {
	char b[256];
	unsigned long n;
};

static void guest_put(struct guest_buf *b, char c)
{
	if (b->n < sizeof(b->b))
		b->b[b->n++] = c;
}

static void guest_put_u(struct guest_buf *b, uint64_t v, unsigned base)
{
	char t[24];
	int i = 0;
	do {
		t[i++] = "0123456789abcdef"[v % base];
		v /= base;
	} while (v);
	while (i)
		guest_put(b, t[--i]);
}

static void guest_put_d(struct guest_buf *b, int64_t v)
{
	if (v < 0) {
		guest_put(b, '-');
		guest_put_u(b, (uint64_t)0 - (uint64_t)v, 10);
	} else {
		guest_put_u(b, (uint64_t)v, 10);
	}
}

/* Formats fmt into b (cut at 256 bytes). */
static void guest_vformat(struct guest_buf *b, const char *fmt, va_list ap)
{
	b->n = 0;
	for (const char *p = fmt; *p; p++) {
		if (*p != '%') {
			guest_put(b, *p);
			continue;
		}
		int lng = 0;
		for (p++; *p == 'l'; p++)
			lng++;
		switch (*p) {
		case 's':
			for (const char *s = va_arg(ap, const char *); *s; s++)
				guest_put(b, *s);
			break;
		case 'c': guest_put(b, (char)va_arg(ap, int)); break;
		case 'd': guest_put_d(b, lng ? va_arg(ap, long) : va_arg(ap, int)); break;
		case 'u':
			guest_put_u(b, lng ? va_arg(ap, unsigned long) : va_arg(ap, unsigned), 10);
			break;
		case 'x':
			guest_put_u(b, lng ? va_arg(ap, unsigned long) : va_arg(ap, unsigned), 16);
			break;
		case 'p':
			guest_put(b, '0');
			guest_put(b, 'x');
			guest_put_u(b, (uint64_t)va_arg(ap, void *), 16);
			break;
		case '%': guest_put(b, '%'); break;
		default: guest_put(b, '?'); break;
		}
	}
}

#endif
