/* The PLIC specification's level gateway: see plic_gateway.h. QEMU-SKIP: QEMU 7.2's
   PLIC makes no new request on completion.
   PAGODA-FLAGS: --plic-gateway spec
*/
#include "plic_gateway.h"

int main(void) { return plic_gateway_test("plic_gateway_spec", 1); }
