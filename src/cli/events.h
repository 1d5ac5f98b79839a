/* Machine events as trace events: the one place that knows both the emulator's and the trace
 * layer's records. run, the debugger and replay all convert through here. */
#ifndef TRAPSCOPE_CLI_EVENTS_H
#define TRAPSCOPE_CLI_EVENTS_H

#include "decode/decode.h"
#include "emu/virt.h"
#include "trace/trace.h"

/* Holds the strings a converted event points to; valid until the next conversion. */
typedef struct cli_event_conv {
	dec_text text;
} cli_event_conv;

void cli_event_to_trace(cli_event_conv *conv, const emu_event *ev, trace_event *out);

/* "nothing", "mmio_write", ...; "guest_trap" for traps the guest handles itself. */
const char *cli_event_reason(const emu_event *ev);

#endif
