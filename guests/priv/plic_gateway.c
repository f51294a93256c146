/* The PLIC gateway as QEMU's virt board has it (Pagoda's default): see plic_gateway.h. */
#include "plic_gateway.h"

int main(void) { return plic_gateway_test("plic_gateway", 0); }
