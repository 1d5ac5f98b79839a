# ---- AArch64 decoder and interpreter (owned by the A64 interpreter work) -------------------
