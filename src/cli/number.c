/* Numbers as people type them: 0x8000_0000, 0X1F, 0b1010, 4096. */
#include "cli.h"

#include <ctype.h>

static int digit_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = (char)tolower((unsigned char)c);
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return 99;
}

bool cli_parse_u64(const char *text, uint64_t *value, const char **why)
{
	unsigned base = 10;
	const char *p = text;

	if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X')) {
		base = 16;
		p += 2;
	} else if (p[0] == '0' && (p[1] == 'b' || p[1] == 'B')) {
		base = 2;
		p += 2;
	}
	if (*p == '\0') {
		*why = "no digits";
		return false;
	}

	uint64_t v = 0;
	bool last_was_digit = false;
	for (; *p; p++) {
		if (*p == '_') {
			if (!last_was_digit || p[1] == '\0') {
				*why = "'_' must stand between digits";
				return false;
			}
			last_was_digit = false;
			continue;
		}
		int d = digit_value(*p);
		if (d >= (int)base) {
			*why = base == 16  ? "not a hex digit"
			       : base == 2 ? "not a binary digit"
					   : "not a decimal digit (hex needs 0x)";
			return false;
		}
		if (v > (UINT64_MAX - (uint64_t)d) / base) {
			*why = "does not fit in 64 bits";
			return false;
		}
		v = v * base + (uint64_t)d;
		last_was_digit = true;
	}
	*value = v;
	return true;
}
