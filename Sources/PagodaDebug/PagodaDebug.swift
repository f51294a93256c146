// The GDB remote stub and the instruction tracer live in this module.
