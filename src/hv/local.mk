# ---- src/hv: the freestanding hypervisor (owned by src/hv/) --------------------------------
HV_LIBS =
