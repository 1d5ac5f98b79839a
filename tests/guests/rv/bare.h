/* The few things C guests on the bare machine need: console output and the counters. */
#ifndef TRAPSCOPE_GUEST_BARE_H
#define TRAPSCOPE_GUEST_BARE_H

#include <stdint.h>

#define UART_THR ((volatile uint8_t *)0x10000000)

static inline void put_char(char c)
{
	*UART_THR = (uint8_t)c;
}

static inline void put_str(const char *s)
{
	while (*s)
		put_char(*s++);
}

static inline void put_hex(uint64_t v)
{
	put_str("0x");
	for (int shift = 60; shift >= 0; shift -= 4)
		put_char("0123456789abcdef"[(v >> shift) & 15]);
}

static inline uint64_t read_instret(void)
{
	uint64_t v;
	__asm__ volatile("csrr %0, minstret" : "=r"(v));
	return v;
}

#endif
